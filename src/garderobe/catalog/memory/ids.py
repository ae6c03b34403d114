"""The item id of every bit position of the in-memory index (`memory.bitmaps`), packed.

An item id is a MongoDB ObjectId: 24 hex digits, 12 bytes. Kept as Python strings in a list
with a dict from id to position, they cost ~120 bytes an item (a 73-byte string, a list slot,
a dict entry; measured by `bench/index_memory.py`); packed into one bytearray, 12. A full
load reads the ids in order, so the position of one of those is found by bisection; ids
added later, and any id that is not 24 lower-case hex digits, are in small dicts.
"""

from __future__ import annotations

import bisect
import re

WIDTH = 12  # bytes of an ObjectId
_HEX = re.compile(r"[0-9a-f]{24}")
_BLANK = bytes(WIDTH)


class ItemIds:
    """Positions 0, 1, 2 … and their item ids."""

    def __init__(self) -> None:
        self._packed = bytearray()
        self._odd: dict[int, str] = {}  # position -> an id that does not pack
        self._later: dict[str, int] = {}  # id -> position, for ids outside the ordered run
        self._ordered = 0  # positions below this one are in id order

    def __len__(self) -> int:
        return len(self._packed) // WIDTH

    def __getitem__(self, position: int) -> str:
        odd = self._odd.get(position)
        if odd is not None:
            return odd
        start = position * WIDTH
        return self._packed[start : start + WIDTH].hex()

    def append(self, item_id: str) -> int:
        """A new position for `item_id` (not known yet)."""
        position = len(self)
        if _HEX.fullmatch(item_id):
            self._packed += bytes.fromhex(item_id)
        else:
            self._packed += _BLANK
            self._odd[position] = item_id
        if position > self._ordered or (position and self[position - 1] >= item_id):
            self._later[item_id] = position
        else:
            self._ordered = position + 1
        return position

    @property
    def in_order(self) -> int:
        """How many first positions are in item id order (a full load's rows)."""
        return self._ordered

    def get(self, item_id: str) -> int | None:
        later = self._later.get(item_id)
        if later is not None:
            return later
        found = bisect.bisect_left(range(self._ordered), item_id, key=self.__getitem__)
        return found if found < self._ordered and self[found] == item_id else None

    def nbytes(self) -> int:
        return len(self._packed) + 100 * (len(self._odd) + len(self._later))
