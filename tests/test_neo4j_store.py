"""Neo4j-specific behaviour: schema, credentials, batches, failures mid-import, analysis queries.

Runs over real Bolt against the session's server (tests/conftest.py ``bolt_server``).
"""

from __future__ import annotations

import os
import signal

import pandas as pd
import pytest
from neo4j.exceptions import IncompleteCommit, ServiceUnavailable

from kamgraph.errors import ConfigError, StoreUnavailable
from kamgraph.schema import NODE_LABELS, WRITE_ORDER
from kamgraph.store import cypher_registry, open_store
from kamgraph.store.neo4j import ENV_DATABASE, ENV_PASSWORD, ENV_USER, Neo4jStore

pytestmark = pytest.mark.bolt


def people(n: int, prefix: str = "p") -> pd.DataFrame:
    return pd.DataFrame({"id": [f"{prefix}{i:05d}" for i in range(n)], "name": [f"Person {i}" for i in range(n)],
                         "side": "customer"})


# -- schema ---------------------------------------------------------------------------------

def test_init_creates_a_unique_id_constraint_for_every_label(neo4j_store):
    neo4j_store.init()
    neo4j_store.init()  # idempotent: IF NOT EXISTS
    rows = neo4j_store.run_statement("show_constraints")
    unique_on_id = {r["labelsOrTypes"][0] for r in rows
                    if r["properties"] == ["id"] and "UNIQUE" in r["type"].upper()}
    assert unique_on_id >= NODE_LABELS | {cypher_registry.META_LABEL}
    indexed = {(tuple(r["labelsOrTypes"] or ()), tuple(r["properties"] or ()))  # Neo4j's LOOKUP indexes: None
               for r in neo4j_store.run_statement("show_indexes")}
    assert {(("Person",), ("side",)), (("ASSESSED",), ("assessed_by",))} <= indexed


def test_constraints_exist_before_the_first_write_of_a_new_store_object(bolt_server, neo4j_factory):
    s = neo4j_factory()
    assert not s._initialized
    s.write({"people": people(1)})
    assert s._initialized
    assert s.counts()["people"] == 1


# -- configuration and credentials ---------------------------------------------------------------

@pytest.mark.parametrize("url, message", [
    ("http://localhost:7474", "not a Neo4j URL"),
    ("bolt://", "has no host"),
    ("neo4j://admin:pa55word@localhost:7687", "must not contain a user or password"),
])
def test_bad_urls_are_config_errors(url, message):
    with pytest.raises(ConfigError, match=message) as info:
        Neo4jStore(url)
    assert "pa55word" not in str(info.value)


def test_batch_size_must_be_positive(bolt_server):
    with pytest.raises(ConfigError, match="batch size"):
        Neo4jStore(bolt_server.uri, batch_size=0)


def test_credentials_come_from_the_environment(bolt_server, neo4j_store, monkeypatch):
    monkeypatch.setenv(ENV_USER, bolt_server.user)
    monkeypatch.setenv(ENV_PASSWORD, bolt_server.password)
    if bolt_server.database:
        monkeypatch.setenv(ENV_DATABASE, bolt_server.database)
    s = open_store(bolt_server.uri, batch_size=7)
    try:
        assert isinstance(s, Neo4jStore) and s.batch_size == 7
        assert s.counts()["people"] == 0
        assert bolt_server.password not in repr(s)
        assert bolt_server.password not in " ".join(map(str, vars(s).values()))
    finally:
        s.close()


def test_a_wrong_password_names_the_variables_not_the_password(bolt_server):
    wrong = "definitely-the-wrong-pw-123"
    s = Neo4jStore(bolt_server.uri, user=bolt_server.user, password=wrong, database=bolt_server.database,
                   max_retry_seconds=1)
    try:
        with pytest.raises(StoreUnavailable) as info:
            s.counts()
    finally:
        s.close()
    assert ENV_PASSWORD in str(info.value) and wrong not in str(info.value)


