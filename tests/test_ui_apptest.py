"""The Streamlit app through ``streamlit.testing.v1.AppTest``: every page, and widgets change what is shown.

The app runs exactly as ``streamlit run app.py`` would (``st.navigation`` and all), against a
temporary SQLite store holding the sample portfolio (data/sample, as of 2026-11-15; its
stories are in data/sample/README.md). Pages are reached with ``AppTest.switch_page``.
Analyses are cached per store URL and data version, so after the first run of a page the
others reuse them; tests that write get a copy of the store of their own.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from sample_stores import copy_store, plain
from streamlit.testing.v1 import AppTest

from kamgraph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
SAMPLE = ROOT / "data" / "sample"
SAMPLE_SETTINGS = SAMPLE / "kamgraph.toml"
TIMEOUT = 240  # seconds: a page's first run computes its analyses on a busy 2-core machine

DIAMOND = "A-01"  # Shanghai Lanxin Semiconductor, story (a) of data/sample/README.md
DECISION_MAKER = "Zhou Jianguo 周建国"  # its decision-maker, whom none of our executives knows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_db(sample_db_file) -> Path:
    """The sample store, imported once per run (conftest.py); read-only here."""
    return sample_db_file


@pytest.fixture
def app_env(monkeypatch, sample_db):
    """The shared (read-only) sample store and the sample's settings."""
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{sample_db}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SAMPLE_SETTINGS))
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    return sample_db


@pytest.fixture
def own_store(monkeypatch, sample_db, tmp_path) -> str:
    """A private copy of the sample store, for tests that write."""
    db = tmp_path / "copy.db"
    copy_store(sample_db, db)
    url = f"sqlite:///{db}"
    monkeypatch.setenv("KAMGRAPH_STORE", url)
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SAMPLE_SETTINGS))
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    return url


