"""Cutting documents into chunks a retriever can embed, and checking what users upload.

A chunk is a few sentences under one heading: small enough that its MiniLM vector is about one
thing (MiniLM reads at most 256 word pieces, so longer text would be cut silently), big enough
to answer a question. Paragraphs are packed together up to `max_chars`; a paragraph longer than
that is split at sentence ends. Each chunk keeps its document and heading, so the page can say
where an answer came from. The one chunker: the embeddings page's vector search and RAG both use it.
Leaves out embedding (see `embeddings/sentences.py`) and search (see `embeddings/search.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from explain.core.limits import CHUNK_CHARS, MAX_UPLOAD_BYTES
from explain.core.text_input import TextFileError, clean_text, read_text_file

UPLOAD_SUFFIXES = (".txt", ".md", ".markdown")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class UploadError(ValueError):
    """A file that cannot be indexed; the message says why and what to do."""


@dataclass(frozen=True)
class Chunk:
    doc: str  # document name, e.g. "tokenization.md"
    heading: str  # the nearest markdown heading above it ("" when none)
    text: str  # the chunk's text


def check_upload(name: str, data: bytes) -> str:
    """The text of an uploaded .txt/.md file, or UploadError saying why it cannot be used.

    Refuses: another suffix, more than MAX_UPLOAD_BYTES, nothing but whitespace, and binary
    files (a NUL byte, or bytes that are not UTF-8).
    """
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise UploadError(f"'{name[:80]}' is not a text or markdown file: use {', '.join(UPLOAD_SUFFIXES)}.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"'{name[:80]}' is {len(data):,} bytes; the limit is {MAX_UPLOAD_BYTES:,} bytes (1 MB).")
    if b"\x00" in data:
        raise UploadError(f"'{name[:80]}' looks binary (it contains NUL bytes): upload plain text or markdown.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(f"'{name[:80]}' is not UTF-8 text: save it as UTF-8 and upload it again.") from None
    text = clean_text(text, limit=MAX_UPLOAD_BYTES).text
    if not text.strip():
        raise UploadError(f"'{name[:80]}' is empty: it has no text to index.")
    return text


def read_document(path: Path) -> str:
    """`check_upload` for a file on disk (the CLI's --docs); a missing file is an UploadError too."""
    try:
        text, truncated = read_text_file(path, MAX_UPLOAD_BYTES)
    except TextFileError as exc:
        raise UploadError(str(exc)) from None
    if truncated:
        raise UploadError(f"'{path.name[:80]}' is over {MAX_UPLOAD_BYTES:,} bytes, the limit.")
    return check_upload(path.name, text.encode("utf-8"))


def _sections(text: str) -> list[tuple[str, list[str]]]:
    """[(heading, [paragraph, ...])] in order; text before the first heading has heading ""."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        block = block.strip()
        lines = block.splitlines()
        while lines and lines[0].lstrip().startswith("#"):  # headings open a new section
            sections.append((lines.pop(0).lstrip("#").strip(), []))
        rest = " ".join(line.strip() for line in lines).strip()
        if rest:
            sections[-1][1].append(rest)
    return [s for s in sections if s[1]]


def _hard_cut(sentence: str, max_chars: int) -> list[str]:
    """A sentence longer than `max_chars` cut at spaces (mid-word only when a word is that long)."""
    out = []
    while len(sentence) > max_chars:
        cut = sentence.rfind(" ", 0, max_chars + 1)
        cut = cut if cut > 0 else max_chars
        out.append(sentence[:cut].rstrip())
        sentence = sentence[cut:].lstrip()
    return out + ([sentence] if sentence else [])


def _pieces(paragraph: str, max_chars: int) -> list[str]:
    """A paragraph as it is, or split at sentence ends (and at spaces as a last resort), in order."""
    if len(paragraph) <= max_chars:
        return [paragraph]
    out, current = [], ""
    for sentence in _SENTENCE_END.split(paragraph):
        if current and len(current) + 1 + len(sentence) > max_chars:
            out.append(current)
            current = ""
        if len(sentence) > max_chars:
            *whole, sentence = _hard_cut(sentence, max_chars)
            out.extend(whole)
        current = f"{current} {sentence}".strip()
    return out + ([current] if current else [])


def chunk_text(text: str, doc: str = "text", max_chars: int = CHUNK_CHARS) -> list[Chunk]:
    """Chunks of at most `max_chars` characters, paragraphs packed within each heading.

    >>> [c.text for c in chunk_text("# A\\n\\nOne.\\n\\nTwo.", max_chars=20)]
    ['One. Two.']
    """
    chunks = []
    for heading, paragraphs in _sections(text):
        current = ""
        for piece in (p for para in paragraphs for p in _pieces(para, max_chars)):
            if current and len(current) + 1 + len(piece) > max_chars:
                chunks.append(Chunk(doc, heading, current))
                current = ""
            current = f"{current} {piece}".strip()
        if current:
            chunks.append(Chunk(doc, heading, current))
    return chunks
