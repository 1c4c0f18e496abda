"""The analyses' sentences in Chinese and in English, on the sample portfolio.

Gaps (evidence and actions), access-path explanations, relationship and assessment
changes, visit briefings and plan notes, strength explanations and the data-period notes
are written when the analysis runs, in the current language. In zh_CN every sentence is
Chinese with the data's names in it and no English word left once the data is taken out;
in English the sentences read exactly as before (the other test files pin many of them,
these pin a few on the sample and check that a Chinese run changes nothing in English).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kamgraph.analysis.data_period import data_ends_note, empty_reason
from kamgraph.analysis.gaps import gaps
from kamgraph.analysis.paths import access_paths
from kamgraph.analysis.people import person_labels
from kamgraph.analysis.strength import explain_pairs
from kamgraph.analysis.tiering import account_tiers
from kamgraph.analysis.trends import relationship_changes
from kamgraph.analysis.visits import briefing_text, plan_visits
from kamgraph.analysis.words import article, join_and, join_list, join_or
from kamgraph.i18n import use_language
from kamgraph.i18n.terms import TERMS
from kamgraph.names import shown_forms

CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
#: codes that stay as they are in any language (currencies, the team roles' abbreviations)
KEEP = re.compile(r"^(?:[A-Z]{2,4})$")


@pytest.fixture(scope="module")
def data_pattern(sample):
    """Every text value of the data (names, titles, notes, stages, subjects...) and each
    ";"-separated part of it, longest first: what the sentences quote and may keep. Codes
    (roles, attitudes, tiers, kinds) are not data: they must come out as words."""
    snap, _ = sample
    codes = {c for kind in TERMS.values() for c in kind} | {w for kind in TERMS.values() for w in kind.values()}
    values: set[str] = set()
    for frame in snap.frames.values():
        for col in frame.columns:
            if frame[col].dtype == object:
                for v in frame[col].dropna().unique():
                    if isinstance(v, str) and len(v.strip()) > 1:
                        values.add(v.strip())
                        values.update(f for f in shown_forms(v) if len(f) > 1)  # a name as kamgraph shows it
                        values.update(p.strip() for p in v.split(";") if len(p.strip()) > 1)
    ordered = sorted(values - codes, key=len, reverse=True)
    return re.compile("|".join(re.escape(v) for v in ordered))


def english_left(text: str, data: re.Pattern) -> list[str]:
    """English words of ``text`` once the data's values are taken out."""
    rest = data.sub(" ", text)
    return [w for w in WORD.findall(rest) if not KEEP.match(w)]


def assert_chinese(texts, data: re.Pattern, at_least: int = 1) -> None:
    texts = [t for t in texts if isinstance(t, str) and t]
    assert len(texts) >= at_least, texts
    for t in texts:
        assert CJK.search(data.sub(" ", t)), f"no Chinese of our own in {t!r}"
        left = english_left(t, data)
        assert not left, f"English left in {t!r}: {left}"


# -- gaps ---------------------------------------------------------------------------------

def test_gaps_in_chinese(sample, data_pattern):
    snap, settings = sample
    with use_language("zh_CN"):
        g = gaps(snap, settings)
    assert set(g["kind"]) >= {"uncovered_decision_maker", "no_peer_coverage", "tier_policy", "key_person_risk",
                              "single_threaded", "cooling_key_relationship", "unmanaged_opponent",
                              "no_decision_maker_known"}
    assert_chinese(g["evidence"], data_pattern, at_least=20)
    assert_chinese(g["action"], data_pattern, at_least=20)
    assert_chinese(g["path"].dropna(), data_pattern, at_least=3)
    zhou = g[(g["target_id"] == "C-001") & (g["kind"] == "uncovered_decision_maker")].iloc[0]
    assert zhou["evidence"] == ("与周建国（Zhou Jianguo）（决策者，董事长）的最佳关系为0.01（顾伟明（Gu Weiming）），"
                                "低于覆盖门槛0.50。")
    assert zhou["action"].startswith("陈昊（Chen Hao）应通过以下路径与周建国（Zhou Jianguo）建立关系：陈昊（Chen Hao）（我方")
    assert "孙丽华（Sun Lihua），同学（EMBA 2019 classmates）" in zhou["action"]


