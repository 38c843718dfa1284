"""Myth vs fact: popular explanations of LLMs that are wrong, each with a short correction and a source.

Covers reading `assets/myths/myths.json`. Leaves out drawing the boxes (see `ui/presenter.py`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from explain.core.paths import ASSETS

MYTHS_FILE = ASSETS / "myths" / "myths.json"


@dataclass(frozen=True)
class Myth:
    id: str  # stable name, e.g. "vector_db"
    myth: dict[str, str]  # the wrong claim, quoted, per language
    fact: dict[str, str]  # the correction (markdown), per language
    source: str  # where the correction can be checked
    page: str  # the page that explains it further, e.g. "pages/training.py"


@lru_cache(maxsize=1)
def load_myths() -> dict[str, Myth]:
    """All myths by id, in file order."""
    raw = json.loads(MYTHS_FILE.read_text(encoding="utf-8"))["myths"]
    return {m["id"]: Myth(m["id"], m["myth"], m["fact"], m["source"], m["page"]) for m in raw}
