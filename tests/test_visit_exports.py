"""Visit-plan exports: every file is opened again and must say what the plan says.

CSV with pandas, Excel with openpyxl, the calendar with strict RFC 5545 line checks (CRLF
line ends, physical lines <= 75 octets, BEGIN/END balance, required properties, TEXT
escaping), the briefing pack with html.parser. A hostile portfolio (formula names, commas,
semicolons, backslashes, newlines, markup, long Chinese titles) checks neutralizing,
escaping and folding; the sample portfolio checks content.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis_fixtures import build_snapshot
from kamgraph.analysis.visits import briefing_text, plan_visits
from kamgraph.errors import ConfigError
from kamgraph.report.visitplan import event_uid, ics_escape, ics_fold, plan_ics, write_plan
from kamgraph.schema import ENTITIES, normalize_frame
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
HOSTILE_NAME = '=HYPERLINK("http://x","y"); O\'Neil, Jr.\\ <script>alert(1)</script>\nsecond line'
LONG_TITLE = "董事长兼总经理、首席执行官、战略委员会主任" * 3


# -- a strict little iCalendar reader ---------------------------------------------------------

def ics_lines(text: str) -> list[str]:
    """Unfolded content lines, checking CRLF and the 75-octet limit on the way."""
    assert text.endswith("\r\n")
    physical = text.split("\r\n")[:-1]
    logical: list[str] = []
    for line in physical:
        assert "\r" not in line and "\n" not in line, f"bare CR or LF in {line!r}"
        assert len(line.encode("utf-8")) <= 75, f"line longer than 75 octets: {line!r}"
        if line.startswith(" "):
            assert logical, "a continuation line cannot come first"
            logical[-1] += line[1:]
        else:
            assert line, "empty content line"
            logical.append(line)
    return logical


def ics_unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            nxt = value[i + 1]
            assert nxt in "\\;,nN", f"bad escape \\{nxt}"
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            assert ch not in ",;", f"unescaped {ch!r} in TEXT value {value!r}"
            out.append(ch)
            i += 1
    return "".join(out)


def parse_ics(text: str) -> list[dict]:
    """VEVENTs as {property name (with params): unescaped value}, checking structure."""
    stack: list[str] = []
    events: list[dict] = []
    calendar: dict = {}
    current: dict | None = None
    for line in ics_lines(text):
        name, _, value = line.partition(":")
        assert _, f"no colon in {line!r}"
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
        elif name == "END":
            assert stack and stack.pop() == value, f"END:{value} does not close {stack}"
            if value == "VEVENT":
                events.append(current)
                current = None
        elif current is not None:
            text_props = {"SUMMARY", "DESCRIPTION", "LOCATION"}
            current[name] = ics_unescape(value) if name in text_props else value
        else:
            calendar[name] = value
    assert stack == [], f"unclosed {stack}"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    for e in events:
        for required in ("UID", "DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE", "SUMMARY", "DESCRIPTION"):
            assert required in e, f"VEVENT without {required}"
    return events


# -- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_plan():
    snap = build_snapshot(
        accounts=[{"id": "A1", "name": "Acme; Ltd, \\ <b>bold</b>", "tier": "diamond", "city": "Shang,hai;"}],
        people=[{"id": "u1", "name": "+CEO, Ursula", "side": "internal", "level": 1},
                {"id": "c1", "name": HOSTILE_NAME, "side": "customer", "level": 1, "org_id": "A1",
                 "title": LONG_TITLE, "decision_role": "decision_maker", "attitude": "neutral", "influence": 5},
                {"id": "c2", "name": "@Approver", "side": "customer", "level": 2, "org_id": "A1",
                 "decision_role": "approver", "attitude": "opponent", "influence": 4}],
        interactions=[{"id": "i1", "date": "2026-05-01", "kind": "meal", "subject": "-subject; with, commas",
                       "attendees": ["c1", "c2"]}],
    )
    return plan_visits(snap, Settings(as_of="2026-06-30"))


@pytest.fixture(scope="module")
def sample_plan():
    if not (SAMPLE / "README.md").exists():
        pytest.skip(f"sample data not found at {SAMPLE} (no README.md)")
    frames = {}
    for name in ENTITIES:
        df = pd.read_csv(SAMPLE / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
        frames[name] = normalize_frame(name, df.astype(object).where(df != "", None))
    return plan_visits(Snapshot(frames), Settings.load(SAMPLE / "kamgraph.toml"))


# -- iCalendar --------------------------------------------------------------------------------

def test_escape_and_fold():
    assert ics_escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    folded = ics_fold("DESCRIPTION:" + "陈" * 40)  # 12 + 120 octets
    parts = folded.split("\r\n")
    assert [len(p.encode()) for p in parts] == [75, 58]  # 12 + 21 * 3 = 75; then " " + 19 * 3
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == "DESCRIPTION:" + "陈" * 40


def test_hostile_calendar_is_strict_rfc5545(hostile_plan):
    text = plan_ics(hostile_plan)
    events = parse_ics(text)
    assert len(events) == len(hostile_plan.visits) == 2
    by_contact = dict(zip(hostile_plan.visits["contact_id"], range(2)))
    e = events[by_contact["c1"]]
    b = hostile_plan.briefings[by_contact["c1"]]
    assert e["SUMMARY"] == f"Visit {HOSTILE_NAME} (Acme; Ltd, \\ <b>bold</b>) – +CEO, Ursula"
    assert e["LOCATION"] == "Shang,hai;"
    assert e["DESCRIPTION"] == "Placeholder date: agree the real one with the contact.\n" + briefing_text(b)
    assert LONG_TITLE in e["DESCRIPTION"]
    assert e["DTSTAMP"] == "20260630T000000Z"  # the as-of date, not the wall clock


def test_sample_calendar_events_match_the_plan(sample_plan):
    events = parse_ics(plan_ics(sample_plan))
    v = sample_plan.visits
    assert len(events) == len(v) == 12
    start, end = sample_plan.period
    for e, row, b in zip(events, v.itertuples(index=False), sample_plan.briefings):
        day = pd.Timestamp(e["DTSTART;VALUE=DATE"])
        assert day == row.placeholder_date and start <= day <= end
        assert pd.Timestamp(e["DTEND;VALUE=DATE"]) == day + pd.Timedelta(days=1)
        assert e["UID"] == event_uid(row.executive_id, row.contact_id, sample_plan.period)
        assert e["SUMMARY"] == f"Visit {row.contact_name} ({row.account_name}) – {row.executive_name}"
        assert e["DESCRIPTION"].endswith(briefing_text(b))
    assert len({e["UID"] for e in events}) == 12
    c001 = events[v["contact_id"].tolist().index("C-001")]
    assert "Introduction: Chen Hao 陈昊 (our CEO 首席执行官) → Sun Lihua 孙丽华, classmate" in c001["DESCRIPTION"]


def test_uid_is_stable_per_executive_contact_and_period():
    q4 = (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-12-31"))
    assert event_uid("S-01", "C-001", q4) == event_uid("S-01", "C-001", ("2026-10-01", "2026-12-31"))
    assert event_uid("S-01", "C-001", q4) != event_uid("S-02", "C-001", q4)
    assert event_uid("S-01", "C-001", q4) != event_uid("S-01", "C-001", (q4[0], pd.Timestamp("2027-01-31")))
    assert event_uid("S-01", "C-001", q4).endswith("@kamgraph")


# -- CSV, Excel, HTML -------------------------------------------------------------------------

def test_csv_export(sample_plan, hostile_plan, tmp_path):
    df = pd.read_csv(write_plan(sample_plan, tmp_path / "plan.csv"), keep_default_na=False)
    v = sample_plan.visits
    assert df["contact_id"].tolist() == v["contact_id"].tolist()
    assert df["executive_id"].tolist() == v["executive_id"].tolist()
    assert df["priority"].tolist() == pytest.approx(v["priority"].round(6).tolist(), abs=1e-9)
    row = df[df["contact_id"] == "C-001"].iloc[0]
    assert row["via_id"] == "X-01" and row["access"] == "introduction"
    assert row["known_by"] == "Gu Weiming 顾伟明 0.01; Xu Ying 徐颖 0.01"  # both 0.0070 (the supplier day)
    h = pd.read_csv(write_plan(hostile_plan, tmp_path / "h.csv"), keep_default_na=False)
    assert set(h["contact_name"]) == {"'" + HOSTILE_NAME, "'@Approver"}
    assert h["executive_name"].tolist() == ["'+CEO, Ursula"] * 2


def test_excel_export(sample_plan, hostile_plan, tmp_path):
    wb = openpyxl.load_workbook(write_plan(sample_plan, tmp_path / "plan.xlsx"))
    assert wb.sheetnames == ["Plan", "Briefings", "Executives", "Candidates", "About"]
    plan = list(wb["Plan"].iter_rows(values_only=True))
    header = list(plan[0])
    assert [r[header.index("contact_id")] for r in plan[1:]] == sample_plan.visits["contact_id"].tolist()
    briefings = list(wb["Briefings"].iter_rows(values_only=True))
    assert [r[-1] for r in briefings[1:]] == [briefing_text(b) for b in sample_plan.briefings]
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True)}
    assert about["as_of"] == "2026-11-15" and about["period"] == "2026-11-15 to 2027-02-14"
    assert len(list(wb["Candidates"].iter_rows())) == 1 + len(sample_plan.candidates)
    hw = openpyxl.load_workbook(io.BytesIO(write_plan(hostile_plan, tmp_path / "h.xlsx").read_bytes()))
    cells = [c for ws in hw.worksheets for row in ws.iter_rows() for c in row]
    assert "f" not in {c.data_type for c in cells}
    assert all(c.hyperlink is None for c in cells)
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + HOSTILE_NAME in texts and "'@Approver" in texts
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)


class _Pack(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: dict[str, int] = {}
        self.cards = 0
        self.text: list[str] = []
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if ("class", "card") in attrs:
            self.cards += 1
        self.refs += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_data(self, data):
        self.text.append(data)


def test_html_briefing_pack(sample_plan, hostile_plan, tmp_path):
    p = _Pack()
    p.feed(write_plan(sample_plan, tmp_path / "plan.html").read_text(encoding="utf-8"))
    assert p.cards == len(sample_plan.visits)
    assert p.tags["h2"] == 2 + 1  # one section per executive, then "About this plan"
    assert "script" not in p.tags and not p.refs
    text = "".join(p.text)
    assert "Chen Hao 陈昊 (our CEO 首席执行官) → Sun Lihua 孙丽华, classmate" in text
    assert "Trip 1:" in text and "As of 2026-11-15" in text
    raw = write_plan(hostile_plan, tmp_path / "h.htm").read_text(encoding="utf-8")
    h = _Pack()
    h.feed(raw)
    assert "script" not in h.tags and "b" not in h.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "&lt;b&gt;bold&lt;/b&gt;" in raw
    assert h.cards == 2


def test_write_plan_refuses_unknown_formats(sample_plan, tmp_path):
    with pytest.raises(ConfigError, match="use one of .csv, .xlsx, .ics, .html"):
        write_plan(sample_plan, tmp_path / "plan.txt")


def test_exports_are_reproducible(sample_plan, tmp_path):
    a = write_plan(sample_plan, tmp_path / "a.xlsx").read_bytes()
    b = write_plan(sample_plan, tmp_path / "b.xlsx").read_bytes()
    assert a == b
    assert plan_ics(sample_plan) == plan_ics(sample_plan)
