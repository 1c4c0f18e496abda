"""Calendars and mail from the app's Data page (AppTest): an .ics upload becomes interactions
between the people its addresses match, unknown addresses are listed, and importing the same
file again changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sample_stores import copy_store
from streamlit.testing.v1 import AppTest

from kamgraph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SAMPLE_SETTINGS = SAMPLE / "kamgraph.toml"

pytestmark = pytest.mark.slow

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//kamgraph tests//EN\r
BEGIN:VEVENT\r
UID:ui-test-dinner-1@example\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Asia/Shanghai:20261110T190000\r
DTEND;TZID=Asia/Shanghai:20261110T210000\r
SUMMARY:Dinner with the chairman\r
ORGANIZER;CN=Our Exec:mailto:{ours}\r
ATTENDEE;CN=Zhou Jianguo;PARTSTAT=ACCEPTED:mailto:{theirs}\r
ATTENDEE;CN=Stranger;PARTSTAT=ACCEPTED:mailto:stranger@unknown.example\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture
def own_store(monkeypatch, sample_db_file, tmp_path) -> str:
    db = copy_store(sample_db_file, tmp_path / "copy.db")
    url = f"sqlite:///{db}"
    monkeypatch.setenv("KAMGRAPH_STORE", url)
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(SAMPLE_SETTINGS))
    monkeypatch.delenv("KAMGRAPH_AS_OF", raising=False)
    return url


def _upload(at: AppTest, ics: bytes) -> AppTest:
    at.file_uploader(key="msg_files").set_value(("calendar.ics", ics, "text/calendar")).run()
    return at.button(key="msg_import").click().run()


def test_a_calendar_upload_becomes_interactions_and_a_second_one_changes_nothing(own_store):
    store = open_store(own_store)
    people = store.read("people")
    ours = people[(people["side"] == "internal") & people["email"].notna()].iloc[0]
    theirs = people[people["id"] == "C-001"].iloc[0]
    ics = ICS.format(ours=ours["email"].split(";")[0].strip(), theirs=theirs["email"]).encode()
    before, version = store.counts(), store.data_version()

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.run()
    at.switch_page("kamgraph/ui/pages/data.py").run()
    _upload(at, ics)
    assert not at.exception and not at.error, [e.value for e in at.error]
    said = " ".join(s.value for s in at.success)
    assert "1 touchpoint;" in said and "written: 1 interaction, 2 attendees" in said, said  # words, not table names
    assert "address matches nobody" in " ".join(c.value for c in at.caption)
    assert not any("Data version" in c.value for c in at.caption)
    after = store.counts()
    assert after["interactions"] == before["interactions"] + 1
    assert after["attendance"] == before["attendance"] + 2  # the stranger is listed, not added
    unknown = at.dataframe[-1].value
    assert list(unknown["e-mail address"]) == ["stranger@unknown.example"]
    assert "None" not in unknown.astype(str).to_string()  # a missing name is blank, not "None"
    inter = store.read("interactions")
    new = inter[inter["subject"] == "Dinner with the chairman"]
    assert len(new) == 1 and str(new["date"].iloc[0].date()) == "2026-11-10"
    assert store.data_version() > version

    version = store.data_version()
    _upload(at, ics)
    assert not at.exception and not at.error
    assert store.counts() == after and store.data_version() == version
    assert any("nothing new" in s.value for s in at.success), [s.value for s in at.success]
