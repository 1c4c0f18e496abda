"""Visit verb: ``plan-visits`` (the executive visit plan).

It reads the whole portfolio (tiers are portfolio-relative) and narrows the candidates to
``--account`` / ``--region`` when given. The period is the next calendar quarter unless
``--quarter this|after`` or ``--from``/``--to`` say otherwise; proposed dates fall on
working days of each account's country (:mod:`kamgraph.analysis.visits`, "Dates").

Files: ``--out plan.ics`` writes one calendar with every executive's visits (``.xlsx``,
``.csv`` and ``.html`` write the workbook, the spreadsheet and the printable briefing
pack); ``--ics-dir DIR`` writes one calendar per executive (``DIR/visits-<name>.ics``) to
send to each of them. Both can be given. The table is for people; ``--format csv|json``
is for pipes and keeps ids and field names.
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from kamgraph.cli import account_option, echo, main, open_store, output, pass_config
from kamgraph.config import Config, parse_date
from kamgraph.i18n import _, fmt_day, ngettext


def _date(value: str | None, option: str) -> pd.Timestamp | None:
    return None if value is None else parse_date(value, option)


def _people_table(plan) -> pd.DataFrame:
    """The plan as people read it: words for headers and values."""
    from kamgraph.analysis.visits import proposed_day, role_words
    from kamgraph.report.visitplan import access_words

    v = plan.visits
    return pd.DataFrame({
        _("Executive"): v["executive_name"], "#": v["order"],
        _("Proposed date"): [proposed_day(d) for d in v["placeholder_date"]], _("City"): v["city"],
        _("Account"): v["account_name"], _("Contact"): v["contact_name"], _("Role"): v["decision_role"].map(role_words),
        _("Way in"): v["access"].map(access_words), _("Priority"): v["priority"].round(2),
    })


@main.command("plan-visits")
@click.option("--executive", "executives", multiple=True, metavar="ID",
              help="An executive to plan for (repeatable). Default: every internal person at level "
                   "<= visits.executive_max_level.")
@click.option("--quarter", type=click.Choice(["this", "next", "after"]), default=None,
              help="The period: this quarter (from the as-of date), the next one, or the one after "
                   "(default: visits.quarter, 'next').")
@click.option("--from", "start", metavar="YYYY-MM-DD", default=None,
              help="First day of the period (instead of --quarter).")
@click.option("--to", "end", metavar="YYYY-MM-DD", default=None,
              help="Last day of the period (default with --from: the end of that quarter).")
@click.option("--capacity", type=click.IntRange(min=0), default=None,
              help="Visits per executive in the period (default: visits.capacity).")
@click.option("--region", "regions", multiple=True, metavar="R", help="Only accounts in this region (repeatable).")
@account_option()
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table for people; csv (the visits with ids) or json (the briefings) for pipes.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the plan to FILE: .ics (one calendar, every executive), .xlsx, .csv or "
                   ".html (printable briefings).")
@click.option("--ics-dir", "ics_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write one calendar per executive into DIR (visits-<name>.ics).")
@pass_config
def plan_visits_cmd(config: Config, executives, quarter, start, end, capacity, regions, accounts, fmt, out,
                    ics_dir) -> None:
    """Which customer executives our executives should visit, optimally, with briefings."""
    from kamgraph.analysis.visits import plan_visits
    from kamgraph.report.visitplan import PLAN_FORMATS, write_calendars, write_plan

    if out is not None and out.suffix.lower() not in PLAN_FORMATS:
        raise click.BadParameter(_("use a file ending in {suffixes}").format(suffixes=", ".join(PLAN_FORMATS)),
                                 param_hint="--out")
    if quarter is not None and (start is not None or end is not None):
        raise click.BadParameter(_("give either --quarter or --from/--to"), param_hint="--quarter")
    with open_store(config) as store:
        snap = store.snapshot(None)
    period = None if start is None and end is None else (_date(start, "--from"), _date(end, "--to"))
    plan = plan_visits(snap, config.settings, config.as_of, executives=list(executives) or None,
                       period=period, capacity=capacity, regions=list(regions) or None, accounts=accounts,
                       quarter=quarter)
    if fmt == "csv":
        output(plan.visits, "csv")
    elif fmt == "json":
        output({"as_of": plan.as_of.strftime("%Y-%m-%d"),
                "period": [plan.period[0].strftime("%Y-%m-%d"), plan.period[1].strftime("%Y-%m-%d")],
                "total_priority": plan.total_priority, "visits": list(plan.briefings)})
    else:
        title = _("Visit plan {start} – {end}: {n} visits, total priority {total}").format(
            start=fmt_day(plan.period[0]), end=fmt_day(plan.period[1]), n=len(plan.visits),
            total=f"{plan.total_priority:.3f}")
        output(_people_table(plan), "table", title=title)
        for note in plan.notes:
            echo(note, err=True)
    if out is not None:
        write_plan(plan, out)
        echo(_("Wrote {n} visits to {file}").format(n=len(plan.visits), file=out), err=fmt != "table")
    if ics_dir is not None:
        files = write_calendars(plan, ics_dir)
        echo(ngettext("Wrote {n} calendar to {folder}", "Wrote {n} calendars to {folder}", len(files)).format(
            n=len(files), folder=ics_dir), err=fmt != "table")
