"""A small ELIZA: explicit if-this-then-that keyword rules, written for this project, in English and Italian.

It is the "traditional programming" side of the classroom comparison: every
answer comes from a rule a person wrote in `assets/eliza/rules_<lang>.json`,
and `respond` says which rule fired. Rules are tried by rank (highest first);
the first whose pattern matches picks its next reply in turn, with the words
after the keyword reflected ("my exam" -> "your exam"). No learning, no
randomness: the same conversation always gets the same answers. Leaves out
Weizenbaum's original DOCTOR script and its memory mechanism.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from explain.core.limits import MAX_MESSAGE_CHARS
from explain.core.paths import ASSETS

RULES_DIR = ASSETS / "eliza"
_WORD = re.compile(r"[\w']+", re.UNICODE)


@dataclass(frozen=True)
class Rule:
    id: str  # stable name shown to the user, e.g. "i_feel"
    rank: int  # higher ranks are tried first
    patterns: tuple[re.Pattern, ...]  # regular expressions on the lower-case message
    replies: tuple[str, ...]  # templates, used in turn; "{rest}" is the reflected remainder


@dataclass(frozen=True)
class Script:
    lang: str  # "en" or "it"
    reflections: dict[str, str]  # word -> word with speaker swapped ("my" -> "your")
    rules: tuple[Rule, ...]  # sorted by rank, highest first
    fallback: tuple[str, ...]  # replies when no rule matches, used in turn


@dataclass
class ElizaReply:
    text: str  # the answer
    rule: str  # id of the rule that fired, or "fallback"
    pattern: str  # the regular expression that matched ("" for the fallback)
    fired: dict[str, int] = field(default_factory=dict)  # times each rule has fired, this reply included


@lru_cache(maxsize=4)
def load_script(lang: str = "en") -> Script:
    """The rules for `lang` ("en" or "it"); other languages fall back to English."""
    path = RULES_DIR / f"rules_{lang}.json"
    if not path.is_file():
        return load_script("en")
    raw = json.loads(path.read_text(encoding="utf-8"))
    rules = [
        Rule(r["id"], int(r["rank"]), tuple(re.compile(p) for p in r["patterns"]), tuple(r["replies"]))
        for r in raw["rules"]
    ]
    rules.sort(key=lambda r: -r.rank)  # stable: equal ranks keep file order
    return Script(lang, raw["reflections"], tuple(rules), tuple(raw["fallback"]))


def reflect(fragment: str, reflections: dict[str, str]) -> str:
    """Swap speaker words, keeping everything else: 'i lost my keys' -> 'you lost your keys'."""
    return _WORD.sub(lambda word: reflections.get(word.group(), word.group()), fragment)


def normalise(message: str) -> str:
    """Lower case, single spaces, no trailing full stop or exclamation: 'I feel SAD!' -> 'i feel sad'."""
    text = " ".join(message[:MAX_MESSAGE_CHARS].lower().split())
    return text.rstrip(".! ")


def match(message: str, script: Script) -> tuple[Rule | None, re.Match | None]:
    """The highest-ranked rule whose pattern matches `message` (already normalised), with the match."""
    for rule in script.rules:
        for pattern in rule.patterns:
            found = pattern.search(message)
            if found:
                return rule, found
    return None, None


def respond(message: str, lang: str = "en", fired: dict[str, int] | None = None) -> ElizaReply:
    """ELIZA's answer to `message`, given how often each rule already fired in this conversation.

    >>> respond("I feel tired").text
    'Tell me more about feeling tired.'
    """
    script = load_script(lang)
    counts = dict(fired or {})
    text = normalise(message)
    rule, found = match(text, script)
    rule_id = rule.id if rule else "fallback"
    replies = rule.replies if rule else script.fallback
    turn = counts.get(rule_id, 0)
    counts[rule_id] = turn + 1
    template = replies[turn % len(replies)]
    rest = ""
    if found is not None and "rest" in found.groupdict():
        rest = reflect(found.group("rest").rstrip("?.! "), script.reflections)
    return ElizaReply(template.format(rest=rest), rule_id, found.re.pattern if found else "", counts)
