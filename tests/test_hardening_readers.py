"""Issue 12, the readers' part: hostile and broken import files get one clear line each.

Every case builds its hostile file in ``tmp_path`` and checks the outcome: the value read
intact, or an :class:`ImportValidationError` (never a traceback, never a silent skip)
naming file (and sheet), row and column where they apply, and nothing written.

Items: 2 (formula cells without a saved value), 3 (one encoding rule: UTF-8, else Chinese
GB18030, else an error), 11 (limits checked before the expensive work), 13 (long fields),
14 (encrypted workbooks), 15 (entity files that are not regular files).
"""

from __future__ import annotations

import os
import textwrap
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from kamgraph.errors import ImportValidationError, KamgraphError
from kamgraph.ingest import import_path, read_path, validate
from kamgraph.ingest.limits import set_default_limits
from kamgraph.ingest.mappings import load_mapping
from kamgraph.ingest.readers import ReadImport
from kamgraph.settings import LimitsSettings, Settings
from kamgraph.store import open_store

PEOPLE = "id,name,side,title,notes\nP1,Ann,customer,CEO,\nP2,Bob,customer,CFO,\n"


def folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    d = tmp_path / "in"
    d.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        p = d / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    return d


def lines(raw: ReadImport) -> list[str]:
    return [str(p) for p in raw.problems]


