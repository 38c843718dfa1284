"""Retrieval-augmented generation: look the answer up in documents, then let SmolLM2 say it.

The steps, each a function: chunk the documents (`embeddings/chunking.py`), embed every chunk with MiniLM
into unit vectors (`embeddings/sentences.py`), store them in an HNSW index (`embeddings/index.py`, the
structure inside vector databases), embed the question the same way and take the k nearest chunks
by cosine similarity, paste them into the prompt above the question, and generate with the chat
template. The model itself is unchanged: retrieval only changes what it reads. The same question
without the chunks shows what the model says from its weights alone.

The built-in collection is `assets/rag/*.md`, short lessons written for this app; its seeded
questions (`assets/rag/questions.json`) name the chunk that holds each answer. Leaves out
re-ranking, hybrid keyword search and citations checking.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from explain.core.chat import chat_ids, greedy_reply
from explain.core.limits import (
    CHUNK_CHARS,
    MAX_CHUNKS,
    MAX_DOCUMENTS,
    MAX_K,
    MAX_QUESTION_CHARS,
    MAX_RAG_CONTEXT_TOKENS,
)
from explain.core.loading import LoadedModel
from explain.core.paths import ASSETS
from explain.embeddings.chunking import Chunk, UploadError, chunk_text
from explain.embeddings.search import Collection, build_collection, search

RAG_DIR = ASSETS / "rag"
INSTRUCTION = (
    "Answer the question using only the context below. "
    "If the context does not contain the answer, say that you do not know."
)


@dataclass
class Retrieved:
    chunk: Chunk
    score: float  # cosine similarity to the question, 1 = same direction


def builtin_documents() -> dict[str, str]:
    """{file name: text} of the app's own lesson texts."""
    lessons = sorted(RAG_DIR.glob("[0-9]*.md"))  # "01_what_is_an_llm.md" …; SOURCES.md is not a lesson
    return {p.name: p.read_text(encoding="utf-8") for p in lessons}


def seeded_questions() -> list[dict]:
    """[{"question", "doc", "contains"}]: `contains` is a phrase found only in the answering chunk."""
    return json.loads((RAG_DIR / "questions.json").read_text(encoding="utf-8"))


def _embedding_text(chunk: Chunk) -> str:
    """What MiniLM reads for a chunk: its heading in front, since headings name the topic."""
    return f"{chunk.heading}. {chunk.text}" if chunk.heading else chunk.text


def build_index(encoder: LoadedModel, documents: dict[str, str], max_chars: int = CHUNK_CHARS) -> Collection:
    """Chunk `documents` ({name: text}), embed every chunk and index the vectors."""
    if not documents:
        raise UploadError("There are no documents to index: add a text or markdown file.")
    if len(documents) > MAX_DOCUMENTS:
        raise UploadError(f"{len(documents)} documents given; at most {MAX_DOCUMENTS} are indexed at once.")
    chunks = [c for name, text in documents.items() for c in chunk_text(text, name, max_chars)]
    if not chunks:
        raise UploadError("The documents hold no text to index.")
    if len(chunks) > MAX_CHUNKS:
        raise UploadError(f"The documents make {len(chunks):,} chunks; at most {MAX_CHUNKS:,} are indexed.")
    return build_collection(encoder, chunks, text_of=_embedding_text)


def retrieve(encoder: LoadedModel, rag: Collection, question: str, k: int = 3) -> list[Retrieved]:
    """The k chunks nearest the question, most similar first."""
    _, matches = search(encoder, rag, question[:MAX_QUESTION_CHARS], max(1, min(k, MAX_K)))
    return [Retrieved(m.item, m.score) for m in matches]


def fit_context(lm: LoadedModel, texts: list[str], budget: int = MAX_RAG_CONTEXT_TOKENS) -> list[str]:
    """`texts` cut so that together they hold at most `budget` tokens of `lm`, earlier ones kept whole first.

    A chunk's length is bounded in characters, but 500 emoji or CJK characters are thousands of tokens:
    the prompt is bounded in what the model pays for.
    """
    kept = []
    for text in texts:
        ids = lm.tokenizer(text, add_special_tokens=False)["input_ids"]
        if len(ids) > budget:
            text = lm.tokenizer.decode(ids[:budget]).rstrip("\ufffd") + " …"
        kept.append(text)
        budget -= min(len(ids), budget)
        if budget <= 0:
            break
    return kept


def build_messages(question: str, retrieved: list[Retrieved], lm: LoadedModel | None = None) -> list[dict]:
    """The chat messages with the retrieved chunks pasted above the question (one user turn);
    with `lm`, the chunks are cut to MAX_RAG_CONTEXT_TOKENS of its tokens."""
    texts = [r.chunk.text for r in retrieved]
    texts = fit_context(lm, texts) if lm is not None else texts
    context = "\n\n".join(f"[{i}] {text}" for i, text in enumerate(texts, 1))
    content = f"{INSTRUCTION}\n\nContext:\n{context}\n\nQuestion: {question[:MAX_QUESTION_CHARS]}"
    return [{"role": "user", "content": content}]


def prompt_text(lm: LoadedModel, messages: list[dict]) -> str:
    """The exact text the model reads, chat template and default system prompt included."""
    return lm.tokenizer.decode(chat_ids(lm, messages))


def answer(
    lm: LoadedModel, encoder: LoadedModel, rag: Collection, question: str, k: int = 3, max_new_tokens: int = 80
) -> dict:
    """Retrieve, assemble, generate; and the same question with no retrieval, for comparison.

    {"chunks": [{"text", "score", "doc", "heading"}], "prompt", "answer", "answer_without",
     "seconds": {"retrieve", "generate", "generate_without"}}
    """
    t0 = time.perf_counter()
    retrieved = retrieve(encoder, rag, question, k)
    t1 = time.perf_counter()
    messages = build_messages(question, retrieved, lm)
    with_context = greedy_reply(lm, messages, max_new_tokens)
    t2 = time.perf_counter()
    without = greedy_reply(lm, [{"role": "user", "content": question[:MAX_QUESTION_CHARS]}], max_new_tokens)
    t3 = time.perf_counter()
    return {
        "chunks": [
            {"text": r.chunk.text, "score": round(r.score, 4), "doc": r.chunk.doc, "heading": r.chunk.heading}
            for r in retrieved
        ],
        "prompt": prompt_text(lm, messages),
        "answer": with_context,
        "answer_without": without,
        "seconds": {
            "retrieve": round(t1 - t0, 3),
            "generate": round(t2 - t1, 3),
            "generate_without": round(t3 - t2, 3),
        },
    }
