"""The column-wise writers (:mod:`kamgraph.report.xlsxfast`) write what the per-cell writers
wrote: the same CSV text, and workbooks that read back (openpyxl) with the same cells, types,
number formats, fonts, fills, alignment, column widths, frozen panes and filters.

Frames with every edge the per-cell writers handle: missing values of each kind, hostile and
control-character text, unicode, empty text, -0.0, infinities, 17-digit floats, huge
integers, bools with gaps, datetimes with and without a time, mixed object columns, lists,
per-row formats, wrapped columns; several chunks of rows; and the sample report in English
and Chinese.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from test_visit_exports import SAMPLE, load_sample

import kamgraph.report.portfolio as portfolio
import kamgraph.report.xlsxfast as xlsxfast
from kamgraph.i18n import use_language
from kamgraph.report.spreadsheet import (
    SheetBlock,
    _csv_text_per_cell,
    _workbook_bytes_per_cell,
    csv_text,
    workbook_bytes,
)

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1", "\x00=1", "\x01=2", "\x9b=3"]


def edge_frame(n: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    texts = HOSTILE + ["Müller, Jörg", "陈昊", "顾伟明（S-03）", "", " padded ", 'say "hi"', "a\nb", "x<y & z>w",
                       "_x0041_", "'quoted", None, float("nan"), "plain"]
    floats = [0.5, -0.0, 0.0, 1 / 3, 0.1 + 0.2, 1e20, 1e-7, -2.5e-5, 123456789.123456789, float("inf"),
              float("-inf"), float("nan"), 2.0, -1.0000000000000002, 5e-324]
    dates = pd.to_datetime(["2026-11-15", "2026-11-15 10:30:05", None, "1900-02-10", "1999-12-31 23:59:59.5"], format="ISO8601")
    pick = lambda values: [values[i] for i in rng.integers(0, len(values), n)]  # noqa: E731
    return pd.DataFrame({
        "text": pd.Series(pick(texts), dtype=object),
        "str_dtype": pd.Series(pick([t for t in texts if isinstance(t, str)] + [None]), dtype="str"),
        "float": np.array(pick(floats), dtype=np.float64),
        "int": rng.integers(-10**6, 10**6, n),
        "huge_int": np.array(pick([12345678901234567, -3, 0, 2**62]), dtype=np.int64),
        "bool": rng.integers(0, 2, n).astype(bool),
        "bool_gaps": pd.Series(pick([True, False, None]), dtype=object),
        "day": pd.Series(pick(list(dates))).astype("datetime64[ns]"),
        "mixed": pd.Series(pick([1, 2.5, "x", None, True, dt.date(2026, 1, 2), ["a", None, "=b"], float("nan"),
                                 -7, "-x"]), dtype=object),
        "all_missing": pd.Series([None] * n, dtype=object),
        "numbers_obj": pd.Series(pick([1, 2.25, None, 3]), dtype=object),
        "nullable_int": pd.Series(pick([1, None, -4, 5, 0]), dtype="Int64"),
    })


# -- CSV -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("decimals, lt", [(6, "\r\n"), (None, "\n"), (2, "\r\n"), (0, "\n")])
def test_csv_text_equals_the_per_cell_writer(seed, decimals, lt):
    df = edge_frame(60, seed)
    assert csv_text(df, decimals=decimals, lineterminator=lt) == \
        _csv_text_per_cell(df, decimals=decimals, lineterminator=lt)


def test_csv_in_chunks_and_edge_shapes(monkeypatch):
    monkeypatch.setattr(xlsxfast, "CHUNK_ROWS", 7)
    df = edge_frame(50, 3)
    assert csv_text(df) == _csv_text_per_cell(df)
    for frame in (df.head(0), df[["text"]], pd.DataFrame(), pd.DataFrame({"a": [""], "b": [None]}),
                  pd.DataFrame({"=a,b": [1], 'q"': ["x"]})):
        assert csv_text(frame) == _csv_text_per_cell(frame)


# -- Excel ---------------------------------------------------------------------------------------

def _fill(c):
    f = c.fill
    rgb = f.fgColor.rgb if f.patternType == "solid" else None
    return f.patternType, (rgb[-6:] if isinstance(rgb, str) else None)


def describe(data: bytes) -> dict:
    """Everything a reader sees of a workbook."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    p = wb.properties
    out = {"sheets": wb.sheetnames, "props": (p.created, p.modified, p.creator, p.lastModifiedBy, p.title, p.subject)}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                value = c.value.replace("\r", "\n") if isinstance(c.value, str) else c.value
                cells[c.coordinate] = (value, type(value).__name__, c.data_type if c.value is not None else None,
                                       c.number_format, bool(c.font.b), _fill(c), bool(c.alignment.wrap_text),
                                       c.alignment.vertical, c.hyperlink)
        out[ws.title] = {"cells": cells, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
                         "widths": {k: v.width for k, v in ws.column_dimensions.items() if v.customWidth}}
    return out


