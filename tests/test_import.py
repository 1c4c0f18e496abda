"""import_path: validate everything, then one all-or-nothing write; idempotent re-imports;
assessment history appended only on change."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kamgraph.errors import ImportValidationError
from kamgraph.ingest import ImportReport, import_path, read_path
from kamgraph.ingest.raw import RawImport, RawTable
from kamgraph.schema import WRITE_ORDER
from kamgraph.store import open_store

BASE = {
    "accounts.csv": """
        id,name,tier,revenue,gross_margin,problem
        A1,Acme Steel,gold,1200000,0.32,no
        A2,Birch Foods,silver,300000,0.1,
        """,
    "organizations.csv": """
        id,name,kind
        O1,Steel Association,association
        """,
    "people.csv": """
        id,name,side,title,level,email
        P1,Ann Li,customer,CEO,,ann@acme.example
        P2,Bo Chen,customer,采购经理,,
        P3,Cy Park,internal,Account Manager,4,
        P4,Di Wu,internal,Chief Executive Officer,1,
        P5,Ed Ho,external,Association chair,,
        """,
    "employment.csv": """
        person_id,org_id,title,team_role,since,decision_role,attitude,influence
        P1,A1,CEO,,2019-03-01,decision_maker,supporter,5
        P2,A1,Purchasing Manager,,2020-01-15,procurement,neutral,3
        P3,A1,,ar,2021-06-01,,,
        P5,O1,Chair,,,,,
        """,
    "assessments.csv": """
        person_id,account_id,assessed_on,decision_role,attitude,influence,source
        P2,A1,2023-06-01,procurement,skeptic,3,kickoff workshop
        """,
    "ties.csv": """
        person_id,other_id,kind,strength,assessed_on
        P3,P1,business,3,2024-01-10
        P4,P5,friend,5,2023-06-01
        """,
    "reports_to.csv": """
        person_id,manager_id
        P2,P1
        P3,P4
        """,
    "memberships.csv": """
        person_id,org_id,role
        P5,O1,chair
        P1,O1,member
        """,
    "interactions.csv": """
        id,date,kind,account_id,subject
        I1,2024-03-01,visit,A1,Kickoff
        I2,2024-04-15,meal,A1,
        """,
    "attendance.csv": """
        interaction_id,person_id
        I1,P1
        I1,P3
        I2,P1
        I2,P4
        """,
    "opportunities.csv": """
        id,account_id,name,status,amount,close_date
        OP1,A1,Rolling mill upgrade,open,250000,2024-12-31
        """,
    "opportunity_roles.csv": """
        person_id,opportunity_id,role,attitude,influence
        P1,OP1,decision_maker,supporter,5
        P2,OP1,procurement,neutral,3
        """,
    "influence.csv": """
        source_id,target_id,weight
        P2,P1,3
        """,
}

EXPECTED_ROWS = {"accounts": 2, "organizations": 1, "people": 5, "opportunities": 1, "interactions": 2,
                 "employment": 4, "assessments": 3, "reports_to": 2, "ties": 2, "influence": 1,
                 "memberships": 2, "attendance": 4, "opportunity_roles": 2}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder


def contents(store) -> dict[str, pd.DataFrame]:
    """Every table as the store returns it (normalized, sorted by key)."""
    return {e: store.read(e) for e in WRITE_ORDER}


def assert_same_contents(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for e in WRITE_ORDER:
        pd.testing.assert_frame_equal(a[e], b[e], obj=e)


@pytest.fixture
def store():
    s = open_store("sqlite:///:memory:")
    yield s
    s.close()


@pytest.fixture
def base(tmp_path) -> Path:
    return write(tmp_path / "base", BASE)


def test_import_writes_every_entity(store, base):
    report = import_path(base, store, today="2024-06-01")
    assert isinstance(report, ImportReport)
    assert dict(report.rows) == EXPECTED_ROWS
    assert report.total == sum(EXPECTED_ROWS.values())
    assert not report.dry_run
    assert report.data_version == store.data_version() == 1
    assert store.counts() == EXPECTED_ROWS
    people = store.read("people").set_index("id")
    assert people["level"].tolist() == [1, 4, 4, 1, 1]  # CEO, 经理, given 4, given 1, chair
    ties = store.read("ties")
    assert ties[["person_id", "other_id"]].values.tolist() == [["P1", "P3"], ["P4", "P5"]]
    a = store.read("assessments")
    assert a[["person_id", "assessed_on", "attitude"]].values.tolist() == [
        ["P1", pd.Timestamp("2024-06-01"), "supporter"],
        ["P2", pd.Timestamp("2023-06-01"), "skeptic"],
        ["P2", pd.Timestamp("2024-06-01"), "neutral"],
    ]
    assert report.warnings == ("people: level derived for 3 people (3 from their title)",)


def test_dry_run_writes_nothing(store, base):
    report = import_path(base, store, dry_run=True, today="2024-06-01")
    assert report.dry_run and dict(report.rows) == EXPECTED_ROWS
    assert report.data_version == 0
    assert sum(store.counts().values()) == 0


def test_reimporting_the_same_files_changes_nothing(store, base):
    import_path(base, store, today="2024-06-01")
    before = contents(store)
    again = import_path(base, store, today="2024-07-15")  # a later day: still nothing new
    assert again.rows["assessments"] == 0
    assert "assessments: 3 assessments already in the history not added again" in again.warnings[-1]
    assert store.counts() == EXPECTED_ROWS
    assert_same_contents(before, contents(store))


def test_changed_attitude_appends_a_dated_assessment(store, base, tmp_path):
    import_path(base, store, today="2024-06-01")
    changed = dict(BASE)
    changed["employment.csv"] = BASE["employment.csv"].replace("decision_maker,supporter,5", "decision_maker,skeptic,5")
    report = import_path(write(tmp_path / "changed", changed), store, today="2024-09-01")
    assert report.rows["assessments"] == 1
    history = store.read("assessments", "person_id", ["P1"])
    assert history[["assessed_on", "attitude"]].values.tolist() == [
        [pd.Timestamp("2024-06-01"), "supporter"], [pd.Timestamp("2024-09-01"), "skeptic"]]
    roles = store.snapshot().roles()
    assert roles.set_index("person_id").loc["P1", "attitude"] == "skeptic"
    assert store.snapshot().roles("2024-08-01").set_index("person_id").loc["P1", "attitude"] == "supporter"


def test_history_compares_with_the_assessment_in_force_on_that_date(store, tmp_path):
    people = "id,name,side\nP1,Ann,customer\n"
    write(tmp_path / "a", {"people.csv": people, "accounts.csv": "id,name\nA1,Acme\n",
                           "assessments.csv": "person_id,account_id,assessed_on,attitude,influence\n"
                                              "P1,A1,2024-01-01,supporter,4\nP1,A1,2024-05-01,skeptic,\n"})
    import_path(tmp_path / "a", store)
    cases = {
        # (date, attitude, influence) -> appended?
        ("2024-03-01", "supporter", ""): False,  # same as the 2024-01-01 row in force then
        ("2024-03-01", "champion", ""): True,    # backdated change
        ("2024-06-01", "skeptic", "4"): False,   # skeptic (05-01) with influence 4 carried from 01-01
        ("2024-06-01", "skeptic", "2"): True,    # influence changed
    }
    for (day, attitude, influence), appended in cases.items():
        s = open_store("sqlite:///:memory:")
        import_path(tmp_path / "a", s)
        write(tmp_path / "b", {"assessments.csv": f"person_id,account_id,assessed_on,attitude,influence\n"
                                                  f"P1,A1,{day},{attitude},{influence}\n"})
        rows = import_path(tmp_path / "b", s).rows["assessments"]
        assert rows == (1 if appended else 0), (day, attitude, influence)
        s.close()


def test_left_out_column_keeps_stored_values_empty_cell_clears_them(store, base, tmp_path):
    import_path(base, store, today="2024-06-01")
    write(tmp_path / "no_email", {"people.csv": "id,name,side\nP1,Ann Li,customer\n"})
    import_path(tmp_path / "no_email", store)
    p1 = store.read("people", "id", ["P1"]).iloc[0]
    assert p1["email"] == "ann@acme.example" and p1["level"] == 1
    write(tmp_path / "blank_email", {"people.csv": "id,name,side,email\nP1,Ann Li,customer,\n"})
    import_path(tmp_path / "blank_email", store)
    assert store.read("people", "id", ["P1"]).iloc[0]["email"] is None


def test_rejected_import_leaves_the_store_unchanged(store, base, tmp_path):
    import_path(base, store, today="2024-06-01")
    before, version = contents(store), store.data_version()
    broken = {name: text.replace("Acme Steel", "Acme Steel Ltd") for name, text in BASE.items()}
    broken["people.csv"] += "P6,New Person,customer,,,\n"
    # the only problem is in the last file written (opportunity_roles)
    broken["opportunity_roles.csv"] += "P9,OP1,decision_maker,,\n"
    with pytest.raises(ImportValidationError) as err:
        import_path(write(tmp_path / "broken", broken), store, today="2024-07-01")
    assert [str(p) for p in err.value.problems] == ["opportunity_roles.csv row 4 column 'person_id': unknown person 'P9'"]
    assert store.data_version() == version
    assert_same_contents(before, contents(store))


def test_a_write_failing_midway_is_rolled_back(store, base, tmp_path):
    import_path(base, store, today="2024-06-01")
    before, version = contents(store), store.data_version()
    changed = {name: text.replace("Acme Steel", "Acme Steel Ltd") for name, text in BASE.items()}
    changed["attendance.csv"] += "I2,P2\n"

    def fail_on_last_entity(entity, done, total):
        if entity == "opportunity_roles":
            raise RuntimeError("disk unplugged")

    with pytest.raises(RuntimeError, match="disk unplugged"):
        import_path(write(tmp_path / "changed", changed), store, progress=fail_on_last_entity)
    assert store.data_version() == version
    assert_same_contents(before, contents(store))


def test_progress_reports_every_entity(store, base):
    seen: dict[str, tuple[int, int]] = {}
    import_path(base, store, progress=lambda e, done, total: seen.__setitem__(e, (done, total)),
                today="2024-06-01")
    assert seen == {e: (n, n) for e, n in EXPECTED_ROWS.items()}


def test_excel_workbook_imports_like_the_csv_folder(store, base, tmp_path):
    import_path(base, store, today="2024-06-01")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in BASE:
        raw = read_path(base / name).tables[name[:-4]]
        ws = wb.create_sheet(name[:-4])
        ws.append(list(raw.frame.columns))
        for row in raw.frame.itertuples(index=False):
            ws.append(list(row))
    wb.save(tmp_path / "portfolio.xlsx")
    other = open_store("sqlite:///:memory:")
    report = import_path(tmp_path / "portfolio.xlsx", other, today="2024-06-01")
    assert dict(report.rows) == EXPECTED_ROWS
    assert_same_contents(contents(store), contents(other))


def test_a_mapping_object_supplies_the_raw_tables(store, tmp_path):
    class FakeCrm:
        name = "fake"

        def __init__(self):
            self.paths = []

        def read(self, path):
            self.paths.append(path)
            frame = pd.DataFrame({"id": ["C1"], "name": ["Ann"], "side": ["customer"]}, dtype=object)
            return RawImport({"people": RawTable("people", frame, "Contact.json", [3])},
                             warnings=["Contact.json: 2 contacts without a name skipped"])

    crm = FakeCrm()
    report = import_path(tmp_path, store, mapping=crm)
    assert crm.paths == [tmp_path]
    assert dict(report.rows) == {"people": 1}
    assert report.warnings[0] == "Contact.json: 2 contacts without a name skipped"
    assert store.read("people")["id"].tolist() == ["C1"]


def test_hostile_and_unicode_text_round_trips(store, tmp_path):
    names = ["'); DROP TABLE people; --", "<script>alert(1)</script>", "Zoë 😀", "王建国 总经理", 'quote "x", comma']
    rows = "".join(f'P{i},"{n.replace(chr(34), chr(34) * 2)}",customer\n' for i, n in enumerate(names))
    write(tmp_path / "h", {"people.csv": "id,name,side\n" + rows})
    import_path(tmp_path / "h", store)
    assert store.read("people")["name"].tolist() == names
    assert store.counts()["people"] == len(names)


def test_sample_portfolio_imports_cleanly_and_idempotently(tmp_path):
    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    if not (sample / "people.csv").exists():
        pytest.skip(f"sample data not found at {sample}")
    copy = tmp_path / "sample"
    shutil.copytree(sample, copy)
    s = open_store(f"sqlite:///{tmp_path / 'sample.db'}")
    first = import_path(copy, s, today="2026-11-15")
    assert first.rows["people"] > 100 and first.rows["interactions"] > 100
    before = contents(s)
    second = import_path(copy, s, today="2026-12-01")
    assert second.rows["assessments"] == 0
    assert_same_contents(before, contents(s))
    s.close()
