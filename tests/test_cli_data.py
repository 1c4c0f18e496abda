"""CLI data verbs through click's CliRunner, each on its own SQLite file in tmp_path."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import kamgraph.cli.manage as data_cli
from kamgraph.cli import main
from kamgraph.ingest.raw import RawImport, RawTable
from kamgraph.ingest.spec import SPEC_PATH, format_spec_markdown
from kamgraph.store import open_store

FILES = {
    "accounts.csv": "id,name,tier\nA1,Acme Steel,gold\n",
    "people.csv": "id,name,side,title\nP1,王建国,customer,总经理\nP2,Cy Park,internal,Account Manager\n"
                  "P3,Zoë Quokkaberg,customer,Widget wrangler\n",
    "employment.csv": "person_id,org_id,title,attitude\nP1,A1,总经理,supporter\nP3,A1,,\n",
    "ties.csv": "person_id,other_id,kind,strength\nP2,P1,friend,4\nP3,P2,business,2\n",
    "interactions.csv": "id,date,kind,account_id\nI1,2024-03-01,visit,A1\nI2,2024-04-01,call,A1\n",
    "attendance.csv": "interaction_id,person_id\nI1,P1\nI1,P2\nI2,P3\n",
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'k.db'}"


@pytest.fixture
def loaded(runner, url, tmp_path) -> str:
    result = runner.invoke(main, ["--store", url, "import", str(write(tmp_path / "in", FILES))])
    assert result.exit_code == 0, result.output
    return url


def counts(url: str) -> dict[str, int]:
    with open_store(url) as s:
        return {k: v for k, v in s.counts().items() if v}


# ---------------------------------------------------------------------------------------
# import / validate
# ---------------------------------------------------------------------------------------


def test_import_prints_rows_per_entity_and_warnings(runner, url, tmp_path):
    result = runner.invoke(main, ["--store", url, "import", str(write(tmp_path / "in", FILES))])
    assert result.exit_code == 0, result.output
    assert "imported" in result.stdout and "people" in result.stdout
    assert "14 rows written" in result.stdout
    assert "warning: people: no level for 1 person (titles that give no level: 'Widget wrangler')" in result.stderr
    assert counts(url) == {"accounts": 1, "people": 3, "employment": 2, "assessments": 1, "ties": 2,
                           "interactions": 2, "attendance": 3}


def test_import_with_problems_exits_1_lists_every_problem_and_writes_nothing(runner, loaded, tmp_path):
    before = counts(loaded)
    bad = dict(FILES)
    bad["people.csv"] += "P4,New,custmer,\n"
    bad["ties.csv"] += "P1,P-999,friend,\n"
    result = runner.invoke(main, ["--store", loaded, "import", str(write(tmp_path / "bad", bad))])
    assert result.exit_code == 1
    assert "import rejected, nothing was written: 2 problems" in result.stderr
    assert ("people.csv row 5 column 'side': side 'custmer' is not one of customer, internal, external; "
            "did you mean 'customer'?") in result.stderr
    assert "ties.csv row 4 column 'other_id': unknown person 'P-999'" in result.stderr
    assert "Traceback" not in result.output
    assert counts(loaded) == before


def test_import_dry_run_writes_nothing(runner, url, tmp_path):
    result = runner.invoke(main, ["--store", url, "import", "--dry-run", str(write(tmp_path / "in", FILES))])
    assert result.exit_code == 0, result.output
    assert "would import (dry run)" in result.stdout
    assert "dry run: 14 rows checked, nothing written" in result.stdout
    assert counts(url) == {}


def test_imports_record_where_the_history_starts(runner, url, tmp_path):
    def history_from():
        with open_store(url) as s:
            return s.history_from(), s.snapshot().history_start

    def period(name, rows):
        inter = "id,date,kind,account_id\n" + "".join(f"{i},{d},call,A1\n" for i, d in rows)
        att = "interaction_id,person_id\n" + "".join(f"{i},P2\n" for i, _ in rows)
        return str(write(tmp_path / name, {"interactions.csv": inter, "attendance.csv": att}))

    first = runner.invoke(main, ["--store", url, "import", str(write(tmp_path / "in", FILES))])
    assert first.exit_code == 0, first.output
    assert "history from 2024-03-01" in first.stdout  # the first interaction
    assert history_from() == (pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-01"))
    # a later period keeps the start, an earlier one moves it back
    r = runner.invoke(main, ["--store", url, "import", period("q3", [("I7", "2024-08-05")])])
    assert r.exit_code == 0 and "history from 2024-03-01" in r.stdout
    r = runner.invoke(main, ["--store", url, "import", period("old", [("I0", "2023-11-20")])])
    assert r.exit_code == 0 and history_from()[0] == pd.Timestamp("2023-11-20")
    # an export that covers more than its first interaction says so
    r = runner.invoke(main, ["--store", url, "import", "--history-from", "2023-07-01",
                             period("q4", [("I8", "2024-10-02")])])
    assert r.exit_code == 0, r.output
    assert "history from 2023-07-01" in r.stdout
    assert history_from() == (pd.Timestamp("2023-07-01"), pd.Timestamp("2023-07-01"))
    # a later declared start, or a dry run, never moves it
    r = runner.invoke(main, ["--store", url, "import", "--history-from", "2024-01-01",
                             period("q5", [("I9", "2024-11-02")])])
    assert r.exit_code == 0 and "history from 2023-07-01" in r.stdout
    r = runner.invoke(main, ["--store", url, "import", "--dry-run", "--history-from", "2020-01-01",
                             period("dry", [("I10", "2024-12-02")])])
    assert r.exit_code == 0 and history_from()[0] == pd.Timestamp("2023-07-01")
    bad = runner.invoke(main, ["--store", url, "import", "--history-from", "July 2023", period("bad", [])])
    assert bad.exit_code == 2 and "--history-from" in bad.output


def test_import_and_validate_help_show_the_format(runner):
    for verb in ("import", "validate"):
        out = runner.invoke(main, [verb, "--help"]).output
        assert "DATA FORMAT (full spec: docs/data-format.md; * = required)" in out
        assert "ties.csv: person_id* (-> people), other_id* (-> people)," in out
        assert "kind* (business|friend|classmate|former_colleague|relative|comrade|official|partner|other)" in out
        assert "--mapping" in out


def test_docs_data_format_is_generated_from_the_schema():
    assert SPEC_PATH.read_text(encoding="utf-8") == format_spec_markdown(), (
        "docs/data-format.md is stale: python -c 'from kamgraph.ingest.spec import write_spec; write_spec()'")


def test_validate_passes_and_does_not_create_a_store(runner, tmp_path):
    db = tmp_path / "never.db"
    result = runner.invoke(main, ["--store", f"sqlite:///{db}", "validate", str(write(tmp_path / "in", FILES))])
    assert result.exit_code == 0, result.output
    assert "OK: 14 rows would be imported" in result.stdout
    assert not db.exists()


def test_validate_fails_with_the_problem_list(runner, url, tmp_path):
    bad = dict(FILES, **{"peple.csv": "id\n"})
    result = runner.invoke(main, ["--store", url, "validate", str(write(tmp_path / "bad", bad))])
    assert result.exit_code == 1
    assert "peple.csv: unknown file name 'peple.csv'; did you mean people.csv?" in result.stderr


def test_validate_resolves_references_against_the_store(runner, loaded, tmp_path):
    more = {"ties.csv": "person_id,other_id,kind\nP1,P3,former_colleague\n"}
    result = runner.invoke(main, ["--store", loaded, "validate", str(write(tmp_path / "more", more))])
    assert result.exit_code == 0, result.output


def test_import_with_a_mapping(runner, url, tmp_path, monkeypatch):
    import kamgraph.ingest.mappings as mappings

    class FakeCrm:
        name = "fake"

        def read(self, path):
            frame = pd.DataFrame({"id": ["C1"], "name": ["Ann"], "side": ["customer"]}, dtype=object)
            return RawImport({"people": RawTable("people", frame, "Contact.json", [2])})

    asked = []
    monkeypatch.setattr(mappings, "load_mapping", lambda name: asked.append(name) or FakeCrm())
    result = runner.invoke(main, ["--store", url, "import", "--mapping", "salesforce", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert asked == ["salesforce"]
    assert counts(url) == {"people": 1}


def test_unknown_mapping_is_a_clear_error(runner, url, tmp_path):
    result = runner.invoke(main, ["--store", url, "import", "--mapping", "hubspot", str(tmp_path)])
    assert result.exit_code == 1
    assert "unknown mapping 'hubspot'" in result.stderr


# ---------------------------------------------------------------------------------------
# export-person / erase-person
# ---------------------------------------------------------------------------------------


def test_export_person_to_stdout_and_file(runner, loaded, tmp_path):
    result = runner.invoke(main, ["--store", loaded, "export-person", "P1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["person"]["name"] == "王建国"
    assert [(t["person_id"], t["other_id"]) for t in data["ties"]] == [("P1", "P2")]
    assert [i["id"] for i in data["interactions"]] == ["I1"]
    out = tmp_path / "p1.json"
    result = runner.invoke(main, ["--store", loaded, "export-person", "P1", "--out", str(out)])
    assert result.exit_code == 0
    assert "王建国" in out.read_text(encoding="utf-8")  # UTF-8, not \u escapes
    assert json.loads(out.read_text(encoding="utf-8")) == data


def test_export_unknown_person(runner, loaded):
    result = runner.invoke(main, ["--store", loaded, "export-person", "nobody"])
    assert result.exit_code == 1
    assert "no person with id 'nobody'" in result.stderr


def test_erase_person_asks_first(runner, loaded):
    result = runner.invoke(main, ["--store", loaded, "erase-person", "P3"], input="n\n")
    assert result.exit_code == 1  # aborted
    assert "Erase Zoë Quokkaberg (P3)" in result.output
    assert counts(loaded)["people"] == 3

    result = runner.invoke(main, ["--store", loaded, "erase-person", "P3"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "erased P3:" in result.output
    assert "ties: 1 row deleted" in result.output
    assert "attendance: 1 row deleted" in result.output
    assert "interactions: 1 row deleted" in result.output  # I2 had no other attendee
    assert counts(loaded)["people"] == 2


def test_erase_person_yes_and_unknown(runner, loaded):
    result = runner.invoke(main, ["--store", loaded, "erase-person", "P1", "--yes"])
    assert result.exit_code == 0 and "people: 1 row deleted" in result.output
    result = runner.invoke(main, ["--store", loaded, "erase-person", "P1", "--yes"])
    assert result.exit_code == 1 and "no person with id 'P1'" in result.stderr


# ---------------------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A sample-like project folder (data/sample + kamgraph.toml + app.py); cwd elsewhere."""
    root = tmp_path / "project"
    sample = write(root / "data" / "sample", FILES)
    (sample / "README.md").write_text("# stories\n")
    (sample / "kamgraph.toml").write_text('as_of = "2024-05-01"\n')
    (root / "app.py").write_text("import streamlit\n")
    monkeypatch.setattr(data_cli, "project_root", lambda: root)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("KAMGRAPH_STORE", raising=False)
    return root


