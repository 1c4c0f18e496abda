"""``kamgraph generate``: a synthetic portfolio in the import format (see kamgraph.synthetic)."""

from __future__ import annotations

import time
from pathlib import Path

import click
import pandas as pd

from kamgraph.cli import FORMAT_OPTION, main, output
from kamgraph.errors import ConfigError
from kamgraph.i18n import _, fmt_number


@main.command("generate")
@click.option("--scale", type=click.Choice(["XS", "S", "M", "L"], case_sensitive=False), default="S",
              show_default=True, help="XS 1/500, S 1/100, M 1/10 of L (5,000 accounts, 272,000 people, "
                                      "1M ties, 1.5M interactions, 5M attendance rows).")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed and scale: identical files.")
@click.option("--end", default=None, metavar="YYYY-MM-DD",
              help="Last day of the 3-year history (default 2026-06-30); analyse as of this date.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the CSV files (created; existing files of the same names are replaced).")
@FORMAT_OPTION
def generate_cmd(scale: str, seed: int, end: str | None, out_dir: Path, fmt: str) -> None:
    """Write a synthetic portfolio as CSV files that `kamgraph import OUT` reads."""
    from kamgraph.synthetic import DEFAULT_END, generate_portfolio

    end = end or DEFAULT_END
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(_("--out is not a folder: {path}").format(path=out_dir))
    t0 = time.perf_counter()
    rows = generate_portfolio(out_dir, scale.upper(), seed, end)
    secs = time.perf_counter() - t0
    output(pd.DataFrame({"file": [f"{name}.csv" for name in rows], "rows": list(rows.values())}), fmt,
           title=_("scale {scale}, seed {seed}: {n} rows in {seconds} s -> {path}").format(
               scale=scale.upper(), seed=seed, n=fmt_number(sum(rows.values())), seconds=fmt_number(secs, 1),
               path=out_dir))