def rejected(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def write_mapping(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "m.toml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


@pytest.fixture
def use_limits():
    """Set the default limits of readers called without ``limits`` (the CRM mappings)."""
    previous = set_default_limits(None)
    yield lambda **changes: set_default_limits(LimitsSettings(**changes))
    set_default_limits(previous)


# ---------------------------------------------------------------------------------------
# item 2: formula cells without a saved value
# ---------------------------------------------------------------------------------------


def openpyxl_book(path: Path, sheet: str, rows: list[list]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_openpyxl_formula_without_value_is_refused_with_sheet_row_and_column(tmp_path):
    book = openpyxl_book(tmp_path / "crm.xlsx", "people", [
        ["id", "name", "side", "title", "notes"],
        ["P1", "Ann", "customer", "CEO", "fine"],
        ["P2", "Bob", "customer", '=UPPER("cfo")', "=A3&B3"],
    ])
    raw = read_path(book)
    got = lines(raw)
    assert len(got) == 2
    assert got[0].startswith("crm.xlsx sheet people row 3 column 'title': cell D3 holds a formula =UPPER(\"cfo\") "
                             "without a saved value")
    assert got[1].startswith("crm.xlsx sheet people row 3 column 'notes': cell E3 holds a formula =A3&B3")
    store = open_store("sqlite:///:memory:")
    with pytest.raises(ImportValidationError):
        import_path(book, store)
    assert store.counts().get("people", 0) == 0


@pytest.mark.parametrize("engine", ["openpyxl", "xlsxwriter"])
def test_pandas_formula_workbook_is_refused(tmp_path, engine):
    """Neither of pandas' writers calculates formulas: openpyxl saves no value, xlsxwriter
    saves 0 and asks for a recalculation on load (``fullCalcOnLoad``); both are refused."""
    book = tmp_path / "pandas.xlsx"
    frame = pd.DataFrame({"id": ["P1"], "name": ["Ann"], "side": ["customer"], "title": ['=CONCAT("C","EO")']})
    frame.to_excel(book, sheet_name="people", index=False, engine=engine)
    with pytest.raises(ImportValidationError) as e:
        validate(read_path(book))
    assert any(line.startswith("pandas.xlsx sheet people row 2 column 'title': cell D2 holds a formula")
               for line in rejected(e))


def _with_saved_value(book: Path, out: Path) -> Path:
    """The workbook as Excel saves it: the formula with its result (text) next to it, and
    no request to recalculate on load (openpyxl asks for one: ``fullCalcOnLoad``)."""
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b'<c r="D2"><f>', b'<c r="D2" t="str"><f>').replace(b"<v />", b"<v>CEO</v>")
            if info.filename == "xl/workbook.xml":
                assert b'fullCalcOnLoad="1"' in data
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            dst.writestr(info, data)
    return out


def test_formula_with_a_saved_value_is_read(tmp_path):
    book = openpyxl_book(tmp_path / "raw.xlsx", "people", [["id", "name", "side", "title"],
                                                          ["P1", "Ann", "customer", '="C"&"EO"']])
    raw = read_path(_with_saved_value(book, tmp_path / "saved.xlsx"))
    assert lines(raw) == []
    assert raw.tables["people"].frame["title"].tolist() == ["CEO"]


def test_toml_mapping_refuses_formula_without_value(tmp_path):
    openpyxl_book(tmp_path / "export.xlsx", "Contacts", [["Contact ID", "Name", "Title"],
                                                         ["C1", "Ann", "=B2"]])
    m = write_mapping(tmp_path, """
        [entities.people]
        file = "export.xlsx"
        sheet = "Contacts"
        columns = { id = "Contact ID", name = "Name", title = "Title" }
        constants = { side = "customer" }
    """)
    with pytest.raises(ImportValidationError) as e:
        load_mapping(m).read(tmp_path)
    assert rejected(e)[0].startswith("export.xlsx sheet Contacts row 2 column 'Title': cell C2 holds a formula =B2")


# ---------------------------------------------------------------------------------------
# item 3: one encoding rule
# ---------------------------------------------------------------------------------------

GBK_PEOPLE = "id,name,side,title\nP1,张伟,customer,总经理\nP2,李娜,customer,采购经理\n".encode("gbk")


def test_gbk_csv_native_reader_reads_chinese(tmp_path):
    raw = read_path(folder(tmp_path, {"people.csv": GBK_PEOPLE}))
    assert lines(raw) == []
    assert raw.tables["people"].frame["name"].tolist() == ["张伟", "李娜"]


def test_gbk_csv_through_a_toml_mapping_reads_chinese_not_mojibake(tmp_path):
    (tmp_path / "contacts.csv").write_bytes(GBK_PEOPLE)
    m = write_mapping(tmp_path, """
        [entities.people]
        file = "contacts.csv"
        columns = { id = "id", name = "name", title = "title", side = "side" }
    """)
    raw = load_mapping(m).read(tmp_path)
    assert raw.tables["people"].frame["name"].tolist() == ["张伟", "李娜"]
    assert raw.tables["people"].frame["title"].tolist() == ["总经理", "采购经理"]
    assert raw.warnings == []


def test_windows_1252_through_a_mapping_is_an_error_not_mojibake(tmp_path):
    (tmp_path / "contacts.csv").write_bytes("id,name\nC1,Ann\nC2,Françoise\n".encode("cp1252"))
    m = write_mapping(tmp_path, """
        [entities.people]
        file = "contacts.csv"
        columns = { id = "id", name = "name" }
        constants = { side = "customer" }
    """)
    with pytest.raises(ImportValidationError) as e:
        load_mapping(m).read(tmp_path)
    assert rejected(e) == [
        ("contacts.csv: not UTF-8 text: line 3 contains the byte 0xe7 (byte offset 22), and the file does not "
        "read as Chinese GB18030/GBK either, so it was saved in another encoding; save it as UTF-8 "
        "(in Excel: Save As > 'CSV UTF-8')")]


def test_windows_1252_native_names_line_and_offset(tmp_path):
    data = "id,name,side\nP1,Ann,customer\nP2,Françoise,customer\n".encode("cp1252")
    raw = read_path(folder(tmp_path, {"people.csv": data}))
    assert lines(raw)[0].startswith("people.csv: not UTF-8 text: line 3 contains the byte 0xe7 (byte offset 36)")


def test_salesforce_dataloader_gbk_is_read(tmp_path):
    (tmp_path / "Account.csv").write_bytes("Id,Name\n001A,华为技术\n".encode("gbk"))
    raw = load_mapping("salesforce").read(tmp_path)
    assert raw.tables["accounts"].frame["name"].tolist() == ["华为技术"]


# ---------------------------------------------------------------------------------------
# item 11: limits, checked before the expensive work
# ---------------------------------------------------------------------------------------


def test_default_limits_take_the_scale_l_portfolio():
    limits = Settings().limits
    assert limits.max_rows >= 5_000_000  # L: 5,000,000 attendance rows in one file
    assert limits.max_file_bytes >= 1024**3
    assert limits.max_columns >= 100
    assert Settings().replace(limits={"max_rows": 7}).limits.max_rows == 7


def zip_bomb(path: Path, sheet_bytes: int) -> Path:
    """A valid workbook whose one sheet is ``sheet_bytes`` of identical rows (compresses ~500x)."""
    book = openpyxl_book(path.with_suffix(".seed.xlsx"), "people", [["id", "name", "side"]])
    row = b'<row><c t="inlineStr"><is><t>P</t></is></c></row>'
    body = row * (sheet_bytes // len(row))
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b"</sheetData>", body + b"</sheetData>")
            dst.writestr(info.filename, data)
    return path


def test_zip_bomb_workbook_is_refused_before_it_is_opened(tmp_path):
    bomb = zip_bomb(tmp_path / "bomb.xlsx", 40 * 1024**2)
    assert bomb.stat().st_size < 1024**2
    started = time.perf_counter()
    with pytest.raises(ImportValidationError) as e:
        read_path(bomb)
    assert time.perf_counter() - started < 2
    (line,) = rejected(e)
    assert line.startswith("bomb.xlsx: the workbook unpacks to ")
    assert "[limits] max_compression_ratio" in line


def test_workbook_over_the_uncompressed_limit(tmp_path):
    book = openpyxl_book(tmp_path / "big.xlsx", "people", [["id", "name", "side"], ["P1", "Ann", "customer"]])
    with pytest.raises(ImportValidationError, match=r"big.xlsx: the workbook unpacks to .*max_workbook_bytes"):
        read_path(book, limits=LimitsSettings(max_workbook_bytes=1000))


def test_csv_with_100000_header_columns_is_refused_at_once(tmp_path):
    header = ",".join(f"c{i}" for i in range(100_000))
    d = folder(tmp_path, {"people.csv": header + "\n" + ",".join("x" * 1 for _ in range(100_000)) + "\n"})
    started = time.perf_counter()
    with pytest.raises(ImportValidationError) as e:
        read_path(d)
    assert time.perf_counter() - started < 2
    assert rejected(e) == [("people.csv row 1: the header has 100000 columns, more than the limit of 1000 "
                           "([limits] max_columns); the file was not read")]


def test_mapping_csv_with_too_many_columns(tmp_path):
    (tmp_path / "contacts.csv").write_text(",".join(f"h{i}" for i in range(5000)) + "\n", encoding="utf-8")
    m = write_mapping(tmp_path, """
        [entities.people]
        file = "contacts.csv"
        columns = { id = "h0", name = "h1" }
        constants = { side = "customer" }
    """)
    with pytest.raises(ImportValidationError, match=r"contacts.csv row 1: the header has 5000 columns"):
        load_mapping(m).read(tmp_path)


def test_file_over_the_size_limit_is_refused_by_stat(tmp_path):
    d = folder(tmp_path, {"people.csv": PEOPLE})
    with pytest.raises(ImportValidationError, match=r"people.csv: the file is .* more than the limit of 50 bytes "
                                                    r"\(\[limits\] max_file_bytes\)"):
        read_path(d, limits=LimitsSettings(max_file_bytes=50))


def test_rows_over_the_limit_native_csv_and_workbook(tmp_path):
    body = "id,name,side\n" + "".join(f"P{i},N{i},customer\n" for i in range(20))
    limits = LimitsSettings(max_rows=10)
    with pytest.raises(ImportValidationError, match=r"people.csv: more than 10 data rows \(\[limits\] max_rows\)"):
        read_path(folder(tmp_path, {"people.csv": body}), limits=limits)
    book = openpyxl_book(tmp_path / "b.xlsx", "people",
                         [["id", "name", "side"]] + [[f"P{i}", "N", "customer"] for i in range(30)])
    with pytest.raises(ImportValidationError, match=r"b.xlsx sheet people: more than 10 data rows"):
        read_path(book, limits=limits)


def test_rows_over_the_limit_through_a_mapping(tmp_path, use_limits):
    use_limits(max_rows=5)
    (tmp_path / "contacts.csv").write_text("id,name\n" + "".join(f"C{i},N\n" for i in range(9)), encoding="utf-8")
    m = write_mapping(tmp_path, """
        [entities.people]
        file = "contacts.csv"
        columns = { id = "id", name = "name" }
        constants = { side = "customer" }
    """)
    with pytest.raises(ImportValidationError, match=r"contacts.csv: more than 5 data rows"):
        load_mapping(m).read(tmp_path)


# ---------------------------------------------------------------------------------------
# item 13: long fields
# ---------------------------------------------------------------------------------------


def test_a_two_megabyte_note_is_read_whole(tmp_path):
    note = "x" * (2 * 1024**2)
    raw = read_path(folder(tmp_path, {"people.csv": f"id,name,side,notes\nP1,Ann,customer,\"{note}\"\n"
                                                    f"P2,Bob,customer,short\n"}))
    assert lines(raw) == []
    assert raw.tables["people"].frame["notes"].tolist() == [note, "short"]
    assert raw.tables["people"].rows == [2, 3]


def test_a_field_over_the_limit_names_row_and_column(tmp_path):
    note = "y" * 300_000
    d = folder(tmp_path, {"people.csv": f"id,name,side,notes\nP1,Ann,customer,a\nP2,Bob,customer,{note}\n"})
    raw = read_path(d, limits=LimitsSettings(max_field_bytes=100_000))
    assert lines(raw) == [("people.csv row 3 column 'notes': a value of 300,000 bytes, longer than the limit of "
                          "100,000 ([limits] max_field_bytes); an unclosed double quote can also cause this")]


def test_a_field_longer_than_any_block_names_row_and_column(tmp_path):
    note = "z" * (3 * 1024**2)
    d = folder(tmp_path, {"people.csv": f"id,name,side,notes\nP1,Ann,customer,a\nP2,Bob,customer,{note}\n"})
    raw = read_path(d, limits=LimitsSettings(max_field_bytes=1000))
    (line,) = lines(raw)
    assert line.startswith("people.csv row 3 column 'notes': a value of 3,145,728 bytes, longer than the limit")
    assert "straddl" not in line


def test_a_long_field_through_a_mapping_is_read(tmp_path):
    note = "n" * 500_000  # over the csv module's default limit of 131,072
    (tmp_path / "contacts.csv").write_text(f"id,name,notes\nC1,Ann,{note}\n", encoding="utf-8")
    m = write_mapping(tmp_path, """
        [entities.people]
        file = "contacts.csv"
        columns = { id = "id", name = "name", notes = "notes" }
        constants = { side = "customer" }
    """)
    assert load_mapping(m).read(tmp_path).tables["people"].frame["notes"].tolist() == [note]


# ---------------------------------------------------------------------------------------
# item 14: encrypted workbooks
# ---------------------------------------------------------------------------------------

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def test_encrypted_workbook_says_so(tmp_path):
    (tmp_path / "secret.xlsx").write_bytes(OLE2)
    with pytest.raises(ImportValidationError) as e:
        read_path(tmp_path / "secret.xlsx")
    (line,) = rejected(e)
    assert line.startswith("secret.xlsx: the workbook is encrypted (password-protected) or in the old .xls format")
    assert "zip" not in line


def test_encrypted_workbook_through_a_mapping_says_so(tmp_path):
    (tmp_path / "export.xlsx").write_bytes(OLE2)
    m = write_mapping(tmp_path, """
        [entities.people]
        file = "export.xlsx"
        sheet = "Contacts"
        columns = { id = "Contact ID", name = "Name" }
        constants = { side = "customer" }
    """)
    with pytest.raises(ImportValidationError, match=r"export.xlsx: the workbook is encrypted"):
        load_mapping(m).read(tmp_path)


# ---------------------------------------------------------------------------------------
# item 15: entity files that are not regular files
# ---------------------------------------------------------------------------------------


def test_entity_files_that_are_not_files_are_reported_one_line_each(tmp_path):
    d = folder(tmp_path, {"people.csv": PEOPLE})
    os.symlink(d / "missing.csv", d / "accounts.csv")  # dangling
    os.symlink(d / "ties.csv", d / "ties.csv")  # a loop
    (d / "organizations.csv").mkdir()
    os.mkfifo(d / "interactions.csv")
    raw = read_path(d)
    got = sorted(lines(raw))
    assert got == sorted([
        f"accounts.csv: a symbolic link to {d / 'missing.csv'}, which does not exist; the file was not read",
        "interactions.csv: not a regular file (a pipe, socket or device); the file was not read",
        "organizations.csv: a folder, not a file; the file was not read",
        "ties.csv: a symbolic link that loops back on itself; the file was not read",
    ])
    assert list(raw.tables) == ["people"]
    with pytest.raises(ImportValidationError):
        validate(raw)


def test_a_dangling_link_given_as_the_import_path(tmp_path):
    os.symlink(tmp_path / "gone.csv", tmp_path / "people.csv")
    with pytest.raises(ImportValidationError, match=r"people.csv: a symbolic link to .*gone.csv, which does not exist"):
        read_path(tmp_path / "people.csv")


def test_a_mapping_file_that_is_a_folder(tmp_path):
    (tmp_path / "contacts.csv").mkdir()
    m = write_mapping(tmp_path, """
        [entities.people]
        file = "contacts.csv"
        columns = { id = "id", name = "name" }
        constants = { side = "customer" }
    """)
    with pytest.raises(ImportValidationError, match=r"contacts.csv: a folder, not a file"):
        load_mapping(m).read(tmp_path)



def test_workbook_sheet_over_the_column_limit(tmp_path):
    book = openpyxl_book(tmp_path / "wide.xlsx", "people", [[f"c{i}" for i in range(50)]])
    with pytest.raises(ImportValidationError, match=r"wide.xlsx sheet people: the sheet has 50 columns, more than "
                                                    r"the limit of 10 \(\[limits\] max_columns\)"):
        read_path(book, limits=LimitsSettings(max_columns=10))


def test_northwind_file_that_is_a_dangling_link(tmp_path):
    for name in ("customers.csv", "employees.csv"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    os.symlink(tmp_path / "nowhere.csv", tmp_path / "orders.csv")
    with pytest.raises(ImportValidationError, match=r"orders.csv: a symbolic link to .*nowhere.csv, which does not exist"):
        load_mapping("northwind").read(tmp_path)


def test_limits_from_settings_reach_the_native_reader_by_default(tmp_path, use_limits):
    use_limits(max_columns=2)
    with pytest.raises(ImportValidationError, match=r"people.csv row 1: the header has 3 columns"):
        read_path(folder(tmp_path, {"people.csv": "id,name,side\nP1,Ann,customer\n"}))


def test_an_unreadable_file_is_one_line(tmp_path, monkeypatch):
    import kamgraph.ingest.limits as limits_module

    def denied(path, mode="r"):
        raise PermissionError(13, "Permission denied", str(path))

    d = folder(tmp_path, {"people.csv": PEOPLE})
    monkeypatch.setattr(limits_module, "open", denied, raising=False)  # root reads a chmod 000 file anyway
    with pytest.raises(ImportValidationError) as e:
        read_path(d)
    assert rejected(e) == ["people.csv: cannot be read (Permission denied); check its permissions"]


def test_an_unreadable_mapping_file_is_one_line(tmp_path, monkeypatch):
    m = write_mapping(tmp_path, '[entities.people]\nfile = "a.csv"\ncolumns = { id = "x" }\n')

    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", denied)  # root reads a chmod 000 file anyway
    with pytest.raises(KamgraphError, match=r"^m.toml: the mapping file cannot be read \(Permission denied\)$"):
        load_mapping(m)


def test_limits_in_the_settings_file_apply_to_imports_and_validation(tmp_path):
    from click.testing import CliRunner

    from kamgraph.cli import main

    data = tmp_path / "data"
    data.mkdir()
    (data / "people.csv").write_text("id,name,side\nP1,A,customer\nP2,B,customer\nP3,C,customer\n")
    settings = tmp_path / "kamgraph.toml"
    settings.write_text("[limits]\nmax_rows = 2\n")
    store = f"sqlite:///{tmp_path / 'k.db'}"
    runner = CliRunner()
    for verb in ("import", "validate"):
        res = runner.invoke(main, ["--store", store, "--settings", str(settings), verb, str(data)])
        assert res.exit_code == 1, res.output
        assert "more than 2 data rows ([limits] max_rows)" in res.output
    ok = runner.invoke(main, ["--store", store, "import", str(data)])  # default limits: accepted
    assert ok.exit_code == 0, ok.output
