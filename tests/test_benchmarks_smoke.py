"""The benchmark suite runs end to end at scale S and kamgraph's answers equal the baselines'.

Runs ``python benchmarks/run.py --scale S`` as a subprocess (the documented one command;
about 2 minutes with the Bolt server, less without): every scenario must produce a
result, the results file must be
written with the machine's description, and every baseline (naive strengths, networkx
paths, and with a Bolt server the exact Cypher paths and gaps) must report
``answers_match``. Times are reported, never asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import SCENARIOS  # noqa: E402

try:
    from bolt_server import server_available
except ImportError:  # pragma: no cover - tests/ imported as a package
    from tests.bolt_server import server_available


@pytest.mark.slow
def test_suite_at_s_writes_every_scenario_and_matches_the_baselines(tmp_path):
    ok, why = server_available()
    if not ok and (os.environ.get("CI") or os.environ.get("KAMGRAPH_REQUIRE_BOLT")):
        pytest.fail(f"no Bolt server for the Cypher baselines: {why}")
    cmd = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--scale", "S", "--out", str(tmp_path),
           "--bolt-heap", "1g"] + ([] if ok else ["--skip-bolt"])
    proc = subprocess.run(cmd, cwd=str(ROOT), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    files = list(tmp_path.glob("*-S.json"))
    assert len(files) == 1, list(tmp_path.iterdir())
    report = json.loads(files[0].read_text())
    assert report["scale"] == "S" and report["rows"] == sum(report["counts"].values()) > 0
    assert report["machine"]["cores"] >= 1 and report["machine"]["memory_total_bytes"] > 0
    assert report["machine"]["python"] and report["machine"]["pandas"]

    scenarios = report["scenarios"]
    assert set(scenarios) == set(SCENARIOS)
    for name, result in scenarios.items():
        assert "error" not in result, (name, result)
        if "skipped" not in result:
            assert result["peak_rss_bytes"] > 0, name
    assert scenarios["import_sqlite"]["counts_ok"] is True

    expected = {"naive_strengths", "naive_paths", "portfolio_persisted"} | ({"cypher_paths", "cypher_gaps"} if ok else set())
    assert set(report["baselines"]) == expected
    assert all(b["answers_match"] is True for b in report["baselines"].values()), report["baselines"]
    # the sampled work is real: pairs and targets were compared, not an empty set
    assert scenarios["naive_strengths"]["sample_pairs"] > 100
    assert scenarios["naive_paths"]["sample_targets"] > 5
    if ok:
        assert scenarios["bolt"]["paths"]["sample_targets"] > 5 and scenarios["bolt"]["gaps"]["sample_accounts"] > 5

    figures = {f["figure"] for f in report["figures"]}
    assert "strengths + trends, whole portfolio" in figures and "one target's paths (median)" in figures
    assert "answers match" in proc.stdout
