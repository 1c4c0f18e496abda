"""Import throughput of the two stores: rows/s for SQLite and for Neo4j over Bolt.

Generates a portfolio in memory (deterministic for a seed), imports it once into a fresh
SQLite file and once into a Bolt server, and reports rows/s per store and per entity,
with the batch size used. Results go to ``benchmarks/results/import-<time>.json``.

The Bolt server is ArcadeDB started from ``tests/bolt_server.py`` (PyPI
``arcadedb-embedded``) unless ``--neo4j-uri`` names one (credentials from
``KAMGRAPH_NEO4J_USER`` / ``KAMGRAPH_NEO4J_PASSWORD`` / ``KAMGRAPH_NEO4J_DATABASE``;
everything in that database is deleted first).

    python benchmarks/bench_import.py                          # quick: 20k people, 60k ties
    python benchmarks/bench_import.py --people 100000 --ties 300000

The generator is deliberately simple (uniform random ties, two attendees per
interaction); a realistic synthetic portfolio generator is separate work.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(ROOT / "tests"))  # tests/bolt_server.py

from kamgraph import model  # noqa: E402
from kamgraph.schema import WRITE_ORDER  # noqa: E402


def generate(people: int, ties: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    """A portfolio of ``people`` people and ``ties`` distinct ties, vectorized.

    80% customers spread over ``people // 200`` accounts (one employment each), 10%
    internal staff, 10% external; ``people // 4`` interactions, each with one customer
    and one internal attendee.
    """
    rng = np.random.default_rng(seed)
    n_acc = max(1, people // 200)
    pid = np.array([f"P{i:07d}" for i in range(people)], dtype=object)
    side = rng.choice(["customer", "internal", "external"], size=people, p=[0.8, 0.1, 0.1])
    acc_ids = np.array([f"A{i:05d}" for i in range(n_acc)], dtype=object)
    accounts = pd.DataFrame({"id": acc_ids, "name": [f"Account {i}" for i in range(n_acc)],
                             "tier": rng.choice(model.Tier.values(), size=n_acc),
                             "revenue": rng.uniform(1e6, 5e8, size=n_acc).round(0)})
    levels = rng.integers(1, 6, size=people)
    people_df = pd.DataFrame({"id": pid, "name": [f"Person {i}" for i in range(people)], "side": side,
                              "title": np.where(levels <= 2, "VP", "Manager"), "level": levels})
    customers = pid[side == "customer"]
    internal = pid[side == "internal"]
    employment = pd.DataFrame({"person_id": customers, "org_id": rng.choice(acc_ids, size=len(customers)),
                               "since": "2020-01-01"})
    # distinct unordered pairs, stored with person_id < other_id
    draw = int(ties * 1.2) + 10
    a, b = rng.integers(0, people, size=draw), rng.integers(0, people, size=draw)
    keep = a != b
    lo, hi = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    pairs = pd.DataFrame({"lo": lo, "hi": hi}).drop_duplicates().head(ties)
    if len(pairs) < ties:
        raise SystemExit(f"only {len(pairs)} distinct ties possible with {people} people; ask for fewer")
    n_t = len(pairs)
    ties_df = pd.DataFrame({"person_id": pid[pairs["lo"].to_numpy()], "other_id": pid[pairs["hi"].to_numpy()],
                            "kind": rng.choice(model.TieKind.values(), size=n_t),
                            "strength": rng.integers(1, 6, size=n_t), "assessed_on": "2026-01-15"})
    n_int = max(1, people // 4)
    iid = np.array([f"I{i:07d}" for i in range(n_int)], dtype=object)
    dates = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, size=n_int), unit="D")
    interactions = pd.DataFrame({"id": iid, "date": dates.strftime("%Y-%m-%d"),
                                 "kind": rng.choice(model.InteractionKind.values(), size=n_int),
                                 "account_id": rng.choice(acc_ids, size=n_int)})
    attendance = pd.DataFrame({"interaction_id": np.concatenate([iid, iid]),
                               "person_id": np.concatenate([rng.choice(customers, size=n_int),
                                                            rng.choice(internal, size=n_int)])})
    return {"accounts": accounts, "people": people_df, "interactions": interactions, "employment": employment,
            "ties": ties_df, "attendance": attendance}


class Timer:
    """Progress callback that records when each entity's last batch finished."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.last = self.start
        self.done_at: dict[str, float] = {}

    def __call__(self, entity: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if done >= total:
            self.done_at[entity] = now

    def per_entity(self, frames: dict[str, pd.DataFrame]) -> dict[str, dict]:
        out, prev = {}, self.start
        for name in WRITE_ORDER:
            if name in self.done_at:
                secs = self.done_at[name] - prev
                out[name] = {"rows": len(frames[name]), "seconds": round(secs, 3),
                             "rows_per_s": round(len(frames[name]) / secs) if secs > 0 else None}
                prev = self.done_at[name]
        return out


def _process_cpu(pid: int | None) -> float | None:
    """CPU seconds (user + system) a process has used so far, from /proc (Linux); None elsewhere."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    import os

    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(store, frames: dict[str, pd.DataFrame], server_pid: int | None = None) -> dict:
    """Import ``frames`` once; wall time, and the CPU time of this process (the client: diff,
    audit entries, packing) and of the server process when its pid is known (on a shared
    machine the CPU times are the figures to compare; wall time depends on the neighbours)."""
    store.init()  # schema (constraints) outside the timing; the first write would do it
    timer = Timer()
    s0 = _process_cpu(server_pid)
    c0 = time.process_time()
    t0 = time.perf_counter()
    result = store.write(frames, progress=timer)
    secs = time.perf_counter() - t0
    client_cpu = time.process_time() - c0
    s1 = _process_cpu(server_pid)
    counts = store.counts()
    wrong = {e: (len(f), counts[e]) for e, f in frames.items() if counts[e] != len(f)}
    if wrong:
        raise SystemExit(f"{store.url}: counts differ after the import: {wrong}")
    return {"rows": result.total, "seconds": round(secs, 2), "rows_per_s": round(result.total / secs),
            "client_cpu_seconds": round(client_cpu, 2),
            "server_cpu_seconds": None if s0 is None or s1 is None else round(s1 - s0, 2),
            "load_average": round(os_load(), 2), "batches": result.batches, "per_entity": timer.per_entity(frames)}


def os_load() -> float:
    import os

    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--ties", type=int, default=60_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch-size", type=int, default=5_000, help="rows per Neo4j transaction")
    ap.add_argument("--stores", default="sqlite,neo4j", help="comma-separated: sqlite, neo4j")
    ap.add_argument("--neo4j-uri", default=None, help="a Bolt server to use instead of starting ArcadeDB")
    ap.add_argument("--heap", default="2g", help="JVM heap of the ArcadeDB server started here")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    frames = generate(args.people, args.ties, args.seed)
    gen_s = time.perf_counter() - t0
    total = sum(len(f) for f in frames.values())
    print(f"generated {total:,} rows in {gen_s:.1f}s: " + ", ".join(f"{e} {len(f):,}" for e, f in frames.items()))
    report: dict = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "command": sys.argv,
                    "people": args.people, "ties": args.ties, "seed": args.seed, "batch_size": args.batch_size,
                    "rows": total, "machine": {"python": platform.python_version(), "cpus": _cpus(),
                                               "platform": platform.platform()},
                    "stores": {}}
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]

    if "sqlite" in stores:
        from kamgraph.store.sqlite import SQLiteStore

        with tempfile.TemporaryDirectory() as tmp:
            store = SQLiteStore(f"sqlite:///{tmp}/bench.db")
            report["stores"]["sqlite"] = {"server": "sqlite3 " + __import__("sqlite3").sqlite_version,
                                          **run(store, frames)}
            store.close()
        _print("sqlite", report["stores"]["sqlite"], None)

    if "neo4j" in stores:
        from kamgraph.store.neo4j import Neo4jStore

        if args.neo4j_uri:
            store = Neo4jStore(args.neo4j_uri, batch_size=args.batch_size)
            store.run_statement("clear_database", write=True)
            report["stores"]["neo4j"] = {"server": args.neo4j_uri, **run(store, frames)}
            store.close()
        else:
            from bolt_server import BoltServer

            with BoltServer(heap=args.heap) as srv:
                store = Neo4jStore(srv.uri, user=srv.user, password=srv.password, database=srv.database,
                                   batch_size=args.batch_size)
                report["stores"]["neo4j"] = {"server": f"ArcadeDB (arcadedb-embedded {_version('arcadedb-embedded')}) "
                                                       f"over Bolt, -Xmx{args.heap}", **run(store, frames, srv.pid)}
                store.close()
        _print("neo4j", report["stores"]["neo4j"], args.batch_size)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"import-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"results: {path}")
    return 0


def _print(name: str, r: dict, batch_size: int | None) -> None:
    how = (f"{r['batches']} transactions of up to {batch_size:,} rows" if batch_size
           else "one transaction")
    print(f"{name:>6}: {r['rows']:,} rows in {r['seconds']:.1f}s = {r['rows_per_s']:,} rows/s ({how})")
    cpu = f"client CPU {r['client_cpu_seconds']:.1f}s"
    if r.get("server_cpu_seconds") is not None:
        cpu += (f", server CPU {r['server_cpu_seconds']:.1f}s "
                f"(= {r['rows'] / max(r['server_cpu_seconds'], 1e-9):,.0f} rows per server CPU-second)")
    print(f"        {cpu}; load average {r['load_average']}")
    for e, x in r["per_entity"].items():
        print(f"        {e:<12} {x['rows']:>9,} rows {x['seconds']:>8.1f}s {x['rows_per_s'] or 0:>9,} rows/s")


def _cpus() -> int | None:
    import os

    return os.cpu_count()


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


if __name__ == "__main__":
    raise SystemExit(main())
