"""Data verbs: init, import, validate, export-person, erase-person, stats, demo."""

from __future__ import annotations

import getpass
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import click

from kamgraph.cli import (
    FORMAT_OPTION,
    GlobalFlags,
    code_word,
    echo,
    main,
    open_store,
    output,
    pass_config,
    terminal_text,
)
from kamgraph.config import ENV_NAMES, Config, resolve_config
from kamgraph.errors import ConfigError, ImportValidationError, KamgraphError
from kamgraph.i18n import ENV_LANG, _, current_language, fmt_day, ngettext
from kamgraph.ingest.spec import format_spec_text
from kamgraph.names import display_name
from kamgraph.report.persisted import forget as forget_persisted

#: Where ``kamgraph demo`` loads into unless ``--store`` is given on the command line.
DEMO_STORE_URL = "sqlite:///./kamgraph-demo.db"

MAPPING_OPTION = click.option(
    "--mapping", metavar="salesforce|northwind|FILE.toml", default=None,
    help="Read a CRM export instead of the native format: a built-in mapping name or a TOML "
         "column-mapping file (docs/crm-mappings.md).")


PROBLEMS_OPTION = click.option(
    "--problems", "problems_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
    metavar="FILE.csv",
    help="Write every problem and warning (severity, file, row, column, value, message; one line per row "
         "concerned) to this CSV file, whether or not the import fails. The console shows the first "
         "200.")

#: problems (and warnings) the console lists before it points at the rest
CONSOLE_PROBLEMS = 200


def project_root() -> Path:
    """The folder holding ``data/sample`` and ``app.py`` (the source checkout)."""
    import kamgraph

    return Path(kamgraph.__file__).resolve().parents[1]


def _mapping(name: str | None):
    if name is None:
        return None
    from kamgraph.ingest.mappings import load_mapping

    return load_mapping(name)


def _more_text(n: int, problems_path: Path | None) -> str:
    """``... and N more: all of them in FILE`` (or how to get them)."""
    if problems_path is not None:
        return _("... and {n} more: all of them in {path}").format(n=n, path=problems_path)
    return _("... and {n} more: use --problems FILE to get all of them").format(n=n)


def _echo_warnings(warnings, problems_path: Path | None = None) -> None:
    warnings = list(warnings)
    for w in warnings[:CONSOLE_PROBLEMS]:
        echo(_("warning: {warning}").format(warning=w), err=True)
    if len(warnings) > CONSOLE_PROBLEMS:
        echo(_("warning: {warning}").format(warning=_more_text(len(warnings) - CONSOLE_PROBLEMS, problems_path)),
             err=True)


def _write_problems(problems_path: Path | None, problems=(), warnings=()) -> None:
    """The full problem list as CSV through the one formula-neutralizing writer."""
    if problems_path is None:
        return
    from kamgraph.ingest.notices import problem_table
    from kamgraph.report.spreadsheet import write_csv

    table = problem_table(problems, warnings)
    write_csv(table, problems_path)
    echo(ngettext("{n} problem and warning line written to {path}", "{n} problem and warning lines written to {path}",
                  len(table)).format(n=len(table), path=problems_path), err=True)


def _rejected(e: ImportValidationError, problems_path: Path | None) -> ImportValidationError:
    """``e`` with its problems written to ``problems_path`` and a console message that shows
    the first :data:`CONSOLE_PROBLEMS` and says where the rest are."""
    _write_problems(problems_path, e.problems, getattr(e, "warnings", ()))
    n = len(e.problems)
    lines = [ngettext("import rejected, nothing was written: {n} problem",
                      "import rejected, nothing was written: {n} problems", n).format(n=n)]
    lines += [f"  - {p}" for p in e.problems[:CONSOLE_PROBLEMS]]
    if n > CONSOLE_PROBLEMS:
        lines.append("  " + _more_text(n - CONSOLE_PROBLEMS, problems_path))
    elif problems_path is not None:
        lines.append("  " + _("(all of them in {path})").format(path=problems_path))
    out = ImportValidationError(e.problems)
    out.args = ("\n".join(lines),)
    return out


def _rows_table(rows: dict[str, int], title: str) -> None:
    import pandas as pd

    output(pd.DataFrame({"entity": list(rows), "rows": list(rows.values())}), "table", title=title)


class _ProgressBar:
    """A rich progress bar on stderr fed by ``store.write``'s progress callback."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(stderr=True), transient=False)
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> _ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def __call__(self, entity: str, done: int, total: int) -> None:
        if entity not in self.tasks:
            self.tasks[entity] = self.progress.add_task(code_word("entity", entity), total=total)
        self.progress.update(self.tasks[entity], completed=done)


def os_user() -> str | None:
    """Who the CLI's writes are recorded as (the store's write log): the OS user, or None
    where there is none (a container without a passwd entry)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):  # no user name to be found (a container without a passwd entry)
        return None


