"""The ``kamgraph`` command.

Every verb works on the configuration :func:`kamgraph.config.resolve_config` builds from
``--store`` / ``--settings`` / ``--as-of`` and ``KAMGRAPH_STORE`` / ``KAMGRAPH_CONFIG`` /
``KAMGRAPH_AS_OF`` (the app resolves the same environment the same way). A
:class:`~kamgraph.errors.KamgraphError` prints one line and exits with status 1; bad usage
exits with 2.

An :class:`OSError` (a folder that cannot be created, a file that cannot be read or written)
is the environment, not a bug: it prints one line naming the path and the system's reason,
and exits with status 1.

Verbs live in submodules by topic (``manage``, ``analysis``, ``network``, ``reports``,
``stores``, ``synthetic``), each registering its commands on :data:`main` and sharing what is
here: :func:`pass_config`, :func:`open_store` (a store that closes), :data:`ACCOUNT_OPTION`,
:data:`FORMAT_OPTION`, :func:`output`, the one way a verb prints a result, and :func:`echo`,
the one way a verb prints a line that may hold user data.

**User text on a terminal** (convention 16): names, titles and notes come from imported
files and may hold terminal escape sequences (clear screen, window title, OSC 8 links, BEL,
8-bit C1 controls). Nothing from the data reaches the terminal raw: :func:`terminal_text`
removes control characters in table cells, titles, echoed lines and error messages; CSV
goes through :func:`kamgraph.report.spreadsheet.csv_text` (formula-neutralized, controls
removed), and JSON keeps every value intact (it is for machines) with control characters as
``\\u`` escapes, which a JSON reader turns back into the same value.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import sys
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import click
import pandas as pd

from kamgraph.config import Config, resolve_config
from kamgraph.errors import KamgraphError
from kamgraph.i18n import ENV_LANG, resolve_language, set_process_language


@dataclass
class GlobalFlags:
    """The global flags as given; resolved into a :class:`Config` once, on first use."""

    store: str | None
    settings: str | None
    as_of: str | None
    config: Config | None = None

    def resolve(self) -> Config:
        if self.config is None:
            self.config = resolve_config(self.store, self.settings, self.as_of)
        return self.config


class KamgraphGroup(click.Group):
    """Shows KamgraphError, and an OSError with its path, as one clear line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KamgraphError as e:
            echo(f"Error: {e}", err=True)
            sys.exit(1)
        except OSError as e:
            if e.errno == errno.EPIPE:
                raise  # a closed pipe (| head): click exits quietly
            echo(f"Error: {os_error_text(e)}", err=True)
            sys.exit(1)


def os_error_text(e: OSError) -> str:
    """``path: reason`` for an OSError, e.g. ``/proc/x: No such file or directory``.

    >>> os_error_text(PermissionError(13, "Permission denied", "/srv/out"))
    '/srv/out: Permission denied'
    """
    reason = e.strerror or str(e) or type(e).__name__
    paths = [str(p) for p in (e.filename, e.filename2) if p is not None]
    return f"{' -> '.join(paths)}: {reason}" if paths else reason


#: characters that never reach a terminal from the data: C0 controls (ESC starts every
#: escape sequence, BEL, backspace, carriage return...), DEL, the C1 range (``\x9b`` is an
#: 8-bit CSI) and the bidirectional overrides and isolates (they reorder what is shown)
_TERMINAL_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str, *, lines: bool = False) -> str:
    r"""``text`` safe to print: tabs and line breaks become spaces (kept with ``lines=True``),
    every other control character is removed, the printable rest is kept.

    >>> terminal_text("a\x1b[2Jb\nc\x07")
    'a[2Jb c'
    """
    text = str(text)
    if lines:
        return _LINE_CONTROL.sub("", text.replace("\r\n", "\n"))
    return _TERMINAL_CONTROL.sub("", re.sub(r"[\t\n\r]", " ", text))


