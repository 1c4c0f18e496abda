"""Exports of a visit plan: CSV, Excel, calendars (.ics) and a printable HTML briefing pack.

Every export is for people: the same visits in the same order (executive, then priority:
:attr:`VisitPlan.visits`), column headers in words, names instead of ids, roles as words
("decision-maker"), and no internal measure names. Machine-readable output (ids and field
names) is the CLI's ``--format csv|json`` and :attr:`VisitPlan.visits` itself.

- **CSV and Excel** go through :mod:`kamgraph.report.spreadsheet`: formula injection
  neutralized, fixed formats, no wall clock. Excel sheets: Plan, Briefings (one plain-text
  briefing per visit), Executives, Candidates (every pair considered), About.
- **Calendars** are written with the ``icalendar`` library (RFC 5545): one ``VEVENT`` per
  visit, all day on its proposed date (``DTSTART``/``DTEND`` as dates), ``STATUS:TENTATIVE``
  and ``TRANSP:TRANSPARENT`` (a proposal does not block the day), ``ORGANIZER`` the
  executive's e-mail, ``ATTENDEE`` the contact's (required) and the introducer's
  (optional) where known (the first address of a field that holds several), ``LOCATION``
  the city, ``DESCRIPTION`` the plain-text briefing. ``UID`` is a hash of (executive,
  contact, period), so importing a re-exported plan updates its events instead of adding
  copies; ``DTSTAMP`` is the as-of date, so the same plan gives the same bytes. The library
  escapes text (``\\ ; , newline``) and folds lines at 75 octets; control characters are
  removed before (RFC 5545 forbids them). :func:`plan_ics` gives one calendar for every
  executive or for one; :func:`write_calendars` writes one file per executive.
- **HTML**: one self-contained page (no script, no external resource, every data text
  escaped). Per executive: the itinerary in date order, then one briefing card per visit
  in priority order. On screen the cards reflow to one column on a phone; printed (A4,
  ``@page``), every briefing starts on a new page and fits on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Mapping

import pandas as pd

from kamgraph.analysis.visits import (
    ACCESS_COLD,
    ACCESS_DIRECT,
    ACCESS_INTRODUCTION,
    VisitPlan,
    briefing_text,
    meeting_line,
    opportunity_line,
    proposed_day,
    role_words,
)
from kamgraph.errors import ConfigError
from kamgraph.report.html import esc, page, table_html
from kamgraph.report.portfolio import settings_hash
from kamgraph.report.spreadsheet import SheetBlock, csv_bytes, workbook_bytes

__all__ = ["plan_table", "plan_about", "plan_csv_bytes", "plan_excel_bytes", "plan_ics", "plan_html",
           "write_plan", "write_calendars", "calendar_file_name", "ics_text", "event_uid", "PLAN_FORMATS"]

#: file suffix -> format written by :func:`write_plan`
PLAN_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".ics": "ics", ".html": "html", ".htm": "html"}

#: RFC 5545 section 3.1: CONTROL = %x00-08 / %x0A-1F / %x7F may not appear in a value
#: (newlines are escaped by the library); the C1 range goes too, as terminals act on it
_ICS_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_ACCESS_WORDS = {ACCESS_DIRECT: "knows them", ACCESS_INTRODUCTION: "introduction", ACCESS_COLD: "direct request"}


def _period_text(plan: VisitPlan) -> str:
    a, b = plan.period
    return f"{a.day} {a:%b %Y} – {b.day} {b:%b %Y}"


# -- tables ---------------------------------------------------------------------------------

def plan_table(plan: VisitPlan) -> pd.DataFrame:
    """One row per visit, in plan order, with headers and values in words (CSV, Excel).

    >>> from kamgraph.examples import example_portfolio
    >>> from kamgraph.analysis.visits import plan_visits
    >>> t = plan_table(plan_visits(*example_portfolio()))
    >>> list(t.columns[:4])
    ['Executive', 'Visit', 'Proposed date', 'Date status']
    """
    rows = []
    for r, b in zip(plan.visits.itertuples(index=False), plan.briefings):
        intro = b.get("introducer") or {}
        rows.append({
            "Executive": r.executive_name, "Visit": f"{b['order']} of {b['visits_of_executive']}",
            "Proposed date": pd.Timestamp(r.placeholder_date) if pd.notna(r.placeholder_date) else None,
            "Date status": "tentative: agree with the contact",
            "City": r.city, "Account": r.account_name, "Tier": r.tier, "Contact": r.contact_name,
            "Title": r.contact_title, "Role": role_words(r.decision_role), "Attitude": r.attitude or "not assessed",
            "Why this visit": b["why"], "Priority": round(float(r.priority), 3),
            "How to get in": b["access_text"],
            "Introducer": intro.get("name") if r.access == ACCESS_INTRODUCTION else None,
            "Open opportunities": "; ".join(opportunity_line(o) for o in b["opportunities"]) or None,
            "Where we stand": f"{b['relationship']} {b['attitude_text']}",
            "What this visit closes": " ".join(b["closes"]) or None,
            "Talking points": "\n".join(f"{i}. {x}" for i, x in enumerate(b["talking_points"], 1)),
            "Last meeting": meeting_line(b["meetings"][0]) if b["meetings"] else None,
        })
    columns = ["Executive", "Visit", "Proposed date", "Date status", "City", "Account", "Tier", "Contact", "Title",
               "Role", "Attitude", "Why this visit", "Priority", "How to get in", "Introducer",
               "Open opportunities", "Where we stand", "What this visit closes", "Talking points", "Last meeting"]
    return pd.DataFrame(rows, columns=columns)


def _executives_table(plan: VisitPlan) -> pd.DataFrame:
    ex = plan.executives
    return pd.DataFrame({"Executive": ex["executive_name"], "Level": ex["executive_level"],
                         "Based in": ex["executive_city"], "Visits possible": ex["capacity"],
                         "Visits planned": ex["planned"]})


def _candidates_table(plan: VisitPlan) -> pd.DataFrame:
    c = plan.candidates
    acc = {"direct": "knows them", "introduction": "introduction", "cold": "direct request"}
    return pd.DataFrame({
        "Executive": c["executive_name"], "Contact": c["contact_name"], "Account": c["account_name"],
        "Tier": c["tier"], "Role": c["decision_role"].map(role_words), "Priority": c["priority"].round(3),
        "Tier weight": c["tier_weight"], "Role weight": c["role_weight"], "Gap severity": c["severity"],
        "Ease of access": c["feasibility"].round(3), "Way in": c["access"].map(acc),
        "Planned": c["chosen"].map({True: "yes", False: "no"}),
    })


def plan_about(plan: VisitPlan) -> pd.DataFrame:
    """As-of date, period, scope and executives of a plan, in words: ``What, Value, Note``."""
    ex = plan.executives
    acc = {}
    if plan.visits is not None and len(plan.visits):
        acc = dict(zip(plan.visits["account_id"], plan.visits["account_name"]))
    names = [acc.get(a) for a in plan.accounts if acc.get(a)]
    rows = [("Report", "Executive visit plan", ""),
            ("As of", plan.as_of.strftime("%Y-%m-%d"), "every figure is as of this date"),
            ("Period", _period_text(plan), "proposed dates are working days there; agree each with the contact"),
            ("Accounts", f"{len(plan.accounts)} accounts" + (f" (visits at {', '.join(names)})" if names else ""),
             f"regions: {', '.join(plan.regions)}" if plan.regions else ""),
            ("Executives", "; ".join(f"{n}: {p} of {c} visits planned" for n, c, p in
                                     zip(ex["executive_name"], ex["capacity"], ex["planned"])), ""),
            ("Visits", str(len(plan.visits)), f"chosen among {plan.candidates['contact_id'].nunique()} contacts "
                                               "worth a visit"),
            ("Total priority", f"{plan.total_priority:.3f}",
             "the largest total any plan within these capacities can reach")]
    rows += [("Note", n, "") for n in plan.notes]
    if plan.settings is not None:
        rows.append(("Settings fingerprint", settings_hash(plan.settings),
                     "changes when any setting changes; `kamgraph config` lists them"))
    return pd.DataFrame(rows, columns=["What", "Value", "Note"])


def plan_csv_bytes(plan: VisitPlan) -> bytes:
    """The plan as CSV (:func:`plan_table`), neutralized and reproducible."""
    return csv_bytes(plan_table(plan))


def plan_excel_bytes(plan: VisitPlan) -> bytes:
    """A workbook with sheets Plan, Briefings (one text per visit), Executives, Candidates, About."""
    v = plan.visits
    briefings = pd.DataFrame({
        "Executive": v["executive_name"], "Visit": v["order"], "Proposed date": v["placeholder_date"],
        "City": v["city"], "Contact": v["contact_name"], "Briefing": [briefing_text(b) for b in plan.briefings],
    })
    sheets = {"Plan": plan_table(plan), "Briefings": briefings, "Executives": _executives_table(plan),
              "Candidates": _candidates_table(plan), "About": SheetBlock(plan_about(plan))}
    return workbook_bytes(sheets, plan.as_of, title="Executive visit plan", subject=_period_text(plan))


# -- iCalendar -------------------------------------------------------------------------------

def ics_text(text) -> str:
    r"""Text for an iCalendar value: control characters removed (RFC 5545 forbids them),
    line breaks kept; the ``icalendar`` library escapes the rest.

    >>> ics_text("a,b;c\\d\r\ne\x1b[2J\x07")
    'a,b;c\\d\ne[2J'
    """
    return _ICS_CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


def event_uid(executive_id: str, contact_id: str, period) -> str:
    """A stable UID for the visit of ``executive_id`` to ``contact_id`` in ``period``.

    >>> event_uid("S-01", "C-001", ("2027-01-01", "2027-03-31")) == event_uid(
    ...     "S-01", "C-001", (pd.Timestamp("2027-01-01"), pd.Timestamp("2027-03-31")))
    True
    """
    start, end = (pd.Timestamp(p).strftime("%Y%m%d") for p in period)
    digest = hashlib.sha256(f"{executive_id}\x1f{contact_id}\x1f{start}\x1f{end}".encode("utf-8")).hexdigest()
    return f"{digest[:32]}@kamgraph"


def _address(email: str | None, name, role: str | None = None):
    from icalendar import vCalAddress

    a = vCalAddress(f"mailto:{email}")
    a.params["CN"] = ics_text(name)
    if role:
        a.params["ROLE"] = role
        a.params["PARTSTAT"] = "NEEDS-ACTION"
        a.params["RSVP"] = "FALSE"
    return a


def plan_ics(plan: VisitPlan, executive_id: str | None = None) -> str:
    """The plan as an iCalendar text (CRLF line ends): every executive, or only ``executive_id``."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//kamgraph//executive visit plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    rows = [(r, b) for r, b in zip(plan.visits.itertuples(index=False), plan.briefings)
            if executive_id is None or r.executive_id == executive_id]
    who = f" – {rows[0][0].executive_name}" if executive_id is not None and rows else ""
    cal.add("x-wr-calname", ics_text(f"Executive visits {_period_text(plan)}{who}"))
    stamp = dt.datetime.combine(plan.as_of.date(), dt.time(0, 0), tzinfo=dt.timezone.utc)
    for r, b in rows:
        day = pd.Timestamp(r.placeholder_date).date()
        e = Event()
        e.add("uid", event_uid(r.executive_id, r.contact_id, plan.period))
        e.add("dtstamp", stamp)
        e.add("dtstart", day)
        e.add("dtend", day + dt.timedelta(days=1))
        e.add("summary", ics_text(f"Visit {r.contact_name} ({r.account_name}) – {r.executive_name}"))
        if r.city:
            e.add("location", ics_text(r.city))
        e.add("description", ics_text(f"Tentative date: agree it with {b['contact_name']}.\n\n" + briefing_text(b)))
        e.add("status", "TENTATIVE")
        e.add("transp", "TRANSPARENT")
        if b.get("executive_email"):
            e.add("organizer", _address(b["executive_email"], r.executive_name))
        if b.get("contact_email"):
            e.add("attendee", _address(b["contact_email"], r.contact_name, "REQ-PARTICIPANT"))
        intro = b.get("introducer") or {}
        if intro.get("email") and intro["email"] != b.get("contact_email"):
            e.add("attendee", _address(intro["email"], intro["name"], "OPT-PARTICIPANT"))
        cal.add_component(e)
    return cal.to_ical().decode("utf-8")