def _store_exists(config: Config) -> bool:
    """False for a SQLite file not created yet (``validate`` must not create one)."""
    url = config.store_url
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        return path == ":memory:" or Path(path).expanduser().exists()
    return True


@main.command()
@pass_config
def init(config: Config) -> None:
    """Create the store's tables or constraints (safe to run again)."""
    with open_store(config) as store:
        store.init()
    echo(_("initialized {url}").format(url=store.url))


@main.command("import", epilog=format_spec_text())
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@MAPPING_OPTION
@PROBLEMS_OPTION
@click.option("--dry-run", is_flag=True, help="Validate and show what would be written; write nothing.")
@click.option("--history-from", "history_from", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The first day this data covers (YYYY-MM-DD), when it starts before its first interaction: "
                   "trends never read the start of the data as relationships warming up.")
@pass_config
def import_cmd(config: Config, path: Path, mapping: str | None, dry_run: bool, history_from=None,
               problems_path: Path | None = None) -> None:
    """Import PATH: a folder of <entity>.csv files, one .xlsx workbook, or one CSV file.

    Everything is validated first; on any problem every problem is listed (file, row,
    column, value), nothing is written and the exit status is 1. Re-importing the same
    files changes nothing. Assessments without a date are dated with the analysis date.
    The console lists the first 200 problems; --problems FILE.csv writes all of them, and
    every warning row by row (near-duplicate spellings, rows a mapping skipped), whether or
    not the import fails.
    """
    from kamgraph.ingest import import_path

    try:
        with open_store(config) as store:
            if dry_run:
                report = import_path(path, store, mapping=_mapping(mapping), dry_run=True, today=config.as_of,
                                     limits=config.settings.limits)
            else:
                with _ProgressBar() as bar:
                    report = import_path(path, store, mapping=_mapping(mapping), progress=bar, today=config.as_of,
                                         limits=config.settings.limits,
                                         history_from=history_from, actor=os_user())
    except ImportValidationError as e:
        raise _rejected(e, problems_path) from None
    _rows_table(dict(report.rows), _("would import (dry run)") if report.dry_run else _("imported"))
    _echo_warnings(report.warnings, problems_path)
    _write_problems(problems_path, (), report.warnings)
    # another change makes ``rows`` the rows actually written and adds ``unchanged``
    unchanged = getattr(report, "unchanged", None) or {}
    if report.dry_run:
        echo(ngettext("dry run: {n} row checked, nothing written", "dry run: {n} rows checked, nothing written",
                      report.total).format(n=report.total))
    elif report.total == 0 and unchanged:
        n = sum(unchanged.values())
        echo(ngettext("nothing changed: the {n} row is already in {url}; data version {version}",
                      "nothing changed: all {n} rows are already in {url}; data version {version}", n).format(
            n=n, url=store.url, version=report.data_version))
    else:
        echo(ngettext("{n} row written to {url}; data version {version}",
                      "{n} rows written to {url}; data version {version}", report.total).format(
            n=report.total, url=store.url, version=report.data_version))
    if not report.dry_run and report.history_from is not None:
        echo(_("history from {day}").format(day=fmt_day(report.history_from)))


@main.command("validate", epilog=format_spec_text())
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@MAPPING_OPTION
@PROBLEMS_OPTION
@pass_config
def validate_cmd(config: Config, path: Path, mapping: str | None, problems_path: Path | None = None) -> None:
    """Check PATH as `import` would, without writing anything.

    References to ids already in the store count as known (when the store exists).
    Exit status 1 with the full problem list when the data would be rejected.
    """
    from kamgraph.ingest import validate
    from kamgraph.ingest.pipeline import read_source

    m = _mapping(mapping)
    try:
        raw = read_source(path, m, config.settings.limits)
        if _store_exists(config):
            with open_store(config) as store:
                checked = validate(raw, store, today=config.as_of)
        else:
            checked = validate(raw, None, today=config.as_of)
    except ImportValidationError as e:
        raise _rejected(e, problems_path) from None
    _rows_table(checked.rows, _("valid: {path}").format(path=path))
    _echo_warnings(checked.warnings, problems_path)
    _write_problems(problems_path, (), checked.warnings)
    n = sum(checked.rows.values())
    echo(ngettext("OK: {n} row would be imported", "OK: {n} rows would be imported", n).format(n=n))


