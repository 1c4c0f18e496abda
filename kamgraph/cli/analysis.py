"""Analysis verbs: coverage, gaps, trends, what-if.

Each verb reads a snapshot of the store (scoped to ``--account`` when given), runs one
analysis at the global ``--as-of`` date (default: the settings' ``as_of``, else today) and
prints a table, or every column as ``--format csv|json``.

When the data ends long before the analysis date, every analysis verb (here, in
``network`` and ``reports``) first prints one line on standard error saying so and which
``--as-of`` shows the data's own period; an empty table is replaced by the reason it is
empty (:func:`kamgraph.analysis.data_period.empty_reason`). Both sentences come from
:mod:`kamgraph.analysis.data_period`, so the app can say the same.
"""

from __future__ import annotations

from collections.abc import Iterable

import click
import pandas as pd

from kamgraph.cli import (
    ACCOUNT_OPTION,
    FORMAT_OPTION,
    echo,
    main,
    open_store,
    output,
    pass_config,
)
from kamgraph.config import Config, parse_date
from kamgraph.i18n import _, fmt_day, fmt_month, ngettext, pgettext
from kamgraph.i18n.terms import term
from kamgraph.names import display_name


def _snapshot(config: Config, accounts: list[str] | None):
    with open_store(config) as store:
        snap = store.snapshot(accounts)
    note_data_period(snap, config)
    return snap


def note_data_period(snap, config: Config) -> None:
    """One line on standard error when the data ends long before the analysis date."""
    from kamgraph.analysis.data_period import data_ends_note

    note = data_ends_note(snap, config.settings, config.as_of)
    if note:
        echo(_("note: {note}").format(note=note), err=True)


def output_or_reason(df: pd.DataFrame, fmt: str, snap, config: Config, needs: Iterable[str], empty: str,
                     **kwargs) -> None:
    """``output(df, fmt, **kwargs)``; for an empty table, one line saying why instead:
    what the view needs and the data lacks, else ``empty`` (the result is empty on its
    own merits). CSV and JSON stay machine-readable (the reason goes to standard error)."""
    from kamgraph.analysis.data_period import empty_reason

    if len(df):
        output(df, fmt, **kwargs)
        return
    reason = empty_reason(snap, config.settings, config.as_of, needs)
    text = _("nothing to show: {reason}").format(reason=reason) if reason else empty
    if fmt == "table":
        echo(text)
    else:
        output(df, fmt, **kwargs)
        echo(text, err=True)


@main.command()
@ACCOUNT_OPTION
@click.option("--contacts", is_flag=True, help="One row per customer contact instead of per account.")
@click.option("--opportunities", is_flag=True, help="One row per opportunity instead of per account.")
@FORMAT_OPTION
@pass_config
def coverage(config: Config, accounts: list[str] | None, contacts: bool, opportunities: bool, fmt: str) -> None:
    """Who on our side knows the buying center, and how well (coverage score 0..1)."""
    from kamgraph.analysis.coverage import (
        account_coverage,
        contact_coverage,
        opportunity_coverage,
    )

    if contacts and opportunities:
        raise click.UsageError(_("choose one of --contacts and --opportunities"))
    settings, as_of = config.settings, config.as_of
    snap = _snapshot(config, accounts)
    if contacts:
        df = contact_coverage(snap, settings, as_of, accounts)
        cols = ["account_name", "contact_id", "name", "title", "level", "decision_role", "attitude",
                "best_strength", "best_internal_name", "covered", "peer_covered", "threads", "never_interacted"]
    elif opportunities:
        df = opportunity_coverage(snap, settings, as_of, accounts)
        cols = ["account_id", "opportunity_id", "opportunity_name", "status", "roles_source", "buying_center",
                "buying_center_covered", "coverage_score", "threads"]
    else:
        df = account_coverage(snap, settings, as_of, accounts)
        cols = ["account_id", "account_name", "tier", "contacts", "buying_center", "buying_center_covered",
                "coverage_score", "threads", "iron_triangle_complete", "missing_team_roles"]
    needs = ["accounts", "contacts"] + (["opportunities"] if opportunities else [])
    output_or_reason(df, fmt, snap, config, needs, _("no coverage rows on {day}").format(day=fmt_day(as_of)),
                     columns=cols, title=_("Coverage on {day}").format(day=fmt_day(as_of)),
                     codes={"status": "opportunity_status"})


@main.command(name="gaps")
@ACCOUNT_OPTION
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Only gaps of this kind (repeatable): no_decision_maker_known, uncovered_decision_maker, "
                   "no_peer_coverage, single_threaded, cooling_key_relationship, unmanaged_opponent, "
                   "missing_team_role, tier_policy, key_person_risk.")
