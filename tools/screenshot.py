"""Look at a page: start the app, open a page in headless Chromium, save a PNG.

    python -m tools.screenshot --page tokenization --lang it --wait "Tokenizzazione" --out /tmp/tok.png
    python -m tools.screenshot --url http://127.0.0.1:8501 --page attention --query "layer=3" ...

`--click TEXT` (repeatable) clicks buttons/tabs by their visible text before the
screenshot; `--fill LABEL=TEXT` types into a text box found by its label.
"""

from __future__ import annotations

import argparse
import contextlib
import time

from tools.browser import chromium_page
from tools.serve import streamlit_server


def capture(base: str, args: argparse.Namespace) -> None:
    query = f"lang={args.lang}" + (f"&{args.query}" if args.query else "")
    with chromium_page(args.width, args.height) as page:
        page.goto(f"{base}/{args.page}?{query}", timeout=60_000)
        for text in args.wait:
            page.get_by_text(text).first.wait_for(timeout=args.timeout * 1000)
        for fill in args.fill:
            label, _, value = fill.partition("=")
            page.get_by_label(label).first.fill(value)
            page.keyboard.press("Control+Enter")
        for text in args.click:
            page.get_by_text(text, exact=True).first.click()
            time.sleep(1.0)
        for text in args.then_wait:
            page.get_by_text(text).first.wait_for(timeout=args.timeout * 1000)
        time.sleep(args.settle)
        page.screenshot(path=args.out, full_page=args.full_page)
    print(args.out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="an app already running; default: start one")
    parser.add_argument("--page", default="", help="url path of the page (e.g. tokenization)")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--query", default="", help="extra query string, e.g. 'text=hello'")
    parser.add_argument("--wait", action="append", default=[], help="text to wait for before acting")
    parser.add_argument("--fill", action="append", default=[], help="LABEL=TEXT to type into a text box")
    parser.add_argument("--click", action="append", default=[], help="visible text to click")
    parser.add_argument("--then-wait", action="append", default=[], help="text to wait for after clicks")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to wait before the shot")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--full-page", action="store_true")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    server = contextlib.nullcontext(args.url) if args.url else streamlit_server()
    with server as base:
        capture(base, args)


if __name__ == "__main__":
    main()
