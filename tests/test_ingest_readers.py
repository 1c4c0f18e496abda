"""Readers: a folder of CSV files, one CSV file, or one .xlsx workbook, read as text cells.

Cells are text (no type guessing), stripped, empty -> None; headers lower-cased; rows
numbered as a spreadsheet shows them (header = row 1); problems collected, never raised
mid-way.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamgraph.errors import KamgraphError
from kamgraph.ingest import read_path
from kamgraph.ingest.readers import ReadImport, read_csv_bytes


def folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    d = tmp_path / "in"
    d.mkdir(parents=True)
    for name, content in files.items():
        p = d / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    return d


def problem_lines(raw: ReadImport) -> list[str]:
    return [str(p) for p in raw.problems]


# ---------------------------------------------------------------------------------------
# folders of CSV files
# ---------------------------------------------------------------------------------------


def test_folder_of_csv_files_read_as_text_cells(tmp_path):
    raw = read_path(folder(tmp_path, {
        "People.CSV": " ID , Name ,SIDE,level\nP1,  Ann Li  ,customer,007\nP2,,internal,\n",
        "ties.csv": "person_id,other_id,kind\nP1,P2,friend\n",
    }))
    assert set(raw.tables) == {"people", "ties"}
    people = raw.tables["people"]
    assert people.source == "People.CSV"
    assert list(people.frame.columns) == ["id", "name", "side", "level"]
    assert people.frame.values.tolist() == [["P1", "Ann Li", "customer", "007"], ["P2", None, "internal", None]]
    assert people.rows == [2, 3]
    assert raw.problems == []


def test_documentation_and_settings_files_are_ignored(tmp_path):
    raw = read_path(folder(tmp_path, {
        "people.csv": "id,name,side\nP1,Ann,customer\n",
        "README.md": "# my data",
        "README": "notes",
        "kamgraph.toml": "as_of = '2024-01-01'",
        "notes.md": "x",
        "generate.py": "print(1)",
    }))
    assert list(raw.tables) == ["people"]
    assert raw.problems == [] and raw.warnings == []


def test_other_files_are_ignored_with_a_warning(tmp_path):
    raw = read_path(folder(tmp_path, {"people.csv": "id,name,side\nP1,Ann,customer\n", "people.json": "[]"}))
    assert raw.warnings == ["ignored people.json: not a .csv file"]


def test_misnamed_file_is_an_error_with_a_suggestion(tmp_path):
    raw = read_path(folder(tmp_path, {"peple.csv": "id,name,side\nP1,Ann,customer\n"}))
    (line,) = problem_lines(raw)
    assert line.startswith("peple.csv: unknown file name 'peple.csv'; did you mean people.csv?")
    assert raw.tables == {}


def test_two_files_for_one_entity(tmp_path):
    d = folder(tmp_path, {"people.csv": "id,name,side\n"})
    (d / "PEOPLE.csv").write_text("id,name,side\n", encoding="utf-8")
    if len(list(d.iterdir())) == 1:
        pytest.skip("case-insensitive file system")
    raw = read_path(d)
    assert "a second file for people" in problem_lines(raw)[0]


def test_bom_and_no_bom_read_the_same(tmp_path):
    text = "id,name,side\nP1,Zoë,customer\n"
    with_bom = read_path(folder(tmp_path / "a", {"people.csv": b"\xef\xbb\xbf" + text.encode()}))
    without = read_path(folder(tmp_path / "b", {"people.csv": text}))
    assert list(with_bom.tables["people"].frame.columns) == ["id", "name", "side"]
    assert with_bom.tables["people"].frame.equals(without.tables["people"].frame)


def test_non_utf8_file_names_the_file_and_the_line(tmp_path):
    data = "id,name,side\nP1,Ann,customer\nP2,Françoise,customer\n".encode("cp1252")
    raw = read_path(folder(tmp_path, {"people.csv": data}))
    (line,) = problem_lines(raw)
    assert line.startswith("people.csv: not UTF-8 text: line 3 contains the byte 0xe7")
    assert "CSV UTF-8" in line
    assert raw.unreadable == {"people"} and "people" not in raw.tables


def test_empty_file(tmp_path):
    raw = read_path(folder(tmp_path, {"people.csv": "\n\n"}))
    assert problem_lines(raw) == ["people.csv: the file is empty; the first line must be the header (column names)"]


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(KamgraphError, match="no data files in"):
        read_path(folder(tmp_path, {"README.md": "nothing"}))


def test_missing_path_and_unsupported_files(tmp_path):
    with pytest.raises(KamgraphError, match="import path not found"):
        read_path(tmp_path / "nope")
    (tmp_path / "data.json").write_text("[]")
    with pytest.raises(KamgraphError, match="import a folder of CSV files"):
        read_path(tmp_path / "data.json")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf")
    with pytest.raises(KamgraphError, match="save the workbook as .xlsx"):
        read_path(tmp_path / "old.xls")


def test_single_csv_file(tmp_path):
    p = tmp_path / "ties.csv"
    p.write_text("person_id,other_id,kind\nP1,P2,friend\n")
    raw = read_path(p)
    assert list(raw.tables) == ["ties"] and raw.tables["ties"].rows == [2]
    q = tmp_path / "tie.csv"
    q.write_text("person_id\n")
    assert "did you mean ties.csv?" in problem_lines(read_path(q))[0]


# ---------------------------------------------------------------------------------------
# malformed CSV
# ---------------------------------------------------------------------------------------


def test_lines_with_the_wrong_number_of_fields_are_problems_not_crashes(tmp_path):
    text = (
        "id,name,side\n"          # row 1
        "P1,\"Li, Ann\",customer\n"  # row 2: quoted comma is fine
        "P2,Chen, Bo,customer\n"  # row 3: unquoted comma -> 4 fields
        "P3,Cy\n"                 # row 4: 2 fields
        "\n"                      # row 5: blank, skipped
        "P4,\"two\nlines\",internal\n"  # row 6: one record over two lines
        "P5,Ed,external\n"        # row 7
    )
    raw = read_path(folder(tmp_path, {"people.csv": text}))
    assert problem_lines(raw) == [
        "people.csv row 3: this line has 4 fields but the header has 3; the line was not read; a value probably "
        "contains an unquoted comma (put such values in double quotes)",
        "people.csv row 4: this line has 2 fields but the header has 3; the line was not read",
    ]
    t = raw.tables["people"]
    assert t.frame["id"].tolist() == ["P1", "P4", "P5"]
    assert t.frame["name"].tolist() == ["Li, Ann", "two\nlines", "Ed"]
    assert t.rows == [2, 6, 7]


def test_unclosed_quote_is_reported(tmp_path):
    raw = read_path(folder(tmp_path, {"people.csv": 'id,name,side\nP1,"Ann,customer\nP2,Bo,customer\n'}))
    assert problem_lines(raw) == [
        "people.csv row 2: a double quote (\") opened in this row is never closed, so the rest of the file was "
        "read as one value; close or remove the quote"]


def test_header_problems(tmp_path):
    raw = read_path(folder(tmp_path, {"people.csv": "id,name,,side,name,\nP1,Ann,x,customer,Al,\n"}))
    assert problem_lines(raw) == [
        "people.csv row 1: column 3 has values but no header name",
        "people.csv row 1 column 'name': column 'name' appears twice (columns 2 and 5)",
    ]
    assert list(raw.tables["people"].frame.columns) == ["id", "name", "side"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                                 max_size=12), min_size=3, max_size=3), min_size=1, max_size=8))
def test_any_text_round_trips_through_csv(rows):
    """Whatever a CSV writer quotes, the reader gives back (stripped; blank -> None)."""
    buf = io.StringIO()
    w = csv.writer(buf)  # "\r\n" line ends: a lone "\r" in a value gets quoted
    w.writerow(["id", "name", "notes"])
    w.writerows(rows)
    read = read_csv_bytes(buf.getvalue().encode("utf-8"), "people.csv")

    def clean(v: str) -> str | None:
        return v.strip() or None

    expected = [[clean(v) for v in r] for r in rows]
    expected_rows = [i + 2 for i, r in enumerate(expected) if any(v is not None for v in r)]
    assert read.problems == []
    assert read.frame.values.tolist() == [r for r in expected if any(v is not None for v in r)]
    assert read.rows == expected_rows


# ---------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------


def make_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "People"
    ws.append(["ID", "Name", "Side", "Level"])
    ws.append(["P1", "  Ann Li ", "customer", 1])
    ws.append([None, None, None, None])  # blank row 3
    ws.append(["P2", "陈波", "Internal", 4.0])
    ties = wb.create_sheet("ties")
    ties.append(["person_id", "other_id", "kind", "strength", "assessed_on"])
    ties.append(["P1", "P2", "friend", 4, dt.datetime(2024, 3, 5)])
    readme = wb.create_sheet("README")
    readme.append(["this workbook holds the Acme account"])
    wb.create_sheet("Sheet3")  # empty: ignored
    wb.save(path)
    return path


def test_workbook_sheets_are_entities(tmp_path):
    raw = read_path(make_workbook(tmp_path / "crm.xlsx"))
    assert raw.problems == []
    assert set(raw.tables) == {"people", "ties"}
    people = raw.tables["people"]
    assert people.source == "crm.xlsx sheet People"
    assert people.frame.values.tolist() == [["P1", "Ann Li", "customer", "1"], ["P2", "陈波", "Internal", "4"]]
    assert people.rows == [2, 4]
    assert raw.tables["ties"].frame.values.tolist() == [["P1", "P2", "friend", "4", "2024-03-05"]]


def test_workbook_with_a_header_lower_down_keeps_excel_row_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "people"
    ws["A3"], ws["B3"], ws["C3"] = "id", "name", "side"
    ws["A4"], ws["B4"], ws["C4"] = "P1", "Ann", "customer"
    wb.save(tmp_path / "w.xlsx")
    t = read_path(tmp_path / "w.xlsx").tables["people"]
    assert t.rows == [4]


def test_workbook_with_a_misnamed_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Peeple"
    wb.active.append(["id", "name", "side"])
    wb.active.append(["P1", "Ann", "customer"])
    wb.save(tmp_path / "w.xlsx")
    (line,) = problem_lines(read_path(tmp_path / "w.xlsx"))
    assert line.startswith("w.xlsx sheet Peeple: unknown sheet name 'Peeple'; did you mean people?")


def test_damaged_workbook(tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip file")
    with pytest.raises(KamgraphError, match="cannot open as an Excel workbook"):
        read_path(tmp_path / "bad.xlsx")