def test_gaps_in_english_are_unchanged_by_a_chinese_run(sample):
    snap, settings = sample
    before = gaps(snap, settings)
    with use_language("zh_CN"):
        gaps(snap, settings)
    after = gaps(snap, settings)
    pd.testing.assert_frame_equal(before, after)
    zhou = after[(after["target_id"] == "C-001")].set_index("kind")
    assert zhou.at["uncovered_decision_maker", "evidence"] == (
        "The best tie to Zhou Jianguo 周建国 (decision-maker, 董事长) is 0.01 (Gu Weiming 顾伟明), below the 0.50 "
        "coverage threshold.")
    assert zhou.at["uncovered_decision_maker", "action"] == (
        "Chen Hao 陈昊 should build a relationship with Zhou Jianguo 周建国 through this path: Chen Hao 陈昊 (our CEO "
        "首席执行官) → Sun Lihua 孙丽华, classmate (EMBA 2019 classmates) → Zhou Jianguo 周建国, 董事长 of Shanghai "
        "Lanxin Semiconductor 上海澜芯半导体有限公司: 0.67.")
    assert zhou.at["cooling_key_relationship", "evidence"] == (
        "Gu Weiming 顾伟明 – Zhou Jianguo 周建国 (decision-maker) is dormant: strength 0.02 → 0.01 over 5 months; "
        "last interaction 2025-12-05 (345 days ago).")


# -- paths and labels ---------------------------------------------------------------------

def test_paths_and_labels_per_language(sample, data_pattern):
    snap, settings = sample
    en = access_paths(snap, settings, "C-001")
    with use_language("zh_CN"):
        zh = access_paths(snap, settings, "C-001")
        labels_zh = person_labels(snap, settings.as_of_date())
    assert_chinese(zh["explanation"], data_pattern)
    assert zh["explanation"].iloc[0] == en["explanation"].iloc[0].replace(" (our CEO 首席执行官)", "（我方CEO 首席执行官）") \
        .replace(", classmate (EMBA 2019 classmates)", "，同学（EMBA 2019 classmates）") \
        .replace(", 董事长 of Shanghai Lanxin Semiconductor 上海澜芯半导体有限公司: ",
                 "，Shanghai Lanxin Semiconductor 上海澜芯半导体有限公司的董事长：") \
        .replace("Chen Hao 陈昊", "陈昊（Chen Hao）").replace("Sun Lihua 孙丽华", "孙丽华（Sun Lihua）") \
        .replace("Zhou Jianguo 周建国", "周建国（Zhou Jianguo）")  # a person's name in Chinese: family name first
    # the labels are cached per language: English after Chinese is English again
    labels_en = person_labels(snap, settings.as_of_date())
    assert labels_en.equals(person_labels(snap, settings.as_of_date()))
    internal = snap.people.loc[snap.people["side"] == "internal", "id"].iloc[0]
    assert "(our " in labels_en[internal] or "(ours)" in labels_en[internal]
    assert "（我方" in labels_zh[internal]
    assert access_paths(snap, settings, "C-001")["explanation"].tolist() == en["explanation"].tolist()


def test_strength_explanations(sample, data_pattern):
    snap, settings = sample
    x, y = ["S-03"] * 3, ["C-001", "C-002", "C-003"]
    en = explain_pairs(snap, settings, x, y)
    with use_language("zh_CN"):
        zh = explain_pairs(snap, settings, x, y)
    got = [t for t in zh if t]
    assert got and all(("互动" in t or "登记" in t) for t in got), got
    assert_chinese(got, data_pattern)
    assert all(("interaction" in t or "declared" in t) for t in en if t)


def test_tier_problem_reasons_per_language(sample):
    snap, settings = sample
    en = account_tiers(snap, settings)["problem_reasons"].dropna().tolist()
    with use_language("zh_CN"):
        zh = account_tiers(snap, settings)["problem_reasons"].dropna().tolist()
    assert len(en) == len(zh)
    assert all(CJK.search(t) and not WORD.search(t) for t in zh), zh
    assert account_tiers(snap, settings)["problem_reasons"].dropna().tolist() == en


# -- trends -------------------------------------------------------------------------------

def test_relationship_changes_in_chinese(sample, data_pattern):
    snap, settings = sample
    en = relationship_changes(snap, settings, "2026-05-15", "2026-11-15")
    with use_language("zh_CN"):
        zh = relationship_changes(snap, settings, "2026-05-15", "2026-11-15")
    assert_chinese(zh["description"], data_pattern, at_least=50)
    rel = zh.loc[zh["kind"] == "relationship", "description"]
    assert rel.str.contains("强度").all()
    att = zh.loc[zh["kind"] == "attitude", "description"]
    assert att.str.contains("年").all() and att.str.contains("评估人").any()
    assert "Liang Xiaoqing 梁晓晴 at Shenzhen Pengcheng Electronics 深圳鹏城电子股份有限公司: attitude supporter → " \
           "skeptic on 2026-06-18 (assessed by Lai Zhenhua 赖振华)" in en["description"].tolist()
    assert "梁晓晴（Liang Xiaoqing）（Shenzhen Pengcheng Electronics 深圳鹏城电子股份有限公司）：态度于2026年6月18日由支持者" \
           "变为怀疑者（评估人：赖振华（Lai Zhenhua））" in zh["description"].tolist()