def test_an_unknown_database_is_a_config_error(bolt_server, neo4j_factory):
    # ArcadeDB maps the names "neo4j" and "system" to its default database; others must exist
    s = neo4j_factory(database="no_such_database_here")
    with pytest.raises(ConfigError, match="no database 'no_such_database_here'"):
        s.counts()


# -- batches and failures ----------------------------------------------------------------------

def test_batches_commit_one_by_one(neo4j_factory):
    store = neo4j_factory(batch_size=1_000)
    observer = neo4j_factory()
    seen = []

    def progress(entity, done, total):
        # each batch is committed when reported: another connection already sees it
        seen.append((entity, done, total, observer.counts()["people"]))

    result = store.write({"people": people(3_500)}, progress=progress)
    assert seen == [("people", 1_000, 3_500, 1_000), ("people", 2_000, 3_500, 2_000),
                    ("people", 3_000, 3_500, 3_000), ("people", 3_500, 3_500, 3_500)]
    assert (result.batches, result.rows) == (4, {"people": 3_500})


def test_failure_mid_import_lists_committed_batches_and_a_rerun_completes(neo4j_factory, monkeypatch):
    store = neo4j_factory(batch_size=1_000, max_retry_seconds=1)
    frames = {"people": people(3_500),
              "ties": pd.DataFrame({"person_id": [f"p{i:05d}" for i in range(10)],
                                    "other_id": [f"p{i + 1:05d}" for i in range(10)], "kind": "friend"})}
    original = Neo4jStore._batch_tx
    attempts = []

    def lost_connection_from_batch_3(self, tx, entity, batch_no, steps):
        if entity == "people" and batch_no >= 3:
            attempts.append(batch_no)
            raise ServiceUnavailable("simulated: connection lost")
        return original(self, tx, entity, batch_no, steps)

    monkeypatch.setattr(Neo4jStore, "_batch_tx", lost_connection_from_batch_3)
    with pytest.raises(StoreUnavailable) as info:
        store.write(frames)
    err = info.value
    assert err.committed == [("people", 1), ("people", 2)]
    assert "people batch 3 of 4 (rows 2,001-3,000)" in str(err)
    assert "Committed before the failure: people batches 1-2 (rows 1-2,000)." in str(err)
    assert "Re-running the same import completes it" in str(err)
    assert len(attempts) > 1  # the driver retried batch 3 before giving up
    assert store.counts()["people"] == 2_000 and store.counts()["ties"] == 0

    monkeypatch.setattr(Neo4jStore, "_batch_tx", original)
    result = store.write(frames)  # re-running the same import completes it (what is there is left)
    assert (result.rows, result.unchanged) == ({"people": 1_500, "ties": 10}, {"people": 2_000})
    counts = store.counts()
    assert (counts["people"], counts["ties"]) == (3_500, 10)
    assert store.read("people")["id"].tolist() == frames["people"]["id"].tolist()


def test_a_transient_failure_is_retried_and_the_retry_is_harmless(neo4j_factory, monkeypatch):
    store = neo4j_factory(batch_size=1_000)
    original = Neo4jStore._batch_tx
    failed = []

    def fail_once_after_the_work(self, tx, entity, batch_no, steps):
        version = original(self, tx, entity, batch_no, steps)  # the batch's writes happened...
        if batch_no == 2 and not failed:
            failed.append(batch_no)
            raise ServiceUnavailable("simulated: connection dropped before commit")  # ...and roll back
        return version

    monkeypatch.setattr(Neo4jStore, "_batch_tx", fail_once_after_the_work)
    result = store.write({"people": people(2_500)})
    assert failed == [2] and result.batches == 3
    assert store.counts()["people"] == 2_500


