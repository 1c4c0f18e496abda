"""The ``kamgraph`` command.

Every verb works on the store named by ``--store`` or ``$KAMGRAPH_STORE`` (default
``sqlite:///./kamgraph.db``) and the settings in ``--settings`` / ``$KAMGRAPH_CONFIG`` /
``./kamgraph.toml``. A :class:`~kamgraph.errors.KamgraphError` prints one line and exits
with status 1; bad usage exits with 2.

Verbs live in submodules by topic (``data``, ``analysis``, ``stores``), each registering
its commands on :data:`main`.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

import click
import pandas as pd

from kamgraph.errors import KamgraphError


@dataclass
class Context:
    store_url: str | None
    settings_path: str | None
    as_of: str | None

    def store(self):
        from kamgraph.store import open_store

        return open_store(self.store_url)

    def settings(self):
        from kamgraph.settings import Settings

        s = Settings.load(self.settings_path)
        if self.as_of:
            s = s.replace(as_of=self.as_of)
            s.as_of_date()  # validate now, with a clear message
        return s


class KamgraphGroup(click.Group):
    """Shows KamgraphError as one clear line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KamgraphError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(1)


@click.group(cls=KamgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_url", envvar="KAMGRAPH_STORE", default=None, metavar="URL",
              help="Store URL: sqlite:///path.db (default sqlite:///./kamgraph.db), neo4j://host:7687 "
                   "or bolt://host:7687 (credentials from KAMGRAPH_NEO4J_USER/PASSWORD/DATABASE). "
                   "Env: KAMGRAPH_STORE.")
@click.option("--settings", "settings_path", envvar="KAMGRAPH_CONFIG", default=None, metavar="FILE",
              help="Settings file (default ./kamgraph.toml if present). Env: KAMGRAPH_CONFIG.")
@click.option("--as-of", "as_of", envvar="KAMGRAPH_AS_OF", default=None, metavar="YYYY-MM-DD",
              help="Analysis date (default: the settings' as_of, else today). Env: KAMGRAPH_AS_OF.")
@click.version_option(package_name="kamgraph")
@click.pass_context
def main(ctx: click.Context, store_url: str | None, settings_path: str | None, as_of: str | None) -> None:
    """kamgraph: who knows whom around your key accounts, and where you are exposed."""
    ctx.obj = Context(store_url, settings_path, as_of)


pass_ctx = click.make_pass_decorator(Context)

FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
                             show_default=True, help="table for people, csv or json for pipes.")


def emit(df: pd.DataFrame, fmt: str, title: str | None = None, max_rows: int = 200) -> None:
    """Print a frame as a rich table, CSV or JSON records."""
    if fmt == "csv":
        click.echo(df.to_csv(index=False), nl=False)
        return
    if fmt == "json":
        click.echo(df.to_json(orient="records", date_format="iso", force_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False)
    for col in df.columns:
        table.add_column(str(col), overflow="fold")
    for row in df.head(max_rows).itertuples(index=False):
        table.add_row(*(Text(_cell(v)) for v in row))  # Text(): never interpret markup in data
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


def emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


# register verbs (import for side effects)
from kamgraph.cli import manage as _manage  # noqa: E402,F401
from kamgraph.cli import network as _network  # noqa: E402,F401
from kamgraph.cli import analysis as _analysis  # noqa: E402,F401
from kamgraph.cli import reports as _reports  # noqa: E402,F401
from kamgraph.cli import stores as _stores  # noqa: E402,F401
from kamgraph.cli import synthetic as _synthetic  # noqa: E402,F401