def test_demo_no_ui_loads_the_sample_into_a_fresh_default_store(runner, project):
    result = runner.invoke(main, ["demo", "--no-ui"])
    assert result.exit_code == 0, result.output
    db = Path("kamgraph-demo.db").resolve()
    assert db.exists()
    assert "sample loaded" in result.stdout and "people" in result.stdout
    url = f"sqlite:///{db}"
    assert counts(url)["people"] == 3
    # the undated assessment is dated with the sample settings' as_of
    with open_store(url) as s:
        assert s.read("assessments")["assessed_on"].tolist() == [pd.Timestamp("2024-05-01")]
        s.write({"people": pd.DataFrame({"id": ["X"], "name": ["left over"], "side": ["internal"]})})
    assert counts(url)["people"] == 4
    result = runner.invoke(main, ["demo", "--no-ui"])
    assert result.exit_code == 0, result.output
    assert counts(url)["people"] == 3  # deleted and recreated


def test_demo_refuses_to_overwrite_a_named_store_with_data(runner, project, loaded):
    before = counts(loaded)
    result = runner.invoke(main, ["--store", loaded, "demo", "--no-ui"])
    assert result.exit_code == 1
    assert "already holds data" in result.stderr
    assert counts(loaded) == before


def test_demo_uses_a_named_empty_store(runner, project, tmp_path):
    url = f"sqlite:///{tmp_path / 'mine.db'}"
    result = runner.invoke(main, ["--store", url, "demo", "--no-ui"])
    assert result.exit_code == 0, result.output
    assert counts(url)["people"] == 3
    assert not Path("kamgraph-demo.db").exists()


