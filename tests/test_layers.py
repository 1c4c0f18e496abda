"""The layers of the code, checked by import-linter (the contracts in pyproject.toml).

``lint-imports`` runs here so the README's one test command (and so CI) fails on a wrong
import. The contracts are tested too: a copy of the package with one forbidden import
added must break the contract that forbids it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def lint_imports_executable() -> str:
    """The ``lint-imports`` of this interpreter's environment (the venv's)."""
    beside = Path(sys.executable).parent / "lint-imports"
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    if found is None:
        pytest.fail("lint-imports not found: install the test extra (pip install -e '.[test]')")
    return found


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` with the contracts of pyproject.toml over the ``kamgraph`` package
    found in ``package_parent``."""
    env = dict(os.environ, PYTHONPATH=str(package_parent))
    return subprocess.run([lint_imports_executable(), "--no-cache", str(ROOT / "pyproject.toml")],
                          cwd=package_parent, env=env, capture_output=True, text=True, timeout=120)


def test_every_layer_contract_is_kept():
    result = lint_imports(ROOT)
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("analysis/coverage.py", "import kamgraph.store.sqlite", "analysis imports no store"),
    ("analysis/coverage.py", "import kamgraph.report.html", "analysis imports no store"),
    ("report/html.py", "import streamlit", "Nothing outside kamgraph.ui imports Streamlit"),
    ("ui/pages/trends.py", "from kamgraph.store import open_store", "Only kamgraph.ui.context reaches the store"),
    ("snapshot.py", "import kamgraph.store.base", "Layers"),
    ("store/sqlite.py", "import kamgraph.ingest.validate", "Layers"),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    shutil.copytree(ROOT / "kamgraph", tmp_path / "kamgraph",
                    ignore=shutil.ignore_patterns("__pycache__", "_cypher"))
    target = tmp_path / "kamgraph" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # added by the test\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout
