"""Checks that stop a hostile or broken import file before the expensive work.

Every reader (native CSV folder or workbook, every CRM mapping) calls these before it
parses: the file's kind and size from ``stat``, a workbook's zip directory (uncompressed
size and compression ratio, without inflating anything), a CSV header's width from its
first line. The limits are :class:`kamgraph.settings.LimitsSettings` (``[limits]`` in
kamgraph.toml). Each failure is an :class:`ImportValidationError` with one problem
naming the file.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "people.csv"
>>> _ = p.write_text("id,name,side\\n")
>>> check_csv_header(p, LimitsSettings(max_columns=2))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kamgraph.errors.ImportValidationError: ...people.csv row 1: the header has 3 columns, more than the limit of 2...
"""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
from pathlib import Path

from kamgraph.errors import ImportValidationError, Problem
from kamgraph.i18n import _
from kamgraph.settings import LimitsSettings, Settings

__all__ = [
    "OLE2_MAGIC",
    "check_csv_header",
    "check_file_size",
    "check_header_line",
    "check_regular_file",
    "check_workbook",
    "default_limits",
    "file_kind_problem",
    "too_many_rows",
]

#: The first bytes of an OLE2 compound file: an encrypted (password-protected) .xlsx, or an old .xls.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20


_default: LimitsSettings | None = None


def set_default_limits(limits: LimitsSettings | None) -> LimitsSettings | None:
    """Make ``limits`` (e.g. ``Settings.load(...).limits``, from ``[limits]`` in
    kamgraph.toml) what readers called without ``limits`` use, the CRM mappings included;
    ``None`` goes back to the defaults. Returns the previous value (to restore it).

    >>> previous = set_default_limits(LimitsSettings(max_rows=5))
    >>> default_limits().max_rows
    5
    >>> _ = set_default_limits(previous)
    """
    global _default
    previous, _default = _default, limits
    return previous


def default_limits(limits: LimitsSettings | None = None) -> LimitsSettings:
    """``limits``, else those set by :func:`set_default_limits`, else the defaults of
    :class:`kamgraph.settings.Settings`."""
    if limits is not None:
        return limits
    return _default if _default is not None else Settings().limits


def _fail(source: str, message: str, row: int | None = None, column: str | None = None) -> ImportValidationError:
    return ImportValidationError([Problem(source, row, column, None, message)])


def _size(n: int) -> str:
    for unit, k in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= k:
            return f"{n / k:.1f} {unit}"
    return _("{n} bytes").format(n=n)


def file_kind_problem(path: Path, source: str | None = None) -> Problem | None:
    """A problem when ``path`` is not a regular file one can read (a dangling symbolic link,
    a link loop, a folder, a FIFO or device), else None."""
    source = source or path.name
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if path.is_symlink():
            target = os.readlink(path)
            return Problem(source, None, None, None,
                           _("a symbolic link to {target}, which does not exist; the file was not read").format(
                               target=target))
        return Problem(source, None, None, None, _("not found"))
    except OSError as e:  # ELOOP: a link pointing at itself, EACCES ...
        if path.is_symlink():
            text = _("a symbolic link that loops back on itself; the file was not read")
        else:
            text = _("cannot be opened ({reason}); the file was not read").format(reason=e.strerror)
        return Problem(source, None, None, None, text)
    if stat.S_ISDIR(st.st_mode):
        return Problem(source, None, None, None, _("a folder, not a file; the file was not read"))
    if not stat.S_ISREG(st.st_mode):
        return Problem(source, None, None, None,
                       _("not a regular file (a pipe, socket or device); the file was not read"))
    return None


def open_binary(path: Path, source: str | None = None):
    """``open(path, "rb")``, an unreadable file (permission denied ...) being one line naming it."""
    try:
        return open(path, "rb")
    except OSError as e:
        raise _fail(source or path.name, _("cannot be read ({reason}); check its permissions").format(
            reason=e.strerror or e)) from None


def read_bytes(path: Path, source: str | None = None) -> bytes:
    """The whole file (after the size check), an unreadable file being one line naming it."""
    with open_binary(path, source) as f:
        return f.read()


def list_folder(folder: Path) -> list[Path]:
    """The folder's entries, sorted; an unreadable folder is one line naming it."""
    try:
        return sorted(folder.iterdir())
    except OSError as e:
        raise _fail(str(folder), _("the folder cannot be read ({reason}); check its permissions").format(
            reason=e.strerror or e)) from None


