"""Item 7 of issue 21: user text reaches st.markdown (and st.info, captions...) only through
`display.literal`, which shows it as typed: no link, image, HTML or formatting the app did not write.

A CommonMark renderer (markdown-it-py, which Streamlit's dependencies bring) is the oracle: the
rendered HTML holds no element but the paragraph, and its text is exactly what was typed.
"""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explain.core.display import code_span, literal

markdown_it = pytest.importorskip("markdown_it")
RENDER = markdown_it.MarkdownIt("commonmark").enable("table").enable("strikethrough")

PAYLOADS = [
    "[Log in again](https://phish.example/login) ![t](https://evil.example/t.png)",
    "<img src=x onerror=alert(1)><script>alert(1)</script>",
    "# heading\n- item\n1. one\n> quote",
    "**bold** _it_ `code` ~~gone~~ $x^2$ :red[red] :material/home:",
    "<https://auto.example> https://bare.example me@mail.example",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "[x]: https://ref.example\n[x]",
    "\\[not a link\\](u) &amp; &lt;b&gt; &#x27;",
]


def _rendered_text(markdown: str) -> tuple[str, list[str]]:
    out = RENDER.render(markdown)
    tags = sorted(set(re.findall(r"<(\w+)", out)))
    return html.unescape(re.sub(r"<[^>]+>", "", out)), tags


@pytest.mark.parametrize("payload", PAYLOADS)
def test_item7_literal_shows_markup_as_typed(payload):
    for line in payload.splitlines():
        text, tags = _rendered_text(literal(line))
        assert set(tags) <= {"p"}, tags
        assert text.strip() == line.strip()
    assert not re.search(r"(?<!\\)[:@]", literal(payload))  # no bare URL or e-mail left for GFM's autolinks


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=80))
def test_literal_never_lets_markup_through(line):
    text, tags = _rendered_text(literal(line))
    assert set(tags) <= {"p"}
    if line.strip() and line == line.strip():
        assert text.strip() == line


def test_code_span_cannot_be_closed_early():
    text, tags = _rendered_text(code_span("a` [x](u) `b"))
    assert tags == ["code", "p"] and "[x](u)" in text
