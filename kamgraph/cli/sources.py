"""``kamgraph import-calendar`` / ``import-mail``: calendars and mail headers as interactions.

Both call :func:`kamgraph.ingest.messages.import_messages` and print the rows written, what
was skipped (counted by reason) and the addresses that matched nobody (the first 20).
Names and addresses come from the data: they print through :func:`~kamgraph.cli.echo` and
:func:`~kamgraph.cli.output`, never raw.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from kamgraph.cli import echo, main, open_store, output, pass_config
from kamgraph.cli.manage import os_user
from kamgraph.config import Config
from kamgraph.i18n import _, fmt_day, ngettext

if TYPE_CHECKING:  # the ingest modules load when a verb runs, not with every command
    from kamgraph.ingest.messages import MessagesReport

_DATE = click.DateTime(formats=["%Y-%m-%d"])
_COMMON = [
    click.option("--from", "start", type=_DATE, default=None, metavar="YYYY-MM-DD",
                 help="First day imported (included)."),
    click.option("--to", "end", type=_DATE, default=None, metavar="YYYY-MM-DD",
                 help="Last day imported (included)."),
    click.option("--add-unknown", is_flag=True,
                 help="Add addresses that match nobody as external people (name from the display name)."),
    click.option("--dry-run", is_flag=True, help="Read and validate; show what would be written; write nothing."),
]


def _options(fn):
    for opt in reversed(_COMMON):
        fn = opt(fn)
    return fn


@main.command("import-calendar")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_options
@pass_config
def import_calendar(config: Config, file: Path, start, end, add_unknown: bool, dry_run: bool) -> None:
    """Import the events of FILE (an iCalendar .ics export) as interactions.

    Attendees and the organizer are matched to people by e-mail address (the email column
    of people; several addresses per person separated by ; or ,). Recurring events are
    expanded inside the window; cancelled events and declined attendees are skipped; the
    date is the event's local date in its own time zone. Default window: the 365 days up
    to today (--as-of). Re-importing the same file writes the
    same rows.
    """
    from kamgraph.ingest.messages import MessageSourceError, is_calendar_file

    if not is_calendar_file(file):
        raise MessageSourceError(_("{path}: not an iCalendar file (.ics); for mail use kamgraph import-mail").format(
            path=file))
    _run(config, file, start, end, add_unknown, dry_run)


@main.command("import-mail")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@_options
@pass_config
def import_mail(config: Config, path: Path, start, end, add_unknown: bool, dry_run: bool) -> None:
    """Import the messages of PATH (an .mbox file, an .eml file, or a folder of them) as interactions.

    Only the headers From, To, Cc, Date, Subject and Message-ID are read; bodies never.
    Senders and recipients are matched to people by e-mail address. Default: every message
    (--from/--to limit the dates). Re-importing the same mail writes the same rows.
    """
    from kamgraph.ingest.messages import MessageSourceError, is_calendar_file

    if path.is_file() and is_calendar_file(path):
        raise MessageSourceError(_("{path}: a calendar, not mail; use kamgraph import-calendar").format(path=path))
    _run(config, path, start, end, add_unknown, dry_run)


def _run(config: Config, path: Path, start, end, add_unknown: bool, dry_run: bool) -> None:
    from kamgraph.ingest.messages import import_messages

    with open_store(config) as store:
        report = import_messages(path, store, start=start, end=end, add_unknown=add_unknown, dry_run=dry_run,
                                 actor=None if dry_run else os_user(), today=config.as_of)
        url = store.url
    _print(report, url, default_window=start is None and end is None, add_unknown=add_unknown)


def _print(report: MessagesReport, url: str, *, default_window: bool, add_unknown: bool) -> None:
    import pandas as pd

    from kamgraph.ingest.messages import DEFAULT_WINDOW_DAYS, UNKNOWN_LISTED

    rows = dict(report.rows)
    if rows:
        output(pd.DataFrame({"entity": list(rows), "rows": list(rows.values())}), "table",
               title=_("would import (dry run)") if report.dry_run else _("imported"))
    s, e = report.window
    if s is not None or e is not None:
        span = {"start": fmt_day(s) if s is not None else "...", "end": fmt_day(e) if e is not None else "..."}
        if default_window:
            echo(_("window: {start} to {end} (default: the {days} days up to today; --from/--to to change it)").format(
                days=DEFAULT_WINDOW_DAYS, **span))
        else:
            echo(_("window: {start} to {end}").format(**span))
    echo(ngettext("{n} interaction from {source}", "{n} interactions from {source}", report.interactions).format(
        n=report.interactions, source=report.source))
    if report.skipped:
        echo(_("skipped:"))
        for line in report.skipped:
            echo(f"  {line}")
    unknown = report.unknown
    if len(unknown):
        n, added = len(unknown), rows.get("people", 0)
        if not add_unknown:
            title = ngettext("{n} unknown address (matching nobody)", "{n} unknown addresses (matching nobody)", n)
        elif report.dry_run:
            title = ngettext("{n} unknown address ({added} would be added as external people)",
                             "{n} unknown addresses ({added} would be added as external people)", n)
        else:
            title = ngettext("{n} unknown address ({added} added as external people)",
                             "{n} unknown addresses ({added} added as external people)", n)
        output(unknown.head(UNKNOWN_LISTED), "table", title=title.format(n=n, added=added))
        more = len(unknown) - UNKNOWN_LISTED
        if not add_unknown:
            echo(_("{n} more; --add-unknown adds them as external people").format(n=more) if more > 0
                 else _("--add-unknown adds them as external people"))
        elif more > 0:
            echo(_("{n} more").format(n=more))
    for w in report.warnings:
        echo(_("warning: {warning}").format(warning=w), err=True)
    if report.dry_run:
        echo(ngettext("dry run: {n} row checked, nothing written", "dry run: {n} rows checked, nothing written",
                      report.total).format(n=report.total))
    elif report.total == 0:
        what = {"url": url, "version": report.data_version, "n": report.interactions}
        if report.interactions:
            echo(ngettext("nothing changed: the {n} interaction is already in {url}; data version {version}",
                          "nothing changed: the {n} interactions are already in {url}; data version {version}",
                          report.interactions).format(**what))
        else:
            echo(_("nothing changed: no interaction to write to {url}; data version {version}").format(**what))
    else:
        echo(ngettext("{n} row written to {url}; data version {version}",
                      "{n} rows written to {url}; data version {version}", report.total).format(
            n=report.total, url=url, version=report.data_version))
