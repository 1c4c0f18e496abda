"""Access paths on small hand-built graphs with hand-computed scores and ranking.

Ties carry a declared strength k and no ``assessed_on``, so strength(a, b) = (k - 0.5) / 5
exactly (no decay, no interactions: 1 -> 0.1, 2 -> 0.3, 3 -> 0.5, 4 -> 0.7, 5 -> 0.9), and
every score below is a product of those numbers
and the default kind factors (friend/relative 1.0, classmate 0.9, colleague 0.8,
business 0.7, other 0.5, association 0.3).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from click.testing import CliRunner

from analysis_fixtures import build_snapshot, contact, internal, meeting
from kamgraph.analysis.access import access_index
from kamgraph.analysis.paths import (
    PATH_COLUMNS,
    access_paths,
    access_paths_for,
    uncovered_decision_maker_paths,
)
from kamgraph.cli import main
from kamgraph.errors import ConfigError, NotFound
from kamgraph.settings import Settings

AS_OF = "2025-06-30"
S = Settings(as_of=AS_OF)


def tie(a, b, kind, strength, **extra):
    return {"person_id": a, "other_id": b, "kind": kind, "strength": strength, **extra}


def acme_rows() -> dict:
    """Target Chen Jie (t), CFO and decision-maker of Acme, and every kind of way in.

    - u1 Li Wei (our CEO) -friend 5- x1 Zhang Min -classmate 4 (EMBA 2012)- t: 0.9*0.7*0.9 = 0.567
    - u2 Mo -friend 3- x2 -business 5 and relative 2- t: strength max(0.9, 0.3) = 0.9,
      factor best(0.7, 1.0) = 1.0: 0.5*0.9*1.0 = 0.45
    - u3 Ada and t are both members of O1: 0.3
    - u3 -friend 4- c2 (Acme colleague of t) -business 2- t: colleague 0.8 beats
      business 0.7: 0.7*0.3*0.8 = 0.168
    - u2 -business 1- t directly: 0.1
    - u1 -friend 5- u2: an internal person is never an intermediary (no u1 -> u2 -> t)
    - c3 (another account) -former_colleague 3- t, but nobody on our side knows c3
    """
    return dict(
        accounts=[{"id": "A1", "name": "Acme"}, {"id": "A2", "name": "Beta"}],
        organizations=[{"id": "O1", "name": "Auto Association", "kind": "association"}],
        people=[
            internal("u1", 1, "Li Wei", title="CEO"),
            internal("u2", 3, "Mo", title="Sales Director"),
            internal("u3", 4, "Ada", title="Account Manager"),
            {"id": "x1", "name": "Zhang Min", "side": "external"},
            {"id": "x2", "name": "Wang Fang", "side": "external"},
            contact("t", "A1", 2, "decision_maker", "Chen Jie", title="CFO"),
            contact("c2", "A1", 4, "coach", "Dana", title="Buyer"),
            contact("c3", "A2", 3, None, "Bo"),
        ],
        ties=[
            tie("u1", "x1", "friend", 5),
            tie("x1", "t", "classmate", 4, notes="EMBA 2012"),
            tie("u2", "x2", "friend", 3),
            tie("x2", "t", "business", 5),
            tie("x2", "t", "relative", 2),
            tie("u3", "c2", "friend", 4),
            tie("c2", "t", "business", 2),
            tie("u2", "t", "business", 1),
            tie("u1", "u2", "friend", 5),
            tie("c3", "t", "former_colleague", 3),
        ],
        memberships=[{"person_id": "u3", "org_id": "O1"}, {"person_id": "t", "org_id": "O1"}],
    )


@pytest.fixture()
def acme():
    return build_snapshot(**acme_rows())


def test_columns_and_full_ranking(acme):
    df = access_paths(acme, S, "t", k=10)
    assert list(df.columns) == PATH_COLUMNS
    got = list(zip(df["rank"], df["kind"], df["internal_id"], df["via_id"], df["via_kind"]))
    assert got == [
        (1, "person", "u1", "x1", "classmate"),
        (2, "person", "u2", "x2", "relative"),
        (3, "organization", "u3", "O1", "association"),
        (4, "person", "u3", "c2", "colleague"),
        (5, "direct", "u2", None, None),
    ]
    assert df["score"].tolist() == pytest.approx([0.567, 0.45, 0.3, 0.168, 0.1], abs=1e-12)
    assert df["factor"].tolist() == pytest.approx([0.9, 1.0, 0.3, 0.8, 1.0])
    assert df["first_strength"].tolist()[:2] == pytest.approx([0.9, 0.5])
    assert df["second_strength"].tolist()[:2] == pytest.approx([0.7, 0.9])
    assert math.isnan(df["first_strength"][2]) and math.isnan(df["second_strength"][2])
    assert df["internal_level"].tolist() == [1, 3, 4, 4, 3]
    assert set(df["target_id"]) == {"t"}


def test_one_line_explanations(acme):
    df = access_paths(acme, S, "t", k=10)
    assert df["explanation"].tolist() == [
        "Li Wei (our CEO) → Zhang Min, classmate (EMBA 2012) → Chen Jie, CFO of Acme: 0.57",
        "Mo (our Sales Director) → Wang Fang, relative → Chen Jie, CFO of Acme: 0.45",
        "Ada (our Account Manager) → Auto Association (shared membership) → Chen Jie, CFO of Acme: 0.30",
        "Ada (our Account Manager) → Dana, colleague → Chen Jie, CFO of Acme: 0.17",
        "Mo (our Sales Director) → Chen Jie, CFO of Acme (direct): 0.10",
    ]


def test_internal_person_is_never_an_intermediary_and_target_never_via(acme):
    df = access_paths(acme, S, "t", k=50)
    internal_ids = {"u1", "u2", "u3"}
    assert not set(df["via_id"].dropna()) & internal_ids
    assert (df["via_id"] != df["target_id"]).all()
    # the same holds for every other target of the snapshot
    every = access_paths_for(acme, S, ["t", "c2", "c3", "x1", "x2"], k=50)
    assert not set(every["via_id"].dropna()) & internal_ids
    assert (every["via_id"] != every["target_id"]).all()
    assert set(every["internal_id"]) <= internal_ids


def test_unreached_intermediary_gives_no_path(acme):
    # c3 knows the target but nobody on our side knows c3
    df = access_paths(acme, S, "t", k=50)
    assert "c3" not in set(df["via_id"].dropna())
    # and c3 itself is reachable only through t (u2 -business 1-> t -former_colleague 3-> c3):
    # 0.1 * 0.5 * 0.8 = 0.04
    c3 = access_paths(acme, S, "c3", k=50)
    assert c3[["internal_id", "via_id", "via_kind"]].values.tolist() == [["u2", "t", "former_colleague"]]
    assert c3["score"].tolist() == pytest.approx([0.1 * 0.5 * 0.8])


def test_k_limits_paths_per_target(acme):
    assert len(access_paths(acme, S, "t")) == S.paths.top_k == 3
    two = access_paths(acme, S, "t", k=2)
    assert two["via_id"].tolist() == ["x1", "x2"]
    one = access_paths(acme, S.replace(paths={"top_k": 1}), "t")
    assert one["via_id"].tolist() == ["x1"]
    with pytest.raises(ConfigError):
        access_paths(acme, S, "t", k=0)


def test_kind_factors_come_from_settings(acme):
    s = S.replace(paths={"kind_factors": {"association": 0.9}})
    df = access_paths(acme, s, "t", k=1)
    assert df["kind"].tolist() == ["organization"] and df["score"].tolist() == pytest.approx([0.9])


def test_colleague_only_while_employed():
    rows = acme_rows()
    rows["people"] = [dict(p, until="2025-01-31") if p["id"] == "c2" else p for p in rows["people"]]
    snap = build_snapshot(**rows)
    df = access_paths(snap, S, "t", k=10)
    via_c2 = df[df["via_id"] == "c2"]
    # c2 left Acme before the analysis date: the business tie (factor 0.7) is all that is left
    assert via_c2["via_kind"].tolist() == ["business"]
    assert via_c2["score"].tolist() == pytest.approx([0.7 * 0.3 * 0.7])
    # while still employed (an earlier date) the coach factor applies
    early = access_paths(snap, S, "t", as_of="2025-01-15", k=10)
    assert early.loc[early["via_id"] == "c2", "via_kind"].tolist() == ["colleague"]


def test_membership_counts_from_its_start_date():
    rows = acme_rows()
    rows["memberships"] = [{"person_id": "u3", "org_id": "O1", "since": "2025-07-01"},
                           {"person_id": "t", "org_id": "O1"}]
    snap = build_snapshot(**rows)
    assert "organization" not in set(access_paths(snap, S, "t", k=10)["kind"])
    later = access_paths(snap, S, "t", as_of="2025-07-01", k=10)
    assert later["kind"].tolist().count("organization") == 1


def test_interaction_only_link_uses_the_other_factor():
    # x met t in one meeting on the as-of date: evidence 2 -> strength 1 - 2/(2 + 2) = 0.5
    snap = build_snapshot(
        accounts=[{"id": "A1", "name": "Acme"}],
        people=[internal("u", 2, "Us"), {"id": "x", "name": "X", "side": "external"},
                contact("t", "A1", 1, "decision_maker", "T")],
        ties=[tie("u", "x", "friend", 5)],
        interactions=[meeting("i1", AS_OF, "x", "t")],
    )
    df = access_paths(snap, S, "t")
    s_xt = 1 - 2 / (2 + 2)
    assert df["via_kind"].tolist() == ["other"]
    assert df["score"].tolist() == pytest.approx([0.9 * s_xt * 0.5], abs=1e-12)
    assert df["score"].tolist() == pytest.approx([0.225], abs=1e-12)  # friend 5: 0.9 x 0.5 x other 0.5
    assert df["explanation"][0] == "Us (our VP / GM) → X, acquaintance → T of Acme: 0.23"


def test_direct_strength_from_interactions():
    # a visit on the as-of date: evidence 3, strength 1 - 2/(2 + 3) = 0.6
    snap = build_snapshot(
        accounts=[{"id": "A1", "name": "Acme"}],
        people=[internal("u", 1, "Us"), contact("t", "A1", 1, "decision_maker", "T")],
        interactions=[meeting("i1", AS_OF, "u", "t", kind="visit"), meeting("i2", "2025-07-01", "u", "t")],
    )
    df = access_paths(snap, S, "t")
    assert df["kind"].tolist() == ["direct"]
    assert df["score"].tolist() == pytest.approx([1 - 2 / (2 + 3)], abs=1e-12)  # i2 is after as_of
    assert df["score"].tolist() == pytest.approx([0.6], abs=1e-12)


def test_ties_broken_by_internal_id_then_via_id():
    # six paths of exactly equal score 0.25 (binary fractions, so equal to the last bit):
    # through xa or xb, friend 3 twice: 0.5 * 0.5 * 1.0; direct, a friend 3 assessed a year
    # before the date: 0.5 * 2^(-365/365) = 0.25
    year_before = "2024-06-30"
    snap = build_snapshot(
        accounts=[{"id": "A1", "name": "Acme"}],
        people=[internal("ub", 2), internal("ua", 2), {"id": "xb", "name": "xb", "side": "external"},
                {"id": "xa", "name": "xa", "side": "external"}, contact("t", "A1", 1, "decision_maker")],
        ties=[tie("ub", "xb", "friend", 3), tie("ub", "xa", "friend", 3),
              tie("ua", "xb", "friend", 3), tie("ua", "xa", "friend", 3),
              tie("xa", "t", "friend", 3), tie("xb", "t", "friend", 3),
              tie("ua", "t", "friend", 3, assessed_on=year_before),
              tie("ub", "t", "friend", 3, assessed_on=year_before)],
    )
    assert (pd.Timestamp(AS_OF) - pd.Timestamp(year_before)).days == 365
    df = access_paths(snap, S, "t", k=10)
    assert df["score"].tolist() == [0.25] * 6
    assert list(zip(df["internal_id"], df["via_id"])) == [
        ("ua", None), ("ua", "xa"), ("ua", "xb"), ("ub", None), ("ub", "xa"), ("ub", "xb")]
    # the same answer whatever the input order
    rows_rev = dict(
        accounts=[{"id": "A1", "name": "Acme"}],
        people=list(reversed([internal("ub", 2), internal("ua", 2), {"id": "xb", "name": "xb", "side": "external"},
                              {"id": "xa", "name": "xa", "side": "external"},
                              contact("t", "A1", 1, "decision_maker")])),
        ties=list(reversed(snap.ties.to_dict("records"))),
    )
    again = access_paths(build_snapshot(**rows_rev), S, "t", k=10)
    pd.testing.assert_frame_equal(df, again)


def test_many_targets_equal_one_at_a_time(acme):
    many = access_paths_for(acme, S, ["t", "c2", "c3", "nobody"], k=3)
    one_by_one = pd.concat([access_paths(acme, S, p, k=3) for p in ["c2", "c3", "t"]], ignore_index=True)
    pd.testing.assert_frame_equal(many, one_by_one)


def test_unknown_target_and_unreachable_target(acme):
    with pytest.raises(NotFound):
        access_paths(acme, S, "nobody")
    alone = build_snapshot(accounts=[{"id": "A1", "name": "Acme"}],
                           people=[internal("u", 1), contact("t", "A1", 1, "decision_maker")])
    df = access_paths(alone, S, "t")
    assert df.empty and list(df.columns) == PATH_COLUMNS


def test_index_is_built_once_per_snapshot_and_date(acme):
    assert access_index(acme, S) is access_index(acme, S)
    assert access_index(acme, S, "2025-01-01") is not access_index(acme, S)


def uncovered_rows() -> dict:
    rows = acme_rows()
    rows["accounts"].append({"id": "A3", "name": "Gamma"})
    rows["people"] += [
        contact("d2", "A2", 1, "decision_maker", "Covered DM"),
        contact("d3", "A3", 1, "decision_maker", "Gone DM", until="2025-03-31"),
    ]
    rows["ties"] += [tie("u1", "d2", "friend", 3), tie("u1", "d3", "friend", 1)]
    return rows


def test_uncovered_decision_makers():
    snap = build_snapshot(**uncovered_rows())
    df = uncovered_decision_maker_paths(snap, S)
    # t: best direct 0.1 < 0.5 -> paths; d2: best direct (friend 3) 0.5 -> covered at >= 0.5;
    # d3 left A3 -> not a DM now
    assert set(df["target_id"]) == {"t"}
    assert df["account_id"].tolist() == ["A1"] * 3
    assert df["best_direct"].tolist() == pytest.approx([0.1] * 3)
    assert df["via_id"].tolist() == ["x1", "x2", "O1"]
    # covered threshold from settings: at 0.7, d2 (0.5) is uncovered too
    more = uncovered_decision_maker_paths(snap, S.replace(coverage={"covered": 0.7}), k=1)
    assert more[["account_id", "target_id", "kind"]].values.tolist() == [["A1", "t", "person"],
                                                                         ["A2", "d2", "direct"]]
    only = uncovered_decision_maker_paths(snap, S.replace(coverage={"covered": 0.7}), accounts=["A2"])
    assert set(only["target_id"]) == {"d2"}
    # before d3 left, they were an uncovered decision-maker of A3 (direct, friend 1: 0.1)
    early = uncovered_decision_maker_paths(snap, S, as_of="2025-03-01")
    assert set(early["target_id"]) == {"t", "d3"}


def test_decision_maker_none_of_us_knows_is_uncovered_with_no_strength():
    rows = acme_rows()
    rows["accounts"].append({"id": "A4", "name": "Delta"})
    rows["people"].append(contact("d4", "A4", 1, "decision_maker", "Never Met"))
    rows["ties"].append(tie("x1", "d4", "friend", 5))
    df = uncovered_decision_maker_paths(build_snapshot(**rows), S, accounts=["A4"])
    # never interacted with any of us: best_direct is absent (NaN), not 0 -- and uncovered
    assert df[["target_id", "internal_id", "via_id"]].values.tolist() == [["d4", "u1", "x1"]]
    # u1 -friend 5- x1 -friend 5- d4: 0.9 * 0.9 * 1.0 = 0.81
    assert df["best_direct"].isna().all() and df["score"].tolist() == pytest.approx([0.81])


# -- CLI ------------------------------------------------------------------------------------

@pytest.fixture()
def store_url(tmp_path):
    from kamgraph.store.sqlite import SQLiteStore

    url = f"sqlite:///{tmp_path / 'kg.db'}"
    snap = build_snapshot(**uncovered_rows())
    with SQLiteStore(url) as store:
        store.write({name: frame for name, frame in snap.frames.items() if len(frame)})
    return url


def run(store_url, *args):
    return CliRunner().invoke(main, ["--store", store_url, "--as-of", AS_OF, *args])


def test_cli_paths_to(store_url, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # the table on a wide terminal: cells unwrapped ("through a person" is wider than "person")
    res = run(store_url, "paths", "--to", "t", "-k", "2", "--format", "csv")
    assert res.exit_code == 0, res.output
    from io import StringIO

    df = pd.read_csv(StringIO(res.output))
    assert df["via_id"].tolist() == ["x1", "x2"]
    assert df["score"].tolist() == pytest.approx([0.567, 0.45])
    table = run(store_url, "paths", "--to", "t")
    assert table.exit_code == 0 and "Zhang Min" in table.output


def test_cli_paths_uncovered_json(store_url):
    import json

    res = run(store_url, "paths", "--uncovered", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert {r["target_id"] for r in rows} == {"t"} and len(rows) == 3
    res = run(store_url, "paths", "--uncovered", "--account", "A2", "--format", "json")
    assert json.loads(res.stdout) == []  # the reason it is empty goes to standard error
    assert "no path to an uncovered decision-maker" in res.stderr


def test_cli_paths_errors(store_url):
    assert run(store_url, "paths").exit_code == 2
    assert run(store_url, "paths", "--to", "t", "--uncovered").exit_code == 2
    res = run(store_url, "paths", "--to", "nobody")
    assert res.exit_code == 1 and "nobody" in res.output
