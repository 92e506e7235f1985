"""The packages are layered: pa_base <- ingestion, expectations, exports <- partner_analytics (and dags).

No import cycle between packages, function-level imports included: a package below never imports one
above it, so each can be used (and tested) alone."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ["pa_base", "ingestion", "expectations", "exports", "partner_analytics"]
# what each package may import of the project's packages
ALLOWED = {
    "pa_base": set(),
    "ingestion": {"pa_base"},
    "expectations": {"pa_base", "ingestion"},
    "exports": {"pa_base", "ingestion"},
    "partner_analytics": {"pa_base", "ingestion", "expectations", "exports"},
}


def _imports(package: str) -> dict[str, set[str]]:
    """Project packages each module of `package` imports (module level or inside a function)."""
    found: dict[str, set[str]] = {}
    for file in sorted((REPO / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(file.relative_to(REPO))] = {n for n in names if n in PACKAGES and n != package}
    return found


def _package_graph() -> dict[str, set[str]]:
    return {p: set().union(*_imports(p).values()) for p in PACKAGES}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path, or None."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt]
            if nxt not in state and (found := visit(nxt, path + [nxt])):
                return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle_and_accepts_layers():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_only_the_layers_below_it(package):
    wrong = {module: sorted(names - ALLOWED[package]) for module, names in _imports(package).items() if names - ALLOWED[package]}
    assert wrong == {}


def test_no_import_cycle_between_the_packages():
    assert _cycle(_package_graph()) is None


def test_the_packages_below_import_alone_in_a_fresh_interpreter():
    # not just the source text: importing them (and the moved basics) loads nothing of partner_analytics
    code = (
        "import sys, pa_base.errors, pa_base.paths, pa_base.periods, pa_base.warehouse, pa_base.events, pa_base.logs,"
        " ingestion, ingestion.run, exports.writer, exports.custom, exports.parquet\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'partner_analytics'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_the_old_names_of_the_moved_basics_are_the_same_modules():
    import pa_base.errors
    import partner_analytics.errors

    assert partner_analytics.errors is pa_base.errors
    assert partner_analytics.errors.PipelineError.__module__ == "pa_base.errors"
