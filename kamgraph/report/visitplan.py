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
from kamgraph.i18n import N_, _, current_language, fmt_day, ngettext
from kamgraph.i18n.terms import term
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

#: how our executive gets in (the plan's ``access`` codes) in words (translated where shown)
ACCESS_WORDS = {ACCESS_DIRECT: N_("knows them"), ACCESS_INTRODUCTION: N_("introduction"),
                ACCESS_COLD: N_("direct request")}

#: the columns of :func:`plan_table` (translated where shown)
PLAN_COLUMNS = (N_("Executive"), N_("Visit"), N_("Proposed date"), N_("Date status"), N_("City"), N_("Account"),
                N_("Tier"), N_("Contact"), N_("Title"), N_("Role"), N_("Attitude"), N_("Why this visit"),
                N_("Priority"), N_("How to get in"), N_("Introducer"), N_("Open opportunities"),
                N_("Where we stand"), N_("What this visit closes"), N_("Talking points"), N_("Last meeting"))


def access_words(code) -> str | None:
    """An ``access`` code of the plan in words (None stays None)."""
    return _(ACCESS_WORDS[code]) if code in ACCESS_WORDS else code


def _period_text(plan: VisitPlan) -> str:
    a, b = plan.period
    if current_language() == "en":
        return f"{a.day} {a:%b %Y} – {b.day} {b:%b %Y}"
    return _("{start} – {end}").format(start=fmt_day(a), end=fmt_day(b))


def _visit_of(order, count) -> str:
    return _("{order} of {count}").format(order=order, count=count)


def _tier(code):
    return None if code is None or (isinstance(code, float) and code != code) else term("tier", code)


def _together(sentences) -> str:
    """Sentences of the analyses one after another (a space between them in English, none in Chinese)."""
    if current_language() == "en":
        return " ".join(sentences)
    return "".join(x for x in sentences if x)


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
        rows.append((
            r.executive_name, _visit_of(b["order"], b["visits_of_executive"]),
            pd.Timestamp(r.placeholder_date) if pd.notna(r.placeholder_date) else None,
            _("tentative: agree with the contact"),
            r.city, r.account_name, _tier(r.tier), r.contact_name,
            r.contact_title, role_words(r.decision_role),
            term("attitude", r.attitude) if r.attitude else _("not assessed"),
            b["why"], round(float(r.priority), 3),
            b["access_text"],
            intro.get("name") if r.access == ACCESS_INTRODUCTION else None,
            "; ".join(opportunity_line(o) for o in b["opportunities"]) or None,
            _together([b["relationship"], b["attitude_text"]]),
            _together(b["closes"]) or None,
            "\n".join(f"{i}. {x}" for i, x in enumerate(b["talking_points"], 1)),
            meeting_line(b["meetings"][0]) if b["meetings"] else None,
        ))
    return pd.DataFrame(rows, columns=[_(c) for c in PLAN_COLUMNS])


def _executives_table(plan: VisitPlan) -> pd.DataFrame:
    ex = plan.executives
    return pd.DataFrame({_("Executive"): ex["executive_name"], _("Level"): ex["executive_level"],
                         _("Based in"): ex["executive_city"], _("Visits possible"): ex["capacity"],
                         _("Visits planned"): ex["planned"]})


def _candidates_table(plan: VisitPlan) -> pd.DataFrame:
    c = plan.candidates
    return pd.DataFrame({
        _("Executive"): c["executive_name"], _("Contact"): c["contact_name"], _("Account"): c["account_name"],
        _("Tier"): c["tier"].map(_tier), _("Role"): c["decision_role"].map(role_words),
        _("Priority"): c["priority"].round(3),
        _("Tier weight"): c["tier_weight"], _("Role weight"): c["role_weight"], _("Gap severity"): c["severity"],
        _("Ease of access"): c["feasibility"].round(3), _("Way in"): c["access"].map(access_words),
        _("Planned"): c["chosen"].map({True: _("yes"), False: _("no")}),
    })


