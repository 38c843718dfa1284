"""Every string the app shows writes numbers its language's way: 20,000 / 0.75 in English, 20.000 / 0,75 in Italian.

Walks every i18n key in both languages, as written and as rendered with numbers filled
in, plus the Italian text of the tour, myths, timeline and corpora.
"""

from __future__ import annotations

import json
import re
import string

import pytest

from explain.core.i18n import load_strings, translate
from explain.core.paths import ASSETS

CODE = re.compile(r"`[^`]*`")  # code spans (`--server.address 0.0.0.0`) are not prose
ARXIV = re.compile(r"arXiv:\d{4}\.\d{4,5}")  # a paper's identifier (arXiv:2307.03172) is a name, not a decimal
NAME = r"(?<![\w.\-/@$§])"  # not part of a name, version or section such as GPT-3.5, Llama-3.1, v0.2, §2.1
ENGLISH = {
    "thousands": re.compile(NAME + r"[1-9]\d{0,2}(?:,\d{3})+(?![\d,])"),  # 20,000 (Italian: 20.000)
    "decimal point": re.compile(NAME + r"\d+\.(?!\d{3}(?!\d))\d+(?![\d.])"),  # 0.75 (Italian: 0,75); 20.000 is fine
    "billion": re.compile(
        r"(?<![\dx])\d+(?:\.\d+)? ?[BT]\b(?!\w)"
    ),  # 1.5 B, 2 T: English abbreviations (8x7B is a name)
}
ITALIAN = {
    "thousands": re.compile(NAME + r"[1-9]\d{0,2}(?:\.\d{3})+(?![\d.])"),  # 20.000 in English text
    "decimal comma": re.compile(NAME + r"\d+,(?!\d{3}(?!\d))\d+"),  # 0,75 in English text
}


def _problems(text: str, rules: dict[str, re.Pattern]) -> list[str]:
    prose = ARXIV.sub("", CODE.sub("", text))
    return [f"{name}: {m.group(0)!r}" for name, rule in rules.items() for m in rule.finditer(prose)]


def _sample_values(template: str) -> dict[str, object]:
    """A number for every placeholder, big enough to need separators: {n:,} -> 20000, {s:.2f} -> 1234.5678."""
    values = {}
    for _, field, spec, _ in string.Formatter().parse(template):
        if field:
            values[field] = 1234.5678 if any(c in (spec or "") for c in "efg%") else 20000
    return values


def _asset_italian_texts() -> list[tuple[str, str]]:
    texts = []
    for step in json.loads((ASSETS / "tour" / "steps.json").read_text(encoding="utf-8"))["steps"]:
        texts.append((f"tour {step['id']}", step["text"]["it"]))
        for q in step["quiz"]:
            texts += [(f"quiz {step['id']}", x) for x in [q["why"]["it"], *q["options"]["it"], *q["wrong"]["it"]]]
    for m in json.loads((ASSETS / "myths" / "myths.json").read_text(encoding="utf-8"))["myths"]:
        texts += [(f"myth {m['id']}", m["myth"]["it"]), (f"myth {m['id']}", m["fact"]["it"])]
    for e in json.loads((ASSETS / "history" / "timeline.json").read_text(encoding="utf-8"))["entries"]:
        texts.append((f"timeline {e['id']}", e["it"]))
    for c in json.loads((ASSETS / "corpora" / "index.json").read_text(encoding="utf-8")):
        texts.append((f"corpus {c['name']}", c["description"]["it"]))
    return texts


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_key_writes_numbers_its_languages_way(lang):
    rules = ITALIAN if lang == "en" else ENGLISH
    bad = {}
    for key, template in load_strings()[lang].items():
        rendered = translate(key, lang, **_sample_values(template)) if "{" in template else template
        found = _problems(template.replace("{", "<").replace("}", ">"), rules) + _problems(rendered, rules)
        if found:
            bad[key] = found
    assert bad == {}


def test_the_tour_myths_timeline_and_corpora_write_italian_numbers():
    bad = [(where, _problems(text, ENGLISH)) for where, text in _asset_italian_texts() if _problems(text, ENGLISH)]
    assert bad == []


AVOID = re.compile(  # forms assets/i18n/GLOSSARY.md rules out in Italian
    r"\btokenizer\b|(?<!\()\bloss\b(?!\))|messa a punto|messo a punto|spazzatura|sacco di parole|"
    r"il doppio più veloce|\bdi serie\b|= spento|è sempre un solo 1|modello \(template\)"
)


def test_italian_keeps_to_the_glossary():
    texts = [(k, v) for k, v in load_strings()["it"].items()] + _asset_italian_texts()
    prose = [(where, re.sub(r"\{[^}]*\}", "", CODE.sub("", text))) for where, text in texts]  # no placeholders
    bad = [(where, AVOID.findall(text)) for where, text in prose if AVOID.search(text)]
    assert bad == []


def test_the_rules_catch_english_numbers_in_italian():
    assert _problems("al massimo 20,000 caratteri", ENGLISH) and _problems("1.54 B (stima)", ENGLISH)
    assert _problems("temperatura 0.7", ENGLISH)
    assert not _problems("al massimo 20.000 caratteri, 0,75, GPT-3.5, `0.0.0.0`, 1,5 miliardi", ENGLISH)
    assert translate("training.paste", "it", chars=20000).endswith("20.000 caratteri)")