def test_incomplete_commit_says_the_batch_may_or_may_not_be_written(neo4j_factory, monkeypatch):
    store = neo4j_factory(batch_size=1_000)
    original = Neo4jStore._batch_tx

    def unknown_outcome(self, tx, entity, batch_no, steps):
        if batch_no == 2:
            raise IncompleteCommit("simulated: connection lost during commit")
        return original(self, tx, entity, batch_no, steps)

    monkeypatch.setattr(Neo4jStore, "_batch_tx", unknown_outcome)
    with pytest.raises(StoreUnavailable, match="may or may not have been applied") as info:
        store.write({"people": people(2_500)})
    assert info.value.committed == [("people", 1)]


def test_a_batch_pointing_at_missing_nodes_is_rolled_back_and_named(neo4j_factory):
    store = neo4j_factory(batch_size=2)
    store.write({"people": people(3)})
    ties = pd.DataFrame([{"person_id": "p00000", "other_id": "p00001", "kind": "friend"},
                         {"person_id": "p00001", "other_id": "p00002", "kind": "friend"},
                         {"person_id": "p00002", "other_id": "ghost", "kind": "friend"}])
    with pytest.raises(StoreUnavailable) as info:
        store.write({"ties": ties})
    msg = str(info.value)
    assert "ties batch 2 of 2" in msg and "other_id 'ghost' (no such people)" in msg
    assert info.value.committed == [("ties", 1)]
    assert store.counts()["ties"] == 2  # batch 1 stays, batch 2 rolled back entirely
    inter = pd.DataFrame([{"id": "i1", "date": "2026-01-01", "kind": "call", "account_id": "nowhere"}])
    with pytest.raises(StoreUnavailable, match="account_id 'nowhere' \\(no such accounts\\)"):
        store.write({"interactions": inter})
    assert store.counts()["interactions"] == 0


def test_employment_finds_its_organization_under_either_label(neo4j_store):
    neo4j_store.write({
        "accounts": pd.DataFrame([{"id": "A1", "name": "Acme"}]),
        "organizations": pd.DataFrame([{"id": "O1", "name": "Assoc"}]),
        "people": people(1),
        "employment": pd.DataFrame([{"person_id": "p00000", "org_id": "A1"}, {"person_id": "p00000", "org_id": "O1"}]),
        "memberships": pd.DataFrame([{"person_id": "p00000", "org_id": "O1"}, {"person_id": "p00000", "org_id": "A1"}]),
    })
    assert neo4j_store.read("employment", "org_id", ["A1", "O1"])["org_id"].tolist() == ["A1", "O1"]
    assert neo4j_store.read("memberships", "org_id", ["O1"])["person_id"].tolist() == ["p00000"]
    rels = {r["type"]: r["n"] for r in neo4j_store.run_statement("count_all_relationships")}
    assert rels == {"WORKS_AT": 2, "MEMBER_OF": 2}


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get("KAMGRAPH_TEST_NEO4J_URI")), reason="kills the server it starts itself")
def test_killing_the_server_mid_import_then_rerunning_completes(tmp_path):
    """A real connection loss: SIGKILL the JVM after batch 2, restart it on the same files."""
    from bolt_server import BoltServer

    root = tmp_path / "arcadedb"
    frames = {"people": people(5_000)}
    srv = BoltServer(root=root).start()
    try:
        store = Neo4jStore(srv.uri, user=srv.user, password=srv.password, database=srv.database,
                           batch_size=1_000, max_retry_seconds=2, connection_timeout=2)

        def kill_after_batch_2(entity, done, total):
            if done == 2_000:
                os.kill(srv.pid, signal.SIGKILL)
                srv._proc.wait(timeout=30)

        with pytest.raises(StoreUnavailable) as info:
            store.write(frames, progress=kill_after_batch_2)
        store.close()
    finally:
        srv.stop()
    assert info.value.committed == [("people", 1), ("people", 2)]
    assert "people batch 3 of 5" in str(info.value) and "cannot reach Neo4j" in str(info.value)

    srv = BoltServer(root=root).start()  # same files, new port
    try:
        store = Neo4jStore(srv.uri, user=srv.user, password=srv.password, database=srv.database)
        assert store.counts()["people"] == 2_000  # the committed batches survived the crash
        store.write(frames)
        assert store.counts()["people"] == 5_000
        store.close()
    finally:
        srv.stop()


