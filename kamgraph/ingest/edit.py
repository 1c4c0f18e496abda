"""Edits: record what you learn, one change at a time, through the import's validation.

Edits are the fourth way data gets in (beside files, calendars and mail). Each operation
below builds the rows of **one** change, runs the same :func:`~kamgraph.ingest.validate.validate`
as a file import (the same rules and the same message text), drops rows that would not
change anything, and writes what is left with **one** ``store.write`` (one transaction),
recorded as ``actor`` with the source ``edit: <operation>``. On any problem nothing is
written and :class:`EditRejected` (an :class:`~kamgraph.errors.ImportValidationError`)
names the field instead of a file and row; a person or row that does not exist is a
:class:`~kamgraph.errors.NotFound`. Each returns an :class:`EditResult`: the rows written
(or deleted) per entity.

Operations (the app's forms and ``kamgraph edit`` call these; values are text as typed,
dates ``YYYY-MM-DD``; a keyword left ``None`` is not touched, ``""`` clears the field):

``add_person`` / ``edit_person``
    a person (name, side, title, level, email, phone, city, country, notes) and, with
    ``org_id``, their employment there (``employment_title``, ``team_role``, ``since``; a
    customer contact may also get a first ``decision_role``/``attitude``/``influence``).
    An empty ``level`` is derived from the title, as in imports.
``job_change``
    ends the person's employment at ``from_org`` (``until`` = the date; default: their one
    current job) and starts one at ``to_org`` (``since`` = the date). Nothing is deleted:
    the old employment, and the assessments made there, stay as history. The store keeps
    one employment per person and organization, so a move back to a former employer is
    refused rather than overwriting that history.
``assess``
    appends a dated assessment of decision role, attitude and/or influence at an account
    (``assessed_on``, default today; ``assessed_by``, ``source``); history is never
    overwritten. An assessment that changes nothing in force on its date is not added
    (the result says so). Two assessments of one contact on the same day are one row: the
    later one's fields replace that day's.
``log_interaction``
    one dated interaction (kind, date, attendees from both sides by person id, account,
    opportunity, subject, notes). Its id is derived from its content
    (``I-YYYYMMDD-<hash>``): logging the same interaction twice stores it once.
``add_tie`` / ``end_tie``
    a declared relationship (kind, strength 1..5, ``assessed_on`` default today, since,
    notes). Ending a tie deletes the declared tie (interactions stay, and keep their weight
    in the computed strength); ``kind=None`` ends every kind between the two.
``add_influence`` / ``end_influence``
    an influence link (weight 1..5); ending deletes it.
``add_membership`` / ``end_membership``
    a membership of an organization (role, since); memberships have no end date, so
    ending deletes the row.

>>> import pandas as pd
>>> from kamgraph.store import open_store
>>> s = open_store("sqlite:///:memory:")
>>> _ = s.write({"accounts": pd.DataFrame([{"id": "A1", "name": "Acme"}])})
>>> add_person(s, "C1", name="Ann Lee", side="customer", title="CFO", org_id="A1").rows
{'people': 1, 'employment': 1}
>>> r = assess(s, "C1", "A1", attitude="skeptic", assessed_on="2026-11-20")
>>> r.rows, assess(s, "C1", "A1", attitude="skeptic", assessed_on="2026-11-21").changed
({'assessments': 1}, False)
>>> try:
...     assess(s, "C1", "A1", attitude="fan")
... except EditRejected as e:
...     print(e)
not saved, nothing was written: attitude 'fan' is not one of champion, supporter, neutral, skeptic, opponent
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from kamgraph.errors import ImportValidationError, KamgraphError, NotFound, Problem
from kamgraph.i18n import NP_, _, current_language, pgettext
from kamgraph.i18n.terms import TERMS, term
from kamgraph.ingest.messages import split_addresses
from kamgraph.ingest.notices import list_sep, semicolon
from kamgraph.ingest.raw import RawImport, RawTable
from kamgraph.ingest.validate import validate
from kamgraph.schema import ENTITIES, WRITE_ORDER, to_records

__all__ = [
    "OPERATIONS",
    "PERSON_FIELDS",
    "EditRejected",
    "EditResult",
    "FieldProblem",
    "add_influence",
    "add_membership",
    "add_person",
    "add_tie",
    "assess",
    "edit_person",
    "end_influence",
    "end_membership",
    "end_tie",
    "find_organization",
    "find_person",
    "interaction_id",
    "job_change",
    "log_interaction",
    "person_for_user",
]

#: the operations, as recorded in the audit trail's source (``edit: <operation>``)
OPERATIONS: tuple[str, ...] = ("add person", "edit person", "job change", "assess", "log interaction",
                               "add tie", "end tie", "add influence", "end influence", "add membership",
                               "end membership")
#: the operations as a person reads them (the audit trail keeps the English names above)
_OPERATION_WORDS = {
    "add person": NP_("edit", "add person"), "edit person": NP_("edit", "edit person"),
    "job change": NP_("edit", "job change"), "assess": NP_("edit", "assess"),
    "log interaction": NP_("edit", "log interaction"), "add tie": NP_("edit", "add tie"),
    "end tie": NP_("edit", "end tie"), "add influence": NP_("edit", "add influence"),
    "end influence": NP_("edit", "end influence"), "add membership": NP_("edit", "add membership"),
    "end membership": NP_("edit", "end membership"),
}
#: the tables an edit writes, as a person reads them in a summary (English: the table's name)
_ENTITY_WORDS = TERMS["entity"]
#: the fields of a person an edit may set
PERSON_FIELDS: tuple[str, ...] = ("name", "side", "title", "level", "email", "phone", "city", "country", "notes")

#: how a problem's (table, column) is named to the person filling a form; else the column
_FIELD = {("attendance", "person_id"): "attendees", ("interactions", "account_id"): "account_id",
          ("employment", "person_id"): "person_id"}


@dataclass(frozen=True)
class FieldProblem(Problem):
    """A validation problem of one form field (``column``); reads ``field: message`` (or just
    the message when it already starts with the field's name)."""

    def __str__(self) -> str:
        if not self.column or self.message.startswith(self.column):
            return self.message
        return _("{field}: {message}").format(field=self.column, message=self.message)


class EditRejected(ImportValidationError):
    """An edit was refused; nothing was written. One line: every problem, by field."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__(list(problems))
        text = semicolon().join(str(p) for p in self.problems)
        KamgraphError.__init__(self, _("not saved, nothing was written: {problems}").format(problems=text))


@dataclass(frozen=True)
class EditResult:
    """What an edit did: ``rows`` written per entity, ``deleted`` rows per entity, the data
    version after it (unchanged when nothing changed), warnings, and ids it made
    (``{"interaction_id": ...}``, ``{"person_id": ...}``)."""

    operation: str
    rows: Mapping[str, int] = field(default_factory=dict)
    deleted: Mapping[str, int] = field(default_factory=dict)
    data_version: int = 0
    warnings: tuple[str, ...] = ()
    ids: Mapping[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(sum(self.rows.values()) + sum(self.deleted.values()))

    def summary(self) -> str:
        """One line: ``assess: 1 assessments written`` or ``assess: nothing changed``."""
        def word(e: str) -> str:
            return pgettext("entity", _ENTITY_WORDS[e]) if e in _ENTITY_WORDS else e

        parts = [_("{n} {entity} written").format(n=n, entity=word(e)) for e, n in self.rows.items() if n]
        parts += [_("{n} {entity} deleted").format(n=n, entity=word(e)) for e, n in self.deleted.items() if n]
        op = (pgettext("edit", _OPERATION_WORDS[self.operation]) if self.operation in _OPERATION_WORDS
              else self.operation)
        if not parts:
            return _("{operation}: nothing changed").format(operation=op)
        return _("{operation}: {changes}").format(operation=op, changes=list_sep().join(parts))


# ---------------------------------------------------------------------------------------
# building and writing one change
# ---------------------------------------------------------------------------------------


def _cell(value: object) -> str | None:
    """A typed value as the text a file would hold (the validator parses it like a cell)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _row(**values: object) -> dict[str, str | None]:
    """The cells of one row: keywords that are None are left out (not touched), "" is empty."""
    return {k: _cell(v) for k, v in values.items() if v is not None}


def _raw(rows: Mapping[str, Sequence[Mapping[str, str | None]]]) -> RawImport:
    tables = {}
    for entity, rs in rows.items():
        if rs:
            cols = list(dict.fromkeys(c for r in rs for c in r))
            frame = pd.DataFrame([[r.get(c) for c in cols] for r in rs], columns=cols, dtype=object)
            tables[entity] = RawTable(entity, frame, source=entity)
    return RawImport(tables, source="edit")


def _as_fields(operation: str, problems: Sequence[Problem]) -> list[FieldProblem]:
    out = []
    for p in problems:
        column = _FIELD.get((p.file, p.column), p.column)
        out.append(FieldProblem(operation, None, column, p.value, p.message))
    return out


def _reject(operation: str, *problems: tuple[str | None, object, str]) -> EditRejected:
    """An :class:`EditRejected` from (field, value, message) triples."""
    return EditRejected([FieldProblem(operation, None, f, v, m) for f, v, m in problems])


def _check(operation: str, rows, store, today, extra: Sequence[tuple[str | None, object, str]] = ()):
    """validate() the rows; every problem (with ``extra`` ones found before) as one EditRejected."""
    problems = [FieldProblem(operation, None, f, v, m) for f, v, m in extra]
    try:
        checked = validate(_raw(rows), store, today=today)
    except ImportValidationError as e:
        raise EditRejected(problems + _as_fields(operation, e.problems)) from None
    if problems:
        raise EditRejected(problems)
    return checked


def _write(store, operation: str, tables: Mapping[str, pd.DataFrame], actor: str | None,
           warnings: Sequence[str] = (), ids: Mapping[str, str] | None = None) -> EditResult:
    # the store writes only rows that differ from the stored ones: an edit that changes nothing
    # writes nothing and leaves the data version as it is
    ordered = {e: tables[e] for e in WRITE_ORDER if tables.get(e) is not None and len(tables[e])}
    result = store.write(ordered, references_checked=True, actor=actor, source=f"edit: {operation}")
    rows = {e: int(n) for e, n in result.rows.items() if n}
    return EditResult(operation, rows, {}, result.data_version, tuple(warnings), dict(ids or {}))


def _delete(store, operation: str, entity: str, keys: pd.DataFrame, actor: str | None) -> EditResult:
    n = store.delete(entity, keys, actor=actor, source=f"edit: {operation}")
    return EditResult(operation, {}, {entity: int(n)} if n else {}, store.data_version())


def _text(value: object) -> str | None:
    """Text given by a user, stripped; None (or blank) -> None."""
    if value is None:
        return None
    t = str(value).strip()
    return t or None


def _one(store, entity: str, column: str, value: str) -> dict | None:
    found = store.read(entity, column, [value])
    return to_records(entity, found)[0] if len(found) else None


def _person(store, person_id: str) -> dict:
    row = _one(store, "people", "id", person_id) if _text(person_id) else None
    if row is None:
        raise NotFound(_("no person with id {id}").format(id=repr(person_id)))
    return row


# ---------------------------------------------------------------------------------------
# people and jobs
# ---------------------------------------------------------------------------------------


def _new_person_id(store, name: str, side: str) -> str:
    """``P-<8 hex>`` from the name and side, made unique against the store."""
    base = hashlib.sha1(f"{name}\x1f{side}".encode()).hexdigest()
    for i in range(len(base) - 8):
        pid = f"P-{base[i:i + 8].upper()}"
        if store.read("people", "id", [pid]).empty:
            return pid
    raise KamgraphError(_("could not make a new person id; give one"))  # pragma: no cover


def add_person(store, person_id: str | None = None, *, name: str, side: str, title=None, level=None,
               email=None, phone=None, city=None, country=None, notes=None, org_id: str | None = None,
               employment_title=None, team_role=None, since=None, decision_role=None, attitude=None,
               influence=None, assessed_by=None, source=None, actor: str | None = None,
               today=None) -> EditResult:
    """Add a new person (``person_id`` None: an id ``P-XXXXXXXX`` is made) and, with ``org_id``,
    their job there (its title defaults to ``title``); a customer contact may get a first
    decision role, attitude and influence at that account in the same change."""
    op = "add person"
    pid = _text(person_id)
    extra = []
    if pid is not None and not store.read("people", "id", [pid]).empty:
        extra.append(("id", pid, _("a person with id {id} already exists: edit them instead").format(id=repr(pid))))
    if pid is None:
        pid = _new_person_id(store, _text(name) or "", _text(side) or "")
    person = {"name": name, "side": side, "title": title, "level": level, "email": email, "phone": phone,
              "city": city, "country": country, "notes": notes}
    first = {"decision_role": decision_role, "attitude": attitude, "influence": influence,
             "assessed_by": assessed_by, "source": source}
    return _save_person(store, op, pid, person, org_id, employment_title, team_role, since, first, actor, today,
                        extra, new=True)


def edit_person(store, person_id: str, *, name=None, side=None, title=None, level=None, email=None,
                phone=None, city=None, country=None, notes=None, org_id: str | None = None,
                employment_title=None, team_role=None, since=None, actor: str | None = None,
                today=None) -> EditResult:
    """Change some fields of a person (None: keep; ``""``: clear), and with ``org_id`` add or
    change their employment there. An empty ``level`` is derived from the title again."""
    stored = _person(store, person_id)
    values = {"name": name, "side": side, "title": title, "level": level, "email": email, "phone": phone,
              "city": city, "country": country, "notes": notes}
    for required in ("name", "side"):  # a file must carry them; an edit keeps the stored ones
        if values[required] is None:
            values[required] = stored[required]
    return _save_person(store, "edit person", stored["id"], values, org_id, employment_title, team_role,
                        since, {}, actor, today, [], new=False)


def _save_person(store, op, pid, values, org_id, employment_title, team_role, since, assessment, actor,
                 today, extra, new: bool) -> EditResult:
    rows: dict[str, list] = {"people": [_row(id=pid, **values)]}
    org = _text(org_id)
    if org is not None:
        title = employment_title if employment_title is not None else (values.get("title") if new else None)
        rows["employment"] = [_row(person_id=pid, org_id=org, title=title, team_role=team_role, since=since,
                                   **{k: v for k, v in assessment.items() if v not in (None, "")})]
        if any(assessment.get(k) not in (None, "") for k in ("decision_role", "attitude", "influence")):
            rows["employment"][0].setdefault("source", _cell(assessment.get("source")) or "edit")
    elif any(v not in (None, "") for k, v in assessment.items() if k in ("decision_role", "attitude", "influence")):
        extra = [*extra, ("org_id", None, _("a decision role, attitude or influence needs the account (org_id)"))]
    for t in (employment_title, team_role, since):
        if org is None and t not in (None, ""):
            extra = [*extra, ("org_id", None,
                               _("employment title, team role and since need the organization (org_id)"))]
            break
    checked = _check(op, rows, store, today, extra)
    return _write(store, op, checked.tables, actor, checked.warnings, {"person_id": pid})


def job_change(store, person_id: str, to_org: str, on, *, from_org: str | None = None, title=None,
               team_role=None, level=None, side=None, actor: str | None = None, today=None) -> EditResult:
    """End the person's job at ``from_org`` on ``on`` (default: their one job not ended by then) and start
    one at ``to_org`` the same day. ``title`` (the new job's) also becomes the person's title
    and, unless ``level`` is given, their level is derived from it again."""
    op = "job change"
    person = _person(store, person_id)
    pid = person["id"]
    to = _text(to_org)
    day = _text(_cell(on))
    jobs = store.read("employment", "person_id", [pid])
    when = pd.to_datetime(day, errors="coerce") if day is not None else pd.NaT
    # current on the day of the change: not ended, or ending after it
    current = jobs[jobs["until"].isna() | (jobs["until"] > when if pd.notna(when) else False)]
    problems = []
    if day is None:
        problems.append(("since", None, _("since is required but empty (the date of the change)")))
    if to is None:
        problems.append(("org_id", None, _("org_id is required but empty (the new organization)")))
    old = _text(from_org)
    if old is None:
        if len(current) == 1:
            old = current["org_id"].iloc[0]
        elif len(current) > 1:
            listed = list_sep().join(sorted(current["org_id"]))
            problems.append(("from_org", None, _("{name} has {n} current jobs ({organizations}): say which one "
                                                 "ends").format(name=person["name"], n=len(current),
                                                                organizations=listed)))
    elif old not in set(jobs["org_id"]):
        problems.append(("from_org", old, _("{name} has no job at {organization}").format(
            name=person["name"], organization=repr(old))))
    if to is not None and to == old:
        problems.append(("org_id", to, _("the new organization is the one the job change ends")))
    elif to is not None and to in set(jobs["org_id"]):
        was = jobs[jobs["org_id"] == to].iloc[0]
        dates = [x.strftime("%Y-%m-%d") for x in (was["since"], was["until"]) if pd.notna(x)]
        if len(dates) == 2:
            period = _("{since} to {until}").format(since=dates[0], until=dates[1])
        else:
            period = "".join(dates)
        if period:
            text = _("{name} already has an employment at {organization} ({period}); the store keeps one per "
                     "person and organization: edit that one instead")
        else:
            text = _("{name} already has an employment at {organization}; the store keeps one per person and "
                     "organization: edit that one instead")
        problems.append(("org_id", to, text.format(name=person["name"], organization=repr(to), period=period)))
    rows: dict[str, list] = {"employment": []}
    if old is not None and day is not None:
        was = jobs[jobs["org_id"] == old]
        was_since = was["since"].iloc[0] if len(was) else None
        rows["employment"].append(_row(person_id=pid, org_id=old, since=was_since if pd.notna(was_since) else None,
                                       until=day))
    if to is not None:
        rows["employment"].append(_row(person_id=pid, org_id=to, title=title, team_role=team_role, since=day,
                                       until=""))
    if title is not None or level is not None or side is not None:
        rows["people"] = [_row(id=pid, name=person["name"], side=side if side is not None else person["side"],
                               title=title, level=level if level is not None else ("" if title else None))]
    checked = _check(op, rows, store, today, problems)
    return _write(store, op, checked.tables, actor, checked.warnings)


# ---------------------------------------------------------------------------------------
# assessments
# ---------------------------------------------------------------------------------------


def assess(store, person_id: str, account_id: str, *, decision_role=None, attitude=None, influence=None,
           assessed_on=None, assessed_by=None, source=None, actor: str | None = None, today=None) -> EditResult:
    """Append a dated assessment (``assessed_on`` default ``today``, else the current date) of a
    contact's decision role, attitude and/or influence at an account. Blank fields are not
    assessed (they keep their value in force). Nothing is added when nothing changes."""
    op = "assess"
    fields = {k: (None if _text(v) is None else v) for k, v in
              {"decision_role": decision_role, "attitude": attitude, "influence": influence}.items()}
    row = _row(person_id=person_id, account_id=account_id, assessed_on=assessed_on or None,
               assessed_by=_text(assessed_by), source=_text(source) or "edit", **fields)
    for k in fields:  # the three columns are always there, so "needs at least one" can be said
        row.setdefault(k, None)
    try:
        checked = _check(op, {"assessments": [row]}, store, today)
    except EditRejected as e:  # a bad value also leaves "no field given": say only what is wrong
        bad = [p for p in e.problems if p.column]
        raise (EditRejected(bad) if bad else e) from None
    tables = dict(checked.tables)
    a = tables.get("assessments")
    if a is not None:  # a field not assessed must not blank that day's value of it
        tables["assessments"] = a[[c for c in a.columns if c in ENTITIES["assessments"].key or a[c].notna().any()]]
    # the history filter's own warning ("assessments: ... not added again") is said below in an edit's words
    warnings = [w for w in checked.warnings if not w.startswith(("assessments:", "assessments："))]
    if checked.tables.get("assessments") is not None and checked.tables["assessments"].empty:
        warnings.append(_("the assessment is the one already in force: nothing added"))
    return _write(store, op, tables, actor, warnings)


# ---------------------------------------------------------------------------------------
# interactions
# ---------------------------------------------------------------------------------------


def interaction_id(date: str, kind: str, attendees: Sequence[str], account_id=None, opportunity_id=None,
                   subject=None, notes=None) -> str:
    """A stable id for a logged interaction: the same content gives the same id.

    >>> interaction_id("2026-11-20", "meal", ["C-1", "S-1"], subject="dinner")
    'I-20261120-337b7e1554'
    >>> interaction_id("2026-11-20", "meal", ["S-1", "C-1"], subject="dinner")  # attendees in any order
    'I-20261120-337b7e1554'
    """
    parts = [date, kind, *sorted(set(attendees)), "\x1e", account_id or "", opportunity_id or "",
             subject or "", notes or ""]
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:10]
    return f"I-{re.sub(r'[^0-9]', '', str(date))[:8]}-{digest}"


