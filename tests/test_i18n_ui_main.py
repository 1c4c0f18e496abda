"""The Portfolio and Account pages and their helpers (kamgraph/ui/format.py, charts.py, explain.py)
in Chinese, and in English as before.

The helpers are checked directly (fast); the pages through ``streamlit.testing.v1.AppTest`` on
the sample store with ``KAMGRAPH_LANG=zh_CN``: their headers, labels and table headers are in
Chinese, and :func:`tests.i18n_walk.foreign` finds none of the pages' own strings (the
templates marked in the files above) left in English. Sentences written by the analyses (gap
evidence and actions, paths, the map's labels) and by the edit forms are other files' and are
not counted here; tests/test_i18n_pages.py walks every string.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from kamgraph.i18n import use_language
from tests.test_ui_apptest import open_page as _open  # noqa: E402 (one way to open a page)

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "data" / "sample" / "kamgraph.toml"
#: the files whose strings are this test's
OWN_FILES = ["kamgraph/ui/pages/portfolio.py", "kamgraph/ui/pages/account.py", "kamgraph/ui/format.py",
             "kamgraph/ui/charts.py", "kamgraph/ui/explain.py"]
_HAN = re.compile(r"[\u3400-\u9fff]")


# -- helpers, no app -----------------------------------------------------------------------------

def test_dates_strengths_and_counts_speak_the_language_and_english_is_unchanged():
    from kamgraph.ui.format import counted, date_text, rows_text, strength_text

    assert (date_text("2026-11-26"), date_text(None), strength_text(None), strength_text(0.5)) == \
        ("2026-11-26", "never", "no relationship", "0.50")
    assert rows_text({"interactions": 1, "attendance": 5}) == "1 interaction, 5 attendees"
    assert rows_text({}) == "nothing new" and counted(2, "people") == "2 people"
    with use_language("zh_CN"):
        assert (date_text("2026-11-26"), date_text(None), strength_text(None)) == ("2026年11月26日", "从未", "无关系")
        assert rows_text({"interactions": 1, "attendance": 5}) == "1次互动、5名参与人"
        assert rows_text({}) == "无新增"


def test_the_history_of_changes_reads_in_chinese_with_codes_as_words():
    from kamgraph.ui.format import audit_view

    audit = pd.DataFrame([{"seq": 1, "at": "2026-11-20T09:00:00+00:00", "actor": None, "source": "edit: assess",
                           "action": "insert", "entity": "assessments",
                           "key": {"person_id": "C1", "account_id": "A1", "assessed_on": "2026-11-20"},
                           "before": {"attitude": "neutral", "decision_role": "user"},
                           "after": {"attitude": "skeptic", "decision_role": "decision_maker"}}])
    names = {"C1": "Ann Lee", "A1": "Acme"}
    en = audit_view(audit, names).iloc[0].to_dict()
    assert en == {"when": "2026-11-20 09:00 UTC", "who": "not recorded", "source": "edit: assess",
                  "what": "assessment: Ann Lee, Acme, 2026-11-20",
                  "change": "attitude: neutral → skeptic; decision role: user → decision maker"}
    with use_language("zh_CN"):
        zh = audit_view(audit, names)
    assert list(zh.columns) == ["时间", "操作人", "来源", "对象", "变更"]
    row = zh.iloc[0]
    assert row["时间"] == "2026年11月20日 09:00 UTC"
    assert row["操作人"] == "未记录"
    assert row["来源"] == "编辑：评估"
    assert row["对象"] == "评估：Ann Lee、Acme、2026-11-20"
    assert row["变更"] == "态度：中立 → 怀疑者；决策角色：使用者 → 决策者"


def test_person_labels_and_the_role_heatmap_in_chinese():
    from kamgraph.ui.charts import role_heatmap
    from kamgraph.ui.format import person_labels

    people = pd.DataFrame({"id": ["C1"], "name": ["Ann Lee"], "title": ["CFO"]})
    jobs = pd.DataFrame({"person_id": ["C1"], "org_id": ["A1"], "title": ["CFO"],
                         "since": [pd.Timestamp("2020-01-01")], "until": [pd.NaT]})
    assert person_labels(people, jobs, {"A1": "Acme"}) == {"C1": "Ann Lee — CFO, Acme"}
    cov = pd.DataFrame({"account_name": ["Acme"], "role_decision_maker": [1.0], "role_technical_evaluator": [0.5]})
    with use_language("zh_CN"):
        assert person_labels(people, jobs, {"A1": "Acme"}) == {"C1": "Ann Lee — Acme，CFO"}
        spec = role_heatmap(cov, ["decision_maker", "technical_evaluator"]).to_dict()
    rect = spec["layer"][0]["encoding"]
    assert rect["x"]["scale"]["domain"] == ["决策者", "技术评估者"]
    assert rect["color"]["legend"]["title"] == "覆盖率"
    assert [t.get("title") for t in rect["tooltip"]] == ["客户", "角色", "覆盖率"]


def test_the_map_caption_and_the_missing_team_roles_in_both_languages():
    from kamgraph.ui.pages.account import map_caption
    from kamgraph.ui.pages.portfolio import team_roles_text

    en = map_caption(1, 2, 1, 9, 0, 2, 3, 0.2)
    assert en.startswith("1 person · 2 relationship lines (strength ≥ 0.20) · 1 influence link · 9 contacts in "
                         "the org chart · 2 of our people · 3 connectors. Hover a box")
    assert team_roles_text("fr,executive_sponsor") == "FR, executive sponsor"
    with use_language("zh_CN"):
        zh = map_caption(1, 2, 1, 9, 4, 2, 3, None)
        assert team_roles_text("fr,executive_sponsor") == "FR、高层赞助人"
    assert zh.startswith("1人 · 2条关系连线 · 1条影响关系 · 组织架构图中9位联系人，另有4位折叠在灰色方框中 · 2位我方人员 · "
                         "3位中间人。")
    assert not re.search(r"[A-Za-z]{3,}", zh)


# -- the pages ----------------------------------------------------------------------------------

def _own_templates() -> list[str]:
    """The English templates marked in this test's files (from the catalogue's extractor)."""
    from babel.messages.extract import extract_from_file

    from kamgraph.i18n.catalog import KEYWORDS

    out = []
    for f in OWN_FILES:
        for _, msg, _, _ in extract_from_file("python", str(ROOT / f), keywords=KEYWORDS):
            out += [msg] if isinstance(msg, str) else [m for m in msg if m]
    return out


def _fragments(templates: list[str]) -> tuple[set[str], list[str]]:
    """(whole short strings, long literal fragments) of ``templates``: a text shows one of them
    untranslated when it equals a short one or contains a long one."""
    whole, parts = set(), []
    for t in templates:
        pieces = [p.strip(" .,:;*()") for p in re.split(r"\{[^{}]*\}", t.replace("**", ""))]
        pieces = [p for p in pieces if p]
        if len(t) < 20 and len(pieces) <= 1:
            whole.add(pieces[0] if pieces else t)
        parts += [p for p in pieces if len(p) >= 12]
    return whole, parts


#: Streamlit's Markdown directives (colours, icons): markup, not words
_DIRECTIVES = re.compile(r":material/[a-z_]+:|:(?:red|orange|gray|grey|green|blue|violet|rainbow)\[|\]")


def own_foreign(texts, lang: str, vocabulary: list[str]) -> list[str]:
    """The texts in the other language that show one of this test's files' own strings."""
    from tests.i18n_walk import LANGUAGE_NAMES, foreign

    whole, parts = _fragments(_own_templates())
    out = []
    for text in set(texts):
        clean = _DIRECTIVES.sub(" ", text)
        if not foreign([clean], lang, vocabulary, allow=LANGUAGE_NAMES):
            continue
        plain = clean.replace("\\", "").replace("**", "")
        if plain.strip(" .,:;") in whole or any(p in plain for p in parts):
            out.append(text)
    return sorted(out)


def test_the_fragment_detector_catches_an_untranslated_string():
    # a page string left in English in a Chinese page is found; a data sentence of the analyses is not
    vocabulary = ["Acme"]
    assert own_foreign(["No open gaps in these accounts.", "Acme", "客户组合"], "zh_CN", vocabulary) == \
        ["No open gaps in these accounts."]
    assert own_foreign(["Kinds"], "zh_CN", vocabulary) == ["Kinds"]
    assert own_foreign(["Acme should re-engage someone"], "zh_CN", vocabulary) == []


@pytest.fixture(scope="module")
def vocabulary(sample_db_file):
    from tests.i18n_walk import store_vocabulary

    return store_vocabulary(sample_db_file)


@pytest.fixture
def app_env(monkeypatch, sample_db_file):
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{sample_db_file}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SETTINGS))
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    return sample_db_file


@pytest.mark.slow
def test_the_portfolio_page_in_chinese(app_env, monkeypatch, vocabulary):
    from tests.i18n_walk import shown_texts

    monkeypatch.setenv("KAMGRAPH_LANG", "zh_CN")
    at = _open()
    assert at.title[0].value == "客户组合"
    metrics = {m.label: m.value for m in at.metric}
    assert {"客户", "平均覆盖得分", "待解决缺口", "高严重程度缺口", "降温的关键关系"} <= set(metrics)
    assert metrics["客户"] == "12"
    assert [s.value for s in at.subheader][:5] == ["客户", "各角色覆盖情况", "按类型和严重程度统计的缺口",
                                                  "降温的关键关系", "全部缺口"]
    accounts = at.dataframe[0].value
    assert {"打开", "客户", "客户等级", "覆盖率", "问题客户", "缺口"} <= set(accounts.columns)
    assert set(accounts["客户等级"]) <= {"钻石", "黄金", "白银", "标准"}
    pivot = at.dataframe[1].value
    assert list(pivot.columns) == ["高", "中", "低"] and "关键关系降温" in set(pivot.index)
    assert any("贡献了客户组合72%的营收" in c.value for c in at.caption)
    assert any(c.value.startswith("显示") and "个缺口" in c.value for c in at.caption)
    assert at.multiselect(key="pf_tier").label == "客户等级"
    assert own_foreign(shown_texts(at), "zh_CN", vocabulary) == []

    # the filters work in Chinese (their option labels do not depend on the thread that formats them)
    at.multiselect(key="pf_tier").set_value(["gold"]).run()
    at.multiselect(key="pf_kinds").set_value(["single_threaded"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="pf_tier").options[:2] == ["钻石", "黄金"]
    assert {m.label: m.value for m in at.metric}["客户"] == "4"
    assert any("这些客户中按营收排名前20%的客户（4个中的1个）" in c.value for c in at.caption)
    gaps = at.dataframe[-1].value
    assert set(gaps["缺口"]) == {"单线联系"}
    assert own_foreign(shown_texts(at), "zh_CN", vocabulary) == []


@pytest.mark.slow
def test_the_account_page_in_chinese(app_env, monkeypatch, vocabulary):
    from tests.i18n_walk import shown_texts

    monkeypatch.setenv("KAMGRAPH_LANG", "zh_CN")
    at = _open("account", {"account": "A-01", "contact": "C-001"})
    metrics = {m.label for m in at.metric}
    assert {"覆盖得分", "采购决策小组覆盖", "联系线数", "缺口", "高严重程度缺口"} <= metrics
    subheaders = [s.value for s in at.subheader]
    assert {"关系图", "立场变化记录", "缺口", "接触未覆盖决策者的路径", "人员卡片"} <= set(subheaders)
    assert any("钻石客户 · " in c.value and "截至2026年11月15日" in c.value for c in at.caption)
    assert any("条关系连线（强度 ≥ 0.20）" in c.value and "拖动可平移" in c.value for c in at.caption)
    card = [m.value for m in at.markdown]
    assert any(m.startswith("**角色** 决策者 · **态度** 中立 · **影响力** 5/5") for m in card)
    assert any(m.startswith("**我方最佳关系** ") for m in card)
    known = next(d.value for d in at.dataframe if "我方人员" in d.value.columns)
    assert {"强度", "趋势", "每月变化", "最近互动", "强度来源"} <= set(known.columns)
    assert set(known["趋势"]) <= {"新建", "升温", "稳定", "降温", "休眠"}
    contacts = next(d.value for d in at.dataframe if "最佳关系来自" in d.value.columns)
    assert "决策者" in set(contacts["角色"])
    assert at.selectbox(key="acc_account").label == "客户"
    assert own_foreign(shown_texts(at), "zh_CN", vocabulary) == []


@pytest.mark.slow
@pytest.mark.parametrize("page, query", [(None, None), ("account", {"account": "A-01", "contact": "C-001"})])
def test_the_pages_in_english_are_as_before(app_env, monkeypatch, vocabulary, page, query):
    from tests.i18n_walk import shown_texts

    monkeypatch.setenv("KAMGRAPH_LANG", "en")
    at = _open(page, query)
    texts = shown_texts(at)
    assert own_foreign(texts, "en", vocabulary) == []  # none of the pages' sentences mixes in Chinese
    whole, _ = _fragments(_own_templates())
    assert len(whole & {" ".join(t.split()) for t in texts}) >= 10  # the pages' English words, as written
    if page is None:
        assert at.title[0].value == "Portfolio"
        assert "computed tier" in at.dataframe[0].value.columns
    else:
        assert "Person card" in [s.value for s in at.subheader]
        assert any(m.value.startswith("**Role** decision maker · **Attitude** neutral") for m in at.markdown)


def test_time_axes_name_months_in_numbers_in_chinese():
    """Vega writes month names in English ("February"): a Chinese chart's ticks are numbers."""
    from kamgraph.i18n import use_language
    from kamgraph.ui.charts import strength_lines

    df = pd.DataFrame({"date": pd.to_datetime(["2026-01-31", "2026-02-28"]), "strength": [0.1, 0.2], "pair": "a"})
    with use_language("zh_CN"):
        assert strength_lines(df).to_dict()["encoding"]["x"]["axis"]["format"] == "%Y年%-m月"
    assert "format" not in strength_lines(df).to_dict()["encoding"]["x"].get("axis", {})
