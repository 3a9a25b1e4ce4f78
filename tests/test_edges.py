"""The edges of the tree: scripts/ and bench/ use the product, test tooling stays in tests/.

The product layers' own direction (commands → flows → tasks → tertial) is tested with the layers; here:
nothing in the product imports scripts/, bench/ or tests/; scripts/ and bench/ never import tests/; and a
generator in scripts/ shares code only through the shared modules (`scripts/_*.py`), never by importing
another generator or by editing sys.path.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("commands", "flows", "tasks", "tertial")


def _imported(path: Path) -> set[str]:
    """Every module a file imports, dotted, as written."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return names


def _modules(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("edge", ("scripts", "bench", "tests"))
def test_the_product_never_imports_the_edges(edge):
    offenders = [f"{path.relative_to(ROOT)} imports {name}" for path in _modules(*PRODUCT)
                 for name in _imported(path) if name.split(".")[0] == edge]
    assert not offenders, offenders


def test_scripts_and_bench_never_import_test_tooling():
    offenders = [f"{path.relative_to(ROOT)} imports {name}" for path in _modules("scripts", "bench")
                 for name in _imported(path) if name.split(".")[0] == "tests"]
    assert not offenders, offenders


def test_generators_share_code_only_through_the_shared_modules():
    generators = _modules("scripts")
    assert {p.name for p in generators} >= {"make_demo_data.py", "make_example_cycles.py", "_common.py"}
    siblings = {p.stem for p in generators}
    offenders = [f"{path.relative_to(ROOT)} imports {name}" for path in generators for name in _imported(path)
                 if (name.startswith("scripts.") and not name.split(".")[1].startswith("_")) or name in siblings]
    offenders += [f"{path.relative_to(ROOT)} edits sys.path" for path in generators
                  if "sys.path" in path.read_text(encoding="utf-8")]
    assert not offenders, offenders
