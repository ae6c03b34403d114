"""Headless Chromium (Debian's `chromium` package, driven by Playwright) against a real
`garderobe dev`, the same one the README walkthrough test starts.

Playwright's own browser download is not used: the machine's Chromium is. When it is
missing the tests fail and say what to install, rather than skip and look green.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

# The walkthrough's fixture starts `garderobe dev` on the suite's stores; reused as is.
from tests.test_readme_walkthrough import DevShop
from tests.test_readme_walkthrough import dev_shop as _dev_shop_fixture

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-screenshots"))

dev_shop = _dev_shop_fixture


def chromium_executable() -> str:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}: install Debian's package "
            "(`apt-get install -y chromium`; `make test` does this when run as root) "
            "or set CHROMIUM_PATH to a Chromium binary."
        )
    return CHROMIUM


@pytest.fixture(scope="module")
def playwright(dev_shop: DevShop) -> Iterator[Playwright]:
    # Playwright's sync API keeps an event loop running in this thread while it is open, and
    # the dev shop's set-up uses asyncio.run: so the shop has to start first.
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(
        executable_path=chromium_executable(),
        headless=True,
        # Containers often run as root with a small /dev/shm.
        args=["--no-sandbox", "--disable-dev-shm-usage"],
    )
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A desktop-sized page of its own context (cookies, storage) for one test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


__all__ = ["DevShop", "browser", "dev_shop", "page", "playwright", "screenshots"]
