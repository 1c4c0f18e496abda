"""Visit briefings in plain words, and dates on working days.

Scheduling is checked by hand on China's calendar as the ``holidays`` library (0.109)
knows it: 2027 has the statutory Spring Festival days (eve 02-05 to 02-08, and 02-09 and
02-10 in lieu of the weekend days) but no adjusted working weekend yet (the State Council
had not published 2027's arrangement); 2026 has the adjusted working Saturdays 02-14 and
02-28, so the "may use the adjusted working Saturday" case runs on 2026.

Briefing content is checked on a hand-built account (influence links, reporting lines, an
attitude that turned, an open and a lost opportunity, notes, four meetings and an e-mail)
and on the sample's story (a): the CEO's visit to the Lanxin chairman, with the open
CNY 38M "Fab 3" proposal. The printed briefing is rendered in headless Chromium and must
fit one A4 page; ``KAMGRAPH_SCREENSHOTS=1`` also writes docs/screenshots/briefing.png.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import holidays
import icalendar
import pandas as pd
import pytest

from analysis_fixtures import build_snapshot
from kamgraph.analysis.dates import country_code, working_days
from kamgraph.analysis.visits import plan_visits, schedule_visits
from kamgraph.report.visitplan import plan_html, plan_ics
from kamgraph.schema import ENTITIES, normalize_frame
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SPRING_FESTIVAL_2027 = pd.date_range("2027-02-05", "2027-02-10")


def days(series) -> list[str]:
    return pd.to_datetime(pd.Series(list(series))).dt.strftime("%Y-%m-%d").tolist()


# -- working days ----------------------------------------------------------------------------

@pytest.mark.parametrize("name, code", [("China", "CN"), ("中国", "CN"), ("CN", "CN"), (" cn ", "CN"),
                                        ("People's Republic of China", "CN"), ("Deutschland", "DE"),
                                        ("Germany", "DE"), ("日本", "JP"), ("Singapore", "SG"), ("FRA", "FR"),
                                        ("Atlantis", None), ("", None), (None, None)])
def test_country_names_and_codes(name, code):
    assert country_code(name) == code


def test_what_the_holidays_library_knows_about_china():
    cn27 = holidays.country_holidays("CN", years=2027)
    assert all(d.date() in cn27 for d in SPRING_FESTIVAL_2027)
    assert not [d for d in cn27.weekend_workdays if d.year == 2027]  # not published in this release
    cn26 = holidays.country_holidays("CN", years=2026)
    assert {pd.Timestamp("2026-02-14").date(), pd.Timestamp("2026-02-28").date()} <= set(cn26.weekend_workdays)


def _one_city(n: int, country: str, city: str = "Shanghai", executive: str = "e") -> pd.DataFrame:
    return pd.DataFrame({"executive_id": [executive] * n, "contact_id": [f"c{i}" for i in range(n)],
                         "city": [city] * n, "country": [country] * n,
                         "priority": [float(n - i) for i in range(n)]})


def test_a_plan_over_the_2027_spring_festival_skips_the_holiday():
    # five visits in Shanghai from Monday 02-01 with at most three a week: Mon to Wed, then
    # the next week's Monday to Wednesday are the festival (02-08 .. 02-10): Thu 02-11, Fri 02-12
    out, notes = schedule_visits(_one_city(5, "CN"), "2027-02-01", "2027-02-28", week_cap=3)
    assert days(out["placeholder_date"]) == ["2027-02-01", "2027-02-02", "2027-02-03", "2027-02-11", "2027-02-12"]
    assert notes == [] and out["trip"].tolist() == [1] * 5
    # the same visits in Munich know nothing of the festival
    out, _ = schedule_visits(_one_city(5, "DE", "Munich"), "2027-02-01", "2027-02-28", week_cap=3)
    assert days(out["placeholder_date"]) == ["2027-02-01", "2027-02-02", "2027-02-03", "2027-02-08", "2027-02-09"]


def test_a_plan_may_use_an_adjusted_working_saturday():
    both = pd.concat([_one_city(1, "中国", executive="e1"), _one_city(1, "DE", "Munich", executive="e2")],
                     ignore_index=True)
    out, _ = schedule_visits(both, "2026-02-14", "2026-03-31", week_cap=3)
    # Saturday 02-14 is a working day in China (it makes up for 02-20); not in Germany
    assert days(out["placeholder_date"]) == ["2026-02-14", "2026-02-16"]
    out, _ = schedule_visits(_one_city(2, "CN"), "2026-02-27", "2026-03-31", week_cap=3)
    assert days(out["placeholder_date"]) == ["2026-02-27", "2026-02-28"]  # Friday, then the working Saturday
    assert list(working_days("CN", "2026-02-14", "2026-02-24").strftime("%m-%d")) == ["02-14", "02-24"]


def test_more_visits_than_working_days_share_a_day_and_say_so():
    out, notes = schedule_visits(_one_city(3, "CN"), "2027-02-05", "2027-02-11", week_cap=3)
    # 02-05 .. 02-10 are the festival, 02-11 is the only working day
    assert days(out["placeholder_date"]) == ["2027-02-11"] * 3
    assert len(notes) == 2 and "more visits than free working days" in notes[0]


# -- a hand-built account with every kind of fact ----------------------------------------------

@pytest.fixture(scope="module")
def rich():
    snap = build_snapshot(
        accounts=[{"id": "A1", "name": "Acme", "tier": "diamond", "city": "Shanghai", "country": "China"}],
        people=[
            {"id": "u1", "name": "Ursula CEO", "side": "internal", "level": 1, "title": "CEO",
             "email": "ursula@us.example"},
            {"id": "k1", "name": "Kim KAM", "side": "internal", "level": 4, "title": "Key Account Manager",
             "email": "kim@us.example"},
            {"id": "x1", "name": "Xu Connector", "side": "external", "email": "xu@ext.example, xu@home.example"},
            {"id": "c1", "name": "Chen Chair", "side": "customer", "level": 1, "org_id": "A1", "title": "Chairman",
             "email": "chen@acme.example", "notes": "Founder; rows on weekends.",
             "decision_role": "decision_maker", "attitude": "supporter", "influence": 5,
             "assessed_on": "2025-05-01"},
            {"id": "c2", "name": "Li Adviser", "side": "customer", "level": 2, "org_id": "A1",
             "title": "Chief Adviser", "decision_role": "approver", "attitude": "neutral", "influence": 4},
            {"id": "c3", "name": "Wang Engineer", "side": "customer", "level": 3, "org_id": "A1",
             "title": "Chief Engineer", "decision_role": "technical_evaluator", "attitude": "neutral",
             "influence": 3},
        ],
        assessments=[{"person_id": "c1", "account_id": "A1", "assessed_on": "2025-11-20", "attitude": "skeptic",
                      "decision_role": "decision_maker", "influence": 5}],
        reports_to=[{"person_id": "c2", "manager_id": "c1"}, {"person_id": "c3", "manager_id": "c1"}],
        influence=[{"source_id": "c2", "target_id": "c1", "weight": 5},
                   {"source_id": "c3", "target_id": "c1", "weight": 3}],
        ties=[{"person_id": "u1", "other_id": "x1", "kind": "friend", "strength": 5},
              {"person_id": "x1", "other_id": "c1", "kind": "classmate", "strength": 5, "notes": "EMBA 2019"}],
        opportunities=[{"id": "o1", "account_id": "A1", "name": "Fab 3 retrofit", "stage": "proposal",
                        "status": "open", "amount": 38_000_000, "close_date": "2027-03-31"},
                       {"id": "o2", "account_id": "A1", "name": "Old line", "stage": "closed", "status": "lost",
                        "amount": 9_000_000, "close_date": "2025-12-31"}],
        opportunity_roles=[{"person_id": "c1", "opportunity_id": "o1", "role": "decision_maker"}],
        interactions=[
            {"id": "i1", "date": "2025-06-01", "kind": "meeting", "subject": "Kick-off", "attendees": ["k1", "c1"]},
            {"id": "i2", "date": "2025-09-01", "kind": "meal", "subject": "Dinner", "notes": "Talked about rowing.",
             "attendees": ["k1", "c1"]},
            {"id": "i3", "date": "2025-12-01", "kind": "call", "subject": "Budget", "attendees": ["k1", "c1"]},
            {"id": "i4", "date": "2026-03-01", "kind": "visit", "subject": "Plant tour",
             "notes": "Asked for a Fab 3 proposal.", "attendees": ["k1", "c1", "c3"]},
            {"id": "i5", "date": "2026-04-01", "kind": "email", "subject": "Minutes", "attendees": ["k1", "c1"]},
        ],
    )
    settings = Settings(as_of="2026-06-30").replace(tiers={"currency": "CNY"})
    plan = plan_visits(snap, settings, executives=["u1"])
    return plan, {b["contact_id"]: b for b in plan.briefings}


def test_influence_links_and_reporting_lines_in_words(rich):
    _, b = rich
    c1, c2 = b["c1"], b["c2"]
    assert c1["standing"][:2] == [
        "The decision-maker: has the final say on what Acme buys.",
        "Has a decisive say in the buying decision (5 of 5)."]
    assert "Listens most to Li Adviser (Chief Adviser) (and one other)." in c1["standing"]
    assert "Heads the reporting line: 2 people report to them directly." in c1["standing"]
    # c2's weight on the chairman (5) beats c3's (3): the chairman's most trusted voice
    assert "The most trusted voice of Chen Chair (Chairman)." in c2["standing"]
    assert "Reports to Chen Chair (Chairman)." in c2["standing"]


def test_relationship_and_attitude_history(rich):
    _, b = rich
    c1 = b["c1"]
    assert c1["attitude_history"] == [{"date": "2025-05-01", "attitude": "supporter"},
                                      {"date": "2025-11-20", "attitude": "skeptic"}]
    assert c1["attitude_text"] == ("Attitude toward us: supporter (May 2025) → skeptic (November 2025); "
                                   "last assessed 2025-11-20.")
    k = c1["known_by"][0]
    assert (k["name"], k["last_interaction"]) == ("Kim KAM", "2026-04-01")  # the e-mail counts for strength
    assert c1["relationship"] == f"Our strongest relationship: Kim KAM, {k['words']}, {k['trend']}; last contact 2026-04-01."


def test_opportunities_notes_meetings_introducer_and_talking_points(rich):
    plan, b = rich
    c1 = b["c1"]
    assert c1["opportunities"] == [{"name": "Fab 3 retrofit", "stage": "proposal", "amount": 38_000_000.0,
                                    "currency": "CNY", "value": "CNY 38 million", "close_date": "2027-03-31",
                                    "contact_role": "the decision-maker"}]  # the lost one is not open
    assert c1["notes"] == "Founder; rows on weekends."
    # the last three meetings, newest first; the e-mail is no meeting
    assert [(m["date"], m["kind"], m["notes"]) for m in c1["meetings"]] == [
        ("2026-03-01", "visit", "Asked for a Fab 3 proposal."), ("2025-12-01", "call", None),
        ("2025-09-01", "meal", "Talked about rowing.")]
    assert c1["meetings"][0]["attendees"] == ["Kim KAM", "Wang Engineer"]
    intro = c1["introducer"]
    assert (intro["name"], intro["email"]) == ("Xu Connector", "xu@ext.example")
    assert intro["ask"] == ("Ask Xu Connector to introduce you to Chen Chair (they are classmates: EMBA 2019), and "
                            "beforehand what they care about most this year and how they see our Fab 3 retrofit "
                            "proposal.")
    assert c1["talking_points"] == [
        "The Fab 3 retrofit (CNY 38 million, proposal, decision due 2027-03-31), where Chen Chair is the "
        "decision-maker: ask where it stands and what they need from us to decide.",
        "Chen Chair's attitude moved from supporter to skeptic in November 2025: ask what changed.",
        "Common ground from our notes: Founder; rows on weekends."]
    assert c1["why"].startswith("Visit 1 of ") and "the decision-maker at a diamond account with CNY 38 million " \
        "in open business" in c1["why"] and c1["why"].endswith("Xu Connector can introduce you.")
    # the calendar invites the contact and the introducer, from the executive
    ev = next(e for e in icalendar.Calendar.from_ical(plan_ics(plan)).walk("VEVENT")
              if "Chen Chair" in str(e["summary"]))
    assert str(ev["organizer"]) == "mailto:ursula@us.example"
    assert {(str(a), a.params["ROLE"]) for a in ev["attendee"]} == {
        ("mailto:chen@acme.example", "REQ-PARTICIPANT"), ("mailto:xu@ext.example", "OPT-PARTICIPANT")}


def test_visits_come_in_priority_order(rich):
    plan, _ = rich
    v = plan.visits
    assert v["order"].tolist() == list(range(1, len(v) + 1))
    assert v["priority"].is_monotonic_decreasing


# -- the sample portfolio ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample():
    if not (SAMPLE / "README.md").exists():
        pytest.skip(f"sample data not found at {SAMPLE} (no README.md)")
    frames = {}
    for name in ENTITIES:
        df = pd.read_csv(SAMPLE / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
        frames[name] = normalize_frame(name, df.astype(object).where(df != "", None))
    snap = Snapshot(frames)
    settings = Settings.load(SAMPLE / "kamgraph.toml").replace(tiers={"currency": "CNY"})
    return snap, settings, plan_visits(snap, settings)


def test_sample_visits_in_priority_order_on_working_days(sample):
    _, settings, plan = sample
    v = plan.visits
    assert plan.period == (pd.Timestamp("2027-01-01"), pd.Timestamp("2027-03-31"))
    for ex, grp in v.groupby("executive_id"):
        assert grp["order"].tolist() == list(range(1, len(grp) + 1))
        assert grp["priority"].is_monotonic_decreasing
        assert grp["placeholder_date"].is_unique  # one visit a day
        assert grp["placeholder_date"].dt.isocalendar().groupby("week").size().max() <= settings.visits.week_cap
    # the complaint: the most important visit (the Lanxin chairman) was listed fifth
    first = v[v["executive_id"] == "S-01"].iloc[0]
    assert (first["contact_id"], first["order"]) == ("C-001", 1)
    for row in v.itertuples():
        assert row.placeholder_date in working_days(row.country, *plan.period), (row.contact_id, row.country)
        assert row.placeholder_date.normalize() not in SPRING_FESTIVAL_2027 or row.country != "CN"
    # a city's visits of one executive on consecutive working days
    for (ex, city), grp in v.groupby(["executive_id", "city"]):
        work = list(working_days(grp["country"].iloc[0], *plan.period))
        at = sorted(work.index(d) for d in grp["placeholder_date"])
        assert at == list(range(at[0], at[0] + len(at))), (ex, city)


def test_sample_briefing_of_the_lanxin_chairman(sample):
    _, _, plan = sample
    b = next(x for x in plan.briefings if x["contact_id"] == "C-001")
    o = b["opportunities"][0]
    assert o["name"].startswith("Fab 3 motion-control retrofit")
    assert (o["value"], o["stage"], o["close_date"], o["contact_role"]) == (
        "CNY 38 million", "proposal", "2027-03-31", "the decision-maker")
    assert b["notes"] == "Founder-chairman; EMBA 2019 classmate of Sun Lihua."
    assert b["meetings"][0]["date"] == "2025-12-05"
    assert b["meetings"][0]["notes"] == "Chairman Zhou opened the day; no private conversation."
    assert b["introducer"]["name"] == "Sun Lihua 孙丽华"
    assert b["introducer"]["ask"].startswith("Ask Sun Lihua 孙丽华 to introduce you to Zhou Jianguo 周建国 (they are "
                                             "classmates: EMBA 2019 classmates")
    assert "Fab 3 motion-control retrofit" in b["introducer"]["ask"]
    assert 2 <= len(b["talking_points"]) <= 3 and "Fab 3" in b["talking_points"][0]
    assert b["closes"] and b["why"].startswith("Visit 1 of 6 for Chen Hao 陈昊 (the most important): "
                                               "the decision-maker at a diamond account")
    html = plan_html(plan, only=plan.visits["contact_id"].tolist().index("C-001"))
    for text in ("CNY 38 million", "Founder-chairman; EMBA 2019 classmate of Sun Lihua.", "Talking points",
                 "Ask Sun Lihua 孙丽华 to introduce you", "Mon 4 Jan 2027"):
        assert text in html


def test_sample_briefings_list_the_last_three_meetings(sample):
    snap, settings, plan = sample
    t = plan.as_of
    inter = snap.interactions[(snap.interactions["date"] <= t) & (snap.interactions["kind"] != "email")]
    att = snap.attendance.merge(inter, left_on="interaction_id", right_on="id")
    checked = 0
    for b in plan.briefings:
        mine = att[att["person_id"] == b["contact_id"]].sort_values(["date", "interaction_id"], ascending=False)
        expected = [f"{d:%Y-%m-%d}" for d in mine["date"].head(settings.visits.briefing_meetings)]
        assert [m["date"] for m in b["meetings"]] == expected, b["contact_id"]
        checked += len(expected) == 3
    assert checked >= 3  # several contacts have more than three meetings to choose from


# -- the printed page ----------------------------------------------------------------------------

def _chromium():
    pytest.importorskip("playwright.sync_api")
    exe = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(exe).exists():
        pytest.skip("no Chromium")
    return exe


def test_every_printed_briefing_fits_one_a4_page(sample, tmp_path):
    from playwright.sync_api import sync_playwright

    exe = _chromium()
    _, _, plan = sample
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 794, "height": 1123})
        for i in range(len(plan.visits)):
            page.set_content(plan_html(plan, only=i))
            pdf = page.pdf(format="A4", prefer_css_page_size=True)
            pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
            assert pages == 1, f"briefing {i} ({plan.visits.loc[i, 'contact_name']}) prints on {pages} pages"
        # on a phone the card is one column, as wide as the screen
        page.set_viewport_size({"width": 390, "height": 844})
        page.set_content(plan_html(plan, only=0))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.evaluate("getComputedStyle(document.querySelector('.grid')).gridTemplateColumns").count("px") == 1
        if os.environ.get("KAMGRAPH_SCREENSHOTS"):
            page.set_viewport_size({"width": 794, "height": 1123})
            page.set_content(plan_html(plan, only=plan.visits["contact_id"].tolist().index("C-001")))
            page.emulate_media(media="print")
            page.add_style_tag(content="body { padding: 12mm 13mm; }")  # the @page margins, on screen
            out = ROOT / "docs" / "screenshots" / "briefing.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": 794, "height": 1123})
        browser.close()


def test_an_opportunity_closing_before_the_visit_is_followed_up(sample):
    _, _, plan = sample
    b = next(x for x in plan.briefings if x["contact_id"] == "C-020")  # Dr. Stefan Krüger, Munich
    assert b["date"] > "2026-12-20"  # the Line 7 servo upgrade closes 2026-12-20, before the next quarter
    assert b["talking_points"][0] == (
        "The Line 7 servo upgrade (CNY 12.5 million, negotiation, decision due 2026-12-20), where Dr. Stefan Krüger "
        "is an approver, is due to close before this visit: ask how the decision went and what comes next.")
