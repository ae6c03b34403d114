"""Integer money arithmetic: minor units only, one rounding rule."""

from __future__ import annotations


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves away from zero
    (commercial rounding: 0.5 cent becomes 1 cent). Both must be non-negative."""
    return (2 * numerator + denominator) // (2 * denominator)


def shown(amount: int, currency: str) -> str:
    """An amount as shoppers read it in a message: "50.00 EUR"."""
    return f"{amount // 100}.{amount % 100:02d} {currency}"
