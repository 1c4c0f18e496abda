"""Pure analyses of a :class:`~kamgraph.snapshot.Snapshot` (definitions: docs/architecture.md).

Every function takes ``(snap, settings, as_of=None, ...)`` and returns a pandas DataFrame;
thresholds and weights come from :class:`~kamgraph.settings.Settings`.
"""

from kamgraph.analysis.coverage import account_coverage, contact_coverage, opportunity_coverage
from kamgraph.analysis.gaps import GAP_KINDS, gaps
from kamgraph.analysis.strength import strength_series, strengths
from kamgraph.analysis.trends import monthly_series, relationship_changes, trends
from kamgraph.analysis.whatif import key_person_risk, without_contact, without_internal

__all__ = [
    "strengths", "strength_series",
    "monthly_series", "trends", "relationship_changes",
    "contact_coverage", "account_coverage", "opportunity_coverage",
    "without_internal", "without_contact", "key_person_risk",
    "gaps", "GAP_KINDS",
]

# access paths (index in kamgraph.analysis.access), power and tiering
from kamgraph.analysis.influence import influence  # noqa: E402
from kamgraph.analysis.paths import access_paths, access_paths_for, prepare, uncovered_decision_maker_paths  # noqa: E402
from kamgraph.analysis.tiering import ParetoSummary, account_tiers, pareto, tier_policy_table  # noqa: E402

__all__ += [
    "access_paths", "access_paths_for", "uncovered_decision_maker_paths", "prepare",
    "influence",
    "account_tiers", "pareto", "tier_policy_table", "ParetoSummary",
]
