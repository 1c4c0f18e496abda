"""Fingerprint of the product's answers, to prove a refactoring changed no answer.

On the sample portfolio (data/sample, as of its kamgraph.toml date) and on a generated
portfolio (scale M by default, seed 1, as of its last day) it records: gap kinds and
counts, a digest of every gap row, trend labels (counts and a digest of every row) and a
digest of the access-path rows of every uncovered decision-maker. Run it before and after
a change and compare::

    python benchmarks/answers.py --out /tmp/before.json
    ... change the code ...
    python benchmarks/answers.py --compare /tmp/before.json

Exit code 1 when ``--compare`` finds a difference (the differing figures are printed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def _digest(frame: pd.DataFrame) -> str:
    """A digest of a frame's values (floats rounded to 9 places, rows in their order)."""
    f = frame.copy()
    for c in f.columns:
        if pd.api.types.is_float_dtype(f[c]):
            f[c] = f[c].round(9)
    text = f.astype(str).to_csv(index=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fingerprint(snap, settings) -> dict:
    from kamgraph.analysis import gaps, trends, uncovered_decision_maker_paths

    g = gaps(snap, settings)
    t = trends(snap, settings)
    p = uncovered_decision_maker_paths(snap, settings)
    return {
        "gap_counts": {k: int(v) for k, v in g["kind"].value_counts().sort_index().items()},
        "gap_rows": _digest(g),
        "trend_labels": {str(k): int(v) for k, v in t["label"].value_counts(dropna=False).sort_index().items()},
        "trend_rows": _digest(t),
        "path_rows": len(p),
        "path_digest": _digest(p),
    }


def sample_answers() -> dict:
    from kamgraph.ingest.pipeline import import_path
    from kamgraph.settings import Settings
    from kamgraph.store import open_store

    store = open_store("sqlite:///:memory:")
    store.init()
    import_path(ROOT / "data" / "sample", store)
    try:
        return fingerprint(store.snapshot(), Settings.load(ROOT / "data" / "sample" / "kamgraph.toml"))
    finally:
        store.close()


def generated_answers(scale: str, seed: int) -> dict:
    from kamgraph.schema import normalize_frame
    from kamgraph.settings import Settings
    from kamgraph.snapshot import Snapshot

    from kamgraph.synthetic import DEFAULT_END, generate
    frames = generate(scale, seed)
    snap = Snapshot({name: normalize_frame(name, f) for name, f in frames.items()})
    return fingerprint(snap, Settings(as_of=str(DEFAULT_END)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="M", type=str.upper)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None, help="write the fingerprint JSON here")
    ap.add_argument("--compare", default=None, help="compare with a fingerprint JSON written before")
    args = ap.parse_args(argv)
    result = {"sample": sample_answers(), f"generated_{args.scale}_seed{args.seed}": generated_answers(args.scale, args.seed)}
    text = json.dumps(result, indent=2, sort_keys=True, default=lambda o: int(o) if isinstance(o, np.integer) else str(o))
    if args.out:
        Path(args.out).write_text(text + "\n")
    if args.compare:
        before = json.loads(Path(args.compare).read_text())
        diff = [(part, key, before.get(part, {}).get(key), result[part].get(key))
                for part in result for key in result[part]
                if before.get(part, {}).get(key) != json.loads(text)[part].get(key)]
        for part, key, old, new in diff:
            print(f"{part}.{key}: {old} -> {new}")
        print("same answers" if not diff else f"{len(diff)} figures differ")
        return 1 if diff else 0
    if not args.out:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