def test_demo_ignores_the_environment_store(runner, project, loaded, monkeypatch):
    monkeypatch.setenv("KAMGRAPH_STORE", loaded)
    before = counts(loaded)
    result = runner.invoke(main, ["demo", "--no-ui"])
    assert result.exit_code == 0, result.output
    assert counts(loaded) == before
    assert Path("kamgraph-demo.db").exists()


def test_demo_starts_streamlit_with_store_and_settings(runner, project, monkeypatch):
    calls = []

    def fake_run(cmd, env=None, check=False):
        calls.append((cmd, env))
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    result = runner.invoke(main, ["demo", "--port", "8765"])
    assert result.exit_code == 0, result.output
    (cmd, env), = calls
    assert cmd[1:4] == ["-m", "streamlit", "run"]
    assert cmd[4] == str(project / "app.py")
    assert cmd[5:] == ["--server.headless", "true", "--server.port", "8765"]
    assert env["KAMGRAPH_STORE"] == f"sqlite:///{Path('kamgraph-demo.db').resolve()}"
    assert env["KAMGRAPH_CONFIG"] == str(project / "data" / "sample" / "kamgraph.toml")
    assert env["KAMGRAPH_LANG"] == "en"
    calls.clear()
    result = runner.invoke(main, ["--lang", "zh-CN", "demo", "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert calls[0][1]["KAMGRAPH_LANG"] == "zh_CN"  # the app opens in the language the command ran in
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.output), result.output  # and printed Chinese


def test_demo_without_app_or_sample_is_a_clear_error(runner, project):
    (project / "app.py").unlink()
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 1 and "app not found at" in result.stderr and "--no-ui" in result.stderr
    (project / "data" / "sample" / "people.csv").unlink()
    result = runner.invoke(main, ["demo", "--no-ui"])
    assert result.exit_code == 1 and "sample data not found at" in result.stderr


def test_demo_on_the_real_sample(runner, tmp_path, monkeypatch):
    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    if not (sample / "people.csv").exists():
        pytest.skip(f"sample data not found at {sample}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAMGRAPH_STORE", raising=False)
    result = runner.invoke(main, ["demo", "--no-ui"])
    assert result.exit_code == 0, result.output
    got = counts(f"sqlite:///{tmp_path / 'kamgraph-demo.db'}")
    assert got["accounts"] >= 10 and got["people"] >= 150 and got["interactions"] > 0
