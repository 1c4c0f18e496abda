"""A small builder for hand-made snapshots, shared by the analysis tests.

``build_snapshot`` takes one list of plain dicts per entity of :mod:`kamgraph.schema`
(``accounts=[...]``, ``people=[...]``, ...) and returns a :class:`~kamgraph.snapshot.Snapshot`
whose frames went through :func:`kamgraph.schema.normalize_frame`, exactly like a store's.

Three shorthands keep hand-built graphs short:

- a **person** dict may carry ``org_id`` (plus ``team_role``, ``since``, ``until``,
  ``emp_title``): it adds the employment row; and ``decision_role`` / ``attitude`` /
  ``influence`` (plus ``assessed_on``, default :data:`ASSESSED_ON`): it adds an assessment
  at ``org_id``;
- an **interaction** dict may carry ``attendees=[person ids]``: it adds the attendance rows;
- a **tie** is reordered so ``person_id < other_id`` (the stored orientation).

>>> snap = build_snapshot(
...     accounts=[{"id": "A1", "name": "Acme"}],
...     people=[{"id": "u1", "name": "Us", "side": "internal", "level": 2},
...             {"id": "c1", "name": "Chen", "side": "customer", "level": 1, "org_id": "A1",
...              "decision_role": "decision_maker"}],
...     interactions=[{"id": "i1", "date": "2025-01-10", "kind": "visit", "attendees": ["u1", "c1"]}],
... )
>>> len(snap.attendance), snap.roles()["decision_role"].tolist()
(2, ['decision_maker'])
"""

from __future__ import annotations

from typing import Iterable, Mapping

import pandas as pd

from kamgraph.schema import ENTITIES, empty_frame, normalize_frame
from kamgraph.snapshot import Snapshot

#: assessment date used when a person shorthand gives a role without ``assessed_on``
ASSESSED_ON = "2020-01-01"

_EMPLOYMENT_KEYS = {"org_id", "team_role", "since", "until", "emp_title"}
_ASSESSMENT_KEYS = {"decision_role", "attitude", "influence", "assessed_on"}

Rows = Iterable[Mapping] | pd.DataFrame | None


def _rows(value: Rows) -> list[dict]:
    if value is None:
        return []
    if isinstance(value, pd.DataFrame):
        return value.to_dict("records")
    return [dict(r) for r in value]


def build_snapshot(**entities: Rows) -> Snapshot:
    """A snapshot from lists of dicts (or frames) per entity; see the module docstring."""
    unknown = set(entities) - set(ENTITIES)
    if unknown:
        raise TypeError(f"unknown entities {sorted(unknown)}; known: {sorted(ENTITIES)}")
    rows = {name: _rows(entities.get(name)) for name in ENTITIES}

    people = []
    for p in rows["people"]:
        base = {k: v for k, v in p.items() if k not in _EMPLOYMENT_KEYS | _ASSESSMENT_KEYS}
        people.append(base)
        if p.get("org_id") is not None:
            rows["employment"].append({
                "person_id": p["id"], "org_id": p["org_id"], "title": p.get("emp_title", p.get("title")),
                "team_role": p.get("team_role"), "since": p.get("since"), "until": p.get("until"),
            })
            if any(p.get(k) is not None for k in ("decision_role", "attitude", "influence")):
                rows["assessments"].append({
                    "person_id": p["id"], "account_id": p["org_id"],
                    "assessed_on": p.get("assessed_on", ASSESSED_ON),
                    "decision_role": p.get("decision_role"), "attitude": p.get("attitude"),
                    "influence": p.get("influence"),
                })
    rows["people"] = people

    interactions = []
    for i in rows["interactions"]:
        interactions.append({k: v for k, v in i.items() if k != "attendees"})
        for person_id in i.get("attendees", ()):
            rows["attendance"].append({"interaction_id": i["id"], "person_id": person_id})
    rows["interactions"] = interactions

    ties = []
    for t in rows["ties"]:
        t = dict(t)
        if t["person_id"] > t["other_id"]:
            t["person_id"], t["other_id"] = t["other_id"], t["person_id"]
        ties.append(t)
    rows["ties"] = ties

    frames = {}
    for name in ENTITIES:
        frames[name] = normalize_frame(name, pd.DataFrame(rows[name])) if rows[name] else _empty(name)
    return Snapshot(frames)


_EMPTY: dict[str, pd.DataFrame] = {}


def _empty(name: str) -> pd.DataFrame:
    if name not in _EMPTY:
        _EMPTY[name] = empty_frame(name)
    return _EMPTY[name].copy()


def internal(pid: str, level: int, name: str | None = None, **extra) -> dict:
    """A person dict for one of our staff (``side='internal'``)."""
    return {"id": pid, "name": name or pid, "side": "internal", "level": level, **extra}


def contact(pid: str, org_id: str, level: int, role: str | None = None, name: str | None = None,
            **extra) -> dict:
    """A person dict for a customer contact employed at ``org_id`` with a decision role."""
    return {"id": pid, "name": name or pid, "side": "customer", "level": level, "org_id": org_id,
            "decision_role": role, **extra}


def meeting(iid: str, date: str, *attendees: str, kind: str = "meeting", account_id: str | None = None) -> dict:
    """An interaction dict with its attendees."""
    return {"id": iid, "date": date, "kind": kind, "account_id": account_id, "attendees": list(attendees)}
