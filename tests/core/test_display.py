"""The one escaping helper: HTML-safe for pages, plotly-safe for chart labels."""

from explain.attention.figures import labels
from explain.core.display import escape, plot_text, token_chips_html


def test_chart_labels_escape_markup_but_not_quotes():
    assert plot_text('<b>"x" & y') == '&lt;b&gt;"x" &amp; y'
    assert labels([' "quoted"', "<script>"]) == ['·"quoted"', "&lt;script&gt;"]


def test_page_html_escapes_quotes_too():
    assert escape('<img src=x onerror="a">') == "&lt;img src=x onerror=&quot;a&quot;&gt;"
    assert "<script>" not in token_chips_html(["<script>alert(1)</script>"])
