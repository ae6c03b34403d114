"""The shape of the source tree: small modules, and a README map that matches the tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "garderobe"
MAX_LINES = 400
MAX_FUNCTION_LINES = 50
MAX_CATALOG_ROOT_MODULES = 10


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
def test_no_function_is_over_50_lines() -> None:
    """From its `def` line to its last (decorators and their route descriptions aside)."""
    long = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = lines
    assert long == {}


@pytest.mark.unit
def test_the_catalog_root_keeps_what_every_reader_needs_first() -> None:
    catalog = PACKAGE / "catalog"
    modules = [p.name for p in catalog.glob("*.py") if p.name != "__init__.py"]
    assert len(modules) <= MAX_CATALOG_ROOT_MODULES, sorted(modules)
    for name in ("service.py", "documents.py", "schemas.py", "dependencies.py"):
        assert name in modules


@pytest.mark.unit
def test_the_readme_map_names_every_wing_of_the_catalog() -> None:
    block = _architecture_block()
    wings = {p.name for p in (PACKAGE / "catalog").iterdir() if (p / "__init__.py").exists()}
    named = set(re.findall(r"^    ([a-z_]+)/", block, flags=re.MULTILINE))
    assert named == wings - {"routers"}


@pytest.mark.unit
def test_the_readme_architecture_names_every_top_level_module_and_package() -> None:
    block = _architecture_block()
    found = re.findall(r"^ {0,2}([a-z_]+(?:\.py|/))|, ([a-z_]+\.py)", block, flags=re.MULTILINE)
    named = {name for pair in found for name in pair if name}
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
