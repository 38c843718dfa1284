"""RAG: chunking bounds, upload checks, retrieval of the seeded answers, and one real answer."""

import pytest

from explain.core.limits import MAX_UPLOAD_BYTES
from explain.embeddings.chunking import UploadError, check_upload, chunk_text
from explain.embeddings.index import exact_search
from explain.embeddings.sentences import embed_texts
from explain.finetune import rag


@pytest.fixture(scope="module")
def lessons_index(minilm):
    return rag.build_index(minilm, rag.builtin_documents())


@pytest.mark.parametrize("max_chars", [120, 300, 500])
def test_chunks_are_bounded_and_keep_every_word(max_chars):
    text = rag.builtin_documents()["02_history.md"]
    chunks = chunk_text(text, "h.md", max_chars)
    assert all(0 < len(c.text) <= max_chars for c in chunks)
    body = [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
    assert [w for c in chunks for w in c.text.split()] == body
    assert {c.heading for c in chunks} == {
        "Before neural networks",
        "ELIZA",
        "Recurrent networks and LSTM",
        "The Transformer",
        "The GPT series",
    }


def test_a_word_longer_than_a_chunk_is_cut_not_lost():
    chunks = chunk_text("x" * 1200, max_chars=500)
    assert [len(c.text) for c in chunks] == [500, 500, 200]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("notes.md", b"", "empty"),
        ("notes.md", b"  \n\t ", "empty"),
        ("notes.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("notes.txt", b"caf\xe9 latin-1", "not UTF-8"),
        ("notes.txt", b"a" * (MAX_UPLOAD_BYTES + 1), "limit is 1,000,000 bytes"),
        ("photo.png", b"hello", "not a text or markdown file"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(name, data, message):
    with pytest.raises(UploadError, match=message):
        check_upload(name, data)


def test_a_good_upload_is_cleaned_text():
    assert check_upload("a.md", "\ufeff# Hi\n\nciao \x07mondo".encode()) == "# Hi\n\nciao mondo"


def test_seeded_questions_retrieve_the_chunk_holding_the_answer(minilm, lessons_index):
    top1 = 0
    for q in rag.seeded_questions():
        holding = [c for c in lessons_index.items if q["contains"] in c.text]
        assert len(holding) == 1 and holding[0].doc == q["doc"], q  # the seed names exactly one chunk
        hits = rag.retrieve(minilm, lessons_index, q["question"], k=3)
        assert holding[0] in [h.chunk for h in hits], q["question"]
        top1 += hits[0].chunk == holding[0]
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert top1 >= len(rag.seeded_questions()) - 1


def test_index_agrees_with_brute_force(minilm, lessons_index):
    query = embed_texts(minilm, ["How is perplexity computed?"])[0]
    fast = [h.index for h in lessons_index.index.search(query, 5)]
    assert fast == [h.index for h in exact_search(lessons_index.vectors, query, 5)]


def test_no_documents_is_a_clear_error(minilm):
    with pytest.raises(UploadError, match="no documents"):
        rag.build_index(minilm, {})


def test_answer_reads_the_retrieved_chunks(smollm, minilm, lessons_index):
    question = "How many parameters does GPT-2 have?"
    out = rag.answer(smollm, minilm, lessons_index, question, k=2, max_new_tokens=24)
    assert len(out["chunks"]) == 2 and out["chunks"][0]["score"] >= out["chunks"][1]["score"]
    assert out["chunks"][0]["text"] in out["prompt"] and question in out["prompt"]
    assert out["prompt"].startswith("<|im_start|>system") and out["prompt"].endswith("<|im_start|>assistant\n")
    assert "1.5" in out["answer"]  # the chunk says 1.5 billion; the model copies it
    assert out["answer"] != out["answer_without"]
