"""Numbers as each language writes them: 20,000 and 0.75 in English, 20.000 and 0,75 in Italian.

The one place the app turns a number into text for a reader. `fmt_number` takes a
Python format spec (",", ".2f", ".1%", ".3g" …) and swaps the separators for
Italian; `fmt_int`, `fmt_float`, `fmt_percent` and `fmt_count` are its common
shapes, and `LocalFormatter` applies it to every number placed into a translated
string (see `explain.core.i18n.translate`), so call sites need not remember.
Leaves out dates, currencies and languages other than English and Italian.
"""

from __future__ import annotations

import string
from numbers import Real

# Italian swaps the two separators: thousands ".", decimals ",".
_ITALIAN = str.maketrans({",": ".", ".": ","})
# Big-number names per language, largest first: (value, English suffix, Italian singular, Italian plural).
_SCALES = (
    (1e12, "T", "mille miliardi", "mila miliardi"),
    (1e9, "B", "miliardo", "miliardi"),
    (1e6, "M", "milione", "milioni"),
    (1e3, "k", "mille", "mila"),
)


def fmt_number(value: Real, spec: str = "", lang: str = "en") -> str:
    """`format(value, spec)` with the separators of `lang`.

    fmt_number(20000, ",", "it") -> '20.000'; fmt_number(0.75, "", "it") -> '0,75';
    fmt_number(0.125, ".1%", "it") -> '12,5%'; fmt_number(1234.5, ",.1f", "en") -> '1,234.5'.
    """
    text = format(value, spec)
    return text.translate(_ITALIAN) if lang == "it" else text


def fmt_int(n: int, lang: str = "en") -> str:
    """A whole number with thousands separators: 49152 -> '49,152' (en), '49.152' (it)."""
    return fmt_number(int(n), ",", lang)


def fmt_float(x: float, lang: str = "en", digits: int = 2) -> str:
    """A decimal with `digits` places and grouped thousands: 1234.5 -> '1,234.50' (en), '1.234,50' (it)."""
    return fmt_number(float(x), f",.{digits}f", lang)


def fmt_percent(x: float, lang: str = "en", digits: int = 1) -> str:
    """A share as a percentage: 0.0034 -> '0.3%' (en), '0,3%' (it)."""
    return fmt_number(float(x), f".{digits}%", lang)


def fmt_count(n: float | None, lang: str = "en") -> str:
    """A big count in short words, 3 significant digits; None -> '—'.

    1_558_000_000 -> '1.56 B' (en), '1,56 miliardi' (it); 2e12 -> '2 T', '2 mila miliardi';
    1e9 -> '1 B', '1 miliardo'; 1000 -> '1 k', 'mille'; 950 -> '950'.
    """
    if n is None:
        return "—"
    for value, suffix, one, many in _SCALES:
        if abs(n) >= value:
            short = fmt_number(n / value, ".3g", lang)
            if lang != "it":
                return f"{short} {suffix}"
            if short != "1":
                return f"{short} {many}"
            return one if one.startswith("mille") else f"1 {one}"
    return fmt_number(n, ".3g" if isinstance(n, float) else "", lang)


class LocalFormatter(string.Formatter):
    """str.format where every number follows `lang`: '{n:,}' gives '20.000' in Italian.

    LocalFormatter("it").format("{n:,} caratteri", n=20000) -> '20.000 caratteri'.
    Strings and other values are formatted as usual; booleans are not numbers here.
    """

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, Real) and not isinstance(value, bool):
            return fmt_number(value, format_spec, self.lang)
        return super().format_field(value, format_spec)
