"""A person's name follows their script, everywhere, in Chinese; every person picker finds people
by pinyin and initials.

In zh_CN a name stored with both forms (``"Zhou Jianguo 周建国"``) is shown characters first, the
romanized form beside it (``"周建国（Zhou Jianguo）"``: :func:`kamgraph.names.display_name`) in the
analyses' name columns and sentences (gaps, access paths, relationship changes, visit briefings),
the people's labels, the coverage report and the visit plan's exports; the stored form never
shows there. In English everything is as stored, as before. Accounts and organizations keep
their names.

The person pickers (Trends, Account, Data, Visits, Portfolio owners) are
:func:`kamgraph.ui.pickers.person_picker` / ``person_multiselect``: Streamlit's fuzzy filter
reads the shown label only, so the label must hold what a search types (``zjg``: an in-order
subsequence of ``Zhou Jianguo``; ``xty`` of ``Xie Tianyi`` beside 谢天翼).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from kamgraph.analysis.gaps import gaps
from kamgraph.analysis.paths import access_paths
from kamgraph.analysis.people import person_labels, person_names, shown_names
from kamgraph.analysis.trends import relationship_changes
from kamgraph.analysis.visits import briefing_text, plan_visits
from kamgraph.i18n import use_language
from kamgraph.names import display_names
from kamgraph.report.columns import readable
from kamgraph.report.portfolio import build_coverage_report
from kamgraph.report.visitplan import plan_html, plan_ics, plan_table
from tests.test_ui_apptest import open_page  # noqa: E402 (one way to open a page)

ROOT = Path(__file__).resolve().parents[1]
STORED, SHOWN = "Zhou Jianguo 周建国", "周建国（Zhou Jianguo）"
#: every stored two-form name of the sample, as stored ("Chen Hao 陈昊")
TWO_FORM = re.compile(r"[A-Z][a-z]+ [A-Z][a-z]+ [\u4e00-\u9fff]{2,3}")


@pytest.fixture(scope="module")
def stored_two_form(sample) -> set[str]:
    """The sample's people stored as ``"Romanized 汉字"``: none of them may show so in Chinese."""
    snap, _ = sample
    names = {n for n in snap.people["name"].dropna() if TWO_FORM.fullmatch(n)}
    assert STORED in names and len(names) > 10
    return names


def no_stored_form(texts, stored: set[str]) -> None:
    for t in texts:
        if isinstance(t, str):
            left = [n for n in stored if n in t]
            assert not left, f"stored form {left} shown in Chinese: {t!r}"


# -- the vectorized helper and the cached table ----------------------------------------------------

def test_display_names_maps_each_distinct_name_once_and_keeps_english():
    s = pd.Series([STORED, "谢天翼", None, "Tobias Brandt", STORED], index=list("abcde"), dtype=object)
    zh = display_names(s, "zh_CN")
    assert zh.tolist() == [SHOWN, "谢天翼", None, "Tobias Brandt", SHOWN]
    assert list(zh.index) == list("abcde")
    assert display_names(s, "en").tolist() == s.tolist()
    assert display_names(s.iloc[:0], "zh_CN").empty


def test_shown_names_are_cached_per_language(sample):
    snap, _ = sample
    en = shown_names(snap)
    with use_language("zh_CN"):
        zh = shown_names(snap)
    assert en["C-001"] == STORED and zh["C-001"] == SHOWN
    assert shown_names(snap)["C-001"] == STORED  # English again after Chinese
    assert en.equals(person_names(snap))  # English: exactly as stored


# -- the analyses ---------------------------------------------------------------------------------