def log_interaction(store, *, kind: str, date, attendees: Sequence[str], account_id: str | None = None,
                    opportunity_id: str | None = None, subject=None, notes=None,
                    actor: str | None = None) -> EditResult:
    """Log one interaction with its attendees (person ids, both sides). Without an account,
    the opportunity's account is used; an opportunity of another account is refused."""
    op = "log interaction"
    people = list(dict.fromkeys(a for a in (_text(x) for x in attendees or ()) if a))
    account, opp = _text(account_id), _text(opportunity_id)
    problems = []
    if not people:
        problems.append(("attendees", None, _("attendees: pick at least one person who was there")))
    if opp is not None:
        found = store.read("opportunities", "id", [opp])
        if len(found):
            opp_account = found["account_id"].iloc[0]
            if account is None:
                account = opp_account
            elif account != opp_account:
                problems.append(("opportunity_id", opp, _("opportunity {opportunity} is at account {at}, not "
                                                          "{account}").format(opportunity=repr(opp),
                                                                               at=repr(opp_account),
                                                                               account=repr(account))))
    day = _cell(date)
    iid = interaction_id(day or "", _text(kind) or "", people, account, opp, _text(subject), _text(notes))
    rows = {"interactions": [_row(id=iid, date=day or "", kind=kind or "", account_id=account,
                                  opportunity_id=opp, subject=_text(subject), notes=_text(notes))],
            "attendance": [_row(interaction_id=iid, person_id=p) for p in people]}
    checked = _check(op, rows, store, None, problems)
    warnings = list(checked.warnings)
    sides = set(store.read("people", "id", people)["side"].dropna())
    if sides and ("internal" not in sides or sides == {"internal"}):
        warnings.append(_("every attendee is on one side: an interaction counts for the relationships between "
                          "our people and theirs"))
    return _write(store, op, checked.tables, actor, warnings, {"interaction_id": iid})


