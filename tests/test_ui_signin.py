"""Sign-in, roles and user text in the app, through ``streamlit.testing.v1.AppTest`` (issue 12).

With a users file beside the store, no page shows anything but the sign-in form until
someone signs in with a password that matches its argon2 hash; a viewer reads every page
but the Data page offers them no import and no erase; an admin gets both. Without users
(the demo) every page says that sign-in is off. Names and notes that look like links
(``http://...``, ``<https://...>``, ``www.``, e-mail addresses) show as text, not links.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from sample_stores import copy_store
from streamlit.testing.v1 import AppTest

from kamgraph import auth
from kamgraph.errors import KamgraphError
from kamgraph.schema import normalize_frame
from kamgraph.store import open_store
from kamgraph.ui.format import WORD_JOINER, md

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
SAMPLE = ROOT / "data" / "sample"
SAMPLE_SETTINGS = SAMPLE / "kamgraph.toml"
TIMEOUT = 240

PAGES = (None, "account", "paths", "trends", "data")
#: names of sample accounts and people that must not show before sign-in
SECRETS = ("Shanghai Lanxin", "Zhou Jianguo", "Bayern", "Sun Lihua")
PASSWORDS = {"alice": "alice's long password", "vera": "vera's long password"}

URL_ID = "C-URL"
URL_NAME = "http://evil.example/x <https://x> www.x.com"
URL_TITLE = "write to boss@evil.example or mailto:boss@evil.example"

pytestmark = pytest.mark.slow


def plain(markdown: str) -> str:
    """Markdown as displayed: backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at: AppTest) -> list[str]:
    """Every piece of Markdown the run produced (markdown, captions, alerts, titles, headers)."""
    out = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


@pytest.fixture(scope="module")
def sample_copy(tmp_path_factory, sample_db_file) -> Path:
    return copy_store(sample_db_file, tmp_path_factory.mktemp("signin_sample") / "sample.db")


@pytest.fixture(scope="module")
def signed_store(sample_copy) -> Path:
    """The sample store with a users file beside it: alice (admin) and vera (viewer)."""
    users = auth.add_user({}, "alice", PASSWORDS["alice"], "admin")
    users = auth.add_user(users, "vera", PASSWORDS["vera"], "viewer")
    auth.save_users(sample_copy.parent / auth.USERS_FILE_NAME, users)
    return sample_copy


@pytest.fixture
def signin_env(monkeypatch, signed_store) -> Path:
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{signed_store}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SAMPLE_SETTINGS))
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    monkeypatch.delenv("KAMGRAPH_USERS", raising=False)
    return signed_store


