"""web/ with its node_modules installed from package-lock.json, once for the storefront tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).parents[2] / "web"


@pytest.fixture(scope="session")
def npm() -> str:
    """npm, with web/'s locked dependencies installed (`npm ci`)."""
    found = shutil.which("npm")
    if found is None:
        pytest.fail(
            "The storefront checks build web/ with Node.js: install Node 20+ and npm "
            "(`apt-get install -y nodejs npm`)."
        )
    subprocess.run(
        [found, "ci", "--no-audit", "--no-fund"],
        cwd=WEB,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return found
