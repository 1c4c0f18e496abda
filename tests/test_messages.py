"""Calendars (.ics) and mail headers (.mbox / .eml) as interactions (issue 13).

Every fixture file is written by the test: calendars as literal RFC 5545 text or with
icalendar's own API, mail as raw RFC 5322 headers with RFC 2047 encoded words.
"""

from __future__ import annotations

import base64
import mailbox
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kamgraph.cli import main
from kamgraph.errors import KamgraphError
from kamgraph.ingest.messages import (
    MessageSourceError,
    external_person_id,
    import_messages,
)
from kamgraph.store import open_store

WINDOW = {"start": date(2026, 1, 1), "end": date(2026, 3, 31)}


def b64(text: str, charset: str) -> str:
    """``text`` as one RFC 2047 encoded word."""
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode('ascii')}?="


@pytest.fixture
def store(tmp_path):
    s = open_store("sqlite:///" + str(tmp_path / "k.db"))
    s.write({
        "accounts": pd.DataFrame({"id": ["acme", "beta"], "name": ["Acme", "Beta"]}),
        "people": pd.DataFrame({
            "id": ["I1", "C1", "C2", "C3", "C4", "C5"],
            "name": ["Ann", "Bob", "Carl", "Dora", "王伟", "李娜"],
            "side": ["internal", "customer", "customer", "customer", "customer", "customer"],
            # several addresses per person, any case, ; or , between them
            "email": ["ann@us.example; Ann.Li@Gmail.com", "Bob@Acme.example", "carl@acme.example",
                      "dora@beta.example", "wang.wei@acme.example,wei.wang@home.example", "lina@beta.example"],
        }),
        "employment": pd.DataFrame({"person_id": ["C1", "C2", "C4", "C3", "C5"],
                                    "org_id": ["acme", "acme", "acme", "beta", "beta"]}),
    })
    yield s
    s.close()


def contents(store) -> dict[str, pd.DataFrame]:
    return {e: store.read(e) for e in ("people", "interactions", "attendance")}


def attendees(store, interaction_id: str) -> set[str]:
    return set(store.read("attendance", "interaction_id", [interaction_id])["person_id"])


# ---------------------------------------------------------------------------------------
# calendars
# ---------------------------------------------------------------------------------------

WEEKLY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//kamgraph tests//EN
BEGIN:VEVENT
UID:weekly-sync@us.example
DTSTAMP:20251101T000000Z
DTSTART;TZID=Asia/Shanghai:20251201T093000
DTEND;TZID=Asia/Shanghai:20251201T100000
RRULE:FREQ=WEEKLY
EXDATE;TZID=Asia/Shanghai:20260112T093000
SUMMARY:Weekly sync with Acme
DESCRIPTION:private notes that must never be stored
ORGANIZER;CN=Ann:mailto:ANN.LI@gmail.com
ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED:mailto:bob@acme.example
ATTENDEE;CN=Carl;PARTSTAT=DECLINED:mailto:carl@acme.example
ATTENDEE;CUTYPE=ROOM;CN=Room 1:mailto:room1@us.example
END:VEVENT
BEGIN:VEVENT
UID:weekly-sync@us.example
DTSTAMP:20251101T000000Z
RECURRENCE-ID;TZID=Asia/Shanghai:20260119T093000
DTSTART;TZID=Asia/Shanghai:20260119T093000
DTEND;TZID=Asia/Shanghai:20260119T100000
STATUS:CANCELLED
SUMMARY:Weekly sync with Acme
END:VEVENT
BEGIN:VEVENT
UID:cancelled-lunch@us.example
DTSTAMP:20251101T000000Z
DTSTART;TZID=Asia/Shanghai:20260204T120000
STATUS:CANCELLED
SUMMARY:Lunch
ORGANIZER:mailto:ann@us.example
ATTENDEE;PARTSTAT=ACCEPTED:mailto:dora@beta.example
END:VEVENT
BEGIN:VEVENT
UID:beta-review@us.example
DTSTAMP:20251101T000000Z
DTSTART:20260210T020000Z
SUMMARY:Review with Beta and a stranger
ORGANIZER:mailto:ann@us.example
ATTENDEE;CN=Dora:mailto:dora@beta.example
ATTENDEE;CN=Stranger:mailto:someone@partner.example
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")


