"""Shared fixtures: one Bolt server per test session, and fresh stores of each kind.

``bolt_server`` (session): an ArcadeDB server speaking Bolt, started from the PyPI package
``arcadedb-embedded`` by ``tests/bolt_server.py`` (about 3 s), or a real Neo4j when
``KAMGRAPH_TEST_NEO4J_URI`` is set (with ``KAMGRAPH_TEST_NEO4J_USER``,
``KAMGRAPH_TEST_NEO4J_PASSWORD`` and optionally ``KAMGRAPH_TEST_NEO4J_DATABASE``). Either
way it has ``uri``, ``user``, ``password``, ``auth`` and ``database``. The tests empty that
database before each test: point it at a throw-away database only (a non-empty one is
refused unless ``KAMGRAPH_TEST_NEO4J_CLEAR=1``).

Without a Bolt server the Neo4j cases skip with the reason, except when ``CI`` or
``KAMGRAPH_REQUIRE_BOLT`` is set: then they fail, so CI never skips the conformance suite.

``store`` is parametrized over ``["sqlite", "neo4j"]`` and gives an empty store per test;
``sqlite_store`` / ``neo4j_store`` give one kind; ``portfolio`` is a small hand-made
portfolio touching every entity and every column.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd
import pytest

try:
    from bolt_server import BoltServer, server_available
except ImportError:  # pragma: no cover - tests/ imported as a package
    from tests.bolt_server import BoltServer, server_available

from kamgraph.store.sqlite import SQLiteStore

try:
    from sample_stores import import_sample
except ImportError:  # pragma: no cover - tests/ imported as a package
    from tests.sample_stores import import_sample


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise():
    """Every test starts in English (the default) and leaves the process language as it found it."""
    from kamgraph.i18n import set_process_language

    set_process_language("en")
    yield
    set_process_language("en")


@pytest.fixture(scope="session")
def sample_db_file(tmp_path_factory):
    """The sample portfolio imported once per run into a SQLite file: read it, or copy it
    (``sample_stores.copy_store``) to write."""
    return import_sample(tmp_path_factory.mktemp("sample_store") / "sample.db")


@pytest.fixture(scope="module")
def sample(sample_db_file):
    """(snapshot of the sample store, the sample's settings), once per test module."""
    from kamgraph.settings import Settings
    from kamgraph.store import open_store

    try:
        from sample_stores import SAMPLE_SETTINGS
    except ImportError:  # pragma: no cover - tests/ imported as a package
        from tests.sample_stores import SAMPLE_SETTINGS
    store = open_store(f"sqlite:///{sample_db_file}")
    snap = store.snapshot()
    yield snap, Settings.load(SAMPLE_SETTINGS)
    store.close()


@dataclass(frozen=True)
class ExternalBolt:
    """A Bolt server the suite did not start (a real Neo4j from KAMGRAPH_TEST_NEO4J_URI)."""

    uri: str
    user: str
    password: str
    database: str | None

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)


def _bolt_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("KAMGRAPH_REQUIRE_BOLT"))


def _open_neo4j(target, **options):
    from kamgraph.store.neo4j import Neo4jStore

    options = {"user": target.user, "password": target.password, "database": target.database,
               "max_retry_seconds": 2.0, **options}
    return Neo4jStore(target.uri, **options)


