"""The coverage report, the visit plan's exports, the briefings and the calendars in Chinese.

Every output is built from the sample in ``zh_CN`` and opened again the way a reader's tool
opens it (openpyxl, zipfile + csv, html.parser, icalendar). What kamgraph writes around the
data (sheet names, headers, README texts, titles, headings, labels, calendar texts) must be
Chinese: once every data value (names, titles, notes...) and every sentence an analysis
produced (gap actions, path texts, visit reasons, talking points: translated in
:mod:`kamgraph.analysis`, checked by its own tests) is taken out, no English word may be left
(:func:`i18n_walk.foreign`). Formula injection stays neutralized in Chinese; English output
is unchanged (sheet names, headers, ``lang="en"``) and does not pick up Chinese after a
Chinese build.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import openpyxl
import pandas as pd
import pytest
from i18n_walk import data_vocabulary, foreign
from test_visit_exports import (
    load_sample,  # the sample read from its CSV files, as the visit exports test reads it
)

from kamgraph.analysis.visits import (
    briefing_text,
    meeting_line,
    opportunity_line,
    plan_visits,
    proposed_day,
    role_words,
)
from kamgraph.i18n import use_language
from kamgraph.report.portfolio import SHEETS, ReportScope, build_coverage_report
from kamgraph.report.visitplan import (
    plan_csv_bytes,
    plan_excel_bytes,
    plan_html,
    plan_ics,
    plan_table,
    write_calendars,
)
from kamgraph.snapshot import Snapshot

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
HOSTILE = '=HYPERLINK("http://x","y")'
#: setting names (``coverage.covered``) stay as kamgraph.toml spells them
_SETTING = re.compile(r"\b[a-z_]+(?:\.[a-z_0-9]+)+\b")
#: the CSV column names README.txt explains (``  account_id: ...``) stay as the files spell them
_README_CODE = re.compile(r"^\s+[a-z_0-9]+:", re.M)
_HAN = re.compile(r"[\u4e00-\u9fff]")
#: the settings fingerprint (hex digits)
_HASH = re.compile(r"\b[0-9a-f]{12}\b")

#: columns whose text an analysis writes (translated in kamgraph.analysis, not here)
ANALYSIS_COLUMNS = {"gaps": ("action", "evidence", "path"), "access_paths": ("explanation",),
                    "trends": ("description",)}


@pytest.fixture(scope="module")
def sample():
    if not (SAMPLE / "README.md").exists():
        pytest.skip(f"sample data not found at {SAMPLE} (no README.md)")
    return load_sample()


@pytest.fixture(scope="module")
def vocabulary(sample):
    return data_vocabulary(sample[0].frames)


@pytest.fixture(scope="module")
def zh_report(sample):
    snap, settings = sample
    with use_language("zh_CN"):
        r = build_coverage_report(snap, settings)
        return {"report": r, "xlsx": r.excel_bytes(), "zip": r.csv_zip_bytes(), "html": r.html()}


@pytest.fixture(scope="module")
def zh_plan(sample):
    snap, settings = sample
    with use_language("zh_CN"):
        return plan_visits(snap, settings.replace(tiers={"currency": "CNY"}))


def _analysis_texts(report) -> list[str]:
    out = []
    for table, cols in ANALYSIS_COLUMNS.items():
        df = report.tables[table]
        for c in cols:
            if c in df.columns:
                out += [str(v) for v in df[c].dropna().unique()]
    return out


def _briefing_texts(plan) -> list[str]:
    """Every sentence the visit analysis wrote into the plan's briefings, in Chinese."""
    with use_language("zh_CN"):
        return _briefing_sentences(plan)


def _briefing_sentences(plan) -> list[str]:
    out: list[str] = []
    for b in plan.briefings:
        out += [b.get("why") or "", b.get("access_text") or "", b.get("relationship") or "",
                b.get("attitude_text") or "", briefing_text(b)]
        out += list(b.get("standing") or []) + list(b.get("closes") or []) + list(b.get("talking_points") or [])
        out += [opportunity_line(o) for o in b["opportunities"]] + [meeting_line(m) for m in b["meetings"]]
        out += [str(k.get(f) or "") for k in b["known_by"] for f in ("words", "trend")]
        out += [proposed_day(b["date"])] if b.get("date") else []
    v = plan.visits
    out += [proposed_day(d) for d in v["placeholder_date"]] + [role_words(r) for r in v["decision_role"]]
    out += [role_words(r) for r in plan.candidates["decision_role"]]
    return [x for x in out if x and len(x) >= 2]


