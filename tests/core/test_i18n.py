"""Every word the app shows exists in English and Italian, and every key the code uses exists."""

import re
from pathlib import Path

from explain.core.i18n import LANGUAGES, load_strings, missing_translations, translate

ROOT = Path(__file__).resolve().parents[2]
KEY_USE = re.compile(r"""\bt\(\s*f?["']([a-z_]+\.[a-z0-9_]+)["']""")


def test_no_italian_gaps():
    assert missing_translations() == {"it": []}


def test_every_literal_key_used_in_code_exists():
    english = load_strings()["en"]
    used = set()
    for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"]:
        used |= set(KEY_USE.findall(path.read_text(encoding="utf-8")))
    assert used, "the pattern should find the keys the pages use"
    assert sorted(k for k in used if k not in english) == []


def test_placeholders_are_filled_and_languages_differ():
    assert translate("common.loading_model", "it", name="x") == "Carico x…"
    assert translate("nav.tokenization", "en") != translate("nav.tokenization", "it")
    assert set(LANGUAGES) == {"en", "it"}
    assert translate("no.such_key", "it") == "no.such_key"
