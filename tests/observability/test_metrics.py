"""/metrics: what Prometheus scrapes after real traffic."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from garderobe.infra.stores import Stores
from garderobe.outbox import service as outbox
from garderobe.settings import Settings
from tests.commerce.helpers import shopper, stocked_item


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    return [
        (sample.name, sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]


def value(text: str, name: str, **labels: str) -> float:
    found = [v for n, lab, v in samples(text) if n == name and labels.items() <= lab.items()]
    return sum(found)


async def scrape(client: httpx.AsyncClient, **headers: str) -> str:
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_requests_are_counted_by_route_template_never_by_raw_path(
    client: httpx.AsyncClient,
) -> None:
    for item_id in ("0123456789abcdef01234567", "76543210fedcba9876543210"):
        await client.get(f"/api/v1/items/{item_id}")
    await client.get("/no/such/page/at-all")
    await client.get("/admin/user/details/3f1c")
    text = await scrape(client)
    routes = {lab.get("route") for n, lab, _ in samples(text) if n.startswith("garderobe_http")}
    assert "/api/v1/items/{item_id}" in routes
    assert "unmatched" in routes
    assert "/admin/{identity}/details/{pk:path}" in routes
    assert not any(r and "3f1c" in r for r in routes)
    assert not any(r and "0123456789abcdef" in r for r in routes)
    assert not any(r and "no/such" in r for r in routes)
    count = value(
        text,
        "garderobe_http_requests_total",
        method="GET",
        route="/api/v1/items/{item_id}",
        status="4xx",
    )
    assert count >= 2
    buckets = value(
        text,
        "garderobe_http_request_duration_seconds_count",
        route="/api/v1/items/{item_id}",
    )
    assert buckets >= 2
    assert "garderobe_http_requests_in_flight" in {n for n, _, _ in samples(text)}


async def test_store_and_outbox_gauges_reflect_the_stores(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    async with stores.sessionmaker() as session, session.begin():
        outbox.add(session, "test.topic", {"n": 1})
    text = await scrape(client)
    for store in ("postgres", "mongodb", "redis", "s3", "smtp"):
        assert value(text, "garderobe_store_up", store=store) == 1
        assert value(text, "garderobe_store_check_seconds", store=store) > 0
    assert value(text, "garderobe_outbox_backlog") == 1
    assert value(text, "garderobe_outbox_oldest_age_seconds") >= 0
    assert "garderobe_queue_depth" in {n for n, _, _ in samples(text)}


async def test_orders_mails_and_cache_outcomes_are_counted(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, run_jobs: object
) -> None:
    before = await scrape(client)
    buyer = await shopper(client, stores, settings)
    item = await stocked_item(stores)
    assert (await buyer.add(item)).status_code in (200, 201)
    assert (await buyer.order()).status_code == 201
    await run_jobs()  # type: ignore[operator]
    await client.get("/api/v1/categories")
    await client.get("/api/v1/categories")
    after = await scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("garderobe_orders_total", status="placed") == 1
    assert grew("garderobe_mails_total", outcome="sent") >= 1
    assert grew("garderobe_jobs_total", outcome="complete") >= 1
    outcomes = {
        lab["outcome"] for n, lab, _ in samples(after) if n == "garderobe_cache_lookups_total"
    }
    assert outcomes


async def test_a_metrics_token_is_required_when_set(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydantic import SecretStr

    monkeypatch.setattr(settings, "metrics_token", SecretStr("s3cret-token"))
    refused = await client.get("/metrics")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    await scrape(client, Authorization="Bearer s3cret-token")
