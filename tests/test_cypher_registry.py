"""The Cypher registry: file format, loud failures, and the whitelist of labels and types."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kamgraph.schema import ENTITIES, NODE_LABELS, REL_TYPES
from kamgraph.store import cypher_registry as cr
from kamgraph.store.neo4j import ADMIN_STATEMENTS, LINKED_COLUMNS, Neo4jStore, required_statements

ROOT = Path(__file__).resolve().parents[1]
CYPHER = ROOT / "cypher"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_parse_splits_named_statements_with_their_doc():
    text = (
        "// file header, ignored\n\n"
        "// name: first_one\n// What it does.\n// Second doc line.\nMATCH (n:Person)\nRETURN n.id AS id;\n\n"
        "// a section comment between statements is not part of either\n"
        "// name: second\nRETURN 1 AS one\n"
    )
    first, second = cr.parse(text, "x.cypher")
    assert (first.name, first.line, first.doc) == ("first_one", 3, "What it does.\nSecond doc line.")
    assert first.text == "MATCH (n:Person)\nRETURN n.id AS id"  # trailing ';' dropped
    assert first.labels == {"Person"} and first.rel_types == frozenset()
    assert (second.name, second.text) == ("second", "RETURN 1 AS one")


@pytest.mark.parametrize("text, message", [
    ("MATCH (n) RETURN n\n", "before the first '// name:' header"),
    ("// name: empty\n// only a comment\n", "is empty"),
    ("// name: Bad-Name\nRETURN 1\n", "bad statement name"),
])
def test_malformed_files_fail_loudly(text, message):
    with pytest.raises(cr.CypherFileError, match=message):
        cr.parse(text, "bad.cypher")


def test_missing_statement_names_itself_and_the_files_searched(tmp_path):
    f = write(tmp_path, "a.cypher", "// name: one\nRETURN 1\n")
    reg = cr.load(tmp_path)
    with pytest.raises(KeyError) as info:
        reg.get("upsert_unicorns")
    assert isinstance(info.value, cr.StatementNotFound)
    assert "'upsert_unicorns'" in str(info.value) and str(f) in str(info.value)
    with pytest.raises(cr.StatementNotFound, match="'x', 'y'"):
        reg.require(["one", "x", "y"])


def test_duplicate_names_across_files_are_rejected(tmp_path):
    write(tmp_path, "a.cypher", "// name: same\nRETURN 1\n")
    write(tmp_path, "b.cypher", "// name: same\nRETURN 2\n")
    with pytest.raises(cr.CypherFileError, match="defined twice"):
        cr.load(tmp_path)


def test_a_label_outside_the_whitelist_is_rejected_at_load(tmp_path):
    write(tmp_path, "a.cypher", "// name: sneaky\nMATCH (n:Person)-[:HATES]->(m:Unicorn) RETURN n\n")
    with pytest.raises(cr.CypherFileError) as info:
        cr.load(tmp_path)
    assert "Unicorn" in str(info.value) and "HATES" in str(info.value) and "sneaky" in str(info.value)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(cr.CypherFileError, match="Cypher folder not found"):
        cr.load(tmp_path / "nope")


@pytest.mark.parametrize("cypher, labels, types", [
    ("MATCH (a:Person)-[r:KNOWS {kind: 'x:Y'}]->(b:Account|Organization) RETURN a",
     {"Person", "Account", "Organization"}, {"KNOWS"}),
    ("MATCH (n) WHERE n:Account OR n:Organization RETURN n", {"Account", "Organization"}, set()),
    ("MATCH (n: Person) RETURN n {.id, kind: 'Account'}", {"Person"}, set()),
    ("MATCH (i) WHERE NOT EXISTS { MATCH (:Person)-[:ATTENDED]->(i) } RETURN i", {"Person"}, {"ATTENDED"}),
    ("RETURN [(n)-[:ABOUT]->(a:Account) | a.id] AS x // (c:Comment)", {"Account"}, {"ABOUT"}),
    ("UNWIND $rows AS row MERGE (n:`Person` {id: row.id}) SET n += row.props", {"Person"}, set()),
    ("MATCH (n:Person:Account) RETURN n", {"Person", "Account"}, set()),
])
def test_labels_and_types_are_found_in_every_position(cypher, labels, types):
    assert cr.labels_and_types(cypher) == (frozenset(labels), frozenset(types))


@pytest.mark.parametrize("folder", [CYPHER, CYPHER / "analysis"], ids=["store", "analysis"])
def test_every_label_and_type_in_the_cypher_files_is_whitelisted(folder):
    files = sorted(folder.glob("*.cypher"))
    assert files, f"no .cypher files in {folder}"
    used_labels, used_types = set(), set()
    for f in files:
        for st in cr.parse(f.read_text(encoding="utf-8"), f):
            used_labels |= st.labels
            used_types |= st.rel_types
    assert used_labels <= NODE_LABELS | {cr.META_LABEL, cr.AUDIT_LABEL}
    assert used_types <= REL_TYPES
    if folder == CYPHER:  # the store's files use every label and type of the schema
        assert used_labels == NODE_LABELS | {cr.META_LABEL, cr.AUDIT_LABEL}
        assert used_types == REL_TYPES


def test_every_statement_the_store_uses_exists_and_every_statement_is_used():
    reg = cr.load()
    used = required_statements() + list(ADMIN_STATEMENTS)
    reg.require(used, exhaustive_except=("schema.cypher",))  # raises, naming what is missing or unused
    assert len(used) == len(set(used))
    assert set(reg) == set(used) | {s.name for s in reg.in_file("schema.cypher")}
    for name, ent in ENTITIES.items():
        for col in ent.column_names:  # a filtered read for the filter columns, and for no other
            assert (f"read_{name}_by_{col}" in reg) == (col in ent.filter_columns), f"{name}.{col}"
    for name, cols in LINKED_COLUMNS.items():
        for col in cols:
            assert {f"link_{name}_{col}", f"unlink_{name}_{col}"} <= set(reg)


def test_schema_file_constrains_id_of_every_label():
    stmts = cr.load().in_file("schema.cypher")
    constrained = {next(iter(s.labels)) for s in stmts if "IS UNIQUE" in s.text}
    assert constrained == NODE_LABELS | {cr.META_LABEL}
    assert all("IF NOT EXISTS" in s.text for s in stmts)


def test_store_statements_take_values_only_as_parameters():
    """No literal values in the store's statements (the meta node's fixed id aside)."""
    for st in cr.load().values():
        if st.file.name == "meta.cypher":
            continue
        literals = re.findall(r"'[^']*'|\"[^\"]*\"", st.text)
        assert literals == [], f"{st.where} {st.name}: {literals}"


def test_no_cypher_is_written_in_the_python_modules():
    """Statements live in cypher/*.cypher only: the store code never spells a query."""
    for module in ("kamgraph/store/neo4j.py", "kamgraph/store/migrate.py", "kamgraph/cli/stores.py"):
        text = (ROOT / module).read_text(encoding="utf-8")
        assert not re.search(r"\b(MATCH|MERGE|UNWIND|DETACH DELETE|CREATE CONSTRAINT)\s*[\(\$]", text), module
        assert not re.search(r"\(\w*:(%s)\b" % "|".join(sorted(NODE_LABELS)), text), module


def test_module_level_get_reads_the_default_folder():
    assert cr.get("count_people").startswith("MATCH (n:Person)")
    assert cr.load() is cr.load()  # cached


def test_a_statement_nothing_runs_fails_the_store_at_startup(tmp_path, monkeypatch):
    """aiosql style: every statement in the store's files is one the code runs."""
    folder = tmp_path / "cypher"
    folder.mkdir()
    for f in CYPHER.glob("*.cypher"):
        (folder / f.name).write_bytes(f.read_bytes())
    with open(folder / "read.cypher", "a", encoding="utf-8") as f:
        f.write("\n// name: read_people_by_notes\nMATCH (n:Person) WHERE n.notes IN $values RETURN n.id AS id\n")
    reg = cr.load(folder)
    with pytest.raises(cr.CypherFileError, match=r"nothing runs .*read_people_by_notes \(.*read.cypher:\d+\)"):
        reg.require(required_statements() + list(ADMIN_STATEMENTS), exhaustive_except=("schema.cypher",))
    monkeypatch.setenv("KAMGRAPH_CYPHER_DIR", str(folder))
    with pytest.raises(cr.CypherFileError, match="read_people_by_notes"):
        Neo4jStore("bolt://127.0.0.1:9")  # fails before any connection is attempted


def test_a_missing_statement_fails_the_store_at_startup(tmp_path, monkeypatch):
    folder = tmp_path / "cypher"
    folder.mkdir()
    for f in CYPHER.glob("*.cypher"):
        (folder / f.name).write_bytes(f.read_bytes())
    text = (folder / "read.cypher").read_text(encoding="utf-8")
    (folder / "read.cypher").write_text(text.replace("// name: read_people_by_side", "// name: read_people_by_kind"),
                                        encoding="utf-8")
    monkeypatch.setenv("KAMGRAPH_CYPHER_DIR", str(folder))
    with pytest.raises(cr.StatementNotFound, match="read_people_by_side"):
        Neo4jStore("bolt://127.0.0.1:9")


def test_every_filter_column_is_one_the_code_reads_by(portfolio):
    """The filtered reads offered (schema filter_columns: one Cypher statement each) are
    exactly those the code asks for: a scoped snapshot, a person's export, import
    validation against the store and the CLI's target lookup."""
    import pandas as pd

    from kamgraph.cli.network import _target_scope
    from kamgraph.ingest import validate
    from kamgraph.ingest.raw import RawImport, RawTable
    from kamgraph.store.sqlite import SQLiteStore

    asked: set[tuple[str, str]] = set()

    class Recording(SQLiteStore):
        def read(self, entity, column=None, values=None):
            if column is not None:
                asked.add((entity, column))
            return super().read(entity, column, values)

    with Recording("sqlite:///:memory:") as store:
        store.write(portfolio)
        store.snapshot(["A1"])
        store.export_person("u1")
        _target_scope(store, "c1")
        roles = pd.DataFrame({"opportunity_id": ["op1"], "person_id": ["c2"], "role": ["influencer"]}, dtype=object)
        validate(RawImport({"opportunity_roles": RawTable("opportunity_roles", roles, "opportunity_roles.csv")}),
                 store, today="2026-01-01")
    offered = {(name, c) for name, ent in ENTITIES.items() for c in ent.filter_columns}
    assert asked == offered
