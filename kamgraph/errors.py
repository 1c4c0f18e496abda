"""Error types that carry user-facing messages.

The CLI and the UI show a :class:`KamgraphError` as one clear message without a
traceback; any other exception is a bug and shows one.
"""

from __future__ import annotations

from dataclasses import dataclass


class KamgraphError(Exception):
    """Base class for errors a user can act on."""


class ConfigError(KamgraphError):
    """Bad store URL, settings file or command-line option."""


class StoreUnavailable(KamgraphError):
    """The store could not be reached, or a write may not have completed.

    ``committed`` lists what was committed before the failure (for batched Neo4j
    imports: ``(entity, batch number)`` pairs), so a user knows re-running completes it.
    """

    def __init__(self, message: str, committed: list | None = None):
        super().__init__(message)
        self.committed = committed or []


class NotFound(KamgraphError):
    """A requested id does not exist."""


@dataclass(frozen=True)
class Problem:
    """One validation problem, located precisely.

    ``row`` is the 1-based data row number as a spreadsheet user sees it: the header is
    row 1, so the first data row is row 2.
    """

    file: str
    row: int | None
    column: str | None
    value: object
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f" column {self.column!r}"
        return f"{where}: {self.message}"


class ImportValidationError(KamgraphError):
    """An import was rejected; nothing was written. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"import rejected, nothing was written: {n} problem{'s' if n != 1 else ''}"
        lines = [head] + [f"  - {p}" for p in self.problems[:200]]
        if n > 200:
            lines.append(f"  ... and {n - 200} more")
        super().__init__("\n".join(lines))
