"""Account tiers by value contributed, the problem flag, the Pareto summary, the policy table.

docs/architecture.md ("Tiers and visits") and key-account practice: accounts are tiered by the
value they contribute (revenue, margin, payment behaviour, growth, influence, fit), not by
size alone.

Value score
    For each metric of ``settings.tiers.metric_weights`` that is an account column, the
    account's *percentile rank* among the accounts that have the metric:
    ``(number below + 0.5 * number equal, itself included) / n``, so five distinct
    values get 0.1, 0.3, 0.5, 0.7, 0.9 and a lone account 0.5. Higher is better for every
    metric. ``value_score`` is the weighted mean of the percentiles the account has;
    a missing metric is ignored and the remaining weights renormalized. An account
    with no metric at all has no value score and no computed tier.
Tier
    ``computed_tier`` is the best tier of ``settings.tiers.thresholds`` whose minimum the
    value score reaches (``>=``: a score exactly at a threshold makes the tier), else
    ``standard``. ``tier`` is the declared tier when the account has one, else the
    computed one (else ``standard``).
Problem
    Declared ``problem``, or ``gross_margin < problem_margin``, or
    ``collection_rate < problem_collection``; ``problem_reasons`` says which.

Percentiles are relative to the accounts in the snapshot: compute tiers on the whole
portfolio (``store.snapshot()``), not on one account's scope.

>>> from kamgraph.analysis.tiering import percentile_rank
>>> percentile_rank(pd.Series([10.0, 20.0, 30.0, 40.0, 50.0])).tolist()
[0.1, 0.3, 0.5, 0.7, 0.9]
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamgraph.analysis.derived import derived
from kamgraph.analysis.words import sentence_join
from kamgraph.i18n import _, pgettext
from kamgraph.model import Tier
from kamgraph.settings import Settings, TierPolicy
from kamgraph.snapshot import Snapshot

# floating-point noise only: a weighted mean that is exactly a threshold in exact arithmetic
# (0.375 * 0.35 / 0.35) must make that tier, not miss it by one unit in the last place
_SCORE_DECIMALS = 12

__all__ = ["ParetoSummary", "account_tiers", "pareto", "percentile_rank", "tier_policy_table"]


def percentile_rank(values: pd.Series) -> pd.Series:
    """Mid-rank percentile of each value among the non-missing values (NaN stays NaN)."""
    v = pd.to_numeric(values, errors="coerce").astype("float64")
    n = v.notna().sum()
    if n == 0:
        return v
    return (v.rank(method="average") - 0.5) / n


def account_tiers(snap: Snapshot, settings: Settings) -> pd.DataFrame:
    """Value score, computed and effective tier, and problem flag of every account.

    Columns ``account_id, name, value_score, computed_tier, declared_tier, tier, problem,
    problem_reasons, revenue`` then ``pct_<metric>`` per weighted metric; sorted by value
    score (best first, accounts without one last), then id.
    """
    return _account_tiers(snap, settings)


@derived("tiers", localized=True)
def _account_tiers(snap: Snapshot, settings: Settings) -> pd.DataFrame:
    ts = settings.tiers
    acc = snap.accounts
    out = pd.DataFrame({"account_id": acc["id"].astype(object), "name": acc["name"].astype(object)})
    metrics = [m for m in ts.metric_weights if m in acc.columns]
    weighted = np.zeros(len(acc))
    weight_sum = np.zeros(len(acc))
    for m in metrics:
        pct = percentile_rank(acc[m]).to_numpy()
        out[f"pct_{m}"] = pct
        has = ~np.isnan(pct)
        w = ts.metric_weights[m]
        weighted += np.where(has, pct * w, 0.0)
        weight_sum += np.where(has, w, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(weight_sum > 0, weighted / np.where(weight_sum > 0, weight_sum, 1.0), np.nan)
    score = np.round(score, _SCORE_DECIMALS)
    out.insert(2, "value_score", score)

    computed = np.full(len(acc), None, dtype=object)
    has_score = ~np.isnan(score)
    computed[has_score] = Tier.STANDARD.value
    # best tier first: assign from the lowest threshold up so the highest reached wins
    for tier, minimum in sorted(ts.thresholds.items(), key=lambda kv: kv[1]):
        computed[has_score & (np.nan_to_num(score, nan=-np.inf) >= minimum)] = tier
    declared = acc["tier"].astype(object).where(acc["tier"].notna(), None)
    out.insert(3, "computed_tier", computed)
    out.insert(4, "declared_tier", declared.to_numpy())
    tier = np.where(declared.notna().to_numpy(), declared.to_numpy(), computed)
    out.insert(5, "tier", np.where(pd.isna(tier), Tier.STANDARD.value, tier).astype(object))

    margin = acc["gross_margin"].astype("float64")
    collection = acc["collection_rate"].astype("float64")
    flags = {
        pgettext("problem", "declared"): acc["problem"].fillna(False).astype(bool).to_numpy(),
        _("gross margin below {limit}").format(limit=f"{ts.problem_margin:g}"):
            (margin < ts.problem_margin).to_numpy(),
        _("collection rate below {limit}").format(limit=f"{ts.problem_collection:g}"):
            (collection < ts.problem_collection).to_numpy(),
    }
    sep = sentence_join(["", ""])
    reasons = np.full(len(acc), "", dtype=object)
    for label, hit in flags.items():
        reasons = np.where(hit, np.where(reasons == "", label, reasons + sep + label), reasons)
    out.insert(6, "problem", np.logical_or.reduce(list(flags.values())) if len(acc) else np.zeros(0, bool))
    out.insert(7, "problem_reasons", np.where(reasons == "", None, reasons).astype(object))
    out.insert(8, "revenue", acc["revenue"].astype("float64").to_numpy())
    out["_missing"] = np.isnan(score)
    out = out.sort_values(["_missing", "value_score", "account_id"], ascending=[True, False, True],
                          kind="mergesort").drop(columns="_missing")
    for c in ("account_id", "name", "computed_tier", "declared_tier", "tier", "problem_reasons"):
        col = out[c].astype(object)
        out[c] = col.where(col.notna(), None)
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class ParetoSummary:
    """What share of revenue the top ``top_share`` of accounts bring.

    ``curve``: accounts by revenue (highest first) with ``cum_account_share`` and
    ``cum_revenue_share``.
    """

    top_share: float
    n_accounts: int
    n_top: int
    revenue_share: float
    total_revenue: float
    curve: pd.DataFrame

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "curve"}


def pareto(snap: Snapshot, settings: Settings) -> ParetoSummary:
    """Revenue concentration: the top ``settings.tiers.pareto_share`` of accounts by revenue.

    Accounts without revenue are left out; the top group is ``ceil(share * n)`` accounts
    (at least one when there are any). With no revenue at all, the share is NaN.
    """
    share = settings.tiers.pareto_share
    acc = snap.accounts
    rev = pd.DataFrame({"account_id": acc["id"].astype(object), "name": acc["name"].astype(object),
                        "revenue": acc["revenue"].astype("float64")}).dropna(subset=["revenue"])
    rev = rev.sort_values(["revenue", "account_id"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    n = len(rev)
    total = float(rev["revenue"].sum())
    # round before ceil so that 0.2 * 10 is 2, not 3 through floating-point noise
    n_top = max(1, math.ceil(round(share * n, 9))) if n else 0
    rev["rank"] = np.arange(1, n + 1)
    rev["cum_account_share"] = rev["rank"] / n if n else []
    rev["cum_revenue_share"] = rev["revenue"].cumsum() / total if total > 0 else np.nan
    revenue_share = float(rev["revenue"].head(n_top).sum() / total) if total > 0 else float("nan")
    return ParetoSummary(top_share=share, n_accounts=n, n_top=n_top, revenue_share=revenue_share,
                         total_revenue=total, curve=rev)


def tier_policy_table(settings: Settings) -> pd.DataFrame:
    """The tier policy (``settings.tier_policy``) as a frame, one row per tier; lists joined by ``", "``."""
    rows = []
    for p in settings.tier_policy:
        row = dataclasses.asdict(p)
        for k, v in row.items():
            if isinstance(v, (tuple, list)):
                row[k] = ", ".join(map(str, v))
        row["tier_weight"] = settings.tiers.weights.get(p.tier)
        rows.append(row)
    columns = [f.name for f in dataclasses.fields(TierPolicy)] + ["tier_weight"]
    return pd.DataFrame(rows, columns=columns)
