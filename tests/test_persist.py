"""Analyses persisted per data version (:mod:`kamgraph.report.persisted`) and the app's use of them.

A result computed once is read from disk by a new context and by a new process; a new data
version, other settings or another analysis date compute again; a corrupt file is computed
again without an error; concurrent writers leave a readable file; older versions are pruned;
the folder is the user's alone. Computations are counted (a counting function, or the
builds :mod:`kamgraph.analysis.derived` records), never timed.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from sample_stores import copy_store

from kamgraph.analysis.derived import REGISTRY
from kamgraph.config import resolve_config
from kamgraph.ingest import import_path
from kamgraph.report import persisted as P
from kamgraph.schema import normalize_frame
from kamgraph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SAMPLE_SETTINGS = SAMPLE / "kamgraph.toml"
APP = ROOT / "app.py"

#: how often :func:`counted` ran, per call (the tests' stand-in for an expensive analysis)
CALLS: list[tuple] = []


def counted(snap, settings, as_of=None, accounts=None):
    """A whole-portfolio "analysis" that records each computation: accounts and their region."""
    CALLS.append((as_of, accounts, settings.coverage.covered))
    frame = snap.accounts[["id", "name", "region"]].copy()
    if accounts is not None:
        frame = frame[frame["id"].isin(accounts)]
    return frame.assign(covered=settings.coverage.covered, as_of=as_of).reset_index(drop=True)


@pytest.fixture
def db(sample_db_file, tmp_path) -> Path:
    """A private copy of the sample store (its cache folder beside it, empty)."""
    return copy_store(sample_db_file, tmp_path / "kam.db")


def fresh_process_caches() -> None:
    """Forget what this process holds in memory, as a new process (or a restart) would."""
    from kamgraph.ui import context

    assert P.flush(timeout=120)  # what this "process" wrote in the background is on disk
    context._MEMORY.clear()
    context._snapshot.clear()
    context._persisted.clear()
    context._read.clear()
    context._counts.clear()
    context._WARM.clear()


def page_context(db: Path, as_of: str | None = None, settings: Path | None = SAMPLE_SETTINGS):
    from kamgraph.ui.access import Access
    from kamgraph.ui.context import PageContext, _counts, _open_store

    config = resolve_config(store=f"sqlite:///{db}", settings=settings, as_of=as_of, environ={}, cwd=str(db.parent))
    version = _open_store(config.store_url).data_version()
    return PageContext(config, config.as_of, version, _counts(config.store_url, version), Access(configured=False))


@pytest.fixture(autouse=True)
def _isolated_memory():
    CALLS.clear()
    fresh_process_caches()
    yield
    fresh_process_caches()


def cache_files(db: Path) -> list[Path]:
    assert P.flush(timeout=120)
    return sorted(p for p in (db.parent / (db.name + ".cache")).rglob("*.kgpa"))


# -- the app's compute: memory, then disk, then computed ---------------------------------------------

def test_a_result_computed_once_is_read_from_disk_by_a_new_context(db):
    ctx = page_context(db)
    first = ctx.compute(counted, as_of=ctx.as_of_text)
    assert len(CALLS) == 1
    assert ctx.compute(counted, as_of=ctx.as_of_text).equals(first)  # memory
    assert len(CALLS) == 1
    assert cache_files(db), "nothing persisted beside the store"

    fresh_process_caches()  # a restart: memory empty, the disk kept
    again = page_context(db)
    second = again.compute(counted, as_of=again.as_of_text)
    assert len(CALLS) == 1, "computed again instead of read from disk"
    assert P.same(first, second)
    assert again.persisted.hits >= 1


def test_a_new_data_version_other_settings_or_another_date_compute_again(db, tmp_path):
    ctx = page_context(db)
    ctx.compute(counted, as_of=ctx.as_of_text)
    assert len(CALLS) == 1

    ctx.compute(counted, as_of="2026-01-31")  # another analysis date
    assert len(CALLS) == 2
    ctx.compute(counted, as_of=ctx.as_of_text, accounts=("A-01",))  # other arguments
    assert len(CALLS) == 3

    other = tmp_path / "other.toml"
    other.write_text(SAMPLE_SETTINGS.read_text() + "\n[coverage]\ncovered = 0.61\n"
                     if "[coverage]" not in SAMPLE_SETTINGS.read_text() else
                     SAMPLE_SETTINGS.read_text().replace("[coverage]", "[coverage]\ncovered = 0.61", 1))
    fresh_process_caches()
    changed = page_context(db, settings=other)
    assert changed.settings.coverage.covered == 0.61
    out = changed.compute(counted, as_of=ctx.as_of_text)
    assert len(CALLS) == 4 and set(out["covered"]) == {0.61}

    # another analysis date through the settings (KAMGRAPH_AS_OF), same explicit arguments
    fresh_process_caches()
    moved = page_context(db, as_of="2026-02-28")
    moved.compute(counted, as_of=ctx.as_of_text)
    assert len(CALLS) == 5

    # a write: a new data version, computed again (and the old version's files pruned)
    store = open_store(f"sqlite:///{db}")
    store.write({"accounts": normalize_frame("accounts", pd.DataFrame([{"id": "A-NEW", "name": "New account"}]))})
    store.close()
    fresh_process_caches()
    after = page_context(db)
    assert after.data_version != ctx.data_version
    out = after.compute(counted, as_of=ctx.as_of_text)
    assert len(CALLS) == 6 and "A-NEW" in set(out["id"])
    assert P.flush(timeout=120)
    folders = [p.name for p in (db.parent / (db.name + ".cache")).iterdir() if p.is_dir()]
    assert folders == [after.persisted.token], f"older versions not pruned: {folders}"


def test_a_corrupt_cache_file_is_computed_again_without_an_error(db):
    ctx = page_context(db)
    first = ctx.compute(counted, as_of=ctx.as_of_text)
    (path,) = [p for p in cache_files(db) if ".counted-" in p.name]
    for damage in (b"", b"KGPA1\ngarbage", path.read_bytes()[:-20], b"\x80\x04pickle? no"):
        path.write_bytes(damage)
        fresh_process_caches()
        again = page_context(db)
        out = again.compute(counted, as_of=again.as_of_text)
        assert P.same(first, out)
        assert P.flush(timeout=120)
    assert len(CALLS) == 5  # once, then once per damaged file
    assert P.loads(path.read_bytes()) is not None  # the last computation wrote a good file again


def test_a_result_that_does_not_read_back_identical_stays_in_memory_only(db):
    def listy(snap, settings):
        CALLS.append("listy")
        return pd.DataFrame({"id": ["a", "b"], "path": [("x", "y"), {"z"}]})  # a set in a column

    ctx = page_context(db)
    ctx.compute(listy)
    ctx.compute(listy)
    assert CALLS == ["listy"]
    assert not cache_files(db)
    assert ctx.persisted.skipped >= 1


def test_what_a_page_derives_per_data_version_is_built_once_then_read_from_disk(db):
    built = []

    def labels():
        built.append(1)
        return {"P1": "Ann Lee — CFO, Acme", "P2": "Li Wei"}

    ctx = page_context(db)
    assert ctx.per_version("labels", labels) == ctx.per_version("labels", labels)
    assert len(built) == 1
    fresh_process_caches()
    assert page_context(db).per_version("labels", labels)["P2"] == "Li Wei"
    assert len(built) == 1  # read from disk by the "new process"


# -- the format and the folder ----------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    pd.DataFrame({"id": ["a", None, "c"], "x": [1.5, float("nan"), 3.0], "n": [1, 2, 3],
                  "d": pd.to_datetime(["2026-01-01", None, "2026-03-01"]), "ok": [True, False, True]}),
    pd.DataFrame({"s": pd.Series(["a", None], dtype="str")}, index=pd.Index(["p", "q"], name="pid")),
    pd.Series({"P1": "Ann", "P2": "Li"}, name="name"),
    {"A": 1, "B": [1, 2.5, None], "C": ("x", frozenset({"y"})), "D": pd.Timestamp("2026-06-30")},
    {"nan": float("nan"), "big": 2 ** 70, "set": {1, 2}},
    pd.DataFrame({"route": [[(1.0, 2.0), (3.0, 4.5)], None, [(0.0, 0.0)]], "dashes": [False, [8, 6], True],
                  "path": [("S-01", "C-02"), ("S-03",), None], "label": ["a", '{"t": [1]}', "[1]"],
                  "before": [{"name": "Ann", "level": 2}, None, {"t": [1], "d": "x"}]}),
])
def test_values_read_back_identical(value, tmp_path):
    p = P.PersistedAnalyses(tmp_path / "c", "sqlite:///x.db", "v1-x")
    assert p.put("f", ("k",), value)
    assert P.same(value, p.get("f", ("k",)))


def test_the_format_holds_no_pickle_and_refuses_classes_outside_kamgraph(tmp_path):
    blob = P.dumps({"a": pd.DataFrame({"x": [1]})})
    assert b"pickle" not in blob.split(b"PAR1")[0]
    manifest = {"v": {"t": "obj", "cls": "os:system", "f": {}}, "blobs": []}
    raw = json.dumps(manifest).encode()
    evil = P._MAGIC + len(raw).to_bytes(8, "little") + raw
    with pytest.raises(ValueError):
        P.loads(evil)
    p = P.PersistedAnalyses(tmp_path / "c", "sqlite:///x.db", "v1-x")
    p.folder.mkdir(parents=True)
    p._path("f", ()).write_bytes(evil)
    assert p.get("f", ()) is P.MISS  # a foreign file is a miss, removed
    assert not p._path("f", ()).exists()


def _write_many(args) -> bool:
    root, _writer = args
    p = P.PersistedAnalyses(root, "sqlite:///x.db", "v1-x")
    frame = pd.DataFrame({"id": [f"P{j}" for j in range(20_000)], "v": range(20_000)})
    return all(p.put("same", ("key",), frame) for _ in range(3))


def test_concurrent_writers_leave_a_readable_file(tmp_path):
    root = tmp_path / "c"
    with ProcessPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(_write_many, [(str(root), i) for i in range(4)]))
    threads = [threading.Thread(target=_write_many, args=((str(root), i),)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    p = P.PersistedAnalyses(root, "sqlite:///x.db", "v1-x")
    got = p.get("same", ("key",))
    assert got is not P.MISS and len(got) == 20_000
    assert [f.name for f in p.folder.iterdir()] == [p.key("same", ("key",))]  # no temporary files left


def test_pruning_keeps_only_the_current_version(tmp_path):
    root = tmp_path / "c"
    old = P.PersistedAnalyses(root, "sqlite:///x.db", "v1-aaa")
    assert old.put("f", (), 1)
    new = P.PersistedAnalyses(root, "sqlite:///x.db", "v2-bbb")
    assert new.put("f", (), 2)
    assert sorted(p.name for p in root.iterdir()) == ["v2-bbb"]
    stale = new.folder / ".tmp-left-by-a-killed-writer.kgpa"
    stale.write_bytes(b"x")
    os.utime(stale, (0, 0))
    new.prune()
    assert not stale.exists()


def test_the_cache_folder_is_the_users_alone(db, tmp_path):
    ctx = page_context(db)
    ctx.compute(counted, as_of=ctx.as_of_text)
    assert P.flush(timeout=120)
    root = db.parent / (db.name + ".cache")
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE(ctx.persisted.folder.stat().st_mode) == 0o700
    for f in cache_files(db):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600

    opened = tmp_path / "opened"
    opened.mkdir(mode=0o777)
    os.chmod(opened, 0o777)
    p = P.PersistedAnalyses(opened, "sqlite:///x.db", "v1-x")
    assert p.put("f", (), 1)
    assert stat.S_IMODE(opened.stat().st_mode) == 0o700  # closed before anything was written

    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    assert not P.PersistedAnalyses(link, "sqlite:///x.db", "v1-x").put("f", (), 1)  # a symlink is refused


def test_where_the_results_live():
    assert P.cache_dir_for("sqlite:////srv/kam.db") == Path("/srv/kam.db.cache")
    assert P.cache_dir_for("sqlite:///:memory:") is None
    server = P.cache_dir_for("bolt://graph.example:7687")
    assert server is not None and server.parent.name == "kamgraph" and "graph.example" not in str(server)


def test_a_store_made_again_at_the_same_path_and_version_is_not_mistaken_for_the_old(tmp_path):
    import time

    db = tmp_path / "again.db"
    tokens = []
    for _ in range(2):
        store = open_store(f"sqlite:///{db}")
        store.write({"accounts": normalize_frame("accounts", pd.DataFrame([{"id": "A1", "name": "One"}]))})
        tokens.append(P.store_token(store))
        store.close()
        db.unlink()
        time.sleep(1.1)  # the write log records seconds
    assert tokens[0].split("-")[0] == tokens[1].split("-")[0]  # same data version
    assert tokens[0] != tokens[1]


# -- another process, and the app ---------------------------------------------------------------------

CHILD = """
import json, sys
from kamgraph.analysis.derived import REGISTRY
from kamgraph.analysis.coverage import account_coverage
sys.path.insert(0, {tests!r})
import test_persist as t
ctx = t.page_context(__import__("pathlib").Path({db!r}))
out = ctx.compute(account_coverage, as_of=ctx.as_of_text)
print(json.dumps({{"rows": len(out), "strength_builds": REGISTRY["kamgraph.analysis.strength._pair_strengths"].builds,
                   "hits": ctx.persisted.hits}}))
