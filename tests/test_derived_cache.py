"""The declarative cache (kamgraph.analysis.derived): keys come from declarations, and the
declarations are complete.

For each settings section in turn, the main analyses run on a snapshot already warmed with
the default settings, then with that section changed: every derived table that declares the
section must be rebuilt and no other, and every answer must equal the answer computed on a
fresh snapshot (a table that reads a section it does not declare would hand out a stale
answer and fail here).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from kamgraph.analysis import (access_paths, account_coverage, account_tiers, gaps, influence, key_person_risk,
                               trends, uncovered_decision_maker_paths)
from kamgraph.analysis.derived import REGISTRY, derived
from kamgraph.analysis.visits import plan_visits
from kamgraph.examples import example_portfolio
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

#: one change per settings section (every section of Settings must be listed)
CHANGES = {
    "strength": {"half_life_days": 60.0},
    "trend": {"slope_threshold": 0.05},
    "coverage": {"covered": 0.4},
    "gaps": {"single_thread_share": 0.5},
    "paths": {"top_k": 2},
    "influence": {"damping": 0.7},
    "tiers": {"pareto_share": 0.3},
    "visits": {"capacity": 2},
    "map": {"max_nodes": 50},
    "limits": {"max_rows": 1000},  # import limits: no derived table reads them
}


def changed(settings: Settings, section: str) -> Settings:
    if section == "tier_policy":
        first = dataclasses.replace(settings.tier_policy[0], min_exec_tie=0.3)
        return dataclasses.replace(settings, tier_policy=(first,) + tuple(settings.tier_policy[1:]))
    return settings.replace(**{section: CHANGES[section]})


SECTIONS = sorted(CHANGES) + ["tier_policy"]


def answers(snap: Snapshot, settings: Settings) -> dict:
    """The main entry points' answers (each a frame) on ``snap``."""
    cov = account_coverage(snap, settings)
    target = snap.people.loc[snap.people["side"] == "customer", "id"].iloc[0]
    return {
        "coverage": cov,
        "gaps": gaps(snap, settings),
        "trends": trends(snap, settings),
        "influence": influence(snap, settings),
        "paths": access_paths(snap, settings, target),
        "uncovered": uncovered_decision_maker_paths(snap, settings),
        "tiers": account_tiers(snap, settings),
        "key_person_risk": key_person_risk(snap, settings),
        "visits": plan_visits(snap, settings).visits,
    }


def builds() -> dict[str, int]:
    return {name: t.builds for name, t in REGISTRY.items()}


def built_with() -> dict[str, list]:
    return {name: list(t.built_with) for name, t in REGISTRY.items()}


def test_every_settings_section_is_covered_by_the_test():
    # as_of and language are not sections: the date is an argument, the language a key of localized tables
    assert set(SECTIONS) == {f.name for f in dataclasses.fields(Settings)} - {"as_of", "language"}


@pytest.fixture(scope="module")
def warm():
    snap, settings = example_portfolio()
    first = answers(snap, settings)
    return snap, settings, first


def test_a_second_run_builds_nothing(warm):
    snap, settings, first = warm
    before = builds()
    again = answers(snap, settings)
    assert builds() == before
    for name in first:
        pd.testing.assert_frame_equal(again[name], first[name])


@pytest.mark.slow
@pytest.mark.parametrize("section", SECTIONS)
def test_changing_a_section_rebuilds_exactly_what_declares_it(warm, section):
    snap, settings, _ = warm
    other = changed(settings, section)
    before, seen = builds(), built_with()
    got = answers(snap, other)
    after, now = builds(), built_with()
    # rebuilt: a table built again for arguments it was already built for (new arguments,
    # e.g. the contacts a changed threshold selects, are new tables, not rebuilds)
    rebuilt = {name for name in after if any(args in seen.get(name, []) for args in now[name][len(seen.get(name, [])):])}
    declaring = {name for name, t in REGISTRY.items() if section in t.sections}
    assert rebuilt <= declaring, f"rebuilt without declaring {section}: {sorted(rebuilt - declaring)}"
    # every declaring table the analyses use is rebuilt (tables nothing here calls are exempt)
    used = {name for name in after if after[name] > 0}
    assert declaring & used <= rebuilt
    fresh_snap, _ = example_portfolio()
    fresh = answers(fresh_snap, other)
    for name in fresh:
        pd.testing.assert_frame_equal(got[name], fresh[name], obj=f"{name} after changing [{section}]")


def test_keys_hold_the_resolved_date_and_the_arguments():
    calls = []

    @derived("coverage", dated=True)
    def table(snap, settings, as_of=None, accounts=None):
        calls.append((as_of, accounts))
        return pd.DataFrame({"n": [len(calls)]})

    snap = Snapshot({})
    s = Settings(as_of="2026-03-01")
    table(snap, s)
    table(snap, s, as_of="2026-03-01 15:00")  # the same day: the same table
    table(snap, s, "2026-03-01", ["A"])
    table(snap, s, as_of="2026-03-01", accounts=("A",))  # a list and a tuple of the same ids
    assert calls == [(pd.Timestamp("2026-03-01"), None), (pd.Timestamp("2026-03-01"), ["A"])]
    assert table.is_cached(snap, s, accounts=["A"]) and not table.is_cached(snap, s, accounts=["B"])


def test_frames_are_handed_out_as_copies():
    @derived()
    def frame(snap):
        return pd.DataFrame({"x": [1, 2]})

    snap = Snapshot({})
    first = frame(snap)
    first.loc[0, "x"] = 99
    assert frame(snap)["x"].tolist() == [1, 2]


def test_undeclared_sections_and_missing_parameters_are_refused():
    with pytest.raises(ValueError, match="unknown settings sections"):
        derived("strenght")
    with pytest.raises(TypeError, match="takes no settings"):
        derived("strength")(lambda snap: None)
    with pytest.raises(TypeError, match="takes no as_of"):
        derived(dated=True)(lambda snap, settings: None)
