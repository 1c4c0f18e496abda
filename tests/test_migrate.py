"""``kamgraph migrate``: SQLite -> Neo4j -> SQLite over real Bolt, counts and frames intact."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner
from pandas.testing import assert_frame_equal

from kamgraph.cli import main
from kamgraph.schema import WRITE_ORDER
from kamgraph.store.migrate import migrate
from kamgraph.store.sqlite import SQLiteStore

pytestmark = pytest.mark.bolt


@pytest.fixture()
def cli_env(bolt_server):
    env = {"KAMGRAPH_NEO4J_USER": bolt_server.user, "KAMGRAPH_NEO4J_PASSWORD": bolt_server.password}
    if bolt_server.database:
        env["KAMGRAPH_NEO4J_DATABASE"] = bolt_server.database
    return env


def test_migrate_sqlite_to_neo4j_and_back_keeps_every_frame(sqlite_store, neo4j_store, portfolio, tmp_path):
    sqlite_store.write(portfolio)
    there = migrate(sqlite_store, neo4j_store)
    assert there.ok and there.differences == {}
    assert there.target_counts == {e: len(portfolio[e]) for e in WRITE_ORDER}
    back_store = SQLiteStore(f"sqlite:///{tmp_path / 'back.db'}")
    back = migrate(neo4j_store, back_store)
    assert back.ok and back.target_counts == there.source_counts
    for e in WRITE_ORDER:
        assert_frame_equal(back_store.read(e), sqlite_store.read(e), obj=e)
    back_store.close()


def test_migrate_reports_differences_when_the_target_held_other_rows(sqlite_store, neo4j_store, portfolio):
    sqlite_store.write(portfolio)
    neo4j_store.write({"people": pd.DataFrame([{"id": "extra", "name": "Extra", "side": "external"}])})
    result = migrate(sqlite_store, neo4j_store)
    assert not result.ok
    assert result.differences == {"people": (7, 8)}
    assert list(result.table().query("not match")["entity"]) == ["people"]


def test_cli_migrate_both_directions_with_batch_size(tmp_path, portfolio, neo4j_store, bolt_server, cli_env):
    src = SQLiteStore(f"sqlite:///{tmp_path / 'a.db'}")
    src.write(portfolio)
    src.close()
    runner = CliRunner()
    res = runner.invoke(main, ["migrate", "--from", f"sqlite:///{tmp_path / 'a.db'}", "--to", bolt_server.uri,
                               "--batch-size", "2", "--format", "csv"], env=cli_env)
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0] == "entity,source,target,match"
    assert "people,7,7,true" in lines and "ties,5,5,true" in lines  # booleans as the CSV files write them
    # batches of 2 rows: accounts 1, organizations 2, people 4, opportunities 1, interactions 2,
    # employment 3, assessments 2, reports_to 1, ties 3, influence 1, memberships 2, attendance 3,
    # opportunity_roles 1
    assert "in 26 batches" in res.stderr
    assert bolt_server.password not in res.output
    assert neo4j_store.counts() == {e: len(portfolio[e]) for e in WRITE_ORDER}

    res = runner.invoke(main, ["migrate", "--from", bolt_server.uri, "--to", f"sqlite:///{tmp_path / 'b.db'}"],
                        env=cli_env)
    assert res.exit_code == 0, res.output
    back = SQLiteStore(f"sqlite:///{tmp_path / 'b.db'}")
    assert back.counts() == {e: len(portfolio[e]) for e in WRITE_ORDER}
    back.close()


def test_cli_migrate_exits_1_when_counts_differ(tmp_path, portfolio, neo4j_store, bolt_server, cli_env):
    src = SQLiteStore(f"sqlite:///{tmp_path / 'a.db'}")
    src.write(portfolio)
    src.close()
    neo4j_store.write({"organizations": pd.DataFrame([{"id": "O9", "name": "Other body"}])})
    res = CliRunner().invoke(main, ["migrate", "--from", f"sqlite:///{tmp_path / 'a.db'}", "--to", bolt_server.uri,
                                    "--format", "csv"], env=cli_env)
    assert res.exit_code == 1
    assert "organizations,3,4,false" in res.stdout
    assert "counts differ after the migration: organizations 3 vs 4" in res.stderr


def test_cli_migrate_refuses_a_missing_source_and_the_same_store(tmp_path, cli_env):
    runner = CliRunner()
    res = runner.invoke(main, ["migrate", "--from", f"sqlite:///{tmp_path / 'nope.db'}", "--to", "bolt://x:7687"],
                        env=cli_env)
    assert res.exit_code == 1 and "source store not found" in res.output
    assert not (tmp_path / "nope.db").exists()
    url = f"sqlite:///{tmp_path / 'a.db'}"
    res = runner.invoke(main, ["migrate", "--from", url, "--to", url])
    assert res.exit_code == 1 and "same store" in res.output