"""


def test_a_new_process_reads_what_another_computed(db):
    def child() -> dict:
        code = CHILD.format(tests=str(ROOT / "tests"), db=str(db))
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300,
                              check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    first, second = child(), child()
    assert first["strength_builds"] == 1 and first["hits"] == 0
    assert second["strength_builds"] == 0 and second["hits"] == 1
    assert second["rows"] == first["rows"] > 0


@pytest.mark.slow
def test_a_second_fresh_app_run_of_the_portfolio_uses_the_persisted_results(db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{db}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SAMPLE_SETTINGS))
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)

    def run() -> int:
        before = sum(t.builds for t in REGISTRY.values())
        at = AppTest.from_file(str(APP), default_timeout=240)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert any("Coverage by role" in s.value for s in at.subheader)
        return sum(t.builds for t in REGISTRY.values()) - before

    assert run() > 0  # computed: strengths, contact tables, tiers ...
    assert cache_files(db)
    fresh_process_caches()  # a new server process: memory empty
    assert run() == 0, "the second fresh run built derived tables instead of reading the persisted results"


def test_after_the_apps_import_the_portfolio_analyses_are_computed_in_the_background(db, tmp_path):
    ctx = page_context(db)
    ctx.compute(counted, as_of=ctx.as_of_text)  # as a page asked for it
    assert len(CALLS) == 1
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "accounts.csv").write_text("id,name\nA-BG,Background Co\n")
    import_path(extra, open_store(f"sqlite:///{db}"))  # a write by another process
    fresh = page_context(db)
    assert fresh.data_version != ctx.data_version
    thread = ctx.precompute()
    assert thread is not None
    thread.join(timeout=120)
    assert len(CALLS) == 2  # computed in the background for the new version
    out = fresh.compute(counted, as_of=ctx.as_of_text)
    assert len(CALLS) == 2 and "A-BG" in set(out["id"])  # the page finds it ready


# -- erasure leaves nothing on disk ---------------------------------------------------------------------

def test_erasing_a_person_deletes_the_persisted_analyses_that_name_them(db):
    """The persisted files hold names (labels, gap texts): erasure through the app or the CLI
    removes the store's whole cache folder, every version, so no copy outlives the rows."""
    from click.testing import CliRunner

    from kamgraph.analysis.people import person_labels
    from kamgraph.cli import main

    ctx = page_context(db)
    labels = ctx.compute(person_labels, with_settings=False, as_of=ctx.as_of_text)
    assert any("孙丽华" in label for label in labels)
    files = cache_files(db)
    assert any("孙丽华" in " ".join(map(str, P.loads(f.read_bytes()))) for f in files)  # the name is on disk

    r = CliRunner().invoke(main, ["--store", f"sqlite:///{db}", "erase-person", "X-01", "--yes"])
    assert r.exit_code == 0, r.output
    folder = db.parent / (db.name + ".cache")
    assert not folder.exists()

    # the app's erasure does the same for what it persisted since
    fresh_process_caches()
    ctx = page_context(db)
    ctx.compute(person_labels, with_settings=False, as_of=ctx.as_of_text)
    assert cache_files(db)
    ctx.erase_person("C-001")
    assert not folder.exists()
    assert sorted(p.name for p in db.parent.iterdir() if not p.name.startswith(db.name)) == []