def _without(texts, extra: list[str], vocabulary: list[str]) -> list[str]:
    """The texts once the data and the analyses' sentences are taken out (longest first)."""
    cut = sorted(set(extra) | set(vocabulary), key=len, reverse=True)
    cleaned = []
    for t in texts:
        t = _FILE.sub(" ", " ".join(str(t).split()))
        for x in cut:
            x = " ".join(x.split())
            if x and x in t:
                t = t.replace(x, " \x00 ")
        cleaned.append(_HASH.sub(" ", _SETTING.sub(" ", t)))
    return cleaned


#: names of things, not English words
NAMES = ("ISO", "SHA", "UTF", "YYYY")
#: file names (``gaps.csv``) stay as they are
_FILE = re.compile(r"\b[\w.-]+\.(?:csv|txt|xlsx|html|ics)\b")


def _workbook_texts(data: bytes) -> tuple[openpyxl.Workbook, list[str]]:
    """The sheet names and text cells; a cell that is a table's column name (the README's "CSV
    column", for pipes) left out."""
    from kamgraph.report.columns import CATALOGUE
    from kamgraph.report.portfolio import TABLES

    codes = {c.name for cols in CATALOGUE.values() for c in cols} | {f"{t}.csv" for t in TABLES}
    wb = openpyxl.load_workbook(io.BytesIO(data))
    texts = [ws.title for ws in wb.worksheets] + [
        c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
        if isinstance(c.value, str) and c.value not in codes]
    return wb, texts


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.lang = None

        self._style = False

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        self._style = tag == "style"

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if data.strip() and not self._style:  # the CSS is no text a person reads
            self.text.append(data.strip())


def _html(text: str) -> _Text:
    p = _Text()
    p.feed(text)
    return p


# -- the coverage report ------------------------------------------------------------------------

def test_chinese_workbook_sheets_headers_and_no_english(zh_report, vocabulary):
    wb, texts = _workbook_texts(zh_report["xlsx"])
    assert wb.sheetnames == ["说明", "概览", "客户", "采购决策小组", "缺口", "接触路径", "变化内容", "强度趋势", "团队", "帕累托"]
    header = [c.value for c in next(r for r in wb["客户"].iter_rows(min_row=2, max_row=2))]
    assert header[:4] == ["客户", "客户编号", "客户等级", "计算等级"] and "覆盖得分" in header and "决策者覆盖" in header
    readme = [c.value for row in wb["说明"].iter_rows() for c in row if isinstance(c.value, str)]
    assert readme[0] == "kamgraph覆盖报告，2026年11月15日" and "范围：全部客户（12个）。截至2026年11月15日。" in readme
    assert {"工作表", "内容", "列", "含义", "关于本报告", "截至", "设置 coverage.covered"} <= set(readme)
    # codes in words: tiers, roles, trends
    bc = pd.DataFrame(list(wb["采购决策小组"].values)[2:], columns=list(wb["采购决策小组"].values)[1])
    assert set(bc["决策角色"].dropna()) <= {"决策者", "审批者", "技术评估者", "使用者", "影响者", "采购", "教练"}
    assert {"拥护者", "反对者"} <= set(bc["态度"].dropna()) and "降温" in set(bc["趋势"].dropna())
    assert set(bc["已覆盖"].dropna()) == {"是", "否"}  # no TRUE/FALSE
    left = foreign(_without(texts, _analysis_texts(zh_report["report"]), vocabulary), "zh_CN", [], NAMES)
    assert not left, left[:10]


def test_chinese_workbook_keeps_numbers_numeric_and_formats(zh_report):
    wb = openpyxl.load_workbook(io.BytesIO(zh_report["xlsx"]))
    rows = list(wb["客户"].values)
    header, first = rows[1], rows[2]
    score = first[header.index("覆盖得分")]
    assert isinstance(score, float) and 0 <= score <= 1
    assert wb["客户"].cell(row=3, column=header.index("覆盖得分") + 1).number_format == "0.0%"


def test_chinese_csv_zip_readme_in_chinese_and_files_for_pipes(zh_report, vocabulary):
    z = zipfile.ZipFile(io.BytesIO(zh_report["zip"]))
    readme = z.read("README.txt").decode("utf-8-sig")
    assert readme.startswith("kamgraph覆盖报告，2026年11月15日")
    assert "每张表一个CSV文件" in readme and "gaps.csv（“缺口”工作表）：" in readme
    assert "  account_id: 客户编号" in readme
    text = _README_CODE.sub(" ", readme)
    left = foreign(_without(text.splitlines(), [], vocabulary), "zh_CN", [], NAMES)
    assert not left, left[:10]
    # the CSV files keep the tables' own column names (for pipes), as in English
    gaps = next(csv.reader(io.StringIO(z.read("gaps.csv").decode("utf-8-sig"))))
    assert gaps[:3] == ["account_id", "account_name", "tier"]


