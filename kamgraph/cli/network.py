"""Network verbs: ``paths`` (access paths), ``influence`` (who shapes decisions), ``tiers``.

Each reads one snapshot of the store (scoped to the accounts concerned where that is
enough), runs one analysis of :mod:`kamgraph.analysis` and prints it as a table, CSV or
JSON. The analysis date is ``--as-of`` (else the settings' ``as_of``, else today).
"""

from __future__ import annotations

import click
import pandas as pd

from kamgraph.cli import ACCOUNT_OPTION, FORMAT_OPTION, account_option, echo, main, open_store, output, pass_config
from kamgraph.cli.analysis import note_data_period, output_or_reason
from kamgraph.config import Config
from kamgraph.errors import NotFound
from kamgraph.i18n import _, fmt_day, fmt_percent, pgettext

_PATH_TABLE = ["target_id", "rank", "score", "kind", "explanation", "strength_why"]
_INFLUENCE_TABLE = ["account_id", "person_id", "name", "level", "rank", "power", "interaction_power", "pagerank",
                    "formal_rank", "informal_rank", "hidden_influencer", "broker", "decision_role", "attitude"]


def _why(snap, settings, as_of, df: pd.DataFrame) -> pd.DataFrame:
    """Add ``strength_why``: where the strength of each path's first leg comes from (our
    person to the intermediary, or to the target for a direct path), in one line."""
    from kamgraph.analysis.strength import explain_pairs

    if df.empty:
        return df.assign(strength_why=pd.Series(dtype=object))
    via = df["via_id"].where(df["kind"] == "person", df["target_id"])
    why = explain_pairs(snap, settings, df["internal_id"].to_numpy(dtype=object), via.to_numpy(dtype=object), as_of)
    return df.assign(strength_why=why)
_PATH_CODES = {"kind": "path_kind"}
_TIER_TABLE = ["account_id", "name", "value_score", "computed_tier", "declared_tier", "tier", "problem",
               "problem_reasons", "revenue"]




def _account_name() -> dict[str, str]:
    return {"name": pgettext("account column", "name")}


def _target_scope(store, person_id: str) -> list[str] | None:
    """The accounts a person works at (their snapshot holds every one-hop path), or None."""
    if store.read("people", "id", [person_id]).empty:
        raise NotFound(_("no person with id {id}").format(id=repr(person_id)))
    orgs = store.read("employment", "person_id", [person_id])["org_id"].dropna().unique().tolist()
    accounts = store.read("accounts", "id", orgs)["id"].tolist() if orgs else []
    return sorted(accounts) or None


@main.command()
@click.option("--to", "target", metavar="ID", help="The person to reach.")
@click.option("--uncovered", is_flag=True,
              help="Paths to every decision-maker not yet covered (best direct strength below coverage.covered).")
@account_option(help="With --uncovered: only this account (repeatable). Default: every account.")
@click.option("-k", "k", type=click.IntRange(min=1), default=None, help="Paths per target (default paths.top_k).")
@FORMAT_OPTION
@pass_config
def paths(config: Config, target: str | None, uncovered: bool, accounts: list[str] | None, k: int | None,
          fmt: str) -> None:
    """Access paths to a customer contact: direct, or through one person or one shared organization."""
    from kamgraph.analysis.paths import access_paths, uncovered_decision_maker_paths

    if bool(target) == uncovered:
        raise click.UsageError(_("give either --to ID or --uncovered"))
    if accounts and not uncovered:
        raise click.UsageError(_("--account goes with --uncovered"))
    settings, as_of = config.settings, config.as_of
    with open_store(config) as store:
        snap = store.snapshot(_target_scope(store, target) if target else accounts)
    note_data_period(snap, config)
    if target:
        df = access_paths(snap, settings, target, as_of, k=k)
        if df.empty and fmt == "table":
            echo(_("no access path to {target}: nobody on our side knows them or anyone who does").format(
                target=target))
            return
        output(_why(snap, settings, as_of, df), fmt, columns=_PATH_TABLE, codes=_PATH_CODES,
               title=_("access paths to {target} on {day}").format(target=target, day=fmt_day(as_of)))
        return
    df = uncovered_decision_maker_paths(snap, settings, as_of, k=k, accounts=accounts)
    output_or_reason(_why(snap, settings, as_of, df), fmt, snap, config, ["internal", "decision_roles"],
                     _("no path to an uncovered decision-maker (all covered, or none reachable)"),
                     columns=["account_id", "best_direct"] + _PATH_TABLE, codes=_PATH_CODES,
                     title=_("paths to uncovered decision-makers on {day}").format(day=fmt_day(as_of)))


@main.command("influence")
@ACCOUNT_OPTION
@FORMAT_OPTION
@pass_config
def influence_cmd(config: Config, accounts: list[str] | None, fmt: str) -> None:
    """Who holds power inside each account: power and its parts (interaction power, declared-link
    PageRank), formal vs informal rank, hidden influencers and brokers."""
    from kamgraph.analysis.influence import influence

    with open_store(config) as store:
        snap = store.snapshot(accounts)
    note_data_period(snap, config)
    df = influence(snap, config.settings, account_ids=accounts, as_of=config.as_of)
    output_or_reason(df, fmt, snap, config, ["accounts", "contacts"], _("no one to rank"), columns=_INFLUENCE_TABLE,
                     title=_("influence"))


@main.command()
@click.option("--pareto", "show_pareto", is_flag=True, help="Show the revenue concentration curve instead.")
@click.option("--policy", "show_policy", is_flag=True, help="Show the tier policy table instead.")
@FORMAT_OPTION
@pass_config
def tiers(config: Config, show_pareto: bool, show_policy: bool, fmt: str) -> None:
    """Account tiers from value metrics, problem flags and the Pareto summary."""
    from kamgraph.analysis.tiering import account_tiers, pareto, tier_policy_table

    if show_pareto and show_policy:
        raise click.UsageError(_("give at most one of --pareto and --policy"))
    settings = config.settings
    if show_policy:
        output(tier_policy_table(settings), fmt, title=_("tier policy"))
        return
    with open_store(config) as store:
        snap = store.snapshot(None)
    note_data_period(snap, config)
    if snap.accounts.empty and fmt == "table":
        echo(_("nothing to show: no accounts imported"))
        return
    if show_pareto:
        summary = pareto(snap, settings)
        if fmt == "json":
            output({**summary.as_dict(), "curve": summary.curve.to_dict("records")})
        else:
            output(summary.curve, fmt, title=_("revenue by account"), headers=_account_name())
            if fmt == "table":
                echo(_pareto_line(summary))
        return
    df = account_tiers(snap, settings)
    output(df, fmt, columns=_TIER_TABLE, title=_("account tiers"), headers=_account_name())
    if fmt == "table" and len(df):
        echo(_pareto_line(pareto(snap, settings)))


def _pareto_line(summary) -> str:
    if summary.n_accounts == 0 or pd.isna(summary.revenue_share):
        return _("no revenue recorded")
    return _("top {top_share} of accounts ({n_top} of {n_accounts}) bring {revenue_share} of revenue").format(
        top_share=fmt_percent(summary.top_share), n_top=summary.n_top, n_accounts=summary.n_accounts,
        revenue_share=fmt_percent(summary.revenue_share))
