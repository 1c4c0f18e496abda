"""The key-account vocabulary (docs/architecture.md) as enums and small records.

Every enum value is the lower-case string used in CSV files, in the stores and in the UI,
so ``Attitude("supporter")`` parses what a user typed and ``Attitude.SUPPORTER.value``
is what gets written.

>>> Attitude("supporter").score
1
>>> Level.from_title("VP of Engineering")
<Level.VP: 2>
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum, IntEnum

from kamgraph.titles import LEVEL_NAMES, level_from_title

__all__ = [
    "Side",
    "Level",
    "DecisionRole",
    "Attitude",
    "TeamRole",
    "TieKind",
    "InteractionKind",
    "OrganizationKind",
    "Tier",
    "OpportunityStatus",
    "Person",
    "Account",
    "Tie",
    "Interaction",
    "level_from_title",
    "LEVEL_NAMES",
]


class _StrEnum(str, Enum):
    """A string enum whose ``str()`` is its value (so f-strings and CSVs read naturally)."""

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


class Side(_StrEnum):
    CUSTOMER = "customer"  # works at an account
    INTERNAL = "internal"  # our staff
    EXTERNAL = "external"  # connectors, officials, association leaders


class Level(IntEnum):
    """Seniority, 1 = highest."""

    BOARD = 1  # board / CEO / president / owner
    VP = 2  # VP / GM / EVP / other C-level
    DIRECTOR = 3  # director / head of
    MANAGER = 4
    STAFF = 5

    @property
    def label(self) -> str:
        return LEVEL_NAMES[int(self)]

    @classmethod
    def from_title(cls, title: str | None) -> "Level | None":
        lvl = level_from_title(title)
        return None if lvl is None else cls(lvl)


class DecisionRole(_StrEnum):
    DECISION_MAKER = "decision_maker"  # economic buyer, final say
    APPROVER = "approver"
    TECHNICAL_EVALUATOR = "technical_evaluator"
    USER = "user"
    INFLUENCER = "influencer"
    PROCUREMENT = "procurement"  # gatekeeper
    COACH = "coach"  # our guide inside


class Attitude(_StrEnum):
    CHAMPION = "champion"
    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    SKEPTIC = "skeptic"
    OPPONENT = "opponent"

    @property
    def score(self) -> int:
        return _ATTITUDE_SCORE[self]


_ATTITUDE_SCORE = {
    Attitude.CHAMPION: 2,
    Attitude.SUPPORTER: 1,
    Attitude.NEUTRAL: 0,
    Attitude.SKEPTIC: -1,
    Attitude.OPPONENT: -2,
}


class TeamRole(_StrEnum):
    """Internal staff's role on an account team (the iron triangle plus a sponsor)."""

    EXECUTIVE_SPONSOR = "executive_sponsor"
    AR = "ar"  # account responsible
    SR = "sr"  # solution responsible
    FR = "fr"  # fulfilment responsible
    OTHER = "other"


class TieKind(_StrEnum):
    BUSINESS = "business"
    FRIEND = "friend"
    CLASSMATE = "classmate"
    FORMER_COLLEAGUE = "former_colleague"
    RELATIVE = "relative"
    COMRADE = "comrade"
    OFFICIAL = "official"
    PARTNER = "partner"
    OTHER = "other"


class InteractionKind(_StrEnum):
    VISIT = "visit"
    MEETING = "meeting"
    MEAL = "meal"
    CALL = "call"
    EMAIL = "email"
    EVENT = "event"


class OrganizationKind(_StrEnum):
    ASSOCIATION = "association"
    REGULATOR = "regulator"
    ALUMNI = "alumni"
    PARTNER = "partner"
    GOVERNMENT = "government"
    INTERNAL = "internal"  # our own company
    OTHER = "other"


class Tier(_StrEnum):
    DIAMOND = "diamond"
    GOLD = "gold"
    SILVER = "silver"
    STANDARD = "standard"


class OpportunityStatus(_StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    side: Side
    title: str | None = None
    level: Level | None = None


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str
    tier: Tier | None = None


@dataclass(frozen=True, slots=True)
class Tie:
    person_id: str
    other_id: str
    kind: TieKind
    strength: int | None = None
    assessed_on: date | None = None


@dataclass(frozen=True, slots=True)
class Interaction:
    id: str
    date: date
    kind: InteractionKind
    attendees: tuple[str, ...] = ()
    account_id: str | None = None
