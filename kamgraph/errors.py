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
        from kamgraph.i18n import _  # kamgraph.i18n imports this module

        if self.row is not None and self.column:
            text = _("{file} row {row} column {column}: {message}")
        elif self.row is not None:
            text = _("{file} row {row}: {message}")
        elif self.column:
            text = _("{file} column {column}: {message}")
        else:
            text = _("{file}: {message}")
        return text.format(file=self.file, row=self.row, column=repr(self.column), message=self.message)


class ImportValidationError(KamgraphError):
    """An import was rejected; nothing was written. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        from kamgraph.i18n import _, ngettext  # kamgraph.i18n imports this module

        self.problems = list(problems)
        n = len(self.problems)
        head = ngettext("import rejected, nothing was written: {n} problem",
                        "import rejected, nothing was written: {n} problems", n).format(n=n)
        lines = [head] + [f"  - {p}" for p in self.problems[:200]]
        if n > 200:
            lines.append("  " + _("... and {n} more").format(n=n - 200))
        super().__init__("\n".join(lines))
