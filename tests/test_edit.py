"""Edits (kamgraph.ingest.edit and ``kamgraph edit``) against the embedded store holding the sample.

Every operation: the change is stored; a job change and an assessment keep the history; a
refused edit says what is wrong in the validator's own words and writes nothing (the data
version and every count are unchanged). The sample's people are in data/sample/README.md:
C-003 Jin Tianyi is Lanxin's (A-01) CFO, an approver and champion; S-03 Gu Weiming our East
China sales director; X-01 Sun Lihua an external connector; O-02 an industry association.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from kamgraph.cli import main
from kamgraph.errors import ImportValidationError, KamgraphError, NotFound
from kamgraph.ingest import edit, import_path
from kamgraph.ingest.edit import EditRejected
from kamgraph.settings import Settings
from kamgraph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
AS_OF = Settings.load(SAMPLE / "kamgraph.toml").as_of_date()


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("edit_sample") / "sample.db"
    store = open_store(f"sqlite:///{db}")
    import_path(SAMPLE, store, today=AS_OF)
    store.close()
    return db


@pytest.fixture
def store(sample_db, tmp_path):
    """A private copy of the sample store (``open_store("sqlite:///" + path)``)."""
    db = tmp_path / "k.db"
    src, dst = sqlite3.connect(sample_db), sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.close()
    s = open_store("sqlite:///" + str(db))
    yield s
    s.close()


def state(store) -> tuple[int, dict]:
    return store.data_version(), dict(store.counts())


def rejected(store, fn, *args, **kwargs) -> str:
    """Run an edit that must be refused; check nothing was written; return the message."""
    before = state(store)
    with pytest.raises(KamgraphError) as e:
        fn(store, *args, **kwargs)
    assert state(store) == before
    message = str(e.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def import_problem(tmp_path, name: str, text: str) -> str:
    """The validator's message for one bad file (what the import says)."""
    (tmp_path / "bad").mkdir(exist_ok=True)
    (tmp_path / "bad" / name).write_text(text, encoding="utf-8")
    with pytest.raises(ImportValidationError) as e:
        import_path(tmp_path / "bad", open_store("sqlite:///:memory:"))
    return e.value.problems[0].message


# -- people ------------------------------------------------------------------------------------

def test_add_a_contact_with_a_job_and_a_first_role_in_one_change(store):
    version = store.data_version()
    result = edit.add_person(store, name="Ma Lin", side="customer", title="Plant Manager", org_id="A-01",
                             decision_role="user", attitude="supporter", actor="ann", today=AS_OF)
    pid = result.ids["person_id"]
    assert result.rows == {"people": 1, "employment": 1, "assessments": 1}
    assert result.data_version == version + 1  # one transaction
    person = store.read("people", "id", [pid]).iloc[0]
    assert person["name"] == "Ma Lin" and person["level"] == 4  # derived from the title, as imports do
    job = store.read("employment", "person_id", [pid]).iloc[0]
    assert (job["org_id"], job["title"]) == ("A-01", "Plant Manager")
    a = store.read("assessments", "person_id", [pid]).iloc[0]
    assert (a["decision_role"], a["attitude"], a["assessed_on"]) == ("user", "supporter", pd.Timestamp(AS_OF))


def test_adding_a_person_under_an_existing_id_is_refused(store):
    message = rejected(store, edit.add_person, "C-003", name="Someone", side="customer")
    assert "a person with id 'C-003' already exists" in message


def test_edit_person_changes_only_the_fields_given_and_blank_clears(store):
    result = edit.edit_person(store, "C-003", phone="+86 139 0000 0000", city="")
    assert result.rows == {"people": 1}
    p = store.read("people", "id", ["C-003"]).iloc[0]
    assert p["phone"] == "+86 139 0000 0000" and p["city"] is None
    assert (p["name"], p["email"], p["level"]) == ("Jin Tianyi 金天翼", "jin.tianyi@lanxin-semi.example", 2)
    # the same edit again changes nothing and writes nothing
    version = store.data_version()
    again = edit.edit_person(store, "C-003", phone="+86 139 0000 0000")
    assert not again.changed and store.data_version() == version


def test_a_bad_person_field_gives_the_import_message_naming_the_field(store, tmp_path):
    message = rejected(store, edit.edit_person, "C-003", side="custmer")
    from_file = import_problem(tmp_path, "people.csv", "id,name,side\nP1,Ann,custmer\n")
    assert from_file == "side 'custmer' is not one of customer, internal, external; did you mean 'customer'?"
    assert message == f"not saved, nothing was written: {from_file}"
    assert "row" not in message and "people.csv" not in message


