"""What a walk through the app in a browser found, as AppTest checks (sales leader, executive,
analyst on the sample): each test failed before its fix."""

from __future__ import annotations

import pytest

from tests.test_ui_apptest import app_env, open_page, sample_db  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow


def test_the_trends_warming_and_cooling_lists_name_accounts_not_ids(app_env):  # noqa: F811
    at = open_page("trends")
    lists = [d.value for d in at.dataframe if "accounts" in d.value.columns and "at window start" in d.value.columns]
    assert len(lists) == 2  # warming, cooling or dormant
    shown = {a for df in lists for a in df["accounts"].dropna()}
    assert shown and all(a.startswith("Shanghai Lanxin Semiconductor") for a in shown), shown