@main.command("export-person")
@click.argument("person_id")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the JSON to this file (UTF-8) instead of standard output.")
@pass_config
def export_person(config: Config, person_id: str, out: Path | None) -> None:
    """Everything stored about one person, as JSON (for a data-subject access request)."""
    with open_store(config) as store:
        data = store.export_person(person_id)
    if out is None:
        output(data)
        return
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    echo(_("wrote {path}").format(path=out), err=True)


@main.command("erase-person")
@click.argument("person_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--redact-notes", is_flag=True,
              help="Also replace the person's name by [erased] in the notes and subjects that are kept "
                   "(interactions someone else attended, other people's notes, ties).")
@pass_config
def erase_person(config: Config, person_id: str, yes: bool, redact_notes: bool) -> None:
    """Hard-delete one person, their relationships and attendance (cannot be undone).

    Interactions left without any attendee are deleted too. Free-text fields that are kept
    but still mention the person's name (an interaction's subject or notes, someone else's
    notes) are listed; --redact-notes replaces the name in them. On SQLite the write-ahead
    log is checkpointed afterwards; when another program reading the store prevents that,
    the command says so and exits with status 1.
    """
    import pandas as pd

    from kamgraph.errors import NotFound

    actor = os_user()
    with open_store(config) as store:
        found = store.read("people", "id", [person_id])
        if found.empty:
            raise NotFound(_("no person with id {id}").format(id=repr(person_id)))
        name = str(found["name"].iloc[0])
        if not yes:
            click.confirm(_("Erase {name} ({id}) and everything stored about them from {url}? "
                            "This cannot be undone").format(name=terminal_text(display_name(name)), id=person_id, url=store.url),
                          abort=True)
        redacted = store.redact_mentions(name, actor=actor) if redact_notes else 0
        deleted = store.erase_person(person_id, actor=actor)
        forget_persisted(store.url)  # analyses persisted for the app hold the name too
        kept = store.mentions(name)
    echo(_("erased {id}:").format(id=person_id) if not deleted.wal_pending else
         _("erased {id} from the tables, NOT yet from the disk:").format(id=person_id))
    for entity, n in deleted.items():
        echo("  " + ngettext("{entity}: {n} row deleted", "{entity}: {n} rows deleted", n).format(
            entity=code_word("entity", entity), n=n))
    if redacted:
        echo("  " + ngettext("name replaced by [erased] in {n} free-text field",
                             "name replaced by [erased] in {n} free-text fields", redacted).format(n=redacted))
    if len(kept):
        echo(ngettext("{n} free-text field kept still mentions the name (replace it with: {command}):",
                      "{n} free-text fields kept still mention the name (replace it with: {command}):",
                      len(kept)).format(n=len(kept), command=f"kamgraph redact-name {shlex.quote(name)}"), err=True)
        output(pd.DataFrame(kept), "table")
    if deleted.wal_pending:
        raise KamgraphError(_(
            "another program is reading {url}, so the erased rows' bytes are still in its write-ahead "
            "log ({wal}) until they stop: close the other readers (the app, other kamgraph "
            "commands); SQLite moves the log into the main file when the last one closes it").format(
            url=store.url, wal=f"{store.path}-wal"))


@main.command("redact-name")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_config
def redact_name(config: Config, name: str, yes: bool) -> None:
    """Replace NAME (case-insensitive) by [erased] in every note and subject that mentions it.

    For a person erased without --redact-notes whose name is still written in kept notes.
    """
    import pandas as pd

    with open_store(config) as store:
        found = store.mentions(name)
        if found.empty:
            echo(_("no note or subject mentions {name}").format(name=repr(name)))
            return
        output(pd.DataFrame(found), "table")
        if not yes:
            click.confirm(ngettext("Replace {name} by [erased] in this {n} field of {url}?",
                                   "Replace {name} by [erased] in these {n} fields of {url}?", len(found)).format(
                name=terminal_text(repr(name)), n=len(found), url=store.url), abort=True)
        n = store.redact_mentions(name, actor=os_user())
        forget_persisted(store.url)
        pending = not store.checkpoint() if hasattr(store, "checkpoint") else False
    echo(ngettext("redacted {n} field", "redacted {n} fields", n).format(n=n))
    if pending:
        raise KamgraphError(_("another program is reading {url}: the old text is still in its write-ahead log "
                              "until the last reader closes the store").format(url=store.url))