def check_regular_file(path: Path, source: str | None = None) -> None:
    """Raise when ``path`` is not a regular file (see :func:`file_kind_problem`)."""
    problem = file_kind_problem(path, source)
    if problem is not None:
        raise ImportValidationError([problem])


def check_file_size(path: Path, limits: LimitsSettings, source: str | None = None) -> None:
    """Raise when ``path`` is larger than ``limits.max_file_bytes`` (by ``stat``, nothing read)."""
    check_regular_file(path, source)
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise _fail(source or path.name,
                    _("the file is {size}, more than the limit of {limit} ([limits] max_file_bytes); split it "
                      "or raise the limit").format(size=_size(size), limit=_size(limits.max_file_bytes)))


def check_workbook(path: Path, limits: LimitsSettings, source: str | None = None) -> None:
    """Raise unless ``path`` is an .xlsx zip within the limits, before openpyxl opens it.

    An OLE2 file is an encrypted (password-protected) workbook or an old .xls; a zip
    whose members inflate beyond ``max_workbook_bytes`` or more than
    ``max_compression_ratio`` times is refused from its directory alone. The directory
    cannot understate a member: :mod:`zipfile` (which openpyxl reads through) stops
    inflating a member at the size its directory entry declares.
    """
    source = source or path.name
    check_file_size(path, limits, source)
    with open_binary(path, source) as f:
        head = f.read(8)
    if head.startswith(OLE2_MAGIC[:4]):
        raise _fail(source, _("the workbook is encrypted (password-protected) or in the old .xls format; "
                              "remove the password (File > Info > Protect Workbook) and save it as .xlsx"))
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError):
        raise _fail(source, _("cannot open as an Excel workbook: the file is not a zip archive, as an .xlsx "
                              "is; save it from Excel as .xlsx")) from None
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > limits.max_workbook_bytes:
        raise _fail(source, _("the workbook unpacks to {size}, more than the limit of {limit} ([limits] "
                              "max_workbook_bytes); split it or import CSV files").format(
                                  size=_size(total), limit=_size(limits.max_workbook_bytes)))
    if total / packed > limits.max_compression_ratio:
        raise _fail(source, _("the workbook unpacks to {ratio} times its size ({size}), more than the limit of "
                              "{limit} ([limits] max_compression_ratio); this is not an ordinary workbook").format(
                                  ratio=f"{total / packed:.0f}", size=_size(total),
                                  limit=f"{limits.max_compression_ratio:g}"))


def check_csv_header(path: Path, limits: LimitsSettings, delimiter: str = ",", source: str | None = None) -> None:
    """Raise when the header (first line) of the CSV file has more than ``max_columns`` columns.

    Only the first line is read, in chunks, so a 100,000-column header is refused at once.
    """
    source = source or path.name
    delim = delimiter.encode()
    count, head = 0, bytearray()
    with open_binary(path, source) as f:
        while True:
            chunk = f.read(_CHUNK)
            if not chunk:
                break
            end = chunk.find(b"\n")
            part = chunk if end < 0 else chunk[:end]
            count += part.count(delim)
            head += part
            if end >= 0 or len(head) > limits.max_field_bytes:
                break
    if count + 1 > limits.max_columns:  # else within the limit: a quoted delimiter only over-counts
        check_header_line(head.decode("utf-8", errors="replace"), limits, source, delimiter)


def check_header_line(line: str, limits: LimitsSettings, source: str, delimiter: str = ",") -> None:
    """Raise when the header ``line`` has more than ``max_columns`` columns (quotes respected;
    the delimiters are counted first, so a short header costs nothing)."""
    if line.count(delimiter) + 1 <= limits.max_columns:
        return
    try:
        n = len(next(csv.reader(io.StringIO(line), delimiter=delimiter)))
    except (csv.Error, StopIteration):
        n = line.count(delimiter) + 1
    if n > limits.max_columns:
        raise _fail(source, _("the header has {n} columns, more than the limit of {limit} ([limits] "
                              "max_columns); the file was not read").format(n=n, limit=limits.max_columns), row=1)


def too_many_rows(n: int, limits: LimitsSettings, source: str) -> ImportValidationError | None:
    """The error for a file or sheet of ``n`` data rows over ``max_rows``, else None."""
    if n <= limits.max_rows:
        return None
    return _fail(source, _("more than {limit} data rows ([limits] max_rows); split the file or raise the limit; "
                           "the file was not read").format(limit=f"{limits.max_rows:,}"))
