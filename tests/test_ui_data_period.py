"""The app says when the data ends long before the analysis date, and moves there on request.

The sample's interactions end in November 2026; analysed as of 2030-01-01 (``KAMGRAPH_AS_OF``)
every strength has faded. Every page then shows the same sentence as the CLI, with one button
that puts the sidebar's "As of" on the data's last day.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pytest
from sample_stores import plain
from streamlit.testing.v1 import AppTest

from kamgraph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SAMPLE_SETTINGS = SAMPLE / "kamgraph.toml"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_db(sample_db_file) -> tuple[Path, datetime.date]:
    """The sample store (read only here) and the day of its last interaction."""
    store = open_store(f"sqlite:///{sample_db_file}")
    last = pd.Timestamp(store.read("interactions")["date"].max()).date()
    store.close()
    return sample_db_file, last


def _app(monkeypatch, db: Path, as_of: str) -> AppTest:
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{db}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SAMPLE_SETTINGS))
    monkeypatch.setenv("KAMGRAPH_AS_OF", as_of)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.run()
    return at


def test_old_data_is_named_and_one_click_moves_the_analysis_date(monkeypatch, sample_db):
    db, last = sample_db
    at = _app(monkeypatch, db, "2030-01-01")
    assert not at.exception
    notes = [plain(w.value) for w in at.warning if "The data ends on" in plain(w.value)]
    assert notes, [w.value for w in at.warning]
    assert f"The data ends on {last:%Y-%m-%d}" in notes[0]
    assert "2030-01-01" in notes[0]
    button = next(b for b in at.button if b.key == "kamgraph_look_at_data_end")
    assert f"{last:%Y-%m-%d}" in button.label
    button.click().run()
    assert not at.exception
    assert at.select_slider(key="as_of").value == last
    assert not [w for w in at.warning if "The data ends on" in plain(w.value)]


def test_no_note_while_the_data_is_current(monkeypatch, sample_db):
    db, last = sample_db
    at = _app(monkeypatch, db, f"{last:%Y-%m-%d}")
    assert not at.exception
    assert not [w for w in at.warning if "The data ends on" in plain(w.value)]


def test_an_empty_view_says_what_is_missing(monkeypatch, tmp_path):
    """A store with accounts and our staff but no customer contact: the Trends and Portfolio
    pages name what is missing instead of showing empty tables."""
    db = tmp_path / "thin.db"
    store = open_store(f"sqlite:///{db}")
    store.write({"people": pd.DataFrame([{"id": "U1", "name": "Our Rep", "side": "internal", "title": "Sales"}]),
                 "accounts": pd.DataFrame([{"id": "A1", "name": "Acme", "owner_id": "U1"}])})
    store.close()
    at = _app(monkeypatch, db, "2026-11-26")
    assert not at.exception
    infos = [plain(i.value) for i in at.info]
    assert any("Nothing to show: no customer contacts imported" in i for i in infos), infos
    at.switch_page("kamgraph/ui/pages/trends.py").run()
    assert not at.exception
    infos = [plain(i.value) for i in at.info]
    assert any("Nothing to show: no customer contacts imported" in i for i in infos), infos
