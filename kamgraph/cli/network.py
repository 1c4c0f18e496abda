"""Network verbs: ``paths`` (access paths), ``influence`` (who shapes decisions), ``tiers``.

Each reads one snapshot of the store (scoped to the accounts concerned where that is
enough), runs one analysis of :mod:`kamgraph.analysis` and prints it as a table, CSV or
JSON. The analysis date is ``--as-of`` (else the settings' ``as_of``, else today).
"""

from __future__ import annotations

import click
import pandas as pd

from kamgraph.cli import FORMAT_OPTION, Context, emit, emit_json, main, pass_ctx
from kamgraph.errors import NotFound

_PATH_TABLE = ["target_id", "rank", "score", "kind", "explanation"]
_INFLUENCE_TABLE = ["account_id", "person_id", "name", "level", "rank", "formal_rank", "informal_rank",
                    "pagerank", "hidden_influencer", "decision_role", "attitude"]
_TIER_TABLE = ["account_id", "name", "value_score", "computed_tier", "declared_tier", "tier", "problem",
               "problem_reasons", "revenue"]


def _show(df: pd.DataFrame, fmt: str, table_columns: list[str], title: str) -> None:
    if fmt == "table":
        emit(df[[c for c in table_columns if c in df.columns]], fmt, title=title)
    else:
        emit(df, fmt)


def _target_scope(store, person_id: str) -> list[str] | None:
    """The accounts a person works at (their snapshot holds every one-hop path), or None."""
    if store.read("people", "id", [person_id]).empty:
        raise NotFound(f"no person with id {person_id!r}")
    orgs = store.read("employment", "person_id", [person_id])["org_id"].dropna().unique().tolist()
    accounts = store.read("accounts", "id", orgs)["id"].tolist() if orgs else []
    return sorted(accounts) or None


@main.command()
@click.option("--to", "target", metavar="ID", help="The person to reach.")
@click.option("--uncovered", is_flag=True,
              help="Paths to every decision-maker not yet covered (best direct strength below coverage.covered).")
@click.option("--account", "accounts", multiple=True, metavar="ID", help="With --uncovered: only these accounts.")
@click.option("-k", "k", type=click.IntRange(min=1), default=None, help="Paths per target (default paths.top_k).")
@FORMAT_OPTION
@pass_ctx
def paths(ctx: Context, target: str | None, uncovered: bool, accounts: tuple[str, ...], k: int | None,
          fmt: str) -> None:
    """Access paths to a customer contact: direct, or through one person or one shared organization."""
    from kamgraph.analysis.paths import access_paths, uncovered_decision_maker_paths

    if bool(target) == uncovered:
        raise click.UsageError("give either --to ID or --uncovered")
    if accounts and not uncovered:
        raise click.UsageError("--account goes with --uncovered")
    settings = ctx.settings()
    store = ctx.store()
    if target:
        snap = store.snapshot(_target_scope(store, target))
        df = access_paths(snap, settings, target, k=k)
        if df.empty and fmt == "table":
            click.echo(f"no access path to {target}: nobody on our side knows them or anyone who does")
            return
        _show(df, fmt, _PATH_TABLE, f"access paths to {target}")
        return
    snap = store.snapshot(sorted(accounts) if accounts else None)
    df = uncovered_decision_maker_paths(snap, settings, k=k, accounts=list(accounts) or None)
    if df.empty and fmt == "table":
        click.echo("no path to an uncovered decision-maker (all covered, or none reachable)")
        return
    _show(df, fmt, ["account_id", "best_direct"] + _PATH_TABLE, "paths to uncovered decision-makers")


@main.command("influence")
@click.option("--account", "accounts", multiple=True, metavar="ID", help="Only these accounts (default all).")
@FORMAT_OPTION
@pass_ctx
def influence_cmd(ctx: Context, accounts: tuple[str, ...], fmt: str) -> None:
    """Influence inside each account: PageRank over influence and reporting links, formal vs informal rank."""
    from kamgraph.analysis.influence import influence

    settings = ctx.settings()
    snap = ctx.store().snapshot(sorted(accounts) if accounts else None)
    df = influence(snap, settings, account_ids=list(accounts) or None)
    _show(df, fmt, _INFLUENCE_TABLE, "influence")


@main.command()
@click.option("--pareto", "show_pareto", is_flag=True, help="Show the revenue concentration curve instead.")
@click.option("--policy", "show_policy", is_flag=True, help="Show the tier policy table instead.")
@FORMAT_OPTION
@pass_ctx
def tiers(ctx: Context, show_pareto: bool, show_policy: bool, fmt: str) -> None:
    """Account tiers from value metrics, problem flags and the Pareto summary."""
    from kamgraph.analysis.tiering import account_tiers, pareto, tier_policy_table

    if show_pareto and show_policy:
        raise click.UsageError("give at most one of --pareto and --policy")
    settings = ctx.settings()
    if show_policy:
        emit(tier_policy_table(settings), fmt, title="tier policy")
        return
    snap = ctx.store().snapshot(None)
    if show_pareto:
        summary = pareto(snap, settings)
        if fmt == "json":
            emit_json({**summary.as_dict(), "curve": summary.curve.to_dict("records")})
        elif fmt == "csv":
            emit(summary.curve, fmt)
        else:
            emit(summary.curve, fmt, title="revenue by account")
            click.echo(_pareto_line(summary))
        return
    df = account_tiers(snap, settings)
    _show(df, fmt, _TIER_TABLE, "account tiers")
    if fmt == "table" and len(df):
        click.echo(_pareto_line(pareto(snap, settings)))


def _pareto_line(summary) -> str:
    if summary.n_accounts == 0 or pd.isna(summary.revenue_share):
        return "no revenue recorded"
    return (f"top {summary.top_share:.0%} of accounts ({summary.n_top} of {summary.n_accounts}) "
            f"bring {summary.revenue_share:.0%} of revenue")
