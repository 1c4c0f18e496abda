"""The executive visit planner on a hand-built portfolio with hand-computed priorities, and on
the sample portfolio's story (a).

The hand-built portfolio (as of 2026-06-30; ties without ``assessed_on`` keep their declared
strength, so a declared k gives (k - 0.5)/5 exactly: 2 -> 0.3, 4 -> 0.7, 5 -> 0.9):

- A1 Acme (diamond, Shanghai, region East), A2 Beta (gold, Munich, region Europe);
- ours: u1 CEO (level 1), u2 VP (level 2), k1 KAM (level 4), u9 (no level);
- c1 (A1, level 1, decision-maker, nobody knows him): uncovered decision-maker (severity
  1.0). Connector x1: friend of u1 (5 -> 0.9), classmate of c1 (4 -> 0.7), so u1 -> x1 ->
  c1 scores 0.9 * 0.7 * 0.9 = 0.567; priority 4 (diamond) * 3 (DM) * 1.0 * 0.567 = 6.804.
  u2 (level 2) may visit him too, cold: 4 * 3 * 1.0 * 0.1 = 1.2.
- c2 (A1, level 2, approver): k1 knows her (business 5 -> 0.9, and the budget review of
  2026-03-01 with c5, 121 days ago, a 3-person meeting: 2 / 2 * 2^(-121/90) = 0.39381;
  1 - 0.1 * 2 / 2.39381 = 0.9165) but k1 is level 4: no peer coverage (0.7). And the tie
  is cooling (0.8): the history starts with that meeting (2026-03-01), so the slope points
  are 2026-04-30, 05-30, 06-30 (60, 90, 121 days in; 03-30 is under 30 days). Window-
  corrected evidence 2^(-d/90) / (1 - 2^(-d/90)) = 1 / (2^(d/90) - 1) = 1.7024, 1.0,
  0.6496; odds (2 + e) / 0.2 - 1 = 5 * (1.8 + e) = 17.512, 14.0, 12.248; log2 4.1303,
  3.8074, 3.6145; slope (3.6145 - 4.1303) / 2 = -0.2579 -> 2^-0.2579 - 1 = -16.4% a
  month <= -15%, and 121 days of silence is overdue (no rhythm: more than 30 / 2 days)
  while short of dormant (180 days without a rhythm). The strongest declaration no longer
  hides that the contact behind it has stopped. So c2's severity is 0.8. u2 has a direct
  tie (2 -> 0.3): u2 -> c2 = 4 * 2 * 0.8 * 0.3 = 1.92; u1 has no path: the feasibility
  floor 0.1 gives 4 * 2 * 0.8 * 0.1 = 0.64.
- c3 (A2, level 3, approver, unknown to everyone): no peer coverage (0.7), cold for both:
  3 * 2 * 0.7 * 0.1 = 0.42.
- c4 (A1, level 5, user, opponent, influence 5, unknown): unmanaged opponent (0.8):
  4 * 0.5 * 0.8 * 0.1 = 0.16.
- c5 (A1, level 3, technical evaluator, u2 knows her 5 -> 0.9, peer covered): no gap, so
  no candidate.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis_fixtures import build_snapshot
from kamgraph.analysis.visits import (
    CANDIDATE_COLUMNS,
    VISIT_COLUMNS,
    briefing_text,
    default_period,
    plan_visits,
)
from kamgraph.errors import ConfigError, NotFound
from kamgraph.schema import ENTITIES, normalize_frame
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

AS_OF = "2026-06-30"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def snap() -> Snapshot:
    return build_snapshot(
        accounts=[{"id": "A1", "name": "Acme", "tier": "diamond", "city": "Shanghai", "region": "East"},
                  {"id": "A2", "name": "Beta", "tier": "gold", "city": "Munich", "region": "Europe"}],
        people=[
            {"id": "u1", "name": "Ursula CEO", "side": "internal", "level": 1, "title": "CEO"},
            {"id": "u2", "name": "Victor VP", "side": "internal", "level": 2, "title": "VP Sales"},
            {"id": "k1", "name": "Kim KAM", "side": "internal", "level": 4, "title": "Key Account Manager"},
            {"id": "u9", "name": "Nobody Knows", "side": "internal"},
            {"id": "x1", "name": "Xu Connector", "side": "external"},
            {"id": "c1", "name": "Chen Chair", "side": "customer", "level": 1, "org_id": "A1", "title": "Chairman",
             "decision_role": "decision_maker", "attitude": "neutral", "influence": 5},
            {"id": "c2", "name": "Dora Approver", "side": "customer", "level": 2, "org_id": "A1", "title": "CFO",
             "decision_role": "approver", "attitude": "supporter", "influence": 4},
            {"id": "c3", "name": "Emil Approver", "side": "customer", "level": 3, "org_id": "A2",
             "decision_role": "approver", "attitude": "neutral", "influence": 3},
            {"id": "c4", "name": "Fritz Opponent", "side": "customer", "level": 5, "org_id": "A1",
             "decision_role": "user", "attitude": "opponent", "influence": 5},
            {"id": "c5", "name": "Gina Engineer", "side": "customer", "level": 3, "org_id": "A1",
             "decision_role": "technical_evaluator", "attitude": "supporter", "influence": 2},
        ],
        ties=[{"person_id": "u1", "other_id": "x1", "kind": "friend", "strength": 5},
              {"person_id": "x1", "other_id": "c1", "kind": "classmate", "strength": 4},
              {"person_id": "k1", "other_id": "c2", "kind": "business", "strength": 5},
              {"person_id": "u2", "other_id": "c2", "kind": "business", "strength": 2},
              {"person_id": "u2", "other_id": "c5", "kind": "business", "strength": 5}],
        interactions=[{"id": "i1", "date": "2026-03-01", "kind": "meeting", "account_id": "A1",
                       "subject": "Budget review", "attendees": ["k1", "c2", "c5"]}],
    )


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(as_of=AS_OF)


@pytest.fixture(scope="module")
def plan(snap, settings):
    return plan_visits(snap, settings, capacity={"u1": 2, "u2": 1})


def pair(df: pd.DataFrame, e: str, c: str) -> pd.Series:
    row = df[(df["executive_id"] == e) & (df["contact_id"] == c)]
    assert len(row) == 1, f"no single row for {e} -> {c}"
    return row.iloc[0]


def test_default_executives_are_our_level_1_and_2_people(plan):
    assert plan.executives["executive_id"].tolist() == ["u1", "u2"]
    assert plan.executives["capacity"].tolist() == [2, 1]
    assert plan.executives["planned"].tolist() == [2, 1]


def test_candidate_priorities_are_the_product_of_the_four_factors(plan):
    c = plan.candidates
    assert list(c.columns) == CANDIDATE_COLUMNS
    expected = {("u1", "c1"): (4, 3, 1.0, 0.567), ("u1", "c2"): (4, 2, 0.8, 0.1), ("u2", "c2"): (4, 2, 0.8, 0.3),
                ("u1", "c3"): (3, 2, 0.7, 0.1), ("u2", "c3"): (3, 2, 0.7, 0.1), ("u1", "c4"): (4, 0.5, 0.8, 0.1),
                ("u2", "c4"): (4, 0.5, 0.8, 0.1)}
    for (e, k), (tw, rw, sev, feas) in expected.items():
        row = pair(c, e, k)
        assert (row["tier_weight"], row["role_weight"], row["severity"]) == (tw, rw, sev)
        assert row["feasibility"] == pytest.approx(feas, abs=1e-12)
        assert row["priority"] == pytest.approx(tw * rw * sev * feas, abs=1e-12)
    # u2 (level 2) may visit c1 (level 1): 2 <= 1 + 1; the covered c5 is no candidate
    assert set(zip(c["executive_id"], c["contact_id"])) == set(expected) | {("u2", "c1")}
    assert pair(c, "u2", "c1")["access"] == "cold"
    assert pair(c, "u2", "c1")["priority"] == pytest.approx(4 * 3 * 1.0 * 0.1, abs=1e-12)


def test_the_plan_is_optimal_and_within_capacity(plan):
    v = plan.visits
    assert list(v.columns) == VISIT_COLUMNS
    # u1 (capacity 2): c1 (6.804) and c3 (0.42, beats c4's 0.16); u2 (capacity 1): c2 (1.92,
    # beats its cold visit to c1, 1.2). Giving c2 to u1 (0.64) and c3 to u2 would total 7.864.
    assert set(zip(v["executive_id"], v["contact_id"])) == {("u1", "c1"), ("u1", "c3"), ("u2", "c2")}
    assert plan.total_priority == pytest.approx(6.804 + 0.42 + 1.92, abs=1e-9)
    assert plan.total_scaled == 6_804_000_000 + 420_000_000 + 1_920_000_000
    assert plan.candidates["chosen"].sum() == 3


def test_access_introduction_direct_and_cold(plan):
    v = plan.visits
    c1 = pair(v, "u1", "c1")
    assert (c1["access"], c1["via_id"]) == ("introduction", "x1")
    assert c1["introduction"].startswith("Ursula CEO (our CEO) → Xu Connector, classmate → Chen Chair")
    assert c1["introduction"].endswith(": 0.57")
    c2 = pair(v, "u2", "c2")
    assert (c2["access"], c2["introduction"], c2["feasibility"]) == ("direct", None, pytest.approx(0.3))
    c3 = pair(v, "u1", "c3")
    assert (c3["access"], c3["feasibility"]) == ("cold", 0.1)


def test_priority_order_per_executive_and_working_day_dates(plan):
    v = plan.visits
    # the next quarter after 2026-06-30: 2026-07-01 .. 2026-09-30 (92 days). u1's visits in
    # priority order (c1 6.804, then c3 0.42), one trip per city, the most important trip first;
    # the second trip's slot starts 92 // 2 = 46 days in, Sunday 2026-08-16, so Monday 08-17
    # (the accounts have no country: Monday to Friday)
    assert plan.period == (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-09-30"))
    assert list(zip(v["executive_id"], v["order"], v["trip"], v["city"], v["contact_id"])) == [
        ("u1", 1, 1, "Shanghai", "c1"), ("u1", 2, 2, "Munich", "c3"), ("u2", 1, 1, "Shanghai", "c2")]
    assert v["placeholder_date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-07-01", "2026-08-17", "2026-07-01"]
    assert plan.notes == ("No country recorded for Acme, Beta: visits there avoid weekends only.",)


def test_gaps_addressed(plan):
    v = plan.visits.set_index("contact_id")
    assert v.loc["c1", "gaps"] == "uncovered_decision_maker,tier_policy"
    # A1 lacks diamond executive visits; k1's tie to c2 is cooling (see the module docstring)
    assert v.loc["c2", "gaps"] == "cooling_key_relationship,no_peer_coverage,tier_policy"
    assert v.loc["c3", "gaps"] == "no_peer_coverage,tier_policy"  # A2 lacks its gold executive visit
    assert (v.loc["c1", "severity"], v.loc["c2", "severity"], v.loc["c3", "severity"]) == (1.0, 0.8, 0.7)


def test_briefings(plan):
    assert len(plan.briefings) == len(plan.visits)
    b = {x["contact_id"]: x for x in plan.briefings}
    c2 = b["c2"]
    assert (c2["decision_role"], c2["attitude"], c2["influence"]) == ("approver", "supporter", 4)
    assert c2["account_people"] == 4 and 1 <= c2["influence_rank"] <= 4
    # the contact's own meetings, with the others who were there
    assert c2["meetings"] == [{"date": "2026-03-01", "kind": "meeting", "subject": "Budget review", "notes": None,
                               "attendees": ["Gina Engineer", "Kim KAM"]}]
    assert c2["last_interaction"] == c2["meetings"][0]
    # k1: business 5 and the budget review, 0.9165 (module docstring); u2: business 2, 0.3
    assert [(k["id"], k["strength"], k["words"]) for k in c2["known_by"]] == [("k1", 0.9165, "strong"),
                                                                              ("u2", 0.3, "moderate")]
    assert c2["known_by"][0]["trend"] == "cooling"
    cooling = next(g for g in c2["gaps"] if g["kind"] == "cooling_key_relationship")
    assert cooling["evidence"].startswith("Kim KAM – Dora Approver (approver) is cooling: ")
    assert "Kim KAM's relationship with Dora Approver is fading: this visit renews it." in c2["closes"]
    assert c2["introduction"] is None and c2["access"] == "direct"
    assert c2["access_text"] == "You know Dora Approver yourself (moderate): ask for the meeting directly."
    assert c2["why"] == ("Visit 1 of 1 for Victor VP: an approver at a diamond account; our best relationship "
                         "with them is fading; you know them already.")
    c1 = b["c1"]
    assert c1["last_interaction"] is None and c1["known_by"] == [] and c1["meetings"] == []
    assert [g["kind"] for g in c1["gaps"]] == ["uncovered_decision_maker", "tier_policy", "tier_policy"]
    assert c1["introducer"]["name"] == "Xu Connector" and c1["introducer"]["relation"] == "they are classmates"
    text = briefing_text(c1)
    assert "Introduction through Xu Connector. Ask Xu Connector to introduce you to Chen Chair" in text
    assert "LAST MEETINGS\n- None on record." in text
    assert "Nobody on our side has met Chen Chair or declared a relationship with them." in text
    assert "- Nobody on our side has a solid relationship with Chen Chair yet: this visit starts one." in text
    assert ("Nobody can introduce you: request the meeting with Emil Approver on the company's standing"
            in briefing_text(b["c3"]))


def test_level_matching_for_a_junior_executive(snap, settings):
    # k1 is level 4: may visit level >= 3 (c3, c4), never c1 (level 1) or c2 (level 2)
    p = plan_visits(snap, settings, executives=["k1"], capacity=5)
    assert sorted(p.candidates["contact_id"]) == ["c3", "c4"]
    assert sorted(p.visits["contact_id"]) == ["c3", "c4"]


def test_executive_without_level_gets_no_visit_and_a_note(snap, settings):
    p = plan_visits(snap, settings, executives=["u9"])
    assert p.visits.empty and p.candidates.empty
    assert p.notes == ("No level known for Nobody Knows: level matching needs one, so they get no visits.",)


def test_regions_and_accounts_narrow_the_candidates(snap, settings):
    assert set(plan_visits(snap, settings, regions=["europe"]).visits["contact_id"]) == {"c3"}
    assert set(plan_visits(snap, settings, accounts=["A2"]).visits["contact_id"]) == {"c3"}
    every = plan_visits(snap, settings)  # default capacity 6: every candidate is visited
    assert set(every.visits["contact_id"]) == {"c1", "c2", "c3", "c4"}
    assert every.total_priority == pytest.approx(6.804 + 1.92 + 0.42 + 0.16)


def test_capacity_zero_and_custom_period(snap, settings):
    p = plan_visits(snap, settings, capacity=0)
    assert p.visits.empty and p.total_priority == 0.0
    p = plan_visits(snap, settings, period=("2026-09-01", "2026-09-10"), capacity=1)
    assert p.period == (pd.Timestamp("2026-09-01"), pd.Timestamp("2026-09-10"))
    assert p.visits["placeholder_date"].between("2026-09-01", "2026-09-10").all()


def test_default_period_is_the_next_calendar_quarter(snap, settings):
    assert default_period(settings) == (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-09-30"))
    assert default_period(settings, quarter="this") == (pd.Timestamp("2026-06-30"), pd.Timestamp("2026-06-30"))
    assert default_period(settings, quarter="after") == (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-12-31"))
    assert plan_visits(snap, settings, quarter="after").period == (pd.Timestamp("2026-10-01"),
                                                                   pd.Timestamp("2026-12-31"))
    # a start without an end runs to the end of the start's quarter
    assert plan_visits(snap, settings, period=("2026-08-10", None)).period == (pd.Timestamp("2026-08-10"),
                                                                               pd.Timestamp("2026-09-30"))
    with pytest.raises(ConfigError, match="the quarter must be one of this, next, after"):
        plan_visits(snap, settings, quarter="soon")
    with pytest.raises(ConfigError, match="visits.week_cap must be at least 1"):
        plan_visits(snap, settings.replace(visits={"week_cap": 0}))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"executives": ["nobody"]}, NotFound, "no person with id 'nobody'"),
    ({"executives": ["c1"]}, ConfigError, "must be our own (internal) people"),
    ({"capacity": {"k1": 2}}, ConfigError, "not among the executives"),
    ({"capacity": -1}, ConfigError, "cannot be negative"),
    ({"period": ("2026-09-01", "2026-08-01")}, ConfigError, "ends (2026-08-01) before it starts"),
    ({"period": ("soon", None)}, ConfigError, "two dates"),
    ({"regions": ["Mars"]}, ConfigError, "known regions: East, Europe"),
    ({"accounts": ["A9"]}, NotFound, "no account with id 'A9'"),
])
def test_user_errors(snap, settings, kwargs, error, message):
    with pytest.raises(error) as e:
        plan_visits(snap, settings, **kwargs)
    assert message in str(e.value)


# -- the sample portfolio ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample():
    if not (SAMPLE / "README.md").exists():
        pytest.skip(f"sample data not found at {SAMPLE} (no README.md)")
    frames = {}
    for name in ENTITIES:
        path = SAMPLE / f"{name}.csv"
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        frames[name] = normalize_frame(name, df.astype(object).where(df != "", None))
    settings = Settings.load(SAMPLE / "kamgraph.toml")
    return Snapshot(frames), settings


def test_sample_story_a_ceo_visits_the_diamond_chairman_through_his_emba_classmate(sample):
    # data/sample/README.md story (a): C-001 Zhou Jianguo (A-01, diamond, decision-maker,
    # level 1) has no executive tie; S-01 Chen Hao (CEO, level 1) reaches him through X-01
    # Sun Lihua (EMBA classmate): 0.9279 * 0.8016 * 0.9 = 0.6694 (tests/test_analysis_sample_paths.py
    # computes both strengths by hand)
    snap, settings = sample
    plan = plan_visits(snap, settings)
    assert plan.executives["executive_id"].tolist() == ["S-01", "S-02"]
    visit = plan.visits[plan.visits["contact_id"] == "C-001"]
    assert len(visit) == 1
    v = visit.iloc[0]
    assert (v["executive_id"], v["executive_level"], v["account_id"], v["tier"]) == ("S-01", 1.0, "A-01", "diamond")
    assert (v["access"], v["via_id"]) == ("introduction", "X-01")
    assert v["feasibility"] == pytest.approx(0.6694, abs=1e-4)
    assert v["introduction"].startswith("Chen Hao 陈昊 (our CEO 首席执行官) → Sun Lihua 孙丽华, classmate")
    assert v["priority"] == pytest.approx(4 * 3 * 1.0 * 0.6694, abs=1e-3)
    assert "uncovered_decision_maker" in v["gaps"].split(",")
    # the most valuable visit of the quarter
    assert v["priority"] == plan.visits["priority"].max()
    b = next(x for x in plan.briefings if x["contact_id"] == "C-001")
    assert (b["decision_role"], b["attitude"], b["influence"]) == ("decision_maker", "neutral", 5)
    assert b["last_interaction"]["date"] == "2025-12-05"  # the Lanxin supplier day
    assert [k["id"] for k in b["known_by"]][:2] == ["S-03", "S-07"]
    # the supplier day, an event with 6 people 345 days ago: 1 - 2 / (2 + 1 / 5 * 2^(-345/90)) = 0.0070
    assert b["known_by"][0]["strength"] == pytest.approx(0.0070, abs=1e-4)


def test_sample_plan_respects_capacity_and_level(sample):
    snap, settings = sample
    plan = plan_visits(snap, settings, capacity={"S-01": 3, "S-02": 2})
    counts = plan.visits["executive_id"].value_counts().to_dict()
    assert counts == {"S-01": 3, "S-02": 2}
    assert plan.visits["contact_id"].is_unique
    lvl = plan.visits["contact_level"].fillna(99)
    assert (plan.visits["executive_level"] <= lvl + settings.visits.level_gap).all()


# -- the Streamlit page -----------------------------------------------------------------------

def _visits_page():
    from kamgraph.ui.pages.visits import render

    render()


def test_streamlit_page_plans_groups_and_offers_downloads(tmp_path, monkeypatch):
    if not (SAMPLE / "README.md").exists():
        pytest.skip(f"sample data not found at {SAMPLE} (no README.md)")
    from streamlit.testing.v1 import AppTest

    from kamgraph.ingest.pipeline import import_path
    from kamgraph.store import open_store

    url = f"sqlite:///{tmp_path / 'k.db'}"
    with open_store(url) as store:
        import_path(SAMPLE, store)
        expected = plan_visits(store.snapshot(None), Settings.load(SAMPLE / "kamgraph.toml"))
    monkeypatch.setenv("KAMGRAPH_STORE", url)
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SAMPLE / "kamgraph.toml"))
    at = AppTest.from_function(_visits_page, default_timeout=180).run()
    assert not at.exception
    assert [m.value for m in at.metric][:2] == [str(len(expected.visits)), f"{expected.total_priority:.2f}"]
    assert [s.value for s in at.subheader] == ["Chen Hao 陈昊", "Margaret Lin 林美玲"]
    labels = [e.label for e in at.expander if e.label != "Capacity per executive"]
    # the most important visit comes first, with its proposed working day
    assert labels[0] == ("1 · Zhou Jianguo 周建国 · Shanghai Lanxin Semiconductor 上海澜芯半导体有限公司 · Shanghai · "
                         "Mon 4 Jan 2027")
    # four downloads for the plan and one calendar per executive
    assert len(at.get("download_button")) == 4 + 2
    # the plan's four in one wrapping row, each as wide as its label: in four equal columns the
    # browser cut "Calendar, every executive (.ics)" off at 1366 px
    ics = next(x for x in at.get("download_button") if x.key == "vp_ics")

    def parent(node, of):
        for child in getattr(node, "children", {}).values():
            if child is of:
                return node
            found = parent(child, of)
            if found is not None:
                return found
        return None

    row = parent(at._tree, ics)
    assert row.proto.flex_container.direction == row.proto.flex_container.HORIZONTAL
    markdown = " ".join(m.value for m in at.markdown)
    assert "**Getting in** Introduction through Sun Lihua 孙丽华" in markdown
    assert "**Next quarter**: 2027-01-01 – 2027-03-31" in markdown
    # one click for the quarter after
    at.radio(key="vp_quarter").set_value("after").run()
    assert not at.exception
    assert "**The quarter after**: 2027-04-01 – 2027-06-30" in " ".join(m.value for m in at.markdown)
    at.number_input(key="vp_capacity").set_value(1)
    at.button[0].click().run()  # the form's "Plan visits"
    assert not at.exception
    assert [m.value for m in at.metric][0] == "2"
    # other dates: a date picker, starting from the quarter shown before
    at.radio(key="vp_quarter").set_value("custom").run()
    assert not at.exception
    assert at.date_input(key="vp_period").value == (pd.Timestamp("2027-01-01").date(), pd.Timestamp("2027-03-31").date())
