"""Keep large arrays in the heap: glibc's allocator tuned for whole-portfolio analyses.

By default glibc hands every allocation above a (dynamic, at most 32 MiB) threshold to
``mmap`` and returns it to the system on ``free``. A whole-portfolio analysis allocates and
frees arrays of tens to hundreds of MiB many times (pair events, sorts, 6-million-row
frames), so each one is mapped, zero-filled page by page and unmapped again: at scale L that
was 35 s of system time in strengths, trends and gaps. :func:`tune` raises the mmap
threshold to 1 GiB and the trim threshold to 2 GiB (a C int's largest value), so freed arrays stay in the process's
heap and are reused. Measured at scale M (strengths + trends, same snapshot, CPU): 1.08-1.52 s
-> 0.87-1.02 s, system time 0.34-0.60 -> 0.09-0.11 s; at L (helper run, issue 17): strengths
10.6 -> 6.7 s, trends 10.2 -> 7.0 s of CPU. The price: memory freed after a peak stays with the
process (up to 2 GiB of free heap at its top) instead of going back to the system at once.

The CLI, the app and the benchmark workers call it at start; a library user may too. It does
nothing off glibc (macOS, Windows, musl) or when ``KAMGRAPH_MALLOC=default``.

>>> tune() in (True, False)
True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

__all__ = ["tune"]

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 1 << 30
TRIM_THRESHOLD = (1 << 31) - 1

_done: bool | None = None


def tune() -> bool:
    """Raise glibc's mmap and trim thresholds once per process; True when they were set."""
    global _done
    if _done is not None:
        return _done
    _done = False
    if not sys.platform.startswith("linux") or os.environ.get("KAMGRAPH_MALLOC", "").lower() == "default":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    _done = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) & bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    return _done
