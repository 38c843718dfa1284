"""Property-based tests (Hypothesis) of the three gates every hostile input passes: the text cleaner,
the URL-state reader and the model-name rules. Leaves out the models: each property runs in milliseconds.
"""

from __future__ import annotations

import math
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explain.core import registry
from explain.core.registry import ModelUnavailable, check_trained_name
from explain.core.text_input import clean_text, valid_unicode
from ui.urlstate import parse_url_value

FAST = settings(max_examples=150, deadline=None)
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)  # lone surrogates included


@FAST
@given(any_text, st.integers(1, 400))
def test_cleaned_text_is_bounded_encodable_and_free_of_controls(raw, limit):
    cleaned = clean_text(raw, limit)
    assert len(cleaned.text) <= limit
    cleaned.text.encode("utf-8")  # no lone surrogate survives
    assert all(ch in "\n\t" or unicodedata.category(ch) != "Cc" for ch in cleaned.text)
    assert cleaned.truncated == (len(cleaned.text) == limit and len(raw) - cleaned.removed_controls > limit)


@FAST
@given(st.text(max_size=200))
def test_valid_text_passes_the_cleaner_unchanged_apart_from_controls(raw):
    assert valid_unicode(raw) == raw
    assert clean_text(raw).text == "".join(ch for ch in raw if ch in "\n\t" or unicodedata.category(ch) != "Cc")


@FAST
@given(st.binary(max_size=300))
def test_bytes_always_decode(raw):
    clean_text(raw).text.encode("utf-8")


numbers_as_text = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(0, 10**6).map(lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))),
    st.integers(-50, 50).map(lambda n: f"  {n}\t"),
)


@FAST
@given(numbers_as_text, st.integers(-5, 5), st.integers(0, 50))
def test_url_numbers_land_inside_the_widget_bounds(raw, low, span):
    high = low + span
    for cast, default in ((int, low), (float, float(low))):
        value = parse_url_value(raw, default, cast, low=low, high=high)
        assert isinstance(value, cast) and low <= value <= high and math.isfinite(value)


@FAST
@given(st.text(max_size=40), st.lists(st.sampled_from(["umap", "tsne", "pca", "en", "it"]), min_size=1, unique=True))
def test_url_choices_are_always_among_the_options(raw, choices):
    assert parse_url_value(raw, choices[0], choices=choices) in choices


@FAST
@given(any_text)
def test_url_text_is_cleaned_and_bounded(raw):
    value = parse_url_value(raw, "default")
    assert len(value) <= 1000
    value.encode("utf-8")


@pytest.mark.parametrize("raw, expected", [("-1", 1), ("1e23", 30), (" 5 ", 5), ("５", 5), ("nan", 10), ("inf", 10)])
def test_item8_issue_examples_are_clamped(raw, expected):
    assert parse_url_value(raw, 10, int, low=1, high=30) == expected


SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@FAST
@given(any_text)
def test_trained_names_are_one_safe_folder_or_refused(name):
    try:
        checked = check_trained_name(name)
    except ValueError:
        return
    assert SAFE_NAME.match(checked) and "/" not in checked and ".." not in checked


@FAST
@given(st.sampled_from(["", "/", "../", "..", "/tmp/", "x/../../", "./", "\\", "%2e%2e/"]), st.text(max_size=20))
def test_trained_paths_never_resolve_outside_the_cache(prefix, rest):
    name = registry.TRAINED_PREFIX + prefix + rest
    try:
        folder = registry.local_folder(name)
    except ModelUnavailable:
        return
    assert folder.parent == registry.trained_models_dir()
