"""The app's frame in two languages (issue 16): the sidebar's language switch, the per-user
memory of the choice, and the Trends, Data and Visits pages in Chinese.

- Choosing 中文 in the sidebar turns every page title (``st.navigation``), the sidebar and the
  page shown into Chinese on the same rerun; choosing English brings back exactly the English
  titles.
- The choice is remembered in ``kamgraph-prefs.json`` beside the users file: for the signed-in
  user (a second user keeps their own; a new session of the first opens in Chinese once they
  sign in; a choice made before signing out is not the next user's) and, with sign-in off,
  for the one anonymous user.
- Trends, Data and Visits in zh_CN: Chinese titles and captions, and
  :func:`tests.i18n_walk.foreign` finds none of the frame's own strings (those marked in the
  files this test covers); the catalogue has all of them translated.

Every test writes only to its own copy of the sample store (the preferences file lands beside it).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from sample_stores import copy_store
from streamlit.testing.v1 import AppTest

from kamgraph import auth
from kamgraph.i18n import _, use_language
from kamgraph.i18n.prefs import PREFS_FILE_NAME
from kamgraph.schema import ENTITIES
from kamgraph.store import open_store
from tests.i18n_walk import LANGUAGE_NAMES, data_vocabulary, foreign, shown_texts

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
SETTINGS = ROOT / "data" / "sample" / "kamgraph.toml"
TIMEOUT = 240

#: the files whose strings this test holds to the language (the app's frame and three pages)
FRAME_FILES = ("app.py", "kamgraph/ui/app.py", "kamgraph/ui/access.py", "kamgraph/ui/context.py",
               "kamgraph/ui/language.py", "kamgraph/ui/pages/trends.py", "kamgraph/ui/pages/data.py",
               "kamgraph/ui/pages/visits.py")
ENGLISH_TITLES = ["Portfolio", "Account", "Paths", "Visits", "Trends", "Data"]
PASSWORDS = {"alice": "alice's long password", "bob": "bob's long password"}
_HAN = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.slow


# -- helpers ---------------------------------------------------------------------------------
def titles(at: AppTest) -> list[str]:
    """The page titles st.navigation registered on the last run, in order."""
    return [info["page_name"] for info in at._registered_pages.values()]


def han(text: str) -> bool:
    return bool(_HAN.search(text))


def chinese_titles() -> list[str]:
    with use_language("zh_CN"):
        return [_(t) for t in ENGLISH_TITLES]


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def switch_language(at: AppTest, lang: str) -> AppTest:
    at.sidebar.selectbox(key="kamgraph_lang_switch").select(lang)
    return run(at)


def sign_in(at: AppTest, user: str) -> AppTest:
    at.text_input(key="auth_user").input(user)
    at.text_input(key="auth_password").input(PASSWORDS[user])
    at.button[0].click()  # the form's only button: "Sign in" in whatever language the form speaks
    return run(at)


def prefs(store: Path) -> dict:
    return json.loads((store.parent / PREFS_FILE_NAME).read_text(encoding="utf-8"))["language"]


def sidebar_texts(at: AppTest) -> list[str]:
    out = [c.value for c in at.sidebar.caption]
    out += [w.label for w in at.sidebar.select_slider] + [w.label for w in at.sidebar.selectbox]
    return out


def frame_strings() -> list[str]:
    """Every string marked in :data:`FRAME_FILES` (the English templates)."""
    keywords = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
                "NP_": ((1, "c"), 2)}
    out = []
    for f in FRAME_FILES:
        for _line, message, _comments, _context in extract_from_file("python", str(ROOT / f), keywords=keywords):
            out += [message] if isinstance(message, str) else [m for m in message if m]
    return out


def own_chunks() -> tuple[set[str], list[str]]:
    """The frame's strings as what can be recognized on screen: whole short strings (a header,
    a button) and the multi-word literal parts of templates (between placeholders)."""
    whole, parts = set(), []
    for s in frame_strings():
        literal = [p.strip(" .,:;()·–→…\n") for p in re.split(r"\{[^{}]*\}", s)]
        if "{" not in s:
            whole.add(s.strip())
        parts += [p for p in literal if len(p) >= 12 and " " in p]
    return whole, sorted(set(parts), key=len, reverse=True)


def plain(markdown: str) -> str:
    """Markdown as displayed (backslash escapes removed), without Material icon codes."""
    return re.sub(r":material/\w+:", " ", re.sub(r"\\(.)", r"\1", markdown))


def own_foreign(texts: list[str], lang: str, vocabulary: list[str]) -> list[str]:
    """What :func:`foreign` finds that is one of the frame's own strings (others' files apart)."""
    whole, parts = own_chunks()
    shown = [plain(t) for t in texts]
    found = foreign(shown, lang, vocabulary, allow=LANGUAGE_NAMES)
    mine = []
    for line in found:
        text = line.split("] in ", 1)[1]
        if any(t.strip() in whole or any(p in t for p in parts) for t in shown if repr(t[:160]) == text):
            mine.append(line)
    return mine


# -- fixtures --------------------------------------------------------------------------------
@pytest.fixture
def open_store_copy(tmp_path, sample_db_file, monkeypatch) -> Path:
    """A private copy of the sample store, sign-in off, no language from the environment."""
    db = copy_store(sample_db_file, tmp_path / "sample.db")
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{db}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SETTINGS))
    for name in ("KAMGRAPH_AS_OF", "KAMGRAPH_USERS", "KAMGRAPH_LANG"):
        monkeypatch.delenv(name, raising=False)
    return db


@pytest.fixture
def signed_store_copy(open_store_copy) -> Path:
    users = auth.add_user({}, "alice", PASSWORDS["alice"], "admin")
    users = auth.add_user(users, "bob", PASSWORDS["bob"], "viewer")
    auth.save_users(open_store_copy.parent / auth.USERS_FILE_NAME, users)
    return open_store_copy


@pytest.fixture(scope="module")
def vocabulary(sample_db_file) -> list[str]:
    store = open_store(f"sqlite:///{sample_db_file}")
    try:
        return data_vocabulary({e: store.read(e) for e in ENTITIES})
    finally:
        store.close()


# -- the switch ------------------------------------------------------------------------------
def test_choosing_chinese_turns_titles_sidebar_and_page_chinese_at_once_and_english_back(open_store_copy):
    at = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    assert titles(at) == ENGLISH_TITLES
    assert at.title and not any(han(t.value) for t in at.title)  # the portfolio page, in English
    assert not any(han(t) for t in sidebar_texts(at) if "中文" not in t)

    switch_language(at, "zh_CN")
    zh = titles(at)
    assert zh == chinese_titles() and all(han(t) for t in zh), zh
    side = sidebar_texts(at)
    assert "截至" in side, side  # the "As of" slider
    assert any(c.startswith("数据存储：") and "设置：" in c for c in side), side  # the store and settings caption
    assert str(open_store_copy) in " ".join(side)  # the path is data: as it is
    assert all(han(t.value) for t in at.title), [t.value for t in at.title]
    assert any("登录未启用" in c.value for c in at.caption)  # sign-in is off, said in Chinese

    # other pages follow without choosing again
    at.switch_page("kamgraph/ui/pages/trends.py")
    run(at)
    assert [t.value for t in at.title] == ["趋势"]

    switch_language(at, "en")
    assert titles(at) == ENGLISH_TITLES
    assert [t.value for t in at.title] == ["Trends"]
    assert "As of" in sidebar_texts(at)


def test_with_sign_in_off_the_anonymous_choice_is_remembered_for_the_next_session(open_store_copy):
    at = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    switch_language(at, "zh_CN")
    assert prefs(open_store_copy) == {"": "zh_CN"}

    again = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    assert titles(again) == chinese_titles()
    assert again.sidebar.selectbox(key="kamgraph_lang_switch").value == "zh_CN"


def test_each_user_keeps_their_own_language(signed_store_copy):
    alice = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    assert [t.value for t in alice.title] == ["Sign in"]  # the form alone, in the default language
    sign_in(alice, "alice")
    assert titles(alice) == ENGLISH_TITLES
    switch_language(alice, "zh_CN")
    assert titles(alice) == chinese_titles()
    assert any(c.value.startswith("已登录：") and "管理员" in c.value for c in alice.sidebar.caption)
    assert prefs(signed_store_copy) == {"alice": "zh_CN"}

    # a second user, in their own session, keeps English
    bob = sign_in(run(AppTest.from_file(str(APP), default_timeout=TIMEOUT)), "bob")
    assert titles(bob) == ENGLISH_TITLES
    assert any("Signed in as **bob** (viewer)" in c.value for c in bob.sidebar.caption)

    # a new session of alice opens in Chinese once she signs in
    alice2 = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    assert titles(alice2) == ENGLISH_TITLES  # nobody signed in yet
    sign_in(alice2, "alice")
    assert titles(alice2) == chinese_titles()

    # alice signs out in that session; bob signs in there: his English, not her Chinese
    alice2.sidebar.button(key="auth_sign_out").click()
    run(alice2)
    sign_in(alice2, "bob")
    assert titles(alice2) == ENGLISH_TITLES
    assert prefs(signed_store_copy) == {"alice": "zh_CN"}


# -- the pages in Chinese --------------------------------------------------------------------
def test_the_frame_strings_are_all_translated():
    from kamgraph.i18n.catalog import missing

    assert missing([str(ROOT / f) for f in FRAME_FILES]) == []


@pytest.mark.parametrize("page,title,words", [
    ("trends", "趋势", ["回看时长", "整个客户组合", "关系强度变化"]),
    ("data", "数据", ["数据存储内容", "记录变更", "个人数据"]),
    ("visits", "高管拜访", ["制定拜访计划", "每位高管的拜访数", "候选联系人"]),
])
def test_pages_in_chinese_show_none_of_the_frames_english(page, title, words, sample_db_file, vocabulary,
                                                            monkeypatch):
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{sample_db_file}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SETTINGS))
    monkeypatch.setenv("KAMGRAPH_LANG", "zh_CN")
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    at = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    at.switch_page(f"kamgraph/ui/pages/{page}.py")
    run(at)
    assert [t.value for t in at.title] == [title]
    texts = shown_texts(at)
    joined = "\n".join(texts)
    for w in words:
        assert w in joined, w
    assert own_foreign(texts, "zh_CN", vocabulary) == []


def test_own_foreign_catches_an_untranslated_frame_string(vocabulary):
    """The check above can fail: an English string of the frame in a Chinese page is found."""
    texts = ["Strength over time", "Relationships whose strength moved by at least 0.10", "趋势"]
    assert len(own_foreign(texts, "zh_CN", vocabulary)) == 2


@pytest.mark.parametrize("page,title", [("trends", "Trends"), ("data", "Data"), ("visits", "Executive visits")])
def test_pages_in_english_stay_english(page, title, sample_db_file, vocabulary, monkeypatch):
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{sample_db_file}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SETTINGS))
    monkeypatch.delenv("KAMGRAPH_LANG", raising=False)
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    at = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    at.switch_page(f"kamgraph/ui/pages/{page}.py")
    run(at)
    assert [t.value for t in at.title] == [title]
    assert titles(at) == ENGLISH_TITLES
    assert foreign([plain(t) for t in shown_texts(at)], "en", vocabulary, allow=LANGUAGE_NAMES) == []


# -- notices, steps and interactions in Chinese ----------------------------------------------
def test_empty_store_and_data_ends_notices_in_chinese(tmp_path, sample_db_file, monkeypatch):
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SETTINGS))
    monkeypatch.setenv("KAMGRAPH_LANG", "zh_CN")
    monkeypatch.delenv("KAMGRAPH_USERS", raising=False)
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{tmp_path / 'empty' / 'empty.db'}")
    (tmp_path / "empty").mkdir()
    at = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    assert any(i.value.startswith("数据存储为空") for i in at.info), [i.value for i in at.info]

    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{sample_db_file}")
    monkeypatch.setenv("KAMGRAPH_AS_OF", "2028-06-30")  # long after the sample's data ends
    at = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    assert any(w.value.startswith("数据截止于") for w in at.warning), [w.value for w in at.warning]
    button = at.button(key="kamgraph_look_at_data_end")
    assert button.label.startswith("查看截至") and han(button.help), (button.label, button.help)
    assert any(c.value.startswith("数据记录始于") for c in at.sidebar.caption)


def test_trends_in_chinese_follows_the_controls(sample_db_file, vocabulary, monkeypatch):
    """Option labels are translated where Streamlit calls format_func (kamgraph.ui.language.pinned):
    changing the mode and the window in a Chinese session works and stays Chinese."""
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{sample_db_file}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SETTINGS))
    monkeypatch.setenv("KAMGRAPH_LANG", "zh_CN")
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    at = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    at.switch_page("kamgraph/ui/pages/trends.py")
    run(at)
    assert at.segmented_control(key="tr_mode").options == ["客户", "人员", "人员对"]
    for mode in ("Person", "Pair", "Account"):
        at.segmented_control(key="tr_mode").set_value(mode)
        run(at)
        assert own_foreign(shown_texts(at), "zh_CN", vocabulary) == []
    at.select_slider(key="tr_window").set_value(12)
    run(at)
    assert "12个月" in at.select_slider(key="tr_window").options
    at.toggle(key="tr_changes_all").set_value(True)
    run(at)
    texts = shown_texts(at)
    assert any("态度与角色变化" in t for t in texts) and "之后强度" in texts
    assert own_foreign(texts, "zh_CN", vocabulary) == []


def test_computing_steps_and_refusals_in_chinese():
    from kamgraph.analysis.trends import trends
    from kamgraph.ui.context import _label

    with use_language("zh_CN"):
        assert _("Computing {what}").format(what=_label(trends)) == "正在计算趋势"
        assert _label(lambda: None) == "分析"  # an unlisted analysis: no code name in Chinese
        assert _("({i} of {total})").format(i=3, total=5) == "（第 3 步，共 5 步）"
    assert _label(trends) == "trends"