def test_weekly_event_expanded_inside_the_window_without_exdate_and_cancelled_occurrence(store, tmp_path):
    ics = tmp_path / "team.ics"
    ics.write_text(WEEKLY)
    report = import_messages(ics, store, start=date(2026, 1, 1), end=date(2026, 2, 15))

    inter = store.read("interactions")
    weekly = inter[inter["subject"] == "Weekly sync with Acme"]
    # Mondays 2026-01-05 .. 2026-02-09; not December (before the window), not 01-12 (EXDATE),
    # not 01-19 (cancelled occurrence), not 02-16 (after the window)
    assert sorted(weekly["date"].dt.strftime("%Y-%m-%d")) == ["2026-01-05", "2026-01-26", "2026-02-02", "2026-02-09"]
    assert set(weekly["kind"]) == {"meeting"} and set(weekly["account_id"]) == {"acme"}
    assert weekly["id"].is_unique and all(i.startswith("ics-") for i in weekly["id"])
    # the organizer is matched by her second address, whatever its case; Carl declined; a room is no one
    for iid in weekly["id"]:
        assert attendees(store, iid) == {"I1", "C1"}
    assert "Lunch" not in set(inter["subject"])  # a cancelled event
    assert report.interactions == 5 and report.rows == {"interactions": 5, "attendance": 10}
    assert report.skipped == ("2 cancelled (events or occurrences, STATUS:CANCELLED)",  # the lunch, 01-19
                              "4 declined attendances (attendees with PARTSTAT=DECLINED left out)")
    assert not any("private notes" in str(v) for v in inter.astype(str).to_numpy().ravel())
    # the review (Ann + Dora) is kept; the stranger is listed, not added
    assert report.unknown.to_dict("records") == [{"address": "someone@partner.example", "name": "Stranger",
                                                  "count": 1}]
    review = inter[inter["subject"] == "Review with Beta and a stranger"].iloc[0]
    assert review["account_id"] == "beta" and attendees(store, review["id"]) == {"I1", "C3"}


def test_window_default_is_the_365_days_up_to_today(store, tmp_path):
    ics = tmp_path / "team.ics"
    ics.write_text(WEEKLY)
    report = import_messages(ics, store, today=date(2026, 1, 10), dry_run=True)
    assert report.window == (date(2025, 1, 10), date(2026, 1, 10))
    # weekly from 2025-12-01: 12-01, 12-08, 12-15, 12-22, 12-29, 2026-01-05 (the rest is after today)
    assert report.interactions == 6 and report.rows == {"interactions": 6, "attendance": 12}
    assert store.counts()["interactions"] == 0  # a dry run writes nothing


def test_an_event_at_0730_in_shanghai_is_dated_on_its_local_day(store, tmp_path):
    cal = icalendar.Calendar()
    cal.add("prodid", "-//kamgraph tests//EN")
    cal.add("version", "2.0")
    tz = ZoneInfo("Asia/Shanghai")
    for uid, start in [("breakfast@us.example", datetime(2026, 3, 10, 7, 30, tzinfo=tz)),  # 2026-03-09 23:30 UTC
                       ("utc-call@us.example", datetime(2026, 3, 9, 23, 30, tzinfo=ZoneInfo("UTC"))),
                       ("floating@us.example", datetime(2026, 3, 11, 23, 30))]:
        ev = icalendar.Event()
        ev.add("uid", uid)
        ev.add("dtstamp", datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC")))
        ev.add("dtstart", start)
        ev.add("summary", uid.split("@")[0])
        ev.add("organizer", icalendar.vCalAddress("mailto:ann@us.example"))
        ev.add("attendee", icalendar.vCalAddress("mailto:wei.wang@home.example"))
        cal.add_component(ev)
    allday = icalendar.Event()
    allday.add("uid", "fair@us.example")
    allday.add("dtstart", date(2026, 3, 12))
    allday.add("summary", "trade fair")
    allday.add("attendee", icalendar.vCalAddress("mailto:ann@us.example"))
    allday.add("attendee", icalendar.vCalAddress("mailto:lina@beta.example"))
    cal.add_component(allday)
    ics = tmp_path / "tz.ics"
    ics.write_bytes(cal.to_ical())

    import_messages(ics, store, **WINDOW)
    got = store.read("interactions").set_index("subject")
    assert got.loc["breakfast", "date"] == pd.Timestamp("2026-03-10")  # not 03-09, its UTC day
    assert got.loc["utc-call", "date"] == pd.Timestamp("2026-03-09")  # a UTC time without X-WR-TIMEZONE
    assert got.loc["floating", "date"] == pd.Timestamp("2026-03-11")  # as written
    assert got.loc["trade fair", "kind"] == "event" and got.loc["breakfast", "kind"] == "meeting"


def test_an_outlook_windows_time_zone_name_is_honoured(store, tmp_path):
    ics = tmp_path / "outlook.ics"
    ics.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:Microsoft Exchange Server 2010\r\n"
                   "BEGIN:VTIMEZONE\r\nTZID:China Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\n"
                   "TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
                   "BEGIN:VEVENT\r\nUID:040000008200E00074C5B7101A82E008\r\n"
                   "DTSTART;TZID=China Standard Time:20260310T073000\r\nSUMMARY:early visit\r\n"
                   "ORGANIZER;CN=Ann:mailto:ann@us.example\r\n"
                   "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Bob:mailto:bob@acme.example\r\n"
                   "END:VEVENT\r\nEND:VCALENDAR\r\n")
    import_messages(ics, store, **WINDOW)
    assert list(store.read("interactions")["date"]) == [pd.Timestamp("2026-03-10")]


