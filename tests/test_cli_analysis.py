"""The analysis verbs (coverage, gaps, trends, what-if) on a small SQLite store."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from analysis_fixtures import build_snapshot, contact, internal, meeting
from click.testing import CliRunner

from kamgraph.cli import main
from kamgraph.store.sqlite import SQLiteStore


@pytest.fixture()
def store_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    snap = build_snapshot(
        accounts=[{"id": "A1", "name": "Acme", "tier": "gold"}, {"id": "B1", "name": "Beta"}],
        people=[internal("u1", 2, "Li Wei", org_id="A1", team_role="ar"), internal("u2", 4, "Mo Yan"),
                contact("c1", "A1", 1, "decision_maker", "Chen Jie"), contact("c2", "A1", 2, "approver", "Dana"),
                contact("b1", "B1", 1, "decision_maker", "Bo")],
        ties=[{"person_id": "u1", "other_id": "c2", "kind": "friend", "strength": 5}],
        interactions=[meeting("i1", "2025-06-01", "u2", "c1", kind="meal"),
                      meeting("i2", "2025-01-01", "u1", "b1", kind="visit")],
    )
    store = SQLiteStore(url)
    store.init()
    store.write(dict(snap.frames))
    store.close()
    return url


def invoke(store_url, *args):
    result = CliRunner().invoke(main, ["--store", store_url, "--as-of", "2025-07-01", *args])
    return result


def test_coverage_per_account_as_csv(store_url):
    r = invoke(store_url, "coverage", "--format", "csv")
    assert r.exit_code == 0, r.output
    df = pd.read_csv(io.StringIO(r.output)).set_index("account_id")
    # A1: c1 (DM, w3) best = Mo Yan's meal 30 days ago, 1 - 2 / (2 + 2.5 * 2^(-30/90)) = 0.4980
    # (just under the 0.5 line), c2 (approver, w2) friend 5 -> 1.0
    meal = 1 - 2 / (2 + 2.5 * 2 ** (-30 / 90))
    assert meal == pytest.approx(0.4980, abs=1e-4)
    assert df.loc["A1", "coverage_score"] == pytest.approx((3 * meal / 0.5 + 2) / 5, abs=1e-9)
    assert df.loc["B1", "buying_center"] == 1


def test_coverage_contacts_for_one_account(store_url):
    r = invoke(store_url, "coverage", "--account", "A1", "--contacts", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert sorted(x["contact_id"] for x in rows) == ["c1", "c2"]
    c2 = next(x for x in rows if x["contact_id"] == "c2")
    assert c2["best_internal_id"] == "u1" and c2["covered"] is True


def test_coverage_table_is_readable(store_url):
    r = invoke(store_url, "coverage")
    assert r.exit_code == 0 and "Acme" in r.output and "Coverage on 2025-07-01" in r.output


def test_gaps_filtered_by_kind(store_url):
    r = invoke(store_url, "gaps", "--kind", "uncovered_decision_maker", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert {(x["account_id"], x["target_id"]) for x in rows} == {("A1", "c1"), ("B1", "b1")}
    assert all(x["kind"] == "uncovered_decision_maker" for x in rows)


def test_gaps_unknown_kind_is_a_usage_error(store_url):
    r = invoke(store_url, "gaps", "--kind", "bogus")
    assert r.exit_code == 2 and "unknown kind bogus" in r.output


def test_gaps_unknown_account_is_one_clear_line(store_url):
    r = invoke(store_url, "gaps", "--account", "nope")
    assert r.exit_code == 1 and "no account with id 'nope'" in r.output


def test_trends_label_filter_and_as_of(store_url):
    r = invoke(store_url, "trends", "--label", "new", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [(x["person_id"], x["other_id"]) for x in rows] == [("u2", "c1")]  # first met 30 days ago
    dormant = json.loads(invoke(store_url, "trends", "--label", "dormant", "--format", "json").output)
    # the history starts with the visit to b1, 181 days ago; no pair met on two days, so every
    # pair is quiet after the 180-day cap: u1-b1 (181 days since the visit) and u1-c2 (a
    # friend never met in the 181 days of history) are dormant
    assert [(x["person_id"], x["other_id"]) for x in dormant] == [("u1", "b1"), ("u1", "c2")]


def test_trends_since_lists_changes(store_url):
    r = invoke(store_url, "trends", "--since", "2025-05-01", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert any(x["other_id"] == "c1" and x["after"] == "new" for x in rows)


def test_what_if_without_an_internal_person(store_url):
    r = invoke(store_url, "what-if", "--without", "u1", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = {x["account_id"]: x for x in json.loads(r.output)}
    assert set(rows) == {"A1", "B1"}  # both change: u1 covers c2 and visited b1
    assert rows["A1"]["coverage_score_after"] < rows["A1"]["coverage_score_before"]
    assert rows["A1"]["missing_team_roles_after"] == "ar,sr,fr,executive_sponsor"


def test_what_if_without_a_contact_and_unknown_ids(store_url):
    r = invoke(store_url, "what-if", "--without", "b1", "--format", "json")
    assert r.exit_code == 0, r.output
    assert [x["account_id"] for x in json.loads(r.output)] == ["B1"]
    r = invoke(store_url, "what-if", "--without", "zz")
    assert r.exit_code == 1 and "no person with id 'zz'" in r.output
