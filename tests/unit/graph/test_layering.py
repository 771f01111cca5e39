"""``graph/`` is the domain core: it imports no web framework, no model library, no data frame.

docs/how-it-is-built.md says so, and nothing checked it: an ``import pandas`` in
``graph/text.py`` passed ruff, mypy and every test. The core stays importable and fast
to load for the CLI's graph commands, and testable without a server or a model.
"""

from __future__ import annotations

import ast
from pathlib import Path

GRAPH = Path(__file__).resolve().parents[3] / "graph"
FORBIDDEN = {"strawberry", "starlette", "uvicorn", "torch", "transformers", "sentence_transformers", "pandas"}
UPWARD = {"schema", "resolvers", "server", "cli", "ingest", "ml", "middleware", "bench"}


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports, anywhere in it (inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def domain_modules() -> list[str]:
    """Every module of ``graph/``, subpackages included (``analytics/``), by path."""
    return [path.relative_to(GRAPH).as_posix() for path in sorted(GRAPH.rglob("*.py"))]


def test_the_domain_core_imports_no_framework_and_no_outer_layer() -> None:
    offending = {name: sorted(imported_packages(GRAPH / name) & (FORBIDDEN | UPWARD)) for name in domain_modules()}
    assert {name: found for name, found in offending.items() if found} == {}


def test_the_check_sees_the_modules_of_subpackages() -> None:
    modules = domain_modules()
    assert {"mastery.py", "analytics/__init__.py", "analytics/cohort_mastery.py", "analytics/trend.py"} <= set(modules)
    assert len(modules) == len(set(modules))


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    import pandas as pd\n    return pd\n")
    assert imported_packages(module) == {"pandas"}
