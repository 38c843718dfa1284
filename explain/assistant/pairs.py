"""Preference pairs: the standard {"prompt", "chosen", "rejected"} JSONL, read, checked and split.

Each line is one pair: a user's prompt, the answer people preferred and the one they rejected
(TRL's "standard" preference format, with plain strings). The built-in set is Pizzeria Vesuvio's
(`assets/assistant/pairs.jsonl`, written for this app by `make_pairs.py`). Anything else gets one
line of error that names the line: not JSON, missing keys, empty text, too long, binary. Leaves out
tokenizing the pairs (see `assistant/dpo.py`).
"""

from __future__ import annotations

import json
from pathlib import Path

from explain.core.limits import PREFER_MAX_BYTES, PREFER_MAX_FIELD_CHARS, PREFER_MAX_PAIRS, PREFER_MIN_PAIRS
from explain.core.paths import ASSETS
from explain.core.text_input import valid_unicode
from explain.finetune.data import split_dialogues

PIZZA_PAIRS = ASSETS / "assistant" / "pairs.jsonl"
KEYS = ("prompt", "chosen", "rejected")


class PairsError(ValueError):
    """A preference file that cannot be used; the message is one line and names the line at fault."""


def read_pairs(path: Path = PIZZA_PAIRS) -> list[dict]:
    """The pairs of a JSONL file on disk (at most PREFER_MAX_BYTES read)."""
    path = Path(path)
    if not path.is_file():
        raise PairsError(f"No file at '{valid_unicode(str(path))[:200]}': give 'pizza' or a JSONL file.")
    with path.open("rb") as handle:
        data = handle.read(PREFER_MAX_BYTES + 1)
    return parse_pairs(data, path.name)


def parse_pairs(data: bytes, name: str = "file") -> list[dict]:
    """[{"prompt", "chosen", "rejected"}] from the bytes of a JSONL file, or PairsError naming the line.

    >>> parse_pairs(b'{"prompt": "Hi", "chosen": "Hello!", "rejected": "Go away."}\\n' * 5)[0]["chosen"]
    'Hello!'
    """
    name = valid_unicode(name)[:80]
    if len(data) > PREFER_MAX_BYTES:
        raise PairsError(f"{name} is over {PREFER_MAX_BYTES:,} bytes; use a smaller file.")
    pairs = []
    for number, raw in enumerate(data.splitlines(), 1):
        if raw.strip():
            pairs.append(_pair(raw, f"{name} line {number}"))
        if len(pairs) > PREFER_MAX_PAIRS:
            raise PairsError(f"{name} holds more than {PREFER_MAX_PAIRS:,} pairs; keep at most that many.")
    if len(pairs) < PREFER_MIN_PAIRS:
        raise PairsError(
            f"{name} holds {len(pairs)} pairs; at least {PREFER_MIN_PAIRS} are needed (some are held out)."
        )
    return pairs


def _pair(raw: bytes, where: str) -> dict:
    """One line as {"prompt", "chosen", "rejected"}: UTF-8 JSON, the three keys, non-empty strings, bounded."""
    if b"\x00" in raw:
        raise PairsError(f"{where}: binary data (NUL bytes), not JSONL text.")
    try:
        row = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PairsError(f"{where}: not UTF-8 text.") from None
    except ValueError:
        raise PairsError(f'{where}: not JSON; expected {{"prompt": ..., "chosen": ..., "rejected": ...}}.') from None
    if not isinstance(row, dict):
        raise PairsError(f'{where}: expected a JSON object with "prompt", "chosen" and "rejected".')
    missing = [k for k in KEYS if k not in row]
    if missing:
        raise PairsError(f"{where}: missing key(s) {', '.join(missing)}.")
    for key in KEYS:
        value = row[key]
        if not isinstance(value, str) or not value.strip():
            raise PairsError(f'{where}: "{key}" must be a non-empty string.')
        if len(value) > PREFER_MAX_FIELD_CHARS:
            raise PairsError(f'{where}: "{key}" is over {PREFER_MAX_FIELD_CHARS:,} characters.')
    return {k: valid_unicode(row[k]).strip() for k in KEYS}


def split_pairs(pairs: list) -> tuple[list, list]:
    """(train, held_out): the fine-tuning chapter's fixed split (every 5th held out), so both chapters hold out alike.

    >>> split_pairs(list(range(10)))
    ([0, 1, 2, 3, 5, 6, 7, 8], [4, 9])
    """
    return split_dialogues(pairs)
