"""What `garderobe dev` gives an empty catalog: shared by the command line and the dev server."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SAMPLE_ITEMS = 300


@dataclass(frozen=True)
class FirstStart:
    """What an empty catalog gets: `sample_items` items, or nothing at all when `empty`."""

    sample_items: int = DEFAULT_SAMPLE_ITEMS
    empty: bool = False