def test_editing_someone_unknown_is_not_found(store):
    with pytest.raises(NotFound, match="no person with id 'C-999'"):
        edit.edit_person(store, "C-999", phone="1")


# -- job change --------------------------------------------------------------------------------

def test_a_job_change_ends_one_job_starts_another_and_keeps_the_history(store):
    assessments = len(store.read("assessments", "person_id", ["C-003"]))
    result = edit.job_change(store, "C-003", "A-04", "2026-11-01", title="CFO", actor="ann")
    assert result.rows == {"employment": 2}
    jobs = store.read("employment", "person_id", ["C-003"]).set_index("org_id")
    assert jobs.loc["A-01", "since"] == pd.Timestamp("2010-03-04")  # the old job stays, ended
    assert jobs.loc["A-01", "until"] == pd.Timestamp("2026-11-01")
    assert jobs.loc["A-04", "since"] == pd.Timestamp("2026-11-01") and pd.isna(jobs.loc["A-04", "until"])
    assert len(store.read("assessments", "person_id", ["C-003"])) == assessments  # their history at A-01
    # no longer a current contact at Lanxin, now one at Jingwei
    snap = store.snapshot(["A-01", "A-04"])
    current = snap.employment[snap.employment["until"].isna()]
    assert set(current.loc[current["person_id"] == "C-003", "org_id"]) == {"A-04"}


def test_a_job_change_before_the_job_began_is_refused_with_the_import_message(store):
    message = rejected(store, edit.job_change, "C-003", "A-04", "2001-01-01")
    assert "until 2001-01-01 is before since 2010-03-04" in message


def test_a_job_change_back_to_a_former_employer_is_refused_rather_than_losing_history(store):
    edit.job_change(store, "C-003", "A-04", "2026-11-01")
    message = rejected(store, edit.job_change, "C-003", "A-01", "2026-11-10")
    assert "already has an employment at 'A-01' (2010-03-04 to 2026-11-01)" in message


# -- assessments -------------------------------------------------------------------------------

def test_an_assessment_is_appended_never_overwritten(store):
    before = store.read("assessments", "person_id", ["C-003"])
    result = edit.assess(store, "C-003", "A-01", attitude="skeptic", assessed_on="2026-11-10", assessed_by="S-03",
                         source="dinner", actor="ann")
    assert result.rows == {"assessments": 1}
    after = store.read("assessments", "person_id", ["C-003"])
    assert len(after) == len(before) + 1
    pd.testing.assert_frame_equal(after.iloc[:len(before)].reset_index(drop=True), before)  # history kept
    new = after.iloc[-1]
    assert (new["attitude"], new["assessed_by"], new["source"]) == ("skeptic", "S-03", "dinner")
    # the role and influence in force are carried forward; the attitude is the new one
    role = store.snapshot(["A-01"]).roles()
    now = role[(role["person_id"] == "C-003")].iloc[0]
    assert (now["decision_role"], now["attitude"], now["influence"]) == ("approver", "skeptic", 4)


def test_an_assessment_identical_to_the_current_one_is_not_appended(store):
    version, counts = state(store)
    result = edit.assess(store, "C-003", "A-01", decision_role="approver", attitude="champion", influence=4,
                         assessed_on="2026-11-10")
    assert not result.changed
    assert "already in force" in result.warnings[-1]
    assert state(store) == (version, counts)


def test_a_second_assessment_the_same_day_keeps_that_days_other_fields(store):
    edit.assess(store, "C-003", "A-01", decision_role="decision_maker", assessed_on="2026-11-10")
    edit.assess(store, "C-003", "A-01", attitude="neutral", assessed_on="2026-11-10")
    row = store.read("assessments", "person_id", ["C-003"]).iloc[-1]
    assert (row["decision_role"], row["attitude"]) == ("decision_maker", "neutral")


@pytest.mark.parametrize("fields, expected", [
    ({"attitude": "fan"}, "attitude 'fan' is not one of champion, supporter, neutral, skeptic, opponent"),
    ({"decision_role": "Decision Maker", "influence": 9}, "influence 9 is out of range 1..5"),
    ({"attitude": "skeptic", "assessed_on": "2026-13-01"}, "assessed_on '2026-13-01' is not a valid calendar date"),
    ({}, "an assessment needs at least one of decision_role, attitude, influence"),
])
def test_a_bad_assessment_writes_nothing_and_says_why(store, fields, expected):
    message = rejected(store, edit.assess, "C-003", "A-01", **fields)
    assert message == f"not saved, nothing was written: {expected}"


