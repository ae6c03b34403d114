"""The committed storefront bundle is what web/ builds to, and the service serves it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import pytest

from garderobe.storefront.pages import STATIC_DIR

from .conftest import WEB


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.unit
def test_committed_bundle_matches_a_fresh_build(npm: str, tmp_path: Path) -> None:
    out = tmp_path / "static"
    subprocess.run(
        [npm, "run", "build"],
        cwd=WEB,
        env={**os.environ, "STOREFRONT_OUT_DIR": str(out)},
        check=True,
        capture_output=True,
        timeout=300,
    )
    fresh, committed = _files(out), _files(STATIC_DIR)
    assert sorted(fresh) == sorted(committed), "run `make web` and commit the bundle"
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert changed == [], f"differ from a fresh build: {changed}; run `make web` and commit"


async def test_pages_are_the_app_and_assets_are_cached_for_a_year(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/", "/c/coats?colour=red", "/items/abc", "/reset-password?token=x"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert page.headers["cache-control"] == "no-cache"
        assert '<div id="root">' in page.text
    [script] = [p for p in (STATIC_DIR / "assets").iterdir() if p.suffix == ".js"]
    asset = await client.get(f"/assets/{script.name}")
    assert asset.status_code == 200
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_unknown_api_paths_stay_problem_json(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert (await client.get("/assets/no-such-file.js")).status_code == 404
