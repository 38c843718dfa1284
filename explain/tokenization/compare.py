"""The same text through several tokenizers: pieces with their place in the text, counts, disagreements.

Covers two pseudo-tokenizers for contrast ("characters" and "words", split on
whitespace), locating every real token in the text (character offsets, also when
a byte-level token holds only part of a character), the usual counts
(characters, words, tokens, characters per token, tokens per word) and where the
real tokenizers cut the text differently. Leaves out loading the real tokenizers
(see `tokenization/tokens.py`) and the per-language comparison (see `tokenization/tax.py`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import plotly.graph_objects as go

from explain.core import display
from explain.core.limits import MAX_CHIPS
from explain.tokenization.tokens import HFTokenizer, load_tokenizer, tokenize

CHARACTERS = "characters"
WORDS = "words"
REAL_TOKENIZERS = ["smollm2-135m", "cl100k", "o200k", "minilm-l6"]  # the ones real models use
ALL_TOKENIZERS = REAL_TOKENIZERS + [CHARACTERS, WORDS]
LABELS = {  # how the page and charts name each tokenizer
    "smollm2-135m": "SmolLM2 (byte-level BPE)",
    "cl100k": "GPT-4 cl100k",
    "o200k": "GPT-4o o200k",
    "minilm-l6": "MiniLM (BERT WordPiece)",
    CHARACTERS: "characters",
    WORDS: "words (whitespace)",
}


@dataclass
class Piece:
    id: int | None  # token id; None for the pseudo-tokenizers, which have no vocabulary
    text: str  # what a chip shows: the token text, "##mar" for WordPiece, "\xe6" for a lone byte
    bytes: list[int]  # the piece's raw bytes (for WordPiece: the piece without "##")
    start: int  # first character of the text the piece covers
    end: int  # one past its last character; start == end for a byte inside a character
    partial: bool  # True when the piece holds only some bytes of a character

    def as_dict(self) -> dict:
        return asdict(self)


def _char_starts(text: str) -> list[int]:
    """Byte offset where each character starts, plus the total: "aé" -> [0, 1, 3]."""
    starts, offset = [], 0
    for ch in text:
        starts.append(offset)
        offset += len(ch.encode("utf-8"))
    return starts + [offset]


def _byte_level_pieces(tokenizer, text: str) -> list[Piece]:
    """Byte-level tokens located by their bytes; a cut inside a character rounds up to its end."""
    import bisect

    starts = _char_starts(text)
    pieces, offset = [], 0
    for token in tokenize(tokenizer, text):
        begin, offset = offset, offset + len(token.bytes)
        start, end = bisect.bisect_left(starts, begin), bisect.bisect_left(starts, offset)
        partial = starts[start] != begin or starts[end] != offset
        label = bytes(token.bytes).decode("utf-8", errors="backslashreplace")
        pieces.append(Piece(token.id, label, token.bytes, start, end, partial))
    return pieces


def _wordpiece_pieces(tokenizer: HFTokenizer, text: str) -> list[Piece]:
    """WordPiece tokens located by the tokenizer's own offsets ("summarization" -> sum ##mar ##ization)."""
    enc = tokenizer.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    names = tokenizer.tokenizer.convert_ids_to_tokens(enc["input_ids"])
    return [
        Piece(i, name, list(tokenizer.token_bytes(i)), start, end, False)
        for i, name, (start, end) in zip(enc["input_ids"], names, enc["offset_mapping"])
    ]


def _pseudo_pieces(name: str, text: str) -> list[Piece]:
    """Characters (every character, spaces included) or whitespace-separated words."""
    if name == CHARACTERS:
        spans = [(i, i + 1) for i in range(len(text))]
    else:
        spans = [m.span() for m in re.finditer(r"\S+", text)]
    return [Piece(None, text[a:b], list(text[a:b].encode("utf-8")), a, b, False) for a, b in spans]


def segment(name: str, text: str) -> list[Piece]:
    """`text` cut by tokenizer `name` (one of ALL_TOKENIZERS, or any name `load_tokenizer` knows)."""
    if name in (CHARACTERS, WORDS):
        return _pseudo_pieces(name, text)
    tokenizer = load_tokenizer(name)
    if isinstance(tokenizer, HFTokenizer) and tokenizer.is_wordpiece:
        return _wordpiece_pieces(tokenizer, text)
    return _byte_level_pieces(tokenizer, text)


