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
from typing import Any, Callable, Mapping, Sequence

import click
import numpy as np
import pandas as pd

from kamgraph.allocator import tune as tune_allocator
from kamgraph.config import Config, resolve_config
from kamgraph.errors import KamgraphError
from kamgraph.i18n import (
    ENV_LANG,
    N_,
    NP_,
    _,
    current_language,
    fmt_day,
    ngettext,
    pgettext,
    resolve_language,
    set_process_language,
    use_language,
)
from kamgraph.i18n.terms import TERMS


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


def _english_help(format_help: Callable) -> Callable:
    """``--help`` stays English in every language: the help texts are written when the module
    is imported, before a language is chosen, and are not in the catalogue; click's headings
    (Usage, Options, Commands) stay English beside them."""

    @functools.wraps(format_help)
    def wrapper(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with use_language("en"):
            format_help(self, ctx, formatter)

    return wrapper


class KamgraphCommand(click.Command):
    """A verb: its ``--help`` in English (see :func:`_english_help`)."""

    format_help = _english_help(click.Command.format_help)


class KamgraphGroup(click.Group):
    """Shows KamgraphError, and an OSError with its path, as one clear line instead of a traceback.

    Its verbs are :class:`KamgraphCommand` and its sub-groups ``KamgraphGroup``: ``--help`` in
    English, usage errors and messages in the language of the run."""

    command_class = KamgraphCommand

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command; a run inside another program (a test's CliRunner, a notebook) leaves
        the process language as it found it, usage errors printed in the run's language first."""
        before = current_language()
        try:
            return super().main(*args, **kwargs)
        finally:
            set_process_language(before)
    group_class = type
    format_help = _english_help(click.Group.format_help)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KamgraphError as e:
            echo(error_line(e), err=True)
            sys.exit(1)
        except OSError as e:
            if e.errno == errno.EPIPE:
                raise  # a closed pipe (| head): click exits quietly
            echo(error_line(os_error_text(e)), err=True)
            sys.exit(1)


def error_line(message: Any) -> str:
    """``Error: message`` in the current language (``错误：message``)."""
    return _("Error: {message}").format(message=message)


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


#: click's own messages a person meets (usage errors, prompts), marked for the
#: catalogue with click's exact English: :func:`_route_click_messages` makes click look its
#: messages up in kamgraph's catalogue, so a usage error reads in the language of the run
CLICK_MESSAGES: tuple[str, ...] = (
    N_("Usage:"), N_("Try '{command} {option}' for help."), N_("Aborted!"), N_("Missing argument"),
    N_("Missing option"), N_("Missing parameter"), N_("Missing {param_type}"), N_("Missing parameter: {param_name}"),
    N_("Missing command."), N_("Invalid value for {param_hint}: {message}"), N_("Invalid value: {message}"),
    N_("No such option {name!r}."), N_("No such command {name!r}."), N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("Repeat for confirmation"), N_("Error: The two entered values do not match."), N_("Error: invalid input"),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is a file."), N_("{name} {filename!r} is not writable."),
    N_("{name} {filename!r} is not readable."), N_("file"), N_("directory"), N_("path"),
)


def _click_plurals(n: int) -> tuple[str, ...]:
    """Click's plural messages, marked for the catalogue (never called: click asks for them)."""
    return (
        ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", n),
        ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", n),
        ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", n),
        ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", n),
        ngettext("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}.", n),
    )


def _route_click_messages() -> None:
    """Click translates its messages with the standard library's ``gettext``; point those
    look-ups at kamgraph's catalogue (English: the message as click wrote it)."""
    import importlib

    for name in ("core", "exceptions", "formatting", "parser", "types", "termui", "decorators"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


_route_click_messages()


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
    tune_allocator()  # large arrays stay in the heap (kamgraph/allocator.py)
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

#: every column a verb prints as a table, marked for the catalogue (context "column"): the
#: header a person reads; CSV and JSON keep the names (English: the name itself)
COLUMN_HEADERS: tuple[str, ...] = (
    NP_("column", "account_id"), NP_("column", "account_name"), NP_("column", "tier"), NP_("column", "kind"),
    NP_("column", "rule"), NP_("column", "severity"), NP_("column", "priority"), NP_("column", "target_id"),
    NP_("column", "target_name"), NP_("column", "evidence"), NP_("column", "action"), NP_("column", "actor_id"),
    NP_("column", "actor_name"), NP_("column", "path"), NP_("column", "contacts"), NP_("column", "covered"),
    NP_("column", "peer_covered"), NP_("column", "never_interacted"), NP_("column", "buying_center"),
    NP_("column", "buying_center_covered"), NP_("column", "coverage_score"), NP_("column", "role_decision_maker"),
    NP_("column", "role_approver"), NP_("column", "role_technical_evaluator"), NP_("column", "role_user"),
    NP_("column", "role_influencer"), NP_("column", "role_procurement"), NP_("column", "role_coach"),
    NP_("column", "threads"), NP_("column", "ar"), NP_("column", "sr"), NP_("column", "fr"),
    NP_("column", "executive_sponsor"), NP_("column", "iron_triangle_complete"), NP_("column", "missing_team_roles"),
    NP_("column", "contact_id"), NP_("column", "name"), NP_("column", "title"), NP_("column", "level"),
    NP_("column", "decision_role"), NP_("column", "attitude"), NP_("column", "influence"),
    NP_("column", "best_strength"), NP_("column", "best_internal_id"), NP_("column", "best_internal_name"),
    NP_("column", "best_internal_level"), NP_("column", "last_interaction"), NP_("column", "opportunity_id"),
    NP_("column", "opportunity_name"), NP_("column", "status"), NP_("column", "stage"), NP_("column", "amount"),
    NP_("column", "close_date"), NP_("column", "roles_source"), NP_("column", "person_id"),
    NP_("column", "person_name"), NP_("column", "other_id"), NP_("column", "other_name"), NP_("column", "accounts"),
    NP_("column", "strength_now"), NP_("column", "window_start"), NP_("column", "strength_start"),
    NP_("column", "slope"), NP_("column", "label"), NP_("column", "n_interactions"), NP_("column", "contact_days"),
    NP_("column", "first_interaction"), NP_("column", "days_since_last"), NP_("column", "usual_gap_days"),
    NP_("column", "quiet_limit_days"), NP_("column", "date"), NP_("column", "before"), NP_("column", "after"),
    NP_("column", "strength_before"), NP_("column", "strength_after"), NP_("column", "delta"),
    NP_("column", "assessed_by"), NP_("column", "description"), NP_("column", "coverage_score_before"),
    NP_("column", "coverage_score_after"), NP_("column", "contacts_before"), NP_("column", "contacts_after"),
    NP_("column", "covered_before"), NP_("column", "covered_after"), NP_("column", "peer_covered_before"),
    NP_("column", "peer_covered_after"), NP_("column", "threads_before"), NP_("column", "threads_after"),
    NP_("column", "buying_center_covered_before"), NP_("column", "buying_center_covered_after"),
    NP_("column", "missing_team_roles_after"), NP_("column", "changed"), NP_("column", "best_direct"),
    NP_("column", "rank"), NP_("column", "score"), NP_("column", "internal_id"), NP_("column", "via_id"),
    NP_("column", "via_kind"), NP_("column", "first_strength"), NP_("column", "second_strength"),
    NP_("column", "factor"), NP_("column", "explanation"), NP_("column", "internal_level"),
    NP_("column", "strength_why"), NP_("column", "power"), NP_("column", "interaction_power"),
    NP_("column", "pagerank"), NP_("column", "informal_pagerank"), NP_("column", "informal_rank"),
    NP_("column", "formal_rank"), NP_("column", "reports"), NP_("column", "rank_gap"),
    NP_("column", "hidden_influencer"), NP_("column", "betweenness"), NP_("column", "broker"),
    NP_("column", "value_score"), NP_("column", "computed_tier"), NP_("column", "declared_tier"),
    NP_("column", "problem"), NP_("column", "problem_reasons"), NP_("column", "revenue"),
    NP_("column", "pct_revenue"), NP_("column", "pct_gross_margin"), NP_("column", "pct_collection_rate"),
    NP_("column", "pct_on_time_payment"), NP_("column", "pct_growth"), NP_("column", "pct_industry_influence"),
    NP_("column", "pct_strategic_fit"), NP_("column", "cum_account_share"), NP_("column", "cum_revenue_share"),
    NP_("column", "executive_level"), NP_("column", "min_exec_tie"), NP_("column", "exec_tie_roles"),
    NP_("column", "exec_tie_contact_max_level"), NP_("column", "min_exec_visits_per_quarter"),
    NP_("column", "iron_triangle"), NP_("column", "tier_weight"), NP_("column", "seq"), NP_("column", "at"),
    NP_("column", "at (UTC)"), NP_("column", "actor"), NP_("column", "source"), NP_("column", "entity"),
    NP_("column", "key"), NP_("column", "change"), NP_("column", "what"), NP_("column", "value"),
    NP_("column", "rows"), NP_("column", "file"), NP_("column", "user"), NP_("column", "role"),
    NP_("column", "column"), NP_("column", "text"), NP_("column", "address"), NP_("column", "count"),
    NP_("column", "target"), NP_("column", "match"), NP_("column", "assessed_on"), NP_("column", "city"),
    NP_("column", "collection_rate"), NP_("column", "country"), NP_("column", "email"), NP_("column", "gross_margin"),
    NP_("column", "growth"), NP_("column", "id"), NP_("column", "industry"), NP_("column", "industry_influence"),
    NP_("column", "interaction_id"), NP_("column", "manager_id"), NP_("column", "notes"),
    NP_("column", "on_time_payment"), NP_("column", "org_id"), NP_("column", "owner_id"), NP_("column", "phone"),
    NP_("column", "region"), NP_("column", "side"), NP_("column", "since"), NP_("column", "source_id"),
    NP_("column", "strategic_fit"), NP_("column", "strength"), NP_("column", "subject"), NP_("column", "team_role"),
    NP_("column", "until"), NP_("column", "weight"),
)

#: the store's entities (a table's ``entity`` cells) as words (context "entity")
ENTITY_WORDS: dict[str, str] = TERMS["entity"]

#: codes the CLI shows that :mod:`kamgraph.i18n.terms` does not list: kind -> code -> English word
CLI_TERMS: dict[str, dict[str, str]] = {
    "path_kind": {"direct": NP_("path_kind", "direct"), "person": NP_("path_kind", "through a person"),
                  "organization": NP_("path_kind", "through an organization")},
    "change_kind": {"relationship": NP_("change_kind", "relationship"), "attitude": NP_("change_kind", "attitude"),
                    "decision_role": NP_("change_kind", "decision role"),
                    "influence": NP_("change_kind", "influence")},
    "audit_action": {"insert": NP_("audit_action", "insert"), "update": NP_("audit_action", "update"),
                     "delete": NP_("audit_action", "delete")},
    "user_role": {"viewer": NP_("user_role", "viewer"), "editor": NP_("user_role", "editor"),
                  "admin": NP_("user_role", "admin")},
    "config_item": {"store": NP_("config_item", "store"), "settings": NP_("config_item", "settings"),
                    "as_of": NP_("config_item", "as_of"), "as_of_from": NP_("config_item", "as_of_from")},
    "as_of_source": {"override": NP_("as_of_source", "override"), "settings": NP_("as_of_source", "settings"),
                     "today": NP_("as_of_source", "today")},
    "opportunity_status": {"open": NP_("opportunity_status", "open"), "won": NP_("opportunity_status", "won"),
                           "lost": NP_("opportunity_status", "lost")},
    "roles_source": {"opportunity": NP_("roles_source", "opportunity"), "account": NP_("roles_source", "account")},
}

#: columns holding codes, shown in words in tables (:func:`kamgraph.i18n.terms.term`): column ->
#: kind; a kind ending in ``[]`` is a comma-separated list of codes (``ar,sr``)
CODE_COLUMNS: dict[str, str] = {
    "tier": "tier", "computed_tier": "tier", "declared_tier": "tier", "decision_role": "role",
    "attitude": "attitude", "label": "trend", "side": "side", "team_role": "team_role", "entity": "entity",
    "missing_team_roles": "team_role[]", "missing_team_roles_after": "team_role[]", "exec_tie_roles": "role[]",
    "iron_triangle": "team_role[]", "roles_source": "roles_source",
}


def header(column: Any) -> str:
    """A column's header in the current language (English: its name, as CSV and JSON keep it)."""
    return pgettext("column", str(column))


def code_word(kind: str, value: Any) -> str:
    """``value`` (a code of ``kind``, see :data:`CODE_COLUMNS`) as a word in the current language."""
    from kamgraph.i18n.terms import term

    if isinstance(value, (list, tuple, np.ndarray)):
        value = ",".join(map(str, value))
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if kind.endswith("[]"):
        codes = [c.strip() for c in str(value).split(",") if c.strip()]
        return pgettext("list separator", ", ").join(code_word(kind[:-2], c) for c in codes)
    if kind == "entity":
        word = ENTITY_WORDS.get(str(value))
        return pgettext("entity", word) if word else str(value)
    if kind in CLI_TERMS:
        word = CLI_TERMS[kind].get(str(value))
        return pgettext(kind, word) if word else str(value)
    return term(kind, value, missing="")


def output(data: Any, fmt: str = "table", *, title: str | None = None, columns: Sequence[str] | None = None,
           max_rows: int = 200, codes: Mapping[str, str] | None = None,
           headers: Mapping[str, str] | None = None) -> None:
    """Print a verb's result: the one way every verb writes to standard output.

    A frame prints as a table for people (only ``columns``, those that exist, when given;
    at most ``max_rows`` rows; control characters removed from every cell) and with every
    column as CSV or JSON records for pipes. CSV is written by
    :func:`kamgraph.report.spreadsheet.csv_text`, as every CSV file kamgraph writes: text
    starting with ``= + - @`` gets a leading ``'`` so a spreadsheet opens it as text, floats
    in full. JSON is for machines: values exactly as stored (a formula-like name stays as it
    is), control characters as ``\\u`` escapes. Text prints with control characters removed
    (line breaks kept); anything else as JSON.

    Only the table speaks the reader's language (``--lang``): headers through :func:`header`
    (``headers`` overrides some, already translated), codes in the columns of
    :data:`CODE_COLUMNS` and ``codes`` (column -> kind) in words, yes/no for true/false,
    dates per language. CSV and JSON keep their column names and values.
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
        _table(data, title, max_rows, {**CODE_COLUMNS, **(codes or {})}, headers or {})


def _table(df: pd.DataFrame, title: str | None, max_rows: int, codes: Mapping[str, str],
           headers: Mapping[str, str]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Text(): never interpret markup in data (titles name people too); terminal_text(): no escapes
    table = Table(title=Text(terminal_text(title)) if title is not None else None, show_lines=False)
    for col in df.columns:
        table.add_column(Text(terminal_text(headers.get(col) or header(col))), overflow="fold")
    kinds = [codes.get(col) if isinstance(col, str) else None for col in df.columns]
    for row in df.head(max_rows).itertuples(index=False):
        table.add_row(*(Text(terminal_text(code_word(k, v) if k else _cell(v))) for k, v in zip(kinds, row)))
    Console().print(table)
    if len(df) > max_rows:
        n = len(df) - max_rows
        click.echo(ngettext("... {n} more row (use --format csv for all)",
                            "... {n} more rows (use --format csv for all)", n).format(n=n))


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, pd.Timestamp):
        return fmt_day(v)
    if isinstance(v, (bool, np.bool_)):
        return pgettext("cell", "True") if v else pgettext("cell", "False")
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