def echo(message: Any = "", *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` for lines that may hold user data: control characters removed, line
    breaks and tabs kept."""
    click.echo(terminal_text(str(message), lines=True), err=err, nl=nl)


_JSON_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(text: str) -> str:
    r"""JSON text with every control character a ``\uXXXX`` escape: the same values for a
    JSON reader, nothing a terminal acts on. (Outside strings JSON holds only ASCII
    punctuation, digits, letters and the line breaks of its indentation, which stay.)

    >>> json_text('["a\x9b"]')
    '["a\\u009b"]'
    """
    return _JSON_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# The environment variables are named in the help only: kamgraph.config reads them.
@click.group(cls=KamgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_url", default=None, metavar="URL",
              help="Store URL: sqlite:///path.db (default sqlite:///./kamgraph.db), neo4j://host:7687 "
                   "or bolt://host:7687 (credentials from KAMGRAPH_NEO4J_USER/PASSWORD/DATABASE). "
                   "Env: KAMGRAPH_STORE.")
@click.option("--settings", "settings_path", default=None, metavar="FILE",
              help="Settings file (default ./kamgraph.toml if present). Env: KAMGRAPH_CONFIG.")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="Analysis date (default: the settings' as_of, else today). Env: KAMGRAPH_AS_OF.")
@click.option("--lang", "lang", default=None, metavar="LANG",
              help="Language of tables, messages and reports: en or zh_CN (default: the settings' "
                   "language, else English). Env: KAMGRAPH_LANG.")
@click.version_option(package_name="kamgraph")
@click.pass_context
def main(ctx: click.Context, store_url: str | None, settings_path: str | None, as_of: str | None,
         lang: str | None) -> None:
    """kamgraph: who knows whom around your key accounts, and where you are exposed."""
    ctx.obj = GlobalFlags(store_url, settings_path, as_of)
    set_process_language(_language(ctx.obj, lang))


def _language(flags: GlobalFlags, lang: str | None) -> str:
    """``--lang``, else ``$KAMGRAPH_LANG``, else the settings' ``language`` (a settings file that
    cannot be read is the verb's error to report, not this one's), else English."""
    settings_language = None
    if not lang and not os.environ.get(ENV_LANG):
        try:
            settings_language = flags.resolve().file_settings.language
        except KamgraphError:
            settings_language = None
    return resolve_language(lang, settings_language)


def pass_config(fn: Callable) -> Callable:
    """Pass the run's :class:`~kamgraph.config.Config` as the verb's first argument."""

    @click.pass_context
    def wrapper(ctx: click.Context, *args, **kwargs):
        return ctx.invoke(fn, ctx.find_object(GlobalFlags).resolve(), *args, **kwargs)

    return functools.update_wrapper(wrapper, fn)


def open_store(config: Config | str, **options):
    """The store of ``config`` (or a URL), opened; use it in a ``with`` block so it closes."""
    from kamgraph.store import open_store as _open

    return _open(config if isinstance(config, str) else config.store_url, **options)


def _accounts(ctx: click.Context, param: click.Parameter, value: Sequence[str]) -> list[str] | None:
    return sorted(set(value)) or None


def account_option(help: str = "Only this account (repeatable). Default: every account.") -> Callable:
    """``--account ID`` (repeatable), passed as ``accounts``: sorted ids, or None for every account."""
    return click.option("--account", "accounts", multiple=True, metavar="ID", callback=_accounts, help=help)


ACCOUNT_OPTION = account_option()

FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
                             show_default=True, help="table for people, csv or json for pipes.")


def output(data: Any, fmt: str = "table", *, title: str | None = None, columns: Sequence[str] | None = None,
           max_rows: int = 200) -> None:
    """Print a verb's result: the one way every verb writes to standard output.

    A frame prints as a table for people (only ``columns``, those that exist, when given;
    at most ``max_rows`` rows; control characters removed from every cell) and with every
    column as CSV or JSON records for pipes. CSV is written by
    :func:`kamgraph.report.spreadsheet.csv_text`, as every CSV file kamgraph writes: text
    starting with ``= + - @`` gets a leading ``'`` so a spreadsheet opens it as text, floats
    in full. JSON is for machines: values exactly as stored (a formula-like name stays as it
    is), control characters as ``\\u`` escapes. Text prints with control characters removed
    (line breaks kept); anything else as JSON.
    """
    if isinstance(data, str):
        echo(data, nl=False)
    elif not isinstance(data, pd.DataFrame):
        click.echo(json_text(json.dumps(data, ensure_ascii=False, indent=2, default=str)))
    elif fmt == "csv":
        from kamgraph.report.spreadsheet import csv_text

        click.echo(csv_text(data, decimals=None, lineterminator="\n"), nl=False)
    elif fmt == "json":
        click.echo(json_text(data.to_json(orient="records", date_format="iso", force_ascii=False, indent=2)))
    else:
        if columns is not None:
            data = data[[c for c in columns if c in data.columns]]
        _table(data, title, max_rows)


def _table(df: pd.DataFrame, title: str | None, max_rows: int) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Text(): never interpret markup in data (titles name people too); terminal_text(): no escapes
    table = Table(title=Text(terminal_text(title)) if title is not None else None, show_lines=False)
    for col in df.columns:
        table.add_column(Text(terminal_text(str(col))), overflow="fold")
    for row in df.head(max_rows).itertuples(index=False):
        table.add_row(*(Text(terminal_text(_cell(v))) for v in row))
    Console().print(table)
    if len(df) > max_rows:
        click.echo(f"... {len(df) - max_rows} more rows (use --format csv for all)")


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


# register verbs (import for side effects)
from kamgraph.cli import analysis as _analysis  # noqa: E402,F401
from kamgraph.cli import audit as _audit  # noqa: E402,F401
from kamgraph.cli import edit as _edit  # noqa: E402,F401
from kamgraph.cli import manage as _manage  # noqa: E402,F401
from kamgraph.cli import network as _network  # noqa: E402,F401
from kamgraph.cli import reports as _reports  # noqa: E402,F401
from kamgraph.cli import sources as _sources  # noqa: E402,F401
from kamgraph.cli import stores as _stores  # noqa: E402,F401
from kamgraph.cli import synthetic as _synthetic  # noqa: E402,F401
from kamgraph.cli import users as _users  # noqa: E402,F401
from kamgraph.cli import visits as _visits  # noqa: E402,F401
