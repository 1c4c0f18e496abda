"""Does kamgraph find who holds power from interactions alone, and is strength stable?

    python benchmarks/quality_power.py                      # ../shared/datasets, product + baselines
    python benchmarks/quality_power.py --candidates         # + the candidate definitions of informal power
    python benchmarks/quality_power.py --datasets DIR --json out.json

Two real networks no one here wrote (``<datasets>/README.md``); nothing is copied into
the repository, a missing folder is reported as skipped.

**Power.** The product sees only who *attended* each interaction, never who sent or who
asked whom: every person is employed at one account, no title, level, org chart or
declared influence link is imported. We score each person by

- the product: :func:`kamgraph.analysis.influence.influence` (its ``power`` column when it
  has one, else ``pagerank``; the column used is recorded);
- honest baselines computed from the raw log in the same run (on Enron from the
  *directed* e-mail log the product never sees, so they are an upper reference, not a
  target it could be expected to reach by construction);
- with ``candidates``, definitions the product could adopt for informal power from
  undirected attendance (c1..c5 of the brief; c6, c7 from the product's own pair strengths),

and report the AUC of each (Mann-Whitney: the probability that a random positive person
scores above a random negative one; ties count one half) with a stratified bootstrap 95%
interval, and for each signal the paired bootstrap difference to the best baseline.

**Stability** (hospital): for each pair of consecutive days, Spearman's rho between the
product's strength (:func:`kamgraph.analysis.strength.strengths`) at the end of day d and
at the end of day d+1 over the pairs present on both, next to the same figure for the
raw cumulative contact count and for one day's contact count alone.

``run(datasets, settings=None)`` returns a JSON-able dict; ``markdown(result)`` renders it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a checkout without installing

from kamgraph.analysis.arrays import within_groups  # noqa: E402
from kamgraph.analysis.influence import influence  # noqa: E402
from kamgraph.analysis.strength import strengths  # noqa: E402
from kamgraph.schema import normalize_frame  # noqa: E402
from kamgraph.settings import Settings  # noqa: E402
from kamgraph.snapshot import Snapshot  # noqa: E402

DEFAULT_DATASETS = ROOT.parent / "shared" / "datasets"
ENRON_DIR = "enron_igraphdata"
HOSPITAL_DIR = "sociopatterns_hospital_rfid"

#: Enron positions counted as "VP and above", by the position's leading word(s) (the part
#: of ``Note`` before the first comma). Managing Director counts: at Enron it was an
#: officer rank above Vice President (heads of the legal department, of trading desks).
VP_AND_ABOVE = ("CEO", "President", "Vice President", "Managing Director")
#: Vanhems et al. 2013: recording started on Monday 2010-12-06 at 13:00 (Time = seconds since)
HOSPITAL_START = pd.Timestamp("2010-12-06 13:00")

BOOTSTRAP = 2000
SEED = 0

DEFINITIONS = {
    # Enron baselines, from the raw directed log (after cleaning)
    "distinct_senders": "number of distinct people who sent the person at least one e-mail (in-degree in people)",
    "messages": "e-mails sent (distinct sender+time) plus e-mails received",
    "pagerank_directed": "networkx PageRank (damping as in settings) on the directed graph sender -> recipient, "
                         "weight = number of e-mails",
    "distinct_recipients": "number of distinct people the person e-mailed (out-degree in people)",
    # hospital baselines (undirected contacts)
    "degree": "number of distinct people the person was in contact with",
    "contacts": "number of 20-second contact records the person is in",
    "pagerank_contacts": "networkx PageRank on the undirected contact graph, weight = number of contact records",
    # candidates, from the attendance frame only (what the product sees)
    "c1_partners": "c1: distinct interaction partners (people met at least once)",
    "c2_newman": "c2: sum over partners of Newman-weighted evidence (an interaction with n attendees gives each "
                 "pair 1/(n-1)); algebraically the number of interactions attended with at least one other person",
    "c3_pagerank_newman": "c3: weighted PageRank (damping as in settings) on the undirected graph, edge weight = "
                          "summed Newman weights",
    "c4_eigenvector_newman": "c4: eigenvector centrality on the same Newman-weighted undirected graph",
    "c5_betweenness": "c5: betweenness centrality (hops, unweighted) on the attendance graph: brokers",
    "c5w_betweenness_newman": "c5 weighted: betweenness with edge length 1 / Newman weight",
    "c6_strength_sum": "c6: sum of the product's pair strength (strengths at as_of) over the person's partners",
    "c7_pagerank_strength": "c7: weighted PageRank on the undirected graph whose edge weight is the product's "
                            "pair strength",
}
PRODUCT = "product"


# -- data ----------------------------------------------------------------------------------

def _frames(**entities: pd.DataFrame) -> Snapshot:
    return Snapshot({name: normalize_frame(name, df) for name, df in entities.items()})


def load_enron(folder: Path) -> dict:
    """The Enron log as a product snapshot, the cleaned directed log and the positions.

    As tests/test_real_networks.py loads it (rows dated 1979 and self-loops dropped, rows
    repeated on from, to, Time collapsed: bcc repeats cc), except that every one of the
    184 people is a customer contact at the one account and no title, level or influence
    link is imported: one e-mail (sender, time) is one interaction of kind ``email``
    attended by the sender and every recipient, with no direction.
    """
    v = pd.read_csv(folder / "enron_vertices.csv")
    e = pd.read_csv(folder / "enron_edges.csv.gz")
    raw_rows = len(e)
    e["Time"] = pd.to_datetime(e["Time"])
    wrong_year = e["Time"].dt.year < 1990
    self_loop = e["from"] == e["to"]
    e = e[~wrong_year & ~self_loop].drop_duplicates(["from", "to", "Time"])
    emails = e[["from", "Time"]].drop_duplicates().reset_index(drop=True)
    emails["id"] = "e" + emails.index.astype(str)
    e = e.merge(emails, on=["from", "Time"])
    attendance = pd.concat([emails[["id", "from"]].rename(columns={"from": "p"}),
                            e[["id", "to"]].rename(columns={"to": "p"})]).drop_duplicates()

    def pid(vid) -> pd.Series:
        return "p" + pd.Series(vid).astype(int).astype(str).str.zfill(3)

    snap = _frames(
        accounts=pd.DataFrame({"id": ["ENRON"], "name": ["Enron"]}),
        people=pd.DataFrame({"id": pid(v["vid"]), "name": v["Name"].fillna(v["Email"]), "side": "customer"}),
        employment=pd.DataFrame({"person_id": pid(v["vid"]), "org_id": "ENRON"}),
        interactions=pd.DataFrame({"id": emails["id"], "date": emails["Time"].dt.normalize(), "kind": "email"}),
        attendance=pd.DataFrame({"interaction_id": attendance["id"], "person_id": pid(attendance["p"]).to_numpy()}),
    )
    log = pd.DataFrame({"a": pid(e["from"]).to_numpy(), "b": pid(e["to"]).to_numpy(), "email": e["id"].to_numpy()})
    people = pd.DataFrame({"person_id": pid(v["vid"]), "note": v["Note"]})
    cleaning = {"raw_rows": raw_rows, "rows_dated_1979": int(wrong_year.sum()), "self_loops": int(self_loop.sum()),
                "rows_kept": len(e), "emails": len(emails), "attendance_rows": len(attendance)}
    return {"snap": snap, "log": log, "people": people, "cleaning": cleaning,
            "as_of": emails["Time"].max().normalize()}


def load_hospital(folder: Path) -> dict:
    """The hospital contacts as a product snapshot: one 20-second contact record is one
    interaction of kind ``meeting`` attended by the two people, dated
    :data:`HOSPITAL_START` + ``Time`` seconds (the product keeps the day)."""
    v = pd.read_csv(folder / "rfid_vertices.csv")
    e = pd.read_csv(folder / "rfid_edges.csv.gz")
    e = e[e["from"] != e["to"]].reset_index(drop=True)

    def pid(vid) -> np.ndarray:
        return ("h" + pd.Series(vid).astype(int).astype(str).str.zfill(2)).to_numpy(dtype=object)

    when = HOSPITAL_START + pd.to_timedelta(e["Time"], unit="s")
    ids = "c" + pd.Series(np.arange(len(e))).astype(str)
    snap = _frames(
        accounts=pd.DataFrame({"id": ["HOSP"], "name": ["Hospital ward"]}),
        people=pd.DataFrame({"id": pid(v["vid"]), "name": "Person " + v["vid"].astype(str), "side": "customer"}),
        employment=pd.DataFrame({"person_id": pid(v["vid"]), "org_id": "HOSP"}),
        interactions=pd.DataFrame({"id": ids, "date": when.dt.normalize(), "kind": "meeting"}),
        attendance=pd.DataFrame({"interaction_id": np.concatenate([ids, ids]),
                                 "person_id": np.concatenate([pid(e["from"]), pid(e["to"])])}),
    )
    a, b = pid(e["from"]), pid(e["to"])
    contacts = pd.DataFrame({"a": np.where(a < b, a, b), "b": np.where(a < b, b, a), "day": when.dt.normalize()})
    people = pd.DataFrame({"person_id": pid(v["vid"]), "status": v["Status"].to_numpy()})
    return {"snap": snap, "contacts": contacts, "people": people, "as_of": when.max().normalize(),
            "cleaning": {"contact_records": len(e), "start (Vanhems et al. 2013)": str(HOSPITAL_START),
                         "last": str(when.max())}}


# -- signals -------------------------------------------------------------------------------

def attendance_pairs(att: pd.DataFrame) -> pd.DataFrame:
    """Unordered pairs who attended an interaction together, from ``interaction_id,
    person_id``: columns ``a, b`` (a < b), ``newman`` (sum over shared interactions of
    1/(n-1), n = the interaction's attendees) and ``shared`` (their number)."""
    att = att[["interaction_id", "person_id"]].drop_duplicates()
    icode, _ = pd.factorize(att["interaction_id"].to_numpy(dtype=object))
    pcode, people = pd.factorize(att["person_id"].to_numpy(dtype=object), sort=True)
    order = np.lexsort((pcode, icode))
    i, p = icode[order].astype(np.int64), pcode[order].astype(np.int64)
    size = np.bincount(i)
    left, right = within_groups(i)
    w = 1.0 / (size[i[left]] - 1)
    P = max(len(people), 1)
    key = p[left] * P + p[right]  # p is sorted within each interaction: a < b
    uniq, inv = np.unique(key, return_inverse=True)
    people = np.asarray(people, dtype=object)
    return pd.DataFrame({"a": people[uniq // P], "b": people[uniq % P],
                         "newman": np.bincount(inv, weights=w), "shared": np.bincount(inv).astype(np.int64)})


def _per_person(ids: pd.Index, a, b, w=None) -> np.ndarray:
    """Sum of ``w`` (1 each by default) over the pairs each of ``ids`` is in."""
    w = np.ones(len(a)) if w is None else np.asarray(w, dtype=float)
    s = pd.Series(np.concatenate([w, w]), index=np.concatenate([np.asarray(a, dtype=object), np.asarray(b, dtype=object)]))
    return s.groupby(level=0).sum().reindex(ids, fill_value=0.0).to_numpy(dtype=float)


def _graph(a, b, w, directed: bool = False) -> nx.Graph:
    g = nx.DiGraph() if directed else nx.Graph()
    g.add_weighted_edges_from(zip(a, b, np.asarray(w, dtype=float)))
    return g


def _from_dict(ids: pd.Index, d: Mapping) -> np.ndarray:
    return pd.Series(d, dtype=float).reindex(ids, fill_value=0.0).to_numpy()


def candidate_signals(snap: Snapshot, settings: Settings, ids: pd.Index) -> dict[str, np.ndarray]:
    """c1..c7 for ``ids``, from the snapshot's attendance (and, c6/c7, its pair strengths)."""
    damping = settings.influence.damping
    pairs = attendance_pairs(snap.attendance)
    a, b, w = pairs["a"].to_numpy(), pairs["b"].to_numpy(), pairs["newman"].to_numpy()
    g = _graph(a, b, w)
    dist = _graph(a, b, 1.0 / w)
    out = {
        "c1_partners": _per_person(ids, a, b),
        # rounded: the sums are whole numbers up to float noise, which would break rank ties
        "c2_newman": np.round(_per_person(ids, a, b, w), 9),
        "c3_pagerank_newman": _from_dict(ids, nx.pagerank(g, alpha=damping, weight="weight")),
        "c4_eigenvector_newman": _from_dict(ids, nx.eigenvector_centrality_numpy(g, weight="weight")),
        "c5_betweenness": _from_dict(ids, nx.betweenness_centrality(g)),
        "c5w_betweenness_newman": _from_dict(ids, nx.betweenness_centrality(dist, weight="weight")),
    }
    s = strengths(snap, settings)
    s = s[s["n_interactions"] > 0]
    out["c6_strength_sum"] = _per_person(ids, s["a"], s["b"], s["strength"])
    out["c7_pagerank_strength"] = _from_dict(
        ids, nx.pagerank(_graph(s["a"], s["b"], s["strength"]), alpha=damping, weight="weight"))
    # c2 is the count of interactions attended with someone else: check the algebra
    att = snap.attendance
    size = att.groupby("interaction_id")["person_id"].transform("nunique")
    attended = att[size > 1].drop_duplicates().groupby("person_id").size().reindex(ids, fill_value=0)
    assert np.allclose(out["c2_newman"], attended.to_numpy()), "c2 should equal interactions attended with others"
    return out


def product_signal(snap: Snapshot, settings: Settings, ids: pd.Index) -> tuple[np.ndarray, str, list[str]]:
    """The product's power score for ``ids``: ``power`` if influence() has it, else ``pagerank``."""
    df = influence(snap, settings)
    column = "power" if "power" in df.columns else "pagerank"
    score = df.drop_duplicates("person_id").set_index("person_id")[column].astype(float)
    return score.reindex(ids).fillna(score.min() if len(score) else 0.0).to_numpy(), column, list(df.columns)


# -- AUC -----------------------------------------------------------------------------------

def auc(scores, labels) -> float:
    """Mann-Whitney AUC: P(score of a random positive > a random negative), ties one half."""
    scores, labels = np.asarray(scores, dtype=float), np.asarray(labels, dtype=bool)
    npos, nneg = int(labels.sum()), int((~labels).sum())
    r = stats.rankdata(scores)
    return float((r[labels].sum() - npos * (npos + 1) / 2) / (npos * nneg))


def evaluate(signals: dict[str, np.ndarray], kinds: dict[str, str], labels: np.ndarray,
             bootstrap: int, seed: int) -> dict:
    """AUC of each signal, stratified bootstrap 95% CI, and the paired bootstrap difference
    to the best baseline (same resamples for every signal)."""
    labels = np.asarray(labels, dtype=bool)
    pos, neg = np.flatnonzero(labels), np.flatnonzero(~labels)
    npos, nneg = len(pos), len(neg)
    rng = np.random.default_rng(seed)
    idx = np.concatenate([rng.choice(pos, (bootstrap, npos)), rng.choice(neg, (bootstrap, nneg))], axis=1)
    boot = {}
    out = {}
    for name, s in signals.items():
        s = np.asarray(s, dtype=float)
        r = stats.rankdata(s[idx], axis=1)
        boot[name] = (r[:, :npos].sum(axis=1) - npos * (npos + 1) / 2) / (npos * nneg)
        lo, hi = np.percentile(boot[name], [2.5, 97.5])
        out[name] = {"kind": kinds[name], "auc": round(auc(s, labels), 4), "ci95": [round(float(lo), 4), round(float(hi), 4)]}
    baselines = [n for n in signals if kinds[n] == "baseline"]
    best = max(baselines, key=lambda n: out[n]["auc"]) if baselines else None
    if best is not None:
        for name in signals:
            if name == best:
                continue
            d = boot[name] - boot[best]
            lo, hi = np.percentile(d, [2.5, 97.5])
            out[name]["vs_best_baseline"] = {"diff": round(out[name]["auc"] - out[best]["auc"], 4),
                                             "ci95": [round(float(lo), 4), round(float(hi), 4)]}
    return {"n_pos": npos, "n_neg": nneg, "best_baseline": best, "signals": out}


# -- the two datasets ----------------------------------------------------------------------

def _position(note) -> str:
    return note.split(",")[0].strip() if isinstance(note, str) else "NA"


def enron_power(folder: Path, settings: Settings, candidates: bool, bootstrap: int, seed: int) -> dict:
    d = load_enron(folder)
    s = settings.replace(as_of=str(d["as_of"].date()))
    people = d["people"].assign(position=lambda x: x["note"].map(_position))
    counts = people["position"].value_counts()
    known = people[people["position"] != "NA"]
    ids = pd.Index(known["person_id"], dtype=object)
    log = d["log"]

    sent = log.drop_duplicates("email").groupby("a").size()
    received = log.groupby("b").size()
    directed = log.groupby(["a", "b"]).size().reset_index(name="n")
    signals = {
        "distinct_senders": directed.groupby("b").size().reindex(ids, fill_value=0).to_numpy(float),
        "messages": (sent.reindex(ids, fill_value=0) + received.reindex(ids, fill_value=0)).to_numpy(float),
        "pagerank_directed": _from_dict(ids, nx.pagerank(_graph(directed["a"], directed["b"], directed["n"], True),
                                                         alpha=s.influence.damping, weight="weight")),
        "distinct_recipients": directed.groupby("a").size().reindex(ids, fill_value=0).to_numpy(float),
    }
    kinds, column, columns = _add_product(signals, d["snap"], s, ids, candidates)

    rank = known["position"].to_numpy()
    classes = {
        "vp_and_above": {"definition": "position (Note before the first comma) in " + ", ".join(VP_AND_ABOVE)
                         + " vs every other known position; NA excluded; Managing Director counts (an Enron officer rank above"
                         " VP); the leading word decides, so 'Employee, Chief Operating Officer' and 'Manager, Chief"
                         " Risk Management Officer' are negatives",
                         "labels": np.isin(rank, VP_AND_ABOVE)},
        "vp_and_above_without_md": {"definition": "sensitivity: the same without Managing Director (MDs excluded)",
                                    "labels": np.isin(rank, [p for p in VP_AND_ABOVE if p != "Managing Director"]),
                                    "keep": rank != "Managing Director"},
    }
    results = _evaluate_classes(classes, signals, kinds, len(rank), bootstrap, seed)
    return {
        "status": "ok", "folder": str(folder), "as_of": str(d["as_of"].date()), "cleaning": d["cleaning"],
        "position_counts": {k: int(v) for k, v in counts.items()},
        "positive_class": "vp_and_above", "product_column": column, "influence_columns": columns,
        "definitions": {k: DEFINITIONS.get(k, "kamgraph.analysis.influence.influence: " + column) for k in signals},
        "classes": results,
    }


def _add_product(signals: dict, snap, settings, ids, candidates: bool) -> tuple[dict, str, list[str]]:
    """Add the product's signal (and, with ``candidates``, the candidate definitions) to
    ``signals``; returns the kind of every signal, the product's column and influence()'s columns."""
    kinds = dict.fromkeys(signals, "baseline")
    signals[PRODUCT], column, columns = product_signal(snap, settings, ids)
    kinds[PRODUCT] = "product"
    if candidates:
        cand = candidate_signals(snap, settings, ids)
        signals.update(cand)
        kinds.update(dict.fromkeys(cand, "candidate"))
    return kinds, column, columns


def _evaluate_classes(classes: dict, signals: dict, kinds: dict, n: int, bootstrap: int, seed: int) -> dict:
    """:func:`evaluate` per class (``labels``, optional ``keep`` mask, ``definition``)."""
    results = {}
    for name, c in classes.items():
        keep = c.get("keep", np.ones(n, dtype=bool))
        ev = evaluate({k: v[keep] for k, v in signals.items()}, kinds, c["labels"][keep], bootstrap, seed)
        results[name] = {"definition": c["definition"], **ev}
    return results


def hospital_power(folder: Path, settings: Settings, candidates: bool, bootstrap: int, seed: int) -> tuple[dict, dict]:
    d = load_hospital(folder)
    s = settings.replace(as_of=str(d["as_of"].date()))
    people = d["people"]
    ids = pd.Index(people["person_id"], dtype=object)
    c = d["contacts"]
    pair = c.groupby(["a", "b"]).size().reset_index(name="n")
    signals = {
        "degree": _per_person(ids, pair["a"], pair["b"]),
        "contacts": _per_person(ids, pair["a"], pair["b"], pair["n"]),
        "pagerank_contacts": _from_dict(ids, nx.pagerank(_graph(pair["a"], pair["b"], pair["n"]),
                                                         alpha=s.influence.damping, weight="weight")),
    }
    kinds, column, columns = _add_product(signals, d["snap"], s, ids, candidates)

    status = people["status"].to_numpy()
    classes = {
        "med_vs_rest": {"definition": "MED (physicians) vs ADM, NUR and PAT", "labels": status == "MED"},
        "staff_vs_patients": {"definition": "staff (ADM, MED, NUR) vs patients (PAT)", "labels": status != "PAT"},
        "med_vs_other_staff": {"definition": "MED vs ADM and NUR (patients excluded)", "labels": status == "MED",
                               "keep": status != "PAT"},
    }
    results = _evaluate_classes(classes, signals, kinds, len(status), bootstrap, seed)
    power = {
        "status": "ok", "folder": str(folder), "as_of": str(d["as_of"].date()), "cleaning": d["cleaning"],
        "position_counts": {k: int(v) for k, v in people["status"].value_counts().items()},
        "positive_class": "med_vs_rest", "product_column": column, "influence_columns": columns,
        "definitions": {k: DEFINITIONS.get(k, "kamgraph.analysis.influence.influence: " + column) for k in signals},
        "classes": results,
    }
    return power, stability(d, s)


def stability(d: dict, settings: Settings) -> dict:
    """Day-to-day Spearman of the product's strength vs raw cumulative and one-day counts."""
    snap, c = d["snap"], d["contacts"]
    days = sorted(c["day"].unique())
    daily = c.groupby(["a", "b", "day"]).size().rename("n").reset_index()
    rows = []

    def rho(x, y) -> float | None:
        if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
            return None
        return round(float(stats.spearmanr(x, y)[0]), 4)

    for d0, d1 in zip(days, days[1:]):
        s0 = strengths(snap, settings, as_of=d0)[["a", "b", "strength"]]
        s1 = strengths(snap, settings, as_of=d1)[["a", "b", "strength"]]
        m = s0.merge(s1, on=["a", "b"], suffixes=("_0", "_1"))
        cum0 = daily[daily["day"] <= d0].groupby(["a", "b"])["n"].sum().rename("cum_0")
        cum1 = daily[daily["day"] <= d1].groupby(["a", "b"])["n"].sum().rename("cum_1")
        day0 = daily[daily["day"] == d0].set_index(["a", "b"])["n"].rename("day_0")
        day1 = daily[daily["day"] == d1].set_index(["a", "b"])["n"].rename("day_1")
        m = m.join(pd.concat([cum0, cum1, day0, day1], axis=1), on=["a", "b"]).fillna(0.0)
        both = m[(m["day_0"] > 0) & (m["day_1"] > 0)]
        rows.append({
            "day": str(pd.Timestamp(d0).date()), "next_day": str(pd.Timestamp(d1).date()), "pairs": len(m),
            "strength": rho(m["strength_0"], m["strength_1"]),
            "cumulative_count": rho(m["cum_0"], m["cum_1"]),
            "day_count": rho(m["day_0"], m["day_1"]),
            "pairs_active_both_days": len(both),
            "day_count_active_both_days": rho(both["day_0"], both["day_1"]),
            "strength_saturated_share": round(float((m["strength_1"] >= 0.999).mean()), 4),
            "strength_distinct_values": int(m["strength_1"].round(6).nunique()),
        })
    keys = ["strength", "cumulative_count", "day_count", "day_count_active_both_days"]
    mean = {k: (round(float(np.mean([r[k] for r in rows if r[k] is not None])), 4)
                if any(r[k] is not None for r in rows) else None) for k in keys}
    return {"status": "ok", "days": [str(pd.Timestamp(x).date()) for x in days],
            "definition": "Spearman rho between end of day d and end of day d+1 over the pairs the product knows "
                          "at the end of day d (every one of them is still known on d+1); counts are 0 on a day "
                          "without contact; 'active both days' restricts one-day counts to pairs in contact on both",
            "per_day_pair": rows, "mean": mean}


# -- entry points --------------------------------------------------------------------------

def _skipped(reason: str) -> dict:
    return {"status": "skipped", "reason": reason}


def _missing(folder: Path, files: list[str]) -> str | None:
    if not folder.is_dir():
        return f"folder {folder} not found"
    gone = [f for f in files if not (folder / f).exists()]
    return f"missing {', '.join(gone)} in {folder}" if gone else None


def run(datasets: Path, settings=None, *, candidates: bool | None = None, bootstrap: int | None = None,
        seed: int | None = None) -> dict:
    """Every figure of this benchmark as a JSON-able dict.

    ``settings`` is a :class:`kamgraph.settings.Settings` (default ``Settings()``; ``as_of``
    is set per dataset to its last day), or a mapping with keys ``settings``,
    ``candidates`` (default False), ``bootstrap`` (resamples, default 2000) and ``seed``.
    """
    opts = dict(settings) if isinstance(settings, Mapping) else {"settings": settings}
    base = opts.get("settings") or Settings()
    candidates = bool(opts.get("candidates", False) if candidates is None else candidates)
    bootstrap = int(opts.get("bootstrap", BOOTSTRAP) if bootstrap is None else bootstrap)
    seed = int(opts.get("seed", SEED) if seed is None else seed)
    datasets = Path(datasets)
    t0 = time.perf_counter()
    result = {"benchmark": "quality_power", "datasets": str(datasets), "candidates": candidates,
              "bootstrap": bootstrap, "seed": seed, "damping": base.influence.damping,
              "auc": "Mann-Whitney via scipy.stats.rankdata (ties one half); 95% CI: stratified bootstrap "
                     f"({bootstrap} resamples, seed {seed}); vs best baseline: paired bootstrap difference"}
    timings = {}

    folder = datasets / ENRON_DIR
    reason = _missing(folder, ["enron_vertices.csv", "enron_edges.csv.gz"])
    t = time.perf_counter()
    result["enron"] = _skipped(reason) if reason else enron_power(folder, base, candidates, bootstrap, seed)
    timings["enron_s"] = round(time.perf_counter() - t, 2)

    folder = datasets / HOSPITAL_DIR
    reason = _missing(folder, ["rfid_vertices.csv", "rfid_edges.csv.gz"])
    t = time.perf_counter()
    if reason:
        result["hospital"] = _skipped(reason)
        result["hospital_stability"] = _skipped(reason)
    else:
        result["hospital"], result["hospital_stability"] = hospital_power(folder, base, candidates, bootstrap, seed)
    timings["hospital_s"] = round(time.perf_counter() - t, 2)
    result["timings"] = timings
    result["wall_s"] = round(time.perf_counter() - t0, 2)
    return result


def _fmt(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _power_md(title: str, r: dict) -> list[str]:
    lines = [f"### {title}", ""]
    if r.get("status") != "ok":
        return lines + [f"Skipped: {r.get('reason')}", ""]
    lines += [f"Folder `{r['folder']}`, as of {r['as_of']}; data: "
              + ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in r["cleaning"].items()) + ".",
              "", "Positions: " + ", ".join(f"{k} {v}" for k, v in r["position_counts"].items()) + ".", "",
              f"Product column: `{r['product_column']}` (influence() columns: {', '.join(r['influence_columns'])}).", ""]
    classes = r["classes"]
    names = list(next(iter(classes.values()))["signals"])
    head = "| signal | kind | " + " | ".join(f"{c} AUC [95% CI] | Δ best baseline [CI]" for c in classes) + " |"
    lines += ["Classes: " + "; ".join(f"**{c}** = {v['definition']} ({v['n_pos']} positive, {v['n_neg']} negative, "
                                      f"best baseline `{v['best_baseline']}`)" for c, v in classes.items()) + ".", "",
              head, "|" + "---|" * (2 + 2 * len(classes))]
    for n in names:
        cells = [f"`{n}`", classes[next(iter(classes))]["signals"][n]["kind"]]
        for c in classes.values():
            s = c["signals"][n]
            cells.append(f"{s['auc']:.3f} [{s['ci95'][0]:.2f}, {s['ci95'][1]:.2f}]")
            v = s.get("vs_best_baseline")
            cells.append("—" if v is None else f"{v['diff']:+.3f} [{v['ci95'][0]:+.2f}, {v['ci95'][1]:+.2f}]")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Definitions:", ""] + [f"- `{k}`: {v}" for k, v in r["definitions"].items()] + [""]
    return lines


def markdown(result: dict) -> str:
    lines = ["## Power from interactions alone, and strength stability (`benchmarks/quality_power.py`)", "",
             f"Datasets `{result['datasets']}`; {result['auc']}; PageRank damping {result['damping']}; "
             f"candidates {'included' if result['candidates'] else 'not computed (--candidates)'}; "
             f"wall time {result['wall_s']} s ({', '.join(f'{k} {v}' for k, v in result['timings'].items())}).", ""]
    lines += _power_md("Enron: VP and above from e-mail attendance", result["enron"])
    lines += _power_md("SocioPatterns hospital ward: physicians and staff from face-to-face contacts", result["hospital"])
    st = result["hospital_stability"]
    lines += ["### Hospital: day-to-day stability of strength", ""]
    if st.get("status") != "ok":
        lines += [f"Skipped: {st.get('reason')}", ""]
    else:
        lines += [st["definition"] + ".", "",
                  "| day d | d+1 | pairs | strength | cumulative count | day count | pairs active both days | "
                  "day count (active both) | strength ≥ 0.999 at d+1 | distinct strengths |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for r in st["per_day_pair"]:
            lines.append(f"| {r['day']} | {r['next_day']} | {r['pairs']} | {_fmt(r['strength'])} | "
                         f"{_fmt(r['cumulative_count'])} | {_fmt(r['day_count'])} | {r['pairs_active_both_days']} | "
                         f"{_fmt(r['day_count_active_both_days'])} | {r['strength_saturated_share']:.1%} | "
                         f"{r['strength_distinct_values']} |")
        m = st["mean"]
        lines.append(f"| **mean** | | | {_fmt(m['strength'])} | {_fmt(m['cumulative_count'])} | "
                     f"{_fmt(m['day_count'])} | | {_fmt(m['day_count_active_both_days'])} | | |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS, help="the shared datasets folder")
    p.add_argument("--candidates", action="store_true", help="also compute candidate definitions c1..c7")
    p.add_argument("--bootstrap", type=int, default=BOOTSTRAP, help="bootstrap resamples for the intervals")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--json", type=Path, help="also write the result dict here")
    a = p.parse_args(argv)
    result = run(a.datasets, None, candidates=a.candidates, bootstrap=a.bootstrap, seed=a.seed)
    print(markdown(result))
    if a.json:
        a.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