def app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def go(at: AppTest, page: str | None) -> AppTest:
    if page:
        at.switch_page(f"kamgraph/ui/pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in(at: AppTest, user: str, password: str) -> AppTest:
    at.text_input(key="auth_user").input(user)
    at.text_input(key="auth_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shows_nothing_but_the_form(at: AppTest) -> None:
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.dataframe and not at.metric and not at.file_uploader
    assert [s.key for s in at.selectbox] == ["kamgraph_lang_switch"]  # the language switch, nothing else
    everything = " ".join(plain(t) for t in texts(at))
    for secret in SECRETS:
        assert secret not in everything
    assert "sample.db" not in everything  # not even where the store is


# -- sign-in configured --------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_with_users_no_page_shows_data_before_sign_in(signin_env, page):
    at = go(app(), page)
    shows_nothing_but_the_form(at)


def test_a_wrong_password_or_an_unknown_user_shows_nothing(signin_env):
    at = app()
    sign_in(at, "vera", "not vera's password")
    assert any("wrong password" in e.value for e in at.error)
    shows_nothing_but_the_form(at)
    sign_in(at, "mallory", PASSWORDS["vera"])
    shows_nothing_but_the_form(at)
    go(at, "data")
    shows_nothing_but_the_form(at)


def test_a_viewer_reads_every_page_but_cannot_import_or_erase(signin_env):
    at = sign_in(app(), "vera", PASSWORDS["vera"])
    assert at.title[0].value == "Portfolio"
    assert next(m.value for m in at.metric if m.label == "Accounts") == "12"
    assert any("Signed in as **vera** (viewer)" in c.value for c in at.sidebar.caption)
    for page in ("account", "paths", "trends"):
        go(at, page)
        assert at.title or at.header
        assert at.title[0].value != "Sign in" if at.title else True
    go(at, "data")
    assert at.title[0].value == "Data"
    assert not at.file_uploader
    keys = {b.key for b in at.button}
    assert "data_import" not in keys and "data_erase" not in keys and "data_erase_confirm" not in keys
    assert any("Importing is for admins" in i.value for i in at.info)
    assert any("Erasing is for admins" in c.value for c in at.caption)
    assert at.dataframe  # the counts are readable


def test_an_admin_gets_import_and_erase(signin_env):
    at = go(sign_in(app(), "alice", PASSWORDS["alice"]), "data")
    keys = {b.key for b in at.button}
    assert {"data_import", "data_erase"} <= keys
    assert at.file_uploader
    assert not any(t.key == "data_path" for t in at.text_input)  # no import folder configured: uploads only


def test_signing_out_and_removal_from_the_users_file_end_the_session(signin_env, tmp_path, monkeypatch):
    at = sign_in(app(), "vera", PASSWORDS["vera"])
    at.sidebar.button(key="auth_sign_out").click().run()
    shows_nothing_but_the_form(at)

    users_file = tmp_path / "users.json"  # a users file of this test's own, so removing vera stays here
    auth.save_users(users_file, auth.load_users(signin_env.parent / auth.USERS_FILE_NAME))
    monkeypatch.setenv("KAMGRAPH_USERS", str(users_file))
    at = sign_in(app(), "vera", PASSWORDS["vera"])
    assert at.title[0].value == "Portfolio"
    auth.save_users(users_file, auth.set_role(auth.load_users(users_file), "vera", "admin"))
    go(at, "data")
    assert "data_import" in {b.key for b in at.button}  # the new role applies at once
    auth.save_users(users_file, auth.remove_user(auth.load_users(users_file), "vera"))
    at.run()
    shows_nothing_but_the_form(at)


def test_a_damaged_users_file_keeps_the_app_closed(signin_env, tmp_path, monkeypatch):
    bad = tmp_path / "users.json"
    bad.write_text("{ not json")
    monkeypatch.setenv("KAMGRAPH_USERS", str(bad))
    at = app()
    assert any("damaged" in e.value for e in at.error)
    assert not at.dataframe and not at.metric and not at.title


# -- sign-in off (the demo) ----------------------------------------------------------------------

@pytest.fixture
def open_env(monkeypatch, sample_copy, tmp_path) -> Path:
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{sample_copy}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SAMPLE_SETTINGS))
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    monkeypatch.setenv("KAMGRAPH_USERS", str(tmp_path / "no-users.json"))
    return sample_copy


def test_without_users_every_page_says_sign_in_is_off(open_env):
    at = app()
    for page in PAGES:
        go(at, page)
        assert sum("Sign-in is off" in c.value for c in at.caption) == 1, page
    assert "data_import" in {b.key for b in at.button} and "data_erase" in {b.key for b in at.button}


def test_server_paths_only_inside_the_import_folder_and_uploads_are_limited(open_env, monkeypatch, tmp_path):
    folder = tmp_path / "imports"
    folder.mkdir()
    monkeypatch.setenv("KAMGRAPH_IMPORT_DIR", str(folder))
    monkeypatch.setenv("KAMGRAPH_MAX_UPLOAD_MB", "0.001")  # about 1 kB
    at = go(app(), "data")
    for outside in ("/etc", str(folder / ".." ), "../", str(SAMPLE)):
        at.text_input(key="data_path").input(outside)
        at.button(key="data_import").click().run()
        assert any("only files and folders inside" in e.value for e in at.error), outside
    at.text_input(key="data_path").input("")
    at.file_uploader(key="data_files").set_value(("people.csv", b"id,name,side\n" + b"P-1,x,customer\n" * 200,
                                                  "text/csv")).run()
    at.button(key="data_import").click().run()
    assert any("The upload holds 2.9 kB; at most 1.0 kB can be uploaded" in e.value for e in at.error)
    assert not at.success


