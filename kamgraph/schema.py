"""The one definition of every stored entity: columns, types, keys and references.

The CSV import format (docs/data-format.md), the SQLite tables, the Neo4j upserts and the
snapshot frames all derive from :data:`ENTITIES`, so a column is added in one place.

Each entity is one CSV file (``<name>.csv``) or one Excel sheet named ``<name>``.
Dates are ISO ``YYYY-MM-DD`` strings in files and stores and ``datetime64`` in snapshots.

>>> ENTITIES["ties"].key
('person_id', 'other_id', 'kind')
>>> [c.name for c in ENTITIES["attendance"].columns]
['interaction_id', 'person_id']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from kamgraph import model

ColumnType = Literal["str", "int", "float", "date", "bool"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "str"
    required: bool = False
    enum: tuple[str, ...] | None = None  # allowed values (lower case)
    min: float | None = None
    max: float | None = None
    references: tuple[str, ...] = ()  # entity names whose `id` this column points to
    doc: str = ""


@dataclass(frozen=True)
class Entity:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str
    # Neo4j mapping: a node label, or a relationship (type, from column, to column).
    label: str | None = None
    rel_type: str | None = None
    rel_from: str | None = None
    rel_to: str | None = None
    # the columns ``store.read(entity, column, values)`` filters on: those the code reads by
    # (a snapshot's scope in kamgraph/snapshot.py, a person's export and erasure in
    # store/base.py, import validation and the CLI's lookups by id); stores refuse any other
    # (one Cypher statement and one SQLite index each)
    filter_columns: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"


def _enum(e: type[model._StrEnum]) -> tuple[str, ...]:
    return tuple(e.values())


C = Column

ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in [
        Entity(
            "accounts",
            (
                C("id", required=True, doc="unique id (unique across accounts and organizations)"),
                C("name", required=True),
                C("industry"),
                C("region"),
                C("city"),
                C("country"),
                C("tier", enum=_enum(model.Tier), doc="declared tier; computed from metrics when empty"),
                C("problem", "bool", doc="bad payment, negative margin..."),
                C("owner_id", references=("people",), doc="internal person who owns the account"),
                C("revenue", "float", min=0, doc="average yearly revenue over recent years"),
                C("gross_margin", "float", min=-1, max=1, doc="fraction, e.g. 0.32"),
                C("collection_rate", "float", min=0, max=1),
                C("on_time_payment", "float", min=0, max=1),
                C("growth", "float", doc="yearly revenue growth, fraction"),
                C("industry_influence", "int", min=1, max=5),
                C("strategic_fit", "int", min=1, max=5),
            ),
            key=("id",),
            doc="Customer organizations we sell to.",
            label="Account",
            filter_columns=("id",),
        ),
        Entity(
            "organizations",
            (
                C("id", required=True),
                C("name", required=True),
                C("kind", enum=_enum(model.OrganizationKind)),
                C("city"),
                C("country"),
            ),
            key=("id",),
            doc="Any other body: association, regulator, alumni group, partner, our own company.",
            label="Organization",
            filter_columns=("id",),
        ),
        Entity(
            "people",
            (
                C("id", required=True),
                C("name", required=True),
                C("side", required=True, enum=_enum(model.Side)),
                C("title"),
                C("level", "int", min=1, max=5, doc="1 = highest; derived from title when empty"),
                C("email"),
                C("phone"),
                C("city"),
                C("country"),
                C("notes"),
            ),
            key=("id",),
            doc="Anyone: customer contacts, our staff, external connectors.",
            label="Person",
            filter_columns=("id", "side"),
        ),
        Entity(
            "employment",
            (
                C("person_id", required=True, references=("people",)),
                C("org_id", required=True, references=("accounts", "organizations")),
                C("title"),
                C("team_role", enum=_enum(model.TeamRole), doc="internal staff's role on this account"),
                C("since", "date"),
                C("until", "date"),
            ),
            key=("person_id", "org_id"),
            doc="WORKS_AT: a person's job at an account or organization, or an internal "
            "person's place on an account team (team_role).",
            rel_type="WORKS_AT",
            rel_from="person_id",
            rel_to="org_id",
            filter_columns=("person_id", "org_id"),
        ),
        Entity(
            "assessments",
            (
                C("person_id", required=True, references=("people",)),
                C("account_id", required=True, references=("accounts",)),
                C("assessed_on", "date", required=True),
                C("decision_role", enum=_enum(model.DecisionRole)),
                C("attitude", enum=_enum(model.Attitude)),
                C("influence", "int", min=1, max=5),
                C("assessed_by", references=("people",)),
                C("source"),
            ),
            key=("person_id", "account_id", "assessed_on"),
            doc="Dated assessments of a contact's decision role, attitude and influence at an "
            "account. History is kept; the latest on or before a date is current.",
            rel_type="ASSESSED",
            rel_from="person_id",
            rel_to="account_id",
            filter_columns=("person_id", "assessed_by"),
        ),
        Entity(
            "reports_to",
            (
                C("person_id", required=True, references=("people",)),
                C("manager_id", required=True, references=("people",)),
            ),
            key=("person_id", "manager_id"),
            doc="REPORTS_TO: the formal org chart.",
            rel_type="REPORTS_TO",
            rel_from="person_id",
            rel_to="manager_id",
            filter_columns=("person_id", "manager_id"),
        ),
        Entity(
            "ties",
            (
                C("person_id", required=True, references=("people",)),
                C("other_id", required=True, references=("people",)),
                C("kind", required=True, enum=_enum(model.TieKind)),
                C("strength", "int", min=1, max=5, doc="declared strength 1..5"),
                C("assessed_on", "date", doc="when the declared strength was assessed"),
                C("since", "date"),
                C("notes"),
            ),
            key=("person_id", "other_id", "kind"),
            doc="KNOWS: a declared personal relationship, undirected (stored with "
            "person_id < other_id).",
            rel_type="KNOWS",
            rel_from="person_id",
            rel_to="other_id",
            filter_columns=("person_id", "other_id"),
        ),
        Entity(
            "influence",
            (
                C("source_id", required=True, references=("people",)),
                C("target_id", required=True, references=("people",)),
                C("weight", "int", min=1, max=5),
            ),
            key=("source_id", "target_id"),
            doc="INFLUENCES: the source's opinion weighs on the target's decision.",
            rel_type="INFLUENCES",
            rel_from="source_id",
            rel_to="target_id",
            filter_columns=("source_id", "target_id"),
        ),
        Entity(
            "memberships",
            (
                C("person_id", required=True, references=("people",)),
                C("org_id", required=True, references=("organizations", "accounts")),
                C("role"),
                C("since", "date"),
            ),
            key=("person_id", "org_id"),
            doc="MEMBER_OF: association, alumni class, regulator body...",
            rel_type="MEMBER_OF",
            rel_from="person_id",
            rel_to="org_id",
            filter_columns=("person_id", "org_id"),
        ),
        Entity(
            "interactions",
            (
                C("id", required=True),
                C("date", "date", required=True),
                C("kind", required=True, enum=_enum(model.InteractionKind)),
                C("account_id", references=("accounts",)),
                C("opportunity_id", references=("opportunities",)),
                C("subject"),
                C("notes"),
            ),
            key=("id",),
            doc="Dated touchpoints; attendees are in attendance.",
            label="Interaction",
            filter_columns=("id",),
        ),
        Entity(
            "attendance",
            (
                C("interaction_id", required=True, references=("interactions",)),
                C("person_id", required=True, references=("people",)),
            ),
            key=("interaction_id", "person_id"),
            doc="ATTENDED: who was at an interaction (both sides).",
            rel_type="ATTENDED",
            rel_from="person_id",
            rel_to="interaction_id",
            filter_columns=("interaction_id", "person_id"),
        ),
        Entity(
            "opportunities",
            (
                C("id", required=True),
                C("account_id", required=True, references=("accounts",)),
                C("name", required=True),
                C("stage"),
                C("status", enum=_enum(model.OpportunityStatus)),
                C("amount", "float", min=0),
                C("close_date", "date"),
            ),
            key=("id",),
            doc="Deals; FOR an account.",
            label="Opportunity",
            filter_columns=("id", "account_id"),
        ),
        Entity(
            "opportunity_roles",
            (
                C("person_id", required=True, references=("people",)),
                C("opportunity_id", required=True, references=("opportunities",)),
                C("role", required=True, enum=_enum(model.DecisionRole)),
                C("attitude", enum=_enum(model.Attitude)),
                C("influence", "int", min=1, max=5),
            ),
            key=("person_id", "opportunity_id"),
            doc="PLAYS: a contact's decision role on one opportunity.",
            rel_type="PLAYS",
            rel_from="person_id",
            rel_to="opportunity_id",
            filter_columns=("person_id", "opportunity_id"),
        ),
    ]
}

#: Order in which entities are written (referenced entities first) and erased (reverse).
WRITE_ORDER: tuple[str, ...] = (
    "people",  # first: accounts.owner_id points at people
    "accounts",
    "organizations",
    "opportunities",
    "interactions",
    "employment",
    "assessments",
    "reports_to",
    "ties",
    "influence",
    "memberships",
    "attendance",
    "opportunity_roles",
)
assert set(WRITE_ORDER) == set(ENTITIES)

#: Order in which entity files are read, documented and reported (the order a person reads them:
#: the bodies, then what connects them). Writing uses WRITE_ORDER.
FILE_ORDER: tuple[str, ...] = ("accounts", "organizations", "people") + tuple(
    e for e in WRITE_ORDER if e not in ("accounts", "organizations", "people"))
assert set(FILE_ORDER) == set(ENTITIES)

NODE_LABELS = frozenset(e.label for e in ENTITIES.values() if e.label)
REL_TYPES = frozenset(e.rel_type for e in ENTITIES.values() if e.rel_type) | {"ABOUT", "FOR"}

_PANDAS_DTYPES = {"str": object, "int": "Int64", "float": "float64", "bool": "boolean"}


def empty_frame(entity: str) -> pd.DataFrame:
    """An empty frame with the entity's columns and snapshot dtypes."""
    return normalize_frame(entity, pd.DataFrame(columns=ENTITIES[entity].column_names))


