"""Spreadsheet safety: hostile text never becomes a formula, and output is reproducible.

Every text cell starting with ``=``, ``+``, ``-``, ``@``, tab, carriage return or NUL is
prefixed with a single quote in CSV and Excel (OWASP CSV injection); the workbook holds only
string, number, boolean and date cells (never ``data_type 'f'``), and no hyperlink.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from kamgraph.report.spreadsheet import (
    SheetBlock,
    clean_text,
    csv_bytes,
    csv_text,
    format_float,
    neutralize,
    neutralize_frame,
    workbook_bytes,
    write_csv,
)

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"]
NEUTRALIZED = ["'" + h for h in HOSTILE]


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "name": HOSTILE + ["\x00=1", "\x01=2", "Müller, Jörg", "陈昊", None],
        "score": [0.5, -0.25, -2.0, 1 / 3, 0.0, -0.0, 1e9, float("nan"), 2.5, 7.0, 1.0],
        "n": list(range(11)),
        "ok": [True, False] * 5 + [True],
        "day": pd.to_datetime(["2026-11-15"] * 11),
    })


@pytest.mark.parametrize("text, expected", list(zip(HOSTILE, NEUTRALIZED)) + [
    ("\x00=1", "'\x00=1"), ("Acme", "Acme"), ("a=b", "a=b"), ("", ""), ("'already", "'already")])
def test_neutralize(text, expected):
    assert neutralize(text) == expected


def test_numbers_and_missing_values_are_not_text():
    assert neutralize(-2) == -2 and neutralize(-2.5) == -2.5 and neutralize(None) is None


def test_control_characters_are_removed_before_neutralizing():
    # "\x01=2" would turn into "=2" if the control character were removed afterwards
    assert clean_text("\x01=2") == "'=2"
    assert clean_text("\x00=1") == "'=1"
    assert clean_text("a\tb\nc") == "a\tb\nc"  # tab and newline inside text stay


def test_neutralize_frame_touches_only_text(frame):
    out = neutralize_frame(frame)
    assert out["name"].tolist()[:6] == NEUTRALIZED
    assert out["score"].equals(frame["score"]) and out["n"].equals(frame["n"])


def test_float_format():
    assert [format_float(x) for x in (0.017386, 236e6, -0.0, 1 / 3, -2.0, 0.1 + 0.2)] == \
        ["0.017386", "236000000", "0", "0.333333", "-2", "0.3"]


def test_csv_read_back_as_text(frame, tmp_path):
    path = write_csv(frame, tmp_path / "t.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads 陈昊 right
    text = raw.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "name,score,n,ok,day"
    assert lines[1] == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",0.5,0,true,2026-11-15"
    assert lines[2] == "'+1+1,-0.25,1,false,2026-11-15"
    assert lines[3] == "'-2,-2,2,true,2026-11-15"  # the text '-2 is neutralized, the number -2 is not
    assert lines[4] == "'@SUM(A1),0.333333,3,false,2026-11-15"
    assert lines[5] == "'\t=1,0,4,true,2026-11-15"
    assert lines[6] == "\"'\r=1\",0,5,false,2026-11-15"  # a field holding CR is quoted
    assert lines[7] == "'=1,1000000000,6,true,2026-11-15"  # NUL removed, then neutralized
    assert lines[8] == "'=2,,7,false,2026-11-15"
    # no field anywhere starts with a formula character
    for cell in pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)["name"]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\x00"))


def test_csv_read_back_with_pandas(frame):
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), keep_default_na=False)
    assert back["name"].tolist()[:6] == NEUTRALIZED
    assert back["name"].tolist()[8:10] == ["Müller, Jörg", "陈昊"]
    assert back["n"].tolist() == list(range(11))


def test_csv_is_deterministic(frame):
    assert csv_text(frame) == csv_text(frame.copy())


def test_excel_read_back_has_no_formula_and_no_link(frame):
    data = workbook_bytes({"People": frame, "Blocks": [SheetBlock(frame.head(2), title="=TITLE()",
                                                                   notes=["-note"])]}, "2026-11-15")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["People", "Blocks"]
    ws = wb["People"]
    types = {c.data_type for row in ws.iter_rows() for c in row}
    assert "f" not in types
    assert all(c.hyperlink is None for row in ws.iter_rows() for c in row)
    names = [ws.cell(row=r, column=1).value for r in range(2, 12)]
    assert names[:5] == NEUTRALIZED[:5]
    assert names[5] in ("'\r=1", "'\n=1")  # XML readers normalize CR to LF; still neutralized
    assert names[6:10] == ["'=1", "'=2", "Müller, Jörg", "陈昊"]
    assert [ws.cell(row=r, column=2).value for r in (2, 3, 4)] == [0.5, -0.25, -2.0]  # numbers stay numbers
    assert ws.cell(row=2, column=2).data_type == "n" and ws.cell(row=2, column=4).value is True
    blocks = wb["Blocks"]
    assert [blocks.cell(row=r, column=1).value for r in (1, 2, 3)] == ["'-note", "'=TITLE()", "name"]
    assert "f" not in {c.data_type for row in blocks.iter_rows() for c in row}
    # and the raw sheet XML holds no formula element at all
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_excel_is_byte_identical_and_dated_by_the_caller(frame):
    a = workbook_bytes({"T": frame}, "2026-11-15")
    b = workbook_bytes({"T": frame.copy()}, "2026-11-15")
    assert a == b
    wb = openpyxl.load_workbook(io.BytesIO(a))
    assert wb.properties.created == wb.properties.modified == pd.Timestamp("2026-11-15").to_pydatetime()
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 15, 0, 0, 0)}
    assert workbook_bytes({"T": frame}, "2026-12-15") != a


# -- options for people: formats, filters, frozen panes, wrapping, widths ----------------------

def test_a_block_for_people_has_formats_a_filter_frozen_panes_and_wrapped_text():
    frame = pd.DataFrame({"Account": ["上海澜芯半导体有限公司", "=Acme"], "Share": [0.25, 0.5],
                          "Revenue": [236e6, 1.5e6], "Action": ["x " * 80, "short"]})
    block = SheetBlock(frame, notes=["Scope: East China accounts: 2 of 12 accounts"], autofilter=True, freeze=1,
                       formats={"Share": "0.0%", "Revenue": ['#,##0 "CNY"', '#,##0 "EUR"']}, wrap=("Action",))
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes({"T": block}, "2026-11-15")))
    ws = wb["T"]
    assert ws["A1"].value == "Scope: East China accounts: 2 of 12 accounts"
    assert [c.value for c in ws[2]] == ["Account", "Share", "Revenue", "Action"] and ws["A2"].font.b
    assert ws.freeze_panes == "B3" and ws.auto_filter.ref == "A2:D4"
    assert ws["B3"].number_format == "0.0%" and ws["B3"].value == 0.25
    assert (ws["C3"].number_format, ws["C4"].number_format) == ('#,##0 "CNY"', '#,##0 "EUR"')
    assert ws["A4"].value == "'=Acme" and ws["A4"].data_type == "s"  # still neutralized
    assert ws["D3"].alignment.wrap_text and ws.column_dimensions["D"].width == 60
    assert ws.column_dimensions["A"].width >= 24  # 11 wide characters count twice
    assert ws.column_dimensions["C"].width >= len("236,000,000 CNY")


def test_per_row_formats_must_match_the_rows():
    with pytest.raises(ValueError, match="1 formats for 2 rows"):
        workbook_bytes({"T": SheetBlock(pd.DataFrame({"x": [1, 2]}), formats={"x": ["0"]})}, "2026-11-15")


def test_a_plain_block_is_written_as_before():
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes({"T": pd.DataFrame({"a_b": [0.5]})}, "2026-11-15")))["T"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref is None
    assert ws["A1"].value == "a_b" and ws["A1"].fill.fgColor.rgb in (None, "00000000")
    assert ws["A2"].number_format == "General"


def test_display_width_and_zip_bytes():
    from kamgraph.report.spreadsheet import display_width, zip_bytes

    assert display_width("陈昊 Chen") == 9
    a = zip_bytes({"README.txt": b"x", "a.csv": b"1"}, "2026-11-15")
    assert a == zip_bytes({"README.txt": b"x", "a.csv": b"1"}, "2026-11-15")
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert z.namelist() == ["README.txt", "a.csv"]
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 15, 0, 0, 0)}
