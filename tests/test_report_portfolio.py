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
    ReportScope,
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
    assert about["scope"] == "All accounts (12)"
    assert about["scope_filters"] == "none"
    assert about["tiers"] == "portfolio-relative"
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

def _sheet(wb, name):
    """(scope line, header, rows) of a data sheet: the scope in words above the header row."""
    rows = list(wb[name].iter_rows(values_only=True))
    return rows[0][0], list(rows[1]), rows[2:]


def test_excel_sheets_match_the_tables(files, report):
    wb = openpyxl.load_workbook(files["xlsx"])
    assert wb.sheetnames == list(SHEETS) and wb.sheetnames[0] == "README"
    assert "f" not in {c.data_type for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    scope, header, rows = _sheet(wb, "Gaps")
    assert scope == "Scope: All accounts (12). As of 2026-11-15."
    assert header[:8] == ["Account", "Account id", "Tier", "Gap", "Priority", "Severity", "Who", "Suggested action"]
    assert len(rows) == len(report.gaps)
    col = {name: i for i, name in enumerate(header)}
    assert [r[col["Gap"]] for r in rows] == report.gaps["kind"].str.replace("_", " ").tolist()
    assert [r[col["Priority"]] for r in rows] == pytest.approx(report.gaps["priority"].tolist())
    assert rows[0][col["Who"]] == "Zhou Jianguo 周建国 (C-001)"  # names beside ids
    assert rows[0][col["Who acts"]] == "Chen Hao 陈昊 (S-01)"
    readme = [r for r in wb["README"].iter_rows(values_only=True)]
    assert readme[0][0] == "kamgraph coverage report, 2026-11-15"
    assert readme[1][0] == "Scope: All accounts (12). As of 2026-11-15."
    assert any(r[:3] == ("as_of", "2026-11-15", "every figure is as of this date") for r in readme)
    _, acc_header, acc = _sheet(wb, "Accounts")
    a01 = next(r for r in acc if r[1] == "A-01")
    assert a01[acc_header.index("Coverage score")] == pytest.approx(0.7535, abs=1e-4)
    assert wb.properties.created == pd.Timestamp("2026-11-15").to_pydatetime()


def test_excel_is_for_people_headers_names_formats_filters(files, report):
    wb = openpyxl.load_workbook(files["xlsx"])
    # no bare float anywhere (a 0.0173855657527513 shows as 0.02, 1.7% or 236,000,000 CNY)
    unformatted = [(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                   if isinstance(c.value, float) and c.number_format == "General"]
    assert unformatted == []
    for name in list(SHEETS)[2:]:  # every data sheet: the scope, then a header in words, filtered and frozen
        ws = wb[name]
        scope, header, rows = _sheet(wb, name)
        assert scope.startswith("Scope: All accounts (12).")
        assert all(h and "_" not in h for h in header), (name, header)
        assert ws.auto_filter.ref == f"A2:{openpyxl.utils.get_column_letter(len(header))}{len(rows) + 2}", name
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("3"), name
    ws = wb["Accounts"]
    _, header, rows = _sheet(wb, "Accounts")
    assert ws.freeze_panes == "B3"  # the header row and the account names stay in view
    col = {h: i + 1 for i, h in enumerate(header)}
    row_of = {r[col["Account id"] - 1]: i + 3 for i, r in enumerate(rows)}

    def cell(account, column):
        return ws.cell(row=row_of[account], column=col[column])

    assert cell("A-01", "Revenue").value == 236_000_000 and cell("A-01", "Revenue").number_format == '#,##0 "CNY"'
    # the sample records every amount in CNY ([tiers] currency), its Munich and Tokyo accounts' too
    assert cell("A-02", "Revenue").number_format == '#,##0 "CNY"' and cell("A-02", "Currency").value == "CNY"
    assert cell("A-05", "Currency").value == "CNY" and cell("A-11", "Currency").value == "CNY"
    assert cell("A-01", "Coverage score").number_format == "0.0%"
    assert cell("A-01", "Decision maker coverage").number_format == "0.0%"
    assert cell("A-01", "Value score").number_format == "0.00"
    assert cell("A-01", "Gaps").number_format == "0"
    assert cell("A-01", "Account responsible (AR)").value == "Gu Weiming 顾伟明 (S-03)"
    assert cell("A-01", "Executive sponsor").value == "Chen Hao 陈昊 (S-01)"
    assert cell("A-01", "Owner").value == "Gu Weiming 顾伟明 (S-03)"
    assert cell("A-01", "Tier").value == "diamond"
    # widths fit: the account names (wide characters count twice) and short ids
    assert ws.column_dimensions["A"].width >= 50 and ws.column_dimensions["B"].width <= 14
    gaps = wb["Gaps"]
    _, g_header, _ = _sheet(wb, "Gaps")
    action = openpyxl.utils.get_column_letter(g_header.index("Suggested action") + 1)
    assert gaps.column_dimensions[action].width == 60 and gaps[f"{action}3"].alignment.wrap_text
    team = wb["Team"]
    _, t_header, t_rows = _sheet(wb, "Team")
    s01 = next(i for i, r in enumerate(t_rows) if r[0] == "Chen Hao 陈昊 (S-01)")
    assert team.cell(row=s01 + 3, column=t_header.index("Share of strong ties") + 1).number_format == "0.0%"
    assert "A-01: executive sponsor" in t_rows[s01][t_header.index("Team roles")]
    summary = [r for r in wb["Summary"].iter_rows()]
    share = next(r for r in summary if r[0].value == "Share of revenue from the top 20% of accounts")
    assert share[1].value == pytest.approx(0.7183, abs=1e-4) and share[1].number_format == "0.0%"
    count = next(r for r in summary if r[0].value == "Decision-makers")
    assert count[1].value == 11 and count[1].number_format == "0"
    tiers_header = next(i for i, r in enumerate(summary) if r[0].value == "Tier")
    diamond = summary[tiers_header + 1]
    assert diamond[0].value == "diamond" and diamond[3].number_format == "0.0%"  # share of revenue


def test_readme_sheet_says_what_each_sheet_and_column_means(files):
    wb = openpyxl.load_workbook(files["xlsx"])
    rows = [r for r in wb["README"].iter_rows(values_only=True)]
    text = [str(r[0]) for r in rows if r[0]]
    assert any("portfolio-relative" in t for t in text)  # why tiers are the exception
    sheets = {r[0]: r[1] for r in rows if r[0] in SHEETS and r[1]}
    assert set(sheets) == set(SHEETS) - {"README"}
    meaning = {(r[0], r[1]): r[2] for r in rows if r[0] in SHEETS and r[2]}
    assert "role-weighted" in meaning[("Accounts", "Coverage score")]
    assert meaning[("Gaps", "Suggested action")]
    for sheet in list(SHEETS)[2:]:  # every header of every data sheet is explained
        _, header, _ = _sheet(wb, sheet)
        assert {(sheet, h) for h in header} <= set(meaning), sheet


def test_csv_folder_matches_the_tables(files, report):
    assert sorted(p.name for p in files["csv_paths"]) == sorted([f"{t}.csv" for t in TABLES] + ["README.txt"])
    readme = (files["csv"] / "README.txt").read_text(encoding="utf-8-sig")
    assert "Scope: All accounts (12). As of 2026-11-15." in readme and "  coverage_score: role-weighted" in readme
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
    assert "As of 2026-11-15" in text and "Scope: All accounts (12)" in text
    assert "portfolio-relative" in text
    assert "236,000,000 CNY" in text and "71.8%" in text  # revenue with its currency, shares as %
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
    assert r.scope == ("A-03",)
    assert r.scope_label == "Shenzhen Pengcheng Electronics 深圳鹏城电子股份有限公司 (A-03): 1 of 12 accounts"
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
    assert "'=HYPERLINK(\"http://x\",\"y\") (c1)" in texts and "'=cmd|' /C calc'!A0" in texts
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


# -- scoped reports: every figure on the scope, the scope in words -----------------------------

def _five_accounts():
    """Five accounts, revenue 50, 30, 10, 6, 4 (total 100); four of them in the East."""
    acc = [("A1", "West", 50.0, "gold", "CN"), ("A2", "East", 30.0, "gold", "US"), ("A3", "East", 10.0, "silver", "CN"),
           ("A4", "East", 6.0, "silver", "DE"), ("A5", "East", 4.0, "silver", "JP")]
    return build_snapshot(
        accounts=[{"id": i, "name": f"Account {i}", "region": r, "revenue": v, "tier": t, "country": c,
                   "owner_id": "u1" if i in ("A2", "A3") else "u2"} for i, r, v, t, c in acc],
        people=[{"id": "u1", "name": "Ann Owner", "side": "internal", "level": 2},
                {"id": "u2", "name": "Bo Owner", "side": "internal", "level": 2}]
        + [{"id": f"c{i}", "name": f"Contact {i}", "side": "customer", "level": 1, "org_id": f"A{i}",
            "decision_role": "decision_maker", "attitude": "neutral"} for i in range(1, 6)],
        ties=[{"person_id": "u1", "other_id": "c2", "kind": "friend", "strength": 5}],
    )


def test_pareto_tier_shares_and_kpis_are_computed_on_the_scope():
    snap, settings = _five_accounts(), Settings(as_of="2026-06-30")
    whole = build_coverage_report(snap, settings)
    assert whole.pareto["in_top"].tolist() == [True, False, False, False, False]  # ceil(0.2 * 5) = 1
    assert dict(zip(whole.summary["kpi"], whole.summary["value"]))["revenue_share_top_20%"] == pytest.approx(0.5)

    east = build_coverage_report(snap, settings, scope=ReportScope(regions=("East",)))
    assert east.scope == ("A2", "A3", "A4", "A5")
    # by hand: the East's revenue is 30 + 10 + 6 + 4 = 50; its top 20% is ceil(0.8) = 1 account, A2: 30 / 50
    assert east.pareto["account_id"].tolist() == ["A2", "A3", "A4", "A5"]
    assert east.pareto["cum_revenue_share"].tolist() == pytest.approx([0.6, 0.8, 0.92, 1.0])
    assert east.pareto["cum_account_share"].tolist() == pytest.approx([0.25, 0.5, 0.75, 1.0])
    assert east.pareto["in_top"].tolist() == [True, False, False, False]
    assert east.pareto["currency"].tolist() == ["USD", "CNY", "EUR", "JPY"]
    kpi = dict(zip(east.summary["kpi"], east.summary["value"]))
    assert kpi["revenue_share_top_20%"] == pytest.approx(0.6) and kpi["accounts"] == 4
    assert kpi["decision_makers"] == 4 and kpi["decision_makers_covered"] == 1
    tiers = east.tiers.set_index("tier")
    assert tiers.loc["gold", "revenue"] == 30 and tiers.loc["gold", "revenue_share"] == pytest.approx(0.6)
    assert tiers.loc["silver", "revenue_share"] == pytest.approx(0.4)
    # tiers themselves stay portfolio-relative: the same tier and value score as in the whole report
    w = whole.accounts.set_index("account_id")
    e = east.accounts.set_index("account_id")
    assert e["value_score"].to_dict() == w["value_score"].reindex(e.index).to_dict()
    assert "A1" not in set(east.gaps["account_id"]) and set(east.team["internal_id"]) == {"u1"}
    assert set(east.strength_trend["tier"]) <= {"gold", "silver", "all in scope"}


def test_the_scope_in_words(snap, settings):
    scope = ReportScope(regions=("East China",), tiers=("gold", "diamond"))
    assert scope.account_ids(snap, settings) == ["A-01", "A-06"]
    assert scope.describe(snap, 2) == "East China, gold and diamond accounts: 2 of 12 accounts"
    assert ReportScope(tiers=("silver",)).describe(snap, 5) == "Silver accounts: 5 of 12 accounts"
    assert ReportScope(owners=("S-14",)).describe(snap, 2) == "Accounts owned by Shi Jiawei 史家伟 (S-14): 2 of 12 accounts"
    assert ReportScope(owners=("S-14",)).account_ids(snap, settings) == ["A-09", "A-12"]
    assert ReportScope().describe(snap) == "All accounts (12)"
    assert scope.filters_text() == "tier=gold,diamond; region=East China"
    with pytest.raises(ConfigError, match="no account is in the scope: Japan, diamond and gold accounts"):
        build_coverage_report(snap, settings, scope=ReportScope(regions=("Japan",), tiers=("diamond", "gold")))


def test_every_output_of_a_scoped_report_holds_only_its_accounts_and_says_so(snap, settings, tmp_path):
    r = build_coverage_report(snap, settings, scope=ReportScope(regions=("East China",), tiers=("gold", "diamond")))
    sentence = "Scope: East China, gold and diamond accounts: 2 of 12 accounts. As of 2026-11-15."
    wb = openpyxl.load_workbook(io.BytesIO(r.excel_bytes()))
    assert [c.value for c in next(wb["README"].iter_rows(min_row=2, max_row=2))][0] == sentence
    for sheet, column in (("Accounts", "Account id"), ("Gaps", "Account id"), ("Buying centers", "Account id"),
                          ("Pareto", "Account id")):
        scope, header, rows = _sheet(wb, sheet)
        assert scope == sentence
        assert {row[header.index(column)] for row in rows} == {"A-01", "A-06"}, sheet
    with zipfile.ZipFile(io.BytesIO(r.csv_zip_bytes())) as z:
        assert z.namelist()[0] == "README.txt"
        assert sentence in z.read("README.txt").decode("utf-8-sig")
        acc = pd.read_csv(io.BytesIO(z.read("accounts.csv")))
        assert acc["account_id"].tolist() == ["A-01", "A-06"]
        assert pd.read_csv(io.BytesIO(z.read("pareto.csv")))["cum_revenue_share"].iloc[-1] == 1
    page = _Page()
    page.feed(r.html())
    text = "".join(page.text)
    assert "Scope: East China, gold and diamond accounts: 2 of 12 accounts" in text
    assert "Hangzhou Tianmu" in text and "Bayern" not in text and "Shenzhen" not in text


def test_an_accounts_own_currency_wins_and_a_bad_code_is_never_a_format():
    from kamgraph.analysis.money import account_currencies, money_format

    acc = pd.DataFrame({"id": ["A", "B", "C", "D"], "country": ["CN", "US", "XX", "DE"],
                        "currency": ["usd", None, None, '"=1+1"']})
    assert account_currencies(acc).tolist() == ["USD", "USD", None, "EUR"]  # a bad code falls back to the country
    # a reporting currency stands before the country's, not before the account's own
    assert account_currencies(acc, reporting="CNY").tolist() == ["USD", "CNY", "CNY", "CNY"]
    assert account_currencies(acc, reporting='"=1"').tolist() == ["USD", "USD", None, "EUR"]  # never a bad code
    assert money_format(None) == "#,##0" and money_format('"=1"') == "#,##0"