def test_an_assessment_at_an_unknown_account_names_the_field(store):
    message = rejected(store, edit.assess, "C-003", "A-99", attitude="skeptic")
    assert message == "not saved, nothing was written: account_id: unknown account 'A-99'"


# -- interactions ------------------------------------------------------------------------------

def test_logging_an_interaction_stores_it_with_its_attendees_once(store):
    result = edit.log_interaction(store, kind="meal", date="2026-11-12", attendees=["S-03", "C-003", "S-03"],
                                  account_id="A-01", subject="Dinner", notes="turned skeptic", actor="ann")
    iid = result.ids["interaction_id"]
    assert iid.startswith("I-20261112-")
    assert result.rows == {"interactions": 1, "attendance": 2}
    row = store.read("interactions", "id", [iid]).iloc[0]
    assert (row["kind"], row["account_id"], row["notes"]) == ("meal", "A-01", "turned skeptic")
    assert set(store.read("attendance", "interaction_id", [iid])["person_id"]) == {"S-03", "C-003"}
    version = store.data_version()
    again = edit.log_interaction(store, kind="meal", date="2026-11-12", attendees=["C-003", "S-03"],
                                 account_id="A-01", subject="Dinner", notes="turned skeptic")
    assert again.ids["interaction_id"] == iid and not again.changed and store.data_version() == version
    other = edit.log_interaction(store, kind="call", date="2026-11-12", attendees=["C-003", "S-03"])
    assert other.ids["interaction_id"] != iid


def test_an_interaction_takes_its_account_from_the_opportunity(store):
    result = edit.log_interaction(store, kind="meeting", date="2026-11-12", attendees=["S-03", "C-003"],
                                  opportunity_id="OP-01")
    assert store.read("interactions", "id", [result.ids["interaction_id"]]).iloc[0]["account_id"] == "A-01"


@pytest.mark.parametrize("fields, expected", [
    ({"attendees": []}, "attendees: pick at least one person who was there"),
    ({"attendees": ["S-03", "C-999"]}, "attendees: unknown person 'C-999'"),
    ({"kind": "dinner"}, "kind 'dinner' is not one of visit, meeting, meal, call, email, event"),
    ({"date": "yesterday"}, "date 'yesterday' is not a date: use YYYY-MM-DD (e.g. 2024-03-31)"),
    ({"opportunity_id": "OP-02"}, "opportunity 'OP-02' is at account 'A-02', not 'A-01'"),
])
def test_a_bad_interaction_writes_nothing(store, fields, expected):
    args = {"kind": "meal", "date": "2026-11-12", "attendees": ["S-03", "C-003"], "account_id": "A-01", **fields}
    message = rejected(store, edit.log_interaction, **args)
    assert expected in message


# -- ties, influence, memberships --------------------------------------------------------------

def test_add_and_end_a_tie(store):
    result = edit.add_tie(store, "S-03", "C-003", "friend", strength=4, today=AS_OF, actor="ann")
    assert result.rows == {"ties": 1}
    ties = store.read("ties", "person_id", ["C-003"])  # stored once, person_id < other_id
    tie = ties[(ties["other_id"] == "S-03") & (ties["kind"] == "friend")].iloc[0]
    assert tie["strength"] == 4 and tie["assessed_on"] == pd.Timestamp(AS_OF)
    ended = edit.end_tie(store, "S-03", "C-003", "friend", actor="ann")
    assert ended.deleted == {"ties": 1}
    ties = store.read("ties", "person_id", ["C-003"])
    assert ties[(ties["other_id"] == "S-03") & (ties["kind"] == "friend")].empty
    with pytest.raises(NotFound, match="no friend tie between 'S-03' and 'C-003'"):
        edit.end_tie(store, "S-03", "C-003", "friend")


@pytest.mark.parametrize("args, expected", [
    (("S-03", "C-003", "friend", 6), "strength 6 is out of range 1..5"),
    (("S-03", "S-03", "friend", 3), "a person cannot have a tie with themselves ('S-03')"),
    (("S-03", "C-003", "frend", 3), "kind 'frend' is not one of"),
])
def test_a_bad_tie_writes_nothing(store, args, expected):
    a, b, kind, strength = args
    assert expected in rejected(store, edit.add_tie, a, b, kind, strength=strength)


