"""The Portfolio and Trends pages through ``streamlit.testing.v1.AppTest`` on the sample portfolio
(data/sample, as of 2026-11-15): row links open the right account and contact, every download
follows the page's filters and says its scope, and "What changed" puts political changes first.

The downloads are deferred (built when clicked): the test records the media file manager of
each AppTest run and calls the button's registered builder, exactly as the server does on a click.
"""

from __future__ import annotations

import io
import json
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test
from sample_stores import plain
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from kamgraph.ingest import import_path
from kamgraph.store import open_store
from tests.test_ui_apptest import open_page  # noqa: E402 (one way to open a page)

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
SAMPLE = ROOT / "data" / "sample"
SAMPLE_SETTINGS = SAMPLE / "kamgraph.toml"
TIMEOUT = 240

EAST_CHINA = ["A-01", "A-06", "A-09"]  # Shanghai Lanxin, Hangzhou Tianmu, Suzhou Jincheng

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_db(sample_db_file) -> Path:
    """The sample store, imported once per run (conftest.py); read-only here."""
    return sample_db_file


@pytest.fixture
def app_env(monkeypatch, sample_db):
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{sample_db}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SAMPLE_SETTINGS))
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    return sample_db


@pytest.fixture
def media(monkeypatch) -> list[MediaFileManager]:
    """Every media file manager an AppTest run creates (the last is the latest run's)."""
    made: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)
    return made


def table_with(at: AppTest, *cols: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if set(cols) <= set(d.value.columns))


def link_query(url: str) -> tuple[str, dict]:
    parts = urlsplit(url)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def download(at: AppTest, media: list[MediaFileManager], key: str) -> bytes:
    """The bytes a click on download button ``key`` serves (its deferred builder, called)."""
    button = next(b for b in at.get("download_button") if b.key == key)
    file_id = button.proto.deferred_file_id
    assert file_id, f"{key} is not a deferred download"
    manager = next(m for m in reversed(media) if file_id in m._deferred_callables)
    data = manager._deferred_callables[file_id]["callable"]()
    return data.encode("utf-8") if isinstance(data, str) else data


# -- links -------------------------------------------------------------------------------------

def test_every_account_row_links_to_its_account(app_env):
    at = open_page()
    accounts = table_with(at, "open", "account", "tier")
    store = open_store(f"sqlite:///{app_env}")
    name_to_id = dict(zip(store.read("accounts")["name"], store.read("accounts")["id"]))
    assert len(accounts) == 12
    for url, name in zip(accounts["open"], accounts["account"]):
        path, query = link_query(url)
        assert path == "account" and not url.startswith("/")  # relative: works under any base URL
        assert query == {"account": name_to_id[name]}


def test_every_gap_row_links_to_its_account_and_contact(app_env):
    at = open_page()
    gaps = table_with(at, "open", "gap", "who", "suggested action")
    store = open_store(f"sqlite:///{app_env}")
    acc = store.read("accounts")
    name_to_id = dict(zip(acc["name"], acc["id"]))
    people = store.read("people")
    customers = dict(zip(people.loc[people["side"] == "customer", "name"], people.loc[people["side"] == "customer", "id"]))
    assert len(gaps) > 20
    with_contact = 0
    for url, account, who in zip(gaps["open"], gaps["account"], gaps["who"]):
        path, query = link_query(url)
        assert path == "account" and query["account"] == name_to_id[account]
        if who in customers:  # a gap about a customer contact opens their card too
            assert query["contact"] == customers[who]
            with_contact += 1
        else:  # about our own people or the account as a whole: the account only
            assert "contact" not in query
    assert with_contact >= 10
    # story (a): the uncovered chairman of Shanghai Lanxin
    first = gaps[(gaps["who"] == "Zhou Jianguo 周建国") & (gaps["gap"] == "uncovered decision maker")].iloc[0]
    assert first["open"] == "account?account=A-01&contact=C-001"
    assert first["suggested action"].startswith("Chen Hao 陈昊 should build a relationship with Zhou Jianguo")


