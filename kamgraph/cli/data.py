"""Data verbs: init, import, validate, export-person, erase-person, stats, demo."""

from __future__ import annotations

import click

from kamgraph.cli import FORMAT_OPTION, Context, emit, main, pass_ctx


@main.command()
@pass_ctx
def init(ctx: Context) -> None:
    """Create the store's tables or constraints (safe to run again)."""
    store = ctx.store()
    store.init()
    click.echo(f"initialized {store.url}")


@main.command()
@FORMAT_OPTION
@pass_ctx
def stats(ctx: Context, fmt: str) -> None:
    """Row counts per entity."""
    import pandas as pd

    store = ctx.store()
    counts = store.counts()
    emit(pd.DataFrame({"entity": list(counts), "rows": list(counts.values())}), fmt, title=store.url)