# ---------------------------------------------------------------------------------------
# ties, influence, memberships
# ---------------------------------------------------------------------------------------


def add_tie(store, person_id: str, other_id: str, kind: str, *, strength=None, assessed_on=None, since=None,
            notes=None, actor: str | None = None, today=None) -> EditResult:
    """Add (or re-assess) a declared tie; a strength without ``assessed_on`` is dated ``today``."""
    op = "add tie"
    when = assessed_on
    if when in (None, "") and _text(strength) is not None:
        when = pd.Timestamp(today if today is not None else dt.date.today()).normalize()
    rows = {"ties": [_row(person_id=person_id, other_id=other_id, kind=kind, strength=strength,
                          assessed_on=when, since=since, notes=notes)]}
    checked = _check(op, rows, store, today)
    return _write(store, op, checked.tables, actor, checked.warnings)


def end_tie(store, person_id: str, other_id: str, kind: str | None = None, *, actor: str | None = None) -> EditResult:
    """Delete the declared tie (of ``kind``, or of every kind) between two people."""
    a, b = sorted((str(person_id), str(other_id)))
    ties = store.read("ties", "person_id", [a])
    ties = ties[ties["other_id"] == b]
    if _text(kind) is not None:
        ties = ties[ties["kind"] == _text(kind).lower()]
    if ties.empty:
        if _text(kind):
            raise NotFound(_("no {kind} tie between {person} and {other}").format(
                kind=_text(kind), person=repr(person_id), other=repr(other_id)))
        raise NotFound(_("no tie between {person} and {other}").format(person=repr(person_id), other=repr(other_id)))
    return _delete(store, "end tie", "ties", ties[list(ENTITIES["ties"].key)], actor)