def test_a_gap_row_link_opens_that_account_and_contact(app_env):
    at = open_page()
    gaps = table_with(at, "open", "gap", "who")
    url = gaps.loc[gaps["open"].str.contains("contact="), "open"].iloc[0]
    _, query = link_query(url)
    account_page = open_page("account", query)
    assert account_page.selectbox(key="acc_account").value == query["account"]
    assert account_page.selectbox(key=f"acc_person_{query['account']}").value == query["contact"]


def test_the_heatmap_labels_every_role_and_account(app_env):
    at = open_page()
    chart = next(c for c in at.get("vega_lite_chart") if "role" in str(c.proto.spec))
    spec = json.loads(chart.proto.spec)
    x, y = spec["layer"][0]["encoding"]["x"], spec["layer"][0]["encoding"]["y"]
    assert x["scale"]["domain"] == ["decision maker", "approver", "technical evaluator", "influencer", "coach",
                                    "procurement", "user"]
    assert x["axis"]["labelOverlap"] is False and y["axis"]["labelOverlap"] is False  # no label dropped
    store = open_store(f"sqlite:///{app_env}")
    assert sorted(y["scale"]["domain"]) == sorted(store.read("accounts")["name"])  # all 12 accounts
    assert spec["height"] >= 12 * 24  # room for every account's label


# -- downloads follow the filters --------------------------------------------------------------

class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data):
        self.text.append(data)


def test_every_download_under_a_filter_holds_exactly_the_filtered_accounts_and_says_so(app_env, media):
    at = open_page()
    whole = download(at, media, "pf_dl_xlsx")
    at.multiselect(key="pf_region").set_value(["East China"]).run()
    assert not at.exception
    assert at.metric[0].value == "3"
    sentence = "East China accounts: 3 of 12 accounts"
    assert any(sentence in plain(c.value) for c in at.caption)
    assert any(f"Scope of the downloads: {sentence}." in plain(c.value) for c in at.caption)

    xlsx = download(at, media, "pf_dl_xlsx")
    assert xlsx != whole
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert wb.sheetnames[0] == "README"
    assert list(wb["README"].iter_rows(values_only=True))[1][0] == f"Scope: {sentence}. As of 2026-11-15."
    for sheet in ("Accounts", "Gaps", "Buying centers", "Pareto"):
        rows = list(wb[sheet].iter_rows(values_only=True))
        assert rows[0][0] == f"Scope: {sentence}. As of 2026-11-15.", sheet
        col = list(rows[1]).index("Account id")
        assert {r[col] for r in rows[2:]} == set(EAST_CHINA), sheet

    with zipfile.ZipFile(io.BytesIO(download(at, media, "pf_dl_zip"))) as z:
        assert sentence in z.read("README.txt").decode("utf-8-sig")
        assert pd.read_csv(io.BytesIO(z.read("accounts.csv")))["account_id"].tolist() == EAST_CHINA
        assert set(pd.read_csv(io.BytesIO(z.read("gaps.csv")))["account_id"]) == set(EAST_CHINA)
        about = pd.read_csv(io.BytesIO(z.read("about.csv")), keep_default_na=False).set_index("item")["value"]
        assert about["scope_filters"] == "region=East China"

    html = download(at, media, "pf_dl_html").decode("utf-8")
    page = _Text()
    page.feed(html)
    text = "".join(page.text)
    assert f"Scope: {sentence}" in text
    for inside in ("Shanghai Lanxin", "Hangzhou Tianmu", "Suzhou Jincheng"):
        assert inside in text
    for outside in ("Bayern", "Shenzhen Pengcheng", "Naniwa"):
        assert outside not in text


def test_the_pareto_sentence_is_computed_on_the_filtered_accounts(app_env):
    at = open_page()
    at.multiselect(key="pf_tier").set_value(["silver"]).run()
    caption = next(plain(c.value) for c in at.caption if "by revenue" in c.value)
    # silver: A-08 14.5M, A-09 11M, A-10 8.2M, A-11 6.4M, A-12 4.8M; the top 20% is 1 of 5: 14.5 / 44.9
    assert "The top 20% of these accounts by revenue (1 of 5) bring 32% of their revenue" in caption


# -- Trends: political changes first -----------------------------------------------------------

