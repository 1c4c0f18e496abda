"""Every threshold and weight of the analyses, in one frozen object.

Defaults and what they mean: docs/architecture.md, "Definitions"; the figures behind
the signal defaults: benchmarks/README.md, "Signal quality". A ``kamgraph.toml`` overrides any of them::

    [strength]
    half_life_days = 120

    [strength.interaction_weights]
    visit = 4.0

    [[tier_policy]]
    tier = "gold"
    executive_level = 2
    min_exec_tie = 0.5
    exec_tie_roles = ["decision_maker", "approver"]
    min_exec_visits_per_quarter = 2
    iron_triangle = ["ar", "sr", "fr"]

>>> s = Settings()
>>> s.strength.half_life_days
90.0
>>> s.replace(strength={"half_life_days": 30}).strength.half_life_days
30.0
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from kamgraph.errors import ConfigError
from kamgraph.i18n import _


def _frozen(d: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(d))


@dataclass(frozen=True)
class StrengthSettings:
    """Relationship strength (docs/architecture.md, "Strength"). Defaults and the figures
    behind them: benchmarks/README.md, "Signal quality"."""

    half_life_days: float = 90.0  # H: evidence from interactions halves every H days
    declared_half_life_days: float = 365.0  # H_decl: declared tie strength decay
    # strength from interactions alone is evidence / (evidence + scale): 0.5 at evidence = scale
    # (a one-to-one meeting today is evidence 2.0; the sample's stories hold from 1.5 to 3)
    evidence_scale: float = 2.0
    # the share of one interaction a pair of its n attendees gets: (n - 1) ** -size_exponent
    # (1.0: Newman's collaboration weighting, 1 / (n - 1); 0.0: every pair gets the whole)
    size_exponent: float = 1.0
    interaction_weights: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {"visit": 3.0, "meal": 2.5, "meeting": 2.0, "event": 1.0, "call": 1.0, "email": 0.3}
        )
    )


@dataclass(frozen=True)
class TrendSettings:
    """Trend labels (docs/architecture.md, "Trends"); defaults measured in benchmarks/README.md."""

    months: int = 12  # length of the monthly series
    slope_points: int = 6  # the slope is fitted over the last N monthly points (inside the history window)
    # the slope is the monthly relative change of the strength's odds s / (1 - s) (without a
    # declared tie: of the evidence); complete silence is 2 ** (-30.4 / 90) - 1 = -21% a month
    slope_threshold: float = 0.15  # |slope| below this (15% a month) is "stable"
    # dormant: silence longer than dormant_factor x the pair's usual gap between contact days,
    # never shorter than dormant_min_days nor longer than dormant_max_days; the usual gap is
    # shrunk toward its people's own rhythm, so a pair seen on one day is judged by that
    dormant_factor: float = 3.0
    dormant_min_days: int = 30
    dormant_max_days: int = 180
    # cooling (when not dormant): falling strength while overdue, i.e. silence longer than
    # cooling_factor x the usual gap (and at least dormant_min_days / 2)
    cooling_factor: float = 1.0
    new_days: int = 90  # first interaction within this many days => new ...
    new_after_start_days: int = 90  # ... and at least this long after the history starts
    min_window_days: int = 30  # monthly points closer than this to the history start are not used
    change_min_delta: float = 0.1  # relationship_changes: |strength change| reported from this


@dataclass(frozen=True)
class CoverageSettings:
    covered: float = 0.5  # best strength >= this => covered
    thread: float = 0.3  # internal people with strength >= this count as threads
    peer_level_gap: int = 1  # peer covered when our level <= contact level + gap
    role_weights: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "decision_maker": 3.0,
                "approver": 2.0,
                "technical_evaluator": 1.5,
                "influencer": 1.5,
                "coach": 1.5,
                "procurement": 1.0,
                "user": 1.0,
            }
        )
    )


@dataclass(frozen=True)
class GapSettings:
    single_thread_share: float = 0.7  # one person holds >= this share of strong ties
    strong: float = 0.5  # a strong tie for single-threading purposes
    cooling_key_roles: tuple[str, ...] = ("decision_maker", "approver", "coach")
    peer_roles: tuple[str, ...] = ("decision_maker", "approver")  # no_peer_coverage checks these roles
    opponent_influence: int = 4  # unmanaged opponent: influence >= this and no tie
    key_person_drop: float = 0.3  # key-person risk: coverage drops by >= this
    severity: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "no_decision_maker_known": 0.9,
                "uncovered_decision_maker": 1.0,
                "no_peer_coverage": 0.7,
                "single_threaded": 0.6,
                "cooling_key_relationship": 0.8,
                "unmanaged_opponent": 0.8,
                "missing_team_role": 0.5,
                "tier_policy": 0.7,
                "key_person_risk": 0.6,
            }
        )
    )


@dataclass(frozen=True)
class PathSettings:
    top_k: int = 3
    kind_factors: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "relative": 1.0,
                "friend": 1.0,
                "classmate": 0.9,
                "comrade": 0.9,
                "former_colleague": 0.8,
                "colleague": 0.8,  # the target's colleague acting as coach
                "partner": 0.7,
                "official": 0.6,
                "business": 0.7,
                "other": 0.5,
                "association": 0.3,  # shared organization membership
            }
        )
    )


@dataclass(frozen=True)
class InfluenceSettings:
    damping: float = 0.85
    reports_to_weight: float = 2.0  # weight of a subordinate -> boss edge
    hidden_min_level: int = 3  # hidden influencer: level >= this ...
    hidden_top_share: float = 0.25  # ... and rank within the top share of the account
    missing_weight: float = 3.0  # an INFLUENCES link without a weight counts as this (1..5 scale)
    # power's walk restarts in proportion to (1 - mu) x interaction power + mu / n: mu keeps
    # people nobody interacted with in the ranking (PageRank's usual 0.15)
    uniform_restart: float = 0.15
    broker_sample: int = 300  # betweenness sampled over this many sources in larger accounts


@dataclass(frozen=True)
class TierSettings:
    # value score = weighted mean of per-metric percentiles across the portfolio
    metric_weights: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "revenue": 0.35,
                "gross_margin": 0.15,
                "collection_rate": 0.1,
                "on_time_payment": 0.1,
                "growth": 0.1,
                "industry_influence": 0.1,
                "strategic_fit": 0.1,
            }
        )
    )
    # minimum value score (0..1) for each tier, best first; below the last => standard
    thresholds: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"diamond": 0.8, "gold": 0.6, "silver": 0.4})
    )
    problem_margin: float = 0.0  # gross margin below this => problem
    problem_collection: float = 0.8  # collection rate below this => problem
    pareto_share: float = 0.2  # "top 20% of accounts"
    # the portfolio's reporting currency (ISO 4217, e.g. "CNY") when the data records every
    # account's revenue and opportunity amounts in one currency; empty: each account's
    # country's currency (CN -> CNY, DE -> EUR; kamgraph.analysis.money), else none
    currency: str = ""
    weights: Mapping[str, float] = field(  # tier weight for visit priorities
        default_factory=lambda: _frozen({"diamond": 4.0, "gold": 3.0, "silver": 2.0, "standard": 1.0})
    )


@dataclass(frozen=True)
class TierPolicy:
    tier: str
    executive_level: int = 2  # executive ties must come from our people at this level or higher
    min_exec_tie: float = 0.6
    exec_tie_roles: tuple[str, ...] = ("decision_maker",)
    exec_tie_contact_max_level: int = 2  # ... to a contact at level <= this
    min_exec_visits_per_quarter: int = 0
    iron_triangle: tuple[str, ...] = ("ar", "sr", "fr")
    executive_sponsor: bool = False  # an executive_sponsor must be assigned


DEFAULT_TIER_POLICY: tuple[TierPolicy, ...] = (
    TierPolicy("diamond", executive_level=1, min_exec_tie=0.6, min_exec_visits_per_quarter=2,
               iron_triangle=("ar", "sr", "fr"), executive_sponsor=True),
    TierPolicy("gold", executive_level=2, min_exec_tie=0.5, exec_tie_roles=("decision_maker", "approver"),
               min_exec_visits_per_quarter=1, iron_triangle=("ar", "sr", "fr")),
    TierPolicy("silver", executive_level=3, min_exec_tie=0.0, exec_tie_roles=(),
               min_exec_visits_per_quarter=0, iron_triangle=("ar",)),
    TierPolicy("standard", executive_level=4, min_exec_tie=0.0, exec_tie_roles=(),
               min_exec_visits_per_quarter=0, iron_triangle=()),
)


@dataclass(frozen=True)
class VisitSettings:
    executive_max_level: int = 2  # default executives: internal people at level <= this
    capacity: int = 6  # visits per executive in the period
    level_gap: int = 1  # level-matched: executive level <= contact level + gap
    role_weights: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {"decision_maker": 3.0, "approver": 2.0, "technical_evaluator": 1.0, "influencer": 1.5,
             "coach": 1.0, "procurement": 1.0, "user": 0.5}
        )
    )
    unassessed_role_weight: float = 0.5  # role weight of a contact without an assessed decision role
    # feasibility of a level-matched executive with no access path at all: a cold request
    # for a meeting on the company's standing; also the minimum of any feasibility, so a
    # weak path never scores below having none
    feasibility_floor: float = 0.1
    # default planning period: "next" calendar quarter after the as-of date ("this": from the
    # as-of date to the end of its quarter; "after": the quarter after next). Executives plan
    # a quarter ahead, and visits are counted per quarter by the tier policy.
    quarter: str = "next"
    # at most this many visits per executive per calendar week (Monday to Sunday): a visit
    # is a day out of the office (travel, the meeting, the meal), and three leave the
    # executive two working days for everything else; a trip of more contacts continues the
    # next week
    week_cap: int = 3
    briefing_meetings: int = 3  # the briefing lists this many of the contact's latest meetings
    # gap kinds (kamgraph.analysis.gaps) that make a contact worth an executive visit
    gap_kinds: tuple[str, ...] = ("uncovered_decision_maker", "no_peer_coverage", "cooling_key_relationship",
                                  "unmanaged_opponent", "tier_policy")
    # an account short of executive visits (tier policy) makes its contacts in these roles candidates
    exec_visit_roles: tuple[str, ...] = ("decision_maker", "approver")


@dataclass(frozen=True)
class MapSettings:
    """Relationship maps (kamgraph.report.relmap): how big a map is drawn, and how."""

    # Ignored since the org-chart map (issue 14): it draws any size by folding branches
    # outside the focus, with fixed positions. Kept so kamgraph.toml files that set them load.
    max_nodes: int = 300
    physics_max_nodes: int = 60
    height_px: int = 620  # height of the map canvas


@dataclass(frozen=True)
class LimitsSettings:
    """What an import accepts, checked before the expensive work (docs/data-format.md,
    "Limits"). The defaults take the benchmark's scale-L portfolio with room to spare
    (5,000,000 attendance rows; its largest file, attendance.csv, is about 90 MB) and stop
    a zip bomb or a 100,000-column header at once::

        [limits]
        max_rows = 20000000
    """

    max_file_bytes: int = 1024**3  # one CSV file or workbook on disk (read whole into memory)
    max_rows: int = 10_000_000  # data rows of one file or sheet
    max_columns: int = 1_000  # columns of one header
    max_field_bytes: int = 16 * 1024**2  # one cell (a long note is fine; a runaway quote is not)
    # an .xlsx is a zip: the sum of its members' uncompressed sizes, and that sum over the
    # compressed size (ordinary workbooks compress 5-30x; a zip bomb 200x and more)
    max_workbook_bytes: int = 512 * 1024**2
    max_compression_ratio: float = 100.0


@dataclass(frozen=True)
class Settings:
    as_of: str = ""  # analysis date (YYYY-MM-DD); empty = today
    language: str = ""  # "en" or "zh_CN"; empty = $KAMGRAPH_LANG, else English (kamgraph.i18n)
    strength: StrengthSettings = field(default_factory=StrengthSettings)
    trend: TrendSettings = field(default_factory=TrendSettings)
    coverage: CoverageSettings = field(default_factory=CoverageSettings)
    gaps: GapSettings = field(default_factory=GapSettings)
    paths: PathSettings = field(default_factory=PathSettings)
    influence: InfluenceSettings = field(default_factory=InfluenceSettings)
    tiers: TierSettings = field(default_factory=TierSettings)
    tier_policy: tuple[TierPolicy, ...] = DEFAULT_TIER_POLICY
    visits: VisitSettings = field(default_factory=VisitSettings)
    map: MapSettings = field(default_factory=MapSettings)
    limits: LimitsSettings = field(default_factory=LimitsSettings)

    def as_of_date(self, override: str | None = None) -> "pd.Timestamp":
        """The analysis date: ``override``, else ``as_of``, else today (midnight)."""
        import pandas as pd

        value = override or self.as_of
        if not value:
            return pd.Timestamp.today().normalize()
        try:
            return pd.Timestamp(value).normalize()
        except (ValueError, TypeError):
            raise ConfigError(_("{what} must be a date like 2026-11-15, got {value}").format(
                what="as_of", value=repr(value))) from None

    def policy_for(self, tier: str | None) -> TierPolicy | None:
        for p in self.tier_policy:
            if p.tier == tier:
                return p
        return None

    def replace(self, **sections: Any) -> "Settings":
        """A copy with some sections overridden from plain dicts (as read from TOML)."""
        return _apply(self, sections, "")

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Settings":
        """Defaults, overridden by the TOML file ``path`` (which file: :mod:`kamgraph.config`)."""
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(_("settings file not found: {path}").format(path=p)) from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(_("{path}: not valid TOML: {reason}").format(path=p, reason=e)) from None
        try:
            return cls().replace(**data)
        except ConfigError as e:
            raise ConfigError(_("{path}: {message}").format(path=p, message=e)) from None


def _apply(obj: Any, overrides: Mapping[str, Any], prefix: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        name = f"{prefix}{key}"
        if key not in fields:
            raise ConfigError(_("unknown setting {name}; known: {known}").format(
                name=repr(name), known=", ".join(sorted(fields))))
        current = getattr(obj, key)
        if key == "tier_policy":
            if not isinstance(value, list):
                raise ConfigError(_("tier_policy must be an array of tables ([[tier_policy]])"))
            changes[key] = tuple(_policy(v) for v in value)
        elif dataclasses.is_dataclass(current):
            if not isinstance(value, Mapping):
                raise ConfigError(_("{name} must be a table").format(name=name))
            changes[key] = _apply(current, value, f"{name}.")
        elif isinstance(current, Mapping):
            if not isinstance(value, Mapping):
                raise ConfigError(_("{name} must be a table").format(name=name))
            merged = dict(current)
            for k, v in value.items():
                if not isinstance(v, (int, float)):
                    raise ConfigError(_("{name} must be a number, got {value}").format(name=f"{name}.{k}", value=repr(v)))
                merged[k] = float(v)
            changes[key] = _frozen(merged)
        elif isinstance(current, tuple):
            if not isinstance(value, list):
                raise ConfigError(_("{name} must be a list").format(name=name))
            changes[key] = tuple(value)
        elif isinstance(current, bool):
            if not isinstance(value, bool):
                raise ConfigError(_("{name} must be true or false, got {value}").format(name=name, value=repr(value)))
            changes[key] = value
        elif isinstance(current, (int, float)):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ConfigError(_("{name} must be a number, got {value}").format(name=name, value=repr(value)))
            changes[key] = type(current)(value)
        else:
            changes[key] = value
    return dataclasses.replace(obj, **changes)


def _policy(d: Any) -> TierPolicy:
    if not isinstance(d, Mapping) or "tier" not in d:
        raise ConfigError(_("each [[tier_policy]] needs a tier = \"...\""))
    return _apply(TierPolicy(tier=str(d["tier"])), {k: v for k, v in d.items() if k != "tier"}, "tier_policy.")
