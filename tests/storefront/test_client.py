"""The storefront's typed client: its types are openapi.json's, and every call site checks."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .conftest import WEB

SCHEMA = WEB / "src" / "api" / "schema.d.ts"


def _run(
    npm: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [npm, "run", "--silent", *args],
        cwd=WEB,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.unit
def test_committed_client_types_are_generated_from_openapi_json(npm: str, tmp_path: Path) -> None:
    fresh = tmp_path / "schema.d.ts"
    done = _run(npm, "gen:api", env={"API_SCHEMA_OUT": str(fresh)})
    assert done.returncode == 0, done.stderr
    assert fresh.read_text() == SCHEMA.read_text(), (
        "web/src/api/schema.d.ts is not what openapi.json generates: run `make openapi` and commit"
    )


@pytest.mark.unit
def test_storefront_call_sites_type_check_against_the_contract(npm: str) -> None:
    done = _run(npm, "typecheck")
    assert done.returncode == 0, f"tsc --noEmit in web/ found errors:\n{done.stdout}{done.stderr}"


@pytest.mark.unit
def test_every_storefront_source_is_typescript() -> None:
    # tsc checks .ts/.tsx only: a page left in JavaScript could call the API unchecked.
    sources = [p.relative_to(WEB) for p in (WEB / "src").rglob("*") if p.suffix in {".js", ".jsx"}]
    assert sources == []
