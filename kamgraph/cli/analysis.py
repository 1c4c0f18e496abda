"""Analysis verbs: coverage, gaps, trends, what-if.

Each verb reads a snapshot of the store (scoped to ``--account`` when given), runs one
analysis at the global ``--as-of`` date (default: the settings' ``as_of``, else today) and
prints a table, or every column as ``--format csv|json``.
"""

from __future__ import annotations

from typing import Sequence

import click
import pandas as pd

from kamgraph.cli import FORMAT_OPTION, Context, emit, main, pass_ctx

ACCOUNT_OPTION = click.option("--account", "accounts", multiple=True, metavar="ID",
                              help="Only this account (repeatable). Default: every account.")


def _snapshot(ctx: Context, accounts: Sequence[str]):
    store = ctx.store()
    return store.snapshot(list(accounts) if accounts else None)


def _show(df: pd.DataFrame, fmt: str, table_columns: Sequence[str], title: str) -> None:
    """All columns for pipes; the readable subset for people."""
    emit(df if fmt != "table" else df[[c for c in table_columns if c in df.columns]], fmt, title=title)


@main.command()
@ACCOUNT_OPTION
@click.option("--contacts", is_flag=True, help="One row per customer contact instead of per account.")
@click.option("--opportunities", is_flag=True, help="One row per opportunity instead of per account.")
@FORMAT_OPTION
@pass_ctx
def coverage(ctx: Context, accounts: tuple[str, ...], contacts: bool, opportunities: bool, fmt: str) -> None:
    """Who on our side knows the buying center, and how well (coverage score 0..1)."""
    from kamgraph.analysis.coverage import account_coverage, contact_coverage, opportunity_coverage

    if contacts and opportunities:
        raise click.UsageError("choose one of --contacts and --opportunities")
    settings = ctx.settings()
    snap = _snapshot(ctx, accounts)
    ids = list(accounts) or None
    as_of = settings.as_of_date()
    if contacts:
        df = contact_coverage(snap, settings, as_of, ids)
        cols = ["account_name", "contact_id", "name", "title", "level", "decision_role", "attitude",
                "best_strength", "best_internal_name", "covered", "peer_covered", "threads", "never_interacted"]
    elif opportunities:
        df = opportunity_coverage(snap, settings, as_of, ids)
        cols = ["account_id", "opportunity_id", "opportunity_name", "status", "roles_source", "buying_center",
                "buying_center_covered", "coverage_score", "threads"]
    else:
        df = account_coverage(snap, settings, as_of, ids)
        cols = ["account_id", "account_name", "tier", "contacts", "buying_center", "buying_center_covered",
                "coverage_score", "threads", "iron_triangle_complete", "missing_team_roles"]
    _show(df, fmt, cols, f"Coverage on {as_of.date()}")


@main.command(name="gaps")
@ACCOUNT_OPTION
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Only gaps of this kind (repeatable): no_decision_maker_known, uncovered_decision_maker, "
                   "no_peer_coverage, single_threaded, cooling_key_relationship, unmanaged_opponent, "
                   "missing_team_role, tier_policy, key_person_risk.")
@FORMAT_OPTION
@pass_ctx
def gaps_cmd(ctx: Context, accounts: tuple[str, ...], kinds: tuple[str, ...], fmt: str) -> None:
    """Where accounts are exposed, highest priority first, with who should act."""
    from kamgraph.analysis.gaps import GAP_KINDS, gaps

    bad = sorted(set(kinds) - set(GAP_KINDS))
    if bad:
        raise click.BadParameter(f"unknown kind {', '.join(bad)}; choose from {', '.join(GAP_KINDS)}",
                                 param_hint="--kind")
    settings = ctx.settings()
    snap = _snapshot(ctx, accounts)
    as_of = settings.as_of_date()
    df = gaps(snap, settings, as_of, list(accounts) or None, kinds=list(kinds) or None)
    _show(df, fmt, ["account_id", "kind", "priority", "target_name", "evidence", "action"],
          f"Gaps on {as_of.date()}")


@main.command()
@ACCOUNT_OPTION
@click.option("--label", "labels", multiple=True,
              type=click.Choice(["new", "dormant", "warming", "cooling", "stable"]),
              help="Only relationships with this trend label (repeatable).")
@click.option("--since", metavar="YYYY-MM-DD", default=None,
              help="Instead of trends: what changed between this date and the as-of date "
                   "(strengths, labels, attitude and role changes).")
@FORMAT_OPTION
@pass_ctx
def trends(ctx: Context, accounts: tuple[str, ...], labels: tuple[str, ...], since: str | None, fmt: str) -> None:
    """How each (our person, customer contact) relationship is moving, month by month."""
    from kamgraph.analysis.trends import relationship_changes, trends as trend_rows
    from kamgraph.errors import ConfigError

    settings = ctx.settings()
    snap = _snapshot(ctx, accounts)
    as_of = settings.as_of_date()
    if since is not None:
        try:
            start = pd.Timestamp(since)
        except (ValueError, TypeError):
            raise ConfigError(f"--since must be a date like 2026-01-31, got {since!r}") from None
        df = relationship_changes(snap, settings, start, as_of)
        if accounts:
            df = df[df["account_id"].fillna("").str.split(",").map(lambda a: bool(set(a) & set(accounts)))]
        _show(df.reset_index(drop=True), fmt, ["date", "kind", "description"],
              f"Changes {start.date()} → {as_of.date()}")
        return
    df = trend_rows(snap, settings, as_of)
    if accounts:
        df = df[df["accounts"].fillna("").str.split(",").map(lambda a: bool(set(a) & set(accounts)))]
    if labels:
        df = df[df["label"].isin(labels)]
    _show(df.reset_index(drop=True), fmt,
          ["person_name", "other_name", "accounts", "strength_now", "slope", "label", "last_interaction"],
          f"Trends on {as_of.date()}")


@main.command(name="what-if")
@click.option("--without", "person_id", required=True, metavar="ID",
              help="An internal person (they leave us) or a customer contact (they leave the account).")
@ACCOUNT_OPTION
@click.option("--all", "show_all", is_flag=True, help="Show unchanged accounts too.")
@FORMAT_OPTION
@pass_ctx
def what_if(ctx: Context, person_id: str, accounts: tuple[str, ...], show_all: bool, fmt: str) -> None:
    """Account coverage before and after one person leaves."""
    from kamgraph.analysis.whatif import without_contact, without_internal
    from kamgraph.errors import NotFound

    settings = ctx.settings()
    snap = _snapshot(ctx, accounts)
    as_of = settings.as_of_date()
    person = snap.people[snap.people["id"] == person_id]
    if person.empty:
        raise NotFound(f"no person with id {person_id!r}")
    fn = without_internal if person.iloc[0]["side"] == "internal" else without_contact
    df = fn(snap, settings, person_id, as_of, list(accounts) or None)
    if not show_all:
        df = df[df["changed"]].reset_index(drop=True)
        if df.empty and fmt == "table":
            click.echo(f"No account's coverage changes without {person.iloc[0]['name']} ({person_id}).")
            return
    _show(df, fmt, ["account_id", "account_name", "coverage_score_before", "coverage_score_after", "delta",
                    "covered_before", "covered_after", "threads_before", "threads_after", "missing_team_roles_after"],
          f"Without {person.iloc[0]['name']} ({person_id}) on {as_of.date()}")
