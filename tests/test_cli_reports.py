"""``kamgraph plan-visits`` and ``kamgraph report`` through click's CliRunner on the sample
portfolio imported into a SQLite file, with the sample's settings (as of 2026-11-15)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from kamgraph.cli import main
from kamgraph.ingest.pipeline import import_path
from kamgraph.report.portfolio import map_file_name
from kamgraph.store import open_store

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> list[str]:
    if not (SAMPLE / "README.md").exists():
        pytest.skip(f"sample data not found at {SAMPLE} (no README.md)")
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'k.db'}"
    with open_store(url) as store:
        import_path(SAMPLE, store)
    return ["--store", url, "--settings", str(SAMPLE / "kamgraph.toml")]


@pytest.fixture
def run(base):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, base + list(args), catch_exceptions=False)

    return invoke


def test_plan_visits_table(run):
    r = run("plan-visits")
    assert r.exit_code == 0, r.output
    assert "Visit plan 2027-01-01 – 2027-03-31: 12 visits" in r.output


def test_plan_visits_json_has_the_briefings(run):
    r = run("plan-visits", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["as_of"] == "2026-11-15" and data["period"] == ["2027-01-01", "2027-03-31"]  # the next calendar quarter
    assert len(data["visits"]) == 12
    c001 = next(v for v in data["visits"] if v["contact_id"] == "C-001")
    assert c001["executive_id"] == "S-01" and c001["access"] == "introduction"
    assert "Sun Lihua" in c001["introduction"]
    assert data["total_priority"] == pytest.approx(sum(v["priority"] for v in data["visits"]), abs=1e-5)


def test_plan_visits_csv_executive_capacity_and_period(run):
    r = run("plan-visits", "--executive", "S-01", "--capacity", "2", "--from", "2027-01-01", "--to", "2027-01-31",
            "--format", "csv")
    assert r.exit_code == 0, r.output
    df = pd.read_csv(io.StringIO(r.output))
    assert df["executive_id"].tolist() == ["S-01", "S-01"]
    assert "C-001" in df["contact_id"].tolist()  # the most valuable visit always makes the cut
    assert df["placeholder_date"].between("2027-01-01", "2027-01-31").all()


def test_plan_visits_region_and_account_filters(run):
    r = run("plan-visits", "--region", "East China", "--format", "json")
    assert {v["account_id"] for v in json.loads(r.output)["visits"]} <= {"A-01", "A-06", "A-09"}
    r = run("plan-visits", "--account", "A-01", "--format", "json")
    assert {v["account_id"] for v in json.loads(r.output)["visits"]} == {"A-01"}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".ics", ".html"])
def test_plan_visits_out(run, tmp_path, suffix):
    out = tmp_path / f"plan{suffix}"
    r = run("plan-visits", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert f"Wrote 12 visits to {out}" in r.output
    assert out.stat().st_size > 0
    if suffix == ".xlsx":
        assert openpyxl.load_workbook(out).sheetnames[0] == "Plan"
    elif suffix == ".ics":
        assert out.read_bytes().count(b"BEGIN:VEVENT\r\n") == 12


@pytest.mark.parametrize("args, code, message", [
    (["--out", "plan.txt"], 2, "use a file ending in .csv, .xlsx, .ics, .html"),
    (["--region", "Mars"], 1, "Error: no account in region 'Mars'"),
    (["--from", "soon"], 1, "Error: --from must be a date"),
    (["--executive", "C-001"], 1, "must be our own (internal) people"),
    (["--capacity", "-1"], 2, "Invalid value for '--capacity'"),
])
def test_plan_visits_errors(run, args, code, message):
    r = run("plan-visits", *args)
    assert r.exit_code == code
    assert message in r.output


def test_report_writes_workbook_csv_html_and_maps(run, tmp_path):
    out = tmp_path / "rep"
    r = run("report", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "Coverage report as of 2026-11-15" in r.output and "Scope: All accounts (12)" in r.output
    wb = openpyxl.load_workbook(out / "coverage.xlsx")
    assert wb.sheetnames[:4] == ["README", "Summary", "Accounts", "Buying centers"]
    assert len(list(wb["Accounts"].iter_rows())) == 14  # the scope line, the header, 12 accounts
    gaps = pd.read_csv(out / "csv" / "gaps.csv")
    assert {"A-01", "A-12"} <= set(gaps["account_id"])
    assert "<svg" in (out / "report.html").read_text(encoding="utf-8")
    maps = sorted(p.name for p in (out / "maps").iterdir())
    assert maps == sorted(map_file_name(f"A-{i:02d}") for i in range(1, 13)) + ["index.html"]


def test_report_scoped_with_previous(run, tmp_path):
    out = tmp_path / "a03"
    r = run("report", "--out", str(out), "--previous", "2026-06-01", "--account", "A-03", "--no-maps")
    assert r.exit_code == 0, r.output
    about = pd.read_csv(out / "csv" / "about.csv", keep_default_na=False).set_index("item")["value"]
    assert (about["previous"], about["scope"]) == (
        "2026-06-01", "Shenzhen Pengcheng Electronics 深圳鹏城电子股份有限公司 (A-03): 1 of 12 accounts")
    assert not (out / "maps").exists()
    r = run("report", "--out", str(out), "--previous", "later")
    assert r.exit_code == 1 and "--previous must be a date" in r.output


def test_report_by_region_and_tier_writes_only_those_accounts_and_says_the_scope(run, tmp_path):
    out = tmp_path / "east"
    r = run("report", "--out", str(out), "--region", "East China", "--tier", "gold", "--no-maps")
    assert r.exit_code == 0, r.output
    sentence = "East China, gold accounts: 1 of 12 accounts"
    assert f"Scope: {sentence}" in r.output
    wb = openpyxl.load_workbook(out / "coverage.xlsx")
    rows = list(wb["Accounts"].iter_rows(values_only=True))
    assert rows[0][0] == f"Scope: {sentence}. As of 2026-11-15."
    assert [row[1] for row in rows[2:]] == ["A-06"]  # Hangzhou Tianmu, the one East China gold account
    assert {row[1] for row in list(wb["Gaps"].iter_rows(values_only=True))[2:]} == {"A-06"}
    pareto = pd.read_csv(out / "csv" / "pareto.csv")
    assert pareto["account_id"].tolist() == ["A-06"] and pareto["cum_revenue_share"].tolist() == [1.0]
    assert pd.read_csv(out / "csv" / "accounts.csv")["account_id"].tolist() == ["A-06"]
    assert sentence in (out / "csv" / "README.txt").read_text(encoding="utf-8-sig")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"Scope: {sentence}" in html and "Shanghai Lanxin" not in html


def test_report_repeatable_filters_and_owner(run, tmp_path):
    out = tmp_path / "owner"
    r = run("report", "--out", str(out), "--owner", "S-14", "--tier", "silver", "--tier", "gold", "--no-maps")
    assert r.exit_code == 0, r.output
    assert "Scope: Silver and gold accounts owned by Shi Jiawei 史家伟 (S-14): 2 of 12 accounts" in r.output
    assert pd.read_csv(out / "csv" / "accounts.csv")["account_id"].tolist() == ["A-09", "A-12"]


@pytest.mark.parametrize("args, message", [
    (["--region", "Mars"], "--region: no account has 'Mars'; known: East China, Europe"),
    (["--tier", "platinum"], "--tier: no account has 'platinum'"),
    (["--region", "Japan", "--tier", "diamond"], "no account is in the scope: Japan, diamond accounts"),
])
def test_report_scope_errors(run, tmp_path, args, message):
    r = run("report", "--out", str(tmp_path / "x"), "--no-maps", *args)
    assert r.exit_code == 1 and message in r.output