@FORMAT_OPTION
@pass_config
def gaps_cmd(config: Config, accounts: list[str] | None, kinds: tuple[str, ...], fmt: str) -> None:
    """Where accounts are exposed, highest priority first, with who should act."""
    from kamgraph.analysis.gaps import GAP_KINDS, gaps

    bad = sorted(set(kinds) - set(GAP_KINDS))
    if bad:
        raise click.BadParameter(_("unknown kind {kinds}; choose from {choices}").format(
            kinds=", ".join(bad), choices=", ".join(GAP_KINDS)), param_hint="--kind")
    settings, as_of = config.settings, config.as_of
    snap = _snapshot(config, accounts)
    df = gaps(snap, settings, as_of, accounts, kinds=list(kinds) or None)
    n = len(snap.accounts)
    output_or_reason(df, fmt, snap, config, ["accounts"],
                     ngettext("no gaps on {day} for the {n} account checked",
                              "no gaps on {day} for the {n} accounts checked", n).format(day=fmt_day(as_of), n=n),
                     columns=["account_id", "kind", "priority", "target_name", "evidence", "action"],
                     title=_("Gaps on {day}").format(day=fmt_day(as_of)), codes={"kind": "gap_kind"})


@main.command()
@ACCOUNT_OPTION
@click.option("--label", "labels", multiple=True,
              type=click.Choice(["new", "dormant", "warming", "cooling", "stable"]),
              help="Only relationships with this trend label (repeatable).")
@click.option("--since", metavar="YYYY-MM-DD", default=None,
              help="Instead of trends: what changed between this date and the as-of date "
                   "(strengths, labels, attitude and role changes).")
@click.option("--pairs", "pair_set", type=click.Choice(["staff-contact", "all"]), default="staff-contact",
              show_default=True, help="Which relationships: ours with customer contacts, or every pair known.")
@FORMAT_OPTION
@pass_config
def trends(config: Config, accounts: list[str] | None, labels: tuple[str, ...], since: str | None, pair_set: str,
           fmt: str) -> None:
    """How relationships are moving, month by month (labels relative to each pair's own rhythm)."""
    from kamgraph.analysis.trends import relationship_changes
    from kamgraph.analysis.trends import trends as trend_rows

    settings, as_of = config.settings, config.as_of
    snap = _snapshot(config, accounts)
    if since is not None:
        start = parse_date(since, "--since")
        df = relationship_changes(snap, settings, start, as_of)
        if accounts:
            df = df[df["account_id"].fillna("").str.split(",").map(lambda a: bool(set(a) & set(accounts)))]
        span = {"start": fmt_day(start), "end": fmt_day(as_of)}
        output_or_reason(df.reset_index(drop=True), fmt, snap, config, [],
                         _("no changes between {start} and {end}").format(**span),
                         columns=["date", "kind", "description"], title=_("Changes {start} → {end}").format(**span),
                         codes={"kind": "change_kind"})
        return
    df = trend_rows(snap, settings, as_of, pairs=pair_set)
    if accounts:
        df = df[df["accounts"].fillna("").str.split(",").map(lambda a: bool(set(a) & set(accounts)))]
    if labels:
        df = df[df["label"].isin(labels)]
    start = snap.history_start
    day = fmt_day(as_of)
    title = (_("Trends on {day}; history from {month}").format(day=day, month=fmt_month(start)) if start is not None
             else _("Trends on {day}; no interactions yet").format(day=day))
    needs = ["internal", "contacts", "interactions"] if pair_set == "staff-contact" else ["interactions"]
    if labels:
        words = pgettext("list separator", ", ").join(term("trend", label) for label in labels)
        empty = ngettext("no relationship matches the label {labels} on {day}",
                         "no relationship matches the labels {labels} on {day}", len(labels)).format(
            labels=words, day=day)
    else:
        empty = _("no relationship matches on {day}").format(day=day)
    output_or_reason(df.reset_index(drop=True), fmt, snap, config, needs, empty,
                     columns=["person_name", "other_name", "accounts", "strength_now", "slope", "label",
                              "last_interaction", "usual_gap_days"],
                     title=title)


@main.command(name="what-if")
@click.option("--without", "person_id", required=True, metavar="ID",
              help="An internal person (they leave us) or a customer contact (they leave the account).")
@ACCOUNT_OPTION
@click.option("--all", "show_all", is_flag=True, help="Show unchanged accounts too.")
@FORMAT_OPTION
@pass_config
def what_if(config: Config, person_id: str, accounts: list[str] | None, show_all: bool, fmt: str) -> None:
    """Account coverage before and after one person leaves."""
    from kamgraph.analysis.whatif import without_contact, without_internal
    from kamgraph.errors import NotFound

    settings, as_of = config.settings, config.as_of
    snap = _snapshot(config, accounts)
    person = snap.people[snap.people["id"] == person_id]
    if person.empty:
        raise NotFound(_("no person with id {id}").format(id=repr(person_id)))
    fn = without_internal if person.iloc[0]["side"] == "internal" else without_contact
    df = fn(snap, settings, person_id, as_of, accounts)
    if not show_all:
        df = df[df["changed"]].reset_index(drop=True)
        if df.empty and fmt == "table":
            echo(_("No account's coverage changes without {name} ({id}).").format(
                name=display_name(person.iloc[0]["name"]), id=person_id))
            return
    output(df, fmt, columns=["account_id", "account_name", "coverage_score_before", "coverage_score_after", "delta",
                             "covered_before", "covered_after", "threads_before", "threads_after",
                             "missing_team_roles_after"],
           title=_("Without {name} ({id}) on {day}").format(name=display_name(person.iloc[0]["name"]), id=person_id,
                                                             day=fmt_day(as_of)))
