"""The documentation site renders offline: built with `mkdocs build --strict` as `make docs`
does, served from this machine, and opened in headless Chromium with every request that
leaves the local server refused and recorded (Material's Google Fonts are off, nothing comes
from a CDN). One page is saved as a screenshot (SCREENSHOT_DIR)."""

from __future__ import annotations

import functools
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import Browser, Page, Route, sync_playwright

from tests.browser.conftest import chromium_executable

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
MKDOCS = str(Path(sys.executable).parent / "mkdocs")


def _pages() -> list[str]:
    """Every page of the nav, as its built file name (use_directory_urls is off)."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def walk(entries: list[object]) -> Iterator[str]:
        for entry in entries:
            target = next(iter(entry.values())) if isinstance(entry, dict) else entry
            if isinstance(target, list):
                yield from walk(target)
            else:
                yield str(target).removesuffix(".md") + ".html"

    return list(walk(config["nav"]))


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    built = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [MKDOCS, "build", "--strict", "--site-dir", str(built)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": str(Path(sys.executable).parent)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    handler = functools.partial(_Quiet, directory=str(built))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as running:
        launched = running.chromium.launch(
            executable_path=chromium_executable(),
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def offline(browser: Browser, site: str) -> Iterator[tuple[Page, list[str]]]:
    ours = urlsplit(site).netloc
    refused: list[str] = []

    def only_the_site(route: Route) -> None:
        if urlsplit(route.request.url).netloc == ours:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", only_the_site)
    page = context.new_page()
    try:
        yield page, refused
    finally:
        context.close()


def test_the_nav_lists_every_page_of_docs() -> None:
    on_disk = {path.with_suffix(".html").name for path in (ROOT / "docs").glob("*.md")}
    assert set(_pages()) == on_disk


def test_every_page_renders_with_nothing_from_outside(
    offline: tuple[Page, list[str]], site: str
) -> None:
    page, refused = offline
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    for name in _pages():
        # Until the network is idle: the next page's navigation would cancel what is pending.
        response = page.goto(f"{site}/{name}", wait_until="networkidle")
        assert response is not None
        assert response.status == 200, name
        page.wait_for_selector("article h1", timeout=15_000)
        # Material's own stylesheet applied (served locally): the header is laid out.
        assert page.locator("header.md-header").is_visible(), name
    assert refused == []
    assert failed == []


def test_the_operations_page_renders_its_tables_and_search_works_offline(
    offline: tuple[Page, list[str]], site: str, screenshots: Path
) -> None:
    page, refused = offline
    page.goto(f"{site}/operations.html", wait_until="networkidle")
    assert page.locator("article table").count() >= 4
    assert page.locator("article h2", has_text="Health and readiness").count() == 1
    page.screenshot(path=screenshots / "docs-operations.png")
    # The search index and its worker are local files: typed keys (the search listens to
    # them, not to a filled value) find the pages about readiness.
    page.keyboard.press("/")
    page.keyboard.type("readiness", delay=20)
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    assert "operations" in page.locator(".md-search-result").inner_html()
    assert refused == []