def normalize_frame(entity: str, df: pd.DataFrame) -> pd.DataFrame:
    """Coerce a frame read from any store to the canonical column order and dtypes.

    Strings become ``object`` columns with ``None`` for missing, ints nullable ``Int64``,
    floats ``float64``, bools nullable ``boolean``, dates ``datetime64[ns]``; rows are sorted
    by the entity key so frames from two stores compare equal.
    """
    ent = ENTITIES[entity]
    out = pd.DataFrame(index=range(len(df)))
    for col in ent.columns:
        s = df[col.name].reset_index(drop=True) if col.name in df.columns else pd.Series([None] * len(df))
        if col.type == "date":
            s = pd.to_datetime(s, errors="coerce").astype("datetime64[ns]")
        elif col.type == "int":
            s = pd.to_numeric(s, errors="coerce").round().astype("Int64")
        elif col.type == "float":
            s = pd.to_numeric(s, errors="coerce").astype("float64")
        elif col.type == "bool":
            s = s.map(_to_bool, na_action="ignore").astype("boolean")
        else:
            s = s.astype(object)
            s = s.where(s.notna(), None)
        out[col.name] = s
    if len(out):
        out = out.sort_values(list(ent.key), kind="mergesort").reset_index(drop=True)
    return out


def _to_bool(v: object) -> bool | None:
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer, float, np.floating)):
        return bool(v)
    t = str(v).strip().lower()
    if t in ("1", "true", "yes", "y", "t"):
        return True
    if t in ("0", "false", "no", "n", "f"):
        return False
    return None


