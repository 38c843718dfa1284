"""The hostile inputs every CLI command and every page's text inputs and URL parameters are given,
and the checks of what comes back. Shared by test_cli_corpus.py and test_pages_corpus.py."""

from __future__ import annotations

import re

PHISH = "[Log in again](https://phish.example/login) ![t](https://evil.example/t.png)"
PAYLOADS = {
    "empty": "",
    "whitespace": " \t\n  \u00a0\u3000",
    "long": "word " * 20_000,  # 100 k characters
    "controls": "a\x00b\x07c\x1b[31md\x7f\x85e",
    "invalid_utf8": "caf\udcc3\udca9 \udcff\udcfe",  # what Python makes of bytes that are not UTF-8 in argv
    "lone_surrogates": "x\ud800y\udfffz",
    "rtl_combining": "مرحبا بالعالم \u202eabc\u202c e\u0301\u0301\u0301 Z\u0351\u0352\u0353",
    "emoji": "😀" * 5_000,
    "html_js": "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&",
    "markdown": PHISH + " **bold** `code` # h :red[x] $x$",
    "long_token": "a" * 50_000,
    "rag_numbers": "１２３ 1e23 -1 NaN",
}
_UNESCAPED_LINK = re.compile(r"(?<!\\)\]\((?!\s)")  # '](' not written by the escaper
_RAW_HTML = re.compile(r"<(script|img|iframe|svg)\b", re.IGNORECASE)


def leaks(text: str) -> list[str]:
    """What in a page element's markdown would reach the browser unescaped: links/images of the
    payload, raw HTML tags. The app's own links never point at *.example."""
    found = []
    text = re.sub(r"(?<!\\)`[^`]*`", "", text)  # code spans show their content as it is
    if "example" in text and _UNESCAPED_LINK.search(text):
        found.append("markdown link")
    if _RAW_HTML.search(text):
        found.append("raw html")
    return found