def test_x_wr_timezone_turns_utc_times_into_the_calendars_local_day(store, tmp_path):
    ics = tmp_path / "google.ics"
    ics.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-TIMEZONE:Asia/Shanghai\r\n"
                   "BEGIN:VEVENT\r\nUID:g1\r\nDTSTART:20260309T233000Z\r\nSUMMARY:early\r\n"
                   "ORGANIZER:mailto:ann@us.example\r\nATTENDEE:mailto:bob@acme.example\r\n"
                   "END:VEVENT\r\nEND:VCALENDAR\r\n")
    import_messages(ics, store, **WINDOW)
    assert list(store.read("interactions")["date"]) == [pd.Timestamp("2026-03-10")]


# ---------------------------------------------------------------------------------------
# mail
# ---------------------------------------------------------------------------------------

WANG = b64("王伟", "UTF-8")
LINA = b64("李娜", "GB2312")
ZHANG = b64("张三", "GB2312")


def message(headers: dict[str, str], body: str = "confidential body text\n") -> bytes:
    return ("".join(f"{k}: {v}\n" for k, v in headers.items()) + "\n" + body).encode("ascii")


MAIL = [
    {"From": f"{WANG} <Wang.Wei@Acme.example>", "To": "Ann <ann@us.example>",
     "Cc": f"{LINA} <lina@beta.example>, {ZHANG} <zhang@partner.example>, \"Out, Side\" <x@unknown.example>",
     "Date": "Tue, 03 Mar 2026 07:30:00 +0800", "Subject": b64("报价", "UTF-8"), "Message-ID": "<m1@acme.example>"},
    # no Message-ID: the id comes from From, Date and the recipients
    {"From": "Ann <ann@us.example>", "To": "bob@acme.example", "Date": "Wed, 04 Mar 2026 23:30:00 -0500",
     "Subject": "Re: offer"},
    {"From": "ann@us.example", "To": "bob@acme.example", "Date": "yesterday", "Message-ID": "<m3@us.example>"},
    # strangers only: nobody is listed, nothing is added
    {"From": "spam@nowhere.example", "To": "other@nowhere.example", "Date": "Thu, 05 Mar 2026 10:00:00 +0000",
     "Message-ID": "<m4@nowhere.example>"},
]


def write_mbox(path, messages) -> None:
    box = mailbox.mbox(str(path))
    for m in messages:
        box.add(message(m))
    box.flush()
    box.close()


def test_mbox_headers_with_encoded_chinese_names_become_emails(store, tmp_path):
    mbox = tmp_path / "inbox.mbox"
    write_mbox(mbox, MAIL)
    report = import_messages(mbox, store)

    inter = store.read("interactions").set_index("date")
    assert list(inter["kind"]) == ["email", "email"] and report.interactions == 2
    first = inter.loc[pd.Timestamp("2026-03-03")]
    assert first["subject"] == "报价" and first["id"].startswith("mail-")
    assert pd.isna(first["account_id"])  # 王伟 works at Acme, 李娜 at Beta: no single account
    assert attendees(store, first["id"]) == {"C4", "I1", "C5"}
    second = inter.loc[pd.Timestamp("2026-03-04")]  # the sender's own day, not UTC's (03-05)
    assert second["account_id"] == "acme" and attendees(store, second["id"]) == {"I1", "C1"}
    # the unknown, with decoded names (one GB2312-encoded), spam excluded
    assert report.unknown.to_dict("records") == [
        {"address": "x@unknown.example", "name": "Out, Side", "count": 1},
        {"address": "zhang@partner.example", "name": "张三", "count": 1},
    ]
    assert any(w.startswith("inbox.mbox message 3: no valid Date header ('yesterday')") for w in report.warnings)
    assert "1 with fewer than two known people" in report.skipped  # the spam
    assert "1 malformed (each named in the warnings)" in report.skipped
    stored = " ".join(str(v) for df in contents(store).values() for v in df.astype(str).to_numpy().ravel())
    assert "confidential" not in stored