def test_gaps_show_names_in_their_script(sample, stored_two_form):
    snap, settings = sample
    en = gaps(snap, settings)
    with use_language("zh_CN"):
        zh = gaps(snap, settings)
    zhou = zh[(zh["target_id"] == "C-001") & (zh["kind"] == "uncovered_decision_maker")].iloc[0]
    assert zhou["target_name"] == SHOWN
    assert zhou["evidence"].startswith(f"与{SHOWN}（决策者")
    assert zhou["action"].startswith("陈昊（Chen Hao）应通过以下路径与周建国（Zhou Jianguo）建立关系")
    assert zhou["actor_name"] == "陈昊（Chen Hao）"
    for col in ("target_name", "actor_name", "evidence", "action", "path"):
        no_stored_form(zh[col], stored_two_form)
    en_zhou = en[(en["target_id"] == "C-001") & (en["kind"] == "uncovered_decision_maker")].iloc[0]
    assert en_zhou["target_name"] == STORED and en_zhou["actor_name"] == "Chen Hao 陈昊"
    assert en_zhou["evidence"].startswith(f"The best tie to {STORED} (decision-maker")
    assert SHOWN not in " ".join(en["evidence"]) + " ".join(en["action"])


def test_paths_labels_and_changes_show_names_in_their_script(sample, stored_two_form):
    snap, settings = sample
    en = access_paths(snap, settings, "C-001")
    with use_language("zh_CN"):
        zh = access_paths(snap, settings, "C-001")
        labels = person_labels(snap, settings.as_of_date())
        changes = relationship_changes(snap, settings, "2026-01-01", settings.as_of_date())
    assert zh["explanation"].iloc[0].startswith("陈昊（Chen Hao）（我方")
    assert "孙丽华（Sun Lihua），同学" in zh["explanation"].iloc[0]
    assert zh["explanation"].iloc[0].count(SHOWN) == 1
    no_stored_form(zh["explanation"], stored_two_form)
    assert labels["C-001"].startswith(SHOWN)
    no_stored_form(labels, stored_two_form)
    no_stored_form(changes["description"], stored_two_form)
    no_stored_form(changes["person_name"], stored_two_form)
    assert changes["person_name"].str.contains("（", regex=False).any()
    assert en["explanation"].iloc[0].startswith("Chen Hao 陈昊 (our CEO")
    assert person_labels(snap, settings.as_of_date())["C-001"].startswith(STORED)


def test_visit_briefings_and_exports_show_names_in_their_script(sample, stored_two_form):
    snap, settings = sample
    en = plan_visits(snap, settings)
    with use_language("zh_CN"):
        zh = plan_visits(snap, settings)
        texts = [briefing_text(b) for b in zh.briefings]
        table = plan_table(zh)
        html = plan_html(zh)
        ics = plan_ics(zh)
    assert len(zh.briefings) == len(en.briefings) > 3
    assert set(zh.visits["executive_name"]) >= {"陈昊（Chen Hao）"}
    no_stored_form(zh.visits["executive_name"], stored_two_form)
    no_stored_form(zh.visits["contact_name"], stored_two_form)
    for b in zh.briefings:
        no_stored_form([b["why"], b["access_text"], b["relationship"], *b["talking_points"]], stored_two_form)
        for k in b["known_by"]:
            no_stored_form([k["name"]], stored_two_form)
    no_stored_form(texts, stored_two_form)
    no_stored_form(table.astype(str).to_numpy().ravel(), stored_two_form)
    no_stored_form([html], stored_two_form)
    assert "陈昊（Chen Hao）" in html
    assert "陈昊（Chen Hao）" in ics.replace("\r\n ", "")  # folded lines joined
    assert "Chen Hao 陈昊" in set(en.visits["executive_name"])
    assert not any("（Chen Hao）" in briefing_text(b) for b in en.briefings)