def calendar_file_name(name, taken: set[str] | None = None) -> str:
    """A file name for one executive's calendar: ``visits-<name>.ics``, safe on every system.

    >>> calendar_file_name("Chen Hao 陈昊"), calendar_file_name("a/b: c?")
    ('visits-Chen-Hao-陈昊.ics', 'visits-a-b-c.ics')
    """
    stem = re.sub(r"[^\w]+", "-", str(name), flags=re.UNICODE).strip("-_") or "executive"
    out, n = f"visits-{stem}.ics", 2
    while taken is not None and out in taken:
        out, n = f"visits-{stem}-{n}.ics", n + 1
    if taken is not None:
        taken.add(out)
    return out


def write_calendars(plan: VisitPlan, folder: str | Path) -> list[Path]:
    """One ``.ics`` file per executive with visits (:func:`calendar_file_name`) in ``folder``."""
    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    out = []
    for ex_id, name in dict.fromkeys(zip(plan.visits["executive_id"], plan.visits["executive_name"])):
        p = d / calendar_file_name(name, taken)
        p.write_bytes(plan_ics(plan, ex_id).encode("utf-8"))
        out.append(p)
    return out


# -- HTML briefing pack -----------------------------------------------------------------------

#: screen: cards in two columns that fall to one on a phone; print: A4, one briefing a page
BRIEFING_CSS = """
body { max-width: 60em; line-height: 1.35; }
.card.brief { padding: .8em 1.1em; }
.brief .when { color: #555; font-size: .85em; margin: 0; }
.brief h3 { font-size: 1.3em; margin: .1em 0 0 0; }
.brief .sub { margin: .1em 0 .4em 0; color: #333; }
.brief .why { background: #f4f7fb; border-left: 4px solid #0072B2; padding: .35em .6em; margin: .5em 0; }
.brief .grid { display: grid; grid-template-columns: 1fr 1fr; column-gap: 1.4em; }
.brief section h4 { font-size: .78em; text-transform: uppercase; letter-spacing: .05em; color: #0072B2;
                    margin: .7em 0 .2em 0; }
.brief ul, .brief ol { margin: .1em 0; padding-left: 1.2em; }
.brief li, .brief p { margin: .1em 0; }
.brief .points { grid-column: 1 / -1; }
.itinerary td, .itinerary th { font-size: .95em; }
@media (max-width: 700px) {
  body { margin: .7em; font-size: 15px; }
  .brief .grid { grid-template-columns: 1fr; }
  table.itinerary { font-size: .8em; }
}
@page { size: A4; margin: 12mm 13mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 9.5pt; }
  .card.brief { break-before: page; page-break-before: always; break-inside: avoid; border: none; padding: 0; }
  .brief .why { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .exec { page-break-before: always; }
  .about { page-break-before: always; }
}
"""


