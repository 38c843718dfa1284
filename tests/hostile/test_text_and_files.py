"""Regression tests of issue 21 for text and files: ties, invalid UTF-8, bounded file reads, BPE bounds.

Each test names the item of the issue it guards. Leaves out the models (see test_cli_corpus.py).
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from explain.cli.common import CliError, render
from explain.core.analysis import top_ids
from explain.core.sampling import SamplingConfig, reshape
from explain.core.text_input import TextFileError, clean_text, read_text_file, valid_unicode
from explain.next_token.figures import distribution_figure
from explain.tokenization import bpe

NAMES = {"model": "model", "shaped": "shaped", "dropped": "dropped"}


def test_item1_chart_takes_labels_of_tied_probabilities():
    logits = np.zeros(49_152, dtype=np.float32)  # every token tied, as bf16 logits often are
    logits[[5, 900, 40_000]] = 3.0
    probs = np.exp(logits) / np.exp(logits).sum()
    labels = {int(i): f"t{i}" for i in top_ids(probs, 15)}  # what the page labels
    fig = distribution_figure(reshape(logits, SamplingConfig()), probs, labels, 15, NAMES)
    assert len(fig.data[0].y) == 15
    assert top_ids(probs, 15).tolist() == np.argsort(-probs, kind="stable")[:15].tolist()


@pytest.mark.parametrize(
    "raw, expected",
    [("a\udcffb", "a\ufffdb"), ("\ud83d\ude00", "😀"), ("\ud800", "\ufffd"), ("مرحبا", "مرحبا"), ("", "")],
)
def test_item2_lone_surrogates_become_replacement_characters(raw, expected):
    assert valid_unicode(raw) == expected
    clean_text(raw).text.encode("utf-8")  # always encodable


def test_item2_cli_output_is_encodable_and_never_nan():
    assert render({"path": "x\udcff"}, as_json=True) == '{"path": "x\ufffd"}'
    with pytest.raises(CliError, match="NaN"):
        render({"prob": float("nan")}, as_json=True)


@pytest.mark.parametrize(
    "content, message", [(b"a\x00b", "NUL"), (b"\xff\xfe\xfa", "UTF-8"), (b"\x7fELF\x02\x00", "NUL")]
)
def test_item12_binary_files_are_refused(tmp_path, content, message):
    path = tmp_path / "f.txt"
    path.write_bytes(content)
    with pytest.raises(TextFileError, match=message):
        read_text_file(path, 1000)


@pytest.mark.parametrize("path", ["/proc/self/environ", "/dev/zero", "/", "/no/such/file"])
def test_item12_system_files_are_refused_quickly(path):
    start = time.perf_counter()
    with pytest.raises(TextFileError):
        read_text_file(path, 1000)
    assert time.perf_counter() - start < 1


def test_item12_reads_stop_at_the_bound_and_never_cut_a_character(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("é" * 3_000_000, encoding="utf-8")  # 6 MB
    text, truncated = read_text_file(path, 1001)
    assert truncated and text == "é" * 500


def test_item3_one_giant_word_is_cut_before_training():
    text, _ = bpe.bound_corpus("ab" * 100_000 + "\x00")
    assert "\x00" not in text and max(len(w) for w in text.split()) <= 100
    start = time.perf_counter()
    steps = bpe.train_text(text, 50, bpe.STEP_TIME_LIMIT_S)
    assert [s.pair for s in steps] == bpe.train_with_tokenizers(text, 50)
    assert time.perf_counter() - start < 15
