"""Class pages rerun only what changed: a view widget reruns its fragment, not the page; cached figures.

A change inside an `st.fragment` is sent by the browser as a fragment rerun (the fragment's id in the
rerun request); AppTest's `run()` always reruns the whole script, so `fragment_rerun` sends the same
request the browser does. The page body is counted through `ui.page.header` (every page opens with it),
the fragment through the view it draws. The figure cache is checked against uncached builds (the oracle),
per language, and for copies that one session can change without changing another's.
"""

from __future__ import annotations

import functools
import json
from collections import Counter

import numpy as np
import plotly.io as pio
import pytest

from explain.attention import figures as attn_figs
from explain.core.plain_figure import validation_changes
from explain.embeddings import figures as emb_figs
from tests.apptest import app_test


def fragment_rerun(at, widget_key: str):
    """Rerun only the fragment that drew `widget_key`, as the browser does after a change to that widget.

    Afterwards `at` holds only that fragment's elements (AppTest rebuilds its tree from one run's messages);
    `at.run()` draws the whole page again.
    """
    from streamlit.testing.v1 import local_script_runner

    state = at._session_state._state
    widget_id = state._key_id_mapper.get_id_from_key(widget_key)
    fragment_id = state._new_widget_state.widget_metadata[widget_id].fragment_id
    assert fragment_id, f"{widget_key} is not drawn inside an st.fragment"
    plain = local_script_runner.RerunData
    local_script_runner.RerunData = functools.partial(plain, fragment_id_queue=[fragment_id])
    try:
        return at.run()
    finally:
        local_script_runner.RerunData = plain


def _counting(monkeypatch, calls: Counter, module, name: str, record=lambda *a, **k: None):
    """Replace module.name by a wrapper that counts its calls (and records what `record` picks from them)."""
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls[name] += 1
        calls[(name, record(*args, **kwargs))] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)


# page, widget (kind, key, new value), the function the fragment draws with, and what it must receive
CASES = {
    "attention": ("selectbox", "attn_layer", 3, "ui.attention", "heatmap_view", lambda r, layer, *a: layer),
    "next_token": ("slider", "nt_temp", 0.5, "ui.next_token", "render_distribution", lambda lm, a, c: c.temperature),
    "tokenization": ("selectbox", "tok_tokenizer", "cl100k", "ui.tokenization", "token_view", lambda text, n: n),
    "embeddings": ("slider", "emb_k", 4, "ui.embeddings", "_query_report", lambda lm, q, row, hits, k: k),
}
STATE = {"embeddings": {"emb_method": "pca", "emb_n": 1000}}  # PCA: no UMAP run in the test


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("page", list(CASES))
def test_view_widget_reruns_its_fragment_not_the_page(page, lang, monkeypatch):
    import importlib

    import ui.page

    kind, key, value, module, drawer, picks = CASES[page]
    calls = Counter()
    _counting(monkeypatch, calls, ui.page, "header")
    _counting(monkeypatch, calls, importlib.import_module(module), drawer, picks)
    at = app_test(f"pages/{page}.py", lang=lang, timeout=240, state=STATE.get(page))
    assert not at.exception and calls["header"] >= 1 and calls[drawer] >= 1
    body_runs, draws = calls["header"], calls[drawer]
    getattr(at, kind)(key=key).set_value(value)
    fragment_rerun(at, key)
    assert not at.exception
    assert calls["header"] == body_runs  # the page body did not run again
    assert calls[drawer] == draws + 1 and calls[(drawer, value)] == 1  # the fragment did, with the new value
    assert at.query_params[key] == str(value)  # the shared link follows the fragment's widget
    at.run()  # a full run afterwards keeps the fragment's value
    assert not at.exception and at.session_state[key] == value and calls["header"] == body_runs + 1


def _json(fig) -> dict:
    return json.loads(pio.to_json(fig, validate=False))


@pytest.fixture
def cache(monkeypatch):
    """ui.figure_cache with an empty cache and the language a test sets in `cache.lang`."""
    import ui.figure_cache as figure_cache

    figure_cache._spec.clear()
    figure_cache.lang = "en"
    monkeypatch.setattr(figure_cache, "language", lambda: figure_cache.lang)
    yield figure_cache
    figure_cache._spec.clear()


def _layer_figure(lang: str = "en"):
    rng = np.random.default_rng(0)
    weights = rng.dirichlet(np.ones(6), size=(3, 6)).astype(np.float32)  # (H, T, T), rows sum to 1
    return attn_figs.small_multiples(weights, [f"{'testa' if lang == 'it' else 'head'} {h}" for h in range(3)])


def _map_figure():
    rng = np.random.default_rng(1)
    coords, words = rng.normal(size=(40, 2)), [f"w{i}" for i in range(40)]
    return emb_figs.token_map(coords, words, "map", 3, [4, 5], [0.9, 0.8], ("tokens", "query", "neighbours"))


@pytest.mark.parametrize("build", [_layer_figure, _map_figure])
def test_cached_figure_equals_an_uncached_build(cache, build):
    built = Counter()

    def counted():
        built["n"] += 1
        return build()

    first = cache.cached_figure("test_fig", ("text", 1), counted)
    again = cache.cached_figure("test_fig", ("text", 1), counted)
    assert built["n"] == 1  # the second call came from the cache
    assert _json(first) == _json(again) == _json(build())  # the oracle: a fresh, validated build
    assert validation_changes(again) == []  # canonical: plotly's validation would change nothing


def test_language_and_key_are_part_of_the_cache_key(cache):
    en = cache.cached_figure("test_lang", "k", lambda: _layer_figure(cache.lang))
    cache.lang = "it"
    it = cache.cached_figure("test_lang", "k", lambda: _layer_figure(cache.lang))
    other = cache.cached_figure("test_lang", "k2", lambda: _layer_figure("en"))
    assert _json(en) == _json(_layer_figure("en")) == _json(other) and _json(it) == _json(_layer_figure("it"))
    assert _json(en) != _json(it)


def test_each_use_gets_its_own_copy(cache):
    first = cache.cached_figure("test_copy", "k", _layer_figure)
    first.update_layout(separators=",.", title={"text": "changed by one session"})
    first.layout.annotations[0].text = "renamed"  # nested objects too are this session's own
    first.data[0].z = [[99.0]]
    second = cache.cached_figure("test_copy", "k", _layer_figure)
    assert _json(second) == _json(_layer_figure()) != _json(first)
    assert second.layout.annotations[0].text == "head 0"


def test_map_of_every_token_plus_the_query_layer_equals_the_whole_map():
    """The embeddings page caches the map without the word and adds `query_traces`: the same figure as token_map's."""
    rng = np.random.default_rng(2)
    coords, words = rng.normal(size=(30, 2)), [f"w{i}" for i in range(30)]
    names, groups = ("tokens", "query", "neighbours"), [("months", [1, 2, 3]), ("days", [7, 8])]
    whole = emb_figs.token_map(coords, words, "map", 5, [6, 9], [0.91, 0.5], names, lang="it", groups=groups)
    layered = emb_figs.token_map(coords, words, "map", names=names, lang="it", groups=groups)
    layered.add_traces(emb_figs.query_traces(coords, words, 5, [6, 9], [0.91, 0.5], names, lang="it"))
    assert _json(layered) == _json(whole)
    assert [tr.name for tr in whole.data][-2:] == ["neighbours", "query"] and "0,91" in whole.data[-2].text[0]
