"""From ids back to text, and from text down to bytes: why byte-level BPE never meets an unknown token.

Covers parsing a pasted list of ids, decoding it with a named tokenizer (ids
outside the vocabulary are named, not ignored), the UTF-8 bytes of each
character, and whether each tokenizer can give the text back exactly. Leaves
out cutting text into tokens (see `tokenization/tokens.py`, `tokenization/compare.py`).
"""

from __future__ import annotations

import re

from explain.core.limits import MAX_BYTE_ROWS, MAX_IDS
from explain.tokenization.tokens import HFTokenizer, load_tokenizer, tokenize


def parse_ids(raw: str, limit: int = MAX_IDS) -> list[int]:
    """Ids from "[15496, 11, 995]", "15496 11 995" or one per line; anything else is a ValueError."""
    cleaned = raw.strip().strip("[]()")
    if not cleaned:
        raise ValueError("No ids given: paste numbers such as 3923, 374, 279.")
    parts = [p for p in re.split(r"[\s,;]+", cleaned) if p]
    bad = [p for p in parts if not p.isdigit()]
    if bad:
        raise ValueError(f"'{bad[0][:20]}' is not a token id: ids are whole numbers such as 3923.")
    if len(parts) > limit:
        raise ValueError(f"{len(parts)} ids given; at most {limit:,} are decoded at once.")
    return [int(p) for p in parts]


def decode_ids(name: str, ids: list[int]) -> dict:
    """{"text", "pieces": [decoded text of each id]} for tokenizer `name`; an unknown id is a ValueError."""
    tokenizer = load_tokenizer(name)
    outside = [i for i in ids if i >= tokenizer.vocab_size]
    if outside:
        raise ValueError(f"Id {outside[0]} is outside {name}'s vocabulary (ids 0 to {tokenizer.vocab_size - 1}).")
    return {"text": tokenizer.decode(ids), "pieces": [tokenizer.decode([i]) for i in ids]}


def utf8_rows(text: str, limit: int = MAX_BYTE_ROWS) -> list[dict]:
    """One row per character: "è" -> {"char": "è", "code point": "U+00E8", "UTF-8 bytes": "C3 A8"}."""
    return [
        {"char": ch, "code point": f"U+{ord(ch):04X}", "UTF-8 bytes": " ".join(f"{b:02X}" for b in ch.encode("utf-8"))}
        for ch in text[:limit]
    ]


def coverage(name: str, text: str) -> dict:
    """How tokenizer `name` copes with `text`: tokens, unknown tokens, and whether decoding gives it back."""
    tokenizer = load_tokenizer(name)
    ids = tokenizer.encode(text)
    unk_id = tokenizer.tokenizer.unk_token_id if isinstance(tokenizer, HFTokenizer) else None
    unknown = sum(1 for i in ids if unk_id is not None and i == unk_id)
    return {
        "tokenizer": name,
        "tokens": len(ids),
        "unknown": unknown,
        "round_trip": tokenizer.decode(ids) == text,
        "bytes_concatenate": b"".join(bytes(t.bytes) for t in tokenize(tokenizer, text)) == text.encode("utf-8"),
    }
