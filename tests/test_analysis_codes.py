"""The analyses' integer-code paths (Snapshot.codes) give exactly the answers of their
string paths.

A store's snapshot has its id columns sorted, so the analyses number people and
interactions by :meth:`Snapshot.codes` instead of hashing id strings. A snapshot whose
ids are out of order or dangling takes the string path. Both are run here on the same
generated portfolio, with edge cases (unicode ids, a duplicated attendance row, an
interaction without a date, recorded sizes of trimmed interactions), and must agree to
the last bit and row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamgraph.analysis import gaps, trends, uncovered_decision_maker_paths
from kamgraph.analysis.codes import id_codes, sorted_ids
from kamgraph.analysis.strength import _events, pair_strengths
from kamgraph.schema import normalize_frame
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot
from kamgraph.synthetic import generate

S = Settings().replace(as_of="2026-06-30")


def _rename(frames: dict, mapping: dict) -> dict:
    cols = {"people": ["id"], "attendance": ["person_id"], "ties": ["person_id", "other_id"],
            "employment": ["person_id"], "assessments": ["person_id"], "reports_to": ["person_id", "manager_id"],
            "influence": ["source_id", "target_id"], "memberships": ["person_id"],
            "opportunity_roles": ["person_id"], "accounts": ["owner_id"]}
    out = dict(frames)
    for name, columns in cols.items():
        if name not in out:
            continue
        df = out[name].copy()
        for c in columns:
            if c in df.columns:
                df[c] = df[c].map(lambda v: mapping.get(v, v))
        out[name] = df
    return out


@pytest.fixture(scope="module")
def frames() -> dict:
    raw = generate("XS", seed=5)
    people = sorted(raw["people"]["id"])
    # unicode ids that sort between, before and after the ASCII ones
    mapping = {people[3]: "C\u00e9line-3", people[10]: "\u5f20\u4f1f", people[20]: "0-first"}
    raw = _rename(raw, mapping)
    frames = {name: normalize_frame(name, df) for name, df in raw.items()}
    att = frames["attendance"]
    frames["attendance"] = normalize_frame("attendance", pd.concat([att, att.iloc[[0, 5]]], ignore_index=True))
    inter = frames["interactions"].copy()
    inter.loc[inter.index[7], "date"] = pd.NaT
    frames["interactions"] = inter
    return frames


@pytest.fixture(scope="module")
def snap(frames) -> Snapshot:
    return Snapshot(frames)


def _unsorted(frames: dict) -> Snapshot:
    """The same data with the people and interactions listed in reverse: the string path."""
    return Snapshot({**frames, "people": frames["people"].iloc[::-1].reset_index(drop=True),
                     "interactions": frames["interactions"].iloc[::-1].reset_index(drop=True)})


def test_codes_stand_in_only_for_sorted_ids(snap, frames):
    assert sorted_ids(snap, "people") is not None
    assert id_codes(snap, "attendance", "person_id") is not None
    other = _unsorted(frames)
    assert sorted_ids(other, "people") is None and id_codes(other, "attendance", "person_id") is None
    dangling = Snapshot({**frames, "ties": pd.concat([frames["ties"], frames["ties"].iloc[:1].assign(other_id="nobody")],
                                                     ignore_index=True)})
    assert id_codes(dangling, "ties", "other_id") is None


def test_pair_events_equal_on_both_paths(snap, frames):
    a, b = _events(snap, S), _events(_unsorted(frames), S)
    for f in ("a", "b", "tie_a", "tie_b"):
        assert np.array_equal(a.people[getattr(a, f)], b.people[getattr(b, f)]), f
    for f in ("day", "weight", "size"):
        assert np.array_equal(getattr(a, f), getattr(b, f)), f


def test_strengths_trends_gaps_paths_equal_on_both_paths(snap, frames):
    other = _unsorted(frames)
    pd.testing.assert_frame_equal(pair_strengths(snap, S), pair_strengths(other, S), check_exact=True)
    pd.testing.assert_frame_equal(trends(snap, S), trends(other, S), check_exact=True)
    pd.testing.assert_frame_equal(trends(snap, S, pairs="all"), trends(other, S, pairs="all"), check_exact=True)
    pd.testing.assert_frame_equal(gaps(snap, S), gaps(other, S), check_exact=True)
    pd.testing.assert_frame_equal(uncovered_decision_maker_paths(snap, S, k=3),
                                  uncovered_decision_maker_paths(other, S, k=3), check_exact=True)


def test_recorded_sizes_equal_on_both_paths(frames):
    ids = frames["interactions"]["id"].to_numpy(dtype=object)
    sizes = pd.DataFrame({"interaction_id": np.r_[ids[[2, 9, 40]], ["not-an-interaction"]].astype(object),
                          "size": np.array([30, 2, 7, 50], dtype=np.int64)})
    with_sizes = {**frames, "interaction_sizes": sizes}
    a = pair_strengths(Snapshot(with_sizes), S)
    b = pair_strengths(_unsorted(with_sizes), S)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert not a.equals(pair_strengths(Snapshot(frames), S))  # the sizes were used


@pytest.mark.parametrize("ordered", [True, False])
def test_contact_best_on_codes_equals_contact_best(frames, ordered):
    from kamgraph.analysis.coverage import contact_best, contact_table

    snap = Snapshot(frames) if ordered else _unsorted(frames)
    contacts, pairs, best = contact_table(snap, S)
    assert len(pairs) and best["covered"].any() and best["best_strength"].isna().any()
    pd.testing.assert_frame_equal(best, contact_best(S, contacts, pairs), check_exact=True)
    # some accounts only: contacts the strengths never saw, pairs of other contacts dropped
    some = sorted(snap.accounts["id"])[::3]
    contacts, pairs, best = contact_table(snap, S, accounts=some)
    pd.testing.assert_frame_equal(best, contact_best(S, contacts, pairs), check_exact=True)


@pytest.mark.parametrize("ordered", [True, False])
def test_rhythm_and_prior_on_codes_equal_the_string_versions(frames, ordered):
    from kamgraph.analysis.strength import pair_index
    from kamgraph.analysis.trends import pair_prior, person_rhythm, person_rhythm_codes

    snap = Snapshot(frames) if ordered else _unsorted(frames)
    ix = pair_index(snap, S)
    # the definition: a group-by median over id strings
    st = pair_strengths(snap, S)
    several = st["contact_days"].to_numpy() >= 2
    span = (pd.to_datetime(st["last_interaction"]) - pd.to_datetime(st["first_interaction"])).dt.days.to_numpy()
    gap = span[several] / (st["contact_days"].to_numpy()[several] - 1)
    who = np.concatenate([st["a"].to_numpy(dtype=object)[several], st["b"].to_numpy(dtype=object)[several]])
    by_id = pd.Series(np.concatenate([gap, gap])).groupby(pd.Index(who, dtype=object), sort=True).median()
    pd.testing.assert_series_equal(person_rhythm(snap, S, S.as_of_date()), by_id, check_exact=True,
                                   check_index_type=False, check_names=False)
    by_code = person_rhythm_codes(snap, S, S.as_of_date())
    assert len(by_id) > 20 and (by_id.index.to_series().duplicated().sum() == 0)
    got = pd.Series(by_code, index=ix.people).dropna()
    pd.testing.assert_series_equal(got.sort_index(), by_id.sort_index(), check_names=False, check_exact=True,
                                   check_index_type=False)
    people = ix.people
    rng = np.random.default_rng(1)
    x = np.r_[rng.choice(people, 300), ["nobody"]].astype(object)
    y = np.r_[rng.choice(people, 300), [people[0]]].astype(object)
    p = pd.DataFrame({"person_id": x, "other_id": y})
    a = pair_prior(snap, S, S.as_of_date(), p)
    b = pair_prior(snap, S, S.as_of_date(), p, codes=(ix.codes(x), ix.codes(y)))
    assert np.array_equal(a, b, equal_nan=True) and (~np.isnan(a)).sum() > 100


def test_trends_of_given_pairs_equal_the_default_rows(snap):
    default = trends(snap, S)
    given = default[["other_id", "person_id"]].rename(columns={"other_id": "person_id", "person_id": "other_id"})
    given = pd.concat([given.iloc[::7], pd.DataFrame({"person_id": ["nobody"], "other_id": [default["person_id"][0]]})],
                      ignore_index=True)
    out = trends(snap, S, pairs=given)
    assert out["label"].isna().sum() == 1 and out["person_name"].isna().sum() == 1
    mine = out.iloc[:-1].rename(columns={"person_id": "other_id", "other_id": "person_id",
                                         "person_name": "other_name", "other_name": "person_name"})
    back = default.iloc[::7].reset_index(drop=True)
    for col in ("strength_now", "slope", "label", "n_interactions", "usual_gap_days", "quiet_limit_days",
                "person_name", "other_name"):
        pd.testing.assert_series_equal(mine[col].reset_index(drop=True), back[col], check_exact=True, check_names=False)


def test_first_path_within_level_by_search_equals_the_join():
    from kamgraph.analysis.paths import _first_within_level

    rng = np.random.default_rng(7)
    t = np.sort(rng.integers(0, 40, 600))
    level = rng.choice([1.0, 2.0, 3.0, 4.0, 6.0, np.nan], size=len(t))
    req_t = rng.integers(-1, 45, 400)
    req_max = rng.choice([np.nan, np.inf, -np.inf, 0.0, 1.0, 2.5, 3.0, 5.0, 100.0], size=len(req_t))
    got = _first_within_level(t, level, req_t, req_max)
    want = []
    for r, (tr, m) in enumerate(zip(req_t, req_max)):
        for pos in np.flatnonzero(t == tr):
            if np.nan_to_num(level[pos], nan=np.inf) <= np.nan_to_num(m, nan=np.inf):
                want.append((r, pos))
                break
    assert list(zip(got["request"].tolist(), got["pos"].tolist())) == want
    assert len(want) > 100
    assert _first_within_level(t, level + 0.5, req_t, req_max) is None


@pytest.mark.parametrize("ordered", [True, False])
def test_internal_contact_strengths_equal_the_filtered_concat(frames, ordered):
    from kamgraph.analysis.coverage import PAIR_FIELDS, internal_contact_strengths
    from kamgraph.analysis.people import internal_ids, person_levels

    snap = Snapshot(frames) if ordered else _unsorted(frames)
    s = pair_strengths(snap, S)
    ours = set(internal_ids(snap))
    customers = set(snap.people.loc[snap.people["side"] == "customer", "id"])
    for contacts in (None, sorted(customers)[::5]):
        want_contacts = customers if contacts is None else set(contacts)
        fwd = s[s["a"].isin(ours) & s["b"].isin(want_contacts)].rename(columns={"a": "internal_id", "b": "contact_id"})
        rev = s[s["b"].isin(ours) & s["a"].isin(want_contacts)].rename(columns={"b": "internal_id", "a": "contact_id"})
        want = pd.concat([fwd[PAIR_FIELDS], rev[PAIR_FIELDS]], ignore_index=True)
        want["internal_level"] = want["internal_id"].map(person_levels(snap)).astype(float).to_numpy()
        got = internal_contact_strengths(snap, S, contacts=contacts)
        assert len(got) > 50
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_within_groups_lists_every_pair_in_row_order():
    from kamgraph.analysis.arrays import within_groups

    g = np.sort(np.random.default_rng(2).integers(0, 60, 400))
    want = [(i, j) for i in range(len(g)) for j in range(i + 1, len(g)) if g[i] == g[j]]
    left, right = within_groups(g)
    assert list(zip(left.tolist(), right.tolist())) == want
    assert left.dtype == right.dtype == np.int64


def test_contact_best_on_codes_breaks_ties_like_the_sort():
    from kamgraph.analysis.coverage import contact_best, contact_best_coded

    rng = np.random.default_rng(4)
    people = np.array([f"P{i:03d}" for i in range(60)], dtype=object)
    rows = {(int(i), int(c)) for i, c in zip(rng.integers(0, 20, 900), rng.integers(20, 60, 900))}
    ci = np.array([r[0] for r in rows], dtype=np.int64)
    cc = np.array([r[1] for r in rows], dtype=np.int64)
    n = len(ci)
    pairs = pd.DataFrame({
        "internal_id": people[ci], "contact_id": people[cc],
        "strength": rng.choice([0.1, 0.3, 0.5, 0.7, 0.7000000000000001], size=n),
        "n_interactions": rng.integers(0, 3, n),
        "last_interaction": pd.Series(pd.to_datetime("2026-01-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D")).where(
            rng.random(n) > 0.3),
        "internal_level": rng.choice([1.0, 2.0, 3.0, np.nan], size=n)})
    contacts = pd.DataFrame({"account_id": ["A1"] * 45 + ["A2"] * 5,
                             "contact_id": np.r_[people[15:60], people[20:25]],  # 15..19: no pairs
                             "level": rng.choice([1.0, 2.0, 5.0, np.nan], size=50)})
    want = contact_best(S, contacts, pairs)
    got = contact_best_coded(S, contacts, pairs, ci, cc, people)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert want["second_strength"].gt(0).sum() > 20 and want["best_strength"].isna().sum() == 5
