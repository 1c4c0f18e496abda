"""Who people are and where they work at a date: the lookups every analysis shares.

- :func:`people_index` -- one row per person with ``level`` filled from the title;
- :func:`person_names`, :func:`person_levels`, :func:`internal_ids` -- columns of it;
- :func:`shown_names` -- every person's name as the reader's language shows it
  (:func:`kamgraph.names.display_name`: ``"周建国（Zhou Jianguo）"`` in Chinese, as stored in
  English); every table and sentence that shows a person's name takes it from here;
- :func:`org_names` -- names of accounts and organizations;
- :func:`current_employment`, :func:`current_memberships` -- rows in force at a date;
- :func:`person_labels` -- "Li Wei (our CEO)", "Chen Jie, CFO of Acme" for explanations.

Dates: employment is in force at ``t`` when ``since`` is empty or ``<= t`` and ``until``
is empty or ``>= t`` (``until`` is the last day); a membership when ``since`` is empty or
``<= t``. Each table is :func:`~kamgraph.analysis.derived.derived`: built once per snapshot.

"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kamgraph.analysis.arrays import map_ids
from kamgraph.analysis.derived import derived
from kamgraph.i18n import DEFAULT_LANGUAGE, _, current_language
from kamgraph.i18n.terms import term
from kamgraph.model import Side
from kamgraph.names import display_names
from kamgraph.snapshot import Snapshot
from kamgraph.titles import LEVEL_NAMES, level_from_title

__all__ = ["current_employment", "current_memberships", "first_email", "internal_ids", "org_names", "people_index",
           "person_labels", "person_levels", "person_names", "shown_names"]


@derived()
def people_index(snap: Snapshot) -> pd.DataFrame:
    """People indexed by id: ``name, side, title, level`` (level from the title when empty)."""
    p = snap.people[["id", "name", "side", "title", "level"]].drop_duplicates("id").set_index("id")
    missing = p["level"].isna() & p["title"].notna()
    if missing.any():
        derived_levels = p.loc[missing, "title"].map(level_from_title)
        p.loc[missing, "level"] = pd.array(derived_levels.tolist(), dtype="Int64")
    return p


@derived()
def person_levels(snap: Snapshot) -> pd.Series:
    """Level (1 = highest) per person id as floats, NaN when unknown (title-derived when empty)."""
    return people_index(snap)["level"].astype("Float64").astype(float)


def person_names(snap: Snapshot) -> pd.Series:
    """Name per person id, as stored (for matching; :func:`shown_names` to show one)."""
    return people_index(snap)["name"]


@derived(localized=True)
def shown_names(snap: Snapshot) -> pd.Series:
    """Name per person id as the reader's language shows it (:func:`kamgraph.names.display_names`:
    Chinese family name first, the romanized form beside it in brackets; as stored in English)."""
    return display_names(people_index(snap)["name"])


def internal_ids(snap: Snapshot) -> np.ndarray:
    """Ids of our own staff (``side == 'internal'``)."""
    p = snap.people
    return p.loc[p["side"] == Side.INTERNAL.value, "id"].to_numpy()


@derived(dated=True)
def current_employment(snap: Snapshot, as_of) -> pd.DataFrame:
    """Employment rows in force on ``as_of`` (``since <= as_of <= until``, open ends allowed)."""
    e = snap.employment
    ok = (e["since"].isna() | (e["since"] <= as_of)) & (e["until"].isna() | (e["until"] >= as_of))
    return e[ok].reset_index(drop=True)


@derived(dated=True)
def current_memberships(snap: Snapshot, as_of) -> pd.DataFrame:
    """Membership rows in force on ``as_of`` (``since`` empty or on/before it)."""
    m = snap.memberships
    return m[m["since"].isna() | (m["since"] <= as_of)].reset_index(drop=True)


@derived()
def org_names(snap: Snapshot) -> pd.Series:
    """Names of accounts and organizations by id (accounts win on a shared id)."""
    parts = [snap.organizations[["id", "name"]], snap.accounts[["id", "name"]]]
    both = pd.concat(parts, ignore_index=True).drop_duplicates("id", keep="last")
    return both.set_index("id")["name"]


@derived(dated=True, localized=True)
def person_labels(snap: Snapshot, as_of) -> pd.Series:
    """A short description of every person for one-line explanations, by id.

    Internal staff: ``"Li Wei (our CEO)"`` (title, else level name). Others:
    ``"Chen Jie, CFO of Acme"`` from their current job (an account before any other
    organization), falling back to the person's own title, or just the name.
    """
    p = people_index(snap)
    emp = current_employment(snap, as_of)
    names = org_names(snap)
    accounts = set(snap.accounts["id"])
    job = emp.assign(is_account=emp["org_id"].isin(accounts))
    job = job.sort_values(["person_id", "is_account", "org_id"], ascending=[True, False, True], kind="mergesort")
    job = job.drop_duplicates("person_id").set_index("person_id")
    org = job["org_id"].map(names).reindex(p.index)
    title = job["title"].reindex(p.index)
    title = title.where(title.notna(), p["title"])
    english = current_language() == DEFAULT_LANGUAGE
    # one name per distinct level, not one Python call per person
    distinct = pd.unique(p["level"].dropna())
    level_names = {v: (LEVEL_NAMES.get(int(v)) if english else term("level", int(v))) for v in distinct}
    level_name = pd.Series(map_ids(p["level"].astype(object).where(p["level"].notna(), None).to_numpy(dtype=object),
                                   pd.Series(level_names, dtype=object)) if level_names else None,
                           index=p.index, dtype=object)
    shown = shown_names(snap)
    name = shown.where(shown.notna(), pd.Series(p.index, index=p.index)).astype(str)

    internal = (p["side"] == Side.INTERNAL.value).to_numpy()
    own = p["title"].where(p["title"].notna(), level_name)
    ours_with, ours = _("{name} (our {title})"), _("{name} (ours)")
    # each person's label written once, by side
    label = np.empty(len(p), dtype=object)
    name = name.to_numpy(dtype=object)
    internal_label = [ours_with.format(name=n, title=o) if isinstance(o, str) else ours.format(name=n)
                      for n, o in zip(name[internal], own.astype(object).where(own.notna(), None).to_numpy()[internal])]
    label[internal] = np.array(internal_label, dtype=object) if internal_label else []

    both, only_title, only_org = _("{name}, {title} of {org}"), _("{name}, {title}"), _("{name} of {org}")
    other = ~internal
    other_label = [(both if isinstance(t, str) and isinstance(o, str) else only_title if isinstance(t, str)
                    else only_org if isinstance(o, str) else "{name}").format(name=n, title=t, org=o)
                   for n, t, o in zip(name[other], title.astype(object).where(title.notna(), None).to_numpy()[other],
                                      org.astype(object).where(org.notna(), None).to_numpy()[other])]
    label[other] = np.array(other_label, dtype=object) if other_label else []
    return pd.Series(label, index=p.index, dtype=object)


#: one plain address: no space, quote, bracket, separator or control character
_EMAIL = re.compile(r"[^@\s<>\"();:,\x00-\x1f\x7f-\x9f]+@[^@\s<>\"();:,\x00-\x1f\x7f-\x9f]+"
                    r"\.[^@\s<>\"();:,\x00-\x1f\x7f-\x9f]+")


def first_email(value) -> str | None:
    r"""The first e-mail address of a field that may hold several (``;`` or ``,`` between).

    >>> first_email("a.b@x.example; c@y.example"), first_email(" , c@z.example"), first_email("n/a")
    ('a.b@x.example', 'c@z.example', None)
    >>> first_email("bad\x07@x.example, good@y.example")
    'good@y.example'
    """
    if not isinstance(value, str):
        return None
    for part in re.split(r"[;,\s]+", value):
        part = part.strip().strip("<>")
        if _EMAIL.fullmatch(part):
            return part
    return None