# -- user text is text ----------------------------------------------------------------------------

@pytest.fixture
def url_store(open_env, tmp_path, monkeypatch) -> str:
    db = tmp_path / "urls.db"
    copy_store(open_env, db)
    url = f"sqlite:///{db}"
    store = open_store(url)
    store.write({
        "people": normalize_frame("people", pd.DataFrame([{
            "id": URL_ID, "name": URL_NAME, "side": "customer", "title": URL_TITLE, "level": 2,
            "notes": "see https://evil.example/notes"}])),
        "employment": normalize_frame("employment", pd.DataFrame([{
            "person_id": URL_ID, "org_id": "A-01", "title": URL_TITLE, "since": pd.Timestamp("2024-01-01")}])),
        "assessments": normalize_frame("assessments", pd.DataFrame([{
            "person_id": URL_ID, "account_id": "A-01", "assessed_on": pd.Timestamp("2026-10-01"),
            "decision_role": "decision_maker", "attitude": "skeptic", "influence": 4}])),
    })
    store.close()
    monkeypatch.setenv("KAMGRAPH_STORE", url)
    return url


#: what GFM (remark-gfm) turns into a link in text as displayed; ``<scheme:...>`` autolinks
#: need a raw ``<`` in the source, checked separately
AUTOLINK = re.compile(r"(https?|ftp)://|www\.|[-.\w+]+@[-\w]+(\.[-\w]+)+", re.IGNORECASE)


def test_md_breaks_every_autolink_and_keeps_the_text():
    for text in (URL_NAME, URL_TITLE, "ftp://x.example", "WWW.X.COM", "a.b+c@d-e.example.org"):
        out = md(text)
        assert not AUTOLINK.search(plain(out)), out
        assert plain(out).replace(WORD_JOINER, "") == text
    assert md("Zhou Jianguo 周建国") == "Zhou Jianguo 周建国"


def test_urls_in_names_and_titles_render_as_text_on_the_account_page(url_store):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    at.query_params.update({"account": "A-01", "person": URL_ID})
    at.switch_page("kamgraph/ui/pages/account.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    card = [t for t in shown if "evil" in t]
    assert any(plain(t).replace(WORD_JOINER, "") == f"### {URL_NAME}" for t in card), card  # the name, as typed
    assert any(URL_TITLE in plain(t).replace(WORD_JOINER, "") for t in card)
    for t in shown:
        assert not AUTOLINK.search(plain(t)), t  # nothing Markdown would turn into a link
        assert not re.search(r"(?<!\\)<", t), t  # no raw angle bracket: no <autolink> and no HTML


# -- who wrote -------------------------------------------------------------------------------------

def test_writes_name_the_signed_in_user_where_the_store_records_it():
    from kamgraph.ui.access import Access
    from kamgraph.ui.context import PageContext

    def records(source, store, actor=None):
        return actor

    def does_not(source, store):
        return None

    signed = PageContext(None, None, 0, {}, Access(True, "vera", "admin"))
    assert signed._actor(records) == {"actor": "vera"}
    assert signed._actor(does_not) == {}  # a store without ``actor=`` still works
    assert PageContext(None, None, 0, {}, Access(False))._actor(records) == {}  # demo: the store's default
    viewer = PageContext(None, None, 0, {}, Access(True, "vera", "viewer"))
    with pytest.raises(KamgraphError, match="viewer"):
        viewer.erase_person("X-01")  # refused before the store is touched


# -- single sign-on ---------------------------------------------------------------------------------

def test_with_an_identity_provider_configured_nothing_shows_before_st_login(open_env):
    import streamlit as st

    if not hasattr(st, "login"):
        pytest.skip("this Streamlit has no st.login")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "kamgraph", "client_secret": "s",
                          "server_metadata_url": "https://login.example.com/.well-known/openid-configuration"}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shows_nothing_but_the_form(at)
    assert [b.key for b in at.button] == ["auth_oidc_login"]  # the provider's sign-in, no password form
    assert not at.text_input


