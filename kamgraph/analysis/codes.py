"""Integer codes of id columns for the analyses, from :meth:`kamgraph.snapshot.Snapshot.codes`.

An analysis that numbers people (or interactions) by hashing their id strings pays one
Python string hash per row; the snapshot hands out each column's codes once (a store may
precompute them). A code is a position in ``frames[of]["id"]``, so it keeps the order of
the ids only when that column is sorted ascending without repeats, which a store's
snapshot always is (:func:`kamgraph.schema.normalize_frame`) but a hand-built or what-if
frame need not be. These helpers answer None when the codes cannot stand in for the ids
(an id column out of order, an id that is not there): the caller then takes its string
path, whose answers these codes reproduce exactly.
"""

from __future__ import annotations

import numpy as np

from kamgraph.snapshot import Snapshot

__all__ = ["id_codes", "sorted_ids"]


def sorted_ids(snap: Snapshot, of: str) -> np.ndarray | None:
    """``frames[of]["id"]`` as an object array when strictly ascending (so codes compare as
    the ids do, and no id repeats), else None. Memoized on the snapshot.

    >>> import pandas as pd
    >>> sorted_ids(Snapshot({"people": pd.DataFrame({"id": ["a", "b"]})}), "people").tolist()
    ['a', 'b']
    >>> sorted_ids(Snapshot({"people": pd.DataFrame({"id": ["b", "a"]})}), "people") is None
    True
    """
    def build():
        ids = snap.frames[of]["id"].to_numpy(dtype=object)
        if len(ids) > 1:
            try:
                ok = bool(np.all(ids[1:] > ids[:-1]))
            except TypeError:  # a missing id (None) among them
                ok = False
            if not ok:
                return None
        elif len(ids) == 1 and not isinstance(ids[0], str):
            return None
        return ids

    return snap.cached(("analysis.sorted_ids", of), build)


def id_codes(snap: Snapshot, entity: str, column: str, of: str = "people") -> np.ndarray | None:
    """Codes of ``frames[entity][column]`` in the sorted ids of ``of`` (:func:`sorted_ids`),
    or None when the ids of ``of`` are not sorted or a value is missing or unknown.

    >>> import pandas as pd
    >>> snap = Snapshot({"people": pd.DataFrame({"id": ["a", "b", "c"]}),
    ...                  "ties": pd.DataFrame({"person_id": ["c", "a"], "other_id": ["b", "x"]})})
    >>> id_codes(snap, "ties", "person_id").tolist(), id_codes(snap, "ties", "other_id")
    ([2, 0], None)
    """
    if sorted_ids(snap, of) is None:
        return None
    codes = snap.codes(entity, column, of)
    if len(codes) and int(codes.min()) < 0:
        return None
    return codes
