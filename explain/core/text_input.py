"""Turning whatever a user pastes into text the models can take, with the bound said.

Covers control characters, over-long text and empty text. Leaves out tokenization.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from explain.core.limits import MAX_TEXT_CHARS

_KEEP_CONTROLS = {"\n", "\t"}


class EmptyTextError(ValueError):
    """Raised for text that is empty once cleaned; its message says what to do."""


@dataclass
class CleanText:
    text: str  # the cleaned text, at most `limit` characters
    original_chars: int  # length of what the user gave
    truncated: bool  # True when text was cut to `limit`
    removed_controls: int  # control characters dropped (NUL, bell, escape...)
    limit: int  # the bound that applied


def clean_text(raw: str | bytes, limit: int = MAX_TEXT_CHARS) -> CleanText:
    """Normalise user text: decode bytes, drop control characters, cut to `limit`.

    Newlines and tabs stay (they are real tokens); other C0/C1 controls go.
    Emoji, CJK and right-to-left scripts pass through untouched.
    >>> clean_text("a\\x00b").text
    'ab'
    """
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    kept = [ch for ch in raw if ch in _KEEP_CONTROLS or unicodedata.category(ch) != "Cc"]
    text = "".join(kept)
    removed = len(raw) - len(text)
    truncated = len(text) > limit
    return CleanText(text[:limit], len(raw), truncated, removed, limit)


def require_nonempty(text: str) -> str:
    """`text` unchanged (it was cleaned where it entered), or EmptyTextError when it is only whitespace."""
    if not text.strip():
        raise EmptyTextError("The text is empty: type or paste some text first.")
    return text


def require_text(raw: str | bytes, limit: int = MAX_TEXT_CHARS) -> CleanText:
    """`clean_text`, raising EmptyTextError when nothing but whitespace is left."""
    cleaned = clean_text(raw, limit)
    require_nonempty(cleaned.text)
    return cleaned