def test_the_coverage_report_shows_names_in_their_script(sample, stored_two_form, tmp_path):
    snap, settings = sample
    with use_language("zh_CN"):
        report = build_coverage_report(snap, settings)
        gaps_zh = report.readable("gaps").frame
        paths_zh = report.readable("access_paths").frame
        html = report.to_html(tmp_path / "zh.html").read_text(encoding="utf-8")
        owners = readable("team", pd.DataFrame({"internal_id": ["S-03"]}), report._names()).frame.iloc[0, 0]
    assert owners == "顾伟明（Gu Weiming）（S-03）"
    assert (report.tables["buying_centers"].set_index("contact_id")["name"]["C-001"]) == SHOWN
    no_stored_form(gaps_zh.astype(str).to_numpy().ravel(), stored_two_form)
    no_stored_form(paths_zh.astype(str).to_numpy().ravel(), stored_two_form)
    no_stored_form([html], stored_two_form)
    assert f"{SHOWN}（C-001）" in html
    english = build_coverage_report(snap, settings)
    assert english.tables["buying_centers"].set_index("contact_id")["name"]["C-001"] == STORED
    assert readable("team", pd.DataFrame({"internal_id": ["S-03"]}), english._names()).frame.iloc[0, 0] == \
        "Gu Weiming 顾伟明 (S-03)"
    # organizations keep their names (no reordering of "Acme 中国"-like names)
    orgs = snap.organizations.dropna(subset=["name"])
    if len(orgs):
        with use_language("zh_CN"):
            names = build_coverage_report(snap, settings)._names()
        assert names[orgs["id"].iloc[0]] == orgs["name"].iloc[0]


# -- the pickers, through AppTest -------------------------------------------------------------------

def fuzzy_finds(query: str, label: str) -> bool:
    """Streamlit's fuzzy filter, as far as this test needs it: the query's letters in order in the
    label, gaps allowed, case-insensitive."""
    it = iter(label.casefold())
    return all(ch in it for ch in query.casefold())


@pytest.fixture
def app_env(monkeypatch, sample_db_file):
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{sample_db_file}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(ROOT / "data" / "sample" / "kamgraph.toml"))
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    monkeypatch.setenv("KAMGRAPH_LANG", "zh_CN")
    return sample_db_file


def test_the_trends_person_picker_finds_by_pinyin_and_initials(app_env):
    at = open_page("trends")
    at.segmented_control(key="tr_mode").set_value("Person").run()
    assert not at.exception, [e.value for e in at.exception]
    picker = at.selectbox(key="tr_person")
    shown = list(picker.options)
    zhou = [o for o in shown if o.startswith(SHOWN)]
    assert zhou, shown[:5]
    assert not any(o.startswith(STORED) for o in shown)
    assert all(fuzzy_finds(q, zhou[0]) for q in ("zjg", "zhoujianguo", "周建", "Jianguo"))
    xie = [o for o in shown if o.startswith("谢天翼")]
    assert xie and xie[0].startswith("谢天翼（Xie Tianyi）") and fuzzy_finds("xty", xie[0])
    # the value is still the id: picking 周建国 by id works as before
    at.selectbox(key="tr_person").set_value("C-001").run()
    assert not at.exception and at.selectbox(key="tr_person").value == "C-001"
    texts = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert STORED not in texts


def test_the_account_contact_picker_finds_by_initials(app_env):
    at = open_page("account", {"account": "A-01"})
    picker = at.selectbox(key="acc_person_A-01")
    shown = list(picker.options)
    zhou = [o for o in shown if o.startswith(SHOWN)]
    assert zhou and fuzzy_finds("zjg", zhou[0]), shown
    assert not any(STORED in o for o in shown)
    at.selectbox(key="acc_person_A-01").set_value("C-001").run()
    assert not at.exception and at.selectbox(key="acc_person_A-01").value == "C-001"
    assert any(SHOWN in m.value for m in at.markdown)


def test_pickers_in_english_are_as_stored(app_env, monkeypatch):
    monkeypatch.setenv("KAMGRAPH_LANG", "en")
    at = open_page("trends")
    at.button_group(key="tr_mode").set_value("Person").run()
    shown = list(at.selectbox(key="tr_person").options)
    assert any(o.startswith(STORED) for o in shown) and not any(SHOWN in o for o in shown)
    assert any(o.startswith("谢天翼 (Xie Tianyi)") for o in shown)
