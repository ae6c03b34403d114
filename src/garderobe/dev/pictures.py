"""Product pictures for the sample shop, drawn with Pillow: the item's colours, a simple
silhouette for its category and its pattern. Recognisable at thumbnail size, nothing more."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 480, 600
BACKGROUND = (244, 242, 238)

COLOURS: dict[str, tuple[int, int, int]] = {
    "black": (34, 34, 38),
    "white": (250, 250, 250),
    "grey": (140, 142, 148),
    "beige": (222, 203, 170),
    "brown": (120, 78, 48),
    "red": (196, 40, 48),
    "pink": (236, 150, 180),
    "orange": (238, 128, 36),
    "yellow": (244, 208, 64),
    "green": (60, 140, 84),
    "blue": (52, 110, 200),
    "navy": (28, 40, 86),
    "purple": (120, 70, 160),
    "multicolour": (200, 90, 150),
    "gold": (212, 175, 55),
    "silver": (192, 192, 200),
}
FALLBACK = (130, 130, 130)

Polygon = list[tuple[float, float]]


def _top(long_sleeves: bool) -> Polygon:
    sleeve = 210 if long_sleeves else 130
    return [
        (170, 90), (210, 110), (270, 110), (310, 90),  # neckline
        (400, 130), (420, 100 + sleeve), (370, 110 + sleeve), (350, 200),  # right sleeve
        (350, 500), (130, 500), (130, 200),  # body
        (110, 110 + sleeve), (60, 100 + sleeve), (80, 130),  # left sleeve
    ]  # fmt: skip


def _trousers(length: int) -> Polygon:
    return [
        (150, 90), (330, 90), (350, 90 + length), (260, 90 + length),
        (240, 200), (220, 90 + length), (130, 90 + length),
    ]  # fmt: skip


def _dress() -> Polygon:
    return [
        (190, 80), (290, 80), (310, 220), (390, 520), (90, 520), (170, 220),
    ]  # fmt: skip


def _skirt() -> Polygon:
    return [(170, 150), (310, 150), (380, 430), (100, 430)]


def _shoe() -> Polygon:
    return [
        (80, 300), (150, 300), (190, 360), (330, 380), (400, 410),
        (410, 450), (80, 450),
    ]  # fmt: skip


def _bag() -> Polygon:
    return [(110, 230), (370, 230), (400, 480), (80, 480)]


def _cap() -> Polygon:
    return [(120, 330), (160, 220), (240, 190), (320, 220), (360, 330), (430, 350), (120, 350)]


def _folded() -> Polygon:
    return [(110, 180), (370, 180), (370, 440), (110, 440)]


# First match on the category path wins (leaf first), so "sports-bras" is not a "bra" cup.
SHAPES: Sequence[tuple[tuple[str, ...], Callable[[], Polygon]]] = (
    (("shorts",), lambda: _trousers(170)),
    (("jeans", "trousers", "leggings", "tracksuit", "pajama", "bottoms"), lambda: _trousers(400)),
    (("skirt",), _skirt),
    (("dress",), _dress),
    (("sweater", "hoodie", "jacket", "coat", "blazer", "outerwear"), lambda: _top(True)),
    (("shirt", "blouse", "top", "bra", "vest", "activewear"), lambda: _top(False)),
    (("shoe", "sneaker", "boot", "sandal", "heel", "loafer", "trainer"), _shoe),
    (("bag", "backpack", "wallet", "purse"), _bag),
    (("hat", "cap", "beanie"), _cap),
)


def silhouette(category_path: Sequence[str]) -> Polygon:
    """The outline for an item in this category path (its slugs, root first)."""
    for slug in reversed(category_path):
        for words, shape in SHAPES:
            if any(word in slug for word in words):
                return shape()
    return _folded()


def _rgb(colour: str) -> tuple[int, int, int]:
    return COLOURS.get(colour, FALLBACK)


def _pattern(size: tuple[int, int], pattern: str | None, base: tuple[int, int, int]) -> Image.Image:
    """A full-size fill in the base colour with the pattern drawn over it."""
    fill = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(fill)
    accent = tuple(255 - c if sum(base) < 384 else c // 2 for c in base)
    ink = (int(accent[0]), int(accent[1]), int(accent[2]))
    if pattern == "striped":
        for y in range(0, size[1], 36):
            draw.rectangle((0, y, size[0], y + 12), fill=ink)
    elif pattern == "checked":
        for x in range(0, size[0], 48):
            draw.rectangle((x, 0, x + 10, size[1]), fill=ink)
        for y in range(0, size[1], 48):
            draw.rectangle((0, y, size[0], y + 10), fill=ink)
    elif pattern == "polka-dot":
        for y in range(12, size[1], 40):
            for x in range(12 + (y // 40 % 2) * 20, size[0], 40):
                draw.ellipse((x, y, x + 12, y + 12), fill=ink)
    return fill


def garment_picture(
    category_path: Sequence[str], colours: Sequence[str], pattern: str | None
) -> bytes:
    """A JPEG of the item: its silhouette filled with its first colour and its pattern, a
    band of its second colour when it has one."""
    picture = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    base = _rgb(colours[0]) if colours else FALLBACK
    mask = Image.new("L", (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(mask).polygon(silhouette(category_path), fill=255)
    picture.paste(_pattern((WIDTH, HEIGHT), pattern, base), (0, 0), mask)
    draw = ImageDraw.Draw(picture)
    if len(colours) > 1:
        draw.rectangle((0, HEIGHT - 60, WIDTH, HEIGHT - 40), fill=_rgb(colours[1]))
    draw.polygon(silhouette(category_path), outline=(60, 60, 60), width=3)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()
