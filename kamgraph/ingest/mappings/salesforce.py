"""Salesforce exports -> kamgraph raw tables.

Two export shapes are read from one folder:

* **sfdx tree export** (``sf data export tree``): JSON files ``{"records": [...]}`` whose
  records carry ``attributes.type`` and ``attributes.referenceId`` and point at each other
  with ``"@<referenceId>"`` (e.g. ``"AccountId": "@AccountRef1"``). Every ``*.json`` file
  holding ``records`` is read, whatever its name; plan files (lists) are ignored. Child
  records nested under a parent (``"Contacts": {"records": [...]}``) get the parent's id
  in the matching lookup field. A record's kamgraph id is its ``Id`` when exported,
  else its ``referenceId``. Row numbers are the 1-based record number in the file.
* **Data Loader CSV** (one file per object: ``Account.csv``, ``Contact.csv``,
  ``Opportunity.csv``, ``OpportunityContactRole.csv``, ``Task.csv``, ``Event.csv``,
  optionally ``EventRelation.csv`` and ``User.csv``; plural names such as
  ``Accounts.csv`` work too) with standard API field names as headers, in any letter
  case (Data Loader writes them upper-case). Row numbers are spreadsheet rows.

What maps to what, and why (full table in docs/crm-mappings.md):

* Account -> ``accounts`` (Billing city/state/country -> city/region/country). The
  account owner (a User) becomes ``owner_id`` and gets employment at the account with
  team role ``ar``. ``AnnualRevenue`` is deliberately *not* mapped: it is the customer's
  own size, whereas ``accounts.revenue`` is what the account brings us.
* Contact -> customer ``people`` (name = FirstName LastName; a Chinese name LastName FirstName
  without a space, "李建华": :func:`kamgraph.names.join_name`), ``employment`` at
  AccountId with the title, ``reports_to`` from ReportsToId.
* User -> internal ``people`` and ``reports_to`` from ManagerId. Users referenced as
  owners but not exported become placeholders "Salesforce user <id>" (one warning).
* Opportunity -> ``opportunities``; status from IsWon/IsClosed, else from StageName
  ("Closed Won"/"Closed Lost").
* OpportunityContactRole -> ``opportunity_roles`` via :data:`ROLE_MAP`, and the contact's
  account-level decision role (``assessments`` at the opportunity's account, the heaviest
  of their roles there: :data:`ROLE_PRECEDENCE`), so the account's buying center is known.
* Task/Event -> ``interactions`` (kind via :data:`KIND_MAP`; open Tasks are skipped) and
  ``attendance`` (WhoId contact, OwnerId user, EventRelation invitees).

>>> from kamgraph.ingest.mappings import load_mapping
>>> load_mapping("salesforce").name
'salesforce'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kamgraph.errors import KamgraphError
from kamgraph.i18n import _, ngettext
from kamgraph.ingest.encoding import decode_text
from kamgraph.ingest.limits import check_file_size, check_regular_file, default_limits, list_folder, read_bytes
from kamgraph.ingest.mappings import add_tables, raw_table, read_csv_file
from kamgraph.ingest.notices import Notice
from kamgraph.ingest.raw import RawImport, RawTable
from kamgraph.model import DecisionRole, InteractionKind
from kamgraph.names import join_name

__all__ = ["SalesforceMapping", "ROLE_MAP", "ROLE_PRECEDENCE", "KIND_MAP", "read_salesforce"]

#: OpportunityContactRole.Role (lower case) -> kamgraph decision role.
#: Blank roles and "Other" become ``influencer``: the contact is in the buying center but
#: Salesforce does not say how; influencer is the weakest claim that keeps them visible.
ROLE_MAP: dict[str, str] = {
    "decision maker": DecisionRole.DECISION_MAKER.value,
    "economic buyer": DecisionRole.DECISION_MAKER.value,  # "economic buyer, final say"
    "economic decision maker": DecisionRole.DECISION_MAKER.value,
    "executive sponsor": DecisionRole.APPROVER.value,  # backs and signs off, not the budget owner
    "technical buyer": DecisionRole.TECHNICAL_EVALUATOR.value,
    "evaluator": DecisionRole.TECHNICAL_EVALUATOR.value,
    "influencer": DecisionRole.INFLUENCER.value,
    "business user": DecisionRole.USER.value,
    "other": DecisionRole.INFLUENCER.value,
    "": DecisionRole.INFLUENCER.value,
    # custom picklist values that already are kamgraph roles, or common synonyms
    "gatekeeper": DecisionRole.PROCUREMENT.value,
    "purchasing": DecisionRole.PROCUREMENT.value,
    "champion": DecisionRole.COACH.value,
    **{r.replace("_", " "): r for r in DecisionRole.values()},
}

#: Task/Event Type or subtype (lower case) -> kamgraph interaction kind.
KIND_MAP: dict[str, str] = {
    "call": InteractionKind.CALL.value,
    "phone": InteractionKind.CALL.value,
    "phone call": InteractionKind.CALL.value,
    "log a call": InteractionKind.CALL.value,
    "video call": InteractionKind.CALL.value,
    "email": InteractionKind.EMAIL.value,
    "e-mail": InteractionKind.EMAIL.value,
    "listemail": InteractionKind.EMAIL.value,
    "list email": InteractionKind.EMAIL.value,
    "meeting": InteractionKind.MEETING.value,
    "lunch": InteractionKind.MEAL.value,
    "dinner": InteractionKind.MEAL.value,
    "breakfast": InteractionKind.MEAL.value,
    "meal": InteractionKind.MEAL.value,
    "visit": InteractionKind.VISIT.value,
    "site visit": InteractionKind.VISIT.value,
    "customer visit": InteractionKind.VISIT.value,
    "executive visit": InteractionKind.VISIT.value,
    "event": InteractionKind.EVENT.value,
    "webinar": InteractionKind.EVENT.value,
    "conference": InteractionKind.EVENT.value,
    "trade show": InteractionKind.EVENT.value,
}
#: Generic values that say nothing about the kind; the object's default applies silently.
_GENERIC_KINDS = frozenset({"other", "task", "cadence", "linkedin"})
#: Kind when Type and subtype say nothing: a Task logged against a contact is most often a
#: call ("Log a Call" creates a closed Task); an Event is a calendar meeting.
_DEFAULT_KIND = {"Task": InteractionKind.CALL.value, "Event": InteractionKind.MEETING.value}

# Salesforce key prefixes (first three characters of every record id).
_PREFIX = {"Account": "001", "Contact": "003", "User": "005", "Opportunity": "006", "Lead": "00Q"}
_NULL_IDS = frozenset({"000000000000000", "000000000000000AAA"})
_OBJECTS = ("Account", "Contact", "User", "Opportunity", "OpportunityContactRole", "Task", "Event", "EventRelation")
_PLURAL = {"Opportunity": "Opportunities"}
# lookup fields whose values are record ids (after @ref resolution and 15->18 char repair)
_LOOKUPS = (
    "id", "accountid", "ownerid", "reportstoid", "managerid", "contactid", "opportunityid",
    "whoid", "whatid", "eventid", "relationid",
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass
class _Objects:
    """All records of one Salesforce object: lower-case field names, str|None cells."""

    frame: pd.DataFrame
    source: str
    rows: list[int]
    names: dict[str, str] = field(default_factory=dict)  # lower-case field -> as exported
    used: set[str] = field(default_factory=set)  # fields the mapping read


#: audit and system fields every Salesforce object carries and no kamgraph column needs;
#: they are left out of the "not used" warning so it lists what a user could care about
_SYSTEM_FIELDS = frozenset({
    "isdeleted", "createdbyid", "lastmodifieddate", "lastmodifiedbyid", "systemmodstamp", "lastactivitydate",
    "lastvieweddate", "lastreferenceddate", "masterrecordid", "cleanstatus", "jigsaw", "jigsawcontactid",
    "jigsawcompanyid", "photourl", "isarchived", "recordtypeid", "currencyisocode",
})


@dataclass
class SalesforceMapping:
    """Reads a folder of Salesforce sfdx tree JSON or Data Loader CSV exports."""

    name: str = "salesforce"
    description: str = "Salesforce sfdx tree export (JSON) or Data Loader CSV files"

    def read(self, path: str | Path) -> RawImport:
        return read_salesforce(path)


def read_salesforce(path: str | Path) -> RawImport:
    """Read the Salesforce export at ``path`` (a folder, or any file inside it)."""
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent
    if not folder.is_dir():
        raise KamgraphError(_("Salesforce export folder not found: {folder}").format(folder=folder))
    warnings: list[str] = []
    objects = _read_csv_objects(folder, warnings)
    if not objects:
        objects = _read_json_objects(folder)
    if not objects:
        raise KamgraphError(
            _("no Salesforce export found in {folder}: expected Data Loader files (Account.csv, "
              "Contact.csv, Opportunity.csv, ...) or sfdx tree-export JSON files (Accounts.json, ...)").format(
                folder=folder)
        )
    _repair_ids(objects)
    raw = RawImport(source=str(path), warnings=warnings)
    add_tables(raw, _map(objects, warnings))
    warnings.extend(_unused_fields(objects))
    return raw


def _unused_fields(objects: dict[str, _Objects]) -> list[Notice]:
    """One warning per exported object listing the fields no kamgraph column reads
    (system fields left out: :data:`_SYSTEM_FIELDS`)."""
    out = []
    for o in objects.values():
        unused = [o.names.get(c, c) for c in o.frame.columns
                  if c not in o.used and c not in _SYSTEM_FIELDS and c != "id"]
        if unused:
            n = len(unused)
            text = ngettext("{n} field not used by the salesforce mapping: {fields}",
                            "{n} fields not used by the salesforce mapping: {fields}", n)
            out.append(Notice.at(o.source, text.format(n=n, fields=", ".join(repr(f) for f in unused)),
                                 value=", ".join(unused)))
    return out


# ---------------------------------------------------------------------------- reading


def _find_file(folder: Path, names: list[str]) -> Path | None:
    by_lower = {p.name.lower(): p for p in list_folder(folder)}
    for n in names:
        if n.lower() in by_lower:
            found = by_lower[n.lower()]
            check_regular_file(found)  # a dangling link, a folder or a pipe is said, not skipped
            return found
    return None


def _read_csv_objects(folder: Path, warnings: list[str]) -> dict[str, _Objects]:
    out: dict[str, _Objects] = {}
    for obj in _OBJECTS:
        plural = _PLURAL.get(obj, obj + "s")
        p = _find_file(folder, [f"{obj}.csv", f"{plural}.csv"])
        if p is None:
            continue
        data = read_csv_file(p)
        warnings.extend(data.warnings)
        header = [h.lower() for h in data.header]
        width = len(header)
        ragged = sum(1 for r in data.records if len(r) != width)
        if ragged:
            warnings.append(_("{file}: {n} lines did not have {width} fields; missing fields read as empty").format(
                file=p.name, n=ragged, width=width))
        records = [(r + [""] * width)[:width] for r in data.records]
        frame = pd.DataFrame(records, columns=header, dtype=object) if records else pd.DataFrame(columns=header, dtype=object)
        frame = frame.loc[:, ~frame.columns.duplicated()]
        frame = frame.where(frame != "", None)
        out[obj] = _Objects(frame, p.name, list(data.rows), {h.lower(): h for h in reversed(data.header)})
    return out


@dataclass
class _JsonRecord:
    type: str
    ref: str | None
    fields: dict[str, object]
    source: str
    row: int
    parent: tuple[str, str] | None = field(default=None)  # (type, ref) of the enclosing record


def _read_json_objects(folder: Path) -> dict[str, _Objects]:
    records: list[_JsonRecord] = []
    for p in sorted(folder.glob("*.json")):
        try:
            check_file_size(p, default_limits())
            doc = json.loads(decode_text(read_bytes(p), p.name))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise KamgraphError(_("{file}: not a readable JSON file ({error})").format(file=p.name, error=e)) from e
        if not isinstance(doc, dict) or not isinstance(doc.get("records"), list):
            continue  # a plan file (a list) or something else
        for i, rec in enumerate(doc["records"], start=1):
            _flatten(rec, p.name, i, None, records)
    if not records:
        return {}
    # ids: Id when exported, else the referenceId; "@ref" values resolve through this table
    ref_to_id: dict[str, str] = {}
    for r in records:
        rid = r.fields.get("Id")
        if r.ref:
            ref_to_id[r.ref] = str(rid) if rid else r.ref
    out: dict[str, _Objects] = {}
    by_type: dict[str, list[_JsonRecord]] = {}
    for r in records:
        by_type.setdefault(r.type, []).append(r)
    for typ, recs in by_type.items():
        rows_out = []
        for r in recs:
            row = {k.lower(): _resolve(v, ref_to_id) for k, v in r.fields.items()}
            if not row.get("id"):
                row["id"] = r.ref
            if r.parent is not None:
                lookup = _parent_lookup(typ, r.parent[0])
                if lookup and not row.get(lookup):
                    row[lookup] = ref_to_id.get(r.parent[1], r.parent[1])
            rows_out.append(row)
        frame = pd.DataFrame(rows_out, dtype=object)
        frame = frame.astype(object).where(frame.notna() & (frame != ""), None)
        sources = list(dict.fromkeys(r.source for r in recs))
        names = {k.lower(): k for r in reversed(recs) for k in r.fields}
        out[typ] = _Objects(frame, " + ".join(sources), [r.row for r in recs], names)
    return out


def _flatten(rec: object, source: str, row: int, parent: tuple[str, str] | None, out: list[_JsonRecord]) -> None:
    if not isinstance(rec, dict):
        return
    attrs = rec.get("attributes") or {}
    typ = attrs.get("type") if isinstance(attrs, dict) else None
    ref = attrs.get("referenceId") if isinstance(attrs, dict) else None
    fields: dict[str, object] = {}
    children: list[dict] = []
    for k, v in rec.items():
        if k == "attributes":
            continue
        if isinstance(v, dict) and isinstance(v.get("records"), list):
            children.extend(v["records"])
        elif isinstance(v, (dict, list)):
            continue  # compound fields (addresses) and relationship objects are not read
        else:
            fields[k] = v
    if not typ:
        return
    out.append(_JsonRecord(str(typ), str(ref) if ref else None, fields, source, row, parent))
    for child in children:
        _flatten(child, source, row, (str(typ), str(ref) if ref else ""), out)


def _parent_lookup(child: str, parent: str) -> str | None:
    if child in ("Task", "Event"):
        return "whoid" if parent in ("Contact", "Lead") else "whatid"
    if child == "EventRelation":
        return "eventid"
    return f"{parent.lower()}id"


def _resolve(v: object, ref_to_id: dict[str, str]) -> object:
    if isinstance(v, str) and v.startswith("@") and v[1:] in ref_to_id:
        return ref_to_id[v[1:]]
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return v if v is None or isinstance(v, str) else str(v)


def _repair_ids(objects: dict[str, _Objects]) -> None:
    """Null ids become None; 15-character ids resolve to the 18-character id of an
    exported record (reports write 15, Data Loader 18)."""
    known = set()
    for o in objects.values():
        if "id" in o.frame.columns:
            known.update(x for x in o.frame["id"].tolist() if x)
    by15 = {k[:15]: k for k in known if len(k) == 18}
    for o in objects.values():
        for c in _LOOKUPS:
            if c in o.frame.columns:
                s = o.frame[c]
                o.frame[c] = s.map(lambda x: None if x is None or x in _NULL_IDS else by15.get(x, x) if len(x) == 15 else x)


# ---------------------------------------------------------------------------- mapping


def _col(o: _Objects, name: str) -> pd.Series:
    """Field ``name`` (lower case) as an object Series of str|None; all None if absent."""
    o.used.add(name)
    if name in o.frame.columns:
        return o.frame[name].reset_index(drop=True)
    return pd.Series([None] * len(o.frame), dtype=object)


def _first(o: _Objects, *names: str) -> pd.Series:
    """The first non-empty of several fields, row by row."""
    out = pd.Series([None] * len(o.frame), dtype=object)
    for n in names:
        s = _col(o, n)
        out = out.where(out.notna(), s)
    return out.astype(object).where(out.notna(), None)


def _date_part(s: pd.Series) -> pd.Series:
    """``2024-05-01T09:30:00.000Z`` -> ``2024-05-01``; other text is left for validation."""
    return s.map(lambda x: x[:10] if isinstance(x, str) and _ISO_DATE.match(x) else x)


def _truthy(s: pd.Series) -> pd.Series:
    return s.map(lambda x: isinstance(x, str) and x.strip().lower() in ("true", "1", "yes"))


def _kind_of(ids: pd.Series, known: set[str], typ: str) -> pd.Series:
    prefix = _PREFIX[typ]
    return ids.map(lambda x: isinstance(x, str) and (x in known or (len(x) in (15, 18) and x.startswith(prefix))))


def _ids(objects: dict[str, _Objects], obj: str) -> set[str]:
    o = objects.get(obj)
    return set() if o is None else {x for x in _col(o, "id").tolist() if x}


def _table(entity: str, data: dict[str, pd.Series], o: _Objects, mask: pd.Series | None = None) -> RawTable:
    frame = pd.DataFrame({k: v.reset_index(drop=True) for k, v in data.items()}, dtype=object)
    rows = pd.Series(o.rows)
    if mask is not None:
        m = mask.reset_index(drop=True).astype(bool)
        frame, rows = frame[m.values], rows[m.values]
    return raw_table(entity, frame.reset_index(drop=True), o.source, rows.tolist())


def _map(objects: dict[str, _Objects], warnings: list[str]) -> list[RawTable]:
    tables: list[RawTable] = []
    users = _ids(objects, "User")
    contacts = _ids(objects, "Contact")
    accounts = _ids(objects, "Account")
    opportunities = _ids(objects, "Opportunity")
    referenced_users: dict[str, tuple[str, int]] = {}  # user id -> (file, row) first seen

    def note_users(o: _Objects, s: pd.Series) -> pd.Series:
        is_user = _kind_of(s, users, "User")
        for uid, row in zip(s[is_user].tolist(), pd.Series(o.rows)[is_user.values].tolist()):
            referenced_users.setdefault(uid, (o.source, row))
        return is_user

    if (a := objects.get("Account")) is not None:
        owner = _col(a, "ownerid")
        owner_is_user = note_users(a, owner)
        owner = owner.where(owner_is_user, None)
        tables.append(_table("accounts", {
            "id": _col(a, "id"), "name": _col(a, "name"), "industry": _col(a, "industry"),
            "region": _col(a, "billingstate"), "city": _col(a, "billingcity"),
            "country": _col(a, "billingcountry"), "owner_id": owner,
        }, a))
        # the account owner is the account responsible (AR) on our side
        tables.append(_table("employment", {
            "person_id": owner, "org_id": _col(a, "id"),
            "team_role": pd.Series(["ar"] * len(a.frame), dtype=object),
        }, a, owner.notna() & _col(a, "id").notna()))

    if (c := objects.get("Contact")) is not None:
        name = _full_name(c)
        tables.append(_table("people", {
            "id": _col(c, "id"), "name": name, "side": pd.Series(["customer"] * len(c.frame), dtype=object),
            "title": _col(c, "title"), "email": _col(c, "email"), "phone": _first(c, "phone", "mobilephone"),
            "city": _col(c, "mailingcity"), "country": _col(c, "mailingcountry"),
        }, c))
        acct = _col(c, "accountid")
        tables.append(_table("employment", {
            "person_id": _col(c, "id"), "org_id": acct, "title": _col(c, "title"),
        }, c, acct.notna()))
        mgr = _col(c, "reportstoid")
        tables.append(_table("reports_to", {"person_id": _col(c, "id"), "manager_id": mgr}, c, mgr.notna()))

    if (o := objects.get("Opportunity")) is not None:
        tables.append(_table("opportunities", {
            "id": _col(o, "id"), "account_id": _col(o, "accountid"), "name": _col(o, "name"),
            "stage": _col(o, "stagename"), "status": _opportunity_status(o),
            "amount": _col(o, "amount"), "close_date": _date_part(_col(o, "closedate")),
        }, o))

    if (r := objects.get("OpportunityContactRole")) is not None:
        roles = _opportunity_roles(r, warnings)
        tables.append(roles)
        tables.append(_account_assessments(roles, r, objects.get("Opportunity")))

    opp_account = {}
    if (o := objects.get("Opportunity")) is not None:
        opp_account = dict(zip(_col(o, "id").tolist(), _col(o, "accountid").tolist()))
    open_tasks: list[int] = []
    open_source = ""
    leads: dict[str, list[int]] = {}  # file -> rows whose WhoId is a Lead
    unknown_kinds: dict[str, int] = {}
    for typ in ("Task", "Event"):
        t = objects.get(typ)
        if t is None:
            continue
        keep = pd.Series([True] * len(t.frame))
        if typ == "Task":
            closed = _task_closed(t)
            open_tasks.extend(pd.Series(t.rows)[~closed.values].tolist())
            open_source = t.source
            keep = closed
        kind = _interaction_kind(t, typ, unknown_kinds)
        what = _col(t, "whatid")
        what_opp = what.where(_kind_of(what, opportunities, "Opportunity"), None)
        what_acct = what.where(_kind_of(what, accounts, "Account"), None)
        account = _col(t, "accountid")
        account = account.where(account.notna(), what_acct)
        account = account.where(account.notna(), what_opp.map(lambda x: opp_account.get(x) if x else None))
        date = _date_part(_first(t, "activitydate", "activitydatetime", "startdatetime", "completeddatetime", "createddate"))
        tables.append(_table("interactions", {
            "id": _col(t, "id"), "date": date, "kind": kind, "account_id": account,
            "opportunity_id": what_opp, "subject": _col(t, "subject"), "notes": _col(t, "description"),
        }, t, keep))
        who = _col(t, "whoid")
        is_lead = _kind_of(who, set(), "Lead")
        lead_rows = pd.Series(t.rows)[(is_lead & keep).values].tolist()
        if lead_rows:
            leads.setdefault(t.source, []).extend(lead_rows)
        who_ok = who.notna() & ~is_lead & keep
        tables.append(_table("attendance", {"interaction_id": _col(t, "id"), "person_id": who}, t, who_ok))
        owner = _col(t, "ownerid")
        owner_ok = note_users(t, owner.where(keep, None))
        tables.append(_table("attendance", {"interaction_id": _col(t, "id"), "person_id": owner}, t, owner_ok))

    if (er := objects.get("EventRelation")) is not None:
        rel = _col(er, "relationid")
        is_contact = _kind_of(rel, contacts, "Contact")
        is_user = note_users(er, rel)
        tables.append(_table("attendance", {
            "interaction_id": _col(er, "eventid"), "person_id": rel,
        }, er, (is_contact | is_user) & _col(er, "eventid").notna()))

    if (u := objects.get("User")) is not None:
        tables.append(_table("people", {
            "id": _col(u, "id"), "name": _full_name(u), "side": pd.Series(["internal"] * len(u.frame), dtype=object),
            "title": _col(u, "title"), "email": _col(u, "email"), "phone": _first(u, "phone", "mobilephone"),
            "city": _col(u, "city"), "country": _col(u, "country"),
        }, u))
        mgr = _col(u, "managerid")
        note_users(u, mgr)
        tables.append(_table("reports_to", {"person_id": _col(u, "id"), "manager_id": mgr}, u, mgr.notna()))

    missing = {uid: where for uid, where in referenced_users.items() if uid not in users}
    if missing:
        ids = sorted(missing)
        frame = pd.DataFrame({
            "id": ids, "name": [f"Salesforce user {i}" for i in ids], "side": ["internal"] * len(ids),
        }, dtype=object)
        sources = " + ".join(dict.fromkeys(missing[i][0] for i in ids))
        tables.append(raw_table("people", frame, sources, [missing[i][1] for i in ids]))
        warnings.append(
            _("{n} Salesforce user(s) referenced as owners are not in User.csv; created internal "
              "people named 'Salesforce user <id>' (export User.csv to get their names and titles)").format(n=len(ids))
        )
    if open_tasks:
        warnings.append(Notice.at(open_source, _("skipped {n} open task(s) (not completed): a to-do is "
                                                 "not a touchpoint").format(n=len(open_tasks)),
                                  open_tasks, column="IsClosed"))
    for source, rows in leads.items():
        warnings.append(Notice.at(source, _("{n} WhoId(s) are Leads, not Contacts; those attendees were "
                                            "skipped").format(n=len(rows)), rows, column="WhoId"))
    if unknown_kinds:
        listed = ", ".join(f"{k!r} ({n})" for k, n in sorted(unknown_kinds.items()))
        warnings.append(
            _("Task/Event: activity types not recognized, imported as the default kind "
              "(Task: call, Event: meeting): {listed}").format(listed=listed)
        )
    return _dedupe_attendance(tables)


def _full_name(o: _Objects) -> pd.Series:
    first, last = _col(o, "firstname"), _col(o, "lastname")
    # Chinese names family name first without a space ("李建华"); others "First Last"
    joined = [join_name(f, l) for f, l in zip(first.tolist(), last.tolist())]
    return pd.Series(joined, dtype=object).where(lambda s: s.notna(), _col(o, "name"))


def _opportunity_status(o: _Objects) -> pd.Series:
    """won/lost/open from IsWon + IsClosed when exported, else from the stage name."""
    stage = _col(o, "stagename").map(lambda x: (x or "").strip().lower())
    by_stage = stage.map(lambda x: "won" if x == "closed won" else "lost" if x == "closed lost" else "open")
    if "iswon" in o.frame.columns or "isclosed" in o.frame.columns:
        won, closed = _truthy(_col(o, "iswon")), _truthy(_col(o, "isclosed"))
        flags = pd.Series(["open"] * len(o.frame), dtype=object).where(~closed, "lost").where(~won, "won")
        has_flags = _col(o, "iswon").notna() | _col(o, "isclosed").notna()
        return flags.where(has_flags, by_stage)
    return by_stage


def _opportunity_roles(r: _Objects, warnings: list[str]) -> RawTable:
    raw_role = _col(r, "role").map(lambda x: (x or "").strip().lower())
    mapped = raw_role.map(ROLE_MAP)
    unknown = raw_role[mapped.isna()]
    if len(unknown):
        listed = ", ".join(f"{k!r} ({n})" for k, n in unknown.value_counts().sort_index().items())
        warnings.append(_("{file}: contact roles not recognized, imported as influencer: {listed}").format(
            file=r.source, listed=listed))
    role = mapped.where(mapped.notna(), DecisionRole.INFLUENCER.value)
    frame = pd.DataFrame({
        "person_id": _col(r, "contactid"), "opportunity_id": _col(r, "opportunityid"), "role": role,
        "_primary": _truthy(_col(r, "isprimary")), "_row": r.rows,
    })
    # one role per contact and opportunity: the primary one, else the first listed
    frame = frame.sort_values("_primary", ascending=False, kind="mergesort")
    dup = frame.duplicated(["person_id", "opportunity_id"], keep="first") & frame["person_id"].notna()
    if dup.any():
        warnings.append(
            _("{file}: {n} contact(s) had several roles on one opportunity; kept the primary "
              "(else the first) role").format(file=r.source, n=int(dup.sum()))
        )
    frame = frame[~dup].sort_values("_row", kind="mergesort")
    return raw_table("opportunity_roles", frame[["person_id", "opportunity_id", "role"]].reset_index(drop=True),
                     r.source, frame["_row"].tolist())


#: Which opportunity role a contact holds at the account when their roles on its
#: opportunities differ: the heaviest in the buying center, in the order of the default
#: coverage role weights (decision_maker 3, approver 2, technical_evaluator / influencer /
#: coach 1.5, procurement / user 1; docs/crm-mappings.md).
ROLE_PRECEDENCE: tuple[str, ...] = (
    DecisionRole.DECISION_MAKER.value, DecisionRole.APPROVER.value, DecisionRole.TECHNICAL_EVALUATOR.value,
    DecisionRole.INFLUENCER.value, DecisionRole.COACH.value, DecisionRole.PROCUREMENT.value, DecisionRole.USER.value,
)
#: ``assessments.source`` of the account-level roles read from contact roles
ROLE_SOURCE = "Salesforce OpportunityContactRole"


def _account_assessments(roles: RawTable, r: _Objects, opportunities: _Objects | None) -> RawTable:
    """Contact roles on opportunities -> the contact's decision role at the opportunity's account.

    The buying center of an account is its contacts with an account-level decision role
    (docs/architecture.md); Salesforce records roles per opportunity only, so without this
    every account of a Salesforce import had an empty buying center and "no decision maker
    known". A contact with roles on several opportunities of one account gets the heaviest
    (:data:`ROLE_PRECEDENCE`). The assessment is dated by the contact role's
    LastModifiedDate, else CreatedDate, else (empty) the import date; validation keeps it
    only when it changes the role in force, so re-importing adds nothing.
    """
    frame = roles.frame
    opp_account: dict[str, str | None] = {}
    if opportunities is not None:
        opp_account = dict(zip(_col(opportunities, "id").tolist(), _col(opportunities, "accountid").tolist()))
    # the same row order as ``roles`` (which dropped a contact's duplicate roles on one opportunity)
    by_row = pd.Series(range(len(r.rows)), index=r.rows)
    pos = by_row.reindex(roles.rows).to_numpy()
    dated = _date_part(_first(r, "lastmodifieddate", "createddate")).to_numpy(dtype=object)[pos]
    out = pd.DataFrame({
        "person_id": frame["person_id"].to_numpy(dtype=object),
        "account_id": frame["opportunity_id"].map(opp_account).to_numpy(dtype=object),
        "decision_role": frame["role"].to_numpy(dtype=object),
        "assessed_on": dated,
        "_rank": frame["role"].map({k: i for i, k in enumerate(ROLE_PRECEDENCE)}).fillna(len(ROLE_PRECEDENCE)),
        "_row": roles.rows,
    })
    # a role on an opportunity that is not exported has no account: opportunity_roles
    # reports the missing opportunity; the assessment is left out
    out = out[out["person_id"].notna() & out["account_id"].notna()]
    out = out.sort_values(["_rank", "assessed_on", "_row"], ascending=[True, False, True], kind="mergesort",
                          na_position="last")
    out = out.drop_duplicates(["person_id", "account_id"], keep="first").sort_values("_row", kind="mergesort")
    out["source"] = ROLE_SOURCE
    return raw_table("assessments", out[["person_id", "account_id", "assessed_on", "decision_role", "source"]]
                     .reset_index(drop=True), r.source, out["_row"].tolist())


def _task_closed(t: _Objects) -> pd.Series:
    if "isclosed" in t.frame.columns:
        s = _col(t, "isclosed")
        return _truthy(s) | s.isna()
    if "status" in t.frame.columns:
        s = _col(t, "status")
        return s.map(lambda x: x is None or x.strip().lower() in ("completed", "closed", "done"))
    return pd.Series([True] * len(t.frame))


def _interaction_kind(t: _Objects, typ: str, unknown: dict[str, int]) -> pd.Series:
    """Kind from Type, then TaskSubtype/EventSubtype, then the object's default.

    Values that are neither known nor generic ("Other", "Task") are counted in
    ``unknown`` when the default had to be used, so one warning can list them.
    """
    out = pd.Series([None] * len(t.frame), dtype=object)
    unrecognized = pd.Series([None] * len(t.frame), dtype=object)
    for field_name in ("type", "tasksubtype", "eventsubtype"):
        s = _col(t, field_name).map(lambda x: (x or "").strip().lower())
        mapped = s.map(KIND_MAP)
        out = out.where(out.notna(), mapped)
        odd = (s != "") & mapped.isna() & ~s.isin(_GENERIC_KINDS)
        unrecognized = unrecognized.where(unrecognized.notna() | ~odd, _col(t, field_name))
    for v in unrecognized[out.isna() & unrecognized.notna()].tolist():
        unknown[v] = unknown.get(v, 0) + 1
    return out.where(out.notna(), _DEFAULT_KIND[typ]).astype(object)


def _dedupe_attendance(tables: list[RawTable]) -> list[RawTable]:
    """A contact can be both the WhoId and an EventRelation of one Event: attend once."""
    att = [t for t in tables if t.entity == "attendance"]
    if len(att) < 2:
        return tables
    seen: set[tuple[object, object]] = set()
    out: list[RawTable] = []
    for t in tables:
        if t.entity != "attendance":
            out.append(t)
            continue
        keys = list(zip(t.frame["interaction_id"].tolist(), t.frame["person_id"].tolist()))
        keep = [k not in seen for k in keys]
        seen.update(keys)
        frame = t.frame[keep].reset_index(drop=True)
        out.append(RawTable("attendance", frame, t.source, [r for r, k in zip(t.rows, keep) if k]))
    return out
