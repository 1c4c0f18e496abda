"""Editing the map in the app, through ``streamlit.testing.v1.AppTest``.

Each kind of edit is made through its form where a user finds it (the person card, the
account page's side panel, the Data page); after the rerun the page shows the change. A
refused edit shows the validator's message in the form and leaves the store as it was (the
data version and every count). A viewer gets no form. Every test writes, so each has a
private copy of the sample store (data/sample, as of 2026-11-15): C-003 Jin Tianyi is the
CFO of Lanxin (A-01), an approver and champion; S-01 Chen Hao is our CEO.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from sample_stores import copy_store, plain
from streamlit.testing.v1 import AppTest

from kamgraph import auth
from kamgraph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
SAMPLE = ROOT / "data" / "sample"
SAMPLE_SETTINGS = SAMPLE / "kamgraph.toml"
TIMEOUT = 300  # seconds: a page's first run computes its analyses on a busy 2-core machine
AS_OF = datetime.date(2026, 11, 15)
ACCOUNT, CFO = "A-01", "C-003"
CARD = f"card_{CFO}"
SIDE = f"acc_{ACCOUNT}"
EDITOR = "gu.weiming@lumenta-demo.example"  # S-03's e-mail: the editor is a person of the sample
PASSWORD = "a long enough password"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_db(sample_db_file) -> Path:
    """The sample store, imported once per run (conftest.py); read-only here."""
    return sample_db_file


@pytest.fixture
def store(monkeypatch, sample_db, tmp_path):
    """A private copy of the sample store, with sign-in off (anyone may edit)."""
    db = tmp_path / "copy.db"
    copy_store(sample_db, db)
    url = f"sqlite:///{db}"
    monkeypatch.setenv("KAMGRAPH_STORE", url)
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SAMPLE_SETTINGS))
    monkeypatch.setenv("KAMGRAPH_USERS", str(tmp_path / "no-users.json"))
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    s = open_store(url)
    yield s
    s.close()


@pytest.fixture
def users(store, tmp_path, monkeypatch):
    """Sign-in on: an editor (S-03 by e-mail) and a viewer."""
    people = auth.add_user({}, EDITOR, PASSWORD, "editor")
    people = auth.add_user(people, "vera", PASSWORD, "viewer")
    path = tmp_path / "users.json"
    auth.save_users(path, people)
    monkeypatch.setenv("KAMGRAPH_USERS", str(path))
    return store


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(page: str, query: dict | None = None, user: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    ok(at.run())
    if user:
        at.text_input(key="auth_user").input(user)
        at.text_input(key="auth_password").input(PASSWORD)
        ok(next(b for b in at.button if b.label == "Sign in").click().run())
    if query:
        at.query_params.update(query)
    at.switch_page(f"kamgraph/ui/pages/{page}.py")
    return ok(at.run())


def card(at: AppTest) -> list[str]:
    return [plain(m.value) for m in at.markdown]


def state(store) -> tuple[int, dict]:
    return store.data_version(), dict(store.counts())


def success(at: AppTest) -> str:
    return " ".join(plain(s.value) for s in at.success)


def errors(at: AppTest) -> str:
    return " ".join(plain(e.value) for e in at.error)


# -- the person card -----------------------------------------------------------------------------

def test_recording_an_attitude_on_the_person_card_shows_it_and_keeps_the_history(store):
    n = len(store.read("assessments", "person_id", [CFO]))
    at = open_page("account", {"account": ACCOUNT, "person": CFO})
    assert any(c.startswith("**Role** approver · **Attitude** champion · **Influence** 4/5") for c in card(at))
    assert at.selectbox(key=f"{CARD}_assess_attitude").value == "champion"  # preset to what is in force
    at.selectbox(key=f"{CARD}_assess_attitude").set_value("skeptic")
    at.text_input(key=f"{CARD}_assess_source").input("dinner on the 14th")
    ok(at.button(key=f"{CARD}_assess_submit").click().run())
    assert "Assessment recorded: 1 assessment" in success(at) and "written" not in success(at)
    assert [plain(t.value) for t in at.toast] == [success(at)]  # seen where the form is, far below the top
    assert any(c.startswith("**Role** approver · **Attitude** skeptic · **Influence** 4/5") for c in card(at))
    rows = store.read("assessments", "person_id", [CFO])
    assert len(rows) == n + 1 and rows.iloc[-1]["source"] == "dinner on the 14th"
    assert rows.iloc[-1]["assessed_on"].date() == AS_OF
    history = next(d.value for d in at.dataframe if "change" in d.value.columns and "who" in d.value.columns)
    assert "edit: assess" in set(history["source"])
    assert not history.isin(["None"]).any().any()


def test_a_refused_job_change_shows_the_validator_message_in_the_form_and_writes_nothing(store):
    before = state(store)
    at = open_page("account", {"account": ACCOUNT, "person": CFO})
    at.selectbox(key=f"{CARD}_job_to").set_value("A-04")
    at.date_input(key=f"{CARD}_job_on").set_value(datetime.date(2001, 1, 1))  # before the job began (2010)
    ok(at.button(key=f"{CARD}_job_submit").click().run())
    assert "not saved, nothing was written: until 2001-01-01 is before since 2010-03-04" in errors(at)
    assert state(store) == before


def test_a_job_change_on_the_card_moves_the_contact(store):
    at = open_page("account", {"account": ACCOUNT, "person": CFO})
    assert "Jin Tianyi 金天翼 · CFO · approver" in at.selectbox(key=f"acc_person_{ACCOUNT}").options
    at.selectbox(key=f"{CARD}_job_to").set_value("A-04")
    at.date_input(key=f"{CARD}_job_on").set_value(datetime.date(2026, 11, 1))
    ok(at.button(key=f"{CARD}_job_submit").click().run())
    assert "Job change recorded: 2 jobs" in success(at)
    assert not any(o.startswith("Jin Tianyi") for o in at.selectbox(key=f"acc_person_{ACCOUNT}").options)
    jobs = store.read("employment", "person_id", [CFO]).set_index("org_id")
    assert str(jobs.loc["A-01", "until"].date()) == "2026-11-01" and "A-04" in jobs.index


def test_editing_the_person_and_adding_a_tie_from_the_card(store):
    at = open_page("account", {"account": ACCOUNT, "person": CFO})
    at.text_input(key=f"{CARD}_person_title").input("Chief Financial Officer")
    ok(at.button(key=f"{CARD}_person_submit").click().run())
    assert "Person saved: 1 person, 1 job" in success(at)
    assert any(c.startswith("Chief Financial Officer · level 2") for c in card(at))

    at.selectbox(key=f"{CARD}_tie_other").set_value("S-01")  # our CEO
    at.selectbox(key=f"{CARD}_tie_kind").set_value("friend")
    at.selectbox(key=f"{CARD}_tie_strength").set_value(5)
    ok(at.button(key=f"{CARD}_tie_submit").click().run())
    assert "Tie recorded: 1 tie" in success(at)
    knows = next(d.value for d in at.dataframe if "our person" in d.value.columns)
    assert any(name.startswith("Chen Hao") for name in knows["our person"])


def test_logging_an_interaction_with_nobody_is_refused_in_the_form(store):
    before = state(store)
    at = open_page("account", {"account": ACCOUNT, "person": CFO})
    at.selectbox(key=f"{SIDE}_log_kind").set_value("meal")
    ok(at.button(key=f"{SIDE}_log_submit").click().run())
    assert "attendees: pick at least one person who was there" in errors(at)
    assert state(store) == before


# -- the account page's side panel ---------------------------------------------------------------

def test_logging_an_interaction_in_the_side_panel_updates_the_last_touch(store):
    at = open_page("account", {"account": ACCOUNT, "person": CFO})
    assert not any("**Last touch** 2026-11-15" in c for c in card(at))
    at.selectbox(key=f"{SIDE}_log_kind").set_value("meal")
    at.multiselect(key=f"{SIDE}_log_attendees").set_value(["S-01", CFO])
    assert "Jin Tianyi 金天翼 — CFO, Shanghai Lanxin Semiconductor 上海澜芯半导体有限公司" in \
        at.multiselect(key=f"{SIDE}_log_attendees").options  # picked by name
    at.text_input(key=f"{SIDE}_log_subject").input("Dinner")
    ok(at.button(key=f"{SIDE}_log_submit").click().run())
    assert "Interaction logged: 1 interaction, 2 attendees" in success(at)
    assert any("**Last touch** 2026-11-15" in c for c in card(at))
    inter = store.read("interactions")
    assert len(inter[(inter["subject"] == "Dinner") & (inter["account_id"] == ACCOUNT)]) == 1
    if callable(getattr(store, "audit", None)):  # the account's history of changes names the edit
        histories = [d.value for d in at.dataframe if {"who", "change"} <= set(d.value.columns)]
        account_history = histories[-1]
        logged = account_history[account_history["source"] == "edit: log interaction"]
        assert "interaction: meal “Dinner”, 2026-11-15" in set(logged["what"])  # not its id I-20261115-…
        assert any(w.startswith("attendance: meal “Dinner”, 2026-11-15, ") for w in logged["what"])
        assert not any("I-20261115-" in w for w in logged["what"])
        assert any("account: Shanghai Lanxin Semiconductor" in c for c in logged["change"])  # not account_id: A-01
        assert any("subject: Dinner" in c for c in logged["change"])


def test_adding_a_contact_in_the_side_panel(store):
    at = open_page("account", {"account": ACCOUNT})
    at.text_input(key=f"{SIDE}_new_person_name").input("Ma Lin 马琳")
    at.text_input(key=f"{SIDE}_new_person_title").input("Plant Manager")
    at.selectbox(key=f"{SIDE}_new_person_role").set_value("influencer")
    ok(at.button(key=f"{SIDE}_new_person_submit").click().run())
    assert "Person added: 1 person, 1 job, 1 assessment" in success(at)
    assert "Ma Lin 马琳 · Plant Manager · influencer" in at.selectbox(key=f"acc_person_{ACCOUNT}").options


def test_adding_a_contact_without_a_name_says_so_and_writes_nothing(store):
    before = state(store)
    at = open_page("account", {"account": ACCOUNT})
    at.text_input(key=f"{SIDE}_new_person_title").input("Plant Manager")
    ok(at.button(key=f"{SIDE}_new_person_submit").click().run())
    assert "not saved, nothing was written: name is required but empty" in errors(at)
    assert state(store) == before


# -- the Data page ---------------------------------------------------------------------------

def test_the_data_page_adds_and_ends_a_membership_and_an_influence_link(store):
    at = open_page("data")
    at.selectbox(key="data_edit_op").set_value("membership_add").run()
    at.selectbox(key="data_edit_membership_person").set_value(CFO)
    at.selectbox(key="data_edit_membership_org").set_value("O-02")
    at.text_input(key="data_edit_membership_role").input("member")
    ok(at.button(key="data_edit_membership_submit").click().run())
    assert "Membership recorded: 1 membership" in success(at)
    assert "O-02" in set(store.read("memberships", "person_id", [CFO])["org_id"])
    counts = at.dataframe[0].value.set_index("entity")["rows"]
    assert counts["memberships"] == store.counts()["memberships"]  # the page shows the new count

    ok(at.selectbox(key="data_edit_op").set_value("membership_end").run())
    at.selectbox(key="data_edit_end_memberships_which").set_value(f"{CFO}|O-02")
    ok(at.button(key="data_edit_end_memberships_submit").click().run())
    assert "Ended: 1 membership removed" in success(at)
    assert "O-02" not in set(store.read("memberships", "person_id", [CFO])["org_id"])

    ok(at.selectbox(key="data_edit_op").set_value("influence_add").run())
    at.selectbox(key="data_edit_influence_source").set_value(CFO)
    at.selectbox(key="data_edit_influence_target").set_value("C-002")
    at.selectbox(key="data_edit_influence_weight").set_value(5)
    ok(at.button(key="data_edit_influence_submit").click().run())
    assert "Influence link recorded" in success(at)
    links = store.read("influence", "source_id", [CFO]).set_index("target_id")
    assert links.loc["C-002", "weight"] == 5


def test_the_data_page_refuses_a_self_tie_with_the_import_message(store):
    before = state(store)
    at = open_page("data")
    ok(at.selectbox(key="data_edit_op").set_value("tie_add").run())
    at.selectbox(key="data_edit_tie_person").set_value(CFO)
    at.selectbox(key="data_edit_tie_other").set_value(CFO)
    at.selectbox(key="data_edit_tie_kind").set_value("friend")
    ok(at.button(key="data_edit_tie_submit").click().run())
    assert "a person cannot have a tie with themselves ('C-003')" in errors(at)
    assert state(store) == before


def test_the_data_page_assesses_at_the_persons_account(store):
    at = open_page("data")
    ok(at.selectbox(key="data_edit_op").set_value("assess").run())
    ok(at.selectbox(key="data_edit_assess_who").set_value(CFO).run())
    prefix = f"data_edit_{CFO}_{ACCOUNT}"
    assert at.selectbox(key=f"{prefix}_assess_attitude").value == "champion"
    at.selectbox(key=f"{prefix}_assess_influence").set_value(5)
    ok(at.button(key=f"{prefix}_assess_submit").click().run())
    assert "Assessment recorded" in success(at)
    assert store.read("assessments", "person_id", [CFO]).iloc[-1]["influence"] == 5


# -- roles ---------------------------------------------------------------------------------------

def test_a_viewer_gets_no_edit_form(users):
    at = open_page("account", {"account": ACCOUNT, "person": CFO}, user="vera")
    keys = {b.key for b in at.button}
    assert not any(k and k.endswith("_submit") for k in keys)
    assert any("Recording changes is for editors; you are signed in as a viewer" in c.value for c in at.caption)
    at = ok(at.switch_page("kamgraph/ui/pages/data.py").run())
    assert not any(k and k.endswith("_submit") for k in {b.key for b in at.button})
    assert "data_edit_op" not in {s.key for s in at.selectbox}


def test_an_editor_records_as_themselves(users):
    store = users
    at = open_page("account", {"account": ACCOUNT, "person": CFO}, user=EDITOR)
    at.selectbox(key=f"{CARD}_assess_attitude").set_value("neutral")
    ok(at.button(key=f"{CARD}_assess_submit").click().run())
    last = store.read("assessments", "person_id", [CFO]).iloc[-1]
    assert (last["attitude"], last["assessed_by"], last["source"]) == ("neutral", "S-03", "app")
    if callable(getattr(store, "audit", None)):
        entry = store.audit(person_id=CFO).iloc[-1]
        assert (entry["actor"], entry["source"]) == (EDITOR, "edit: assess")


# -- the history of changes, as shown and downloaded ---------------------------------------------

def test_the_history_reads_as_before_and_after_and_its_csv_is_formula_neutral():
    import pandas as pd

    from kamgraph.report.spreadsheet import csv_bytes
    from kamgraph.ui.format import audit_view

    audit = pd.DataFrame([
        {"seq": 1, "at": "2026-11-20T09:00:00+00:00", "actor": "ann", "source": "people.csv", "action": "insert",
         "entity": "people", "key": {"id": "C1"}, "before": None,
         "after": {"id": "C1", "name": "=HYPERLINK(\"http://x\",\"y\")", "side": "customer", "phone": None}},
        {"seq": 2, "at": "2026-11-21T10:30:00+00:00", "actor": None, "source": None, "action": "update",
         "entity": "assessments", "key": {"person_id": "C1", "account_id": "A1", "assessed_on": "2026-11-21"},
         "before": {"attitude": "champion", "influence": None}, "after": {"attitude": "skeptic", "influence": 4}},
        {"seq": 3, "at": "2026-11-22T08:00:00+00:00", "actor": "ann", "source": "edit: end tie", "action": "delete",
         "entity": "ties", "key": {"person_id": "C1", "other_id": "S1", "kind": "friend"},
         "before": {"person_id": "C1", "other_id": "S1", "kind": "friend", "strength": 4}, "after": None},
    ])
    view = audit_view(audit, {"C1": "Ann Lee", "A1": "Acme", "S1": "Li Wei"})
    assert list(view["when"]) == ["2026-11-22 08:00 UTC", "2026-11-21 10:30 UTC", "2026-11-20 09:00 UTC"]
    assert list(view["change"]) == ["deleted", "attitude: champion → skeptic; influence: — → 4",
                                    'name: =HYPERLINK("http://x","y"); side: customer']
    assert list(view["what"]) == ["tie: Ann Lee, Li Wei, friend", "assessment: Ann Lee, Acme, 2026-11-21",
                                  "person: Ann Lee"]
    assert list(view["who"]) == ["ann", "not recorded", "ann"] and list(view["source"])[1] == "—"
    assert "None" not in view.to_string()
    text = csv_bytes(view).decode("utf-8-sig")
    assert "'name: =HYPERLINK" not in text  # the cell starts with "name", not a formula: left as is
    hostile = csv_bytes(view.assign(change=["=1+1", "@SUM(A1)", "-2"])).decode("utf-8-sig")
    assert "'=1+1" in hostile and "'@SUM(A1)" in hostile and "'-2" in hostile