def plan_about(plan: VisitPlan) -> pd.DataFrame:
    """As-of date, period, scope and executives of a plan, in words: ``What, Value, Note``."""
    ex = plan.executives
    acc = {}
    if plan.visits is not None and len(plan.visits):
        acc = dict(zip(plan.visits["account_id"], plan.visits["account_name"]))
    names = [acc.get(a) for a in plan.accounts if acc.get(a)]
    n_acc = ngettext("{n} account", "{n} accounts", len(plan.accounts)).format(n=len(plan.accounts))
    if current_language() == "en":
        n_acc = f"{len(plan.accounts)} accounts"  # (as it always read, whatever the number)
    rows = [(_("Report"), _("Executive visit plan"), ""),
            (_("As of"), plan.as_of.strftime("%Y-%m-%d") if current_language() == "en" else fmt_day(plan.as_of),
             _("every figure is as of this date")),
            (_("Period"), _period_text(plan), _("proposed dates are working days there; agree each with the contact")),
            (_("Accounts"), _("{accounts} (visits at {names})").format(accounts=n_acc, names=_(", ").join(names))
             if names else n_acc,
             _("regions: {regions}").format(regions=_(", ").join(plan.regions)) if plan.regions else ""),
            (_("Executives"), "; ".join(_("{name}: {planned} of {capacity} visits planned").format(
                name=n, planned=p, capacity=c) for n, c, p in zip(ex["executive_name"], ex["capacity"], ex["planned"])),
             ""),
            (_("Visits"), str(len(plan.visits)), _("chosen among {n} contacts worth a visit").format(
                n=plan.candidates["contact_id"].nunique())),
            (_("Total priority"), f"{plan.total_priority:.3f}",
             _("the largest total any plan within these capacities can reach"))]
    rows += [(_("Note"), n, "") for n in plan.notes]
    if plan.settings is not None:
        rows.append((_("Settings fingerprint"), settings_hash(plan.settings),
                     _("changes when any setting changes; `kamgraph config` lists them")))
    return pd.DataFrame(rows, columns=[_("What"), _("Value"), _("Note")])


def plan_csv_bytes(plan: VisitPlan) -> bytes:
    """The plan as CSV (:func:`plan_table`), neutralized and reproducible."""
    return csv_bytes(plan_table(plan))


def plan_excel_bytes(plan: VisitPlan) -> bytes:
    """A workbook with sheets Plan, Briefings (one text per visit), Executives, Candidates, About."""
    v = plan.visits
    briefings = pd.DataFrame({
        _("Executive"): v["executive_name"], _("Visit"): v["order"], _("Proposed date"): v["placeholder_date"],
        _("City"): v["city"], _("Contact"): v["contact_name"],
        _("Briefing"): [briefing_text(b) for b in plan.briefings],
    })
    sheets = {_("Plan"): plan_table(plan), _("Briefings"): briefings, _("Executives"): _executives_table(plan),
              _("Candidates"): _candidates_table(plan), _("About"): SheetBlock(plan_about(plan))}
    return workbook_bytes(sheets, plan.as_of, title=_("Executive visit plan"), subject=_period_text(plan))


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
    name = (_("Executive visits {period} – {executive}").format(period=_period_text(plan), executive=rows[0][0].executive_name)
            if executive_id is not None and rows else _("Executive visits {period}").format(period=_period_text(plan)))
    cal.add("x-wr-calname", ics_text(name))
    stamp = dt.datetime.combine(plan.as_of.date(), dt.time(0, 0), tzinfo=dt.timezone.utc)
    for r, b in rows:
        day = pd.Timestamp(r.placeholder_date).date()
        e = Event()
        e.add("uid", event_uid(r.executive_id, r.contact_id, plan.period))
        e.add("dtstamp", stamp)
        e.add("dtstart", day)
        e.add("dtend", day + dt.timedelta(days=1))
        e.add("summary", ics_text(_("Visit {contact} ({account}) – {executive}").format(
            contact=r.contact_name, account=r.account_name, executive=r.executive_name)))
        if r.city:
            e.add("location", ics_text(r.city))
        e.add("description", ics_text(_("Tentative date: agree it with {contact}.").format(contact=b["contact_name"])
                                      + "\n\n" + briefing_text(b)))
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


def _h4(text: str) -> str:
    return f"<h4>{esc(text)}</h4>"


