"""ELIZA answers by its written rules: the same conversation always gets the same answers, in both languages."""

import pytest

from explain.classroom import eliza
from explain.core.limits import MAX_MESSAGE_CHARS


@pytest.mark.parametrize(
    "lang, message, rule, reply",
    [
        ("en", "I feel sad about my exam", "i_feel", "Tell me more about feeling sad about your exam."),
        ("en", "I am tired of my job.", "i_am", "How long have you been tired of your job?"),
        ("en", "My MOTHER hates computers!", "computer", "Do computers worry you?"),  # rank 8 beats family (7)
        ("en", "Tell me about my brother", "family", "Tell me more about your family."),
        ("en", "blah blah", "fallback", "Please go on."),
        ("it", "Mi sento triste per il mio esame", "i_feel", "Raccontami di più del sentirti triste per il tuo esame."),
        ("it", "Non posso dormire", "i_cant", "Come sai che non puoi dormire?"),
        ("it", "bla bla", "fallback", "Continua, ti prego."),
    ],
)
def test_rules_fire_as_written(lang, message, rule, reply):
    answer = eliza.respond(message, lang)
    assert (answer.rule, answer.text) == (rule, reply)


def test_replies_cycle_per_rule_and_repeat_identically():
    def conversation():
        fired, texts = None, []
        for message in ["I feel sad", "I feel sad", "I feel sad", "I feel sad", "hello"]:
            answer = eliza.respond(message, "en", fired)
            fired, texts = answer.fired, [*texts, answer.text]
        return texts, fired

    first, fired = conversation()
    assert first == conversation()[0]  # deterministic
    assert first[0] != first[1] and first[0] == first[3]  # three templates, used in turn
    assert fired == {"i_feel": 4, "hello": 1}


def test_reflection_swaps_speakers_only():
    script = eliza.load_script("en")
    assert (
        eliza.reflect("i lost my keys and you found them", script.reflections) == "you lost your keys and I found them"
    )


def test_bad_input_is_bounded_and_literal():
    assert eliza.respond("", "en").rule == "fallback"
    long = eliza.respond("I feel " + "x" * 100_000, "en")
    assert len(long.text) < MAX_MESSAGE_CHARS + 100
    script_tag = eliza.respond("I feel <script>alert(1)</script>", "en")
    assert "<script>" in script_tag.text  # returned as text; pages escape it when rendering


def test_every_rule_has_replies_and_valid_placeholders():
    for lang in ("en", "it"):
        script = eliza.load_script(lang)
        assert len(script.rules) >= 10 and script.fallback
        for rule in script.rules:
            assert rule.replies, rule.id
            for reply in rule.replies:
                if "{rest}" in reply:
                    assert any("(?P<rest>" in p.pattern for p in rule.patterns), (lang, rule.id)