def text_counts(text: str, n_tokens: int) -> dict:
    """Characters, words, tokens and the two ratios introductions quote ("about 4 characters a token")."""
    n_chars, n_words = len(text), len(text.split())
    return {
        "characters": n_chars,
        "words": n_words,
        "tokens": n_tokens,
        "chars_per_token": round(n_chars / n_tokens, 2) if n_tokens else 0.0,
        "tokens_per_word": round(n_tokens / n_words, 2) if n_words else 0.0,
    }


def compare(text: str, names: list[str] = ALL_TOKENIZERS) -> dict[str, list[Piece]]:
    """{tokenizer name: its pieces of `text`}, in the order of `names`."""
    return {name: segment(name, text) for name in names}


def piece_title(piece: Piece, text: str) -> str:
    """The hover text of a chip: id, exact bytes, what the piece covers."""
    parts = [f"id {piece.id}" if piece.id is not None else "", "bytes " + " ".join(f"{b:02X}" for b in piece.bytes)]
    if piece.text.startswith("##"):
        parts.append("## = continues the previous word")
    if piece.partial:
        parts.append("part of a character")
    if piece.text == "[UNK]":
        parts.append(f"unknown: {text[piece.start : piece.end]}")
    return " · ".join(p for p in parts if p)


def chips_html(pieces: list[Piece], text: str, limit: int = MAX_CHIPS) -> str:
    """Chips for the first `limit` pieces, escaped by the one display helper."""
    shown = pieces[:limit]
    return display.token_chips_html([p.text for p in shown], [piece_title(p, text) for p in shown])


def _snap(text: str, position: int) -> int:
    """A cut moved past the whitespace it touches, so " quick" and "quick" cut at the same place."""
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def cuts(pieces: list[Piece], text: str) -> set[int]:
    """Inner positions where the pieces cut the text, whitespace-insensitive: "a bc" as a|·bc -> {2}."""
    positions = {_snap(text, p.start) for p in pieces} | {_snap(text, p.end) for p in pieces}
    return {p for p in positions if 0 < p < len(text)}


def disagreement(text: str, pieces_by_name: dict[str, list[Piece]]) -> list[tuple[int, int, bool]]:
    """The text as (start, end, disputed) regions.

    Regions end where every tokenizer cuts; a region is disputed when some, not
    all, tokenizers cut inside it. "unbelievable" cut un|believ|able by one and
    unbel|ievable by another is one disputed region.
    """
    all_cuts = [cuts(pieces, text) for pieces in pieces_by_name.values()]
    if not all_cuts or not text:
        return [(0, len(text), False)] if text else []
    agreed = set.intersection(*all_cuts)
    disputed = set.union(*all_cuts) - agreed
    bounds = sorted(agreed | {0, len(text)})
    return [(a, b, any(a < c < b for c in disputed)) for a, b in zip(bounds, bounds[1:])]


def _shown(text: str) -> str:
    """Escaped text with visible whitespace; "" stays "" (display.visible shows it as ∅)."""
    return display.escape(display.visible(text)) if text else ""


def disagreement_html(text: str, regions: list[tuple[int, int, bool]]) -> str:
    """The text with disputed regions highlighted; every piece of text escaped."""
    out = []
    for start, end, disputed in regions:
        part = text[start:end]
        core = part.strip()
        lead = part[: len(part) - len(part.lstrip())]
        tail = part[len(lead) + len(core) :]
        marked = (
            f'<mark style="background:#ffb74d;border-radius:3px">{_shown(core)}</mark>' if disputed and core else ""
        )
        out.append(_shown(lead) + (marked or _shown(core)) + _shown(tail))
    body = "".join(out)
    return f'<div style="font-family:monospace;line-height:1.9;white-space:pre-wrap">{body}</div>'


def disputed_share(text: str, regions: list[tuple[int, int, bool]]) -> float:
    """Fraction of non-space characters inside disputed regions."""
    total = sum(1 for ch in text if not ch.isspace())
    disputed = sum(1 for a, b, d in regions if d for ch in text[a:b] if not ch.isspace())
    return disputed / total if total else 0.0


def counts_figure(counts: dict[str, int], labels: dict[str, str] = LABELS, y_title: str = "tokens") -> go.Figure:
    """Bar chart: tokens per tokenizer for the same text (`labels` names the tokenizers)."""
    names = list(counts)
    bars = go.Bar(x=[labels.get(n, n) for n in names], y=[counts[n] for n in names], text=[counts[n] for n in names])
    fig = go.Figure(bars)
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=10, b=10), yaxis_title=y_title)
    return fig
