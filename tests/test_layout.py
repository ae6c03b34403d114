"""The shape of the source tree: small modules, and a README map that matches the tree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "garderobe"
MAX_LINES = 400


def _architecture_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1]
    return section.split("```\nsrc/garderobe/\n", 1)[1].split("```", 1)[0]


@pytest.mark.unit
def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.unit
def test_the_readme_architecture_names_every_top_level_module_and_package() -> None:
    block = _architecture_block()
    named = set(re.findall(r"\b([a-z_]+(?:\.py|/))", block))
    on_disk = {
        p.name + ("/" if p.is_dir() else "")
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.name != "__init__.py") or (p / "__init__.py").exists()
    }
    assert on_disk - named == set(), "missing from the README's architecture section"
    top_level = {name for name in named if (PACKAGE / name.rstrip("/")).exists()}
    assert top_level == on_disk
    for folder in ("migrations/", "scripts/", "tests/", "bench/"):
        assert folder in named
        assert (ROOT / folder).is_dir()