def test_add_and_end_an_influence_link(store):
    assert edit.add_influence(store, "C-003", "C-002", weight=5).rows == {"influence": 1}
    links = store.read("influence", "source_id", ["C-003"])
    assert links.set_index("target_id").loc["C-002", "weight"] == 5
    assert edit.end_influence(store, "C-003", "C-002").deleted == {"influence": 1}
    assert "C-002" not in set(store.read("influence", "source_id", ["C-003"])["target_id"])
    assert "weight 9 is out of range 1..5" in rejected(store, edit.add_influence, "C-003", "C-002", weight=9)


def test_add_and_end_a_membership(store):
    assert edit.add_membership(store, "C-003", "O-02", role="member", since="2024-01-01").rows == {"memberships": 1}
    m = store.read("memberships", "person_id", ["C-003"]).set_index("org_id").loc["O-02"]
    assert (m["role"], m["since"]) == ("member", pd.Timestamp("2024-01-01"))
    assert edit.end_membership(store, "C-003", "O-02").deleted == {"memberships": 1}
    assert store.read("memberships", "person_id", ["C-003"]).empty
    assert "unknown organization or account 'O-99'" in rejected(store, edit.add_membership, "C-003", "O-99")


# -- the audit trail records the edit's source and who made it ---------------------------------

def test_an_edit_is_recorded_with_its_operation_and_actor(store):
    if not callable(getattr(store, "audit", None)):
        pytest.skip("this store has no audit trail yet")
    edit.assess(store, "C-003", "A-01", attitude="skeptic", assessed_on="2026-11-10", actor="ann")
    trail = store.audit(person_id="C-003")
    last = trail.iloc[-1]
    assert (last["actor"], last["source"], last["entity"]) == ("ann", "edit: assess", "assessments")
    assert last["after"]["attitude"] == "skeptic"


# -- finding people by name --------------------------------------------------------------------

def test_people_are_found_by_id_or_exact_name_and_an_ambiguous_name_lists_them(store):
    assert edit.find_person(store, "C-003") == "C-003"
    assert edit.find_person(store, "jin tianyi  金天翼") == "C-003"
    edit.add_person(store, "C-900", name="Jin Tianyi 金天翼", side="external", title="Advisor")
    with pytest.raises(KamgraphError) as e:
        edit.find_person(store, "Jin Tianyi 金天翼")
    assert str(e.value) == ("2 people are called 'Jin Tianyi 金天翼': C-003 (customer, CFO); "
                            "C-900 (external, Advisor); give the id")
    with pytest.raises(NotFound):
        edit.find_person(store, "Nobody Here")


def test_the_signed_in_user_is_found_by_email(store):
    assert edit.person_for_user(store, "GU.WEIMING@lumenta-demo.example") == "S-03"
    assert edit.person_for_user(store, "someone@else.example") is None
    assert edit.person_for_user(store, None) is None


# -- the CLI -----------------------------------------------------------------------------------

def cli(store, *args: str):
    return CliRunner().invoke(main, ["--store", store.url, "--settings", str(SAMPLE / "kamgraph.toml"), "edit",
                                     *args])


def test_cli_assess_by_name_appends_an_assessment(store):
    n = len(store.read("assessments", "person_id", ["C-003"]))
    r = cli(store, "assess", "Jin Tianyi 金天翼", "--attitude", "skeptic", "--source", "dinner")
    assert r.exit_code == 0, r.output
    assert "assess: 1 assessments written" in r.output
    rows = store.read("assessments", "person_id", ["C-003"])
    assert len(rows) == n + 1
    last = rows.iloc[-1]
    assert (last["attitude"], last["account_id"], last["assessed_on"]) == ("skeptic", "A-01", pd.Timestamp(AS_OF))


def test_cli_an_ambiguous_name_is_one_line_listing_the_candidates(store):
    edit.add_person(store, "C-900", name="Jin Tianyi 金天翼", side="external")
    version = store.data_version()
    r = cli(store, "assess", "Jin Tianyi 金天翼", "--attitude", "skeptic")
    assert r.exit_code == 1
    assert r.output.strip().splitlines() == [
        "Error: 2 people are called 'Jin Tianyi 金天翼': C-003 (customer, CFO); C-900 (external); give the id"]
    assert store.data_version() == version


