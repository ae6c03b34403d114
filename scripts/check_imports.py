"""Import check for `make lint`: no import cycle anywhere in src/, and domains import one way.

Every `import`/`from … import` of a garderobe module counts, at module level and inside
functions alike (an import moved into a function still ties the two modules together); only
imports under `if TYPE_CHECKING:` are left out, since they never run.

The layering is declared in LAYERS below: a module may import modules of its own layer
entry or of any entry listed after it, never one listed before it. Exit status 1 with one
line per cycle or forbidden import.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "garderobe"

# Top to bottom: each entry may import only itself and the entries below it. Entries are
# module prefixes; a module belongs to the first (longest) prefix that names it.
LAYERS: list[tuple[str, ...]] = [
    # Entry points: they assemble everything below. The `garderobe` command hands the
    # domains' own commands (their cli.py, in their layers) the documents to open the stores
    # with (commandline.CommandStores); the dev stack runs the API and the worker.
    ("garderobe.cli", "garderobe.dev"),
    ("garderobe.worker",),
    ("garderobe.main",),
    ("garderobe.registry",),
    # Operator pieces over the domains: the admin panel, guarded docs, the storefront's pages.
    ("garderobe.operations", "garderobe.admin", "garderobe.storefront"),
    # Domains, highest first: recommendations read commerce's orders and the catalog, reviews
    # build on commerce (verified purchases) and the catalog (rating summaries); commerce
    # builds on catalog and stock, catalog on sizes, stock and media, every domain on
    # accounts.
    ("garderobe.recommendations", "garderobe.reviews"),
    # Bulk imports write the catalogue through the catalog's and stock's services.
    ("garderobe.imports",),
    ("garderobe.commerce",),
    # Discounts, shipping and taxes: commerce's checkout prices its carts with them.
    ("garderobe.pricing",),
    ("garderobe.catalog",),
    # Size systems, charts and conversion for the catalog to use; they import no domain.
    ("garderobe.sizing",),
    ("garderobe.stock",),
    ("garderobe.media",),
    # Outgoing webhooks: every domain above emits events; they mail admins (accounts).
    ("garderobe.webhooks",),
    ("garderobe.accounts",),
    # Shared kit below every domain.
    ("garderobe.mailer", "garderobe.migrate", "garderobe.commandline"),
    ("garderobe.api", "garderobe.uow", "garderobe.ratelimit", "garderobe.pagination"),
    ("garderobe.outbox",),
    # What the kit itself reports through (metric objects, traces, Sentry, the store probe)
    # sits with the adapters to the outside systems.
    ("garderobe.infra", "garderobe.errors", "garderobe.logs", "garderobe.observability"),
    ("garderobe.settings",),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """ast.walk without the bodies of `if TYPE_CHECKING:` blocks."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for orelse in child.orelse:
                yield orelse
                yield from _walk(orelse)
            continue
        yield child
        yield from _walk(child)


def imports_of(path: Path, name: str, modules: set[str]) -> Iterator[tuple[str, int]]:
    """(imported garderobe module, line) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from garderobe.x import y` imports garderobe.x.y when y is a module.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target.startswith(PACKAGE + ".") and target != name:
                yield target, node.lineno


def layer_of(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[1]
            ):
                best = (index, len(prefix))
    return None if best is None else best[0]


def _runs_upward(source: str, target: str) -> bool:
    source_layer, target_layer = layer_of(source), layer_of(target)
    if source_layer is None or target_layer is None:
        return False
    return target_layer < source_layer


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def entries_inside_packages(files: dict[str, Path]) -> list[str]:
    """Layer entries naming a module or package inside a top-level package: a package's
    modules all sit in its layer, so the folders are the layering."""
    named = [entry for layer in LAYERS for entry in layer]
    return [e for e in named if e.count(".") > 1 or (e.count(".") == 1 and e not in files)]


def main() -> int:
    files = {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}
    modules = set(files)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    problems: list[str] = []
    for name, path in files.items():
        seen: set[str] = set()
        for target, line in imports_of(path, name, modules):
            if target in seen:
                continue
            seen.add(target)
            # A package's __init__ is imported with each of its modules: not an edge worth
            # a cycle (ours are one-line docstrings), so only real modules count.
            if files[target].name == "__init__.py" and name.startswith(target + "."):
                continue
            graph[name].add(target)
            if _runs_upward(name, target):
                where = path.relative_to(ROOT.parent)
                problems.append(f"{where}:{line}: {name} imports {target} (a layer above it)")
    for entry in entries_inside_packages(files):
        problems.append(f"{entry}: a layer entry inside a package (name the package)")
    for name in sorted(modules):
        if layer_of(name) is None and name != PACKAGE:
            problems.append(f"{name}: in no layer of scripts/check_imports.py")
    for cycle in find_cycles(graph):
        problems.append("import cycle: " + " <-> ".join(cycle))
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"imports: {len(modules)} modules, no cycle, layering kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