def test_unknown_addresses_are_added_as_external_people_on_request(store, tmp_path):
    mbox = tmp_path / "inbox.mbox"
    write_mbox(mbox, MAIL)
    listed = import_messages(mbox, store, dry_run=True)
    assert list(listed.unknown["address"]) == ["x@unknown.example", "zhang@partner.example"]
    assert "people" not in listed.rows

    added = import_messages(mbox, store, add_unknown=True)
    assert added.rows["people"] == 2
    people = store.read("people", "side", ["external"]).set_index("id")
    zid = external_person_id("zhang@partner.example")
    assert people.loc[zid, "name"] == "张三" and people.loc[zid, "email"] == "zhang@partner.example"
    assert people.loc[external_person_id("x@unknown.example"), "name"] == "Out, Side"
    first = store.read("interactions").sort_values("date").iloc[0]["id"]
    assert attendees(store, first) == {"C4", "I1", "C5", zid, external_person_id("x@unknown.example")}
    assert "spam@nowhere.example" not in set(people["email"])  # strangers only: nobody added

    again = import_messages(mbox, store, add_unknown=True)
    assert again.unknown.empty and "people" not in again.rows  # known now


def test_eml_files_and_folders_and_the_same_message_twice(store, tmp_path):
    folder = tmp_path / "mail"
    (folder / "sent").mkdir(parents=True)
    write_mbox(folder / "inbox.mbox", MAIL[:2])
    (folder / "sent" / "copy.eml").write_bytes(message(MAIL[0]))  # the same Message-ID as in the mbox
    (folder / "notes.txt").write_text("not mail, not read")
    report = import_messages(folder, store)
    assert report.interactions == 2 and store.counts()["interactions"] == 2
    assert "1 repeated (same UID and occurrence, or same Message-ID, seen before)" in report.skipped

    single = import_messages(folder / "sent" / "copy.eml", store)
    assert single.interactions == 1 and store.counts()["interactions"] == 2


def test_mail_window_limits_the_dates(store, tmp_path):
    mbox = tmp_path / "inbox.mbox"
    write_mbox(mbox, MAIL)
    report = import_messages(mbox, store, start="2026-03-04", end="2026-03-31")
    assert report.interactions == 1 and "1 outside the window 2026-03-04..2026-03-31" in report.skipped


# ---------------------------------------------------------------------------------------
# idempotence
# ---------------------------------------------------------------------------------------


def test_reimporting_calendar_and_mail_yields_identical_store_contents(store, tmp_path):
    ics, mbox = tmp_path / "team.ics", tmp_path / "inbox.mbox"
    ics.write_text(WEEKLY)
    write_mbox(mbox, MAIL)
    first_cal = import_messages(ics, store, add_unknown=True, **WINDOW)
    first_mail = import_messages(mbox, store, add_unknown=True)
    before = contents(store)

    second_cal = import_messages(ics, store, add_unknown=True, **WINDOW)
    second_mail = import_messages(mbox, store, add_unknown=True)
    after = contents(store)
    for entity in before:
        pd.testing.assert_frame_equal(before[entity], after[entity])
    assert (second_cal.interactions, second_mail.interactions) == (first_cal.interactions, first_mail.interactions)
    # an identical re-import writes nothing and keeps the data version (caches stay valid)
    assert second_cal.rows == {} and second_mail.rows == {}
    assert second_mail.data_version == first_mail.data_version
    assert len(before["interactions"]) == first_cal.interactions + first_mail.interactions

    # the same ids from a fresh store
    other = open_store("sqlite:///" + str(tmp_path / "other.db"))
    seed = {e: store.read(e) for e in ("accounts", "employment")}
    seed["people"] = store.read("people", "side", ["internal", "customer"])
    other.write(seed)
    import_messages(ics, other, add_unknown=True, **WINDOW)
    import_messages(mbox, other, add_unknown=True)
    assert sorted(other.read("interactions")["id"]) == sorted(before["interactions"]["id"])
    other.close()


