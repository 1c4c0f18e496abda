"""Array helpers shared by the analyses: integer codes, sorted lookups, CSR gathers.

The analyses work on integer person codes and sorted keys instead of strings and joins;
these are the few numpy building blocks they share. Nothing here knows about people,
accounts or settings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["csr", "gather", "map_ids", "object_series", "small_ints_unique", "sorted_codes", "sorted_lookup",
           "stable_order", "unique_ints", "within_groups"]


def object_series(values) -> pd.Series:
    """Strings as an ``object`` Series (pandas 3 would convert a plain array to Arrow strings,
    a copy of every value, and back again at the next numpy step).

    >>> object_series(["a", "b"]).dtype
    dtype('O')
    """
    return pd.Series(np.asarray(values, dtype=object), dtype=object)


def sorted_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``values`` numbered in sorted order, and the sorted distinct values.

    Hashes every value once and sorts only the distinct ones (``pd.factorize(sort=True)``
    compares all of them).

    >>> codes, uniq = sorted_codes(np.array(["b", "a", "b", "c"], dtype=object))
    >>> codes.tolist(), uniq.tolist()
    ([1, 0, 1, 2], ['a', 'b', 'c'])
    """
    codes, uniq = pd.factorize(np.asarray(values, dtype=object))
    uniq = np.asarray(uniq, dtype=object)
    order = np.argsort(uniq, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], uniq[order]


def unique_ints(x: np.ndarray, return_inverse: bool = False):
    """``np.unique`` for integer arrays by sorting (numpy 2's ``unique`` hashes first, which
    is many times slower on millions of int64 keys).

    >>> u, inv = unique_ints(np.array([5, 3, 5, 9]), return_inverse=True)
    >>> u.tolist(), inv.tolist()
    ([3, 5, 9], [1, 0, 1, 2])
    """
    x = np.asarray(x)
    if not return_inverse:
        s = np.sort(x)
        return s[np.r_[True, s[1:] != s[:-1]]] if len(s) else s
    order = np.argsort(x, kind="stable")
    s = x[order]
    first = np.r_[True, s[1:] != s[:-1]] if len(s) else np.zeros(0, dtype=bool)
    inverse = np.empty(len(x), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return s[first], inverse


def stable_order(x: np.ndarray) -> np.ndarray:
    """``np.argsort(x, kind="stable")`` for integer arrays; a span of at most 65,536 values
    (day numbers of a few decades) is sorted as 16-bit keys, which numpy radix-sorts.

    A stable order is unique, so it is the same permutation either way.

    >>> stable_order(np.array([20400, 20100, 20400, 20100])).tolist()
    [1, 3, 0, 2]
    """
    x = np.asarray(x)
    if len(x) > 1 and x.dtype.kind in "iu":
        lo, hi = int(x.min()), int(x.max())
        if hi - lo < 1 << 16:
            return np.argsort((x - lo).astype(np.uint16), kind="stable")
    return np.argsort(x, kind="stable")


def small_ints_unique(x: np.ndarray, return_inverse: bool = False):
    """``unique_ints`` for small non-negative integers (bit masks, kinds): one ``bincount``
    instead of a sort.

    >>> u, inv = small_ints_unique(np.array([4, 0, 4, 1]), return_inverse=True)
    >>> u.tolist(), inv.tolist()
    ([0, 1, 4], [2, 0, 2, 1])
    """
    x = np.asarray(x)
    if not len(x) or int(x.min()) < 0 or int(x.max()) >= 1 << 20:
        return unique_ints(x, return_inverse)
    present = np.bincount(x)
    uniq = np.flatnonzero(present).astype(x.dtype)
    if not return_inverse:
        return uniq
    lut = np.zeros(len(present), dtype=np.int64)
    lut[uniq] = np.arange(len(uniq))
    return uniq, lut[x]


def sorted_lookup(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Position of each ``wanted`` value in the sorted, distinct ``keys``; -1 where absent.

    >>> sorted_lookup(np.array([2, 5, 9]), np.array([9, 3, 2, 11])).tolist()
    [2, -1, 0, -1]
    """
    wanted = np.asarray(wanted)
    if not len(keys):
        return np.full(len(wanted), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[at] == wanted, at, -1)


def within_groups(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with i < j and ``group[i] == group[j]``, for a sorted ``group`` array.

    >>> l, r = within_groups(np.array([0, 0, 0, 1, 2, 2]))
    >>> list(zip(l.tolist(), r.tolist()))
    [(0, 1), (0, 2), (1, 2), (4, 5)]
    """
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, n])
    end = np.repeat(starts + sizes, sizes)  # one past the last row of each row's group
    after = end - np.arange(n) - 1  # rows after each row in its group
    left = np.repeat(np.arange(n), after)
    total = int(after.sum())
    # right = left + (position among the row's pairs) + 1, with one repeat instead of two
    right = np.repeat(np.arange(n) - (np.cumsum(after) - after), after)
    right += np.arange(1, total + 1)
    return left, right


def gather(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the CSR entries of ``rows``, and for each the index into ``rows``.

    >>> gather(np.array([0, 2, 2, 5]), np.array([2, 0]))
    (array([0, 0, 0, 1, 1]), array([2, 3, 4, 0, 1]))
    """
    rows = np.asarray(rows, dtype=np.int64)
    starts = indptr[rows]
    lens = indptr[rows + 1] - starts
    parent = np.repeat(np.arange(len(rows)), lens)
    total = int(lens.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
    return parent, np.repeat(starts, lens) + offsets


def csr(src: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Order (stable, by ``src``) and row pointer of a CSR structure over ``n`` rows.

    >>> order, indptr = csr(np.array([2, 0, 2]), 3)
    >>> order.tolist(), indptr.tolist()
    ([1, 0, 2], [0, 1, 1, 3])
    """
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return order, indptr


def map_ids(ids, mapping: pd.Series) -> np.ndarray:
    """``ids.map(mapping)`` as an object array (None where absent), by one hash lookup per id.

    ``Series.map`` with a Series converts and aligns both sides; on millions of ids this is
    several times faster.

    >>> map_ids(pd.Series(["b", "x", "a"]), pd.Series({"a": 1, "b": 2})).tolist()
    [2, None, 1]
    """
    values = np.asarray(ids, dtype=object)
    index = mapping.index if mapping.index.dtype == object else pd.Index(mapping.index.to_numpy(dtype=object), dtype=object)
    at = index.get_indexer(pd.Index(values, dtype=object))
    table = np.append(mapping.to_numpy(dtype=object), None)  # -1 (absent) reads the None at the end
    return table[at]