def assert_same_workbook(new: bytes, old: bytes) -> None:
    a, b = describe(new), describe(old)
    assert a["sheets"] == b["sheets"] and a["props"] == b["props"]
    for s in a["sheets"]:
        assert a[s]["freeze"] == b[s]["freeze"], s
        assert a[s]["filter"] == b[s]["filter"], s
        assert a[s]["widths"] == b[s]["widths"], s
        diff = {k: (a[s]["cells"].get(k), b[s]["cells"].get(k)) for k in set(a[s]["cells"]) | set(b[s]["cells"])
                if a[s]["cells"].get(k) != b[s]["cells"].get(k)}
        assert not diff, (s, sorted(diff.items())[:5])
    with zipfile.ZipFile(io.BytesIO(new)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 15, 0, 0, 0)}
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def edge_sheets(df: pd.DataFrame) -> dict:
    n = len(df)
    money = ['#,##0 "CNY"', None, '#,##0 "EUR"', ""] * (n // 4) + ['#,##0 "CNY"'] * (n % 4)
    styled = SheetBlock(df, notes=["Scope: =all", "", "陈昊 note"], autofilter=True, freeze=1,
                        formats={"float": "0.0%", "int": money, "day": "yyyy-mm", "mixed": "0.00", "numbers_obj": money,
                                 "text": None, "nullable_int": "0.0%"}, wrap=("text", "all_missing"))
    return {
        "Plain": df,
        "Styled": styled,
        "Stacked": [SheetBlock(df.head(5), title="=Title()", notes=["-note"], formats={"float": "0.00"}),
                    SheetBlock(df.tail(7).reset_index(drop=True), title="Second", wrap=("str_dtype",),
                               formats={"int": "0"})],
        "空表": SheetBlock(df.head(0), autofilter=True, freeze=0, formats={"float": "0.0%"}),
        "Bad/name?": pd.DataFrame({"a": [1]}),
    }


@pytest.mark.parametrize("seed", [0, 1])
def test_workbook_reads_back_as_the_per_cell_writer_wrote_it(seed, monkeypatch):
    monkeypatch.setattr(xlsxfast, "CHUNK_ROWS", 16)  # several chunks per block
    df = edge_frame(44, seed)
    sheets = edge_sheets(df)
    new = workbook_bytes(sheets, "2026-11-15", title="T =1", subject="S\x01")
    old = _workbook_bytes_per_cell(sheets, "2026-11-15", title="T =1", subject="S\x01")
    assert_same_workbook(new, old)
    assert new == workbook_bytes(edge_sheets(df.copy()), "2026-11-15", title="T =1", subject="S\x01")


def test_long_text_is_cut_to_the_cell_limit_and_wide_plain_columns():
    df = pd.DataFrame({"long": ["x" * 40000, "=" + "y" * 70], "n": [1.5, 2.0]})
    sheets = {"A": df, "B": SheetBlock(df, formats={"n": "0.00"})}
    assert_same_workbook(workbook_bytes(sheets, "2026-11-15"), _workbook_bytes_per_cell(sheets, "2026-11-15"))


def test_sheet_names_openpyxl_would_rename_go_through_the_per_cell_writer():
    sheets = {"Same": pd.DataFrame({"a": [1]}), "same": pd.DataFrame({"b": [2]})}
    assert describe(workbook_bytes(sheets, "2026-11-15"))["sheets"] == \
        describe(_workbook_bytes_per_cell(sheets, "2026-11-15"))["sheets"]


# -- the sample report ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample():
    if not (SAMPLE / "README.md").exists():
        pytest.skip(f"sample data not found at {SAMPLE} (no README.md)")
    return load_sample()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_sample_report_is_written_as_before(sample, language, monkeypatch):
    snap, settings = sample
    with use_language(language):
        r = portfolio.build_coverage_report(snap, settings)
        new_xlsx, new_csv = r.excel_bytes(), r.csv_files()
        monkeypatch.setattr(portfolio, "workbook_bytes", _workbook_bytes_per_cell)
        monkeypatch.setattr(portfolio, "csv_bytes", lambda df: _csv_text_per_cell(df).encode("utf-8-sig"))
        old_xlsx, old_csv = r.excel_bytes(), r.csv_files()
    assert new_csv == old_csv
    a = describe(new_xlsx)
    assert_same_workbook(new_xlsx, old_xlsx)
    assert a["sheets"][0] == ("README" if language == "en" else "说明")


# -- the build -------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_changes_touching_the_scope_as_the_per_row_filter(seed):
    rng = np.random.default_rng(seed)
    accounts = ["A-01", "A-02", "A-03", "账户-4", "", "A-01,A-02", "A-03,B-9", "B-9,", ",A-02", "B-1,B-2", None,
                float("nan"), "A-0"]
    values = pd.Series([accounts[i] for i in rng.integers(0, len(accounts), 300)], dtype=object,
                       index=rng.permutation(300) + 1000)  # an index that is not positions
    for ids in (["A-01"], ["A-02", "账户-4"], ["B-9", ""], [], ["A-01", "A-02", "A-03", "账户-4"]):
        old = values.fillna("").str.split(",").map(lambda a: bool(set(a) & set(ids))).to_numpy(dtype=bool)
        assert portfolio.touching(values, ids).tolist() == old.tolist()


def test_display_widths_as_display_width():
    from kamgraph.report.spreadsheet import display_width

    rng = np.random.default_rng(5)
    alphabet = [chr(c) for c in list(range(0x20, 0x250)) + list(range(0x3000, 0x3100)) + list(range(0x4E00, 0x4E40))
                + list(range(0xFF00, 0xFF60)) + [0x378, 0x1F600, 0x20000, 0x10FFFF]] + ["\n"]
    texts = ["".join(alphabet[i] for i in rng.integers(0, len(alphabet), rng.integers(0, 9))) for _ in range(3000)]
    for chunk in (texts[:1], texts[:50], texts, ["abc", "a\nbcdef"], []):
        assert xlsxfast.display_widths(chunk) == max([display_width(t) for t in chunk], default=0)


def test_csv_bytes_are_the_text_with_a_byte_order_mark():
    from kamgraph.report.spreadsheet import csv_bytes

    for frame in (edge_frame(30, 7), edge_frame(30, 7)[["text"]], pd.DataFrame({"a": [], "b": []})):
        assert csv_bytes(frame) == _csv_text_per_cell(frame).encode("utf-8-sig")


def test_clean_on_the_utf8_bytes_as_clean_text():
    from kamgraph.report.spreadsheet import clean_text

    rng = np.random.default_rng(11)
    alphabet = [chr(c) for c in list(range(0, 0x40)) + list(range(0x7B, 0xC5)) + [0x100, 0x4E00, 0x1F600]]
    texts = ["".join(alphabet[i] for i in rng.integers(0, len(alphabet), rng.integers(0, 6))) for _ in range(4000)]
    texts += [None, "", "¢Â\u0080x", "=", "\u009f=1"]
    out = xlsxfast._clean(pa.array(texts, type=pa.large_string())).to_pylist()
    assert out == [None if t is None else clean_text(t) for t in texts]
    marks = xlsxfast._rows_holding(pa.array(texts, type=pa.large_string()), b',"\n')
    assert marks.tolist() == [t is not None and any(c in t for c in ',"\n') for t in texts]


def test_control_characters_found_in_utf8_as_the_regex_finds_them():
    for cp in range(0, 0x250):
        for text in (chr(cp), "ab" + chr(cp), chr(cp) + "é"):
            data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
            assert xlsxfast._has_control(data) == bool(xlsxfast._CONTROL_UTF8.search(text.encode("utf-8"))), cp


def test_repeated_numbers_are_formatted_as_each_one():
    x = np.array([0.0, -0.0, 1 / 3, 2.5, 1e20, -1e-9] * 400 + [0.1 + 0.2])
    for fmt in ("%.16g", "%.6f"):
        assert list(xlsxfast._format_numbers(x, fmt)) == [fmt % v for v in x.tolist()]
