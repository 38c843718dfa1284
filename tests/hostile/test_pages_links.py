"""Hostile share links on the pages that read text from the URL (issue 21's corpus, pages side).

One link per page and payload puts the payload into every text parameter of the page and
out-of-range numbers into its numeric ones, as a crafted link could. The page must open with no
exception, keep every number inside its widget's bounds and show no link, image or HTML tag of
the payload. The embeddings and fine-tuning pages are covered in test_pages_corpus.py.
"""

from __future__ import annotations

import pytest

from tests.apptest import app_test
from tests.hostile.corpus import PAYLOADS, leaks

TEXT_KEYS = {  # page -> its text parameters
    "pages/tokenization.py": ["tok_text"],
    "pages/attention.py": ["attn_text"],
    "pages/next_token.py": ["nt_text", "nt_ppl_text"],
    "pages/anatomy.py": ["an_text", "an_target"],
    "pages/home.py": ["strip_text"],
    "pages/assistant.py": ["as_ss_text", "as_bc_text", "as_rl_question", "as_bias_template"],
}
BAD_NUMBERS = {  # numeric parameters -> a value no widget accepts as it is
    "tok_seed": "1e23", "attn_layer": "-1", "attn_head": "５", "nt_temp": "nan", "nt_topk": "-1",
    "nt_topp": "7", "nt_seed": "-3", "an_layer": "1e23", "an_pos": "-9", "strip_layer": "999", "strip_head": " -1 ",
    "as_rl_n": "99",
}  # fmt: skip
BOUNDS = {
    "attn_layer": (0, 29),
    "attn_head": (0, 8),
    "nt_topk": (0, 100),
    "nt_topp": (0.0, 1.0),
    "an_layer": (0, 29),
    "as_rl_n": (2, 8),
}
ATTACKS = {"markup": PAYLOADS["html_js"] + " " + PAYLOADS["markdown"], "emoji": PAYLOADS["emoji"]}


def _texts(at) -> list[str]:
    kinds = ("markdown", "info", "warning", "error", "success", "caption")
    return [el.value for kind in kinds for el in getattr(at, kind)]


@pytest.mark.parametrize("attack", list(ATTACKS))
@pytest.mark.parametrize("page", list(TEXT_KEYS))
def test_a_hostile_link_opens_the_page_bounded_and_escaped(page, attack, smollm):
    query = {key: ATTACKS[attack] for key in TEXT_KEYS[page]} | BAD_NUMBERS
    at = app_test(None if page == "pages/home.py" else page, query=query)
    assert not at.exception, page
    for key, (low, high) in BOUNDS.items():
        if key in at.session_state:
            assert low <= at.session_state[key] <= high, (key, at.session_state[key])
    assert not [leak for text in _texts(at) for leak in leaks(text)]
