"""benchmarks/quality_power.py on the real networks (../shared/datasets).

Checks that the benchmark runs, reports the product's column, and that its baselines
reproduce facts of the data (senior Enron people are e-mailed by many distinct people;
the undirected candidate c2 equals the raw message count). It does not assert that the
product beats the baselines: the product's power formula is being changed.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
ENRON = DATASETS / "enron_igraphdata"


def _module():
    spec = importlib.util.spec_from_file_location("quality_power_under_test", ROOT / "benchmarks" / "quality_power.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def qp():
    return _module()


@pytest.fixture(scope="module")
def result(qp):
    if not ENRON.is_dir():
        pytest.skip(f"Enron e-mail data not found at {ENRON} (the shared datasets folder sits beside the repository)")
    return qp.run(DATASETS, None, candidates=True, bootstrap=200)


@pytest.mark.slow
def test_enron_baselines_reproduce_known_facts(result):
    enron = result["enron"]
    assert enron["status"] == "ok"
    assert enron["cleaning"]["rows_dated_1979"] == 174 and enron["cleaning"]["self_loops"] == 16483
    counts = enron["position_counts"]
    print("Enron positions:", counts)
    assert counts["NA"] == 54 and sum(counts.values()) == 184
    vp = enron["classes"]["vp_and_above"]
    assert (vp["n_pos"], vp["n_neg"]) == (46, 84)  # CEO 5, President 5, VP 30, MD 6 vs 84
    sig = vp["signals"]
    print({k: v["auc"] for k, v in sig.items()})
    # observed 0.762: VPs and above hear from many distinct people
    assert sig["distinct_senders"]["auc"] > 0.6
    assert sig["distinct_senders"]["ci95"][0] < sig["distinct_senders"]["auc"] < sig["distinct_senders"]["ci95"][1]
    # sent + received is, undirected, the number of e-mails a person attended: c2 by another road
    assert sig["c2_newman"]["auc"] == pytest.approx(sig["messages"]["auc"])
    for name in ("c1_partners", "c3_pagerank_newman", "c4_eigenvector_newman", "c5_betweenness"):
        assert 0.0 <= sig[name]["auc"] <= 1.0


@pytest.mark.slow
def test_product_column_is_reported(result):
    for key in ("enron", "hospital"):
        r = result[key]
        if r["status"] != "ok":
            continue
        assert r["product_column"] in ("power", "pagerank")
        assert r["product_column"] in r["influence_columns"]
        for c in r["classes"].values():
            assert c["signals"]["product"]["kind"] == "product"
            assert 0.0 <= c["signals"]["product"]["auc"] <= 1.0


@pytest.mark.slow
def test_hospital_power_and_stability(result):
    h, st = result["hospital"], result["hospital_stability"]
    if h["status"] != "ok":
        pytest.skip(h["reason"])
    assert h["position_counts"] == {"PAT": 29, "NUR": 27, "MED": 11, "ADM": 8}
    med = h["classes"]["med_vs_rest"]["signals"]
    # two-person contacts: Newman weight 1, so c2 is the contact count
    assert med["c2_newman"]["auc"] == pytest.approx(med["contacts"]["auc"])
    assert st["days"] == ["2010-12-06", "2010-12-07", "2010-12-08", "2010-12-09", "2010-12-10"]
    assert len(st["per_day_pair"]) == 4
    # a fact of the data: what has been accumulated is far steadier than one day's contacts
    assert st["mean"]["cumulative_count"] > st["mean"]["day_count"] + 0.3
    assert all(r["strength"] is not None for r in st["per_day_pair"])


@pytest.mark.slow
def test_result_is_json_and_renders(qp, result):
    json.dumps(result)
    md = qp.markdown(result)
    assert "distinct_senders" in md and "Product column" in md and "wall time" in md


def test_missing_datasets_are_skipped_not_crashed(qp, tmp_path):
    r = qp.run(tmp_path, None)
    for key in ("enron", "hospital", "hospital_stability"):
        assert r[key]["status"] == "skipped" and "not found" in r[key]["reason"]
    assert "Skipped" in qp.markdown(r)
    json.dumps(r)
