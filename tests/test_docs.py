"""The README stays a newcomer's page, and what it and the docs point at exists.

The docs site itself is built with `mkdocs build --strict` by `make docs` (part of
`make lint`) and rendered offline by tests/browser/test_docs_site.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
README_LIMIT = 12 * 1024
# A measured figure: "75 req/s", "2,494 items/s", "p99 231 ms", "| 211 ms |".
FIGURE = re.compile(r"\d[\d,.]* (req/s|items/s|orders/s|tx)\b|\bp(50|99) \d|\| \d[\d,.]* ms \|")


def test_the_readme_is_at_most_12_kib() -> None:
    assert len(README.read_bytes()) <= README_LIMIT


def test_the_readme_names_the_two_commands_and_the_walkthrough() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text
    assert "make test" in text
    assert "<!-- walkthrough:start -->" in text


def test_every_relative_link_of_the_readme_and_the_docs_exists() -> None:
    documents = [README, ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
    for document in documents:
        text = re.sub(r"```.*?```", "", document.read_text(encoding="utf-8"), flags=re.DOTALL)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://", "#", "mailto:")):
                continue
            path = (document.parent / target.split("#", 1)[0]).resolve()
            assert path.exists(), f"{document.name} links to {target}"


def test_benchmark_figures_live_on_the_benchmarks_page_only() -> None:
    pages = [README, *sorted((ROOT / "docs").glob("*.md"))]
    elsewhere = {
        page.name: FIGURE.findall(page.read_text(encoding="utf-8"))
        for page in pages
        if page.name != "benchmarks.md"
    }
    assert {name: found for name, found in elsewhere.items() if found} == {}
    assert FIGURE.search((ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8"))


def test_the_benchmarks_page_names_the_command_of_every_benchmark() -> None:
    page = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    scripts = {p.name for p in (ROOT / "bench").glob("*.py")}
    shared = {"__init__.py", "common.py", "_bare_app.py", "run_all.py"}
    for script in sorted(scripts - shared):
        assert f"bench/{script}" in page, script
