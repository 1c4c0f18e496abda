"""kamgraph.allocator: glibc's thresholds are raised once per process, and can be left alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = "from kamgraph.allocator import tune; print(tune(), tune())"


def _run(env_extra: dict) -> str:
    env = {k: v for k, v in os.environ.items() if k != "KAMGRAPH_MALLOC"} | env_extra
    return subprocess.run([sys.executable, "-c", PROBE], cwd=str(ROOT), env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")
def test_tune_sets_the_thresholds_once_and_respects_the_opt_out():
    assert _run({}) == "True True"
    assert _run({"KAMGRAPH_MALLOC": "default"}) == "False False"


def test_the_cli_and_the_app_tune_at_start():
    assert "tune_allocator()" in (ROOT / "kamgraph" / "cli" / "__init__.py").read_text()
    assert "\ntune()" in (ROOT / "app.py").read_text()