def test_chinese_html_report(zh_report, vocabulary):
    html = zh_report["html"]
    p = _html(html)
    assert p.lang == "zh-CN"
    assert '"Noto Sans CJK SC"' in html and '"Microsoft YaHei"' in html and '"WenQuanYi Micro Hei"' in html
    for text in ("概览", "图表", "关于本报告", "各等级平均覆盖得分", "范围：全部客户（12个）", "截至<strong>2026年11月15日</strong>"):
        assert text in html, text
    assert "<th>客户</th>" in html and "<th>决策角色</th>" in html
    left = foreign(_without(p.text, _analysis_texts(zh_report["report"]), vocabulary), "zh_CN", [], NAMES)
    assert not left, left[:10]


def test_a_scope_in_chinese_words(sample):
    snap, settings = sample
    with use_language("zh_CN"):
        text = ReportScope(tiers=("gold", "diamond")).describe(snap, 5)
        assert text == "黄金和钻石客户：12个客户中的5个"
    assert ReportScope(tiers=("gold", "diamond")).describe(snap, 5) == "Gold and diamond accounts: 5 of 12 accounts"


def test_formula_injection_stays_neutralized_in_chinese(sample):
    snap, settings = sample
    frames = dict(snap.frames)
    acc = frames["accounts"].copy()
    acc.loc[acc["id"] == "A-01", "name"] = HOSTILE
    frames["accounts"] = acc
    with use_language("zh_CN"):
        r = build_coverage_report(Snapshot(frames), settings, accounts=["A-01", "A-02"])
        wb = openpyxl.load_workbook(io.BytesIO(r.excel_bytes()))
        cells = [c for row in wb["客户"].iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
        z = zipfile.ZipFile(io.BytesIO(r.csv_zip_bytes()))
        accounts_csv = z.read("accounts.csv").decode("utf-8-sig")
        html = r.html()
    assert any(c.value == "'" + HOSTILE for c in cells)  # the account's name, neutralized
    assert all(c.data_type == "s" and not c.value.startswith("=") for c in cells)
    assert "'" + HOSTILE.replace('"', '""') in accounts_csv
    assert HOSTILE not in html and "=HYPERLINK(&quot;" in html


# -- the visit plan, briefings and calendars -------------------------------------------------------

def test_chinese_plan_workbook_csv_and_no_english(zh_plan, vocabulary):
    with use_language("zh_CN"):
        data = plan_excel_bytes(zh_plan)
        table = plan_table(zh_plan)
        csv_text = plan_csv_bytes(zh_plan).decode("utf-8-sig")
    wb, texts = _workbook_texts(data)
    assert wb.sheetnames == ["计划", "拜访简报", "高管", "候选拜访", "说明"]
    assert list(table.columns[:4]) == ["高管", "拜访", "建议日期", "日期状态"]
    assert csv_text.splitlines()[0].startswith("高管,拜访,建议日期,日期状态,城市,客户,客户等级")
    assert set(table["客户等级"].dropna()) <= {"钻石", "黄金", "白银", "标准"}
    assert table["拜访"].iloc[0] == "第1次，共6次"
    left = foreign(_without(texts, _briefing_texts(zh_plan), vocabulary), "zh_CN", [], NAMES)
    assert not left, left[:10]


def test_chinese_briefing_pack(zh_plan, vocabulary):
    with use_language("zh_CN"):
        html = plan_html(zh_plan)
        one = plan_html(zh_plan, only=0)
    for page in (html, one):
        p = _html(page)
        assert p.lang == "zh-CN" and '"Noto Sans CJK SC"' in page
        left = foreign(_without(p.text, _briefing_texts(zh_plan), vocabulary), "zh_CN", [], NAMES)
        assert not left, left[:10]
    for text in ("谈话要点", "当前关系", "进行中的商机", "接触方式", "行程（暂定）", "关于本计划",
                 "高管拜访，2027年1月1日至2027年3月31日"):
        assert text in html, text
    assert "<h4>谈话要点</h4>" in one and "拜访简报：" in one


def test_chinese_calendars(zh_plan, vocabulary, tmp_path):
    with use_language("zh_CN"):
        text = plan_ics(zh_plan)
        files = write_calendars(zh_plan, tmp_path)
    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["X-WR-CALNAME"]) == "高管拜访 2027年1月1日至2027年3月31日"
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == len(zh_plan.visits)
    texts = []
    for e in events:
        summary, description = str(e["SUMMARY"]), str(e["DESCRIPTION"])
        assert summary.startswith("拜访") and "（" in summary
        assert description.startswith("日期暂定：请与")
        texts += [summary, description, str(e.get("LOCATION", ""))]
    one = icalendar.Calendar.from_ical(files[0].read_bytes())
    assert str(one["X-WR-CALNAME"]).startswith("高管拜访 2027年1月1日至2027年3月31日 – ")
    left = foreign(_without(texts, _briefing_texts(zh_plan), vocabulary), "zh_CN", [], NAMES)
    assert not left, left[:10]


