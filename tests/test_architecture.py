"""The house keeps its shape: read from the source's own imports (every import, also those
inside functions and under TYPE_CHECKING), so a shortcut through the walls fails here.

- No import cycle between apps.
- core knows no other app; a domain app imports only core and domain apps, never a face
  (web, public, reports, imports, exchange, kolada, api, demo, jobs and what comes).
- Nothing but the services writes: no `.save()`/`.delete()`/`.objects.create()` in views.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "styrkort"
DOMAIN = ["core", "organisation", "notifications", "planning", "followup", "economy", "register"]


def _apps() -> list[str]:
    return sorted(p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def _imports() -> dict[str, dict[str, list[str]]]:
    """app -> imported app -> the files that import it."""
    apps = set(_apps())
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).parts
        if len(parts) < 2 or "migrations" in parts:
            continue
        app = parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                bits = name.split(".")
                if bits[0] == "styrkort" and len(bits) > 1 and bits[1] in apps and bits[1] != app:
                    graph[app][bits[1]].append(str(path.relative_to(SRC)))
    return graph


def _cycle(graph: dict[str, dict[str, list[str]]]) -> list[str] | None:
    """One cycle between apps, if there is any."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(app: str) -> list[str] | None:
        state[app] = 1
        stack.append(app)
        for other in sorted(graph.get(app, {})):
            if state.get(other) == 1:
                return [*stack[stack.index(other) :], other]
            if other not in state:
                found = visit(other)
                if found:
                    return found
        stack.pop()
        state[app] = 2
        return None

    for app in sorted(graph):
        if app not in state:
            found = visit(app)
            if found:
                return found
    return None


def test_no_import_cycle_between_apps():
    graph = _imports()
    cycle = _cycle(graph)
    detail = ""
    if cycle:
        detail = "; ".join(
            f"{a} -> {b} ({', '.join(sorted(set(graph[a][b]))[:3])})"
            for a, b in itertools.pairwise(cycle)
        )
    assert cycle is None, f"import cycle: {' -> '.join(cycle or [])}: {detail}"


def test_core_knows_no_other_app():
    graph = _imports()
    assert dict(graph.get("core", {})) == {}, dict(graph["core"])


def test_no_domain_app_imports_a_face():
    graph = _imports()
    wrong = {
        f"{app} -> {other}": sorted(set(files))
        for app in DOMAIN
        for other, files in graph.get(app, {}).items()
        if other not in DOMAIN
    }
    assert not wrong, wrong


def test_views_write_through_services_only():
    wrong = []
    for path in SRC.rglob("views.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"save", "delete", "create", "bulk_create", "update"}
                and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "services")
            ):
                # A form's save or a session update is not a model write; models are.
                target = ast.unparse(node.func.value)
                if ".objects" in target or target in {"instance", "obj"}:
                    wrong.append(f"{path.relative_to(SRC)}:{node.lineno} {ast.unparse(node)}")
    assert not wrong, wrong
