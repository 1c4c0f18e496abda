"""Every page of the app in Chinese and in English: nothing shown in the other language.

tests/i18n_walk.py collects what a page shows (labels, help, options, Markdown, captions,
alerts, metrics, tabs, expanders, table headers and text cells), takes every value of the
store out (names, titles, notes are data and stay as written) and lists what is left in the
other language. The account page is opened on the sample's diamond account with one of its
contacts chosen, so its side panel (person card, history) shows too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.i18n_walk import (
    LANGUAGE_NAMES,
    _without_data,
    foreign,
    shown_texts,
    store_vocabulary,
)
from tests.test_ui_apptest import open_page as _open  # noqa: E402 (one way to open a page)

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "data" / "sample" / "kamgraph.toml"

pytestmark = pytest.mark.slow

PAGES = [
    ("portfolio", None),
    ("account", {"account": "A-01"}),
    ("account", {"account": "A-01", "contact": "C-001"}),
    ("paths", None),
    ("visits", None),
    ("trends", None),
    ("data", None),
]


@pytest.fixture(scope="module")
def vocabulary(sample_db_file):
    return store_vocabulary(sample_db_file)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("page, query", PAGES, ids=[f"{p}{'-' + '-'.join(q.values()) if q else ''}" for p, q in PAGES])
def test_a_page_shows_nothing_in_the_other_language(page, query, lang, sample_db_file, vocabulary, monkeypatch):
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{sample_db_file}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SETTINGS))
    monkeypatch.setenv("KAMGRAPH_LANG", lang)
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    at = _open(page, query)
    texts = shown_texts(at)
    assert len(texts) > 10, texts  # the page showed something
    # the headings, data taken out, are in the page's language (the account page's title is the account's name)
    headings = [_without_data(h.value, vocabulary) for h in [*at.title, *at.header, *at.subheader]]
    chinese = [h for h in headings if re.search(r"[\u4e00-\u9fff]", h)]
    assert (len(chinese) > 0) if lang == "zh_CN" else not chinese, headings
    left = foreign(texts, lang, vocabulary, allow=LANGUAGE_NAMES)
    assert not left, f"{len(left)} strings in the other language on {page}:\n" + "\n".join(left[:80])


def test_the_sign_in_form_speaks_chinese(sample_db_file, tmp_path, monkeypatch):
    from kamgraph import auth
    from tests.sample_stores import copy_store

    db = copy_store(sample_db_file, tmp_path / "k.db")
    auth.save_users(tmp_path / auth.USERS_FILE_NAME, auth.add_user({}, "li.wei", "correct horse battery"))
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{db}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SETTINGS))
    monkeypatch.setenv("KAMGRAPH_LANG", "zh_CN")
    monkeypatch.delenv("KAMGRAPH_USERS", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.run()
    texts = shown_texts(at)
    assert any("登录" in t for t in texts), texts
    assert not foreign(texts, "zh_CN", [], allow=LANGUAGE_NAMES)
