"""The coverage report on the sample portfolio: its tables are the analyses' results, every
file it writes (xlsx, csv, html, maps) opens and says the same, and two builds from the same
data and date are byte-identical.
"""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis_fixtures import build_snapshot
from kamgraph.analysis.coverage import account_coverage, contact_coverage
from kamgraph.analysis.gaps import gaps
from kamgraph.analysis.trends import relationship_changes
from kamgraph.errors import ConfigError
from kamgraph.report.portfolio import (
    KEY_SETTINGS,
    SHEETS,
    TABLES,
    build_coverage_report,
    map_file_name,
    settings_hash,
    settings_summary,
)
from kamgraph.schema import ENTITIES, normalize_frame
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def load_sample() -> Snapshot:
    frames = {}
    for name in ENTITIES:
        df = pd.read_csv(SAMPLE / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
        frames[name] = normalize_frame(name, df.astype(object).where(df != "", None))
    return Snapshot(frames)


@pytest.fixture(scope="module")
def settings() -> Settings:
    if not (SAMPLE / "README.md").exists():
        pytest.skip(f"sample data not found at {SAMPLE} (no README.md)")
    return Settings.load(SAMPLE / "kamgraph.toml")


@pytest.fixture(scope="module")
def snap(settings) -> Snapshot:
    return load_sample()


@pytest.fixture(scope="module")
def report(snap, settings):
    return build_coverage_report(snap, settings)


@pytest.fixture(scope="module")
def files(report, tmp_path_factory):
    d = tmp_path_factory.mktemp("report")
    return {"xlsx": report.to_excel(d / "coverage.xlsx"), "csv": d / "csv", "csv_paths": report.to_csv_folder(d / "csv"),
            "html": report.to_html(d / "report.html")}


# -- tables -----------------------------------------------------------------------------------

def test_about_states_date_scope_and_settings(report, settings):
    about = dict(zip(report.about["item"], report.about["value"]))
    assert about["as_of"] == "2026-11-15"
    assert about["previous"] == "2026-10-15"  # default: one month before
    assert about["scope"] == "all accounts"
    assert about["settings_hash"] == settings_hash(settings)
    for name in KEY_SETTINGS:
        assert f"setting {name}" in about
    assert about["setting coverage.covered"] == "0.5"


def test_accounts_are_account_coverage_plus_tiers_and_gaps(report, snap, settings):
    acc = report.accounts.set_index("account_id")
    expected = account_coverage(snap, settings).set_index("account_id")
    assert list(acc.index) == sorted(expected.index)
    pd.testing.assert_series_equal(acc["coverage_score"], expected["coverage_score"].reindex(acc.index),
                                   check_names=False)
    assert acc.loc["A-01", "coverage_score"] == pytest.approx(0.7535, abs=1e-4)  # README story (a)
    assert acc.loc["A-04", "coverage_score"] == pytest.approx(0.8168, abs=1e-4)  # README story (b)
    assert acc.loc["A-12", "problem"] and not acc.loc["A-01", "problem"]
    g = gaps(snap, settings).groupby("account_id").size()
    assert acc["gaps"].to_dict() == g.reindex(acc.index).fillna(0).astype(int).to_dict()


def test_buying_centers_are_every_contact_with_the_trend_of_the_best_tie(report, snap, settings):
    bc = report.buying_centers.set_index("contact_id")
    cc = contact_coverage(snap, settings).set_index("contact_id")
    assert sorted(bc.index) == sorted(cc.index) and len(bc) == 154
    pd.testing.assert_series_equal(bc["best_strength"], cc["best_strength"].reindex(bc.index), check_names=False)
    # story (c): S-04 – C-041, silent 215 days after monthly meetings: dormant (the README's
    # "cooling" no longer holds under the rhythm-relative labels; see tests/test_analysis_sample.py)
    assert bc.loc["C-041", "trend"] == "dormant"
    assert bc.loc["C-041", "best_internal_id"] == "S-04"
    assert bc.loc["C-001", "best_strength"] == pytest.approx(0.0070, abs=1e-4)
    assert bc.loc["C-137", "trend"] == "dormant"
    assert pd.isna(bc.loc["C-082", "best_strength"]) and bc.loc["C-082", "trend"] is None  # never met


def test_gaps_table_is_the_gap_analysis(report, snap, settings):
    pd.testing.assert_frame_equal(report.gaps, gaps(snap, settings))


def test_access_paths_to_uncovered_buying_center_contacts(report):
    p = report.access_paths
    first = p[(p["target_id"] == "C-001") & (p["rank"] == 1)].iloc[0]
    assert (first["internal_id"], first["via_id"]) == ("S-01", "X-01")
    assert first["score"] == pytest.approx(0.6694, abs=1e-4)  # README story (a), tests/test_sample_data.py
    c082 = p[p["target_id"] == "C-082"]
    assert c082[["kind", "internal_id", "via_id", "score"]].values.tolist() == [["organization", "S-02", "O-02", 0.3]]
    covered = set(report.buying_centers.loc[report.buying_centers["covered"], "contact_id"])
    assert not set(p["target_id"]) & covered


def test_trends_are_the_changes_since_previous(report, snap, settings):
    expected = relationship_changes(snap, settings, "2026-10-15", "2026-11-15")
    assert len(report.trends) == len(expected)
    assert sorted(report.trends["description"]) == sorted(expected["description"])


def test_tiers_pareto_team_and_kpis(report):
    tiers = report.tiers.set_index("tier")
    assert tiers["accounts"].to_dict() == {"diamond": 3, "gold": 4, "silver": 5, "standard": 0}
    assert tiers.loc["diamond", "revenue_share"] == pytest.approx(0.718, abs=1e-3)
    assert tiers.loc["silver", "problem_accounts"] == 1
    assert tiers.loc["diamond", "policy_executive_level"] == 1
    assert report.pareto["in_top"].tolist() == [True] * 3 + [False] * 9
    kpi = dict(zip(report.summary["kpi"], report.summary["value"]))
    assert kpi["accounts"] == 12 and kpi["contacts"] == 154 and kpi["decision_makers"] == 11
    assert kpi["revenue_share_top_20%"] == pytest.approx(0.7183, abs=1e-4)
    assert kpi["gaps"] == len(report.gaps)
    team = report.team.set_index("internal_id")
    assert team.index[:2].tolist() == ["S-01", "S-02"]  # most senior first
    assert team.loc["S-09", "key_person_risk"] == "A-04"
    assert team.loc["S-14", "key_person_risk"] == "A-09, A-12"
    assert team["load_share"].sum() == pytest.approx(1.0)
    assert "A-01:executive_sponsor" in team.loc["S-01", "team_roles"]
    st = report.strength_trend
    assert st["month"].nunique() == 12 and set(st["tier"]) == {"diamond", "gold", "silver", "portfolio"}


def test_previous_must_be_before_as_of(snap, settings):
    with pytest.raises(ConfigError, match="must be before"):
        build_coverage_report(snap, settings, previous="2026-12-01")


# -- files ------------------------------------------------------------------------------------

def test_excel_sheets_match_the_tables(files, report):
    wb = openpyxl.load_workbook(files["xlsx"])
    assert wb.sheetnames == list(SHEETS)
    assert "f" not in {c.data_type for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    ws = wb["Gaps"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == list(report.gaps.columns)
    assert len(rows) == 1 + len(report.gaps)
    col = {name: i for i, name in enumerate(rows[0])}
    kinds = [r[col["kind"]] for r in rows[1:]]
    assert kinds == report.gaps["kind"].tolist()
    assert [r[col["priority"]] for r in rows[1:]] == pytest.approx(report.gaps["priority"].tolist())
    summary = list(wb["Summary"].iter_rows(values_only=True))
    assert summary[0][0] == "About this report"
    assert ("as_of", "2026-11-15", "every figure is as of this date") in [tuple(r[:3]) for r in summary]
    acc = list(wb["Accounts"].iter_rows(values_only=True))
    header = list(acc[0])
    a01 = next(r for r in acc if r[0] == "A-01")
    assert a01[header.index("coverage_score")] == pytest.approx(0.7535, abs=1e-4)
    assert wb.properties.created == pd.Timestamp("2026-11-15").to_pydatetime()


def test_csv_folder_matches_the_tables(files, report):
    assert sorted(p.name for p in files["csv_paths"]) == sorted(f"{t}.csv" for t in TABLES)
    g = pd.read_csv(files["csv"] / "gaps.csv", keep_default_na=False)
    assert g["kind"].tolist() == report.gaps["kind"].tolist()
    assert g["target_id"].tolist() == report.gaps["target_id"].fillna("").tolist()
    assert g["priority"].tolist() == pytest.approx(report.gaps["priority"].round(6).tolist(), abs=1e-9)
    acc = pd.read_csv(files["csv"] / "accounts.csv")
    assert acc["coverage_score"].tolist() == pytest.approx(report.accounts["coverage_score"].tolist(), abs=1e-6)
    about = pd.read_csv(files["csv"] / "about.csv", keep_default_na=False)
    assert about.set_index("item").loc["as_of", "value"] == "2026-11-15"
    bc = pd.read_csv(files["csv"] / "buying_centers.csv", keep_default_na=False)
    assert len(bc) == 154
    assert bc["trend"].tolist() == report.buying_centers["trend"].fillna("").tolist()


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: dict[str, int] = {}
        self.refs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.refs += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_data(self, data):
        self.text.append(data)


def test_html_report_is_self_contained_with_charts(files, report):
    html = files["html"].read_text(encoding="utf-8")
    p = _Page()
    p.feed(html)
    assert p.tags.get("svg") == 3  # coverage by tier, gap counts, strength trends
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    assert all(r.startswith("#") for r in p.refs)  # in-page anchors only: opens offline
    text = "".join(p.text)
    assert "As of 2026-11-15" in text and "scope: all accounts" in text
    assert settings_hash(report.settings) in text
    assert "Mean coverage score by tier" in text and "Open gaps by kind" in text
    assert "Zhou Jianguo 周建国" in text
    assert p.tags.get("table", 0) >= 9


def test_reproducible_byte_identical(report, settings):
    again = build_coverage_report(load_sample(), settings)
    assert again.csv_files() == report.csv_files()
    assert again.excel_bytes() == report.excel_bytes()
    assert again.html() == report.html()
    with zipfile.ZipFile(io.BytesIO(report.excel_bytes())) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 15, 0, 0, 0)}


def test_scoped_report_with_an_older_previous_date_and_maps(snap, settings, tmp_path):
    r = build_coverage_report(snap, settings, previous="2026-06-01", accounts=["A-03"])
    assert r.scope == ("A-03",) and r.scope_label == "A-03"
    assert set(r.accounts["account_id"]) == {"A-03"} and set(r.gaps["account_id"]) == {"A-03"}
    # story: C-042 Liang Xiaoqing turned supporter -> skeptic on 2026-06-18
    turned = r.trends[(r.trends["kind"] == "attitude") & (r.trends["person_id"] == "C-042")]
    assert turned[["before", "after"]].values.tolist() == [["supporter", "skeptic"]]
    assert turned["date"].iloc[0] == pd.Timestamp("2026-06-18")
    paths = r.write_maps(tmp_path / "maps")
    a03 = map_file_name("A-03")  # the id made safe plus 12 hex digits of its SHA-256
    assert a03.startswith("A-03-") and [p.name for p in paths] == [a03, "index.html"]
    page = (tmp_path / "maps" / a03).read_text(encoding="utf-8")
    assert "<html" in page.lower() and "Fang Zhiyuan" in page
    index = _Page()
    index.feed((tmp_path / "maps" / "index.html").read_text(encoding="utf-8"))
    assert index.refs == [a03]


def test_hostile_names_are_escaped_and_neutralized(tmp_path):
    snap = build_snapshot(
        accounts=[{"id": "A1", "name": "<script>alert(1)</script>", "tier": "gold", "region": "=cmd|' /C calc'!A0"}],
        people=[{"id": "u1", "name": "@SUM(A1)", "side": "internal", "level": 1},
                {"id": "c1", "name": '=HYPERLINK("http://x","y")', "side": "customer", "level": 1, "org_id": "A1",
                 "decision_role": "decision_maker", "attitude": "neutral"}],
        ties=[{"person_id": "u1", "other_id": "c1", "kind": "friend", "strength": 1}],
    )
    r = build_coverage_report(snap, Settings(as_of="2026-06-30"))
    html = r.html()
    p = _Page()
    p.feed(html)
    assert "script" not in p.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    r.to_csv_folder(tmp_path / "csv")
    raw = (tmp_path / "csv" / "buying_centers.csv").read_text(encoding="utf-8-sig")
    assert "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" in raw and "'@SUM(A1)" in raw
    wb = openpyxl.load_workbook(io.BytesIO(r.excel_bytes()))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert "f" not in {c.data_type for c in cells}
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'=HYPERLINK(\"http://x\",\"y\")" in texts and "'=cmd|' /C calc'!A0" in texts
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)


def test_settings_summary_lists_key_and_changed_settings():
    s = Settings().replace(coverage={"covered": 0.6}, tiers={"pareto_share": 0.3})
    summary = settings_summary(s).set_index("setting")
    assert summary.loc["coverage.covered"].tolist() == ["0.6", "0.5", True]
    assert summary.loc["tiers.pareto_share"].tolist() == ["0.3", "0.2", True]
    assert summary.loc["coverage.thread", "changed"] == False  # noqa: E712 - key settings always listed
    assert len(summary) == len(KEY_SETTINGS) + 1
    assert settings_hash(s) != settings_hash(Settings())
    assert settings_hash(Settings(as_of="2026-01-01")) != settings_hash(Settings())