@pytest.fixture(scope="session")
def bolt_server():
    """The session's Bolt server (ArcadeDB, or the real Neo4j named by KAMGRAPH_TEST_NEO4J_URI)."""
    uri = os.environ.get("KAMGRAPH_TEST_NEO4J_URI")
    if uri:
        target = ExternalBolt(uri, os.environ.get("KAMGRAPH_TEST_NEO4J_USER", "neo4j"),
                              os.environ.get("KAMGRAPH_TEST_NEO4J_PASSWORD", ""),
                              os.environ.get("KAMGRAPH_TEST_NEO4J_DATABASE") or None)
        store = _open_neo4j(target)
        try:
            nodes = sum(r["n"] for r in store.run_statement("count_all_nodes"))
        finally:
            store.close()
        if nodes and os.environ.get("KAMGRAPH_TEST_NEO4J_CLEAR") != "1":
            pytest.fail(f"KAMGRAPH_TEST_NEO4J_URI={uri} holds {nodes} nodes and the tests delete everything "
                        "in it: use a throw-away database, or set KAMGRAPH_TEST_NEO4J_CLEAR=1", pytrace=False)
        yield target
        return
    ok, why = server_available()
    if not ok:
        message = (f"no Bolt server for the Neo4j store tests: {why}. Install the test extras "
                   "(pip install -e '.[test]', which brings arcadedb-embedded) or set KAMGRAPH_TEST_NEO4J_URI")
        if _bolt_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with BoltServer(database="kamgraph") as srv:
        yield srv


@pytest.fixture()
def sqlite_store(tmp_path):
    s = SQLiteStore(f"sqlite:///{tmp_path / 'kamgraph.db'}")
    yield s
    s.close()


@pytest.fixture()
def neo4j_store(bolt_server):
    """A Neo4jStore on the session server, emptied before the test (the next test empties it
    again, so a test that fails leaves its data to look at)."""
    s = _open_neo4j(bolt_server)
    s.run_statement("clear_database", write=True)
    yield s
    s.close()


@pytest.fixture()
def neo4j_factory(bolt_server):
    """Open more Neo4jStores on the session server (other batch sizes, retry times...),
    after emptying the database once."""
    first = _open_neo4j(bolt_server)
    first.run_statement("clear_database", write=True)
    opened = [first]

    def make(**options):
        s = _open_neo4j(bolt_server, **options)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.bolt)])
def store(request):
    """An empty store of each kind: the conformance suite runs every case on both."""
    return request.getfixturevalue(f"{request.param}_store")


