"""What a walk through the app in a browser found, as AppTest checks (sales leader, executive,
analyst on the sample): each test failed before its fix."""

from __future__ import annotations

import pytest

from tests.test_ui_apptest import app_env, open_page, plain, sample_db  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow


def test_the_trends_warming_and_cooling_lists_name_accounts_not_ids(app_env):  # noqa: F811
    at = open_page("trends")
    lists = [d.value for d in at.dataframe if "at window start" in d.value.columns]
    assert len(lists) == 2  # warming, cooling or dormant
    # for one account, no accounts column (its long name pushed strength and trend off-screen)
    assert not [df for df in lists if "accounts" in df.columns]
    at.button_group(key="tr_mode").set_value("Person").run()
    at.selectbox(key="tr_person").set_value("S-03").run()  # Gu Weiming, on several accounts
    lists = [d.value for d in at.dataframe if "accounts" in d.value.columns and "at window start" in d.value.columns]
    shown = {a for df in lists for a in df["accounts"].dropna()}
    assert shown and not [a for a in shown if a.startswith("A-")], shown


def test_the_account_side_panel_lists_access_paths_whole_and_counts_in_good_english(app_env):  # noqa: F811
    at = open_page("account", {"account": "A-01"})
    # the paths were a table in the narrow side column: its path column was cut off after "Chen Hao"
    assert not [d for d in at.dataframe if "kind" in d.value.columns]
    paths = plain(next(m.value for m in at.markdown if m.value.startswith("1. ")))
    assert "Sun Lihua" in paths and "3. " in paths and "0.67" in paths
    caption = next(c.value for c in at.caption if "relationship line" in c.value)
    assert " 1 connectors" not in caption and "1 connector." in caption, caption
    info = " ".join(i.value for i in at.info)
    assert "1 grey boxes" not in info and "a grey box holds the other 1" in info, info


def test_our_people_are_picked_by_their_own_job_not_the_account_they_cover():
    """The attendee picker said "Gu Weiming — East China Sales Director, Shanghai Lanxin Semiconductor":
    his place on the account's team (newer than his job) read as if he worked at the customer."""
    import pandas as pd

    from kamgraph.ui.format import person_labels

    people = pd.DataFrame({"id": ["S-03"], "name": ["Gu Weiming"], "title": ["East China Sales Director"]})
    jobs = pd.DataFrame({"person_id": ["S-03", "S-03"], "org_id": ["A-01", "O-01"], "title": [None, "Sales Director"],
                         "team_role": ["ar", None], "since": pd.to_datetime(["2024-11-03", "2016-04-10"]),
                         "until": [pd.NaT, pd.NaT]})
    labels = person_labels(people, jobs, {"A-01": "Shanghai Lanxin", "O-01": "Lumenta"})
    assert labels == {"S-03": "Gu Weiming — Sales Director, Lumenta"}


def test_portfolio_says_what_its_tick_column_is(app_env):  # noqa: F811
    at = open_page()
    accounts = next(d.value for d in at.dataframe if "computed tier" in d.value.columns)
    assert "problem account" in accounts.columns and "problem" not in accounts.columns


def test_what_changed_says_an_unchanged_trend_once(app_env):  # noqa: F811
    at = open_page("trends")
    strength = next(d.value for d in at.dataframe if "strength before" in d.value.columns)
    repeated = [t for t in strength["trend"] if " → " in t and len(set(t.split(" → "))) == 1]
    assert not repeated, repeated  # "stable → stable" read as a change
    assert (strength["trend"] == "stable").any()