def test_what_changed_lists_the_political_changes_first_and_never_none(app_env):
    at = open_page("trends")
    at.select_slider(key="tr_window").set_value(12).run()
    at.toggle(key="tr_changes_all").set_value(True).run()
    assert not at.exception
    heads = [m.value for m in at.markdown if m.value.startswith("#####")]
    assert heads[0].startswith("##### Political changes") and heads[1].startswith("##### Strength changes")
    political = table_with(at, "who", "what", "change")
    attitude = political[political["what"] == "attitude"]
    assert len(attitude) == 5  # the sample's attitude changes in the year to 2026-11-15
    liang = attitude[attitude["who"] == "Liang Xiaoqing 梁晓晴"].iloc[0]
    assert liang["change"] == "supporter → skeptic (cooler)"
    assert liang["account"].startswith("Shenzhen Pengcheng Electronics")
    assert pd.Timestamp(liang["date"]) == pd.Timestamp("2026-06-18")
    assert "neutral → supporter (warmer)" in set(attitude["change"])
    strength = table_with(at, "our person", "contact", "strength before")
    assert len(strength) > len(political)
    for frame in (political, strength):
        cells = frame.astype(str).to_numpy().ravel().tolist()
        assert "None" not in cells and not any("None" in c for c in cells)
    assert (strength["trend"].str.startswith("—")).any()  # a relationship that had no trend before


def test_what_changed_for_one_account(app_env):
    at = open_page("trends")
    at.selectbox(key="tr_account").set_value("A-03").run()
    # three months back (the default) is after her turn: the page says when the latest one was
    latest = next(plain(c.value) for c in at.caption if "No role, attitude or influence changed" in c.value)
    assert "The latest earlier one: 2026-06-18, Liang Xiaoqing 梁晓晴 at Shenzhen Pengcheng Electronics" in latest
    assert latest.endswith("attitude supporter → skeptic. Widen the window to list it.")
    at.select_slider(key="tr_window").set_value(6).run()
    political = table_with(at, "who", "what", "change")
    assert political[["who", "what", "change"]].values.tolist() == [
        ["Liang Xiaoqing 梁晓晴", "attitude", "supporter → skeptic (cooler)"]]


def test_the_heatmap_pages_a_long_portfolio_and_names_every_account_of_a_page(monkeypatch, tmp_path):
    """30 accounts, one decision-maker each: two pages of 25 and 5, every account named once."""
    folder = tmp_path / "csv"
    folder.mkdir()
    ids = [f"B-{i:02d}" for i in range(1, 31)]
    pd.DataFrame({"id": ids, "name": [f"Account number {i}" for i in range(1, 31)], "region": "East",
                  "country": "CN", "revenue": [float(1000 * i) for i in range(1, 31)]}).to_csv(
        folder / "accounts.csv", index=False)
    pd.DataFrame({"id": [f"P-{i:02d}" for i in range(1, 31)], "name": [f"Person {i}" for i in range(1, 31)],
                  "side": "customer", "title": "CEO"}).to_csv(folder / "people.csv", index=False)
    pd.DataFrame({"person_id": [f"P-{i:02d}" for i in range(1, 31)], "org_id": ids, "title": "CEO"}).to_csv(
        folder / "employment.csv", index=False)
    pd.DataFrame({"person_id": [f"P-{i:02d}" for i in range(1, 31)], "account_id": ids, "assessed_on": "2026-01-01",
                  "decision_role": "decision_maker", "attitude": "neutral", "influence": 5}).to_csv(
        folder / "assessments.csv", index=False)
    db = tmp_path / "k.db"
    with open_store(f"sqlite:///{db}") as store:
        import_path(folder, store)
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{db}")
    monkeypatch.setenv("KAMGRAPH_AS_OF", "2026-06-30")
    monkeypatch.delenv("KAMGRAPH_CONFIG", raising=False)
    at = open_page()

    def named() -> list[str]:
        chart = next(c for c in at.get("vega_lite_chart") if "role" in str(c.proto.spec))
        return json.loads(chart.proto.spec)["layer"][0]["encoding"]["y"]["scale"]["domain"]

    first = named()
    assert len(first) == 25
    at.number_input(key="pf_heat_page").set_value(2).run()
    second = named()
    assert len(second) == 5 and sorted(first + second) == sorted(f"Account number {i}" for i in range(1, 31))
