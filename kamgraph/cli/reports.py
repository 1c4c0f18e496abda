"""Report verb: ``report`` (the coverage report). ``plan-visits`` lives in :mod:`kamgraph.cli.visits`.

It reads the whole portfolio (tiers are portfolio-relative) and reports on the accounts
``--tier``, ``--region``, ``--owner`` and ``--account`` choose (each repeatable; filters
combine with *and*, the values of one filter with *or*). Every figure of a scoped report is
computed on its accounts, and every file says the scope in words at the top.
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from kamgraph.cli import account_option, echo, main, open_store, pass_config
from kamgraph.config import Config, parse_date
from kamgraph.errors import ConfigError
from kamgraph.i18n import _, fmt_day


def _date(value: str | None, option: str) -> pd.Timestamp | None:
    return None if value is None else parse_date(value, option)


def _check_known(option: str, wanted: tuple[str, ...], known) -> None:
    """A value no account has is a typo, not an empty report: say which values exist."""
    known = sorted({str(k) for k in known if isinstance(k, str) and k})
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise ConfigError(_("{option}: no account has {values}; known: {known}").format(
            option=option, values=", ".join(map(repr, unknown)), known=", ".join(known) or _("none")))


@main.command("report")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write coverage.xlsx, csv/, report.html and maps/ into (created).")
@click.option("--previous", metavar="YYYY-MM-DD", default=None,
              help="Start of the Trends table (default: one month before the as-of date).")
@click.option("--tier", "tiers", multiple=True, metavar="TIER",
              help="Only accounts of this tier (repeatable; tiers are portfolio-relative).")
@click.option("--region", "regions", multiple=True, metavar="REGION", help="Only accounts in this region (repeatable).")
@click.option("--owner", "owners", multiple=True, metavar="ID", help="Only accounts this person owns (repeatable).")
@account_option()
@click.option("--no-maps", is_flag=True, help="Skip the per-account relationship maps.")
@pass_config
def report_cmd(config: Config, out: Path, previous: str | None, tiers: tuple[str, ...], regions: tuple[str, ...],
               owners: tuple[str, ...], accounts: list[str] | None, no_maps: bool) -> None:
    """The coverage report: Excel workbook, CSV folder, offline HTML report and relationship maps.

    \b
    Examples:
      kamgraph report --out rep
      kamgraph report --out east --region "East China" --tier gold --tier diamond
    """
    from kamgraph.analysis.tiering import account_tiers
    from kamgraph.cli.analysis import note_data_period
    from kamgraph.report.portfolio import ReportScope, build_coverage_report

    with open_store(config) as store:
        snap = store.snapshot(None)
    note_data_period(snap, config)
    acc = snap.accounts
    if tiers:
        _check_known("--tier", tiers, account_tiers(snap, config.settings)["tier"])
    if regions:
        _check_known("--region", regions, acc["region"])
    if owners:
        _check_known("--owner", owners, acc["owner_id"])
    scope = ReportScope(tiers=tiers, regions=regions, owners=owners, accounts=tuple(accounts or ()))
    report = build_coverage_report(snap, config.settings, config.as_of, previous=_date(previous, "--previous"),
                                   scope=scope)
    out.mkdir(parents=True, exist_ok=True)
    written = [report.to_excel(out / "coverage.xlsx")]
    written += report.to_csv_folder(out / "csv")
    written.append(report.to_html(out / "report.html"))
    if not no_maps:
        written += report.write_maps(out / "maps")
    echo(_("Coverage report as of {day}: {n} files in {folder}").format(day=fmt_day(report.as_of), n=len(written),
                                                                        folder=out)
         + "\n" + _("Scope: {scope}").format(scope=report.scope_label))