def _ul(items) -> str:
    items = [x for x in items if x]
    return "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in items) + "</ul>" if items else ""


def _card(b: Mapping, plan_visit) -> str:
    when = (f"Visit {b['order']} of {b['visits_of_executive']} · {esc(proposed_day(b['date']))} (tentative) · "
            f"{esc(b.get('city') or 'city not recorded')}") if b.get("date") else f"Visit {b['order']}"
    sub = " · ".join(esc(x) for x in (b.get("title"), b["account_name"],
                                      f"{b['tier']} account" if b.get("tier") else None) if x)
    known = [f"{k['name']}{', ' + k['title'] if k.get('title') else ''}: {k['words']}"
             f"{', ' + k['trend'] if k.get('trend') else ''}" for k in b["known_by"]]
    opps = [opportunity_line(o) for o in b["opportunities"]] or ["None open at this account."]
    meetings = [meeting_line(m) for m in b["meetings"]] or ["None on record."]
    notes = f"<section><h4>Our notes</h4><p>{esc(b['notes'])}</p></section>" if b.get("notes") else ""
    closes = (f"<section><h4>What this visit closes</h4>{_ul(b['closes'])}</section>" if b.get("closes") else "")
    points = "".join(f"<li>{esc(x)}</li>" for x in b["talking_points"])
    return (f'<article class="card brief"><p class="when">{when}</p>'
            f"<h3>{esc(b['contact_name'])}</h3><p class=\"sub\">{sub}</p>"
            f"<p class=\"why\">{esc(b['why'])}</p>"
            '<div class="grid">'
            f"<section><h4>Who they are</h4>{_ul(b['standing'])}</section>"
            f"<section><h4>Where we stand</h4>{_ul([b['relationship'], b['attitude_text']])}"
            + (f"<p>Who knows them on our side:</p>{_ul(known)}" if known else "") + "</section>"
            f"<section><h4>Open opportunities</h4>{_ul(opps)}</section>"
            f"<section><h4>Last meetings</h4>{_ul(meetings)}</section>"
            f"{notes}"
            f"<section><h4>Getting in</h4><p>{esc(b['access_text'])}</p></section>"
            f"{closes}"
            f'<section class="points"><h4>Talking points</h4><ol>{points}</ol></section>'
            "</div></article>")


