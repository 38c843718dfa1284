"""Hostile share links and uploads on the pages (issue 21 items 7, 8, 9), through AppTest."""

from __future__ import annotations

import pytest
from streamlit.errors import StreamlitAPIException

from tests.apptest import app_test
from tests.hostile.corpus import PAYLOADS, leaks


def _texts(at) -> list[str]:
    kinds = ("markdown", "info", "warning", "error", "success", "caption")
    return [el.value for kind in kinds for el in getattr(at, kind)]


def test_item7_item8_embeddings_link_with_markdown_and_bad_numbers(minilm, smollm):
    query = {"emb_view": "map", "emb_method": "pca", "emb_n": "1000", "emb_word": PAYLOADS["markdown"], "emb_k": "-1"}
    at = app_test("pages/embeddings.py", query=query)
    assert not at.exception
    assert at.session_state["emb_k"] == 1
    assert not [leak for text in _texts(at) for leak in leaks(text)]


@pytest.mark.parametrize("k", ["-1", "1e23", " 5 ", "５", "nan"])
def test_item8_rag_k_from_any_link_opens_the_page(k, minilm, smollm):
    at = app_test("pages/finetune.py", query={"rag_k": k, "distill_steps": k, "rag_question": PAYLOADS["html_js"]})
    assert not at.exception and 1 <= at.session_state["rag_k"] <= 8
    assert 50 <= at.session_state["distill_steps"] <= 1000


def test_item9_an_upload_streamlit_refuses_is_a_message(monkeypatch):
    import streamlit as st

    from ui import page

    def refuse(*args, **kwargs):
        raise StreamlitAPIException("evil.exe is not an allowed file type")

    shown = []
    monkeypatch.setattr(st, "file_uploader", refuse)
    monkeypatch.setattr(page, "show_error", shown.append)
    assert page.file_upload("x", accept_multiple_files=True) == [] and page.file_upload("x") is None
    assert len(shown) == 2


def test_item9_server_upload_limit_is_set():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parents[2] / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] <= 5
