"""Nicknames: what a student types, made short, clean and unique within the class.

No e-mail or real name is asked for; a nickname is cleaned by the one text cleaner
(`explain.core.text_input`: no control characters), its whitespace collapsed, and bounded to
`MAX_NICKNAME_CHARS`. A name already taken in the class gets a number: 'Anna' -> 'Anna (2)'.
Leaves out escaping: a nickname is stored as typed and escaped wherever it is shown.
"""

from __future__ import annotations

from explain.core.limits import MAX_NICKNAME_CHARS
from explain.core.text_input import clean_text


class NicknameError(ValueError):
    """An empty nickname; the message says what to do."""


def clean_nickname(raw: str) -> str:
    """'  Anna \\x00 B. ' -> 'Anna B.'; longer names are cut to MAX_NICKNAME_CHARS characters."""
    words = clean_text(raw or "", 4 * MAX_NICKNAME_CHARS).text.split()
    name = " ".join(words)[:MAX_NICKNAME_CHARS].strip()
    if not name:
        raise NicknameError(f"Choose a nickname (1 to {MAX_NICKNAME_CHARS} characters; no real name needed).")
    return name


def unique_nickname(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)`... : the first not in `taken` (case-insensitively).

    >>> unique_nickname("Anna", {"anna", "Anna (2)"})
    'Anna (3)'
    """
    lowered = {t.casefold() for t in taken}
    if name.casefold() not in lowered:
        return name
    number = 2
    while f"{name} ({number})".casefold() in lowered:
        number += 1
    return f"{name} ({number})"