def plan_html(plan: VisitPlan, executive_id: str | None = None, only: int | None = None) -> str:
    """A printable briefing pack: per executive, the itinerary in date order, then one card
    per visit in priority order. ``executive_id`` keeps one executive; ``only`` (a row of
    :attr:`VisitPlan.visits`) gives the one-page briefing of a single visit."""
    v = plan.visits
    rows = [(i, r, b) for i, (r, b) in enumerate(zip(v.itertuples(index=False), plan.briefings))
            if (executive_id is None or r.executive_id == executive_id) and (only is None or i == only)]
    if only is not None:
        if not rows:
            raise ConfigError(f"the plan has no visit number {only}")
        _, r, b = rows[0]
        return page(f"Briefing: {b['contact_name']}", _card(b, r), extra_css=BRIEFING_CSS)
    body = [f"<h1>Executive visits, {esc(_period_text(plan))}</h1>",
            f'<p class="meta">As of {esc(plan.as_of.date())} · {len(rows)} visits. Dates are proposals on working '
            "days of each account's country: agree them with the contacts.</p>"]
    for note in plan.notes:
        body.append(f'<p class="note">{esc(note)}</p>')
    for ex_id in dict.fromkeys(r.executive_id for _, r, _ in rows):
        mine = [(r, b) for _, r, b in rows if r.executive_id == ex_id]
        body.append(f'<section class="exec"><h2>{esc(mine[0][0].executive_name)}: {len(mine)} '
                    f"visit{'s' if len(mine) != 1 else ''}</h2>")
        trip = pd.DataFrame({"Date": [proposed_day(r.placeholder_date) for r, _ in mine],
                             "_d": [pd.Timestamp(r.placeholder_date) for r, _ in mine],
                             "City": [r.city for r, _ in mine], "Contact": [r.contact_name for r, _ in mine],
                             "Account": [r.account_name for r, _ in mine],
                             "Visit": [f"{b['order']} of {b['visits_of_executive']}" for _, b in mine]})
        trip = trip.sort_values(["_d", "Visit"], kind="mergesort").drop(columns="_d")
        body.append("<h3>Itinerary (tentative)</h3>" + table_html(trip, css_class="itinerary"))
        body += [_card(b, r) for r, b in mine]
        body.append("</section>")
    if not rows:
        body.append("<p>No visit: no contact worth a visit is at the level of an executive with time left.</p>")
    body.append('<section class="about"><h2>About this plan</h2>' + table_html(plan_about(plan)) + "</section>")
    return page(f"Executive visits {_period_text(plan)}", "\n".join(body), extra_css=BRIEFING_CSS)


# -- one entry point --------------------------------------------------------------------------

def write_plan(plan: VisitPlan, path: str | Path) -> Path:
    """Write the plan in the format of the file suffix (:data:`PLAN_FORMATS`); an ``.ics``
    holds every executive's visits (:func:`write_calendars` writes one file each)."""
    p = Path(path)
    fmt = PLAN_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise ConfigError(f"cannot write a visit plan to {p.name!r}: use one of {', '.join(PLAN_FORMATS)}")
    p.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        p.write_bytes(plan_csv_bytes(plan))
    elif fmt == "xlsx":
        p.write_bytes(plan_excel_bytes(plan))
    elif fmt == "ics":
        p.write_bytes(plan_ics(plan).encode("utf-8"))
    else:
        p.write_text(plan_html(plan), encoding="utf-8")
    return p
