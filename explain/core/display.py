"""The one place where tokens become text a person can read, and HTML that is safe.

Every page draws tokens through these helpers, so whitespace is made visible and
user text is escaped the same way everywhere. Leaves out choosing colours for
meaning (pages pass them in).
"""

from __future__ import annotations

import html
import re

# Qualitative palette readable by colour-blind viewers (Okabe-Ito, lightened for backgrounds).
CHIP_COLOURS = ["#cfe8ff", "#ffe3b3", "#c9f0e1", "#f9d0e4", "#fff3a6", "#d6d1f5", "#ffd2c2", "#d9ead3"]

_VISIBLE = {" ": "·", "\n": "↵", "\t": "→", "\r": "␍"}
# Every ASCII mark Markdown (with GFM and Streamlit's extensions) gives a meaning to, but < > & (escape() takes them):
# links and images ([x](u), ![x](u)), emphasis, code, headings, lists, tables, maths ($), Streamlit's
# :colour[...] and :icon:, and the autolinks of bare URLs (https://...) and e-mail addresses (@).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:@=^])")  # not quotes: escape() makes them entities


def visible(token_text: str) -> str:
    """Show whitespace: 'a b\\n' -> 'a·b↵'. An empty token shows as '∅'."""
    if token_text == "":
        return "∅"
    return "".join(_VISIBLE.get(ch, ch) for ch in token_text)


_MARKDOWN_IN_HTML = str.maketrans({"[": "&#91;", "]": "&#93;", ":": "&#58;", "@": "&#64;"})


def escape(text: str) -> str:
    """HTML-escape user text, quotes included: '<b>' -> '&lt;b&gt;'.

    Also writes [ ] : @ as entities (a browser shows them unchanged), so the text stays inert if
    Markdown ever reads it outside its HTML block: no [link](url), ![image](url), bare URL or
    e-mail autolink can form. '[x](https://e.vil)' -> '&#91;x&#93;(https&#58;//e.vil)'.
    """
    return html.escape(text, quote=True).translate(_MARKDOWN_IN_HTML)  # for HTML blocks, not for literal()


def literal(text: str) -> str:
    """User or model text for st.markdown (and st.info, st.warning, captions...), shown as typed.

    HTML escaped and every Markdown mark backslashed, so no link, image or formatting the app did not
    write can reach a page: '[x](https://e.vil)' shows as typed, and is not a link.
    >>> literal("![t](u)")
    '\\\\!\\\\[t\\\\]\\\\(u\\\\)'
    """
    # Backslashes first, then plain HTML escaping: a backslash before an entity would show the entity itself.
    return html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", text), quote=True)


def code_span(token_text: str) -> str:
    """A token as inline Markdown code, whitespace visible; a backtick cannot close it early.

    Markdown shows a code span's content as it is (no links, no HTML), so nothing else needs escaping.
    >>> code_span("a`b ")
    '`aˋb·`'
    """
    return "`" + visible(token_text).replace("`", "ˋ") + "`"


def plot_text(text: str) -> str:
    """User or model text for a plotly label: '<' and '&' escaped, quotes left alone.

    Plotly reads a few HTML tags in labels, so markup must be escaped; but it decodes
    only a handful of entities (&lt; &gt; &amp;...), not &quot;, so escaping quotes
    would show '&quot;' on the chart: '<b>"' -> '&lt;b&gt;"'.
    """
    return html.escape(text, quote=False)


def chip(label: str, colour: str, title: str = "") -> str:
    """One token as an inline HTML chip; label and title are escaped here."""
    return (
        f'<span class="tok" title="{escape(title)}" style="background:{colour};border-radius:4px;'
        f'padding:1px 3px;margin:1px;display:inline-block;font-family:monospace;color:#111">'
        f"{escape(visible(label))}</span>"
    )


def token_chips_html(tokens: list[str], titles: list[str] | None = None, colours: list[str] | None = None) -> str:
    """A row of chips, one per token, cycling through `CHIP_COLOURS` unless `colours` is given."""
    titles = titles or [""] * len(tokens)
    colours = colours or [CHIP_COLOURS[i % len(CHIP_COLOURS)] for i in range(len(tokens))]
    chips = "".join(chip(t, c, title) for t, c, title in zip(tokens, colours, titles))
    return f'<div style="line-height:2">{chips}</div>'