def test_a_kind_corrected_in_the_app_survives_a_reimport(store, tmp_path):
    mbox = tmp_path / "inbox.mbox"
    write_mbox(mbox, MAIL[:1])
    import_messages(mbox, store)
    row = store.read("interactions")
    store.write({"interactions": row.assign(kind="meal")})
    import_messages(mbox, store)
    assert list(store.read("interactions")["kind"]) == ["meal"]


# ---------------------------------------------------------------------------------------
# bad input: one line naming the file, never a traceback
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, data, expected", [
    ("notes.ics", b"hello, this is not a calendar\n", "notes.ics: not an iCalendar file"),
    ("event.ics", b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", "event.ics: not an iCalendar file"),
    ("empty.mbox", b"", "empty.mbox: empty file, no messages"),
    ("letter.mbox", b"Dear Ann,\nthis is a letter.\n", "letter.mbox: not an mbox file"),
    ("blank.eml", b"\n\nno headers at all\n", "blank.eml: not an e-mail message (no headers)"),
])
def test_input_that_is_not_a_calendar_or_mail_is_one_line(store, tmp_path, name, data, expected):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(MessageSourceError) as e:
        import_messages(path, store)
    assert expected in str(e.value) and "\n" not in str(e.value)
    assert isinstance(e.value, KamgraphError)
    assert store.counts()["interactions"] == 0


def test_missing_file_and_empty_folder(store, tmp_path):
    with pytest.raises(MessageSourceError, match="nope.ics: no such file or folder"):
        import_messages(tmp_path / "nope.ics", store)
    (tmp_path / "empty").mkdir()
    with pytest.raises(MessageSourceError, match="no .mbox or .eml files in this folder"):
        import_messages(tmp_path / "empty", store)


def test_a_malformed_event_is_named_by_number_and_skipped(store, tmp_path):
    ics = tmp_path / "broken.ics"
    ics.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
                   "BEGIN:VEVENT\r\nUID:ok\r\nDTSTART:20260302T010000Z\r\nSUMMARY:fine\r\n"
                   "ORGANIZER:mailto:ann@us.example\r\nATTENDEE:mailto:bob@acme.example\r\nEND:VEVENT\r\n"
                   "BEGIN:VEVENT\r\nUID:bad-date\r\nDTSTART:2026-03-02 10:00\r\nEND:VEVENT\r\n"
                   "BEGIN:VEVENT\r\nUID:no-date\r\nSUMMARY:when?\r\nEND:VEVENT\r\n"
                   "BEGIN:VEVENT\r\nUID:bad-rule\r\nDTSTART:20260302T010000Z\r\nRRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\n"
                   "END:VCALENDAR\r\n")
    report = import_messages(ics, store, **WINDOW)
    assert report.interactions == 1
    assert [w.split(":")[0] for w in report.warnings[:3]] == [
        "broken.ics event 2 (UID bad-date)", "broken.ics event 3 (UID no-date)", "broken.ics event 4 (UID bad-rule)"]
    assert all("\n" not in w for w in report.warnings)
    assert "3 malformed (each named in the warnings)" in report.skipped


def test_an_address_given_for_two_people_matches_neither(store, tmp_path):
    store.write({"people": pd.DataFrame({"id": ["C6"], "name": ["Bob's assistant"], "side": ["customer"],
                                         "email": ["bob@acme.example"]})})
    mbox = tmp_path / "inbox.mbox"
    write_mbox(mbox, MAIL[1:2])  # Ann -> bob@acme.example
    report = import_messages(mbox, store, add_unknown=True)
    assert report.interactions == 0 and report.unknown.empty
    assert any("bob@acme.example (C1, C6)" in w for w in report.warnings)


# ---------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------


