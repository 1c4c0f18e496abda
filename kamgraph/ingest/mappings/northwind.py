"""The Northwind sample database (Neo4j's CSV export) -> kamgraph raw tables.

Northwind is a trading company: its customers are our accounts, its employees our sales
staff, and its orders the dated evidence that a salesperson dealt with a customer.

* ``customers.csv`` -> ``accounts`` (id = customerID) and one customer contact per account
  (person ``NW-C-<customerID>``: contactName, contactTitle, phone, city, country) employed
  at the account with that title.
* ``employees.csv`` -> internal ``people`` (``NW-E-<employeeID>``, "First Last", title,
  city, country) employed since their hire date at the organization ``NW-INTERNAL``
  "Northwind Traders" (kind ``internal``), and ``reports_to`` from reportsTo.
* ``orders.csv`` -> one ``interaction`` per order (``NW-O-<orderID>``, kind
  :data:`ORDER_KIND`, date = the order date, subject "Order <id>", account = customerID)
  attended by the employee who took it and the customer's contact.
* The employee with the most orders at a customer is that account's account responsible:
  employment at the account with team role ``ar`` (ties: the more recent last order, then
  the lower employee id), since their first order there.

Quirks handled (see ../shared/datasets/README.md): the literal ``NULL`` means empty;
orders.csv lines with an unquoted comma in the ship address have 15 fields instead of 14.
Only the first four columns (orderID, customerID, employeeID, orderDate) are used, and
they are right on those lines, so the lines are repaired with one summarizing warning.
A line too short to have four fields, or with an empty or malformed one, is passed on as
it is, so validation reports it with the file and line.

>>> ORDER_KIND
'call'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kamgraph.errors import KamgraphError
from kamgraph.i18n import _, ngettext
from kamgraph.ingest.limits import check_regular_file
from kamgraph.ingest.mappings import CsvData, add_tables, raw_table, read_csv_file
from kamgraph.ingest.notices import Notice
from kamgraph.ingest.raw import RawImport, RawTable
from kamgraph.model import InteractionKind, OrganizationKind, Side, TeamRole
from kamgraph.names import join_name

__all__ = ["NorthwindMapping", "read_northwind", "ORDER_KIND", "INTERNAL_ORG_ID", "INTERNAL_ORG_NAME"]

#: Interaction kind of an order. Northwind's orders were taken by phone by inside sales
#: staff (its employees are "Sales Representative"s in offices far from most customers),
#: so an order is evidence of a call: weight 1, far below a visit or a meal.
ORDER_KIND = InteractionKind.CALL.value
INTERNAL_ORG_ID = "NW-INTERNAL"
INTERNAL_ORG_NAME = "Northwind Traders"
_NULL = "NULL"
_ORDER_COLUMNS = 14  # fields per orders.csv line as the header declares them
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass
class NorthwindMapping:
    """Reads customers.csv, employees.csv and orders.csv of the Northwind sample."""

    name: str = "northwind"
    description: str = "Northwind sample database (customers, employees, orders CSVs)"

    def read(self, path: str | Path) -> RawImport:
        return read_northwind(path)


def read_northwind(path: str | Path) -> RawImport:
    """Read the Northwind CSV folder at ``path`` (or the folder of a file inside it)."""
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent
    needed = ("customers.csv", "employees.csv", "orders.csv")
    for n in needed:  # a dangling link, a folder or a pipe is said, not taken for a missing file
        if (folder / n).exists() or (folder / n).is_symlink():
            check_regular_file(folder / n)
    missing = [n for n in needed if not (folder / n).is_file()]
    if missing:
        raise KamgraphError(_("not a Northwind export: {folder} has no {files}").format(
            folder=folder, files=", ".join(missing)))
    warnings: list[str] = []
    customers = _frame(read_csv_file(folder / "customers.csv"), warnings)
    employees = _frame(read_csv_file(folder / "employees.csv"), warnings)
    orders = _orders(read_csv_file(folder / "orders.csv"), warnings)
    raw = RawImport(source=str(path), warnings=warnings)
    known = (set(_col(customers, "customerID").dropna()), set(_col(employees, "employeeID").dropna()))
    tables = _customers(customers) + _employees(employees) + _orders_tables(orders, *known)
    add_tables(raw, tables)
    for f in (customers, employees, orders):
        unused = [h for h in f.headers if h and h not in f.used]
        if unused:
            n = len(unused)
            text = ngettext("{n} column not used by the northwind mapping: {columns}",
                            "{n} columns not used by the northwind mapping: {columns}", n)
            warnings.append(Notice.at(f.source, text.format(n=n, columns=", ".join(repr(h) for h in unused)),
                                      value=", ".join(unused)))
    return raw


# ---------------------------------------------------------------------------- reading


@dataclass
class _Frame:
    frame: pd.DataFrame  # header names as in the file, str|None cells ("NULL" -> None)
    source: str
    rows: list[int]
    headers: list[str] = field(default_factory=list)  # every header of the file
    used: set[str] = field(default_factory=set)  # headers the mapping read


def _null(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna() & (frame != _NULL) & (frame != ""), None)


def _frame(data: CsvData, warnings: list[str]) -> _Frame:
    """customers.csv / employees.csv: well-formed files; ragged lines are padded/cut with
    a warning rather than guessed at."""
    warnings.extend(data.warnings)
    width = len(data.header)
    ragged = sum(1 for r in data.records if len(r) != width)
    if ragged:
        warnings.append(_("{file}: {n} lines did not have {width} fields; read by position").format(
            file=data.name, n=ragged, width=width))
    records = [(r + [""] * width)[:width] for r in data.records]
    frame = pd.DataFrame(records, columns=data.header, dtype=object)
    return _Frame(_null(frame), data.name, list(data.rows), list(data.header))


def _orders(data: CsvData, warnings: list[str]) -> _Frame:
    """orders.csv, keeping only the four leading columns that every line gets right."""
    warnings.extend(data.warnings)
    by_width: dict[int, int] = {}
    for r in data.records:
        if len(r) != _ORDER_COLUMNS:
            by_width[len(r)] = by_width.get(len(r), 0) + 1
    for width, n in sorted(by_width.items()):
        if width > _ORDER_COLUMNS:
            warnings.append(
                _("{file}: {n} lines had {width} fields (unquoted comma in an address); "
                  "repaired using the first four columns").format(file=data.name, n=n, width=width)
            )
        else:
            warnings.append(
                _("{file}: {n} lines had {width} fields instead of {expected}; "
                  "read using the first four columns (missing ones are reported as problems)").format(
                    file=data.name, n=n, width=width, expected=_ORDER_COLUMNS)
            )
    head = data.header[:4]
    records = [(r + [""] * 4)[:4] for r in data.records]
    frame = pd.DataFrame(records, columns=head, dtype=object) if records else pd.DataFrame(columns=head, dtype=object)
    return _Frame(_null(frame), data.name, list(data.rows), list(data.header))


# ---------------------------------------------------------------------------- mapping


def _col(f: _Frame, name: str) -> pd.Series:
    f.used.add(name)
    if name in f.frame.columns:
        return f.frame[name].reset_index(drop=True)
    return pd.Series([None] * len(f.frame), dtype=object)


def _prefixed(prefix: str, s: pd.Series) -> pd.Series:
    return s.map(lambda x: f"{prefix}{x}" if x is not None else None).astype(object)


def _date_part(s: pd.Series) -> pd.Series:
    """``1996-07-04 00:00:00.000`` -> ``1996-07-04``; anything else goes to validation as is."""
    return s.map(lambda x: x[:10] if isinstance(x, str) and _ISO_DATE.match(x) else x).astype(object)


def _const(value: str, n: int) -> pd.Series:
    return pd.Series([value] * n, dtype=object)


def _t(entity: str, data: dict[str, pd.Series], f: _Frame, mask: pd.Series | None = None) -> RawTable:
    frame = pd.DataFrame(data, dtype=object)
    rows = pd.Series(f.rows)
    if mask is not None:
        m = mask.reset_index(drop=True).astype(bool).values
        frame, rows = frame[m].reset_index(drop=True), rows[m]
    return raw_table(entity, frame, f.source, rows.tolist())


def _customers(c: _Frame) -> list[RawTable]:
    n = len(c.frame)
    cid = _col(c, "customerID")
    contact = _prefixed("NW-C-", cid)
    has_contact = _col(c, "contactName").notna()
    return [
        _t("accounts", {
            "id": cid, "name": _col(c, "companyName"), "region": _col(c, "region"),
            "city": _col(c, "city"), "country": _col(c, "country"),
        }, c),
        _t("people", {
            "id": contact, "name": _col(c, "contactName"), "side": _const(Side.CUSTOMER.value, n),
            "title": _col(c, "contactTitle"), "phone": _col(c, "phone"),
            "city": _col(c, "city"), "country": _col(c, "country"),
        }, c, has_contact),
        _t("employment", {"person_id": contact, "org_id": cid, "title": _col(c, "contactTitle")}, c, has_contact),
    ]


def _employees(e: _Frame) -> list[RawTable]:
    n = len(e.frame)
    eid = _prefixed("NW-E-", _col(e, "employeeID"))
    first, last = _col(e, "firstName"), _col(e, "lastName")
    name = pd.Series([join_name(a, b) for a, b in zip(first, last)], dtype=object)  # 李建华 / First Last
    manager = _prefixed("NW-E-", _col(e, "reportsTo"))
    org = pd.DataFrame({"id": [INTERNAL_ORG_ID], "name": [INTERNAL_ORG_NAME],
                        "kind": [OrganizationKind.INTERNAL.value]}, dtype=object)
    return [
        # the organization is implied by the file; point its row at the header line
        raw_table("organizations", org, e.source, [1]),
        _t("people", {
            "id": eid, "name": name, "side": _const(Side.INTERNAL.value, n), "title": _col(e, "title"),
            "city": _col(e, "city"), "country": _col(e, "country"),
        }, e),
        _t("employment", {
            "person_id": eid, "org_id": _const(INTERNAL_ORG_ID, n), "title": _col(e, "title"),
            "since": _date_part(_col(e, "hireDate")),
        }, e),
        _t("reports_to", {"person_id": eid, "manager_id": manager}, e, manager.notna()),
    ]


def _orders_tables(o: _Frame, customers: set[str], employees: set[str]) -> list[RawTable]:
    """Interactions and attendance for every order line, and the account responsibles.

    A line without an order id still becomes an interaction row (validation reports its
    empty id at the line); its attendance rows are left out so the line is reported once.
    """
    n = len(o.frame)
    oid, cid, emp = _col(o, "orderID"), _col(o, "customerID"), _col(o, "employeeID")
    iid = _prefixed("NW-O-", oid)
    date = _date_part(_col(o, "orderDate"))
    tables = [
        _t("interactions", {
            "id": iid, "date": date, "kind": _const(ORDER_KIND, n), "account_id": cid,
            "subject": oid.map(lambda x: f"Order {x}" if x is not None else None).astype(object),
        }, o),
        _t("attendance", {"interaction_id": iid, "person_id": _prefixed("NW-E-", emp)}, o, emp.notna() & oid.notna()),
        _t("attendance", {"interaction_id": iid, "person_id": _prefixed("NW-C-", cid)}, o, cid.notna() & oid.notna()),
    ]
    orders = pd.DataFrame({"emp": emp, "cid": cid, "date": date})
    tables.append(_account_responsibles(orders, o, customers, employees))
    return tables


def _account_responsibles(orders: pd.DataFrame, o: _Frame, customers: set[str], employees: set[str]) -> RawTable:
    """Employment with team role ``ar`` for the employee with most orders per customer.

    Ties go to the employee whose last order there is more recent, then to the lower
    employee id, so the choice is deterministic. ``since`` is their first order date.
    Each row points at the line of that employee's first order at the customer. Orders
    naming an unknown customer or employee, or without a valid date, do not count (their
    lines are reported by validation already).
    """
    valid = orders.assign(row=pd.Series(o.rows))
    valid = valid[valid["cid"].isin(customers) & valid["emp"].isin(employees)]
    valid = valid[valid["date"].map(lambda x: isinstance(x, str) and bool(_ISO_DATE.match(x)))]
    if valid.empty:
        return raw_table("employment", pd.DataFrame(columns=["person_id", "org_id", "team_role", "since"]), o.source, [])
    valid["emp_num"] = pd.to_numeric(valid["emp"], errors="coerce")
    per = valid.groupby(["cid", "emp"], sort=False).agg(
        orders=("date", "size"), first=("date", "min"), last=("date", "max"),
        emp_num=("emp_num", "first"), row=("row", "min"),
    ).reset_index()
    per = per.sort_values(["cid", "orders", "last", "emp_num", "emp"],
                          ascending=[True, False, False, True, True], kind="mergesort")
    best = per.drop_duplicates("cid", keep="first")
    frame = pd.DataFrame({
        "person_id": _prefixed("NW-E-", best["emp"].reset_index(drop=True)),
        "org_id": best["cid"].reset_index(drop=True),
        "team_role": _const(TeamRole.AR.value, len(best)),
        "since": best["first"].reset_index(drop=True),
    }, dtype=object)
    return raw_table("employment", frame, o.source, best["row"].astype(int).tolist())