def add_influence(store, source_id: str, target_id: str, *, weight=None, actor: str | None = None) -> EditResult:
    """Add (or re-weigh) an influence link: ``source_id``'s opinion weighs on ``target_id``."""
    op = "add influence"
    checked = _check(op, {"influence": [_row(source_id=source_id, target_id=target_id, weight=weight)]}, store, None)
    return _write(store, op, checked.tables, actor, checked.warnings)


def end_influence(store, source_id: str, target_id: str, *, actor: str | None = None) -> EditResult:
    """Delete an influence link."""
    links = store.read("influence", "source_id", [str(source_id)])
    links = links[links["target_id"] == str(target_id)]
    if links.empty:
        raise NotFound(_("no influence link from {source} to {target}").format(source=repr(source_id),
                                                                              target=repr(target_id)))
    return _delete(store, "end influence", "influence", links[list(ENTITIES["influence"].key)], actor)


def add_membership(store, person_id: str, org_id: str, *, role=None, since=None,
                   actor: str | None = None) -> EditResult:
    """Add (or change) a membership of an organization."""
    op = "add membership"
    rows = {"memberships": [_row(person_id=person_id, org_id=org_id, role=role, since=since)]}
    checked = _check(op, rows, store, None)
    return _write(store, op, checked.tables, actor, checked.warnings)


