"""Turning whatever a user pastes into text the models can take, with the bound said.

Covers control characters, lone surrogates (invalid UTF-8 in a command-line argument arrives as
them), over-long text and empty text. Leaves out tokenization.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from explain.core.limits import MAX_TEXT_CHARS

_KEEP_CONTROLS = {"\n", "\t"}
_SURROGATE = re.compile("[\ud800-\udfff]")


class EmptyTextError(ValueError):
    """Raised for text that is empty once cleaned; its message says what to do."""


@dataclass
class CleanText:
    text: str  # the cleaned text, at most `limit` characters
    original_chars: int  # length of what the user gave
    truncated: bool  # True when text was cut to `limit`
    removed_controls: int  # control characters dropped (NUL, bell, escape...)
    limit: int  # the bound that applied


def valid_unicode(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD, so it can always be encoded as UTF-8.

    Python hands invalid UTF-8 bytes of argv to us as surrogates ('\\udcff'); JSON can carry them too.
    >>> valid_unicode("a\\udcffb")
    'a\ufffdb'
    """
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")  # a split pair rejoins


def clean_text(raw: str | bytes, limit: int = MAX_TEXT_CHARS) -> CleanText:
    """Normalise user text: decode bytes, drop control characters, cut to `limit`.

    Newlines and tabs stay (they are real tokens); other C0/C1 controls go.
    Emoji, CJK and right-to-left scripts pass through untouched.
    >>> clean_text("a\\x00b").text
    'ab'
    """
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    raw = valid_unicode(raw)
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


class TextFileError(ValueError):
    """A file a command was told to read that is missing, not a regular file, binary or not UTF-8."""


def read_text_file(path: str | Path, max_bytes: int) -> tuple[str, bool]:
    """(text, truncated): at most `max_bytes` of a UTF-8 text file, never more read from disk.

    The one way a command-line flag reads a file. Refuses what is not a regular file (a folder,
    /dev/zero, a pipe) and binaries (a NUL byte: /proc/self/environ, images, executables); a
    character cut by the bound is dropped. The message names the file as it was given.
    """
    path = Path(path)
    if not path.is_file():
        raise TextFileError(f"No text file at '{valid_unicode(str(path))[:200]}'.")
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    truncated = len(data) > max_bytes
    data = data[:max_bytes]
    if b"\x00" in data:
        raise TextFileError(
            f"'{valid_unicode(path.name)[:80]}' looks binary, not text (it holds NUL bytes): use a UTF-8 text file."
        )
    try:
        return data.decode("utf-8-sig"), truncated
    except UnicodeDecodeError as exc:
        if truncated and exc.start >= len(data) - 3:  # only the last character was cut in half
            return data[: exc.start].decode("utf-8-sig"), truncated
        raise TextFileError(f"'{valid_unicode(path.name)[:80]}' is not UTF-8 text: save it as UTF-8.") from None
