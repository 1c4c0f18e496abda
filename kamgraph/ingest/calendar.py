"""Read an iCalendar (.ics) export as touchpoints: one per event occurrence in a window.

Parsing is icalendar's; recurrences (RRULE, RDATE, EXDATE, moved and cancelled
occurrences given as RECURRENCE-ID components) and X-WR-TIMEZONE are expanded by
``recurring-ical-events``, inside the window only (an endless weekly meeting yields the
weeks of the window). Per occurrence:

* skipped when cancelled (STATUS:CANCELLED on the event or the occurrence, or a calendar
  with METHOD:CANCEL);
* attendees: the organizer and every ATTENDEE with an e-mail address, except those who
  declined (PARTSTAT=DECLINED; an organizer who declined too) and rooms or resources
  (CUTYPE=ROOM/RESOURCE);
* date: the local date of DTSTART in the event's own time zone (TZID): 07:30 in
  Asia/Shanghai is that day even though it is the previous day in UTC. A UTC time is read in
  the calendar's X-WR-TIMEZONE when it has one (Google's exports), else in UTC; a floating
  time (or an unknown TZID) as written; an all-day event's date as given;
* kind: ``event`` for an all-day event, ``meeting`` otherwise;
* id: ``ics-`` + a digest of the UID, plus the RECURRENCE-ID for an occurrence of a
  recurring event, so a moved occurrence keeps its id and a re-import writes the same rows.

An event whose DTSTART (or recurrence rule) cannot be read is skipped and named by its
number in the file (1 = the first VEVENT) and its UID; a file that is not a calendar is an
error.

>>> import tempfile, pathlib, datetime
>>> ics = pathlib.Path(tempfile.mkdtemp()) / "c.ics"
>>> _ = ics.write_text("BEGIN:VCALENDAR\\r\\nVERSION:2.0\\r\\nPRODID:x\\r\\nBEGIN:VEVENT\\r\\nUID:u1\\r\\n"
...     "DTSTART;TZID=Asia/Shanghai:20260105T073000\\r\\nSUMMARY:Breakfast\\r\\n"
...     "ORGANIZER:mailto:ann@us.example\\r\\nATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@them.example\\r\\n"
...     "END:VEVENT\\r\\nEND:VCALENDAR\\r\\n")
>>> [(t.date, t.kind, t.people) for t in read_calendar(ics, datetime.date(2026, 1, 1),
...                                                    datetime.date(2026, 1, 31)).touchpoints]
[(datetime.date(2026, 1, 5), 'meeting', (('ann@us.example', ''), ('bob@them.example', '')))]
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import recurring_ical_events

from kamgraph.i18n import _
from kamgraph.ingest.messages import (
    CANCELLED,
    DECLINED,
    OUTSIDE,
    MessageSourceError,
    SourceRead,
    Touchpoint,
    digest,
    normalize_address,
)

__all__ = ["read_calendar"]

# properties whose damage makes an event undatable (icalendar keeps a broken value and says why)
_DATING = frozenset({"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID"})
_NOT_PEOPLE = frozenset({"ROOM", "RESOURCE"})


def read_calendar(path: Path, start: date, end: date) -> SourceRead:
    """The touchpoints of the events of ``path`` dated ``start`` .. ``end`` (both included)."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as e:
        raise MessageSourceError(_("{path}: cannot be read ({reason})").format(
            path=path, reason=e.strerror or e)) from None
    try:
        parsed = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, IndexError, KeyError) as e:
        reason = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
        raise MessageSourceError(_("{path}: not an iCalendar file ({reason})").format(path=path, reason=reason)) \
            from None
    calendars = [c for c in parsed if c.name == "VCALENDAR"]
    if not calendars:
        raise MessageSourceError(_("{path}: not an iCalendar file (no BEGIN:VCALENDAR ... END:VCALENDAR)").format(
            path=path))

    out = SourceRead()
    number = 0
    for cal in calendars:
        cancelling = str(cal.get("METHOD", "")).upper() == "CANCEL"
        first: dict[str, int] = {}  # UID -> number of its first VEVENT
        recurring: set[str] = set()
        for ev in list(cal.walk("VEVENT")):
            number += 1
            uid = str(ev.get("UID", "")).strip()
            problem = _undatable(ev)
            if problem:
                where = (_("{file} event {number} (UID {uid})") if uid else _("{file} event {number}")).format(
                    file=name, number=number, uid=uid)
                out.malformed(where, problem)
                _remove(cal, ev)
                continue
            first.setdefault(uid, number)
            if any(k in ev for k in ("RRULE", "RDATE", "RECURRENCE-ID")):
                recurring.add(uid)
        # a day either side: occurrences are filtered on their own local date afterwards
        lo, hi = start - timedelta(days=1), end + timedelta(days=2)
        try:
            occurrences = list(recurring_ical_events.of(cal).between(lo, hi))
        except Exception as e:  # noqa: BLE001 - a third-party parser at the boundary: one line, the file named
            reason = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
            raise MessageSourceError(_("{path}: the events cannot be expanded ({reason})").format(
                path=path, reason=reason)) from None
        seen: set[str] = set()
        for occ in occurrences:
            day = _local_day(occ)
            if not start <= day <= end:
                continue
            uid = str(occ.get("UID", "")).strip()
            seen.add(uid)
            where = _("{file} event {number}").format(file=name, number=first.get(uid, "?"))
            tp = _touchpoint(occ, uid, uid in recurring, where, cancelling, out)
            if tp is not None:
                out.touchpoints.append(tp)
        # events (a whole series counts once) with no occurrence in the window
        out.skipped[OUTSIDE] += len(set(first) - seen)
    return out


