"""A character-level tokenizer, built from a corpus and saved as a real Hugging Face tokenizer.

Each distinct character of the training text becomes one token (the most
frequent `max_chars` of them; the rest map to `<unk>`). It is wrapped in a
`PreTrainedTokenizerFast` over a `tokenizers` WordLevel model, so
`AutoTokenizer.from_pretrained(folder)` loads it and every page that takes a
Hugging Face tokenizer works on it. Characters are the clearest unit for a
live demo: the model must learn spelling before words, and one sees it happen.
Leaves out subword (BPE) training: see the tokenization lab.
"""

from __future__ import annotations

from collections import Counter

from explain.core.limits import MAX_CHAR_VOCAB

UNK = "<unk>"


def char_vocab(text: str, max_chars: int = MAX_CHAR_VOCAB) -> dict[str, int]:
    """Token ids for the characters of `text`: <unk> is 0, then characters in code-point order.

    >>> char_vocab("abca")
    {'<unk>': 0, 'a': 1, 'b': 2, 'c': 3}
    """
    kept = [ch for ch, _ in Counter(text).most_common(max_chars)]
    return {UNK: 0, **{ch: i + 1 for i, ch in enumerate(sorted(kept))}}


def build_char_tokenizer(text: str, max_chars: int = MAX_CHAR_VOCAB):
    """A `PreTrainedTokenizerFast` that cuts text into single characters, learned from `text`."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.WordLevel(vocab=char_vocab(text, max_chars), unk_token=UNK))
    backend.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")  # one piece per character
    backend.decoder = decoders.Fuse()  # join characters back without spaces
    return PreTrainedTokenizerFast(tokenizer_object=backend, unk_token=UNK, clean_up_tokenization_spaces=False)


def encode(tokenizer, text: str) -> list[int]:
    """Token ids of `text` (one per character), without special tokens."""
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def decode(tokenizer, ids: list[int]) -> str:
    """The text of `ids`; <unk> shows as the replacement character."""
    return "".join("\ufffd" if i == 0 else tokenizer.convert_ids_to_tokens(i) for i in ids)
