"""Quality of the product's relationship signals on real timestamped e-mail, against baselines.

    python benchmarks/quality.py [--datasets ../shared/datasets] [--out benchmarks/results/quality.json] [--markdown]

Run from the repository root; ``--datasets`` defaults to ``<repo>/../shared/datasets``
(the real third-party data of ``../shared/datasets/README.md``, read in place, never
copied). Without it the command prints one line naming the missing path and exits 0.
``--cuts 120,180,...`` picks other cut days; ``--no-sensitivity`` skips the settings grid.
The whole run takes about 10 s on 2 cores.

**Data.** SNAP email-Eu-core-temporal (Paranjape, Benson, Leskovec, WSDM 2017):
``src dst t_seconds`` rows over 803 days. It is fed to the product as a new user would:
each distinct ``(src, t)`` is one interaction of kind ``email`` attended by the sender and
every recipient with that same ``(src, t)`` (a multi-recipient message is one interaction
with n attendees); self-loops and repeated rows are dropped. ``t`` counts seconds from an
undisclosed start: **date = 2020-01-01 + floor(t / 86400) days** (the start date is a
stand-in; only differences of days matter). Days are numbered 0..803 from that start.

**Pairs and contact.** At a cut day ``c`` the evaluated pairs are the unordered pairs
with at least one message *between them* (either direction: one is the sender, the other a
recipient) on or before ``c``. A *contact* is one such message (distinct ``(src, dst, t)``).
The product also counts co-recipients of a message as a pair (they attended the same
interaction); those co-recipient-only pairs are counted but not evaluated.

**The log is not 803 days of e-mail**: messages fall on days 0..525, then nothing for 271
days (526..796), then 2,424 rows on days 797..803. A target window crossing that gap would
call every pair dormant, so cut days must have their 90 days ahead inside the active part
(a cut whose horizon overlaps a gap of more than 30 empty days is refused). The default
cuts are days 120, 180, 270, 360 and 435 (435 + 90 = 525, the last day before the gap);
days 120 and 180 are four and six months after the log starts.

**Figures**, per cut:

1. Spearman correlation (``scipy.stats.spearmanr``) of the product's ``strength`` at ``c``
   with the number of contacts in ``(c, c+90]``, next to baselines computed in the same run
   from the same messages: raw count of contacts on or before ``c``; decayed count
   ``sum 2^-((c - t_i)/90)``; recency ``-(days since the last contact)``. The product's
   ``evidence`` column is reported too (strength is a monotone function of it, so the two
   differ only where strength saturates at 1.0).
2. Dormancy: target = no contact in ``(c, c+90]``. Precision and recall of the product's
   trend labels ``dormant``, ``cooling`` and dormant-or-cooling, of the rule "no contact in
   the last 60 days before ``c``" (and 30/90/180 days in the JSON), and the base rate.
   A small grid of ``trend.dormant_factor`` / ``dormant_min_days`` / ``dormant_max_days``
   is evaluated too (sensitivity).
3. Warming bias: among *steady* pairs, the share of each trend label. Steady (``steady_60``,
   every cut from day 120): at least one contact in each of the four 30-day windows
   ``(c-120, c]``, and the contacts in ``(c-60, c]`` within +-33% of those in
   ``(c-120, c-60]``. ``steady_90`` (cuts from day 180, both windows inside the log): a
   contact in each of the four 30-day windows and the contacts in ``(c-90, c]`` within
   +-33% of those in ``(c-180, c-90]``. A steady pair is neither warming nor cooling.
4. Ties at 1.0: pairs whose strength is exactly 1.0 while their evidence differs (the
   float saturation of ``1 - exp(-evidence/scale)``); should be 0.

Product functions are always called (``strengths``, ``trends`` with explicit pairs), never
reimplemented. ``benchmarks/quality_power.py`` (Enron and hospital power checks), when
present, runs too; its result goes under ``"power"``. Results: a JSON of every figure
(wall times per section, package versions, git commit) and, with ``--markdown``, a summary
on stdout for ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import itertools
import json
import logging
import math
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # a checkout without installing

log = logging.getLogger("kamgraph.quality")

DEFAULT_DATASETS = ROOT.parent / "shared" / "datasets"
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "quality.json"
EMAIL_DIR = "snap_email_eu_core"
EMAIL_FILE = "email-Eu-core-temporal.txt.gz"
START = pd.Timestamp("2020-01-01")  # stand-in for the undisclosed start of the log
DEFAULT_CUTS = (120, 180, 270, 360, 435)
MAX_GAP_IN_HORIZON = 30  # empty days in a row a cut's horizon may contain
HORIZON = 90  # days ahead the targets look
BASELINE_HALF_LIFE = 90.0  # decayed-count baseline
RULE_DAYS = (30, 60, 90, 180)  # "no contact in the last N days" rules; 60 is the headline
HEADLINE_RULE = 60
STEADY_TOLERANCE = 1 / 3  # +-33%
SENSITIVITY_GRID = {"dormant_factor": (2, 3, 4), "dormant_min_days": (30, 60), "dormant_max_days": (120, 180)}
LABELS = ("new", "dormant", "warming", "cooling", "stable")


# -- the product's functions ----------------------------------------------------------

def product_strengths() -> Callable:
    from kamgraph.analysis.strength import strengths

    return strengths


def product_trends() -> Callable:
    from kamgraph.analysis.trends import trends

    return trends


# -- data -------------------------------------------------------------------------------

@dataclass
class EmailData:
    """The Eu-core log as the product sees it, and as the baselines see it."""

    snapshot: Any  # kamgraph Snapshot
    pair_key: np.ndarray  # per distinct pair with a direct message: a * P + b (a < b), sorted
    contact_pair: np.ndarray  # per contact (distinct src, dst, t): its row in pair_key
    contact_day: np.ndarray  # per contact: day number (0 = START)
    P: int  # person-id multiplier of pair_key
    stats: dict


def person_id(x) -> np.ndarray:
    """Eu-core vertex number -> kamgraph person id (zero-padded, so string order = number order)."""
    return np.char.add("p", np.char.zfill(np.asarray(x).astype(str), 4)).astype(object)


def load_email(path: Path) -> EmailData:
    from kamgraph.schema import normalize_frame
    from kamgraph.snapshot import Snapshot

    raw = pd.read_csv(path, sep=r"\s+", header=None, names=["src", "dst", "t"], dtype=np.int64)
    n_rows = len(raw)
    self_loops = int((raw["src"] == raw["dst"]).sum())
    e = raw[raw["src"] != raw["dst"]]
    repeated = int(e.duplicated().sum())
    e = e.drop_duplicates().reset_index(drop=True)
    e["day"] = e["t"] // 86_400

    # one interaction per (sender, second)
    msg_key = e["src"].to_numpy() * (int(e["t"].max()) + 1) + e["t"].to_numpy()
    msg_code, msg_uniq = pd.factorize(msg_key, sort=True)
    n_msg = len(msg_uniq)
    first = np.unique(msg_code, return_index=True)[1]
    msg_src, msg_day = e["src"].to_numpy()[first], e["day"].to_numpy()[first]
    mid = np.char.add("m", np.char.zfill(np.arange(n_msg).astype(str), 6)).astype(object)
    recipients = np.bincount(msg_code, minlength=n_msg)
    attendance = pd.DataFrame({
        "interaction_id": np.concatenate([mid, mid[msg_code]]),
        "person_id": np.concatenate([person_id(msg_src), person_id(e["dst"].to_numpy())]),
    }).drop_duplicates()
    ids = np.unique(np.concatenate([e["src"].to_numpy(), e["dst"].to_numpy()]))
    frames = {
        "people": pd.DataFrame({"id": person_id(ids), "name": np.char.add("Person ", ids.astype(str)).astype(object),
                                "side": "customer"}),
        "interactions": pd.DataFrame({"id": mid, "date": START + pd.to_timedelta(msg_day, unit="D"),
                                      "kind": "email"}),
        "attendance": attendance,
    }
    snap = Snapshot({name: normalize_frame(name, df) for name, df in frames.items()})

    days = e["day"].to_numpy()
    n_days = int(days.max()) + 1
    empty = np.flatnonzero(np.bincount(days, minlength=n_days) == 0)
    gaps = []
    if len(empty):
        breaks = np.flatnonzero(np.diff(empty) > 1)
        starts, ends = empty[np.r_[0, breaks + 1]], empty[np.r_[breaks, len(empty) - 1]]
        gaps = [[int(a), int(b)] for a, b in zip(starts, ends) if b - a + 1 > 7]

    P = int(ids.max()) + 1
    src, dst = e["src"].to_numpy(), e["dst"].to_numpy()
    key = np.minimum(src, dst) * P + np.maximum(src, dst)
    pair_key, contact_pair = np.unique(key, return_inverse=True)
    stats = {
        "file": str(path),
        "rows": n_rows,
        "self_loops_dropped": self_loops,
        "repeated_rows_dropped": repeated,
        "contacts": int(len(e)),
        "messages": int(n_msg),
        "multi_recipient_messages": int((recipients > 1).sum()),
        "max_recipients": int(recipients.max()),
        "attendance_rows": int(len(attendance)),
        "people": int(len(ids)),
        "pairs_with_direct_messages": int(len(pair_key)),
        "days": n_days,
        "days_with_messages": int(n_days - len(empty)),
        "gaps_over_7_empty_days": gaps,
        "first_date": str(START.date()),
        "last_date": str((START + pd.Timedelta(days=int(e["day"].max()))).date()),
        "date_mapping": "date = 2020-01-01 + floor(t / 86400) days (t counts seconds from an undisclosed start)",
    }
    return EmailData(snap, pair_key, contact_pair, e["day"].to_numpy(), P, stats)


# -- figures ----------------------------------------------------------------------------

def _shared_events(data: EmailData) -> tuple[np.ndarray, np.ndarray]:
    """Every (pair, day) of two people attending the same message (sender-recipient or
    co-recipients: all the product sees), for the pairs evaluated (``data.pair_key`` rows),
    counted here, not by the product's strength code."""
    from kamgraph.analysis.arrays import within_groups

    att = data.snapshot.attendance[["interaction_id", "person_id"]]
    inter = data.snapshot.interactions[["id", "date"]].rename(columns={"id": "interaction_id"})
    a = att.merge(inter, on="interaction_id")
    p = a["person_id"].str[1:].astype(np.int64).to_numpy()
    i = pd.factorize(a["interaction_id"])[0]
    day = ((a["date"] - START).dt.days).to_numpy()
    order = np.lexsort((p, i))
    i, p, day = i[order], p[order], day[order]
    left, right = within_groups(i)  # the generic array helper, no product definition
    key = np.minimum(p[left], p[right]) * data.P + np.maximum(p[left], p[right])
    pos = np.minimum(np.searchsorted(data.pair_key, key), len(data.pair_key) - 1)
    hit = data.pair_key[pos] == key
    return pos[hit], day[left][hit]


