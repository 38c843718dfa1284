"""The whole app as one visitor sees it: every page's first visit, the server's memory, the first token map.

`every_page` walks one session through every page of the app's navigation (`NAV`, the order of
app.py), in English, against a running server (this bench starts its own; `--url` walks any
server on this machine, e.g. one started from an older checkout for a before/after figure). On
pages whose text box the load plan knows (`load_plan.PAGES`: the tour's steps, tokenization,
attention, next token, the embeddings' similarity view) it also types one text; a link carrying a
step or a view is opened in a fresh session, as a shared link is (a session reads it once). The
bench's own walk uses the usual cache folder (a warm start: models converted, layouts on disk).
It reports each page's first-visit ms and errors, the server's resident memory (children
included) after each page, and its peak over the whole walk. Pages whose heavy work waits for a
button (training, scale, fine-tuning, assistant, frontier, live class) are only opened: their
runs are not started.

`first_map` starts a server on an EMPTY cache folder (only the converted SmolLM2 is linked in,
so its ~20 s conversion is not counted; UMAP layouts and numba's compiled code start empty),
opens the home page (loading the default model starts the background layout of the default token
map, `explain/embeddings/precompute.py`), waits until that layout is on disk (`precompute_s`,
counted from the end of the home visit), then times the embeddings page's first visit in its
default view (map, 2,000 tokens, UMAP 2D) and reads the page's caption to tell whether the
precomputed layout was used. The full run also times a visit right after the home page, while
the layout is still being computed (the page shows PCA at once and finishes when the layout
joins). Leaves out browsers (rendering is the client's cost) and concurrency (see `loadtest.py`).

    python -m bench.bench_pages --url http://127.0.0.1:8501 [--quick | --pages home,tour]   # a running server
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.load_plan import PAGES, PageSpec
from bench.load_report import ServerSampler, SessionLog, server_pid
from bench.loadtest import LoadConfig, Student, _connect, _rerun_message, _wait_finished, check_loopback

NAV = ("home", "tour", "class", "tokenization", "embeddings", "attention", "anatomy", "next_token", "training",
       "scale", "finetune", "assistant", "frontier", "history", "eliza", "myths")  # fmt: skip
QUICK_NAV = ("home", "tokenization", "embeddings")
REQUEST_TIMEOUT_S = 300.0  # longest wait for one page (a first model load under load included)
PAGE_TIMEOUT_S = 600.0  # a page (its visit and typing) still running after this is closed and noted
PRECOMPUTE_TIMEOUT_S = {True: 240.0, False: 600.0}  # quick, full: longest wait for the background layout
LAYOUT_CAPTION = "Layout "  # the embeddings map's caption when the layout was ready: "Layout <source> in <s> s."


def nav_spec(page: str) -> PageSpec:
    """A plain English visit of `page` (home is the app's main page: the empty page name, as a first visitor)."""
    return PageSpec(page, "" if page == "home" else page, (("lang", "en"),), "")


def typing_specs(page: str) -> list[PageSpec]:
    """The load plan's pages with a text box on `page` (several for the tour's steps)."""
    return [spec for spec in PAGES.values() if spec.page == page]


def _timed(work, *args) -> tuple[object, float]:
    """(work(*args), its wall time in ms)."""
    start = time.perf_counter()
    result = work(*args)
    return result, round((time.perf_counter() - start) * 1000, 1)


def _open_plain(student: Student, spec: PageSpec) -> None:
    if student.ws is None:
        student.ws = _connect(student.base, student.cfg.request_timeout_s)
    student._request(spec, None, [])


def _visit(student: Student, page: str) -> dict:
    """Open `page`, then open and type once into each text box the load plan knows on it."""
    errors_before = len(student.log.errors)
    row: dict = {"first_visit_ms": _timed(_open_plain, student, nav_spec(page))[1]}
    for spec in typing_specs(page):
        if len(spec.query) > 1:  # ?step=N or ?emb_view=...: read on a session's first visit, as a shared link
            student.close()
        opened, open_ms = _timed(student.open, spec)
        type_ms = _timed(student.type, spec, 1)[1] if opened else None
        row.setdefault("typed", {})[spec.name] = {"open_ms": open_ms, "type_ms": type_ms}
    row["errors"] = student.log.errors[errors_before:]
    return row


def every_page(base: str, pages: tuple[str, ...] = NAV) -> dict:
    """One session through `pages` on the server at `base`: per page ms, errors and RSS; the walk's peak RSS."""
    base = check_loopback(base)
    student = Student(base, LoadConfig(request_timeout_s=REQUEST_TIMEOUT_S), 0)
    rows: dict[str, dict] = {}
    start = time.perf_counter()
    with ServerSampler(server_pid(base)) as sampler:
        for page in pages:
            watchdog = threading.Timer(PAGE_TIMEOUT_S, student.close)  # a page that never finishes: drop it
            watchdog.start()
            try:
                rows[page] = _visit(student, page)
            except Exception as exc:  # a timeout or a dropped connection: note it, go on in a new session
                rows[page] = {"errors": [f"{type(exc).__name__}: {exc}"]}
                student.close()
            finally:
                watchdog.cancel()
            print(f"every_page: {page} {rows[page]}", file=sys.stderr, flush=True)
            time.sleep(2 * sampler.every_s)  # let the sampler see the page's memory
            rows[page]["rss_after_mb"] = round(sampler.samples[-1]) if sampler.samples else None
        student.close()
    report = sampler.report()
    return {
        "pages": rows,
        "errors": sum(len(r["errors"]) for r in rows.values()),
        "peak_rss_mb": report["peak_rss_mb"],
        "rss_trace_mb": report["rss_trace_mb"],
        "wall_s": round(time.perf_counter() - start, 1),
    }


def _visit_texts(base: str, spec: PageSpec) -> tuple[float, list[str], list[str]]:
    """(ms, markdown bodies, problems) of one visit in a fresh session."""
    log, texts = SessionLog(), []
    ws = _connect(base, REQUEST_TIMEOUT_S)
    try:
        start = time.perf_counter()
        ws.send_binary(_rerun_message(spec, None))
        _wait_finished(ws, log, [], texts=texts)
        return round((time.perf_counter() - start) * 1000, 1), texts, log.errors
    finally:
        ws.close()


def _empty_cache_env(cache: Path) -> tuple[dict, bool]:
    """The server's environment on the empty cache `cache`; True when the converted SmolLM2 could be linked in."""
    from explain.core import gguf_cache, registry

    converted = gguf_cache.converted_dir(registry.DEFAULT_CAUSAL_LM)  # the user's cache (this process)
    source = registry.smollm2_gguf_path()
    linked = source is not None and gguf_cache.is_complete_once(converted, source)
    if linked:
        (cache / "models").mkdir(parents=True)
        (cache / "models" / converted.name).symlink_to(converted, target_is_directory=True)
    env = {"LLM_EXPLAINER_CACHE": str(cache), "NUMBA_CACHE_DIR": str(cache / "numba"), "LLM_EXPLAINER_PRECOMPUTE": "1"}
    return env, linked


def _layouts_on_disk(cache: Path) -> int:
    """How many of the default maps' layouts the background job has written to `cache`."""
    from explain.embeddings.precompute import DEFAULT_MAPS

    folder = cache / "umap"
    return sum(any(folder.glob(f"*-{params.key()}-*.npy")) for _, params in DEFAULT_MAPS) if folder.is_dir() else 0


def _wait_for_layouts(cache: Path, timeout_s: float) -> float | None:
    """Seconds until every default layout is on disk; None if not within `timeout_s`."""
    from explain.embeddings.precompute import DEFAULT_MAPS

    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        if _layouts_on_disk(cache) == len(DEFAULT_MAPS):
            return round(time.perf_counter() - start, 1)
        time.sleep(0.5)
    return None


def _map_visit(base: str) -> dict:
    """The embeddings page's first visit in its default view, and whether its layout was ready."""
    ms, texts, errors = _visit_texts(base, PageSpec("embeddings", "embeddings", (("lang", "en"),), ""))
    caption = next((text for text in texts if text.startswith(LAYOUT_CAPTION)), None)
    return {"ms": ms, "layout_caption": caption, "used_ready_layout": caption is not None, "errors": errors}


def _fresh_start(wait: bool, quick: bool) -> dict:
    """A server on an empty cache: home page, (maybe) the wait for the layout, then the embeddings page."""
    from tools.serve import streamlit_server

    with tempfile.TemporaryDirectory(prefix="llm-explainer-bench-") as folder:
        cache = Path(folder)
        env, linked = _empty_cache_env(cache)
        with streamlit_server(extra_env=env) as base, ServerSampler(server_pid(base)) as sampler:
            home_ms, _, home_errors = _visit_texts(base, nav_spec("home"))
            out = {"home_first_visit_ms": home_ms, "model_linked_not_converted": linked, "errors": home_errors}
            if wait:
                out["precompute_s"] = _wait_for_layouts(cache, PRECOMPUTE_TIMEOUT_S[quick])
            out["embeddings"] = _map_visit(base)
            out["layouts_on_disk_after"] = _layouts_on_disk(cache)
    return {**out, "peak_rss_mb": sampler.report()["peak_rss_mb"]}  # the first layout's memory included


def first_map(quick: bool) -> dict:
    """The first embeddings visit after a first start: with the background layout finished, and (full run)
    right after the home page, while it is still being computed."""
    ready = _fresh_start(wait=True, quick=quick)
    out = {
        "view": "map: 2,000 tokens, UMAP, 2D (the page's defaults)",
        "precompute_s": ready["precompute_s"],
        "embeddings_first_visit_ms": ready["embeddings"]["ms"],
        "after_precompute": ready,
    }
    if not quick:
        out["during_precompute"] = _fresh_start(wait=False, quick=quick)
    return out


def run(quick: bool) -> dict:
    from tools.serve import streamlit_server

    with streamlit_server(extra_env={"LLM_EXPLAINER_PRECOMPUTE": "1"}) as base:
        walk = every_page(base, QUICK_NAV if quick else NAV)
    return {"every_page": walk, "first_map": first_map(quick)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="a running app on this machine")
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK_NAV)}")
    parser.add_argument("--pages", help="comma-separated url paths (an older app has fewer pages); home first")
    args = parser.parse_args()
    pages = tuple(args.pages.split(",")) if args.pages else QUICK_NAV if args.quick else NAV
    walk = every_page(args.url, pages)
    print(json.dumps({**walk, "url": args.url, "loadavg": list(os.getloadavg())}, indent=1))


if __name__ == "__main__":
    main()
