"""LLM Explainer's entry point: only a router (`streamlit run app.py`).

It sets the page up, draws the shared sidebar and runs the chosen page; every
page lives in `pages/`, every word in `assets/i18n/`.
"""

from pathlib import Path

import streamlit as st

from explain.core import flight, loading, memory
from ui import presenter, sidebar
from ui.page import busy_notice, show_error
from ui.text import t

HERE = Path(__file__).parent
PAGES = HERE / "pages"

st.set_page_config(page_title="LLM Explainer", page_icon="🔎", layout="wide")
loading.import_libraries_once()  # transformers imports lazily: pay it once at start, not inside the first model load


def page(file: str, key: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(PAGES / file, title=t(f"nav.{key}"), icon=icon, url_path=key, default=default)


navigation = st.navigation(
    {
        t("nav.section_start"): [
            page("home.py", "home", "🏠", default=True),
            page("tour.py", "tour", "🧭"),
            st.Page(PAGES / "class.py", title=t("nav.live_class"), icon="📡", url_path="class"),
        ],
        t("nav.section_inside"): [
            page("tokenization.py", "tokenization", "✂️"),
            page("embeddings.py", "embeddings", "🗺️"),
            page("attention.py", "attention", "👀"),
            page("anatomy.py", "anatomy", "🫀"),
            page("next_token.py", "next_token", "🎲"),
        ],
        t("nav.section_training"): [
            page("training.py", "training", "🏋️"),
            page("scale.py", "scale", "📈"),
            page("finetune.py", "finetune", "🍕"),
            page("assistant.py", "assistant", "🤝"),
            page("frontier.py", "frontier", "🔭"),
        ],
        t("nav.section_classroom"): [
            page("history.py", "history", "📜"),
            page("eliza.py", "eliza", "💬"),
            page("myths.py", "myths", "🧐"),
        ],
    }
)
flight.set_wait_notice(busy_notice)  # "you are number N" when this run waits for a model
loaded_slot = sidebar.render()
presenter.apply()
try:
    navigation.run()
except Exception as exc:  # st.stop/st.rerun are BaseException and pass through
    show_error(exc)
finally:
    sidebar.show_loaded(loaded_slot)
    memory.settle_once(navigation.url_path)  # a page's first run has imported what it needs: freeze that once
