"""Calendars (.ics) and mail headers (.mbox / .eml) as a source of interactions.

A calendar event or an e-mail is a dated touchpoint between people. :func:`import_messages`
reads one file (or a folder of mail), matches every address to a person by the ``email``
column of ``people``, and writes the touchpoints as ``interactions`` and ``attendance`` rows
through the same validation as file imports, in one all-or-nothing ``store.write``.

Reading is in :mod:`kamgraph.ingest.calendar` (events, recurrences, time zones,
cancellations, declined attendees) and :mod:`kamgraph.ingest.mail` (From/To/Cc/Date
headers); both hand back :class:`Touchpoint` records, and everything after that is here, once.

Rules (the user-facing version is :data:`DOC_SECTION`, for docs/data-format.md):

* **Window.** Only touchpoints dated ``start`` .. ``end`` (both included) are imported.
  Calendars: by default the 365 days up to ``today`` (recurring events are expanded inside
  the window only). Mail: by default every message (a mailbox is finite).
* **Matching.** An address matches a person when it is one of the addresses of their
  ``email`` column (several may be given, separated by ``;`` or ``,``), ignoring case. An
  address given for two people matches neither (a warning names it).
* **Unknown addresses** on touchpoints that involve at least one known person are listed
  (address, display name, number of touchpoints). With ``add_unknown=True`` they become
  ``external`` people (id ``ext-`` + 12 hex digits of the address's SHA-256, name = the display
  name most often seen, else the address, ``email`` = the address); a message from a stranger
  to strangers adds nobody.
* **Kept.** A touchpoint becomes an interaction when at least two distinct known (or
  added) people attended it. Its ``account_id`` is the one account at which all its
  customer attendees work on its date (their employment rows), else empty.
* **Ids.** Interaction ids are derived from the source (``ics-`` + 16 hex digits of a
  SHA-256 of the event UID, plus the occurrence's RECURRENCE-ID for a recurring event;
  ``mail-`` + 16 hex digits of the Message-ID, else of From + Date + recipients), so
  importing the same file again writes the same rows.
* **Stored text.** The event's SUMMARY / the message's Subject is stored as ``subject``;
  descriptions, locations and message bodies are never stored.
* **Corrections survive.** An interaction already in the store keeps its stored ``kind``
  (a correction made in the app is not undone), and its stored ``account_id`` when none can
  be derived; date, subject and attendees come from the source.

>>> import tempfile, pathlib
>>> import pandas as pd
>>> from kamgraph.store import open_store
>>> store = open_store("sqlite:///:memory:")
>>> _ = store.write({"people": pd.DataFrame({"id": ["A", "B"], "name": ["Ann", "Bob"],
...     "side": ["internal", "customer"], "email": ["ann@us.example", "Bob@Them.example"]})})
>>> eml = pathlib.Path(tempfile.mkdtemp()) / "hello.eml"
>>> _ = eml.write_text("From: Ann <ann@us.example>\\nTo: bob@them.example, Cy <cy@x.example>\\n"
...     "Date: Tue, 03 Mar 2026 09:00:00 +0800\\nMessage-ID: <1@us.example>\\nSubject: Hi\\n\\nbody\\n")
>>> report = import_messages(eml, store)
>>> report.rows, report.interactions
({'interactions': 1, 'attendance': 2}, 1)
>>> report.unknown.to_dict("records")
[{'address': 'cy@x.example', 'name': 'Cy', 'count': 1}]
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from kamgraph.errors import KamgraphError
from kamgraph.i18n import N_, _, fmt_day, ngettext
from kamgraph.ingest.notices import list_sep, semicolon
from kamgraph.ingest.raw import RawImport, RawTable
from kamgraph.ingest.validate import validate

__all__ = [
    "DEFAULT_WINDOW_DAYS",
    "DOC_SECTION",
    "EMAIL_COLUMN_NOTE",
    "MessageSourceError",
    "MessagesReport",
    "SourceRead",
    "Touchpoint",
    "doc_section_markdown",
    "external_person_id",
    "import_messages",
    "split_addresses",
]

#: The default calendar window: the days up to ``today`` (both ends included).
DEFAULT_WINDOW_DAYS = 365
#: Unknown addresses the CLI lists before "N more".
UNKNOWN_LISTED = 20
#: Warnings about single events/messages listed before "... and N more".
WARNINGS_LISTED = 50

# skip reasons, in the order they are reported
CANCELLED, DECLINED, OUTSIDE, FEW, MALFORMED, DUPLICATE = (
    "cancelled", "declined", "outside", "few", "malformed", "duplicate")
_REASON_TEXT = {
    CANCELLED: N_("{n} cancelled (events or occurrences, STATUS:CANCELLED)"),
    DECLINED: N_("{n} declined attendances (attendees with PARTSTAT=DECLINED left out)"),
    OUTSIDE: N_("{n} outside the window {window}"),
    FEW: N_("{n} with fewer than two known people"),
    MALFORMED: N_("{n} malformed (each named in the warnings)"),
    DUPLICATE: N_("{n} repeated (same UID and occurrence, or same Message-ID, seen before)"),
}


class MessageSourceError(KamgraphError):
    """A calendar or mail source that cannot be read: missing, unreadable, not a calendar /
    not mail. The message is one line naming the file (and the event or message number)."""


@dataclass(frozen=True)
class Touchpoint:
    """One event occurrence or one message, as read: who (address, display name) and when.

    ``where`` names it for messages (``"team.ics event 3"``, ``"inbox.mbox message 12"``).
    """

    id: str
    date: date
    kind: str
    subject: str | None
    people: tuple[tuple[str, str], ...]  # (address, display name or "")
    where: str


@dataclass
class SourceRead:
    """What a reader found: touchpoints, skip counts by reason, and warnings."""

    touchpoints: list[Touchpoint] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    def malformed(self, where: str, why: str) -> None:
        """Count one malformed event/message and say which, and why."""
        self.skipped[MALFORMED] += 1
        self.warnings.append(_("{where}: {reason}; skipped").format(where=where, reason=why))


@dataclass(frozen=True)
class MessagesReport:
    """What :func:`import_messages` did (or, with ``dry_run``, would do).

    ``rows``: rows written per entity (or that would be); ``interactions``: touchpoints kept
    as interactions; ``unknown``: addresses matching nobody (columns address, name, count:
    touchpoints they appear on), most frequent first; ``skipped``: one line per reason
    (cancelled, declined, outside the window, fewer than two known people, malformed,
    repeated) with its count; ``warnings``: malformed events/messages by file and number,
    ambiguous addresses, validation warnings; ``data_version``: the store's version after the
    write (unchanged for a dry run or when nothing was kept); ``window``: the dates imported
    (None: unbounded); ``source``: the path read.
    """

    rows: dict[str, int]
    interactions: int
    unknown: pd.DataFrame
    skipped: tuple[str, ...]
    warnings: tuple[str, ...]
    data_version: int
    dry_run: bool
    window: tuple[date | None, date | None] = (None, None)
    source: str = ""

    @property
    def total(self) -> int:
        return sum(self.rows.values())


# ---------------------------------------------------------------------------------------
# small helpers shared by the readers
# ---------------------------------------------------------------------------------------


def digest(text: str, n: int = 16) -> str:
    """The first ``n`` hex digits of the SHA-256 of ``text`` (ids derived from the source).

    >>> digest("abc", 8)
    'ba7816bf'
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:n]