def _spearman(x: np.ndarray, y: np.ndarray) -> float | None:
    from scipy.stats import spearmanr

    if len(x) < 3 or np.all(x == x[0]) or np.all(y == y[0]):
        return None
    return float(spearmanr(x, y).statistic)


def _pr(flag: np.ndarray, target: np.ndarray) -> dict:
    """Precision and recall of ``flag`` for ``target`` (None where undefined)."""
    return _scores(int((flag & target).sum()), int(flag.sum()), int(target.sum()))


def _share_table(labels: np.ndarray, mask: np.ndarray) -> dict:
    n = int(mask.sum())
    sel = labels[mask]
    return {"n": n, **{lab: (float(np.mean(sel == lab)) if n else None) for lab in LABELS}}


def _ties_at_one(strength: np.ndarray, evidence: np.ndarray) -> dict:
    """Pairs at strength exactly 1.0, and pairs sharing any strength value with different evidence.

    Evidence is compared rounded to 9 decimals: sums of the same terms in another order
    differ by ~1e-16, which is no information lost.
    """
    evidence = np.round(evidence, 9)
    at1 = strength == 1.0
    ev1 = np.unique(evidence[at1])
    g = pd.DataFrame({"s": strength, "e": evidence}).groupby("s")["e"].agg(["nunique", "size"])
    mixed = g[g["nunique"] > 1]
    return {
        "pairs_at_1": int(at1.sum()),
        "distinct_evidence_at_1": int(len(ev1)),
        "pairs_at_1_with_different_evidence": int(at1.sum()) if len(ev1) > 1 else 0,
        "min_evidence_at_1": float(ev1.min()) if len(ev1) else None,
        "pairs_in_any_tied_strength_with_different_evidence": int(mixed["size"].sum()),
        "distinct_strength_values": int(len(g)),
        "distinct_evidence_values": int(len(np.unique(evidence))),
    }


