"""Moderation: hidden reviews leave the public list and the summary; admins list by status."""

from __future__ import annotations

import httpx

from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.reviews.helpers import admin_headers, buyer, listed_item, review


async def test_hiding_a_review_removes_it_from_the_list_and_the_summary_until_restored(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    item = await listed_item(stores)
    ann = await buyer(client, stores, settings, admin, item)
    bob = await buyer(client, stores, settings, admin, item)
    spam = (await review(client, ann, item, 1, body="buy followers at ...")).json()
    await review(client, bob, item, 5)
    url = f"/api/v1/items/{item.id}/reviews"
    assert (await client.get(url)).json()["rating"]["average"] == 3.0
    hidden = await client.post(
        f"/api/v1/admin/reviews/{spam['id']}/hide", headers=admin, json={"reason": "spam"}
    )
    assert hidden.status_code == 200, hidden.text
    assert (hidden.json()["status"], hidden.json()["moderation_reason"]) == ("hidden", "spam")
    public = (await client.get(url)).json()
    assert [r["rating"] for r in public["items"]] == [5]
    assert public["rating"] == {
        "average": 5.0,
        "count": 1,
        "stars": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1},
    }
    detail = (await client.get(f"/api/v1/items/{item.id}")).json()
    assert detail["rating"]["count"] == 1
    # The author's edit of a hidden review does not bring it back into the summary.
    edit = await client.patch(
        f"/api/v1/reviews/{spam['id']}", headers=ann.headers, json={"rating": 2}
    )
    assert edit.status_code == 200
    assert (await client.get(url)).json()["rating"]["count"] == 1
    restored = await client.post(
        f"/api/v1/admin/reviews/{spam['id']}/restore", headers=admin, json={"reason": "appeal"}
    )
    assert restored.status_code == 200
    back = (await client.get(url)).json()
    assert sorted(r["rating"] for r in back["items"]) == [2, 5]
    assert (back["rating"]["average"], back["rating"]["count"]) == (3.5, 2)


async def test_moderation_needs_an_admin_and_a_reason(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    item = await listed_item(stores)
    ann = await buyer(client, stores, settings, admin, item)
    created = (await review(client, ann, item, 4)).json()
    hide = f"/api/v1/admin/reviews/{created['id']}/hide"
    assert (await client.post(hide, headers=ann.headers, json={"reason": "x"})).status_code == 403
    assert (await client.post(hide, headers=admin, json={})).status_code == 422
    assert (await client.get("/api/v1/admin/reviews", headers=ann.headers)).status_code == 403
    missing = await client.post(
        "/api/v1/admin/reviews/00000000-0000-0000-0000-000000000000/hide",
        headers=admin,
        json={"reason": "x"},
    )
    assert missing.status_code == 404
    assert missing.json()["type"].endswith("/review-not-found")


async def test_admins_page_through_reviews_by_status(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    item = await listed_item(stores, on_hand=6)
    ids = []
    for stars in (1, 2, 3, 4, 5):
        who = await buyer(client, stores, settings, admin, item)
        ids.append((await review(client, who, item, stars)).json()["id"])
    for review_id in ids[:3]:
        await client.post(
            f"/api/v1/admin/reviews/{review_id}/hide", headers=admin, json={"reason": "test"}
        )
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"status": "hidden", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/v1/admin/reviews", headers=admin, params=params)).json()
        seen += [r["id"] for r in page["items"]]
        assert all(r["moderation_reason"] == "test" for r in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids[:3]))  # newest first, each once
    visible = await client.get("/api/v1/admin/reviews", headers=admin, params={"status": "visible"})
    assert {r["id"] for r in visible.json()["items"]} == set(ids[3:])
    bad = await client.get("/api/v1/admin/reviews", headers=admin, params={"cursor": "nope"})
    assert bad.status_code == 422
    assert bad.json()["type"].endswith("/invalid-cursor")
