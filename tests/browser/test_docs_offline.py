"""/docs and /redoc render every operation in a browser that can reach nothing but the
service: their scripts and styles come from the service, not from a CDN."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route

from tests.browser.conftest import DevShop

pytestmark = pytest.mark.integration


def _operation_count(api: str) -> int:
    schema = httpx.get(f"{api}/openapi.json", timeout=30).json()
    methods = {"get", "post", "put", "patch", "delete"}
    return sum(1 for path in schema["paths"].values() for method in path if method in methods)


@pytest.fixture
def offline_page(browser: Browser, dev_shop: DevShop) -> Iterator[tuple[Page, list[str]]]:
    """A page whose requests to any other host are aborted; scripts, styles, fonts and data
    among them are recorded (ReDoc's footer asks a CDN for a logo image: harmless offline)."""
    ours = urlsplit(dev_shop.api).netloc
    refused: list[str] = []

    def only_the_service(route: Route) -> None:
        if urlsplit(route.request.url).netloc == ours:
            route.continue_()
        else:
            if route.request.resource_type != "image":
                refused.append(route.request.url)
            route.abort()

    context = browser.new_context()
    context.route("**/*", only_the_service)
    page = context.new_page()
    try:
        yield page, refused
    finally:
        context.close()


def test_swagger_ui_renders_every_operation_offline(
    offline_page: tuple[Page, list[str]], dev_shop: DevShop
) -> None:
    page, refused = offline_page
    page.goto(f"{dev_shop.api}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() == _operation_count(dev_shop.api)
    assert page.locator(".opblock-summary-path", has_text="/api/v1/items").count() > 0
    assert refused == []


def test_redoc_renders_the_operations_offline(
    offline_page: tuple[Page, list[str]], dev_shop: DevShop
) -> None:
    page, refused = offline_page
    page.goto(f"{dev_shop.api}/redoc")
    page.wait_for_selector("[data-section-id^='tag/']", timeout=30_000)
    page.wait_for_selector("[data-section-id^='operation/']", state="attached", timeout=30_000)
    sections = page.locator("[data-section-id^='operation/']").evaluate_all(
        "nodes => [...new Set(nodes.map(node => node.dataset.sectionId))]"
    )
    assert len(sections) == _operation_count(dev_shop.api)
    assert refused == []