def test_cli_import_calendar_and_mail(store, tmp_path):
    url = store.url
    ics, mbox = tmp_path / "team.ics", tmp_path / "inbox.mbox"
    ics.write_text(WEEKLY)
    evil = b64("Eve\x1b]0;owned\x07\x1b[2J", "UTF-8")
    write_mbox(mbox, MAIL + [{"From": f"{evil} <eve@evil.example>", "To": "ann@us.example, bob@acme.example",
                              "Date": "Fri, 06 Mar 2026 10:00:00 +0000", "Message-ID": "<m5@evil.example>"}])
    runner = CliRunner()

    dry = runner.invoke(main, ["--store", url, "--as-of", "2026-02-15", "import-calendar", str(ics), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "window: 2025-02-15 to 2026-02-15 (default: the 365 days up to today" in dry.output
    assert "dry run: 30 rows checked, nothing written" in dry.output  # 9 weekly + 1 review, 2 each
    assert store.counts()["interactions"] == 0

    cal = runner.invoke(main, ["--store", url, "import-calendar", str(ics), "--from", "2026-01-01",
                               "--to", "2026-02-15"])
    assert cal.exit_code == 0, cal.output
    assert "5 interactions from" in cal.output and "2 cancelled" in cal.output
    assert "someone@partner.example" in cal.output
    assert "--add-unknown adds them as external people" in cal.output
    assert "15 rows written to" in cal.output

    mail = runner.invoke(main, ["--store", url, "import-mail", str(mbox)])
    assert mail.exit_code == 0, mail.output
    assert "3 interactions from" in mail.output and "张三" in mail.output
    assert "inbox.mbox message 3: no valid Date header" in mail.output  # the warning (stderr is mixed in)
    assert "\x1b" not in mail.output and "\x07" not in mail.output and "Eve]0;owned" in mail.output

    added = runner.invoke(main, ["--store", url, "import-mail", str(mbox), "--add-unknown"])
    assert added.exit_code == 0 and "3 added as external people" in added.output
    again = runner.invoke(main, ["--store", url, "import-mail", str(mbox), "--add-unknown"])
    assert again.exit_code == 0 and "nothing changed: the 3 interactions are already in" in again.output

    reversed_window = runner.invoke(main, ["--store", url, "import-mail", str(mbox), "--from", "2026-03-31",
                                           "--to", "2026-03-01"])
    assert reversed_window.exit_code == 1
    assert "the window starts (2026-03-31) after it ends (2026-03-01)" in reversed_window.output

    wrong = runner.invoke(main, ["--store", url, "import-calendar", str(mbox)])
    assert wrong.exit_code == 1 and "not an iCalendar file" in wrong.output and "Traceback" not in wrong.output
    bad = tmp_path / "bad.mbox"
    bad.write_text("not mail\n")
    out = runner.invoke(main, ["--store", url, "import-mail", str(bad)])
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert out.output.strip().splitlines() == [(f"Error: {bad}: not an mbox file (it does not start with a 'From ' "
                                               f"line); give an .mbox, an .eml or a folder of them")]


def test_cli_lists_twenty_unknown_addresses_then_says_how_many_more(store, tmp_path):
    mbox = tmp_path / "big.mbox"
    cc = ", ".join(f"p{i:02d}@many.example" for i in range(25))
    write_mbox(mbox, [{"From": "ann@us.example", "To": "bob@acme.example", "Cc": cc,
                       "Date": "Mon, 02 Mar 2026 09:00:00 +0800", "Message-ID": "<big@us.example>"}])
    out = CliRunner().invoke(main, ["--store", store.url, "import-mail", str(mbox)])
    assert out.exit_code == 0, out.output
    assert "p19@many.example" in out.output and "p20@many.example" not in out.output
    assert "5 more; --add-unknown adds them as external people" in out.output


# ---------------------------------------------------------------------------------------
# property: any display name survives RFC 2047 encoding and header parsing
# ---------------------------------------------------------------------------------------

_NAMES = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")), min_size=1, max_size=24)


@settings(max_examples=60, deadline=None)
@given(name=_NAMES.filter(lambda n: n.strip() and "=?" not in n), charset=st.sampled_from(["utf-8", "gb18030"]))
def test_any_display_name_is_decoded_as_written(name, charset):
    from email.utils import formataddr

    from kamgraph.ingest.mail import read_mail

    header = formataddr((name, "someone@example.com"), charset=charset)
    with tempfile.TemporaryDirectory() as d:
        eml = Path(d) / "m.eml"
        eml.write_bytes(message({"From": header, "To": "ann@us.example",
                                 "Date": "Mon, 02 Mar 2026 09:00:00 +0800"}))
        (tp,) = read_mail(eml).touchpoints
    assert tp.people[0] == ("someone@example.com", " ".join(name.split()))