def open_page(page: str | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    if page:
        if query:
            at.query_params.update(query)
        at.switch_page(f"kamgraph/ui/pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def map_counts(at: AppTest) -> tuple[int, int]:
    """(people, relationship lines) from the caption under the Account page's map."""
    text = next(c.value for c in at.caption if "relationship line" in c.value)
    found = re.match(r"(\d+) (?:people|person) · (\d+) relationship lines?", text)
    return int(found.group(1)), int(found.group(2))


# -- Portfolio ---------------------------------------------------------------------------------

def test_portfolio_shows_every_account_and_the_tier_filter_narrows_it(app_env):
    at = open_page()
    assert at.title[0].value == "Portfolio"
    assert metric(at, "Accounts") == "12"
    all_gaps = int(metric(at, "Open gaps"))
    assert any("72% of the portfolio's revenue" in c.value for c in at.caption)  # 71.8%, README

    at.multiselect(key="pf_tier").set_value(["diamond"]).run()
    assert metric(at, "Accounts") == "3"
    assert 0 < int(metric(at, "Open gaps")) < all_gaps
    accounts = at.dataframe[0].value
    assert set(accounts["tier"]) == {"diamond"}
    assert len(accounts) == 3

    at.multiselect(key="pf_region").set_value(["Europe"]).run()
    assert metric(at, "Accounts") == "1"  # Bayern Präzisionswerke, the only European diamond
    assert list(at.dataframe[0].value["account"]) == ["Bayern Präzisionswerke GmbH"]


# -- Account -----------------------------------------------------------------------------------

def test_account_page_opens_the_top_account_and_its_gaps_name_the_missing_executive_tie(app_env):
    at = open_page("account")
    assert at.selectbox(key="acc_account").value == DIAMOND
    assert plain(at.header[0].value).startswith("Shanghai Lanxin Semiconductor")
    gaps = [plain(m.value) for m in at.markdown if "**" in m.value and "—" in m.value]
    tier_gap = next(g for g in gaps if "tier policy" in g)
    assert DECISION_MAKER in tier_gap
    assert "requires a tie of at least 0.60 from our level-1-or-above people" in tier_gap
    assert "none of them has any tie" in tier_gap
    assert any("uncovered decision maker" in g and DECISION_MAKER in g for g in gaps)
    # the access path beside it goes through the CEO's EMBA classmate
    paths = plain(next(m.value for m in at.markdown if m.value.startswith("1. ")))  # a numbered list
    assert "Sun Lihua" in paths.splitlines()[0]


def test_raising_the_minimum_strength_removes_relationship_lines(app_env):
    at = open_page("account")
    people, lines = map_counts(at)
    assert at.slider(key="acc_min_strength").value == pytest.approx(0.2)

    at.slider(key="acc_min_strength").set_value(0.6).run()
    people_06, lines_06 = map_counts(at)
    assert lines_06 < lines
    assert people_06 <= people

    at.slider(key="acc_min_strength").set_value(0.0).run()
    people_0, lines_0 = map_counts(at)
    assert lines_0 > lines and people_0 >= people


def test_role_filter_and_external_toggle_change_the_map(app_env):
    at = open_page("account")
    people, lines = map_counts(at)
    at.toggle(key="acc_external").set_value(False).run()
    people_no_ext, _ = map_counts(at)
    assert people_no_ext < people
    at.multiselect(key="acc_roles").set_value(["decision_maker"]).run()
    people_dm, lines_dm = map_counts(at)
    assert people_dm < people_no_ext and lines_dm < lines


def test_person_card_from_the_query_string(app_env):
    at = open_page("account", {"account": DIAMOND, "person": "C-001"})
    assert at.selectbox(key=f"acc_person_{DIAMOND}").value == "C-001"
    card = [plain(m.value) for m in at.markdown]
    assert f"### {DECISION_MAKER}" in card
    assert any(c.startswith("**Role** decision maker · **Attitude** neutral · **Influence** 5/5") for c in card)


def test_a_large_account_is_drawn_with_folded_branches_instead_of_refused(app_env, monkeypatch, tmp_path):
    # map.max_nodes no longer refuses a map (issue 14): the org chart folds branches instead
    config = tmp_path / "kamgraph.toml"
    config.write_text(SAMPLE_SETTINGS.read_text(encoding="utf-8") + "\n[map]\nmax_nodes = 5\n", encoding="utf-8")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(config))
    at = open_page("account")
    assert not at.warning
    people, _ = map_counts(at)
    assert people > 5


# -- Paths -------------------------------------------------------------------------------------

def test_paths_search_and_ranked_paths(app_env):
    at = open_page("paths")
    at.text_input(key="paths_query").input("Zhou Jianguo").run()
    assert at.selectbox(key="paths_target").value == "C-001"
    ranked = [plain(m.value) for m in at.markdown if m.value.startswith("**")]
    assert ranked[0].startswith("**1.** score **0.67** · person")  # README story (a): 0.6694
    assert "Sun Lihua 孙丽华, classmate" in ranked[0]

    at.number_input(key="paths_k").set_value(1).run()
    assert len([m for m in at.markdown if m.value.startswith("**")]) == 1


def test_paths_search_with_no_match(app_env):
    at = open_page("paths")
    at.text_input(key="paths_query").input("no such person anywhere").run()
    assert "Nobody matches" in plain(at.info[0].value)


# -- Trends ------------------------------------------------------------------------------------

def test_trends_change_with_the_account_and_the_mode(app_env):
    at = open_page("trends")
    assert at.selectbox(key="tr_account").value == DIAMOND
    first = next(c.value for c in at.caption if "relationships ·" in c.value)
    at.selectbox(key="tr_account").set_value("A-12").run()
    other = next(c.value for c in at.caption if "relationships ·" in c.value)
    assert first != other

    at.button_group(key="tr_mode").set_value("Pair").run()
    at.selectbox(key="tr_pair_a").set_value("S-01").run()  # our CEO ...
    at.selectbox(key="tr_pair_b").set_value("C-001").run()  # ... has never met the Lanxin chairman
    assert "never interacted" in plain(at.info[0].value)


# -- Data --------------------------------------------------------------------------------------

def test_a_broken_csv_is_rejected_with_the_precise_problem_and_nothing_is_written(own_store):
    store = open_store(own_store)
    before = store.counts()
    at = open_page("data")
    broken = b"id,name,side,title\nP-NEW,Ann New,customer,CEO\nP-BAD,Bob Bad,custmer,CTO\n"
    at.file_uploader(key="data_files").set_value(("people.csv", broken, "text/csv")).run()
    at.button(key="data_import").click().run()
    message = plain(at.error[0].value)
    assert "Import rejected, nothing was written: 1 problem" in message
    assert "people.csv row 3 column 'side': side 'custmer' is not one of customer, internal, external; " \
           "did you mean 'customer'?" in message
    assert store.counts() == before
    assert store.read("people", "id", ["P-NEW"]).empty


def test_a_valid_upload_is_imported_and_the_counts_follow(own_store):
    store = open_store(own_store)
    before = store.counts()["people"]
    at = open_page("data")
    at.file_uploader(key="data_files").set_value(
        ("people.csv", b"id,name,side,title\nP-NEW,Ann New,customer,CEO\n", "text/csv")).run()
    at.button(key="data_import").click().run()
    assert not at.error
    assert any("Imported 1 row (1 person)" in s.value for s in at.success), [s.value for s in at.success]
    assert store.counts()["people"] == before + 1
    counts = at.dataframe[0].value.set_index("entity")["rows"]
    assert counts["people"] == before + 1  # the page shows the new count: caches were cleared


def test_erasing_a_person_needs_the_typed_id(own_store):
    store = open_store(own_store)
    at = open_page("data")
    at.selectbox(key="data_person").set_value("X-01").run()  # Sun Lihua, the EMBA classmate
    at.button(key="data_erase").click().run()
    assert not store.read("people", "id", ["X-01"]).empty  # asking is not erasing
    assert "This cannot be undone" in plain(at.warning[0].value)
    assert at.button(key="data_erase_confirm").disabled

    at.text_input(key="data_erase_typed").input("X-02").run()  # the wrong id
    assert at.button(key="data_erase_confirm").disabled
    at.text_input(key="data_erase_typed").input("X-01").run()
    assert not at.button(key="data_erase_confirm").disabled
    at.button(key="data_erase_confirm").click().run()
    assert store.read("people", "id", ["X-01"]).empty
    assert store.read("ties", "person_id", ["X-01"]).empty and store.read("ties", "other_id", ["X-01"]).empty
    assert any("Erased Sun Lihua" in plain(s.value) for s in at.success)


def test_cancelling_an_erasure_keeps_the_person(own_store):
    store = open_store(own_store)
    at = open_page("data")
    at.selectbox(key="data_person").set_value("X-01").run()
    at.button(key="data_erase").click().run()
    at.button(key="data_erase_cancel").click().run()
    assert not store.read("people", "id", ["X-01"]).empty
    assert not at.warning


# -- every page, empty store, errors -----------------------------------------------------------

def test_an_empty_store_points_to_the_data_page_and_the_demo(monkeypatch, tmp_path):
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.delenv("KAMGRAPH_CONFIG", raising=False)
    for page in (None, "account", "paths", "trends"):
        at = open_page(page)
        notice = plain(at.info[0].value)
        assert "The store is empty" in notice and "Data" in notice and "kamgraph demo" in notice
    at = open_page("data")
    assert at.title[0].value == "Data"


def test_a_bad_settings_file_shows_an_error_without_a_traceback(app_env, monkeypatch, tmp_path):
    config = tmp_path / "kamgraph.toml"
    config.write_text('as_of = "2026-11-15"\n[coverage]\ncoverd = 0.4\n', encoding="utf-8")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(config))
    at = open_page("trends")
    assert not at.exception
    assert any("unknown setting 'coverage.coverd'" in plain(e.value) for e in at.error)


def test_the_as_of_slider_moves_the_analysis_date(app_env):
    at = open_page("account")
    assert at.select_slider(key="as_of").value.isoformat() == "2026-11-15"
    at.select_slider(key="as_of").set_value(datetime.date(2024, 11, 15)).run()  # two years back
    caption = next(c.value for c in at.caption if "account ·" in c.value)
    assert "as of 2024-11-15" in caption
