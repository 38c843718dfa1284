"""Embeddings: token table neighbours, sentence similarity, vector search, projections, CLI, page.

Oracles: brute-force cosine top-k for the index and the token neighbours; a fixed
seed for UMAP determinism. One UMAP test (two small fits) keeps numba's compile
cost to one per run.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from explain.core.limits import CHUNK_CHARS, MAX_CHUNKS
from explain.embeddings import projection
from explain.embeddings.analogies import add_candidates, analogy
from explain.embeddings.figures import labelled_map, similarity_heatmap, token_map
from explain.embeddings.index import VectorIndex, exact_search
from explain.embeddings.projection import ProjectionParams, cached_projection, project
from explain.embeddings.search import (
    build_collection,
    builtin_collection,
    nearest_texts,
    parse_items,
    passages,
    presets,
    search,
)
from explain.embeddings.sentences import cosine_matrix, embed_texts
from explain.embeddings.token_table import (
    embedding_matrix,
    english_words,
    neighbours_in_set,
    neighbours_in_vocabulary,
    query_vector,
    whole_word_tokens,
)
from tests.apptest import app_test


@pytest.fixture(scope="module")
def tokens(smollm):
    return whole_word_tokens(smollm, 2000)


# --- token table -------------------------------------------------------------------------------


def test_token_set_is_whole_words_with_their_rows(smollm, tokens):
    assert len(tokens.ids) == 2000 and tokens.vectors.shape == (2000, 576)
    assert len(set(tokens.ids.tolist())) == 2000
    assert all(w.isalpha() and w.islower() for w in tokens.words)
    for i in (0, 777, 1999):  # the row really is the model's embedding of " word"
        assert smollm.tokenizer.decode([int(tokens.ids[i])]) == " " + tokens.words[i]
        np.testing.assert_array_equal(tokens.vectors[i], embedding_matrix(smollm)[tokens.ids[i]])


def test_english_word_list_has_enough_words_for_the_largest_map():
    words = english_words()
    assert len(words) >= 10_000 and len(set(words)) == len(words)
    assert {"book", "worm", "king", "queen", "pizza"} <= set(words)


def test_token_neighbours_match_brute_force(smollm, tokens):
    query = query_vector(smollm, "book")
    assert query.token_ids == [int(tokens.ids[tokens.words.index("book")])]
    hits = neighbours_in_set(tokens, query, 10)
    unit = tokens.vectors / np.linalg.norm(tokens.vectors, axis=1, keepdims=True)
    scores = unit @ (query.vector / np.linalg.norm(query.vector))
    oracle = [i for i in np.argsort(-scores) if tokens.words[i] != "book"][:10]
    assert [h.index for h in hits] == oracle
    assert np.allclose([h.score for h in hits], scores[oracle], atol=1e-5)
    assert hits[0].text == " books"  # plural first: related tokens sit close


def test_vocabulary_neighbours_exclude_the_query_and_are_sorted(smollm):
    query = query_vector(smollm, "king")
    hits = neighbours_in_vocabulary(smollm, query, 12)
    assert len(hits) == 12 and query.token_ids[0] not in [h.index for h in hits]
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))
    assert any(h.text.strip().lower() == "king" for h in hits)  # a spelling variant (" King", "king") is near


def test_multi_token_and_bad_queries(smollm, tokens):
    query = query_vector(smollm, "bookworm")
    assert query.pieces == [" book", "worm"] and query.vector.shape == (576,)
    assert len(neighbours_in_set(tokens, query, 5)) == 5  # nothing excluded: no row of its own
    assert query_vector(smollm, "x" * 100_000).text == "x" * 100  # bounded
    with pytest.raises(ValueError):
        query_vector(smollm, "   ")


def test_token_analogy_king_man_woman(smollm):
    tokens = whole_word_tokens(smollm, 5000)  # "queen" is the 6,131st word: not among them
    typed = np.stack([query_vector(smollm, w).vector for w in ("king", "man", "woman", "queen")])
    labels, cand = add_candidates(tokens.words, tokens.vectors, ["king", "man", "woman", "queen"], typed)
    assert len(labels) == 5001 and labels[-1] == "queen"
    result = analogy(*typed[:3], cand, labels, ("king", "man", "woman"), k=5, expected="queen")
    assert result.expected_rank is not None and result.expected_rank <= 5
    assert not {"king", "man", "woman"} & {w for w, _ in result.without_inputs}
    assert all(a[1] >= b[1] for a, b in zip(result.with_inputs, result.with_inputs[1:]))


def test_analogy_reports_failure_honestly():
    rng = np.random.default_rng(0)
    cand = rng.normal(size=(50, 8)).astype(np.float32)
    labels = [f"w{i}" for i in range(50)]
    result = analogy(cand[0], cand[1], cand[2], cand, labels, ("w0", "w1", "w2"), k=5, expected="nowhere")
    assert result.expected_rank is None and not result.succeeded
    assert result.with_inputs[0][0] in {"w0", "w2"}  # without the exclusion rule an input word wins


# --- sentence space and vector search ------------------------------------------------------------


def test_minilm_book_is_closer_to_bookworm_than_to_truck(minilm):
    sims = cosine_matrix(embed_texts(minilm, ["book", "bookworm", "truck"]))
    assert sims[0, 1] > sims[0, 2]
    assert np.allclose(np.diag(sims), 1.0, atol=1e-5) and np.allclose(sims, sims.T, atol=1e-6)


def test_index_neighbours_equal_brute_force(minilm):
    collection = build_collection(minilm, list(builtin_collection()))
    assert collection.vectors.shape == (len(builtin_collection()), 384)
    for query in ("What should I order for dinner?", "How does a model pick the next token?", "rainy weekend"):
        q, matches = search(minilm, collection, query, 5)
        oracle = exact_search(collection.vectors, q, 5)
        assert [m.index for m in matches] == [h.index for h in oracle]
        assert np.allclose([m.score for m in matches], [h.score for h in oracle], atol=1e-4)
    _, pizza = search(minilm, collection, "I want a pizza with mushrooms", 3)
    assert all("pizza" in m.text.lower() or "calzone" in m.text.lower() for m in pizza)


def test_index_on_random_vectors_matches_exact_top_k():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(2000, 64)).astype(np.float32)
    index = VectorIndex(vectors)
    for q in rng.normal(size=(5, 64)).astype(np.float32):
        assert [h.index for h in index.search(q, 10)] == [h.index for h in exact_search(vectors, q, 10)]


def test_sentence_neighbours_among_candidates(minilm):
    words = ["books", "novel", "truck", "pizza", "book", "library"]
    vectors = embed_texts(minilm, words)
    hits = nearest_texts(words, vectors, embed_texts(minilm, ["book"])[0], 3, exclude="book")
    assert [h.text for h in hits][0] == "books" and "book" not in [h.text for h in hits]


def test_items_and_chunks_handle_empty_duplicate_and_long_input():
    assert parse_items("") == ([], 0)
    assert parse_items("a\na\n  a  \n\nb") == (["a", "b"], 0)
    items, dropped = parse_items("\n".join(f"w{i}" for i in range(100)), limit=40)
    assert len(items) == 40 and dropped == 60
    assert len(parse_items("x" * 100_000)[0][0]) == 300
    assert passages("") == [] and passages("same.\n\n# Again\n\nsame.") == ["same."]  # duplicates dropped
    chunks = passages(" ".join(f"word{i}" for i in range(200_000)))  # one endless sentence
    assert len(chunks) == MAX_CHUNKS and all(0 < len(c) <= CHUNK_CHARS for c in chunks)
    last, first = chunks[0].split()[-1], chunks[1].split()[0]  # cut between words, none lost
    assert int(first.removeprefix("word")) == int(last.removeprefix("word")) + 1
    assert passages("x" * 1000) == ["x" * CHUNK_CHARS]  # cut mid-word; the repeated chunk is dropped
    assert all(len(p) >= 2 for p in presets().values())


def test_empty_collection_is_refused(minilm):
    with pytest.raises(ValueError):
        build_collection(minilm, [])
    assert embed_texts(minilm, []).shape == (0, 384)


# --- projections ---------------------------------------------------------------------------------


def test_umap_shape_and_determinism(tokens):
    vectors = tokens.vectors[:300]
    params = ProjectionParams(method="umap", dims=2, seed=7)
    had_umap = "umap" in sys.modules
    first, second = project(vectors, params), project(vectors, params)
    assert first.shape == (300, 2) and np.isfinite(first).all()
    np.testing.assert_array_equal(first, second)  # each fitted in its own child process: seeded, identical
    assert had_umap or "umap" not in sys.modules  # the server never imports umap (~260 MB): umap_process.py


def test_pca_shape_signs_and_tiny_inputs():
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(100, 20)).astype(np.float32)
    coords = project(vectors, ProjectionParams(method="pca", dims=3))
    assert coords.shape == (100, 3)
    np.testing.assert_allclose(coords, project(vectors * 2.0, ProjectionParams(method="pca", dims=3)), atol=1e-4)
    assert project(vectors[:2], ProjectionParams(method="umap")).shape == (2, 2)  # too few for UMAP: PCA
    assert project(vectors[:0], ProjectionParams(method="pca")).shape == (0, 2)
    with pytest.raises(ValueError):
        project(vectors, ProjectionParams(method="mds"))


def test_disk_cache_is_hit_on_second_call(tmp_path, monkeypatch):
    monkeypatch.setenv("LLM_EXPLAINER_CACHE", str(tmp_path))
    projection.clear_memory_cache()
    vectors = np.random.default_rng(3).normal(size=(200, 16)).astype(np.float32)
    params = ProjectionParams(method="pca")
    first = cached_projection("test-model", vectors, params)
    assert first.source == "computed" and len(list((tmp_path / "umap").glob("*.npy"))) == 1
    assert cached_projection("test-model", vectors, params).source == "memory"
    projection.clear_memory_cache()
    second = cached_projection("test-model", vectors, params)
    assert second.source == "disk"
    np.testing.assert_array_equal(first.coords, second.coords)
    assert cached_projection("test-model", vectors + 1.0, params).source == "computed"  # other numbers, other key
    projection.clear_memory_cache()


# --- figures -------------------------------------------------------------------------------------


def test_figures_hold_the_data():
    coords = np.arange(20, dtype=np.float32).reshape(10, 2)
    words = [f"w{i}" for i in range(10)]
    fig = token_map(coords, words, "t", query=0, neighbours=[3, 4], scores=[0.9, 0.8])
    assert len(fig.data) == 3 and list(fig.data[1].text) == ["w3 0.90", "w4 0.80"]
    assert token_map(np.zeros((10, 3)), words, "t").data[0].type == "scatter3d"
    near = coords.copy()
    near[1] = [0.5, 1.5]  # w1 sits right next to the query w0 at (0, 1)
    zoomed = token_map(near, words, "z", query=0, neighbours=[9], scores=[0.5], zoom=True)
    assert zoomed.layout.xaxis.range[0] < 0 < zoomed.layout.xaxis.range[1] < 18  # framed around the query
    assert list(zoomed.data[0].text[:3]) == ["", "w1", ""]  # only the word inside the frame is written
    heat = similarity_heatmap(["<script>alert(1)</script>", "b"], np.eye(2), "h")
    assert heat.data[0].x[0] == "<script>alert(1)</script>"  # plotly shows it as text, not markup
    assert len(labelled_map(coords, words, "m", highlight=[1], extra=(np.zeros(2), "q")).data) == 3


# --- CLI -----------------------------------------------------------------------------------------


def _cli(capsys, *argv):
    from explain.cli import main

    code = main(list(argv))
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 else out.err)


def test_cli_neighbours_token_space(capsys):
    code, result = _cli(capsys, "neighbours", "book", "--k", "5", "--json", "--dtype", "float32")
    assert code == 0 and result["query"] == "book" and len(result["neighbours"]) == 5
    scores = [n["score"] for n in result["neighbours"]]
    assert scores == sorted(scores, reverse=True) and " books" in [n["text"] for n in result["neighbours"]]


def test_cli_neighbours_sentence_space_with_candidates(capsys, tmp_path):
    file = tmp_path / "c.txt"
    file.write_text("books\ntruck\n\nnovel\nbooks\npizza\n")
    code, result = _cli(capsys, "neighbours", "book", "--space", "sentence", "--candidates", str(file), "--json")
    assert code == 0 and [n["text"] for n in result["neighbours"]][0] == "books"
    assert len(result["neighbours"]) == 4  # duplicates and blank lines dropped


def test_cli_similarity_and_bad_input(capsys):
    code, result = _cli(capsys, "similarity", "book", "bookworm", "truck", "--json")
    matrix = np.array(result["matrix"])
    assert code == 0 and matrix.shape == (3, 3) and matrix[0, 1] > matrix[0, 2]
    assert _cli(capsys, "similarity", "only one")[0] == 2
    assert _cli(capsys, "similarity", "", "x")[0] == 2
    assert _cli(capsys, "neighbours", "   ")[0] == 2
    assert _cli(capsys, "neighbours", "book", "--space", "sentence", "--candidates", "/nonexistent/c.txt")[0] == 2


# --- page ----------------------------------------------------------------------------------------


def _page(lang: str, **state):
    return app_test("pages/embeddings.py", lang=lang, timeout=240, state=state)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_page_map_view_pca(lang):
    at = _page(lang, emb_method="pca", emb_n=1000)
    assert not at.exception and not at.error
    tables = at.dataframe
    assert len(tables) == 3 and " books" in list(tables[0].value.iloc[:, 0])
    decimal = "," if lang == "it" else "."
    assert all(decimal in cosine and len(cosine) == 5 for cosine in tables[0].value.iloc[:, 1])  # 0,729 in Italian


@pytest.mark.parametrize("view", ["similarity", "search", "analogy"])
def test_page_other_views(view, monkeypatch):
    monkeypatch.setattr("explain.embeddings.search.COMMON_WORDS", 300)  # the real 3,000 take ~5 s to embed
    at = _page("it" if view == "search" else "en", emb_view=view)
    assert not at.exception and not at.error
    assert len(at.dataframe) >= 1 if view != "similarity" else True


def test_page_bad_inputs():
    at = _page("en", emb_method="pca", emb_n=1000, emb_word="<script>alert(1)</script>")
    assert not at.exception and not at.error
    assert any("<script>" in m.value or "&lt;script&gt;" in m.value for m in at.info)
    at.text_input(key="emb_word").set_value("x" * 100_000).run()
    assert not at.exception
    at.text_input(key="emb_word").set_value("").run()
    assert not at.exception and at.info
    at = _page("en", emb_view="similarity", emb_items="book\nbook\n\n")
    assert not at.exception and at.warning  # one distinct item: asks for two
    at = _page("en", emb_view="search", emb_source="own", emb_own="y" * 200_000, emb_query="<b>hi</b>")
    assert not at.exception and not at.error and len(at.dataframe) == 1


def test_search_page_caches_vectors_per_encoder_and_precision(minilm):
    """Switching the precision (or the encoder) must not reuse vectors another encoder computed."""
    from ui import embeddings_search as page

    texts = ("a cat sat", "stocks fell")
    key = page._encoder_key(minilm)
    assert key == (minilm.name, minilm.device, minilm.dtype_name)
    first = page._collection(texts, key, minilm)
    assert page._collection(texts, key, minilm) is first
    other_precision = (minilm.name, minilm.device, "bfloat16" if minilm.dtype_name == "float32" else "float32")
    assert page._collection(texts, other_precision, minilm) is not first
    assert page._word_vectors(("cat",), key, minilm) is not page._word_vectors(("cat",), other_precision, minilm)