def _card(b: Mapping, plan_visit) -> str:
    if b.get("date"):
        when = _("Visit {order} of {count} · {day} (tentative) · {city}").format(
            order=b["order"], count=b["visits_of_executive"], day=esc(proposed_day(b["date"])),
            city=esc(b.get("city") or _("city not recorded")))
    else:
        when = _("Visit {order}").format(order=b["order"])
    tier = _("{tier} account").format(tier=_tier(b["tier"])) if b.get("tier") else None
    sub = " · ".join(esc(x) for x in (b.get("title"), b["account_name"], tier) if x)
    sep = ", " if current_language() == "en" else "，"
    known = [f"{k['name']}{sep + k['title'] if k.get('title') else ''}{': ' if sep == ', ' else '：'}{k['words']}"
             f"{sep + k['trend'] if k.get('trend') else ''}" for k in b["known_by"]]
    opps = [opportunity_line(o) for o in b["opportunities"]] or [_("None open at this account.")]
    meetings = [meeting_line(m) for m in b["meetings"]] or [_("None on record.")]
    h_notes, h_closes, h_who = _("Our notes"), _("What this visit closes"), _("Who they are")
    h_stand, h_known, h_opps = _("Where we stand"), _("Who knows them on our side:"), _("Open opportunities")
    h_meetings, h_in, h_points = _("Last meetings"), _("Getting in"), _("Talking points")
    notes = f"<section>{_h4(h_notes)}<p>{esc(b['notes'])}</p></section>" if b.get("notes") else ""
    closes = (f"<section>{_h4(h_closes)}{_ul(b['closes'])}</section>" if b.get("closes") else "")
    points = "".join(f"<li>{esc(x)}</li>" for x in b["talking_points"])
    return (f'<article class="card brief"><p class="when">{when}</p>'
            f"<h3>{esc(b['contact_name'])}</h3><p class=\"sub\">{sub}</p>"
            f"<p class=\"why\">{esc(b['why'])}</p>"
            '<div class="grid">'
            f"<section>{_h4(h_who)}{_ul(b['standing'])}</section>"
            f"<section>{_h4(h_stand)}{_ul([b['relationship'], b['attitude_text']])}"
            + (f"<p>{esc(h_known)}</p>{_ul(known)}" if known else "") + "</section>"
            f"<section>{_h4(h_opps)}{_ul(opps)}</section>"
            f"<section>{_h4(h_meetings)}{_ul(meetings)}</section>"
            f"{notes}"
            f"<section>{_h4(h_in)}<p>{esc(b['access_text'])}</p></section>"
            f"{closes}"
            f'<section class="points">{_h4(h_points)}<ol>{points}</ol></section>'
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
            raise ConfigError(_("the plan has no visit number {n}").format(n=only))
        _i, r, b = rows[0]
        return page(_("Briefing: {contact}").format(contact=b["contact_name"]), _card(b, r), extra_css=BRIEFING_CSS)
    as_of = plan.as_of.date() if current_language() == "en" else fmt_day(plan.as_of)
    body = ["<h1>{}</h1>".format(_("Executive visits, {period}").format(period=esc(_period_text(plan)))),
            '<p class="meta">{}</p>'.format(_(
                "As of {day} · {n} visits. Dates are proposals on working days of each account's country: agree "
                "them with the contacts.").format(day=esc(as_of), n=len(rows)))]
    for note in plan.notes:
        body.append(f'<p class="note">{esc(note)}</p>')
    for ex_id in dict.fromkeys(r.executive_id for _i, r, _b in rows):
        mine = [(r, b) for _i, r, b in rows if r.executive_id == ex_id]
        head = ngettext("{name}: {n} visit", "{name}: {n} visits", len(mine)).format(
            name=mine[0][0].executive_name, n=len(mine))
        body.append(f'<section class="exec"><h2>{esc(head)}</h2>')
        trip = pd.DataFrame({"Date": [proposed_day(r.placeholder_date) for r, _b in mine],
                             "_d": [pd.Timestamp(r.placeholder_date) for r, _b in mine],
                             "City": [r.city for r, _b in mine], "Contact": [r.contact_name for r, _b in mine],
                             "Account": [r.account_name for r, _b in mine],
                             "Visit": [_visit_of(b["order"], b["visits_of_executive"]) for _r, b in mine]})
        trip = trip.sort_values(["_d", "Visit"], kind="mergesort").drop(columns="_d")
        trip.columns = [_(c) for c in (N_("Date"), N_("City"), N_("Contact"), N_("Account"), N_("Visit"))]
        body.append("<h3>{}</h3>".format(esc(_("Itinerary (tentative)"))) + table_html(trip, css_class="itinerary"))
        body += [_card(b, r) for r, b in mine]
        body.append("</section>")
    if not rows:
        body.append("<p>{}</p>".format(esc(_(
            "No visit: no contact worth a visit is at the level of an executive with time left."))))
    body.append('<section class="about"><h2>{}</h2>'.format(esc(_("About this plan"))) + table_html(plan_about(plan))
                + "</section>")
    return page(_("Executive visits {period}").format(period=_period_text(plan)), "\n".join(body),
                extra_css=BRIEFING_CSS)


# -- one entry point --------------------------------------------------------------------------

def write_plan(plan: VisitPlan, path: str | Path) -> Path:
    """Write the plan in the format of the file suffix (:data:`PLAN_FORMATS`); an ``.ics``
    holds every executive's visits (:func:`write_calendars` writes one file each)."""
    p = Path(path)
    fmt = PLAN_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise ConfigError(_("cannot write a visit plan to {name}: use one of {formats}").format(
            name=repr(p.name), formats=", ".join(PLAN_FORMATS)))
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
