"""Smoke test: a real Bolt server (ArcadeDB, started by tests/bolt_server.py)
accepts the official neo4j driver and runs the Cypher kamgraph relies on.

Skipped (with the reason) when arcadedb-embedded is not installed.
"""

from __future__ import annotations

import pytest

try:  # tests/ is a rootdir-less test dir today; keep working if it becomes a package
    from bolt_server import BoltServer, server_available
except ImportError:  # pragma: no cover
    from tests.bolt_server import BoltServer, server_available

pytestmark = [pytest.mark.bolt, pytest.mark.slow]

_OK, _WHY = server_available()
if not _OK:
    pytest.skip(f"no ArcadeDB Bolt server: {_WHY}", allow_module_level=True)

import neo4j  # noqa: E402  (after the skip: the driver is only needed here)

HOSTILE = [
    "'}) DETACH DELETE n //",
    '"}) MATCH (m) DETACH DELETE m RETURN 1 //',
    "back\\slash \\' \\\" \\\\n",
    "quotes ' \" ` and $param {braces} [brackets]",
    "line\nbreak\ttab\r\n",
    "张伟 – 北京分公司",
    "emoji 😀🚀👩‍💻 and 🇩🇪",
    "",
]


@pytest.fixture(scope="module")
def server():
    with BoltServer(database="kamgraph") as srv:
        yield srv


@pytest.fixture(scope="module")
def driver(server):
    drv = neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password))
    try:
        yield drv
    finally:
        drv.close()


@pytest.fixture(autouse=True)
def _empty_graph(driver, server):
    driver.execute_query("MATCH (n) DETACH DELETE n", database_=server.database)
    yield


def test_server_attributes(server):
    assert server.uri.startswith("bolt://127.0.0.1:")
    assert server.user == "root"
    assert server.database == "kamgraph"
    assert server.startup_seconds is not None and server.startup_seconds < 60