def test_no_jargon_in_chinese_exports(zh_plan, tmp_path):
    from test_visit_exports import export_texts, jargon_patterns

    patterns = jargon_patterns(zh_plan)
    with use_language("zh_CN"):
        texts = export_texts(zh_plan, tmp_path)
    for medium, text in texts.items():
        assert _HAN.search(text), medium
        found = sorted({m.group(0) for p in patterns for m in p.finditer(text)})
        assert not found, f"{medium}: {found}"


def test_formula_injection_in_the_chinese_plan(sample):
    snap, settings = sample
    frames = dict(snap.frames)
    people = frames["people"].copy()
    people.loc[people["id"] == "C-001", "name"] = HOSTILE
    frames["people"] = people
    with use_language("zh_CN"):
        plan = plan_visits(Snapshot(frames), settings)
        wb = openpyxl.load_workbook(io.BytesIO(plan_excel_bytes(plan)))
        csv_text = plan_csv_bytes(plan).decode("utf-8-sig")
    cells = [c for c in wb["计划"]["H"] if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.value.startswith("'=") and c.data_type == "s" for c in cells)
    assert "'=HYPERLINK" in csv_text and "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text


# -- English stays as it was ------------------------------------------------------------------------

def test_english_is_unchanged_after_chinese(sample, zh_report, zh_plan):
    snap, settings = sample
    r = build_coverage_report(snap, settings)
    wb, texts = _workbook_texts(r.excel_bytes())
    assert wb.sheetnames == list(SHEETS) == ["README", "Summary", "Accounts", "Buying centers", "Gaps", "Access paths",
                                             "What changed", "Strength trend", "Team", "Pareto"]
    assert [c.value for c in next(wb["Accounts"].iter_rows(min_row=2, max_row=2))][:3] == ["Account", "Account id", "Tier"]
    assert not any(_HAN.search(t) for t in _without(texts, [], data_vocabulary(snap.frames)))
    readme = zipfile.ZipFile(io.BytesIO(r.csv_zip_bytes())).read("README.txt").decode("utf-8-sig")
    assert readme.startswith("kamgraph coverage report, 2026-11-15\r\n\r\nScope: All accounts (12). As of 2026-11-15.")
    html = r.html()
    assert _html(html).lang == "en" and "<h2 id=\"summary\">Summary</h2>" in html and "Mean coverage score by tier" in html
    # the same bytes as a report built before any Chinese
    assert r.excel_bytes() == build_coverage_report(snap, settings).excel_bytes()
    plan = plan_visits(snap, settings.replace(tiers={"currency": "CNY"}))
    assert list(plan_table(plan).columns[:4]) == ["Executive", "Visit", "Proposed date", "Date status"]
    cal = icalendar.Calendar.from_ical(plan_ics(plan))
    assert str(cal["X-WR-CALNAME"]) == "Executive visits 1 Jan 2027 – 31 Mar 2027"
    assert all(str(e["SUMMARY"]).startswith("Visit ") for e in cal.walk("VEVENT"))
    page = plan_html(plan)
    assert _html(page).lang == "en" and "<h4>Talking points</h4>" in page and "Itinerary (tentative)" in page
    assert openpyxl.load_workbook(io.BytesIO(plan_excel_bytes(plan))).sheetnames == [
        "Plan", "Briefings", "Executives", "Candidates", "About"]


def test_the_chinese_check_can_fail(zh_report, vocabulary):
    # the English workbook run through the same check is full of English words
    snap = zh_report["report"].snap
    r = build_coverage_report(snap, zh_report["report"].settings)
    _, texts = _workbook_texts(r.excel_bytes())
    assert len(foreign(_without(texts, _analysis_texts(r), vocabulary), "zh_CN", [], NAMES)) > 50