@main.command()
@FORMAT_OPTION
@pass_config
def stats(config: Config, fmt: str) -> None:
    """Row counts per entity, and where the stored history starts."""
    import pandas as pd

    with open_store(config) as store:
        counts = store.counts()
        start = store.history_from()
    title = (_("{url}; history from {day}").format(url=store.url, day=fmt_day(start)) if start is not None
             else store.url)
    output(pd.DataFrame({"entity": list(counts), "rows": list(counts.values())}), fmt, title=title)


def _explicit_store(click_ctx: click.Context) -> bool:
    """Was --store given on the command line (not just inherited from KAMGRAPH_STORE)?"""
    root = click_ctx.find_root()
    return root.get_parameter_source("store_url") == click.core.ParameterSource.COMMANDLINE


def _fresh_store(url: str, explicit: bool):
    """Open ``url`` empty: the default demo database is deleted and recreated; a store the
    user named is used only if it is empty (a demo must never overwrite real data)."""
    if not explicit and url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        for p in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
            if p.exists():
                p.unlink()
    store = open_store(url)
    if sum(store.counts().values()):
        store.close()
        raise ConfigError(_("{url} already holds data; the demo loads into a fresh store. Name a new file "
                            "(--store sqlite:///./demo.db) or leave out --store to use {demo_url}").format(
            url=url, demo_url=DEMO_STORE_URL))
    return store


def demo_command(config: Config, verb: str) -> str:
    """A command line running ``verb`` on ``config``'s store, settings and date, for copying.

    >>> demo_command(Config("sqlite:///./d b.db", None, "2026-11-15"), "gaps")
    "kamgraph --store 'sqlite:///./d b.db' --as-of 2026-11-15 gaps"
    """
    parts = ["kamgraph", "--store", shlex.quote(config.store_url)]
    if config.settings_path:
        parts += ["--settings", shlex.quote(str(Path(config.settings_path).resolve()))]
    if config.as_of_override:
        parts += ["--as-of", shlex.quote(config.as_of_override)]
    return " ".join(parts + [verb])


@main.command()
@click.option("--no-ui", is_flag=True, help="Only load the sample and print the counts.")
@click.option("--port", type=int, default=8501, show_default=True, help="Port of the Streamlit app.")
@click.pass_context
def demo(click_ctx: click.Context, no_ui: bool, port: int) -> None:
    """Load the sample portfolio into a fresh store and open the app.

    The store is sqlite:///./kamgraph-demo.db (deleted and recreated) unless --store is
    given on the command line, in which case it must be empty. The settings are the
    sample's (its stories hold on its as_of date); --as-of / KAMGRAPH_AS_OF still apply.
    The app gets the same store, settings and date, and so does the CLI with the
    environment variables printed.
    """
    from kamgraph.ingest import import_path

    flags = click_ctx.find_object(GlobalFlags)
    root = project_root()
    sample = root / "data" / "sample"
    app = root / "app.py"
    if not (sample / "people.csv").exists():
        raise KamgraphError(_("sample data not found at {path}; the demo needs a source checkout of kamgraph").format(
            path=sample))
    if not no_ui and not app.exists():
        raise KamgraphError(_("app not found at {path}; run with --no-ui to load the sample only").format(path=app))
    settings_file = sample / "kamgraph.toml"
    explicit = _explicit_store(click_ctx)
    url = flags.store if explicit else "sqlite:///" + str(Path(DEMO_STORE_URL[len("sqlite:///"):]).resolve())
    config = resolve_config(url, settings_file if settings_file.exists() else None, flags.as_of)
    today = config.as_of  # a bad --as-of or settings file stops the demo before it deletes anything
    with _fresh_store(url, explicit) as store:
        with _ProgressBar() as bar:
            report = import_path(sample, store, progress=bar, today=today, actor=os_user())
        counts = store.counts()
    _rows_table(counts, _("sample loaded"))
    echo(_("store: {url}").format(url=url))
    echo(_("as of {day}; the CLI on the same store, settings and date: {exports}").format(
        day=fmt_day(config.as_of), exports=config.shell_exports()))
    echo(_("next, on this store (plain `kamgraph` uses {url}):").format(url=resolve_config(None, None, None).store_url))
    for verb in ("gaps", "coverage", "report --out kamgraph-report"):
        echo("  " + demo_command(config, verb))
    _echo_warnings(report.warnings)
    if no_ui:
        return
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES} | config.environ()
    env[ENV_LANG] = current_language()  # `kamgraph --lang zh_CN demo` opens the app in Chinese
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
           "--server.port", str(port)]
    echo(_("starting the app on {url} (Ctrl+C to stop)").format(url=f"http://localhost:{port}"))
    result = subprocess.run(cmd, env=env, check=False)
    sys.exit(result.returncode)