def normalize_address(address: str) -> str:
    """An address as matched: no ``mailto:``, no angle brackets or spaces, lower case; ``""``
    when it is not an address (no local part or no domain).

    >>> normalize_address(" MAILTO:<Wang.Wei@Cust.COM> ")
    'wang.wei@cust.com'
    >>> normalize_address("urn:uuid:1234")
    ''
    """
    a = str(address).strip()
    if a[:7].lower() == "mailto:":
        a = a[7:]
    a = a.strip().strip("<>").strip().lower()
    local, at, domain = a.rpartition("@")
    return a if at and local and domain and " " not in a else ""


def split_addresses(email: pd.Series) -> pd.DataFrame:
    """The ``email`` column of people as (row label, address) pairs: several addresses per
    cell separated by ``;`` or ``,`` (or spaces), normalized as matched. Vectorized.

    >>> split_addresses(pd.Series(["Ann@A.com; ann.l@b.com", None, "x"], index=["A", "B", "C"]))
      person      address
    0      A    ann@a.com
    1      A  ann.l@b.com
    """
    s = email.dropna().astype(str).str.lower().str.split(r"[;,\s]+", regex=True).explode()
    s = s.str.replace(r"^mailto:", "", regex=True).str.strip("<>")
    s = s[s.str.contains(r"^[^@\s]+@[^@\s]+$", regex=True, na=False)]
    out = pd.DataFrame({"person": s.index, "address": s.to_numpy()})
    return out.drop_duplicates().reset_index(drop=True)


