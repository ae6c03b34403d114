"""Reading a size from free text: normalising, numbers with halves, jeans waist by inseam.

Every function here answers None for text it cannot read and never raises: sizes arrive from
admins, imports and query strings, and garbage ("", "NUL\\x00", a megabyte of "X") is simply
not a size. What counts as a value is up to the scale (`systems.py`); this module only reads.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Longer than any label on any scale ("W40 L36", "One size", "Einheitsgröße") with room for
# a prefix; anything longer is not a size, and refusing it early bounds the work per call.
MAX_SIZE_TEXT = 40

# Words any size may carry in front: "Size 38", "Gr. 110", "Größe 42" (case-folded: "grösse").
GENERIC_PREFIXES = ("size", "grösse", "gr.", "gr")

_NUMBER = re.compile(r"(\d{1,3})(?:[.,](\d{1,2}))?")
_WITH_HALF = re.compile(r"(\d{1,3}) 1/2")
_JEANS_PAIR = re.compile(r"w?(\d{2})(?:[x\u00d7*/]l?|l)(\d{2})")
_JEANS_WAIST = re.compile(r"w(\d{2})")
_HALF_SIGN = re.compile(r"\s*\u00bd")


def normalize(text: object) -> str | None:
    """Case-folded text with single spaces, or None for what cannot be a size at all.

    None for non-strings, empty or over-long text and anything holding control or format
    characters (a NUL, a zero-width space): those come from broken imports, not shoppers.
    """
    if not isinstance(text, str) or len(text) > MAX_SIZE_TEXT:
        return None
    # "½" must become a decimal before NFKC turns it into "1", a fraction slash (U+2044), "2".
    text = unicodedata.normalize("NFKC", _HALF_SIGN.sub(".5", text)).replace("\u2044", "/")
    if any(unicodedata.category(char).startswith("C") for char in text):
        return None
    folded = " ".join(text.casefold().split())
    return folded or None


def strip_prefix(text: str, prefixes: Iterable[str]) -> str:
    """The text without one leading prefix ("eu 38" -> "38"), when a number follows it."""
    for prefix in sorted(prefixes, key=len, reverse=True):
        if text.startswith(prefix):
            rest = text[len(prefix) :].lstrip(" -:")
            if rest[:1].isdigit():
                return rest
    return text


def strip_suffix(text: str, suffixes: Iterable[str]) -> str:
    """The text without one trailing unit ("26.5 cm" -> "26.5"), when a number precedes it."""
    for suffix in sorted(suffixes, key=len, reverse=True):
        if text.endswith(suffix):
            rest = text[: -len(suffix)].rstrip()
            if rest[-1:].isdigit():
                return rest
    return text


def parse_number(text: str) -> float | None:
    """A size number: "38", "38.5", "38,5" and "38 1/2" (halves); None for anything else."""
    half = _WITH_HALF.fullmatch(text)
    if half:
        return int(half.group(1)) + 0.5
    # "38.5" arrives as "38.5"; "38½" was turned into "38.5" by normalize.
    match = _NUMBER.fullmatch(text)
    if not match:
        return None
    whole, fraction = match.groups()
    return int(whole) + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


def format_number(number: float) -> str:
    """The canonical spelling of a scale number: 38 -> "38", 38.5 -> "38.5"."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def jeans_value(waist: int, inseam: int | None) -> str:
    """The canonical jeans size: "W32 L34", or "W32" for a waist alone."""
    return f"W{waist}" if inseam is None else f"W{waist} L{inseam}"


def parse_jeans(text: str) -> tuple[int, int | None] | None:
    """(waist, inseam) in inches from "W32 L34", "32/34", "32x34", "W32/L34" or "w32l34".

    A waist alone needs its W ("W32"): a bare "32" is as likely a women's EU size.
    """
    compact = text.replace(" ", "")
    pair = _JEANS_PAIR.fullmatch(compact)
    if pair:
        return int(pair.group(1)), int(pair.group(2))
    waist = _JEANS_WAIST.fullmatch(compact)
    if waist:
        return int(waist.group(1)), None
    return None


def alias_key(text: str) -> str:
    """The look-up key of a letter or one-size alias: no spaces, hyphens or dots."""
    return re.sub(r"[\s\-.]", "", text)