# -- data period --------------------------------------------------------------------------

def test_data_period_notes(sample):
    snap, settings = sample
    en = data_ends_note(snap, settings, "2030-01-01")
    assert en == ("The data ends on 2026-11-14: 1,144 days before the analysis date 2030-01-01, more than the "
                  "90-day strength half-life, so relationships read as faded and trends as dormant. To look at the "
                  "data's own period, use --as-of 2026-11-14.")
    with use_language("zh_CN"):
        zh = data_ends_note(snap, settings, "2030-01-01")
        why = empty_reason(snap, settings, "2040-01-01", ["interactions"])
    assert zh.startswith("数据截止于2026年11月14日，比分析日期2030年1月1日早1,144天")
    assert zh.endswith("请使用 --as-of 2026-11-14。")
    assert not english_left(zh.replace("--as-of", ""), re.compile("^$"))
    assert why.startswith("2039年1月1日至2040年1月1日期间没有互动") and not WORD.search(why)


# -- visits -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def plans(sample):
    snap, settings = sample
    en = plan_visits(snap, settings)
    with use_language("zh_CN"):
        zh = plan_visits(snap, settings)
        texts = [briefing_text(b) for b in zh.briefings]
    return en, zh, texts


def test_briefings_in_chinese(plans, data_pattern):
    en, zh, texts = plans
    assert len(zh.briefings) == len(en.briefings) > 3
    for b in zh.briefings:
        assert_chinese([b["why"], b["relationship"], b["attitude_text"], b["access_text"]], data_pattern)
        assert_chinese(b["standing"], data_pattern)
        assert_chinese(b["talking_points"], data_pattern)
        if b["closes"]:
            assert_chinese(b["closes"], data_pattern)
    for text in texts:
        for line in text.splitlines():
            if line.strip():
                left = english_left(line, data_pattern)
                assert not left, f"English left in {line!r}: {left}"
    first = zh.briefings[0]
    assert first["why"].startswith(f"{first['executive_name']}的第1次拜访")
    assert "对方是谁" in texts[0] and "谈话要点" in texts[0]


def test_briefings_in_english_unchanged(plans):
    en, _, _ = plans
    b = en.briefings[0]
    assert b["why"].startswith("Visit 1 of ") and f"for {b['executive_name']} (the most important): " in b["why"]
    text = briefing_text(b)
    assert "WHO THEY ARE" in text and "TALKING POINTS" in text and "Visited by" in text
    assert b["standing"][0] == ("The decision-maker: has the final say on what Shanghai Lanxin Semiconductor "
                                "上海澜芯半导体有限公司 buys.")


# -- list words ---------------------------------------------------------------------------

def test_list_words_per_language():
    assert (join_list(["a", "b"]), join_and(["a", "b", "c"]), join_or(["a", "b"]), article("opponent")) == \
        ("a, b", "a, b and c", "a or b", "an opponent")
    with use_language("zh_CN"):
        assert (join_list(["甲", "乙"]), join_and(["甲", "乙", "丙"]), join_or(["甲", "乙"]), article("反对者")) == \
            ("甲、乙", "甲、乙和丙", "甲或乙", "反对者")


def test_the_check_catches_english(sample, data_pattern):
    with pytest.raises(AssertionError):
        assert_chinese(["Zhou Jianguo 周建国 should build a relationship"], data_pattern)
    with pytest.raises(AssertionError):
        assert_chinese(["Zhou Jianguo 周建国（decision maker）"], data_pattern)
    assert_chinese(["与Zhou Jianguo 周建国建立关系"], data_pattern)


def test_cached_tables_with_text_are_kept_per_language(sample):
    """Derived tables holding sentences (people's labels, tier problem reasons) are built once
    per language and never hand one language's text to another."""
    snap, settings = sample
    day = pd.Timestamp("2026-10-01")  # a date no other test reads labels at: nothing cached yet
    entry = person_labels.derived
    person_labels(snap, day)
    built = entry.builds
    person_labels(snap, day)
    assert entry.builds == built
    with use_language("zh_CN"):
        zh = person_labels(snap, day)
        assert person_labels(snap, day).equals(zh)
    assert entry.builds == built + 1  # Chinese built once, English not rebuilt
    en = person_labels(snap, day)
    assert entry.builds == built + 1
    assert not en.equals(zh) and en.str.contains(r"\(our ").any() and zh.str.contains("（我方").any()
