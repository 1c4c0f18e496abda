"""Report verb: ``report`` (the coverage report). ``plan-visits`` lives in :mod:`kamgraph.cli.visits`.

It reads the whole portfolio (tiers and Pareto shares are portfolio-relative) and narrows
the rows to ``--account`` when given.
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from kamgraph.cli import account_option, echo, main, open_store, pass_config
from kamgraph.config import Config, parse_date


def _date(value: str | None, option: str) -> pd.Timestamp | None:
    return None if value is None else parse_date(value, option)


@main.command("report")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write coverage.xlsx, csv/, report.html and maps/ into (created).")
@click.option("--previous", metavar="YYYY-MM-DD", default=None,
              help="Start of the Trends table (default: one month before the as-of date).")
@account_option()
@click.option("--no-maps", is_flag=True, help="Skip the per-account relationship maps.")
@pass_config
def report_cmd(config: Config, out: Path, previous: str | None, accounts: list[str] | None, no_maps: bool) -> None:
    """The coverage report: Excel workbook, CSV folder, offline HTML report and relationship maps."""
    from kamgraph.report.portfolio import build_coverage_report

    from kamgraph.cli.analysis import note_data_period

    with open_store(config) as store:
        snap = store.snapshot(None)
    note_data_period(snap, config)
    report = build_coverage_report(snap, config.settings, config.as_of, previous=_date(previous, "--previous"),
                                   accounts=accounts)
    out.mkdir(parents=True, exist_ok=True)
    written = [report.to_excel(out / "coverage.xlsx")]
    written += report.to_csv_folder(out / "csv")
    written.append(report.to_html(out / "report.html"))
    if not no_maps:
        written += report.write_maps(out / "maps")
    echo(f"Coverage report as of {report.as_of.date()} ({report.scope_label}): {len(written)} files in {out}")
