"""The every-page bench walks the app's whole navigation, and sees the background map layout land on disk."""

import re
from pathlib import Path

import numpy as np

from bench.bench_pages import NAV, QUICK_NAV, _layouts_on_disk, _wait_for_layouts, nav_spec, typing_specs
from bench.load_plan import PAGES
from explain.embeddings.precompute import DEFAULT_MAPS
from explain.embeddings.projection import ProjectionParams

ROOT = Path(__file__).resolve().parents[2]


def app_navigation() -> list[str]:
    """The url paths of app.py's st.navigation, in order (`page("x.py", "key", ...)` or `url_path="key"`)."""
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    block = source[source.index("st.navigation(") :]
    return [a or b for a, b in re.findall(r'page\("\w+\.py", "(\w+)"|url_path="(\w+)"', block)]


def test_walk_covers_the_whole_navigation_in_order():
    nav = app_navigation()
    assert len(nav) >= 16 and nav[0] == "home"
    assert list(NAV) == nav  # a new page in app.py must be added to the walk
    assert set(QUICK_NAV) <= set(NAV) and QUICK_NAV[0] == "home"  # a fresh server's first run is the main page
    assert nav_spec("home").page == "" and nav_spec("eliza").page == "eliza"


def test_every_text_box_of_the_load_plan_is_typed_into():
    typed = [spec.name for page in NAV for spec in typing_specs(page)]
    assert sorted(typed) == sorted(PAGES)
    assert [s.name for s in typing_specs("tour")] == ["tour_tokens", "tour_similarity", "tour_attention", "tour_next"]
    assert typing_specs("myths") == []


def test_layouts_counted_only_when_the_default_map_is_on_disk(tmp_path):
    assert _layouts_on_disk(tmp_path) == 0
    umap = tmp_path / "umap"
    umap.mkdir()
    other = ProjectionParams(method="umap", dims=3)  # a map the page does not show by default
    np.save(umap / f"smollm2-135m-bfloat16-2040-{other.key()}-abc.npy", np.zeros(2))
    assert _layouts_on_disk(tmp_path) == 0 and _wait_for_layouts(tmp_path, 0.6) is None
    for n, params in DEFAULT_MAPS:
        np.save(umap / f"smollm2-135m-bfloat16-{n}-{params.key()}-abc.npy", np.zeros(2))
    assert _layouts_on_disk(tmp_path) == len(DEFAULT_MAPS)
    assert _wait_for_layouts(tmp_path, 5.0) == 0.0


class FakeSocket:
    """Hands `_wait_finished` serialised server messages, one per `recv()`."""

    def __init__(self, messages):
        self.messages = [m.SerializeToString() for m in messages]

    def recv(self):
        return self.messages.pop(0)


def test_a_fragment_run_counts_as_finished_and_captions_are_read():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from bench.load_report import SessionLog
    from bench.loadtest import _wait_finished

    caption, early, done = ForwardMsg(), ForwardMsg(), ForwardMsg()
    caption.delta.new_element.markdown.body = "Layout from memory in 0.00 s."
    early.script_finished = ForwardMsg.FINISHED_EARLY_FOR_RERUN
    done.script_finished = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY  # a text box inside an st.fragment
    socket, texts, log = FakeSocket([caption, early, done]), [], SessionLog()
    assert _wait_finished(socket, log, [], texts=texts) and socket.messages == []
    assert texts == ["Layout from memory in 0.00 s."] and log.errors == []