# -- reads and the Browser queries ------------------------------------------------------------------

def test_every_read_returns_exactly_the_schema_columns_on_an_empty_database(neo4j_store):
    from kamgraph.schema import ENTITIES

    for e in WRITE_ORDER:
        assert list(neo4j_store.read(e).columns) == ENTITIES[e].column_names
    assert neo4j_store.data_version() == 0


def _run_analysis(store: Neo4jStore, name: str, **params) -> list[dict]:
    reg = cypher_registry.load(cypher_registry.analysis_directory())
    records, _, _ = store._driver.execute_query(reg.get(name), params, database_=store.database)
    return [r.data() for r in records]


def test_decision_makers_without_a_strong_tie(neo4j_store, portfolio):
    neo4j_store.write(portfolio)
    params = dict(account_id=None, min_declared_strength=4, since="2026-01-01", min_shared_interactions=2)
    rows = _run_analysis(neo4j_store, "decision_makers_without_strong_tie", **params)
    # c1 (A1): u1's declared tie is 3 < 4 and they shared one interaction (i1) since January;
    # b1 (A2): no declared tie, one shared call (i2)
    assert [(r["account_id"], r["person_id"], r["best_declared_strength"],
             r["most_recent_interactions_with_one_of_us"]) for r in rows] == [("A1", "c1", 3, 1), ("A2", "b1", None, 1)]
    # one shared interaction is enough when asked: nobody is left uncovered
    assert _run_analysis(neo4j_store, "decision_makers_without_strong_tie", **{**params, "min_shared_interactions": 1}) == []
    # a declared strength of 3 is strong enough when asked, for A1 only
    rows = _run_analysis(neo4j_store, "decision_makers_without_strong_tie",
                         **{**params, "account_id": "A1", "min_declared_strength": 3})
    assert rows == []


def test_paths_to_a_target(neo4j_store, portfolio):
    neo4j_store.write(portfolio)
    rows = _run_analysis(neo4j_store, "paths_to_target", target_id="c1", limit=10)
    # u2 -friend 5- x1 -classmate 4- c1: 1.0 * 0.8; u1 knows c1 directly (business 3): 0.6
    assert [(r["from_id"], r["path"], r["via_id"], r["kinds"], r["rough_score"]) for r in rows] == [
        ("u2", "connector", "x1", ["friend", "classmate"], pytest.approx(0.8)),
        ("u1", "direct", None, ["business"], pytest.approx(0.6)),
    ]
    rows = _run_analysis(neo4j_store, "paths_to_target", target_id="c2", limit=10)
    # c2's colleague c1 knows u1; c2 shares the association O1 with u2
    assert [(r["from_id"], r["path"], r["via_id"]) for r in rows] == [("u1", "colleague", "c1"),
                                                                        ("u2", "membership", "O1")]


def test_buying_center_of_an_account(neo4j_store, portfolio):
    neo4j_store.write(portfolio)
    rows = _run_analysis(neo4j_store, "buying_center", account_id="A1")
    assert [(r["person_id"], r["decision_role"], r["attitude"], r["influence"], r["last_assessed_on"])
            for r in rows] == [("c1", "decision_maker", "skeptic", 5, "2026-06-01"),
                               ("c2", "technical_evaluator", "neutral", 3, "2026-02-01")]
    c1, c2 = rows
    assert c1["opportunity_roles"] == ["Deal: decision_maker (supporter)"] and c1["our_ties"] == ["Li (business, 3)"]
    assert c2["reports_to"] == ["Chen"] and c2["our_ties"] == []