def test_constraint_merge_read_delete(driver, server):
    db = server.database

    # Schema: Neo4j 5 syntax, idempotent with IF NOT EXISTS (second run is a no-op).
    for _ in range(2):
        driver.execute_query(
            "CREATE CONSTRAINT person_id IF NOT EXISTS "
            "FOR (n:Person) REQUIRE n.id IS UNIQUE",
            database_=db,
        )
        driver.execute_query(
            "CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name)",
            database_=db,
        )
    names = {
        r["name"]
        for r in driver.execute_query("SHOW CONSTRAINTS", database_=db).records
    }
    assert "person_id" in names

    rows = [
        {"id": f"p{i}", "props": {"name": name, "rank": i, "since": "2024-02-29"}}
        for i, name in enumerate(HOSTILE)
    ]
    upsert = (
        "UNWIND $rows AS row "
        "MERGE (n:Person {id: row.id}) "
        "SET n += row.props"
    )
    summary = driver.execute_query(upsert, rows=rows, database_=db).summary
    assert summary.counters.nodes_created == len(rows)
    # MERGE is idempotent: running it again creates nothing
    summary = driver.execute_query(upsert, rows=rows, database_=db).summary
    assert summary.counters.nodes_created == 0

    # the unique constraint is enforced
    with pytest.raises(neo4j.exceptions.ConstraintError):
        driver.execute_query("CREATE (:Person {id: 'p0'})", database_=db)

    # relationship MERGE between matched nodes, in a managed write transaction
    def link(tx, pairs):
        result = tx.run(
            "UNWIND $pairs AS pair "
            "MATCH (a:Person {id: pair.src}) "
            "MATCH (b:Person {id: pair.dst}) "
            "MERGE (a)-[r:KNOWS]->(b) "
            "SET r.weight = pair.weight "
            "RETURN count(r) AS c",
            pairs=pairs,
        )
        return result.single()["c"]

    pairs = [
        {"src": "p0", "dst": "p1", "weight": 0.5},
        {"src": "p0", "dst": "p2", "weight": 1.0},
        {"src": "p1", "dst": "p2", "weight": 2.0},
        {"src": "p1", "dst": "does-not-exist", "weight": 9.9},
    ]
    with driver.session(database=db) as session:
        assert session.execute_write(link, pairs) == 3
        assert session.execute_write(link, pairs) == 3  # MERGE again: same edges
        n_edges = session.execute_read(
            lambda tx: tx.run("MATCH ()-[r:KNOWS]->() RETURN count(r) AS c").single()[
                "c"
            ]
        )
    assert n_edges == 3

    # reads: round-trip of every hostile / unicode string, maps, lists, OPTIONAL MATCH
    records, _, _ = driver.execute_query(
        "MATCH (n:Person) WHERE n.id IN $ids "
        "OPTIONAL MATCH (n)-[r:KNOWS]->(m:Person) "
        "WITH n, collect(m.id) AS knows, count(r) AS degree "
        "RETURN n.id AS id, n.name AS name, n.since AS since, "
        "       {rank: n.rank, knows: knows} AS info, degree "
        "ORDER BY n.rank",
        ids=[r["id"] for r in rows],
        database_=db,
    )
    assert [r["name"] for r in records] == HOSTILE
    assert all(r["since"] == "2024-02-29" for r in records)
    by_id = {r["id"]: r for r in records}
    assert sorted(by_id["p0"]["info"]["knows"]) == ["p1", "p2"]
    assert by_id["p0"]["degree"] == 2
    assert by_id["p3"]["info"] == {"rank": 3, "knows": []}
    assert by_id["p3"]["degree"] == 0

    # the hostile strings also work as lookup keys
    for name in HOSTILE:
        recs, _, _ = driver.execute_query(
            "MATCH (n:Person {name: $name}) RETURN count(n) AS c",
            name=name,
            database_=db,
        )
        assert recs[0]["c"] == 1, name

    # SET n += {k: null} removes k (same as Neo4j)
    driver.execute_query(
        "MATCH (n:Person {id: 'p0'}) SET n += $props",
        props={"since": None, "extra": "x"},
        database_=db,
    )
    recs, _, _ = driver.execute_query(
        "MATCH (n:Person {id: 'p0'}) RETURN properties(n) AS p", database_=db
    )
    assert "since" not in recs[0]["p"] and recs[0]["p"]["extra"] == "x"

    # DETACH DELETE
    summary = driver.execute_query(
        "MATCH (n:Person {id: $id}) DETACH DELETE n", id="p0", database_=db
    ).summary
    assert summary.counters.nodes_deleted == 1
    assert summary.counters.relationships_deleted == 2
    recs, _, _ = driver.execute_query(
        "MATCH (n:Person) RETURN count(n) AS c", database_=db
    )
    assert recs[0]["c"] == len(HOSTILE) - 1


def test_multi_label_and_label_or_filter(driver, server):
    db = server.database
    driver.execute_query(
        "CREATE CONSTRAINT account_id IF NOT EXISTS "
        "FOR (n:Account) REQUIRE n.id IS UNIQUE",
        database_=db,
    )
    driver.execute_query(
        "CREATE (:Account {id: 'a1'}), (:Organization {id: 'o1'}), "
        "(:Account:Organization {id: 'ao1'}), (:Person {id: 'x'})",
        database_=db,
    )
    recs, _, _ = driver.execute_query(
        "MATCH (o) WHERE o:Account OR o:Organization "
        "RETURN o.id AS id, labels(o) AS labels ORDER BY id",
        database_=db,
    )
    assert [r["id"] for r in recs] == ["a1", "ao1", "o1"]
    assert sorted(recs[1]["labels"]) == ["Account", "Organization"]
    # a node with two labels is still covered by the Account uniqueness constraint
    with pytest.raises(neo4j.exceptions.ConstraintError):
        driver.execute_query("CREATE (:Account {id: 'ao1'})", database_=db)


def test_explicit_transaction_rollback(driver, server):
    with driver.session(database=server.database) as session:
        tx = session.begin_transaction()
        tx.run("CREATE (:Person {id: 'tmp'})").consume()
        tx.rollback()
        assert (
            session.run("MATCH (n:Person {id: 'tmp'}) RETURN count(n) AS c").single()[
                "c"
            ]
            == 0
        )
