"""Person pickers (kamgraph.ui.pickers) through AppTest: the Paths page finds people by pinyin and
initials, the edit forms' pickers carry the romanization of Chinese-only names, and the Paths page
and the forms speak Chinese in zh_CN (English unchanged)."""

from __future__ import annotations

from pathlib import Path

import pytest
from i18n_walk import LANGUAGE_NAMES, data_vocabulary, foreign, shown_texts
from sample_stores import plain
from streamlit.testing.v1 import AppTest

from kamgraph.i18n import use_language
from kamgraph.names import shown_forms
from kamgraph.schema import ENTITIES
from kamgraph.store import open_store
from tests.test_ui_apptest import open_page  # noqa: E402 (one way to open a page)

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
SAMPLE_SETTINGS = ROOT / "data" / "sample" / "kamgraph.toml"
TIMEOUT = 240

pytestmark = pytest.mark.slow


@pytest.fixture
def app_env(monkeypatch, sample_db_file):
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{sample_db_file}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SAMPLE_SETTINGS))
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    monkeypatch.delenv("KAMGRAPH_LANG", raising=False)
    return sample_db_file


def vocabulary(db) -> list[str]:
    """The store's values, and every way a name is shown (周建国（Zhou Jianguo）, 谢天翼（Xie Tianyi）):
    all data."""
    store = open_store(f"sqlite:///{db}")
    try:
        frames = {e: store.read(e) for e in ENTITIES}
    finally:
        store.close()
    values = data_vocabulary(frames)
    forms = {f for n in frames["people"]["name"].dropna() for f in shown_forms(n) if len(f) >= 2}
    return sorted(set(values) | forms, key=len, reverse=True)


# -- the Paths page ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "target"), [("zjg", "C-001"), ("zhoujianguo", "C-001"), ("周建", "C-001"),
                                               ("xty", "C-004")])
def test_paths_finds_a_person_by_pinyin_initials_and_characters(app_env, query, target):
    at = open_page("paths")
    at.text_input(key="paths_query").input(query).run()
    assert not at.exception
    picker = at.selectbox(key="paths_target")
    assert picker.value == target
    if target == "C-001":  # 周建国's paths: through Sun Lihua, his EMBA classmate (sample story a)
        ranked = [plain(m.value) for m in at.markdown if m.value.startswith("**")]
        assert ranked and "Sun Lihua 孙丽华" in ranked[0]
    else:  # a Chinese-only name is listed with its romanization (what the select box's filter reads)
        assert any(o.startswith("谢天翼 (Xie Tianyi)") for o in picker.options)


def test_paths_in_chinese(app_env, monkeypatch):
    monkeypatch.setenv("KAMGRAPH_LANG", "zh_CN")
    at = open_page("paths")
    at.text_input(key="paths_query").input("zjg").run()
    assert not at.exception
    assert at.title[0].value == "接触路径"
    assert at.text_input(key="paths_query").label == "搜索人员"
    picker = at.selectbox(key="paths_target")
    assert picker.label == "目标人员" and picker.value == "C-001"
    assert any(o.startswith("周建国（Zhou Jianguo）") for o in picker.options)  # characters first
    ranked = [m.value for m in at.markdown if m.value.startswith("**")]
    assert ranked[0].startswith("**1.** 得分 **0.67** · 经由个人")
    assert any(s.value == "路径排名" for s in at.subheader)
    # nothing of this page's own text is left in English (the path explanations and the sidebar
    # belong to the analyses and the app; their words are checked there)
    texts = [t for t in shown_texts(at) if "→" not in t and ":material/" not in t]
    assert foreign(texts, "zh_CN", vocabulary(app_env), allow=LANGUAGE_NAMES) == []


def test_paths_in_english_is_unchanged(app_env):
    at = open_page("paths")
    at.text_input(key="paths_query").input("Zhou Jianguo").run()
    assert at.title[0].value == "Access paths"
    assert at.selectbox(key="paths_target").value == "C-001"
    ranked = [plain(m.value) for m in at.markdown if m.value.startswith("**")]
    assert ranked[0].startswith("**1.** score **0.67** · person")
    assert "Zhou Jianguo 周建国 — " in at.selectbox(key="paths_target").options[0] or \
        any(o.startswith("Zhou Jianguo 周建国") for o in at.selectbox(key="paths_target").options)
    assert foreign(shown_texts(at), "en", vocabulary(app_env), allow=LANGUAGE_NAMES) == []


# -- the edit forms ---------------------------------------------------------------------------------

def test_form_pickers_carry_pinyin_in_both_languages(app_env, monkeypatch):
    at = open_page("data")
    at.selectbox(key="data_edit_op").set_value("tie_add").run()
    options = at.selectbox(key="data_edit_tie_person").options
    assert any(o.startswith("谢天翼 (Xie Tianyi) — ") for o in options)
    assert any(o.startswith("Zhou Jianguo 周建国 — ") for o in options)  # English: as stored
    assert at.selectbox(key="data_edit_tie_kind").label == "Kind"

    monkeypatch.setenv("KAMGRAPH_LANG", "zh_CN")
    at = open_page("data")
    # AppTest calls a select box's format_func in the test's thread: give it the app's language
    with use_language("zh_CN"):
        at.selectbox(key="data_edit_op").set_value("tie_add").run()
    person = at.selectbox(key="data_edit_tie_person")
    assert person.label == "人员"
    assert any(o.startswith("谢天翼（Xie Tianyi）") for o in person.options)
    assert any(o.startswith("周建国（Zhou Jianguo）") for o in person.options)
    assert at.selectbox(key="data_edit_tie_kind").label == "类型"
    assert "同学" in at.selectbox(key="data_edit_tie_kind").options  # tie kinds as words
    assert at.selectbox(key="data_edit_tie_strength").label == "强度（1-5）"
    assert "输入姓名" in person.help
    assert any(b.label == "添加关系" for b in at.button)


# -- person_picker with its search box --------------------------------------------------------------

def _picker_app():
    import pandas as pd
    import streamlit as st

    from kamgraph.ui.pickers import person_picker

    people = pd.DataFrame({"id": ["C-001", "C-004", "X-1"], "name": ["Zhou Jianguo 周建国", "谢天翼", "Tobias Brandt"],
                           "label": ["Zhou Jianguo 周建国 — 董事长", "谢天翼 — 副总经理", "Tobias Brandt — CFO"]})
    chosen = person_picker("Person", people, "who", search=True)
    st.write(f"chosen={chosen}")


@pytest.mark.parametrize(("query", "expected"), [("zjg", ["C-001"]), ("xie", ["C-004"]), ("cfo", ["X-1"]),
                                                 ("", ["C-001", "C-004", "X-1"])])
def test_person_picker_search_box_narrows_by_name_keys(query, expected):
    at = AppTest.from_function(_picker_app, default_timeout=60)
    at.run()
    at.text_input(key="who_search").input(query).run()
    assert not at.exception
    box = at.selectbox(key="who")
    labels = {"C-001": "Zhou Jianguo 周建国 — 董事长", "C-004": "谢天翼 (Xie Tianyi) — 副总经理",
              "X-1": "Tobias Brandt — CFO"}
    assert list(box.options) == [labels[i] for i in expected]
    box.set_value(expected[0]).run()
    assert any(f"chosen={expected[0]}" in m.value for m in at.markdown)
