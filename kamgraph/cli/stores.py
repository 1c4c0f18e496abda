"""Store verbs: ``kamgraph migrate --from URL --to URL``, and ``kamgraph config``: which store,
settings file and analysis date a run resolves to (:mod:`kamgraph.config`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kamgraph.cli import FORMAT_OPTION, code_word, echo, error_line, main, open_store, output, pass_config
from kamgraph.config import Config
from kamgraph.errors import ConfigError
from kamgraph.i18n import _, fmt_number, pgettext

_NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


def _open(url: str, batch_size: int | None, must_exist: bool):
    """Open a store by URL; Neo4j stores get the batch size, a SQLite source must exist."""
    if _scheme(url) == "sqlite" and must_exist:
        path = url[len("sqlite:///"):]
        if path != ":memory:" and not Path(path).expanduser().is_file():
            raise ConfigError(_("source store not found: {path}").format(path=path))
    options = {"batch_size": batch_size} if batch_size and _scheme(url) in _NEO4J_SCHEMES else {}
    return open_store(url, **options)


@main.command("migrate")
@click.option("--from", "source_url", required=True, metavar="URL",
              help="Store to copy from: sqlite:///a.db, neo4j://host:7687 or bolt://host:7687.")
@click.option("--to", "target_url", required=True, metavar="URL",
              help="Store to copy into (created for SQLite; upserted into when it holds data).")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, metavar="N",
              help="Rows per Neo4j write transaction (default 5,000).")
@FORMAT_OPTION
def migrate_cmd(source_url: str, target_url: str, batch_size: int | None, fmt: str) -> None:
    """Copy every entity from one store into another, then compare counts.

    Neo4j credentials come from KAMGRAPH_NEO4J_USER / KAMGRAPH_NEO4J_PASSWORD /
    KAMGRAPH_NEO4J_DATABASE. Exits with status 1 when the counts of the two sides differ
    afterwards (for example when the target already held other rows). Re-running an
    interrupted migration into Neo4j completes it.
    """
    from kamgraph.cli.manage import _ProgressBar
    from kamgraph.store.migrate import migrate

    if source_url == target_url:
        raise ConfigError(_("--from and --to name the same store"))
    with _open(source_url, batch_size, must_exist=True) as source, \
            _open(target_url, batch_size, must_exist=False) as target, _ProgressBar() as bar:
        result = migrate(source, target, progress=bar)
    output(result.table(), fmt, title=f"{result.source_url} -> {result.target_url}",
           headers={"source": pgettext("migration column", "source"), "target": pgettext("migration column", "target")})
    if not result.ok:
        diff = pgettext("list separator", ", ").join(
            _("{entity} {source} vs {target}").format(entity=code_word("entity", e), source=s, target=t)
            for e, (s, t) in result.differences.items())
        echo(error_line(_("counts differ after the migration: {differences}").format(differences=diff)), err=True)
        sys.exit(1)
    echo(_("migrated {n} rows in {batches} batches").format(n=fmt_number(sum(result.written.values())),
                                                            batches=result.batches), err=True)


@main.command("config")
@FORMAT_OPTION
@pass_config
def config_cmd(config: Config, fmt: str) -> None:
    """The store, settings file and analysis date every verb (and the app, in the same
    environment) works with, and where the date comes from."""
    import pandas as pd

    info = {"store": config.store_url, "settings": config.settings_path or "",
            "as_of": config.as_of_text, "as_of_from": config.as_of_source}
    if fmt == "json":
        output(info)
    else:
        if fmt == "table":
            info["as_of_from"] = code_word("as_of_source", info["as_of_from"])
        output(pd.DataFrame({"what": list(info), "value": list(info.values())}), fmt, title=_("configuration"),
               codes={"what": "config_item"})
