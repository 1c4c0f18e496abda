"""The Account page's map focus, the ``contact`` query parameter and the political history,
through ``streamlit.testing.v1.AppTest`` on the sample portfolio (data/sample, as of 2026-11-15).

Story (a) of data/sample/README.md: at A-01 the decision-maker C-001 Zhou Jianguo is
uncovered; the best way in is S-01 Chen Hao → X-01 Sun Lihua (EMBA classmates). At A-03 the
procurement director C-042 turned from supporter to skeptic on 2026-06-18 ("a competitor quoted
18% below us").
"""

from __future__ import annotations

import re

import pytest
import test_ui_apptest as base
from test_ui_apptest import DIAMOND, map_counts, open_page, plain

pytestmark = pytest.mark.slow

# the sample store and settings, as test_ui_apptest builds them
sample_db = base.sample_db
app_env = base.app_env

SKEPTIC = "C-042"  # A-03's procurement director, supporter -> skeptic on 2026-06-18
GOLD = "A-03"


def history_lines(at) -> list[str]:
    """The political history lines (side panel and card) as displayed."""
    return [plain(m.value) for m in at.markdown if re.search(r"\*\*\d{4}-\d{2}-\d{2}\*\* — ", m.value)]


def test_the_contact_query_param_opens_the_card_and_its_political_history(app_env):
    at = open_page("account", {"account": GOLD, "contact": SKEPTIC})
    assert at.selectbox(key=f"acc_person_{GOLD}").value == SKEPTIC
    assert at.query_params.get("person") == [SKEPTIC] or at.query_params.get("person") == SKEPTIC
    lines = history_lines(at)
    assert lines, "no political history shown"
    # side panel and card: the newest first, the turn to skeptic with its source and assessor
    turn = next(line for line in lines if "2026-06-18" in line)
    assert "supporter → skeptic" in turn
    assert "a competitor quoted 18% below us" in turn and "assessed by" in turn
    assert any("2025-05-23" in line and "procurement · supporter · influence 3/5" in line for line in lines)
    assert any("Political history" in s.value for s in at.subheader)
    assert all("None" not in line for line in lines)


def test_person_is_still_accepted_and_contact_wins_when_both_are_given(app_env):
    at = open_page("account", {"account": DIAMOND, "person": "C-002"})
    assert at.selectbox(key=f"acc_person_{DIAMOND}").value == "C-002"
    both = open_page("account", {"account": DIAMOND, "person": "C-002", "contact": "C-001"})
    assert both.selectbox(key=f"acc_person_{DIAMOND}").value == "C-001"


def test_the_map_focus_selector(app_env):
    at = open_page("account", {"account": DIAMOND, "contact": "C-001"})
    focus = at.button_group(key="acc_focus")
    assert focus.value == "buying_center"
    people_bc, lines_bc = map_counts(at)
    # the default view already shows the way to the uncovered chairman: Chen Hao → Sun Lihua
    assert lines_bc > 0

    at.button_group(key="acc_focus").set_value("contact").run()
    assert at.selectbox(key=f"acc_focus_contact_{DIAMOND}").value == "C-001"  # the open card's contact
    people_c, lines_c = map_counts(at)
    assert lines_c < lines_bc and people_c <= people_bc
    at.selectbox(key=f"acc_focus_contact_{DIAMOND}").set_value("C-002").run()
    _, lines_gm = map_counts(at)
    assert lines_gm != lines_c
    # the side panel follows the focused contact
    assert any("Wu Haiyan" in plain(c.value) and "assessed over time" in c.value for c in at.caption)

    at.button_group(key="acc_focus").set_value("ours").run()
    ours = at.selectbox(key=f"acc_focus_ours_{DIAMOND}")
    assert ours.value == "S-03"  # the account's owner first
    ours.set_value("S-01").run()
    people_ceo, lines_ceo = map_counts(at)
    assert lines_ceo >= 1 and people_ceo < people_bc
    assert not at.exception


def test_a_link_arriving_in_a_running_session_opens_its_account_and_contact(app_env):
    at = open_page("account", {"account": DIAMOND, "contact": "C-001"})
    assert at.selectbox(key=f"acc_person_{DIAMOND}").value == "C-001"
    at.selectbox(key=f"acc_person_{DIAMOND}").set_value("C-003").run()  # the user picks someone else
    assert at.selectbox(key=f"acc_person_{DIAMOND}").value == "C-003"
    # then follows a portfolio link to another contact, and to another account, in the same session
    at.query_params["contact"] = "C-002"
    at.run()
    assert at.selectbox(key=f"acc_person_{DIAMOND}").value == "C-002"
    at.query_params["account"] = GOLD
    at.query_params["contact"] = SKEPTIC
    at.run()
    assert at.selectbox(key="acc_account").value == GOLD
    assert at.selectbox(key=f"acc_person_{GOLD}").value == SKEPTIC
    assert not at.exception