def _df(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def portfolio_frames() -> dict[str, pd.DataFrame]:
    """Two accounts with every entity and every column used at least once.

    A superset of tests/test_snapshot.py's portfolio, so the same scoping expectations
    hold: for A1 the core is c1, c2, u1; x1 is a tie neighbor; b1 and x2 stay out.
    u1 (internal) owns A1, assessed c1 and b1, and alone attended the meal i3.
    """
    return {
        "accounts": _df([
            {"id": "A1", "name": "Acme", "industry": "Semiconductors", "region": "East", "city": "Shanghai",
             "country": "CN", "tier": "gold", "problem": False, "owner_id": "u1", "revenue": 120_000_000.0,
             "gross_margin": 0.32, "collection_rate": 0.98, "on_time_payment": 0.95, "growth": 0.1,
             "industry_influence": 4, "strategic_fit": 5},
            {"id": "A2", "name": "Beta", "problem": True},
        ]),
        "organizations": _df([
            {"id": "O1", "name": "Assoc", "kind": "association", "city": "Beijing", "country": "CN"},
            {"id": "O2", "name": "Golf club", "kind": "other"},
            {"id": "O3", "name": "Lumenta", "kind": "internal", "city": "Suzhou", "country": "CN"},
        ]),
        "people": _df([
            {"id": "c1", "name": "Chen", "side": "customer", "title": "CEO", "level": 1, "email": "chen@acme.example",
             "phone": "+86 1", "city": "Shanghai", "country": "CN", "notes": "founder"},
            {"id": "c2", "name": "Dana", "side": "customer", "title": "CTO", "level": 2},
            {"id": "b1", "name": "Bob", "side": "customer"},
            {"id": "u1", "name": "Li", "side": "internal", "title": "Key account manager", "level": 4},
            {"id": "u2", "name": "Mo", "side": "internal", "title": "VP Sales", "level": 2},
            {"id": "x1", "name": "Zhang", "side": "external"},
            {"id": "x2", "name": "Far", "side": "external"},
        ]),
        "employment": _df([
            {"person_id": "c1", "org_id": "A1", "title": "CEO", "since": "2019-01-01"},
            {"person_id": "c2", "org_id": "A1", "title": "CTO", "since": "2020-05-01", "until": "2027-01-01"},
            {"person_id": "b1", "org_id": "A2"},
            {"person_id": "u1", "org_id": "A1", "team_role": "ar"},
            {"person_id": "u1", "org_id": "O3", "title": "KAM"},
            {"person_id": "u2", "org_id": "O3", "title": "VP Sales"},
        ]),
        "assessments": _df([
            {"person_id": "c1", "account_id": "A1", "assessed_on": "2026-01-01", "decision_role": "decision_maker",
             "attitude": "supporter", "influence": 5, "assessed_by": "u1", "source": "account plan"},
            {"person_id": "c1", "account_id": "A1", "assessed_on": "2026-06-01", "attitude": "skeptic",
             "assessed_by": "u2"},
            {"person_id": "c2", "account_id": "A1", "assessed_on": "2026-02-01",
             "decision_role": "technical_evaluator", "attitude": "neutral", "influence": 3},
            {"person_id": "b1", "account_id": "A2", "assessed_on": "2026-03-01", "decision_role": "decision_maker",
             "attitude": "opponent", "influence": 4, "assessed_by": "u1"},
        ]),
        "reports_to": _df([{"person_id": "c2", "manager_id": "c1"}]),
        "ties": _df([
            {"person_id": "c1", "other_id": "x1", "kind": "classmate", "strength": 4, "assessed_on": "2026-01-10",
             "since": "2015-09-01", "notes": "EMBA"},
            {"person_id": "u2", "other_id": "x1", "kind": "friend", "strength": 5},
            {"person_id": "x1", "other_id": "x2", "kind": "friend", "strength": 5},
            {"person_id": "b1", "other_id": "x2", "kind": "friend", "strength": 5},
            {"person_id": "c1", "other_id": "u1", "kind": "business", "strength": 3},
        ]),
        "influence": _df([{"source_id": "c2", "target_id": "c1", "weight": 4}]),
        "memberships": _df([
            {"person_id": "c2", "org_id": "O1", "role": "member", "since": "2018-01-01"},
            {"person_id": "u2", "org_id": "O1"},
            {"person_id": "b1", "org_id": "O2"},
            {"person_id": "x2", "org_id": "A2", "role": "advisor"},
        ]),
        "interactions": _df([
            {"id": "i1", "date": "2026-03-01", "kind": "visit", "account_id": "A1", "opportunity_id": "op1",
             "subject": "Plant tour", "notes": "went well"},
            {"id": "i2", "date": "2026-03-02", "kind": "call", "account_id": "A2"},
            {"id": "i3", "date": "2026-04-01", "kind": "meal", "account_id": "A1"},
        ]),
        "attendance": _df([
            {"interaction_id": "i1", "person_id": "c1"}, {"interaction_id": "i1", "person_id": "u1"},
            {"interaction_id": "i2", "person_id": "b1"}, {"interaction_id": "i2", "person_id": "u1"},
            {"interaction_id": "i3", "person_id": "u1"},
        ]),
        "opportunities": _df([
            {"id": "op1", "account_id": "A1", "name": "Deal", "stage": "proposal", "status": "open",
             "amount": 1_000_000.0, "close_date": "2026-12-31"},
            {"id": "op2", "account_id": "A2", "name": "Other"},
        ]),
        "opportunity_roles": _df([
            {"person_id": "c1", "opportunity_id": "op1", "role": "decision_maker", "attitude": "supporter",
             "influence": 5},
            {"person_id": "b1", "opportunity_id": "op2", "role": "influencer"},
        ]),
    }


@pytest.fixture()
def portfolio() -> dict[str, pd.DataFrame]:
    """A fresh copy of :func:`portfolio_frames`."""
    return portfolio_frames()