def external_person_id(address: str) -> str:
    """The id a person added from an unknown address gets: the same address, the same id.

    >>> external_person_id("Cy@X.example") == external_person_id("cy@x.example")
    True
    >>> external_person_id("cy@x.example")
    'ext-521ae237f347'
    """
    return "ext-" + digest(normalize_address(address), 12)


def _to_date(value) -> date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError) as e:
        raise MessageSourceError(_("not a date: {value} (use YYYY-MM-DD)").format(value=repr(value))) from e


def _window(path: Path, is_calendar: bool, start, end, today) -> tuple[date | None, date | None]:
    today_d = _to_date(today) or date.today()
    s, e = _to_date(start), _to_date(end)
    if is_calendar:
        e = e or today_d
        s = s or e - timedelta(days=DEFAULT_WINDOW_DAYS)
    if s is not None and e is not None and s > e:
        raise MessageSourceError(_("{path}: the window starts ({start}) after it ends ({end})").format(
            path=path, start=fmt_day(s), end=fmt_day(e)))
    return s, e


def is_calendar_file(path: Path) -> bool:
    """True for a ``.ics`` file, or a file whose text starts with ``BEGIN:VCALENDAR``."""
    if path.suffix.lower() in (".ics", ".ical", ".icalendar"):
        return True
    if not path.is_file():
        return False
    try:
        with path.open("rb") as f:
            head = f.read(64)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"BEGIN:VCALENDAR")


# ---------------------------------------------------------------------------------------
# the import
# ---------------------------------------------------------------------------------------


def import_messages(path, store, *, start=None, end=None, add_unknown: bool = False, dry_run: bool = False,
                    actor: str | None = None, today=None) -> MessagesReport:
    """Import a calendar (``.ics``) or mail (``.mbox``, ``.eml``, or a folder of them) as
    interactions; see the module's rules.

    ``start`` / ``end``: the window (dates, both included; ``YYYY-MM-DD`` text accepted).
    Default for a calendar: the 365 days up to ``today`` (default: the current date); for
    mail: every message. ``add_unknown`` adds unknown addresses as external people.
    ``actor`` is recorded in the store's write log. Everything is validated by
    :func:`kamgraph.ingest.validate.validate` and written with one ``store.write`` (all or
    nothing); with ``dry_run`` nothing is written.

    Raises :class:`MessageSourceError` (one line naming the file) for a missing, unreadable
    or unrecognizable source, :class:`~kamgraph.errors.ImportValidationError` if validation
    rejects the rows. A malformed event or message is skipped and named in ``warnings``.
    """
    p = Path(path)
    if not p.exists():
        raise MessageSourceError(_("{path}: no such file or folder").format(path=p))
    calendar = p.is_file() and is_calendar_file(p)
    window = _window(p, calendar, start, end, today)
    if calendar:
        from kamgraph.ingest.calendar import read_calendar

        read = read_calendar(p, *window)
    else:
        from kamgraph.ingest.mail import read_mail

        read = read_mail(p)

    skipped = Counter(read.skipped)
    warnings = _capped(read.warnings)
    tps = _in_window(read.touchpoints, window, skipped)
    tps = _unique(tps, skipped)

    people = store.read("people")
    part, ambiguous = _match(tps, people)
    if ambiguous:
        warnings.append(_ambiguous_text(ambiguous))

    known = part[part["person_id"].notna()]
    with_known = set(known["interaction_id"])
    strangers = part[part["person_id"].isna() & ~part["ambiguous"] & part["interaction_id"].isin(with_known)]
    unknown = _unknown_table(strangers)
    if add_unknown and len(strangers):
        ids = {a: external_person_id(a) for a in unknown["address"]}  # one hash per address
        strangers = strangers.assign(person_id=strangers["address"].map(ids))
        attendance = pd.concat([known, strangers], ignore_index=True)
    else:
        attendance = known
    attendance = attendance.drop_duplicates(["interaction_id", "person_id"])[["interaction_id", "person_id",
                                                                                "address"]]
    size = attendance.groupby("interaction_id")["person_id"].nunique()
    kept_ids = set(size.index[size >= 2])
    kept = [t for t in tps if t.id in kept_ids]
    if len(tps) - len(kept):
        skipped[FEW] += len(tps) - len(kept)
    attendance = attendance[attendance["interaction_id"].isin(kept_ids)]

    new_people = _new_people(attendance, people, unknown) if add_unknown else None
    interactions = _interactions(kept, attendance, people, store)

    raw = RawImport(source=str(p))
    label = p.name or str(p)
    if new_people is not None and len(new_people):
        raw.tables["people"] = RawTable("people", new_people,
                                        _("{file} (people added from addresses)").format(file=label))
    if len(interactions):
        raw.tables["interactions"] = RawTable("interactions", interactions,
                                              _("{file} (interactions)").format(file=label))
        raw.tables["attendance"] = RawTable(
            "attendance", attendance[["interaction_id", "person_id"]].reset_index(drop=True),
            _("{file} (attendance)").format(file=label))
    checked = validate(raw, store, today=today)
    warnings += checked.warnings

    lines = _skipped_lines(skipped, window)
    if dry_run or not checked.tables:
        return MessagesReport(checked.rows, len(kept), unknown, lines, tuple(warnings), store.data_version(),
                              dry_run, window, str(p))
    # validate() checked every reference against these tables and the store
    result = store.write(checked.tables, references_checked=True, actor=actor, source=str(p))
    return MessagesReport(dict(result.rows), len(kept), unknown, lines, tuple(warnings), result.data_version,
                          False, window, str(p))