# -- the CLI: kamgraph --lang zh_CN report / plan-visits --------------------------------------------

@pytest.fixture
def cli(sample_db_file):
    from click.testing import CliRunner

    from kamgraph.cli import main
    from kamgraph.i18n import set_process_language

    base = ["--store", f"sqlite:///{sample_db_file}", "--settings", str(SAMPLE / "kamgraph.toml")]
    runner = CliRunner()
    yield lambda *args: runner.invoke(main, base + list(args), catch_exceptions=False, env={"COLUMNS": "300"})
    set_process_language("en")  # --lang sets the process's language: leave English to the next test


def test_cli_report_in_chinese(cli, tmp_path):
    r = cli("--lang", "zh_CN", "report", "--out", str(tmp_path / "rep"), "--no-maps", "--tier", "gold")
    assert r.exit_code == 0, r.output
    assert f"覆盖报告（截至2026年11月15日）：14个文件，位于 {tmp_path / 'rep'}" in r.output
    assert "范围：黄金客户：12个客户中的4个" in r.output
    wb = openpyxl.load_workbook(tmp_path / "rep" / "coverage.xlsx")
    assert wb.sheetnames[:3] == ["说明", "概览", "客户"]
    assert wb["客户"]["A1"].value == "范围：黄金客户：12个客户中的4个。截至2026年11月15日。"
    page = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "<h2 id=\"summary\">概览</h2>" in page
    bad = cli("--lang", "zh_CN", "report", "--out", str(tmp_path / "x"), "--tier", "platinum")
    assert bad.exit_code != 0 and "--tier：没有客户的取值为 'platinum'；已有取值：" in bad.output
    # English again without --lang
    en = cli("report", "--out", str(tmp_path / "en"), "--no-maps")
    assert "Coverage report as of 2026-11-15" in en.output and not _HAN.search(en.output.replace(str(tmp_path), ""))


def test_cli_plan_visits_in_chinese(cli, tmp_path):
    r = cli("--lang", "zh_CN", "plan-visits", "--out", str(tmp_path / "plan.ics"), "--ics-dir", str(tmp_path / "cals"))
    assert r.exit_code == 0, r.output
    assert "拜访计划 2027年1月1日至2027年3月31日：12次拜访，总优先级" in r.output
    for header in ("高管", "建议日期", "城市", "客户", "联系人", "角色", "接触方式", "优先级"):
        assert header in r.output, header
    assert f"已将12次拜访写入 {tmp_path / 'plan.ics'}" in r.output and "个日历写入" in r.output
    cal = icalendar.Calendar.from_ical((tmp_path / "plan.ics").read_bytes())
    assert str(cal["X-WR-CALNAME"]).startswith("高管拜访")
    bad = cli("--lang", "zh_CN", "plan-visits", "--quarter", "next", "--from", "2027-01-01")
    assert bad.exit_code != 0 and "--quarter 与 --from/--to 只能二选一" in bad.output


def test_map_index_in_chinese(zh_report):
    from kamgraph.report.html import render_map_index

    with use_language("zh_CN"):
        page = render_map_index(zh_report["report"], [("A-01", "A-01-x.html", 30, 40, None)])
    p = _html(page)
    assert p.lang == "zh-CN" and "<h1>关系图</h1>" in page and "截至2026年11月15日 · 范围：全部客户（12个）" in page
    assert "<th>客户</th><th>名称</th><th>人数</th>" in page
    assert not foreign(_without(p.text, [], data_vocabulary(zh_report["report"].snap.frames)), "zh_CN", [], NAMES)


def test_every_chinese_briefing_prints_on_one_a4_page(zh_plan):
    import shutil

    pytest.importorskip("playwright.sync_api")
    exe = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(exe).exists():
        pytest.skip("no Chromium")
    from playwright.sync_api import sync_playwright

    with use_language("zh_CN"):
        pages = [plan_html(zh_plan, only=i) for i in range(len(zh_plan.visits))]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 794, "height": 1123})
        for i, html in enumerate(pages):
            page.set_content(html)
            assert page.evaluate("document.documentElement.lang") == "zh-CN"
            assert "Noto Sans CJK SC" in page.evaluate("getComputedStyle(document.body).fontFamily")
            pdf = page.pdf(format="A4", prefer_css_page_size=True)
            assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, f"briefing {i} prints on more than one page"
        browser.close()
