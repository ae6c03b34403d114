"""Brand charts for the size tests: a brand whose letter sizes run a size small."""

from __future__ import annotations

from typing import Any

SMALL_TOPS = [("XS", 72, 78), ("S", 78, 84), ("M", 84, 90), ("L", 90, 96), ("XL", 96, 102)]


def brand_chart(rows: list[tuple[str, float, float]] = SMALL_TOPS) -> dict[str, Any]:
    """A women's tops chart in letter sizes, by bust, read from a brand's (made-up) page."""
    return {
        "primary": "bust",
        "systems": ["letter"],
        "rows": [{"system": "letter", "value": v, "bust": [lo, hi]} for v, lo, hi in rows],
        "source": {
            "kind": "brand",
            "title": "Size guide",
            "references": [
                {
                    "title": "Size guide",
                    "url": "https://example.com/size-guide",
                    "read": "2026-12-03",
                    "took": "bust girth per letter size",
                }
            ],
        },
    }