def _capped(warnings: list[str]) -> list[str]:
    if len(warnings) <= WARNINGS_LISTED:
        return list(warnings)
    n = len(warnings) - WARNINGS_LISTED
    return list(warnings[:WARNINGS_LISTED]) + [ngettext("... and {n} more malformed event or message",
                                                        "... and {n} more malformed events or messages", n).format(n=n)]


def _in_window(tps: list[Touchpoint], window, skipped: Counter) -> list[Touchpoint]:
    s, e = window
    out = [t for t in tps if (s is None or t.date >= s) and (e is None or t.date <= e)]
    if len(tps) - len(out):
        skipped[OUTSIDE] += len(tps) - len(out)
    return out


def _unique(tps: list[Touchpoint], skipped: Counter) -> list[Touchpoint]:
    """The first touchpoint of each id (the same message in two mailboxes, an event twice)."""
    seen: set[str] = set()
    out = []
    for t in tps:
        if t.id in seen:
            skipped[DUPLICATE] += 1
            continue
        seen.add(t.id)
        out.append(t)
    return out


def _match(tps: list[Touchpoint], people: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, list[str]]]]:
    """Participants as rows (interaction_id, address, name, person_id, ambiguous)."""
    rows = [(t.id, normalize_address(a), (n or "").strip()) for t in tps for a, n in t.people]
    part = pd.DataFrame(rows, columns=["interaction_id", "address", "name"])
    part = part[part["address"] != ""]
    book = split_addresses(people.set_index("id")["email"]) if len(people) else \
        pd.DataFrame({"person": [], "address": []})
    shared = book["address"].duplicated(keep=False)
    ambiguous = [(a, sorted(g["person"])) for a, g in book[shared].groupby("address")]
    book = book[~shared]
    part = part.merge(book.rename(columns={"person": "person_id"}), on="address", how="left")
    part["ambiguous"] = part["address"].isin({a for a, _ in ambiguous})
    used = set(part.loc[part["ambiguous"], "address"])
    return part, [(a, ids) for a, ids in ambiguous if a in used]


def _ambiguous_text(ambiguous: list[tuple[str, list[str]]]) -> str:
    shown = semicolon().join(_("{address} ({people})").format(address=a, people=list_sep().join(ids))
                             for a, ids in ambiguous[:10])
    if len(ambiguous) > 10:
        return _("addresses given in the email column of several people match none of them: {addresses}; and {n} "
                 "more; keep each address on one person").format(addresses=shown, n=len(ambiguous) - 10)
    return _("addresses given in the email column of several people match none of them: {addresses}; keep each "
             "address on one person").format(addresses=shown)


