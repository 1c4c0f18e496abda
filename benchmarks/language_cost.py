"""What Chinese costs: whole-portfolio gaps (strengths, paths and every sentence included) in
English and in Chinese, a fresh snapshot each, twice.

    python benchmarks/run.py --scale M --skip-bolt --work /tmp/kb/M-i18n   # leaves the store there
    python benchmarks/language_cost.py /tmp/kb/M-i18n
"""
import json
import sys
import time
from kamgraph.store import open_store
from kamgraph.settings import Settings
from kamgraph.i18n import use_language
from kamgraph.analysis.gaps import gaps

work = sys.argv[1] if len(sys.argv) > 1 else "/tmp/kb/M-i18n"
store = open_store(f"sqlite:///{work}/kamgraph.db")
state = json.load(open(f"{work}/state.json"))
as_of = state.get("as_of") or "2026-11-15"
out = {}
for run in range(2):
    for lang in ("en", "zh_CN"):
        snap = store.snapshot()
        s = Settings()
        with use_language(lang):
            t = time.perf_counter(); g = gaps(snap, s, as_of=as_of); dt = time.perf_counter() - t
        out.setdefault(lang, []).append(round(dt, 3))
        print(lang, "gaps", len(g), f"{dt:.3f} s", flush=True)
print(out)
