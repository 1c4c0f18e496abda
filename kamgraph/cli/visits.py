"""Visit verb: ``plan-visits`` (the executive visit plan).

It reads the whole portfolio (tiers are portfolio-relative) and narrows the candidates to
``--account`` / ``--region`` when given.
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from kamgraph.cli import account_option, echo, main, open_store, output, pass_config
from kamgraph.config import Config, parse_date

_PLAN_TABLE = ["executive_name", "trip", "city", "account_name", "contact_name", "decision_role", "priority",
               "access", "placeholder_date"]


def _date(value: str | None, option: str) -> pd.Timestamp | None:
    return None if value is None else parse_date(value, option)


@main.command("plan-visits")
@click.option("--executive", "executives", multiple=True, metavar="ID",
              help="An executive to plan for (repeatable). Default: every internal person at level "
                   "<= visits.executive_max_level.")
@click.option("--from", "start", metavar="YYYY-MM-DD", default=None, help="First day of the period (default: the as-of date).")
@click.option("--to", "end", metavar="YYYY-MM-DD", default=None,
              help="Last day of the period (default: visits.period_months after the start).")
@click.option("--capacity", type=click.IntRange(min=0), default=None,
              help="Visits per executive in the period (default: visits.capacity).")
@click.option("--region", "regions", multiple=True, metavar="R", help="Only accounts in this region (repeatable).")
@account_option()
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table for people; csv (the plan with briefings flattened) or json (the briefings) for pipes.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the plan to FILE: .xlsx, .csv, .ics (calendar) or .html (briefing pack).")
@pass_config
def plan_visits_cmd(config: Config, executives, start, end, capacity, regions, accounts, fmt, out) -> None:
    """Which customer executives our executives should visit, optimally, with briefings."""
    from kamgraph.analysis.visits import plan_visits
    from kamgraph.report.visitplan import PLAN_FORMATS, plan_table, write_plan

    if out is not None and out.suffix.lower() not in PLAN_FORMATS:
        raise click.BadParameter(f"use a file ending in {', '.join(PLAN_FORMATS)}", param_hint="--out")
    with open_store(config) as store:
        snap = store.snapshot(None)
    plan = plan_visits(snap, config.settings, config.as_of, executives=list(executives) or None,
                       period=(_date(start, "--from"), _date(end, "--to")), capacity=capacity,
                       regions=list(regions) or None, accounts=accounts)
    if fmt == "csv":
        output(plan_table(plan), "csv")  # spreadsheet-safe, as the --out files
    elif fmt == "json":
        output({"as_of": plan.as_of.strftime("%Y-%m-%d"),
                   "period": [plan.period[0].strftime("%Y-%m-%d"), plan.period[1].strftime("%Y-%m-%d")],
                   "total_priority": plan.total_priority, "visits": list(plan.briefings)})
    else:
        title = (f"Visit plan {plan.period[0]:%Y-%m-%d} – {plan.period[1]:%Y-%m-%d}: {len(plan.visits)} visits, "
                 f"total priority {plan.total_priority:.3f}")
        output(plan.visits, "table", columns=_PLAN_TABLE, title=title)
        for note in plan.notes:
            echo(note, err=True)
    if out is not None:
        write_plan(plan, out)
        echo(f"Wrote {len(plan.visits)} visits to {out}", err=fmt != "table")
