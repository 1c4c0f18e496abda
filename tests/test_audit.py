"""The audit trail through the import pipeline (rows written vs unchanged, dry runs, the
source recorded) and the ``kamgraph audit`` verb (table, CSV, JSON; per person, per account)."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from kamgraph.cli import main
from kamgraph.cli.audit import change_text
from kamgraph.ingest.pipeline import import_path
from kamgraph.store import open_store

FILES = {
    "accounts.csv": "id,name,tier\nA1,Acme Steel,gold\nA2,Birch,silver\n",
    "people.csv": "id,name,side,title,notes\nP1,王建国,customer,总经理,=cmd|' /C calc'!A0\n"
                  "P2,Cy Park,internal,Account Manager,\nP3,Di Wu,customer,Buyer,\n",
    "employment.csv": "person_id,org_id,title\nP1,A1,总经理\nP3,A2,Buyer\n",
    "interactions.csv": "id,date,kind,account_id\nI1,2024-03-01,visit,A1\n",
    "attendance.csv": "interaction_id,person_id\nI1,P1\nI1,P2\n",
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'k.db'}")
    yield s
    s.close()


# -- import_path: rows written, rows unchanged ---------------------------------------------------

def test_reimporting_identical_files_writes_nothing(store, tmp_path):
    folder = write(tmp_path / "in", FILES)
    first = import_path(folder, store, actor="ann", today="2024-06-01")
    assert dict(first.rows) == {"accounts": 2, "people": 3, "employment": 2, "interactions": 1, "attendance": 2}
    assert dict(first.unchanged) == {}
    version, log, trail = store.data_version(), store.write_log(), store.audit()
    assert len(trail) == first.total == 10
    assert set(trail["source"]) == {str(folder)} and set(trail["actor"]) == {"ann"}

    again = import_path(folder, store, actor="bob", today="2024-07-01")
    assert again.total == 0 and set(again.rows) == set(first.rows)  # every entity, 0 written
    assert dict(again.unchanged) == dict(first.rows)
    assert again.data_version == version == store.data_version()
    assert len(store.write_log()) == len(log)
    assert len(store.audit()) == len(trail)


def test_a_changed_file_writes_and_audits_only_what_changed(store, tmp_path):
    import_path(write(tmp_path / "in", FILES), store)
    changed = dict(FILES, **{"people.csv": FILES["people.csv"].replace("Buyer,", "Head of purchasing,")})
    report = import_path(write(tmp_path / "v2", changed), store, source="crm export v2")
    assert report.rows["people"] == 1 and report.unchanged["people"] == 2
    assert report.total == 1
    last = store.audit("P3").iloc[-1]
    assert (last["action"], last["source"], last["before"], last["after"]) == (
        "update", "crm export v2", {"title": "Buyer"}, {"title": "Head of purchasing"})


def test_a_dry_run_reports_the_validated_rows_and_writes_nothing(store, tmp_path):
    folder = write(tmp_path / "in", FILES)
    import_path(folder, store)
    version = store.data_version()
    dry = import_path(folder, store, dry_run=True)
    assert dry.dry_run and dry.total == 10 and dict(dry.unchanged) == {}
    assert store.data_version() == version and len(store.audit()) == 10


# -- kamgraph audit ---------------------------------------------------------------------------

@pytest.fixture
def loaded(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["--store", url, "import", str(write(tmp_path / "in", FILES))]).exit_code == 0
    with open_store(url) as s:
        s.write({"people": pd.DataFrame([{"id": "P3", "name": "Di Wu", "side": "customer", "title": "CFO"}])},
                actor="ann", source="edit: person")
        s.delete("employment", pd.DataFrame([{"person_id": "P3", "org_id": "A2"}]), actor="ann",
                 source="edit: job change")
    return url


def test_audit_table_shows_before_and_after_in_one_column(loaded):
    result = CliRunner().invoke(main, ["--store", loaded, "audit", "--person", "P3"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "│" in line]
    assert len(lines) == 4  # inserted person and job, the title edit, the job's end
    assert "title: Buyer → CFO" in result.output
    assert "edit: job change" in result.output and "delete" in result.output
    assert "Audit trail of person P3 (4 changes)" in result.output


def test_audit_csv_is_formula_neutral_and_json_keeps_values(loaded):
    runner = CliRunner()
    out = runner.invoke(main, ["--store", loaded, "audit", "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert [r["seq"] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    p1 = next(r for r in rows if r["entity"] == "people" and json.loads(r["key"]) == {"id": "P1"})
    assert json.loads(p1["after"])["notes"] == "=cmd|' /C calc'!A0" and p1["before"] == ""
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    data = json.loads(runner.invoke(main, ["--store", loaded, "audit", "--format", "json", "--person", "P3"]).output)
    assert [d["action"] for d in data] == ["insert", "insert", "update", "delete"]
    assert data[2]["before"] == {"title": "Buyer"} and data[2]["after"] == {"title": "CFO"}
    assert data[3]["before"]["org_id"] == "A2" and data[3]["after"] is None


def test_audit_per_account_and_nothing_recorded(loaded):
    runner = CliRunner()
    data = json.loads(runner.invoke(main, ["--store", loaded, "audit", "--account", "A1", "--format", "json"]).output)
    keys = {(d["entity"], "/".join(d["key"].values())) for d in data}
    # the account, its employee P1 (and P1's attendance), its interaction I1 with its attendees
    assert keys == {("accounts", "A1"), ("people", "P1"), ("employment", "P1/A1"), ("interactions", "I1"),
                    ("attendance", "I1/P1"), ("attendance", "I1/P2")}
    none = runner.invoke(main, ["--store", loaded, "audit", "--person", "nobody"])
    assert none.exit_code == 0 and "No changes recorded for person nobody." in none.output


def test_an_erased_person_leaves_the_cli_trail(loaded):
    runner = CliRunner()
    assert runner.invoke(main, ["--store", loaded, "erase-person", "P1", "--yes"]).exit_code == 0
    out = runner.invoke(main, ["--store", loaded, "audit", "--format", "csv"]).output
    assert "P1" not in out and "王建国" not in out
    assert "I1" in out  # the interaction P2 also attended stays, and so does its entry


def test_change_text_for_each_action():
    assert change_text("insert", {"id": "P1"}, None, {"id": "P1", "name": "Ann", "title": None}) == "+ name=Ann"
    assert change_text("delete", {"person_id": "P1", "org_id": "A1"}, {"person_id": "P1", "org_id": "A1",
                                                                      "title": "CEO"}, None) == "- title=CEO"
    assert change_text("update", {"id": "P1"}, {"level": None}, {"level": 2}) == "level: (empty) → 2"
