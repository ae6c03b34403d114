"""The packed item ids of the in-memory index (catalog.memory.ids): every id finds its
position again, whether it came in order (a full load), out of order (a later write) or is
not an ObjectId at all."""

from __future__ import annotations

from garderobe.catalog.memory.ids import ItemIds


def test_ids_in_order_out_of_order_and_not_object_ids_find_their_positions() -> None:
    ids = ItemIds()
    loaded = [f"{n * 7:024x}" for n in range(1000)]
    for item_id in loaded:
        ids.append(item_id)
    assert ids.in_order == 1000
    later = [f"{3:024x}", "not-an-object-id", f"{10**6:024x}", "ABCDEF"]
    for item_id in later:
        ids.append(item_id)
    assert ids.in_order == 1000  # the first out-of-order id ends the ordered run
    everything = [*loaded, *later]
    assert [ids[p] for p in range(len(ids))] == everything
    assert [ids.get(i) for i in everything] == list(range(len(everything)))
    assert ids.get(f"{8:024x}") is None
    assert ids.get("unknown") is None


def test_packed_ids_take_twelve_bytes_each() -> None:
    ids = ItemIds()
    for n in range(10_000):
        ids.append(f"{n:024x}")
    assert ids.nbytes() == 12 * 10_000