def plain_columns(entity: str, df: pd.DataFrame) -> dict[str, list]:
    """The columns of ``df`` as lists of plain values, converted as
    :func:`to_records` converts them (dates as ISO strings, NA as None),
    without a dict per row.

    >>> plain_columns("people", pd.DataFrame({"id": ["P1", "P2"], "level": [3, None]}))
    {'id': ['P1', 'P2'], 'level': [3, None]}
    """
    out: dict[str, list] = {}
    for col in ENTITIES[entity].columns:
        if col.name not in df.columns:
            continue
        s = df[col.name]
        if col.type == "date":
            vals = pd.to_datetime(s, errors="coerce").dt.strftime("%Y-%m-%d").astype(object)
            out[col.name] = [None if pd.isna(x) else x for x in vals]
        elif col.type == "int":
            out[col.name] = [None if pd.isna(x) else int(x) for x in s]
        elif col.type == "float":
            out[col.name] = [None if pd.isna(x) else float(x) for x in s]
        elif col.type == "bool":
            out[col.name] = [None if pd.isna(x) else bool(x) for x in s]
        else:
            out[col.name] = [None if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x) for x in s]
    return out


def to_records(entity: str, df: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts of JSON/DB-friendly values (dates as ISO strings, NA as None;
    a column ``df`` lacks is None), converted column by column by :func:`plain_columns`."""
    cols = plain_columns(entity, df)
    names = ENTITIES[entity].column_names
    missing = [None] * len(df)
    return [dict(zip(names, vals)) for vals in zip(*(cols.get(n, missing) for n in names))]
