"""A scoped snapshot answers the account's questions exactly as the whole portfolio does.

The app and ``--account`` commands load one account's snapshot (kamgraph/snapshot.py): its
coverage, gaps, access paths and influence must not depend on what was left out.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kamgraph.analysis import access_paths_for, contact_coverage, gaps, influence
from kamgraph.synthetic import generate_portfolio
from kamgraph.ingest.pipeline import import_path
from kamgraph.settings import Settings
from kamgraph.store.sqlite import SQLiteStore


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xs")
    generate_portfolio(folder / "data", "XS", seed=5)
    store = SQLiteStore(f"sqlite:///{folder / 'k.db'}")
    import_path(folder / "data", store)
    whole = store.snapshot()
    yield store, whole
    store.close()


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(as_of="2026-06-30")


def _accounts(whole, n=3):
    """The largest account, a middle one and the smallest (by employed contacts)."""
    emp = whole.employment.merge(whole.people[["id", "side"]], left_on="person_id", right_on="id")
    sizes = emp[emp["side"] == "customer"].groupby("org_id").size().sort_values(kind="mergesort")
    return [sizes.index[-1], sizes.index[len(sizes) // 2], sizes.index[0]][:n]


def _same(a: pd.DataFrame, b: pd.DataFrame, keys):
    a = a.sort_values(keys, kind="mergesort").reset_index(drop=True)
    b = b.sort_values(keys, kind="mergesort").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False, check_exact=False, rtol=1e-9, atol=1e-12)


def test_scoped_snapshot_is_much_smaller_than_the_portfolio(portfolio):
    store, whole = portfolio
    account = _accounts(whole, 1)[0]
    snap = store.snapshot([account])
    assert len(snap.people) < len(whole.people)
    assert len(snap.attendance) < len(whole.attendance)


@pytest.mark.parametrize("which", [0, 1, 2])
def test_coverage_gaps_paths_and_influence_of_an_account_match_the_whole_portfolio(portfolio, settings, which):
    store, whole = portfolio
    account = _accounts(whole)[which]
    snap = store.snapshot([account])

    _same(contact_coverage(snap, settings, accounts=[account]),
          contact_coverage(whole, settings, accounts=[account]), ["account_id", "contact_id"])
    g_scoped = gaps(snap, settings, accounts=[account])
    g_whole = gaps(whole, settings, accounts=[account])
    assert len(g_whole) == len(g_scoped)
    _same(g_scoped, g_whole, ["kind", "account_id", "target_id"])
    _same(influence(snap, settings, [account]), influence(whole, settings, [account]), ["account_id", "person_id"])

    contacts = sorted(set(whole.employment.loc[whole.employment["org_id"] == account, "person_id"])
                      & set(whole.people.loc[whole.people["side"] == "customer", "id"]))
    scoped_paths = access_paths_for(snap, settings, contacts, k=5)
    whole_paths = access_paths_for(whole, settings, contacts, k=5)
    assert len(whole_paths) > 0 or which == 2
    _same(scoped_paths, whole_paths, ["target_id", "rank"])
