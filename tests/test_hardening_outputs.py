"""Hostile strings through every output, and errors a person can act on (issue 12).

A small portfolio whose names, titles, subjects and account ids carry spreadsheet formulas,
terminal escape sequences (clear screen, window title, OSC 8 links, BEL, C1 CSI) and ids
that make colliding file names. Every CLI output (tables, ``--format csv``, ``--format
json``), the calendar and the report's map files are read back and checked: items 4, 7, 8,
10, 12 and 17a of the issue.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from analysis_fixtures import build_snapshot, contact, internal, meeting
from click.testing import CliRunner

from kamgraph.cli import main
from kamgraph.store.sqlite import SQLiteStore

FORMULA = '=HYPERLINK("http://x","y")'
#: clear screen, set window title, an OSC 8 link, BEL, an 8-bit CSI, DEL
ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\\x9b31m\x7f"
#: accounts whose ids give colliding file names, one of them the index's own
ACCOUNT_IDS = ["X/1", "X 1", "X_1", "index"]
AS_OF = "2026-06-30"

# terminal control characters: C0 (newline is the table's line break, never data), DEL, C1
_TERMINAL_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# what RFC 5545 forbids in a content line (HTAB is allowed)
_ICS_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@pytest.fixture(scope="module")
def store_url(tmp_path_factory) -> str:
    accounts, people, interactions, ties = [], [internal("u1", 1, f"{ESCAPES}Ursula", team_role="ar"),
                                                internal("u2", 2, "@Mo Yan")], [], []
    for n, aid in enumerate(ACCOUNT_IDS):
        accounts.append({"id": aid, "name": f"{FORMULA} {ESCAPES}{n}", "tier": "gold", "city": f"-City{ESCAPES}"})
        dm, ap = f"c{n}dm", f"c{n}ap"
        people += [contact(dm, aid, 1, "decision_maker", f"{FORMULA}{n}", title=f"+Boss{ESCAPES}",
                           attitude="opponent", influence=5),
                   contact(ap, aid, 2, "approver", f"{ESCAPES}-Dana{n}", title="@CFO", attitude="supporter",
                           influence=4)]
        ties.append({"person_id": "u2", "other_id": ap, "kind": "friend", "strength": 4})
        ties.append({"person_id": ap, "other_id": dm, "kind": "business", "strength": 3})
        interactions.append({**meeting(f"i{n}a", "2026-01-10", "u1", dm, kind="meal", account_id=aid),
                             "subject": f"={ESCAPES}subject"})
        interactions.append({**meeting(f"i{n}b", "2026-05-10", "u2", ap, kind="visit", account_id=aid),
                             "subject": "+1 visit"})
    snap = build_snapshot(accounts=accounts, people=people, ties=ties, interactions=interactions)
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'k.db'}"
    store = SQLiteStore(url)
    store.init()
    store.write(dict(snap.frames))
    store.close()
    return url


def run(store_url: str, *args: str, as_of: str = AS_OF):
    return CliRunner().invoke(main, ["--store", store_url, "--as-of", as_of, *args])


ANALYSIS_COMMANDS = [
    ["coverage"], ["coverage", "--contacts"], ["coverage", "--opportunities"], ["gaps"], ["trends"],
    ["trends", "--since", "2026-01-01"], ["what-if", "--without", "u2", "--all"], ["paths", "--to", "c0dm"],
    ["paths", "--uncovered"], ["influence"], ["tiers"], ["tiers", "--pareto"], ["tiers", "--policy"],
    ["plan-visits"], ["config"],
]


# -- item 7: every CSV on standard output is formula-neutralized ------------------------------

def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("args", ANALYSIS_COMMANDS, ids=" ".join)
def test_csv_output_is_formula_neutralized(store_url, args):
    r = run(store_url, *args, "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows, "no CSV written"
    for row in rows:
        for cell in row:
            # a number (-2, -0.25) is a value; any other cell starting with = + - @ is a formula
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or _is_number(cell), cell
            assert not _TERMINAL_CONTROL.search(cell.replace("\t", "")), repr(cell)


def test_contact_named_like_a_formula_opens_as_text(store_url):
    r = run(store_url, "coverage", "--contacts", "--format", "csv")
    df = pd.read_csv(io.StringIO(r.stdout), dtype=str, keep_default_na=False).set_index("contact_id")
    assert df.loc["c0dm", "name"] == "'" + FORMULA + "0"
    assert df.loc["c0ap", "title"] == "'@CFO"
    # numbers stay numbers, in full precision for pipes: the same float as the JSON output
    rows = {x["contact_id"]: x for x in json.loads(run(store_url, "coverage", "--contacts", "--format", "json").stdout)}
    best = df.loc["c0ap", "best_strength"]
    assert len(best.split(".")[1]) > 6  # not the files' 6 decimals
    assert float(best) == pytest.approx(rows["c0ap"]["best_strength"], abs=1e-9)


def test_json_keeps_values_intact_and_escapes_controls(store_url):
    """JSON is for machines: values exactly as stored (a formula stays a formula), but every
    control character is a \\u escape, so the text is safe on a terminal too."""
    r = run(store_url, "coverage", "--contacts", "--format", "json")
    assert r.exit_code == 0, r.output
    assert not _TERMINAL_CONTROL.search(r.stdout.replace("\n", ""))
    rows = {x["contact_id"]: x for x in json.loads(r.stdout)}
    assert rows["c0dm"]["name"] == FORMULA + "0"
    assert rows["c0ap"]["name"] == ESCAPES + "-Dana0"


# -- item 8: no terminal escape from the data reaches the terminal ----------------------------

@pytest.mark.parametrize("args", ANALYSIS_COMMANDS, ids=" ".join)
def test_table_output_has_no_control_characters(store_url, args):
    r = run(store_url, *args)
    assert r.exit_code == 0, r.output
    assert not _TERMINAL_CONTROL.search(r.output), repr(_TERMINAL_CONTROL.search(r.output))


def test_table_keeps_the_printable_text(store_url):
    r = CliRunner(env={"COLUMNS": "1000"}).invoke(main, ["--store", store_url, "--as-of", AS_OF, "coverage",
                                                         "--contacts"])
    assert "[2J]0;pwned]8;;http://evil.example/\\click]8;;\\31m-Dana0" in r.output
    assert FORMULA + "0" in r.output  # a table is for people: no quote prefix


def test_echoed_lines_have_no_control_characters(store_url, tmp_path):
    r = run(store_url, "what-if", "--without", "u1")  # "No account's coverage changes without <name>"
    assert not _TERMINAL_CONTROL.search(r.output), repr(r.output)
    r = run(store_url, "paths", "--to", "nobody\x1b[2J")  # an error naming the id
    assert r.exit_code == 1 and not _TERMINAL_CONTROL.search(r.output), repr(r.output)
    r = run(store_url, "report", "--out", str(tmp_path / "rep"), "--account", "X/1")
    assert r.exit_code == 0, r.output
    assert not _TERMINAL_CONTROL.search(r.output), repr(r.output)


# -- item 10: the calendar has no control characters --------------------------------------------

def test_calendar_has_no_control_characters(store_url, tmp_path):
    out = tmp_path / "plan.ics"
    r = run(store_url, "plan-visits", "--out", str(out))
    assert r.exit_code == 0, r.output
    text = out.read_bytes().decode("utf-8")
    physical = text.split("\r\n")
    assert physical[-1] == "" and all(len(p.encode()) <= 75 for p in physical)
    logical: list[str] = []
    for line in physical[:-1]:
        assert not _ICS_CONTROL.search(line), repr(line)
        assert not re.search(r"[\x80-\x9f]", line), repr(line)
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    summaries = [x for x in logical if x.startswith("SUMMARY:")]
    assert len(summaries) == text.count("BEGIN:VEVENT") > 0
    # the printable text survives, escaped: [2J]0;pwned ... with ; escaped
    assert any("[2J]0\\;pwned" in s for s in summaries)


# -- item 4: one map file per account, never the index -----------------------------------------

class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.refs += [v for k, v in attrs if k == "href"]


def test_report_maps_never_collide(store_url, tmp_path):
    out = tmp_path / "rep"
    r = run(store_url, "report", "--out", str(out))
    assert r.exit_code == 0, r.output
    maps = out / "maps"
    files = sorted(p.name for p in maps.iterdir())
    assert len(files) == len(ACCOUNT_IDS) + 1 and "index.html" in files
    assert len({f.lower() for f in files}) == len(files)  # also on a case-insensitive file system
    index = _Links()
    index.feed((maps / "index.html").read_text(encoding="utf-8"))
    refs = [h for h in index.refs if h.endswith(".html")]
    assert len(refs) == len(set(refs)) == len(ACCOUNT_IDS) and "index.html" not in refs
    assert sorted(refs) == sorted(f for f in files if f != "index.html")
    from kamgraph.report.html import esc

    pages = {f: (maps / f).read_text(encoding="utf-8") for f in files if f != "index.html"}
    for n, aid in enumerate(ACCOUNT_IDS):
        holders = [f for f, html in pages.items() if f"c{n}dm" in html or esc(f"{FORMULA}{n}") in html]
        assert len(holders) == 1, (aid, holders)


def test_map_file_names_are_stable_and_safe():
    from kamgraph.report.portfolio import map_file_name

    names = [map_file_name(a) for a in ACCOUNT_IDS + ["A-01", "a-01", "../../etc/passwd", "客户甲", "x" * 300]]
    assert len({n.lower() for n in names}) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+\.html", n) and len(n) <= 100 for n in names)
    assert "index.html" not in names and map_file_name("A-01") == map_file_name("A-01")


# -- item 12: one line naming the path, no traceback ------------------------------------------------

def _one_line_error(r, *needles: str) -> None:
    assert r.exit_code == 1, (r.exit_code, r.output)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), r.output
    for n in needles:
        assert n in lines[0], (n, lines[0])


@pytest.fixture()
def a_file(tmp_path) -> Path:
    p = tmp_path / "afile"
    p.write_text("not a folder\n")
    return p


def test_report_out_under_proc_is_one_line(store_url):
    _one_line_error(run(store_url, "report", "--out", "/proc/x", "--account", "X/1"), "/proc/x")


def test_report_out_under_a_file_is_one_line(store_url, a_file):
    _one_line_error(run(store_url, "report", "--out", str(a_file / "rep"), "--account", "X/1"),
                    str(a_file / "rep"), "Not a directory")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".ics", ".html"])
def test_plan_out_under_a_file_is_one_line(store_url, a_file, suffix):
    target = a_file / f"plan{suffix}"
    _one_line_error(run(store_url, "plan-visits", "--out", str(target), "--format", "json"), str(a_file))


def test_generate_out_under_a_file_is_one_line(a_file):
    r = CliRunner().invoke(main, ["generate", "--scale", "XS", "--out", str(a_file / "x")])
    _one_line_error(r, str(a_file / "x"), "Not a directory")


def test_export_person_out_under_a_file_is_one_line(store_url, a_file):
    r = run(store_url, "export-person", "c0dm", "--out", str(a_file / "p.json"))
    _one_line_error(r, str(a_file / "p.json"))


@pytest.mark.parametrize("args", [
    ["report", "--out", "{tmp}/rep", "--account", "X/1"],
    ["plan-visits", "--out", "{tmp}/plan.xlsx", "--format", "json"],
    ["plan-visits", "--out", "{tmp}/plan.ics", "--format", "json"],
    ["export-person", "c0dm", "--out", "{tmp}/p.json"],
    ["generate", "--scale", "XS", "--out", "{tmp}/gen"],
], ids=["report", "plan-xlsx", "plan-ics", "export-person", "generate"])
def test_permission_denied_is_one_line(store_url, tmp_path, monkeypatch, args):
    """As root chmod blocks nothing: every way a path is created or written raises what a
    read-only folder would."""
    def denied(self, *a, **k):
        raise PermissionError(13, "Permission denied", str(self))

    for method in ("mkdir", "write_bytes", "write_text", "open", "touch"):
        monkeypatch.setattr(Path, method, denied)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    _one_line_error(run(store_url, *args), "Permission denied", str(tmp_path))


def test_unreadable_settings_file_is_one_line(store_url):
    # /proc/self/mem is a file that cannot be read with read(): EIO even for root
    _one_line_error(CliRunner().invoke(main, ["--store", store_url, "--settings", "/proc/self/mem", "config"]),
                    "/proc/self/mem")


def test_unreadable_data_file_is_one_line(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "people.csv").symlink_to("/proc/self/mem")
    r = CliRunner().invoke(main, ["--store", f"sqlite:///{tmp_path / 'k.db'}", "import", str(folder)])
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)


@pytest.mark.parametrize("url, needle", [
    ("bolt://127.0.0.1:abc", "port"),
    ("neo4j://127.0.0.1:99999", "port"),
    ("bolt://", "host"),
])
def test_bad_neo4j_url_is_one_line(url, needle):
    _one_line_error(CliRunner().invoke(main, ["--store", url, "coverage"]), needle, url)


# -- item 17a: dates out of range ----------------------------------------------------------------

@pytest.mark.parametrize("value", ["1000-01-01", "1899-12-31", "2201-01-01"])
def test_as_of_out_of_range_is_one_line(store_url, value):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = run(store_url, "coverage", as_of=value)
    _one_line_error(r, value, "1900", "2200")


@pytest.mark.parametrize("args", [["trends", "--since", "1000-01-01"], ["plan-visits", "--from", "1000-01-01"],
                                  ["plan-visits", "--to", "3000-01-01"]])
def test_other_dates_out_of_range_are_one_line(store_url, args):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = run(store_url, *args)
    _one_line_error(r, args[-1], "1900")


def test_settings_as_of_out_of_range_is_one_line(store_url, tmp_path):
    s = tmp_path / "k.toml"
    s.write_text('as_of = "1000-01-01"\n')
    r = CliRunner().invoke(main, ["--store", store_url, "--settings", str(s), "coverage"])
    _one_line_error(r, "1000-01-01")


def test_in_range_dates_still_work(store_url):
    assert run(store_url, "coverage", as_of="1900-01-01").exit_code == 0
    assert run(store_url, "coverage", as_of="2200-12-31").exit_code == 0
