"""Numbers read the way each language writes them: 20,000 / 0.75 in English, 20.000 / 0,75 in Italian."""

import pytest

from explain.core.numbers import LocalFormatter, fmt_count, fmt_float, fmt_int, fmt_number, fmt_percent


@pytest.mark.parametrize(
    ("value", "spec", "en", "it"),
    [
        (20000, ",", "20,000", "20.000"),
        (0.75, "", "0.75", "0,75"),
        (1234.5, ",.1f", "1,234.5", "1.234,5"),
        (0.125, ".1%", "12.5%", "12,5%"),
        (0.00012, ".2e", "1.20e-04", "1,20e-04"),
        (2017, "", "2017", "2017"),  # no grouping unless asked: years stay years
        (49152, "", "49152", "49152"),
    ],
)
def test_fmt_number_swaps_separators_for_italian(value, spec, en, it):
    assert fmt_number(value, spec, "en") == en
    assert fmt_number(value, spec, "it") == it


def test_the_shapes():
    assert (fmt_int(49152, "en"), fmt_int(49152, "it")) == ("49,152", "49.152")
    assert (fmt_float(0.5, "it", 3), fmt_float(1e6, "en", 1)) == ("0,500", "1,000,000.0")
    assert (fmt_percent(0.0034, "en"), fmt_percent(0.0034, "it")) == ("0.3%", "0,3%")


@pytest.mark.parametrize(
    ("n", "en", "it"),
    [
        (1_558_000_000, "1.56 B", "1,56 miliardi"),
        (1_500_000_000, "1.5 B", "1,5 miliardi"),
        (124_000_000, "124 M", "124 milioni"),
        (2_000_000_000_000, "2 T", "2 mila miliardi"),
        (1_760_000_000_000, "1.76 T", "1,76 mila miliardi"),
        (1_000_000_000_000, "1 T", "mille miliardi"),
        (1_000_000_000, "1 B", "1 miliardo"),
        (1_000_000, "1 M", "1 milione"),
        (20_000, "20 k", "20 mila"),
        (1_000, "1 k", "mille"),
        (950, "950", "950"),
        (None, "—", "—"),
    ],
)
def test_fmt_count_in_words(n, en, it):
    assert fmt_count(n, "en") == en
    assert fmt_count(n, "it") == it


def test_local_formatter_formats_every_number_but_not_text():
    it = LocalFormatter("it")
    assert it.format("{n:,} caratteri, {x}, {p:.1%}", n=20000, x=0.75, p=0.125) == "20.000 caratteri, 0,75, 12,5%"
    assert it.format("{s} {b}", s="GPT-3.5 1,000", b=True) == "GPT-3.5 1,000 True"  # strings are left alone
    assert LocalFormatter("en").format("{n:,} {x}", n=20000, x=0.75) == "20,000 0.75"


def test_numpy_numbers_follow_the_language_too():
    np = pytest.importorskip("numpy")
    it = LocalFormatter("it")
    assert it.format("{a:,} {b:.2f}", a=np.int64(20000), b=np.float32(0.5)) == "20.000 0,50"


def test_translate_uses_it():
    from explain.core.i18n import translate

    assert translate("training.paste", "it", chars=20000) == "…oppure incolla un testo (al massimo 20.000 caratteri)"
    assert "20,000" in translate("training.paste", "en", chars=20000)