def _window_counts(data: EmailData, lo: int, hi: int) -> np.ndarray:
    """Contacts per pair with day in (lo, hi]."""
    m = (data.contact_day > lo) & (data.contact_day <= hi)
    return np.bincount(data.contact_pair[m], minlength=len(data.pair_key))


def _steady(win: list[np.ndarray], recent: np.ndarray, before: np.ndarray) -> np.ndarray:
    every = np.all(np.vstack(win) > 0, axis=0)
    return every & (before > 0) & (np.abs(recent - before) <= STEADY_TOLERANCE * before)


def _dormancy_block(labels: np.ndarray, quiet: np.ndarray) -> dict:
    return {
        "dormant": _pr(labels == "dormant", quiet),
        "cooling": _pr(labels == "cooling", quiet),
        "dormant_or_cooling": _pr(np.isin(labels, ["dormant", "cooling"]), quiet),
    }


def _pairs_frame(data: EmailData, rows: np.ndarray) -> pd.DataFrame:
    a, b = data.pair_key[rows] // data.P, data.pair_key[rows] % data.P
    return pd.DataFrame({"person_id": person_id(a), "other_id": person_id(b)})


def _labels_for(trends_fn, data: EmailData, settings, date, rows: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    pairs = _pairs_frame(data, rows)
    tr = trends_fn(data.snapshot, settings, as_of=date, pairs=pairs)
    tr = pairs.merge(tr, on=["person_id", "other_id"], how="left")
    return tr["label"].to_numpy(dtype=object), tr


def _key_of(a: pd.Series, b: pd.Series, P: int) -> np.ndarray:
    ia = pd.to_numeric(a.str.slice(1)).to_numpy(dtype=np.int64)
    ib = pd.to_numeric(b.str.slice(1)).to_numpy(dtype=np.int64)
    return np.minimum(ia, ib) * P + np.maximum(ia, ib)


def _settings_summary(settings) -> dict:
    import dataclasses

    def plain(v):
        if dataclasses.is_dataclass(v):
            return {f.name: plain(getattr(v, f.name)) for f in dataclasses.fields(v)}
        if hasattr(v, "items"):
            return {k: plain(x) for k, x in v.items()}
        return v if isinstance(v, (int, float, str, bool, type(None))) else str(v)

    return {"strength": plain(settings.strength), "trend": plain(settings.trend)}


def email_quality(datasets: Path, cuts: Sequence[int] = DEFAULT_CUTS, settings=None,
                  sensitivity: bool = True) -> dict:
    """Every e-mail figure for the given cut days (see the module docstring).

    ``datasets`` is the folder holding ``snap_email_eu_core/``; ``cuts`` are day numbers
    of the log (0 = its first day) with ``cut + 90`` inside it. Raises FileNotFoundError
    when the log is absent.
    """
    from kamgraph.settings import Settings

    path = Path(datasets) / EMAIL_DIR / EMAIL_FILE
    if not path.exists():
        raise FileNotFoundError(f"Eu-core e-mail log not found at {path}")
    settings = settings or Settings()
    strengths_fn, trends_fn = product_strengths(), product_trends()
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    data = load_email(path)
    timings["load_and_snapshot_s"] = time.perf_counter() - t0
    last_day = data.stats["days"] - 1
    bad = [c for c in cuts if c < 1 or c + HORIZON > last_day]
    if bad:
        raise ValueError(f"cut days {bad} leave no full {HORIZON}-day horizon inside days 0..{last_day}")
    long_gaps = [g for g in data.stats["gaps_over_7_empty_days"] if g[1] - g[0] + 1 > MAX_GAP_IN_HORIZON]
    bad = [c for c in cuts if any(g[0] <= c + HORIZON and g[1] > c for g in long_gaps)]
    if bad:
        raise ValueError(f"cut days {bad}: their {HORIZON} days ahead overlap a stretch without any message "
                         f"(days {long_gaps}); every pair would look dormant")
    log.info("e-mail: %s messages, %s contacts, %s pairs, %s days; cuts %s",
             data.stats["messages"], data.stats["contacts"], data.stats["pairs_with_direct_messages"],
             data.stats["days"], list(cuts))

    shared_pair, shared_day = _shared_events(data)
    tr_set = settings.trend
    dormancy_settings = {k: getattr(tr_set, k) for k in SENSITIVITY_GRID}
    out_cuts = []
    timings.update({"product_strengths_s": 0.0, "product_trends_s": 0.0, "baselines_s": 0.0, "figures_s": 0.0})
    per_cut_rows: dict[int, np.ndarray] = {}
    per_cut_quiet: dict[int, np.ndarray] = {}
    per_cut_rule: dict[int, dict] = {}
    for c in cuts:
        date = START + pd.Timedelta(days=int(c))
        t1 = time.perf_counter()
        # baselines and targets, from the contacts alone
        past_mask = data.contact_day <= c
        past = np.bincount(data.contact_pair[past_mask], minlength=len(data.pair_key))
        rows = np.flatnonzero(past > 0)
        decayed = np.bincount(data.contact_pair[past_mask],
                              weights=np.exp2(-(c - data.contact_day[past_mask]) / BASELINE_HALF_LIFE),
                              minlength=len(data.pair_key))
        last = np.full(len(data.pair_key), -1, dtype=np.int64)
        np.maximum.at(last, data.contact_pair[past_mask], data.contact_day[past_mask])
        future = _window_counts(data, c, c + HORIZON)
        win30 = [_window_counts(data, c - 30 * (k + 1), c - 30 * k) for k in range(4)]
        timings["baselines_s"] += time.perf_counter() - t1

        # same-information baselines: what the product sees (messages both attended)
        t1 = time.perf_counter()
        before = shared_day <= c
        shared_raw = np.bincount(shared_pair[before], minlength=len(data.pair_key)).astype(float)
        shared_dec = np.bincount(shared_pair[before], weights=np.exp2(-(c - shared_day[before]) / HORIZON),
                                 minlength=len(data.pair_key))
        timings["baselines_s"] += time.perf_counter() - t1

        # the product
        t1 = time.perf_counter()
        s = strengths_fn(data.snapshot, settings, as_of=date)
        timings["product_strengths_s"] += time.perf_counter() - t1
        skey = _key_of(s["a"], s["b"], data.P)
        pos = np.searchsorted(data.pair_key, skey)
        pos_c = np.minimum(pos, len(data.pair_key) - 1)
        direct = data.pair_key[pos_c] == skey
        strength = np.zeros(len(data.pair_key))
        evidence = np.zeros(len(data.pair_key))
        found = np.zeros(len(data.pair_key), dtype=bool)
        strength[pos_c[direct]] = s["strength"].to_numpy(dtype=float)[direct]
        evidence[pos_c[direct]] = s["evidence"].to_numpy(dtype=float)[direct]
        found[pos_c[direct]] = True

        t1 = time.perf_counter()
        labels, tr = _labels_for(trends_fn, data, settings, date, rows)
        timings["product_trends_s"] += time.perf_counter() - t1

        t1 = time.perf_counter()
        y = future[rows].astype(float)
        quiet = future[rows] == 0
        since = (c - last[rows]).astype(float)
        spear = {
            "product_strength": _spearman(strength[rows], y),
            "product_evidence": _spearman(evidence[rows], y),
            "raw_count": _spearman(past[rows].astype(float), y),
            "decayed_count_h90": _spearman(decayed[rows], y),
            "recency": _spearman(-since, y),
            "shared_count": _spearman(shared_raw[rows], y),
            "shared_decayed_h90": _spearman(shared_dec[rows], y),
        }
        label_counts = {lab: int((labels == lab).sum()) for lab in LABELS}
        label_counts["none"] = int(pd.isna(labels).sum())
        rules = {f"no_contact_{d}d": _pr(since >= d, quiet) for d in RULE_DAYS}
        # steady pairs (see the module docstring)
        w = [x[rows] for x in win30]
        steady60 = _steady(w, w[0] + w[1], w[2] + w[3]) if c >= 120 else None
        if c >= 180:
            r90 = _window_counts(data, c - 90, c)[rows]
            b90 = _window_counts(data, c - 180, c - 90)[rows]
            steady90 = _steady(w, r90, b90)
        else:
            steady90 = None
        slope = tr["slope"].to_numpy(dtype=float)
        window_start = date - pd.DateOffset(months=max(getattr(tr_set, "slope_points", 6) - 1, 0))
        out_cuts.append({
            "day": int(c),
            "date": str(date.date()),
            "months_after_log_start": round(c / 30.44, 1),
            # the first monthly point of the trend slope (slope_points - 1 months back) against the log start
            "slope_window_start": str(window_start.date()),
            "slope_window_starts_before_log": bool(window_start < START),
            "pairs": int(len(rows)),
            "product_pairs": int(len(s)),
            "product_pairs_co_recipient_only": int(len(s) - direct.sum()),
            "pairs_missing_from_product": int((~found[rows]).sum()),
            "spearman_next_90d_contacts": spear,
            "labels": label_counts,
            "dormancy": {
                "target": f"no contact in (c, c+{HORIZON}]",
                "base_rate": float(quiet.mean()),
                "positives": int(quiet.sum()),
                **_dormancy_block(labels, quiet),
                "rules": rules,
                # why the product's labels can miss what the rule finds: a quiet pair that is young, or
                # whose last shared interaction (a message both were copied on) is later than its last contact
                "positives_labelled_new": float(np.mean(labels[quiet] == "new")) if quiet.any() else None,
                "product_last_interaction_after_last_contact": float(np.mean(
                    tr["days_since_last"].to_numpy(dtype=float) < since)),
            },
            "warming_bias": {
                "steady_60": _share_table(labels, steady60) if steady60 is not None else None,
                "steady_60_median_slope": float(np.median(slope[steady60])) if steady60 is not None and steady60.any() else None,
                # is the steady set itself rising? (share with more contacts in the last 60 days than the 60 before)
                "steady_60_more_recent": float(np.mean((w[0] + w[1])[steady60] > (w[2] + w[3])[steady60]))
                if steady60 is not None and steady60.any() else None,
                "steady_60_fewer_recent": float(np.mean((w[0] + w[1])[steady60] < (w[2] + w[3])[steady60]))
                if steady60 is not None and steady60.any() else None,
                "steady_90": _share_table(labels, steady90) if steady90 is not None else None,
                "all_pairs": _share_table(labels, np.ones(len(rows), dtype=bool)),
            },
            "ties_at_1": _ties_at_one(s["strength"].to_numpy(dtype=float), s["evidence"].to_numpy(dtype=float)),
            "ties_at_1_evaluated_pairs": _ties_at_one(strength[rows], evidence[rows]),
        })
        per_cut_rows[c], per_cut_quiet[c] = rows, quiet
        per_cut_rule[c] = rules[f"no_contact_{HEADLINE_RULE}d"]
        timings["figures_s"] += time.perf_counter() - t1
        log.info("cut day %d (%s): %d pairs, spearman strength %.3f raw %.3f decayed %.3f; labels %s",
                 c, date.date(), len(rows), spear["product_strength"] or float("nan"), spear["raw_count"] or float("nan"),
                 spear["decayed_count_h90"] or float("nan"), label_counts)

    t1 = time.perf_counter()
    sens = _sensitivity(trends_fn, data, settings, cuts, per_cut_rows, per_cut_quiet, per_cut_rule) if sensitivity else {
        "available": False, "reason": "not requested"}
    timings["sensitivity_s"] = time.perf_counter() - t1
    return {
        "dataset": data.stats,
        "definitions": {
            "pairs": "unordered pairs with at least one message between them (either direction) on or before the cut",
            "contact": "one message between the two: a distinct (src, dst, t) row, either direction",
            "interaction": "each distinct (src, t) is one interaction of kind email attended by the sender and "
                           "every recipient of that (src, t)",
            "target_spearman": f"contacts in (c, c+{HORIZON}]",
            "target_dormancy": f"no contact in (c, c+{HORIZON}]",
            "baselines": {"raw_count": "contacts on or before c",
                          "decayed_count_h90": "sum over contacts on or before c of 2^-((c - t_i)/90)",
                          "recency": "-(days since the last contact)",
                          "shared_count": "messages both attended (as sender or recipient) on or before c: "
                                          "what the product sees",
                          "shared_decayed_h90": "the same, each weighted 2^-((c - t_i)/90)"},
            "rules": "no_contact_Nd: no contact in (c-N, c]",
            "steady_60": "a contact in each of the four 30-day windows (c-120, c] and the contacts in (c-60, c] "
                         "within +-33% of those in (c-120, c-60]",
            "steady_90": "a contact in each of the four 30-day windows (c-120, c] and the contacts in (c-90, c] "
                         "within +-33% of those in (c-180, c-90] (cuts from day 180)",
            "ties_at_1": "pairs with strength exactly 1.0 while evidence differs among them",
        },
        "settings": {**_settings_summary(settings), "dormancy_settings_present": dormancy_settings},
        "cuts": out_cuts,
        "dormancy_sensitivity": sens,
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }


def _sensitivity(trends_fn, data: EmailData, settings, cuts, rows_of, quiet_of, rule_of) -> dict:
    """Dormant (and dormant-or-cooling) precision/recall over a small grid of the dormancy
    settings."""
    tr = settings.trend
    present = SENSITIVITY_GRID
    names = list(present)
    defaults = {k: getattr(tr, k) for k in names}
    positives = sum(int(quiet_of[c].sum()) for c in cuts)
    rows = []
    for combo in itertools.product(*present.values()):
        over = dict(zip(names, combo))
        s = settings.replace(trend=over)
        per_cut = []
        for c in cuts:
            labels, _ = _labels_for(trends_fn, data, s, START + pd.Timedelta(days=int(c)), rows_of[c])
            q = quiet_of[c]
            per_cut.append({"day": int(c), **_dormancy_block(labels, q)})

        def pooled(kind: str) -> dict:
            return _scores(sum(p[kind]["true_positives"] for p in per_cut),
                           sum(p[kind]["flagged"] for p in per_cut), positives)

        rows.append({**over, "is_default": over == defaults, "pooled_dormant": pooled("dormant"),
                     "pooled_dormant_or_cooling": pooled("dormant_or_cooling"),
                     "per_cut": per_cut})
        log.info("sensitivity %s: dormant P %s R %s", over, _f(rows[-1]["pooled_dormant"]["precision"]),
                 _f(rows[-1]["pooled_dormant"]["recall"]))
    ref = _scores(sum(rule_of[c]["true_positives"] for c in cuts), sum(rule_of[c]["flagged"] for c in cuts),
                  positives)
    varies = len({(r["pooled_dormant"]["flagged"], r["pooled_dormant_or_cooling"]["flagged"]) for r in rows}) > 1
    if not varies:
        log.warning("the dormancy labels are the same for every setting of %s: the product does not read them",
                    ", ".join(names))
    return {"available": True, "reference_rule": ref, "labels_vary": varies,
            "grid": {k: list(v) for k, v in present.items()}, "defaults": defaults, "rows": rows}


def _scores(true_positives: int, flagged: int, positives: int) -> dict:
    """Precision, recall and F1 from counts (None where undefined)."""
    pr = true_positives / flagged if flagged else None
    rc = true_positives / positives if positives else None
    f1 = 2 * pr * rc / (pr + rc) if pr is not None and rc is not None and pr + rc > 0 else None
    return {"precision": pr, "recall": rc, "f1": f1, "flagged": flagged, "true_positives": true_positives}


# -- the power checks of benchmarks/quality_power.py ----------------------------------------

def power_section(datasets: Path, settings) -> tuple[dict, str]:
    """Run ``benchmarks/quality_power.py`` when present: (result, markdown)."""
    path = Path(__file__).resolve().parent / "quality_power.py"
    if not path.exists():
        return {"status": "skipped", "reason": f"{path.name} not found next to quality.py"}, ""
    try:
        spec = importlib.util.spec_from_file_location("kamgraph_quality_power", path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
    except Exception as e:  # its import is its own business; record it and go on
        return {"status": "error", "reason": f"importing {path.name}: {type(e).__name__}: {e}"}, ""
    try:
        result = mod.run(Path(datasets), settings)
    except FileNotFoundError as e:
        return {"status": "skipped", "reason": f"dataset absent: {e}"}, ""
    except Exception as e:
        log.exception("quality_power.run failed")
        return {"status": "error", "reason": f"{type(e).__name__}: {e}"}, ""
    try:
        md = mod.markdown(result) if hasattr(mod, "markdown") else ""
    except Exception as e:
        md = f"(quality_power.markdown failed: {type(e).__name__}: {e})"
    return result, md


# -- output -----------------------------------------------------------------------------

def _plain(x):
    """JSON-safe: numpy scalars to Python, NaN/inf to None."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        v = float(x)
        return v if math.isfinite(v) else None
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, (pd.Timestamp, Path)):
        return str(x)
    return x


def _f(v, digits: int = 3) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def _pct(v) -> str:
    return "–" if v is None else f"{100 * v:.0f}%"


def _pr_cell(d: dict) -> str:
    return f"{_f(d['precision'], 2)} / {_f(d['recall'], 2)} ({d['flagged']})"


def email_markdown(email: dict) -> str:
    ds = email["dataset"]
    cuts = email["cuts"]
    lines = [
        f"### E-mail (SNAP email-Eu-core-temporal): {ds['messages']:,} messages ({ds['contacts']:,} sender-recipient "
        f"contacts) among {ds['people']} people over {ds['days']} days; {ds['date_mapping']}",
        "",
        f"Messages fall on {ds['days_with_messages']} of those days; stretches without any: "
        + ", ".join(f"days {a}-{b}" for a, b in ds["gaps_over_7_empty_days"]) + ". Cut days keep their next "
        f"{HORIZON} days before the long gap.",
        "",
        f"Pairs: at least one message between the two on or before the cut. Target: contacts in the next {HORIZON} "
        "days. Spearman correlation with that target:",
        "",
        "Baselines: *direct* counts use who sent to whom (information the product's attendance import does not "
        "have); *shared* counts use what the product sees, the messages both attended (sender or recipient).",
        "",
        "| cut (day, date) | pairs | product strength | shared count | shared decayed (H=90) | direct raw count "
        "| direct decayed (H=90) | recency |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in cuts:
        sp = c["spearman_next_90d_contacts"]
        lines.append(f"| {c['day']} ({c['date']}) | {c['pairs']:,} | {_f(sp['product_strength'])} | "
                     f"{_f(sp.get('shared_count'))} | {_f(sp.get('shared_decayed_h90'))} | {_f(sp['raw_count'])} | "
                     f"{_f(sp['decayed_count_h90'])} | {_f(sp['recency'])} |")
    lines += [
        "",
        f"Dormancy: target = no contact in the next {HORIZON} days. Precision / recall (pairs flagged):",
        "",
        "| cut | base rate | `dormant` | `cooling` | dormant or cooling | rule: none in 60 d |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for c in cuts:
        d = c["dormancy"]
        lines.append(f"| {c['day']} | {_pct(d['base_rate'])} | {_pr_cell(d['dormant'])} | {_pr_cell(d['cooling'])} | "
                     f"{_pr_cell(d['dormant_or_cooling'])} | {_pr_cell(d['rules'][f'no_contact_{HEADLINE_RULE}d'])} |")
    lines += [
        "",
        "Labels of steady pairs (a contact in each of the last four 30-day windows, last 60 days within ±33% of the "
        "60 before; `steady_90`: last 90 vs previous 90 days) and of all evaluated pairs. \"Contacts up / down\": "
        "share of the steady pairs with more / fewer contacts in the last 60 days than in the 60 before; the slope "
        "window is the product's monthly points (`trend.slope_points`):",
        "",
        "| cut (slope window from) | steady pairs (contacts up / down) | warming | cooling | stable | new | dormant "
        "| median slope | steady_90 pairs | warming | cooling | stable | all pairs: new / dormant / warming / cooling / stable |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for c in cuts:
        wb = c["warming_bias"]
        s6, s9, al = wb["steady_60"], wb["steady_90"], wb["all_pairs"]
        s6c = (f"{s6['n']:,} ({_pct(wb['steady_60_more_recent'])} / {_pct(wb['steady_60_fewer_recent'])}) | "
               f"{_pct(s6['warming'])} | {_pct(s6['cooling'])} | {_pct(s6['stable'])} | "
               f"{_pct(s6['new'])} | {_pct(s6['dormant'])} | {_f(wb['steady_60_median_slope'], 3)}"
               ) if s6 else "– | – | – | – | – | – | –"
        s9c = (f"{s9['n']:,} | {_pct(s9['warming'])} | {_pct(s9['cooling'])} | {_pct(s9['stable'])}"
               if s9 else "– | – | – | –")
        alc = " / ".join(_pct(al[k]) for k in LABELS)
        before = ", before the log" if c.get("slope_window_starts_before_log") else ""
        lines.append(f"| {c['day']} (from {c.get('slope_window_start', '?')}{before}) | {s6c} | {s9c} | {alc} |")
    lines += [
        "",
        "Ties at strength 1.0 (all pairs the product reports at the cut):",
        "",
        "| cut | product pairs (co-recipient only) | at 1.0 | distinct evidence at 1.0 | min evidence at 1.0 "
        "| at 1.0 with different evidence |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for c in cuts:
        t = c["ties_at_1"]
        lines.append(f"| {c['day']} | {c['product_pairs']:,} ({c['product_pairs_co_recipient_only']:,}) | "
                     f"{t['pairs_at_1']:,} | {t['distinct_evidence_at_1']:,} | {_f(t['min_evidence_at_1'], 1)} | "
                     f"{t['pairs_at_1_with_different_evidence']:,} |")
    sens = email["dormancy_sensitivity"]
    lines.append("")
    if sens.get("available"):
        names = list(sens["grid"])
        lines += [f"Dormancy settings sensitivity (pooled over the cuts; `*` = defaults {sens['defaults']}):",
                  "",
                  "| " + " | ".join(names) + " | dormant P / R (flagged) | dormant F1 | dormant or cooling P / R (flagged) |",
                  "|" + "---:|" * (len(names) + 3)]
        for r in sens["rows"]:
            mark = " *" if r["is_default"] else ""
            d, dc = r["pooled_dormant"], r["pooled_dormant_or_cooling"]
            lines.append("| " + " | ".join(str(r[n]) for n in names) + f"{mark} | {_pr_cell(d)} | {_f(d['f1'], 2)} | "
                         f"{_pr_cell(dc)} |")
        if not sens.get("labels_vary", True):
            lines += ["", "The labels are identical for every setting of the grid: the product does not read "
                      "these settings."]
        ref = sens.get("reference_rule")
        if ref:
            lines += ["", f"For reference, the rule \"no contact in the last {HEADLINE_RULE} days\" pooled over the same "
                      f"cuts: P / R {_pr_cell(ref)}, F1 {_f(ref['f1'], 2)}."]
    else:
        lines.append(f"Dormancy settings sensitivity: not run ({sens.get('reason')}).")
    return "\n".join(lines)


def markdown(result: dict) -> str:
    parts = [f"## Signal quality on real data (`python benchmarks/quality.py`, {result['meta']['date']}, "
             f"{result['meta']['wall_time_s']:.0f} s)", ""]
    email = result.get("email", {})
    parts.append(email_markdown(email) if "cuts" in email else f"E-mail: {email.get('status')}: {email.get('reason')}")
    parts.append("")
    power = result.get("power", {})
    if result.get("power_markdown"):
        parts.append(result["power_markdown"])
    else:
        parts.append(f"Power checks: {power.get('status', 'no result')}: {power.get('reason', '')}")
    return "\n".join(parts).rstrip() + "\n"


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for mod in ("pandas", "numpy", "scipy", "networkx", "kamgraph"):
        try:
            out[mod] = importlib.import_module(mod).__version__
        except Exception:  # pragma: no cover
            out[mod] = None
    return out


def _git() -> dict:
    def run(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except Exception:  # pragma: no cover - no git
            return ""

    dirty = run("status", "--porcelain", "--", "kamgraph")
    return {"commit": run("rev-parse", "HEAD") or None,
            "kamgraph_uncommitted_files": [ln[3:] for ln in dirty.splitlines()]}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS,
                    help="folder of the shared datasets (default: <repo>/../shared/datasets)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results file")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown summary on stdout")
    ap.add_argument("--cuts", default=",".join(map(str, DEFAULT_CUTS)), help="cut days of the e-mail log")
    ap.add_argument("--no-sensitivity", action="store_true", help="skip the dormancy-settings grid")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr)

    if not args.datasets.is_dir():
        print(f"quality benchmark skipped: datasets folder not found at {args.datasets.resolve()}")
        return 0
    from kamgraph.settings import Settings

    settings = Settings()
    started = time.perf_counter()
    result: dict = {"meta": {"command": "python benchmarks/quality.py " + " ".join(sys.argv[1:] if argv is None else argv),
                             "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
                             "started_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                             "datasets": str(args.datasets.resolve()), "versions": _versions(), "git": _git(),
                             "machine": {"platform": platform.platform(), "cpus": _cpus()}}}
    timings: dict[str, float] = {}
    cuts = [int(x) for x in args.cuts.split(",") if x.strip()]
    t0 = time.perf_counter()
    try:
        result["email"] = email_quality(args.datasets, cuts, settings, sensitivity=not args.no_sensitivity)
    except FileNotFoundError as e:
        log.warning("%s; the e-mail part is skipped", e)
        result["email"] = {"status": "skipped", "reason": str(e)}
    timings["email_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    log.info("power checks (benchmarks/quality_power.py)")
    result["power"], result["power_markdown"] = power_section(args.datasets, settings)
    timings["power_s"] = time.perf_counter() - t0
    result["meta"]["wall_time_s"] = time.perf_counter() - started
    result["meta"]["timings_s"] = {k: round(v, 3) for k, v in timings.items()}

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(_plain(result), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    log.info("wrote %s (%.0f s)", args.out, result["meta"]["wall_time_s"])
    if args.markdown:
        print(markdown(_plain(result)))
    else:
        print(f"results: {args.out}")
    return 0


def _cpus() -> int | None:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    sys.exit(main())
