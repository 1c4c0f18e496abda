"""The e-mail part of benchmarks/quality.py on one cut of the real Eu-core log.

Checks the structure of the figures and that the baselines are sane; it does not assert
that the product's strength beats them (the strength formula is being changed). The
figures are printed (``pytest -s``). Skips when ``../shared/datasets/snap_email_eu_core``
is absent.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
EMAIL = DATASETS / "snap_email_eu_core" / "email-Eu-core-temporal.txt.gz"
CUT = 270  # nine months into the log; its next 90 days are inside the active part

pytestmark = pytest.mark.slow


def _quality():
    name = "kamgraph_benchmarks_quality"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "quality.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look their module up while the file executes
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def email():
    if not EMAIL.exists():
        pytest.skip(f"Eu-core e-mail log not found at {EMAIL} (the shared datasets folder is absent)")
    q = _quality()
    result = q.email_quality(DATASETS, cuts=[CUT], sensitivity=False)
    print(json.dumps(q._plain({k: result[k] for k in ("cuts", "timings")}), indent=1))
    return result


def test_data_is_loaded_as_documented(email):
    ds = email["dataset"]
    assert ds["rows"] == 332_334
    assert ds["people"] == 986
    assert ds["messages"] < ds["contacts"] <= ds["rows"]  # multi-recipient messages are one interaction
    assert ds["gaps_over_7_empty_days"] == [[526, 796]]


def test_one_cut_has_every_figure(email):
    (cut,) = email["cuts"]
    assert cut["day"] == CUT and cut["date"] == "2020-09-27"
    assert cut["pairs"] > 5_000 and cut["pairs_missing_from_product"] == 0
    sp = cut["spearman_next_90d_contacts"]
    assert set(sp) >= {"product_strength", "raw_count", "decayed_count_h90", "recency"}
    # the baselines are sane on these data
    assert sp["raw_count"] > 0.3 and sp["decayed_count_h90"] > 0.3 and sp["recency"] > 0.2
    # the product's figure is reported (no claim on its size while the formula changes)
    assert isinstance(sp["product_strength"], float) and math.isfinite(sp["product_strength"])
    print(f"day {CUT}: Spearman strength {sp['product_strength']:.3f}, raw count {sp['raw_count']:.3f}, "
          f"decayed {sp['decayed_count_h90']:.3f}, recency {sp['recency']:.3f}")

    d = cut["dormancy"]
    assert 0.2 < d["base_rate"] < 0.9
    for kind in ("dormant", "cooling", "dormant_or_cooling"):
        assert set(d[kind]) >= {"precision", "recall", "flagged"}
    rule = d["rules"]["no_contact_60d"]
    assert rule["precision"] > d["base_rate"]  # the rule knows something
    assert sum(cut["labels"].values()) == cut["pairs"]

    wb = cut["warming_bias"]
    assert wb["steady_60"]["n"] > 0 and wb["steady_90"]["n"] > 0
    shares = wb["steady_60"]
    assert math.isclose(sum(shares[k] for k in ("new", "dormant", "warming", "cooling", "stable")), 1.0)
    assert cut["ties_at_1"]["pairs_at_1_with_different_evidence"] >= 0


def test_markdown_summary_renders(email):
    md = _quality().email_markdown(_quality()._plain(email))
    assert f"| {CUT} (2020-09-27) |" in md and "rule: none in 60 d" in md


def test_a_cut_whose_horizon_crosses_the_gap_is_refused():
    if not EMAIL.exists():
        pytest.skip(f"Eu-core e-mail log not found at {EMAIL}")
    with pytest.raises(ValueError, match="dormant"):
        _quality().email_quality(DATASETS, cuts=[600], sensitivity=False)