def test_imports_and_erasures_from_the_app_are_recorded_as_the_signed_in_user(signin_env, tmp_path, monkeypatch):
    db = tmp_path / "own.db"
    copy_store(signin_env, db)
    url = f"sqlite:///{db}"
    monkeypatch.setenv("KAMGRAPH_STORE", url)
    monkeypatch.setenv("KAMGRAPH_USERS", str(signin_env.parent / auth.USERS_FILE_NAME))
    store = open_store(url)
    if not hasattr(store, "write_log"):
        pytest.skip("this store records no write log")
    at = go(sign_in(app(), "alice", PASSWORDS["alice"]), "data")
    at.file_uploader(key="data_files").set_value(
        ("people.csv", b"id,name,side,title\nP-NEW,Ann New,customer,CEO\n", "text/csv")).run()
    at.button(key="data_import").click().run()
    assert any("Imported 1 row" in s.value for s in at.success)
    at.selectbox(key="data_person").set_value("P-NEW").run()
    at.button(key="data_erase").click().run()
    at.text_input(key="data_erase_typed").input("P-NEW").run()
    at.button(key="data_erase_confirm").click().run()
    assert store.read("people", "id", ["P-NEW"]).empty
    log = store.write_log()
    assert list(log["actor"].tail(2)) == ["alice", "alice"]
    assert list(log["action"].tail(2)) == ["write", "erase_person"]


def test_an_erasure_a_reader_keeps_in_the_write_ahead_log_says_so(signin_env, tmp_path, monkeypatch):
    db = tmp_path / "own.db"
    copy_store(signin_env, db)
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{db}")
    monkeypatch.setenv("KAMGRAPH_USERS", str(signin_env.parent / auth.USERS_FILE_NAME))
    at = go(sign_in(app(), "alice", PASSWORDS["alice"]), "data")
    reader = sqlite3.connect(db)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM people").fetchone()  # an open read blocks the checkpoint
        at.selectbox(key="data_person").set_value("X-01").run()
        at.button(key="data_erase").click().run()
        at.text_input(key="data_erase_typed").input("X-01").run()
        at.button(key="data_erase_confirm").click().run()
    finally:
        reader.close()
    done = [plain(s.value) for s in at.success if "Erased Sun Lihua" in plain(s.value)]
    assert done
    assert "Not yet erased from the disk" in done[0] and "write-ahead log" in done[0]


def test_erasing_lists_the_notes_that_mention_the_name_and_can_redact_them(signin_env, tmp_path, monkeypatch):
    db = tmp_path / "own.db"
    copy_store(signin_env, db)
    url = f"sqlite:///{db}"
    monkeypatch.setenv("KAMGRAPH_STORE", url)
    monkeypatch.setenv("KAMGRAPH_USERS", str(signin_env.parent / auth.USERS_FILE_NAME))
    store = open_store(url)
    if not hasattr(store, "mentions"):
        pytest.skip("this store cannot search free text")
    kept = len(store.mentions("Sun Lihua"))
    assert kept >= 3  # a dinner, a lunch, someone else's notes (data/sample)
    at = go(sign_in(app(), "alice", PASSWORDS["alice"]), "data")
    at.selectbox(key="data_person").set_value("X-01").run()
    at.button(key="data_erase").click().run()
    assert any(f"written in {kept} notes or subjects" in m.value for m in at.markdown)
    assert len(at.dataframe[-1].value) == kept
    at.checkbox(key="data_erase_redact").check().run()
    at.text_input(key="data_erase_typed").input("X-01").run()
    at.button(key="data_erase_confirm").click().run()
    assert store.read("people", "id", ["X-01"]).empty
    assert store.mentions("Sun Lihua").empty
    subjects = set(store.read("interactions")["subject"].dropna())
    assert "Dinner with [erased]" in subjects
