"""scripts/check_imports.py (`make lint`): finds cycles and imports against the layering."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "check_imports.py"


@pytest.fixture(scope="module")
def check() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_imports", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_imports"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.unit
def test_a_cycle_of_any_length_is_found(check: ModuleType) -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert check.find_cycles(graph) == [["a", "b", "c"]]
    assert check.find_cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.unit
@pytest.mark.parametrize(
    ("source", "target", "upward"),
    [
        ("garderobe.accounts.routers.auth", "garderobe.commerce.cart", True),
        ("garderobe.catalog.service", "garderobe.commerce.orders", True),
        ("garderobe.stock.service", "garderobe.catalog.cache", True),
        ("garderobe.media.service", "garderobe.catalog.documents", True),
        ("garderobe.catalog.service", "garderobe.stock.service", False),
        ("garderobe.commerce.cart", "garderobe.catalog.service", False),
        ("garderobe.catalog.cli", "garderobe.commandline", False),
        ("garderobe.catalog.cli", "garderobe.registry", True),
        ("garderobe.infra.mail", "garderobe.observability.metrics", False),
        ("garderobe.dev.server", "garderobe.main", False),
    ],
)
def test_imports_run_down_the_layers(
    check: ModuleType, source: str, target: str, upward: bool
) -> None:
    assert check._runs_upward(source, target) is upward


@pytest.mark.unit
def test_function_level_imports_count_and_type_checking_ones_do_not(
    check: ModuleType, tmp_path: Path
) -> None:
    source = tmp_path / "example.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from garderobe import main\n"
        "def f() -> None:\n    from garderobe.catalog import service\n"
    )
    modules = {"garderobe.main", "garderobe.catalog.service", "garderobe.catalog"}
    found = list(check.imports_of(source, "garderobe.example", modules))
    assert found == [("garderobe.catalog.service", 5)]


@pytest.mark.unit
def test_src_has_no_cycle_and_keeps_the_layering(check: ModuleType) -> None:
    assert check.main() == 0


@pytest.mark.unit
def test_layers_name_packages_and_top_level_modules_only(check: ModuleType) -> None:
    files = {check.module_name(path): path for path in check.ROOT.rglob("*.py")}
    assert check.entries_inside_packages(files) == []
    check.LAYERS.append(("garderobe.catalog.service",))
    try:
        assert check.entries_inside_packages(files) == ["garderobe.catalog.service"]
    finally:
        check.LAYERS.pop()
