"""The verified-purchase rule, one review per buyer and item, the author's own edits, and
the per-user rate limit."""

from __future__ import annotations

import httpx
import pytest

from garderobe.infra.stores import Stores
from garderobe.reviews.service import WRITES_PER_WINDOW
from garderobe.settings import Settings
from tests.commerce.helpers import shopper
from tests.reviews.helpers import admin_headers, buyer, listed_item, review

PROBLEMS = "https://garderobe.example/problems/"


def problem(response: httpx.Response) -> str:
    return str(response.json()["type"]).rsplit("/", 1)[-1]


async def test_a_shopper_who_never_bought_the_item_is_refused(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    item = await listed_item(stores)
    ann = await shopper(client, stores, settings)
    refused = await review(client, ann, item, 5)
    assert refused.status_code == 403
    assert problem(refused) == "review-requires-purchase"
    assert refused.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("status", ["pending_payment", "paid", "shipped"])
async def test_a_buyer_whose_order_is_not_delivered_is_refused(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, status: str
) -> None:
    admin = await admin_headers(stores, settings)
    item = await listed_item(stores)
    ann = await buyer(client, stores, settings, admin, item, status)
    refused = await review(client, ann, item, 4)
    assert refused.status_code == 403
    assert problem(refused) == "review-requires-delivered-purchase"


async def test_a_buyer_whose_only_order_was_cancelled_is_refused_as_no_buyer(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    item = await listed_item(stores)
    ann = await buyer(client, stores, settings, admin, item, "cancelled")
    refused = await review(client, ann, item, 4)
    assert refused.status_code == 403
    assert problem(refused) == "review-requires-purchase"


async def test_a_buyer_of_a_delivered_item_reviews_it_once(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    item = await listed_item(stores)
    ann = await buyer(client, stores, settings, admin, item, full_name="Ann Smith")
    created = await review(client, ann, item, 4, title="Fits well", body="Soft <b>cotton</b>")
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["rating"] == 4
    assert body["author"] == "Ann"  # first name only
    assert body["verified_purchase"] is True
    assert created.headers["location"] == f"/api/v1/reviews/{body['id']}"
    again = await review(client, ann, item, 1)
    assert again.status_code == 409
    assert problem(again) == "review-already-exists"
    assert again.json()["review_id"] == body["id"]
    listed = (await client.get(f"/api/v1/items/{item.id}/reviews")).json()
    # Plain text, stored and returned exactly as written (the client escapes it).
    assert [r["body"] for r in listed["items"]] == ["Soft <b>cotton</b>"]


async def test_a_review_needs_stars_from_one_to_five_and_bounded_text(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    item = await listed_item(stores)
    ann = await buyer(client, stores, settings, admin, item)
    for bad in ({"rating": 0}, {"rating": 6}, {"rating": 3, "title": "x" * 121}):
        response = await client.post(
            f"/api/v1/items/{item.id}/reviews", headers=ann.headers, json=bad
        )
        assert response.status_code == 422
    assert (await review(client, ann, item, 3, body="y" * 5000)).status_code == 201


async def test_reviewing_a_missing_item_is_404_and_anonymous_is_401(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await shopper(client, stores, settings)
    missing = await client.post(
        "/api/v1/items/0123456789abcdef01234567/reviews", headers=ann.headers, json={"rating": 5}
    )
    assert missing.status_code == 404
    item = await listed_item(stores)
    anonymous = await client.post(f"/api/v1/items/{item.id}/reviews", json={"rating": 5})
    assert anonymous.status_code == 401


async def test_the_author_edits_and_deletes_their_review_and_nobody_else_can(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    item = await listed_item(stores)
    ann = await buyer(client, stores, settings, admin, item)
    bob = await buyer(client, stores, settings, admin, item)
    created = (await review(client, ann, item, 2, title="Meh")).json()
    url = f"/api/v1/reviews/{created['id']}"
    foreign = await client.patch(url, headers=bob.headers, json={"rating": 5})
    assert foreign.status_code == 403
    assert problem(foreign) == "not-review-author"
    assert (await client.delete(url, headers=bob.headers)).status_code == 403
    edited = await client.patch(url, headers=ann.headers, json={"rating": 5, "title": None})
    assert edited.status_code == 200
    assert (edited.json()["rating"], edited.json()["title"]) == (5, None)
    listed = (await client.get(f"/api/v1/items/{item.id}/reviews")).json()
    assert [r["rating"] for r in listed["items"]] == [5]
    assert listed["rating"]["average"] == 5.0
    assert (await client.delete(url, headers=ann.headers)).status_code == 204
    assert (await client.delete(url, headers=ann.headers)).status_code == 404
    after = (await client.get(f"/api/v1/items/{item.id}/reviews")).json()
    assert after["items"] == []
    assert after["rating"]["count"] == 0
    # Deleted, the buyer may review the item anew.
    assert (await review(client, ann, item, 3)).status_code == 201


async def test_review_writes_are_rate_limited_per_user(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    item = await listed_item(stores)
    ann = await buyer(client, stores, settings, admin, item)
    bob = await buyer(client, stores, settings, admin, item)
    url = f"/api/v1/reviews/{(await review(client, ann, item, 3)).json()['id']}"
    for _ in range(WRITES_PER_WINDOW - 1):
        assert (await client.patch(url, headers=ann.headers, json={"rating": 4})).status_code == 200
    limited = await client.patch(url, headers=ann.headers, json={"rating": 1})
    assert limited.status_code == 429
    assert problem(limited) == "rate-limited"
    assert int(limited.headers["retry-after"]) > 0
    listed = (await client.get(f"/api/v1/items/{item.id}/reviews")).json()
    assert listed["items"][0]["rating"] == 4  # the refused edit changed nothing
    assert (await review(client, bob, item, 5)).status_code == 201  # others are not limited
