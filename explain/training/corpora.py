"""The texts a tiny model can be trained on: built-in corpora and the user's own text, validated.

Covers listing and loading the corpora in `assets/corpora/` (each a UTF-8 .txt
described in `index.json`), checking a user's text or upload (bounded size,
not empty, not binary, long enough) with a message that says what to do, and
describing the train / validation split. Leaves out tokenization (see
`training/char_tokenizer.py`) and training (see `training/trainer.py`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from explain.core.limits import MIN_CORPUS_CHARS, TRAIN_MAX_CORPUS_BYTES
from explain.core.paths import ASSETS
from explain.core.text_input import TextFileError
from explain.core.text_input import read_text_file as core_read_text_file

CORPORA_DIR = ASSETS / "corpora"
VAL_FRACTION = 0.1  # the last 10 % of a text is kept for validation, never trained on


class CorpusError(ValueError):
    """A text that cannot be trained on; `code` names the case for the UI, the message says what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code  # "empty", "binary", "too_short", "too_large" or "unknown"


@dataclass(frozen=True)
class CorpusInfo:
    name: str  # short id used by the CLI and the page: "toy", "pizza", "explainer"
    file: str  # file name inside assets/corpora/
    prompt: str  # the fixed prompt the samples start from
    title: dict  # {"en": ..., "it": ...}
    description: dict  # {"en": ..., "it": ...}

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "file": self.file,
            "prompt": self.prompt,
            "title": self.title,
            "description": self.description,
            "chars": len(load_corpus(self.name)),
        }


@lru_cache(maxsize=1)
def list_corpora() -> tuple[CorpusInfo, ...]:
    """The built-in corpora, in the order of `index.json`."""
    entries = json.loads((CORPORA_DIR / "index.json").read_text(encoding="utf-8"))
    return tuple(CorpusInfo(**entry) for entry in entries)


def corpus_info(name: str) -> CorpusInfo:
    """The built-in corpus `name`; CorpusError naming the known ones otherwise."""
    for info in list_corpora():
        if info.name == name:
            return info
    known = ", ".join(info.name for info in list_corpora())
    raise CorpusError("unknown", f"No built-in corpus '{name[:60]}'; built-in ones: {known}.")


@lru_cache(maxsize=8)
def load_corpus(name: str) -> str:
    """The text of the built-in corpus `name`."""
    return (CORPORA_DIR / corpus_info(name).file).read_text(encoding="utf-8")


def validate_text(raw: str | bytes, max_bytes: int = TRAIN_MAX_CORPUS_BYTES, min_chars: int = MIN_CORPUS_CHARS) -> str:
    """The user's text, checked: not over `max_bytes`, UTF-8, not binary, at least `min_chars` long.

    Windows line ends become "\\n"; other control characters (except tab) are refused
    as binary when they are more than 1 % of the text, dropped otherwise.
    """
    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    if len(data) > max_bytes:
        raise CorpusError("too_large", f"The text is {len(data):,} bytes; the limit is {max_bytes:,} bytes.")
    if b"\x00" in data:
        raise CorpusError("binary", "This looks like a binary file, not text: give a UTF-8 .txt file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorpusError("binary", "This is not UTF-8 text: save it as UTF-8 plain text and try again.") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t")
    if controls > 0.01 * max(len(text), 1):
        raise CorpusError("binary", "This looks like a binary file, not text: give a UTF-8 .txt file.")
    text = "".join(ch for ch in text if ord(ch) >= 32 or ch in "\n\t") if controls else text
    if not text.strip():
        raise CorpusError("empty", "The text is empty: paste or upload some text first.")
    if len(text) < min_chars:
        raise CorpusError("too_short", f"The text has {len(text):,} characters; training needs at least {min_chars:,}.")
    return text


def read_text_file(path: str | Path) -> str:
    """A user's text file, validated like pasted text (the size is checked before reading it all)."""
    try:
        text, truncated = core_read_text_file(path, TRAIN_MAX_CORPUS_BYTES)
    except TextFileError as exc:
        raise CorpusError("binary" if Path(path).is_file() else "unknown", str(exc)) from None
    if truncated:
        raise CorpusError("too_large", f"{Path(path).name} is over {TRAIN_MAX_CORPUS_BYTES:,} bytes, the limit.")
    return validate_text(text)


def resolve(name_or_path: str) -> tuple[str, str]:
    """(label, text) for a built-in corpus name or a path to a UTF-8 text file."""
    if any(info.name == name_or_path for info in list_corpora()):
        return name_or_path, load_corpus(name_or_path)
    if Path(name_or_path).exists():
        return Path(name_or_path).name, read_text_file(name_or_path)
    return name_or_path, load_corpus(name_or_path)  # raises, naming the built-in corpora


def split_summary(text: str, val_fraction: float = VAL_FRACTION) -> dict:
    """How a text is split: characters for training, for validation, and where the cut falls."""
    val = max(1, int(len(text) * val_fraction))
    return {"chars": len(text), "train_chars": len(text) - val, "val_chars": val, "val_fraction": val_fraction}
