"""Exports of a visit plan: CSV, Excel, an iCalendar file and a printable HTML briefing pack.

All four carry the same visits in the same order (:attr:`VisitPlan.visits`, grouped by
executive, city and account) and state the as-of date, the period, the scope and the
settings. CSV and Excel go through :mod:`kamgraph.report.spreadsheet` (formula injection
neutralized, fixed formats, no wall clock).

The ``.ics`` file (RFC 5545) is written by hand: one ``VEVENT`` per visit on its
placeholder date (all-day, ``DTSTART``/``DTEND`` as ``VALUE=DATE``), ``STATUS:TENTATIVE``,
the briefing in ``DESCRIPTION``; ``UID`` is a hash of (executive, contact, period), so
re-importing a re-planned period updates events instead of duplicating them; ``DTSTAMP``
is the as-of date (not the wall clock, so the file is reproducible). Text values lose the
control characters RFC 5545 forbids (every C0 one but tab, and DEL; C1 too, as terminals act
on them), then escape backslash, semicolon, comma and newline; content lines are folded at
75 octets (never inside a UTF-8 character) and end with CRLF.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Mapping

import pandas as pd

from kamgraph.analysis.visits import (
    ACCESS_DIRECT,
    ACCESS_INTRODUCTION,
    VisitPlan,
    briefing_text,
)
from kamgraph.errors import ConfigError
from kamgraph.report.html import esc, page, table_html
from kamgraph.report.portfolio import settings_hash, settings_summary
from kamgraph.report.spreadsheet import SheetBlock, csv_bytes, workbook_bytes

__all__ = ["plan_table", "plan_about", "plan_csv_bytes", "plan_excel_bytes", "plan_ics", "plan_html",
           "write_plan", "ics_escape", "ics_fold", "event_uid", "PLAN_FORMATS"]

#: file suffix -> format written by :func:`write_plan`
PLAN_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".ics": "ics", ".html": "html", ".htm": "html"}

_ICS_LINE_OCTETS = 75  # RFC 5545 section 3.1: lines SHOULD NOT be longer than 75 octets
#: RFC 5545 section 3.1: CONTROL = %x00-08 / %x0A-1F / %x7F may not appear in a value
#: (newlines are escaped before this applies); the C1 range goes too
_ICS_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# -- tables ---------------------------------------------------------------------------------

def _known_text(b: Mapping) -> str | None:
    return "; ".join(f"{k['name']} {k['strength']:.2f}" for k in b["known_by"]) or None


def _last_text(b: Mapping) -> str | None:
    last = b.get("last_interaction")
    if not last:
        return None
    subject = f" \"{last['subject']}\"" if last.get("subject") else ""
    return f"{last['date']} {last['kind']}{subject} with {', '.join(last['attendees'])}"


def plan_table(plan: VisitPlan) -> pd.DataFrame:
    """One row per visit: the visit columns plus the briefing flattened to text columns."""
    v = plan.visits.copy()
    b = plan.briefings
    v["influence_rank"] = pd.array([x["influence_rank"] for x in b], dtype="Int64") if b else pd.array([], "Int64")
    v["known_by"] = [_known_text(x) for x in b]
    v["last_interaction"] = [_last_text(x) for x in b]
    v["gap_evidence"] = [" | ".join(g["evidence"] for g in x["gaps"]) or None for x in b]
    return v.reset_index(drop=True)


def plan_about(plan: VisitPlan) -> pd.DataFrame:
    """As-of date, period, scope, executives and settings of a plan: ``item, value, note``."""

    ex = plan.executives
    rows = [("report", "kamgraph executive visit plan", ""),
            ("as_of", plan.as_of.strftime("%Y-%m-%d"), "every figure is as of this date"),
            ("period", f"{plan.period[0]:%Y-%m-%d} to {plan.period[1]:%Y-%m-%d}", "visit dates are placeholders"),
            ("scope", ", ".join(plan.accounts) or "no accounts",
             f"regions: {', '.join(plan.regions)}" if plan.regions else ""),
            ("executives", ", ".join(f"{n} ({i}, capacity {c})" for i, n, c in
                                     zip(ex["executive_id"], ex["executive_name"], ex["capacity"])), ""),
            ("visits", str(len(plan.visits)), f"of {plan.candidates['contact_id'].nunique()} candidate contacts"),
            ("total_priority", f"{plan.total_priority:.6f}", "maximal for the plan's constraints")]
    rows += [("note", n, "") for n in plan.notes]
    if plan.settings is not None:
        rows.append(("settings_hash", settings_hash(plan.settings), "SHA-256 prefix of every setting"))
        for name, value, default, changed in settings_summary(plan.settings).itertuples(index=False):
            rows.append((f"setting {name}", value, f"default {default}" if changed else "default"))
    return pd.DataFrame(rows, columns=["item", "value", "note"])


def plan_csv_bytes(plan: VisitPlan) -> bytes:
    """The plan as CSV (:func:`plan_table`), neutralized and reproducible."""
    return csv_bytes(plan_table(plan))


def plan_excel_bytes(plan: VisitPlan) -> bytes:
    """A workbook with sheets Plan, Briefings (one text per visit), Executives, Candidates, About."""
    briefings = pd.DataFrame({
        "executive_name": plan.visits["executive_name"], "trip": plan.visits["trip"], "city": plan.visits["city"],
        "contact_name": plan.visits["contact_name"], "placeholder_date": plan.visits["placeholder_date"],
        "briefing": [briefing_text(b) for b in plan.briefings],
    })
    sheets = {"Plan": plan_table(plan), "Briefings": briefings, "Executives": plan.executives,
              "Candidates": plan.candidates, "About": SheetBlock(plan_about(plan))}
    return workbook_bytes(sheets, plan.as_of, title="kamgraph executive visit plan",
                          subject=f"{plan.period[0]:%Y-%m-%d} to {plan.period[1]:%Y-%m-%d}")


# -- iCalendar -------------------------------------------------------------------------------

def ics_escape(text: str) -> str:
    r"""RFC 5545 TEXT escaping: control characters removed, ``\`` ``;`` ``,`` and newlines escaped.

    >>> ics_escape("a,b;c\\d\ne\x1b[2J\x07")
    'a\\,b\\;c\\\\d\\ne[2J'
    """
    text = _ICS_CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics_fold(line: str) -> str:
    """Fold one content line into physical lines of at most 75 octets joined by CRLF + space.

    Splits only between characters, so a multi-byte UTF-8 character is never cut.

    >>> [len(x.encode()) for x in ics_fold("X" * 160).split("\\r\\n")]
    [75, 75, 12]
    """
    out, cur, size = [], [], 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > _ICS_LINE_OCTETS:
            out.append("".join(cur))
            cur, size = [" "], 1  # a continuation line starts with one space, which counts
        cur.append(ch)
        size += n
    out.append("".join(cur))
    return "\r\n".join(out)


def event_uid(executive_id: str, contact_id: str, period) -> str:
    """A stable UID for the visit of ``executive_id`` to ``contact_id`` in ``period``."""
    start, end = (pd.Timestamp(p).strftime("%Y%m%d") for p in period)
    digest = hashlib.sha256(f"{executive_id}\x1f{contact_id}\x1f{start}\x1f{end}".encode("utf-8")).hexdigest()
    return f"{digest[:32]}@kamgraph"


def plan_ics(plan: VisitPlan) -> str:
    """The plan as an iCalendar (RFC 5545) text with CRLF line ends."""
    stamp = plan.as_of.strftime("%Y%m%dT000000Z")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kamgraph//executive visit plan//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH",
             "X-WR-CALNAME:" + ics_escape(f"Executive visits {plan.period[0]:%Y-%m-%d} to {plan.period[1]:%Y-%m-%d}")]
    for row, b in zip(plan.visits.itertuples(index=False), plan.briefings):
        day = pd.Timestamp(row.placeholder_date)
        summary = f"Visit {row.contact_name} ({row.account_name}) – {row.executive_name}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event_uid(row.executive_id, row.contact_id, plan.period)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + pd.Timedelta(days=1):%Y%m%d}",
            "SUMMARY:" + ics_escape(summary),
        ]
        if row.city:
            lines.append("LOCATION:" + ics_escape(row.city))
        lines += [
            "DESCRIPTION:" + ics_escape("Placeholder date: agree the real one with the contact.\n" + briefing_text(b)),
            "STATUS:TENTATIVE",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)


# -- HTML briefing pack -----------------------------------------------------------------------

def _gap_list(b: Mapping) -> str:
    items = "".join(f"<li><strong>{esc(g['kind'].replace('_', ' '))}</strong>: {esc(g['evidence'])}</li>"
                    for g in b["gaps"])
    return f"<ul>{items}</ul>" if items else "<p>No open gap.</p>"


def _card(b: Mapping) -> str:
    role = (b.get("decision_role") or "no assessed role").replace("_", " ")
    infl = f"{b['influence']}/5" if b.get("influence") is not None else "not assessed"
    if b.get("influence_rank") is not None:
        infl += f" · power rank #{b['influence_rank']} of {b['account_people']}"
    last = b.get("last_interaction")
    if last:
        subject = f" “{last['subject']}”" if last.get("subject") else ""
        last_html = f"{esc(last['date'])} {esc(last['kind'])}{esc(subject)} — {esc(', '.join(last['attendees']))}"
    else:
        last_html = "none on record"
    known = "".join(f"<li>{esc(k['name'])}{esc(', ' + k['title'] if k.get('title') else '')}: "
                    f"{k['strength']:.2f}</li>" for k in b["known_by"]) or "<li>nobody yet</li>"
    if b["access"] == ACCESS_INTRODUCTION:
        access = f"<strong>Introduction</strong>: {esc(b['introduction'])}"
    elif b["access"] == ACCESS_DIRECT:
        access = f"{esc(b['executive_name'])} knows them directly ({b['feasibility']:.2f})"
    else:
        helper = b["known_by"][0]["name"] if b["known_by"] else None
        access = "No access path for the executive: request the meeting directly (cold visit)" + (
            f"; {esc(helper)} can help arrange it" if helper else "")
    title = f", {b['title']}" if b.get("title") else ""
    return (f'<div class="card"><h4>{esc(b["contact_name"])}{esc(title)} · {esc(b["account_name"])}'
            f' <span class="note">({esc(b.get("tier") or "no tier")}; priority {b["priority"]:.3f})</span></h4>'
            "<table>"
            f"<tr><th>Role</th><td>{esc(role)}</td><th>Attitude</th><td>{esc(b.get('attitude') or 'not assessed')}</td>"
            f"<th>Influence</th><td>{esc(infl)}</td></tr>"
            f"<tr><th>Last interaction</th><td colspan=\"5\">{last_html}</td></tr>"
            f"<tr><th>Access</th><td colspan=\"5\">{access}</td></tr>"
            "</table>"
            f"<p><strong>Who knows them on our side</strong></p><ul>{known}</ul>"
            f"<p><strong>Gaps this visit addresses</strong></p>{_gap_list(b)}</div>")


def plan_html(plan: VisitPlan) -> str:
    """A printable briefing pack: per executive (one per printed page), per trip, one card per visit."""
    about = plan_about(plan)
    body = [f"<h1>Executive visit plan {plan.period[0]:%Y-%m-%d} – {plan.period[1]:%Y-%m-%d}</h1>",
            f'<p class="meta">As of {esc(plan.as_of.date())} · {len(plan.visits)} visits · total priority '
            f"{plan.total_priority:.3f} · dates are placeholders spread over the period</p>"]
    body.append(table_html(plan.executives))
    for note in plan.notes:
        body.append(f'<p class="note">{esc(note)}</p>')
    v = plan.visits
    for ex_id in dict.fromkeys(v["executive_id"]):
        rows = [(r, b) for r, b in zip(v.itertuples(index=False), plan.briefings) if r.executive_id == ex_id]
        body.append(f'<section class="exec"><h2>{esc(rows[0][0].executive_name)}</h2>')
        for trip in dict.fromkeys(r.trip for r, _ in rows):
            stops = [(r, b) for r, b in rows if r.trip == trip]
            first = stops[0][0]
            body.append(f"<h3>Trip {int(trip)}: {esc(first.city or 'city unknown')} "
                        f"(placeholder {pd.Timestamp(first.placeholder_date):%Y-%m-%d}, {len(stops)} visit"
                        f"{'s' if len(stops) != 1 else ''})</h3>")
            body += [_card(b) for _, b in stops]
        body.append("</section>")
    if v.empty:
        body.append("<p>No visit: no candidate contact is level-matched to an executive with capacity.</p>")
    body.append('<h2>About this plan</h2>' + table_html(about))
    return page(f"Executive visit plan {plan.period[0]:%Y-%m-%d}", "\n".join(body))


# -- one entry point --------------------------------------------------------------------------

def write_plan(plan: VisitPlan, path: str | Path) -> Path:
    """Write the plan in the format of the file suffix (:data:`PLAN_FORMATS`)."""
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
