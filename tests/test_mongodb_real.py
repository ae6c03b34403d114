"""What only a real MongoDB gets right (docs/mongodb.md): run when TEST_MONGODB_URL is set.

The nx-27017 stand-in used on machines without MongoDB fails these on purpose; they are
reported as skipped there, and run in the GitHub workflow against a mongo:7 service.
"""

from __future__ import annotations

import os
import uuid

import pytest

from garderobe.infra.stores import Stores

pytestmark = [
    pytest.mark.real_mongodb,
    pytest.mark.skipif(
        not os.environ.get("TEST_MONGODB_URL"), reason="needs a real MongoDB: set TEST_MONGODB_URL"
    ),
]


async def test_facet_output_has_exactly_the_requested_keys(stores: Stores) -> None:
    collection = stores.mongo[stores.settings.mongodb_database]["facet_probe"]
    await collection.insert_many([{"colour": "red"}, {"colour": "blue"}, {"colour": "red"}])
    pipeline = [{"$facet": {"colour": [{"$group": {"_id": "$colour", "n": {"$sum": 1}}}]}}]
    [result] = await (await collection.aggregate(pipeline)).to_list()
    assert set(result) == {"colour"}
    assert {row["_id"]: row["n"] for row in result["colour"]} == {"red": 2, "blue": 1}


async def test_uuid_values_round_trip_as_uuids(stores: Stores) -> None:
    collection = stores.mongo[stores.settings.mongodb_database]["uuid_probe"]
    value = uuid.uuid4()
    await collection.insert_one({"_id": "x", "ref": value})
    stored = await collection.find_one({"_id": "x"})
    assert stored is not None
    assert stored["ref"] == value
