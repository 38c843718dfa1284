"""The app's words in English and Italian, read from `assets/i18n/*.json`.

Each file is one section (its name is the key prefix) holding
`{"en": {"key": "text"}, "it": {"key": "testo"}}`; `translate("home.title", "it")`
reads `assets/i18n/home.json`. Italian falls back to English for a missing key,
and a missing key shows as the key itself, so a gap is visible but never fatal.
Numbers placed into a string follow the language (`{n:,}` gives 20,000 or 20.000;
see `explain.core.numbers`). Leaves out choosing the language (the UI does).
"""

from __future__ import annotations

import json
from functools import lru_cache

from explain.core.numbers import LocalFormatter
from explain.core.paths import ASSETS

LANGUAGES = {"en": "English", "it": "Italiano"}
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=1)
def load_strings() -> dict[str, dict[str, str]]:
    """{"en": {"home.title": ...}, "it": {...}} from every section file."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for path in sorted((ASSETS / "i18n").glob("*.json")):
        section = json.loads(path.read_text(encoding="utf-8"))
        for lang, entries in section.items():
            merged.setdefault(lang, {}).update({f"{path.stem}.{k}": v for k, v in entries.items()})
    return merged


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for `key` in `lang`, with `{name}` placeholders filled from `values`.

    Numbers are written the way `lang` writes them: translate("x.chars", "it", n=20000)
    with "{n:,} caratteri" gives "20.000 caratteri", and 0.75 gives "0,75".
    """
    strings = load_strings()
    text = strings.get(lang, {}).get(key) or strings[DEFAULT_LANGUAGE].get(key) or key
    return LocalFormatter(lang).format(text, **values) if values else text


def missing_translations() -> dict[str, list[str]]:
    """Keys present in English but absent in another language (a test keeps this empty)."""
    strings = load_strings()
    english = set(strings[DEFAULT_LANGUAGE])
    return {lang: sorted(english - set(strings.get(lang, {}))) for lang in LANGUAGES if lang != DEFAULT_LANGUAGE}