def _unknown_table(strangers: pd.DataFrame) -> pd.DataFrame:
    """address, name (the display name most often seen, first seen on a tie), count."""
    if strangers.empty:
        return pd.DataFrame({"address": pd.Series([], dtype=object), "name": pd.Series([], dtype=object),
                             "count": pd.Series([], dtype="int64")})
    count = strangers.groupby("address", sort=False)["interaction_id"].nunique()
    named = strangers[strangers["name"] != ""]
    names = named.groupby(["address", "name"], sort=False).size().reset_index(name="n")
    names = names.sort_values("n", ascending=False, kind="mergesort").drop_duplicates("address")
    out = pd.DataFrame({"address": count.index, "count": count.to_numpy()})
    out["name"] = out["address"].map(dict(zip(names["address"], names["name"])))
    out["name"] = out["name"].astype(object).where(out["name"].notna(), None)
    out = out.sort_values(["count", "address"], ascending=[False, True], kind="mergesort")
    return out[["address", "name", "count"]].reset_index(drop=True)


def _new_people(attendance: pd.DataFrame, people: pd.DataFrame, unknown: pd.DataFrame) -> pd.DataFrame:
    """External people for the unknown addresses on kept interactions, not yet stored."""
    added = attendance[attendance["person_id"].str.startswith("ext-", na=False)
                       & ~attendance["person_id"].isin(people["id"])]
    added = added.drop_duplicates("person_id")[["person_id", "address"]]
    names = dict(zip(unknown["address"], unknown["name"]))
    name = added["address"].map(names)
    return pd.DataFrame({
        "id": added["person_id"].to_numpy(),
        "name": name.where(name.notna(), added["address"]).to_numpy(),
        "side": "external",
        "email": added["address"].to_numpy(),
    }).astype(object)


def _interactions(kept: list[Touchpoint], attendance: pd.DataFrame, people: pd.DataFrame, store) -> pd.DataFrame:
    """The interactions rows as text cells: id, date, kind, account_id, subject."""
    cols = ["id", "date", "kind", "account_id", "subject"]
    if not kept:
        return pd.DataFrame(columns=cols, dtype=object)
    f = pd.DataFrame({"id": [t.id for t in kept], "date": [t.date.isoformat() for t in kept],
                      "kind": [t.kind for t in kept], "subject": [t.subject for t in kept]})
    f["account_id"] = f["id"].map(_accounts(f, attendance, people, store))
    stored = store.read("interactions", "id", list(f["id"]))
    if len(stored):  # a correction made in the app survives a re-import
        kind = dict(zip(stored["id"], stored["kind"]))
        acct = dict(zip(stored["id"], stored["account_id"]))
        stored_kind = f["id"].map(kind).astype(object)
        f["kind"] = stored_kind.where(stored_kind.notna(), f["kind"])
        derived = f["account_id"].astype(object)
        f["account_id"] = derived.where(derived.notna(), f["id"].map(acct).astype(object))
    f = f[cols].astype(object)
    return f.where(f.notna(), None)


def _accounts(f: pd.DataFrame, attendance: pd.DataFrame, people: pd.DataFrame, store) -> dict[str, str]:
    """interaction id -> the one account all its customer attendees work at on its date."""
    customers = set(people.loc[people["side"] == "customer", "id"])
    cust = attendance[attendance["person_id"].isin(customers)][["interaction_id", "person_id"]]
    if cust.empty:
        return {}
    emp = store.read("employment", "person_id", sorted(set(cust["person_id"])))
    if emp.empty:
        return {}
    accounts = set(store.read("accounts", "id", sorted(set(emp["org_id"])))["id"])
    emp = emp[emp["org_id"].isin(accounts)]
    m = cust.merge(emp[["person_id", "org_id", "since", "until"]], on="person_id")
    when = pd.to_datetime(m["interaction_id"].map(dict(zip(f["id"], f["date"]))))
    active = (m["since"].isna() | (m["since"] <= when)) & (m["until"].isna() | (m["until"] >= when))
    m = m[active]
    need = cust.groupby("interaction_id")["person_id"].nunique()
    at = m.groupby(["interaction_id", "org_id"])["person_id"].nunique().reset_index()
    at = at[at["person_id"].to_numpy() == at["interaction_id"].map(need).to_numpy()]
    one = at.groupby("interaction_id")["org_id"].agg(["first", "size"])
    one = one[one["size"] == 1]
    return dict(zip(one.index, one["first"]))


def _skipped_lines(skipped: Counter, window) -> tuple[str, ...]:
    s, e = window
    text = f"{fmt_day(s) if s else '...'}..{fmt_day(e) if e else '...'}"
    return tuple(_(_REASON_TEXT[r]).format(n=skipped[r], window=text) for r in _REASON_TEXT if skipped[r])