def end_membership(store, person_id: str, org_id: str, *, actor: str | None = None) -> EditResult:
    """Delete a membership (memberships have no end date)."""
    found = store.read("memberships", "person_id", [str(person_id)])
    found = found[found["org_id"] == str(org_id)]
    if found.empty:
        raise NotFound(_("{person} is no member of {organization}").format(person=repr(person_id),
                                                                            organization=repr(org_id)))
    return _delete(store, "end membership", "memberships", found[list(ENTITIES["memberships"].key)], actor)


# ---------------------------------------------------------------------------------------
# finding people and organizations by what a user types
# ---------------------------------------------------------------------------------------


def _norm(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def find_person(store, ref: str) -> str:
    """The id of the person ``ref`` names: an id, or an exact name (case and spacing aside).
    Several people of that name: an error listing them, to be called by id."""
    ref = str(ref).strip()
    if ref and not store.read("people", "id", [ref]).empty:
        return ref
    people = store.read("people")
    hits = people[people["name"].map(_norm) == _norm(ref)] if len(people) else people
    if hits.empty:
        raise NotFound(_("no person with id or name {name}").format(name=repr(ref)))
    if len(hits) > 1:
        english = current_language() == "en"
        listed = semicolon().join(
            f"{r.id} ({r.side if english else term('side', r.side)}"
            f"{list_sep() + r.title if isinstance(r.title, str) else ''})" for r in hits.itertuples(index=False))
        raise KamgraphError(_("{n} people are called {name}: {people}; give the id").format(
            n=len(hits), name=repr(ref), people=listed))
    return str(hits["id"].iloc[0])


def find_organization(store, ref: str) -> str:
    """The id of the account or organization ``ref`` names (an id, or an exact name)."""
    ref = str(ref).strip()
    frames = []
    for entity in ("accounts", "organizations"):
        if ref and not store.read(entity, "id", [ref]).empty:
            return ref
        frames.append(store.read(entity)[["id", "name"]])
    orgs = pd.concat(frames, ignore_index=True)
    hits = orgs[orgs["name"].map(_norm) == _norm(ref)] if len(orgs) else orgs
    if hits.empty:
        raise NotFound(_("no account or organization with id or name {name}").format(name=repr(ref)))
    if len(hits) > 1:
        raise KamgraphError(_("{n} organizations are called {name}: {ids}; give the id").format(
            n=len(hits), name=repr(ref), ids=list_sep().join(hits["id"])))
    return str(hits["id"].iloc[0])


def person_for_user(store, user: str | None) -> str | None:
    """The person id of a signed-in user (their e-mail address or name on a person, our staff
    first), for ``assessed_by``; None when nobody matches exactly once."""
    if not user or not str(user).strip():
        return None
    people = store.read("people")
    if people.empty:
        return None
    want = _norm(user)
    addresses = split_addresses(people.set_index("id")["email"])  # the calendar import's own matching
    by_email = set(addresses.loc[addresses["address"] == want, "person"])
    hits = people[people["id"].isin(by_email) | (people["name"].map(_norm) == want)]
    if len(hits) > 1:
        hits = hits[hits["side"] == "internal"]
    return str(hits["id"].iloc[0]) if len(hits) == 1 else None