def test_cli_a_validation_error_exits_1_and_writes_nothing(store):
    version = store.data_version()
    r = cli(store, "assess", "C-003", "--attitude", "fan")
    assert r.exit_code == 1
    assert "Error: not saved, nothing was written: attitude 'fan' is not one of" in r.output
    assert "Traceback" not in r.output and store.data_version() == version


def test_cli_log_job_change_tie_influence_membership_and_person(store):
    r = cli(store, "log", "--kind", "visit", "--date", "2026-11-12", "--with", "S-03", "--with", "Jin Tianyi 金天翼",
            "--account", "A-01", "--subject", "Site visit")
    assert r.exit_code == 0, r.output
    iid = next(line.split(": ")[1] for line in r.output.splitlines() if line.startswith("interaction_id"))
    assert set(store.read("attendance", "interaction_id", [iid])["person_id"]) == {"S-03", "C-003"}

    assert cli(store, "tie", "S-03", "C-003", "--kind", "friend", "--strength", "4").exit_code == 0
    assert cli(store, "tie", "S-03", "C-003", "--kind", "friend", "--end").exit_code == 0
    ties = store.read("ties", "person_id", ["C-003"])
    assert ties[(ties["other_id"] == "S-03") & (ties["kind"] == "friend")].empty

    assert cli(store, "influence", "C-003", "C-002", "--weight", "5").exit_code == 0
    assert cli(store, "membership", "C-003", "O-02", "--role", "member").exit_code == 0
    assert "O-02" in set(store.read("memberships", "person_id", ["C-003"])["org_id"])
    r = cli(store, "membership", "C-003", "O-02", "--end")
    assert r.exit_code == 0 and "1 memberships deleted" in r.output

    r = cli(store, "job-change", "C-003", "--to", "A-04", "--on", "2026-11-01")
    assert r.exit_code == 0, r.output
    jobs = store.read("employment", "person_id", ["C-003"]).set_index("org_id")
    assert jobs.loc["A-01", "until"] == pd.Timestamp("2026-11-01")

    r = cli(store, "person", "--name", "Ma Lin", "--side", "customer", "--title", "Plant Manager", "--at", "A-04")
    assert r.exit_code == 0, r.output
    pid = next(line.split(": ")[1] for line in r.output.splitlines() if line.startswith("person_id"))
    assert store.read("employment", "person_id", [pid]).iloc[0]["org_id"] == "A-04"
    r = cli(store, "person", "Ma Lin", "--phone", "+86 1")
    assert r.exit_code == 0 and store.read("people", "id", [pid]).iloc[0]["phone"] == "+86 1"


def test_cli_ending_what_does_not_exist_is_one_line(store):
    r = cli(store, "influence", "C-003", "S-03", "--end")
    assert r.exit_code == 1
    assert r.output.strip() == "Error: no influence link from 'C-003' to 'S-03'"


# -- the same edits on the Neo4j store -----------------------------------------------------------

@pytest.mark.bolt
def test_edits_on_the_neo4j_store(neo4j_store, portfolio):
    """The edit operations use only the Store protocol: the small portfolio of tests/conftest.py on Neo4j."""
    s = neo4j_store
    s.write(portfolio)
    r = edit.assess(s, "c1", "A1", attitude="champion", assessed_on="2026-07-01", actor="ann")
    assert r.rows == {"assessments": 1}
    assert not edit.assess(s, "c1", "A1", attitude="champion", assessed_on="2026-07-02").changed
    before = state(s)
    with pytest.raises(EditRejected, match="attitude 'fan' is not one of"):
        edit.assess(s, "c1", "A1", attitude="fan")
    assert state(s) == before
    iid = edit.log_interaction(s, kind="meal", date="2026-07-03", attendees=["c1", "u2"], account_id="A1").ids
    assert set(s.read("attendance", "interaction_id", [iid["interaction_id"]])["person_id"]) == {"c1", "u2"}
    edit.job_change(s, "c2", "A2", "2026-07-04")
    jobs = s.read("employment", "person_id", ["c2"]).set_index("org_id")
    assert str(jobs.loc["A1", "until"].date()) == "2026-07-04" and "A2" in jobs.index
    assert edit.end_tie(s, "u1", "c1", "business").deleted == {"ties": 1}
    if callable(getattr(s, "audit", None)):
        last = s.audit(person_id="u1").iloc[-1]
        assert (last["source"], last["entity"], last["after"]) == ("edit: end tie", "ties", None)