# The user-facing rules, for docs/data-format.md (kamgraph/ingest/spec.py generates the document).
EMAIL_COLUMN_NOTE = ("one or more e-mail addresses, separated by `;` or `,` (`ann@acme.com; ann.li@gmail.com`); "
                     "calendar and mail imports match people by them, ignoring case")

DOC_SECTION: tuple[tuple[str, str], ...] = (
    ("Commands",
     ("`kamgraph import-calendar FILE.ics [--from DATE] [--to DATE] [--add-unknown] [--dry-run]` and "
     "`kamgraph import-mail PATH [--from DATE] [--to DATE] [--add-unknown] [--dry-run]` (PATH: an `.mbox` "
     "file, an `.eml` file, or a folder whose `.mbox` and `.eml` files, in sub-folders too, are read). Each "
     "event occurrence or message becomes an interaction with its attendees; the same validation and the "
     "same all-or-nothing write as `kamgraph import`.")),
    ("Window",
     ("Only events and messages dated from `--from` to `--to` (both included) are imported. Calendars: by "
     "default the 365 days up to today (the analysis date, `--as-of`); recurring events are expanded inside "
     "the window only. Mail: by default every message.")),
    ("Matching people",
     ("An attendee, organizer, sender or recipient is matched to the person whose `email` column holds "
     "that address (several addresses per person, separated by `;` or `,`; case is ignored). An address "
     "given for two people matches neither, with a warning. Addresses matching nobody are listed with a "
     "display name and the number of events or messages they appear on (only those that involve at least "
     "one known person); `--add-unknown` adds them as `external` people (id `ext-` followed by 12 "
     "characters derived from the address, name from the display name, else the address).")),
    ("Kept",
     ("An event or message becomes an interaction when at least two different known (or added) people "
     "attended it; its account is the one account at which all its customer attendees work on its date, "
     "else empty. The event's title (SUMMARY) or the message's Subject is stored as `subject`; "
     "descriptions, locations and message bodies are never read into the store.")),
    ("Calendars",
     ("The organizer and the attendees are the interaction's attendees, except an attendee who declined "
     "(PARTSTAT=DECLINED) and rooms or resources (CUTYPE=ROOM/RESOURCE). Cancelled events and occurrences "
     "(STATUS:CANCELLED, a cancelling calendar METHOD:CANCEL) and dates removed by EXDATE are skipped. "
     "The date is the event's local date in its own time zone (TZID); a UTC time is taken in the "
     "calendar's X-WR-TIMEZONE when it has one, else in UTC; a floating time as written. Kind: `event` for "
     "an all-day event, `meeting` otherwise. An event whose start or recurrence rule cannot be read is "
     "skipped and named (its number in the file and its UID) in the warnings.")),
    ("Mail",
     ("Only the headers From, To, Cc, Date, Subject and Message-ID are read (RFC 2047 encoded names, "
     "Chinese included, are decoded). Kind: `email`; the date is the Date header's day in the sender's "
     "own time zone. A message without a valid Date is skipped and named (file and message number) in "
     "the warnings.")),
    ("Re-importing",
     ("Interaction ids come from the event's UID (and the occurrence, for a recurring event) or the "
     "message's Message-ID (else From, Date and recipients), so importing the same file again writes the "
     "same rows; the same message in two mailboxes is one interaction. An interaction already stored "
     "keeps its kind (a correction made in the app survives) and its account when none can be derived. "
     "Re-importing adds and updates, it never deletes: an attendee who declines after an earlier import "
     "stays in the interaction's attendance until removed in the app.")),
    ("Errors",
     ("A missing or unreadable file, a file that is not a calendar (`import-calendar`) or not mail (an mbox "
     "starts with a `From ` line; an .eml with no headers) is refused with one line naming it; nothing is "
     "written.")),
)


def doc_section_markdown() -> list[str]:
    """The "Calendars and mail" section of docs/data-format.md, as lines (for kamgraph.ingest.spec)."""
    lines = ["## Calendars and mail", "",
             ("What `kamgraph import-calendar` and `kamgraph import-mail` read. People are matched by the "
             "addresses in `people.email`, so import or edit those first."), ""]
    return lines + [f"- **{title}.** {text}" for title, text in DOC_SECTION]