def _undatable(ev) -> str:
    """Why an event cannot be dated, or ``""``."""
    broken = [(prop, msg) for prop, msg in getattr(ev, "errors", []) if str(prop).upper() in _DATING]
    if broken:
        prop, msg = broken[0]
        return _("{property} cannot be read ({reason})").format(property=prop,
                                                               reason=str(msg).splitlines()[0][:120])
    if ev.get("DTSTART") is None:
        return _("no DTSTART (start date)")
    try:
        dt = ev.get("DTSTART").dt
    except (ValueError, AttributeError) as e:
        return _("{property} cannot be read ({reason})").format(property="DTSTART", reason=e)
    if not isinstance(dt, date):
        return _("DTSTART is not a date ({value})").format(value=repr(dt))
    return ""


def _remove(cal, ev) -> None:
    for comp in cal.walk():
        if ev in comp.subcomponents:
            comp.subcomponents.remove(ev)
            return


def _touchpoint(occ, uid: str, recurring: bool, where: str, cancelling: bool, out: SourceRead) -> Touchpoint | None:
    if cancelling or str(occ.get("STATUS", "")).upper() == "CANCELLED":
        out.skipped[CANCELLED] += 1
        return None
    start = occ.get("DTSTART").dt
    all_day = not isinstance(start, datetime)
    day = _local_day(occ)

    organizer = occ.get("ORGANIZER")
    attendees = occ.get("ATTENDEE")
    if attendees is None:
        attendees = []
    elif not isinstance(attendees, list):
        attendees = [attendees]
    people: list[tuple[str, str]] = []
    declined: set[str] = set()
    for a in attendees:
        params = getattr(a, "params", {})
        if str(params.get("CUTYPE", "")).upper() in _NOT_PEOPLE:
            continue
        if str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            out.skipped[DECLINED] += 1
            declined.add(normalize_address(str(a)))
            continue
        people.append((normalize_address(str(a)), str(params.get("CN", "") or "")))
    if organizer is not None and normalize_address(str(organizer)) not in declined:
        people.insert(0, (normalize_address(str(organizer)), str(getattr(organizer, "params", {}).get("CN", "") or "")))
    people = [(a, n) for a, n in people if a]

    summary = " ".join(str(occ.get("SUMMARY", "")).split()) or None
    if not uid:  # RFC 5545 requires a UID; without one the event is known by its start and title
        key = f"nouid|{_instant(start)}|{summary or ''}|{str(organizer or '').lower()}"
    elif recurring:
        rid = occ.get("RECURRENCE-ID")
        key = f"{uid}|{_instant(rid.dt if rid is not None else start)}"
    else:
        key = uid
    return Touchpoint("ics-" + digest(key), day, "event" if all_day else "meeting", summary, tuple(people), where)


def _local_day(occ) -> date:
    """The occurrence's date in its own time zone (an aware DTSTART is already in it)."""
    start = occ.get("DTSTART").dt
    return start.date() if isinstance(start, datetime) else start


def _instant(value) -> str:
    """A stable text for an occurrence's start: UTC for an aware time, as written otherwise."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    if isinstance(value, datetime):
        return value.strftime("%Y%m%dT%H%M%S")
    return value.strftime("%Y%m%d")
