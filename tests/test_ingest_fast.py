"""The import's fast read and validate paths (issue 17) give what the slow paths give.

The CSV reader leaves a table's cells in Arrow (:class:`kamgraph.ingest.readers.ArrowTable`)
and validation works on them directly while nobody has looked at the table's ``frame``;
once ``frame`` or ``rows`` were handed out, validation takes the frame (the path CRM
mappings take). Both paths must give the same validated tables (dtypes, values, Python
types of text cells, row order), the same warnings and the same problems. Cleaning of
mapping input (object cells with whitespace, empty strings, NaN, pd.NA) must equal the
pandas reference it replaced.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kamgraph.errors import ImportValidationError
from kamgraph.ingest import read_path
from kamgraph.ingest.raw import RawImport, RawTable
from kamgraph.ingest.readers import (
    ArrowTable,
    _clean_arrow_column,
    _clean_text_column,
    read_csv_bytes,
)
from kamgraph.ingest.validate import _STR, _clean_text, _TextCache, validate

V = importlib.import_module("kamgraph.ingest.validate")  # the module (kamgraph.ingest.validate is the function)

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
PADS = [" ", "  ", "\t", "\u3000", "\u00a0", " \u2003"]
ENUMS = {"side", "kind", "tier", "decision_role", "attitude", "team_role", "role", "stage", "status"}
DATES = {"since", "until", "date", "assessed_on", "close_date"}


def _messy_folder(tmp_path: Path, seed: int, bad: bool) -> Path:
    """data/sample with padded cells, blank cells and rows, enum and date variants, a BOM,
    CRLF lines, upper-case headers and file names; with ``bad``: wrong values, duplicates,
    lines with the wrong number of fields."""
    rnd = random.Random(seed)
    out = tmp_path / f"messy{seed}{'bad' if bad else ''}"
    out.mkdir()
    for f in sorted(SAMPLE.glob("*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header = rows[0]
        new = [[f" {h.upper()} " if rnd.random() < 0.3 else h for h in header]]
        for r in rows[1:]:
            r = list(r)
            for i, v in enumerate(r):
                x = rnd.random()
                if x < 0.15:
                    r[i] = rnd.choice(PADS) + v + rnd.choice(PADS)
                elif x < 0.2 and v == "":
                    r[i] = rnd.choice(PADS)
                elif x < 0.25 and header[i] in ENUMS and v:
                    r[i] = v.upper().replace("_", rnd.choice([" ", "-", "_"]))
                elif x < 0.27 and header[i] in DATES and v:
                    r[i] = v.replace("-", "/") + rnd.choice(["", " 10:30", "T08:15:00"])
                elif bad and x < 0.285:
                    r[i] = rnd.choice(["??", "2024-02-30", "-5", "1e400", "x\ny", "P-NOPE", "C-001", "12.5", "",
                                       "TRUE", "张伟"])
            if bad and rnd.random() < 0.01:
                r = [*r, "extra"]
            new.append(r)
            if rnd.random() < 0.01:
                new.append([""] * len(header))
            if bad and rnd.random() < 0.01:
                new.append(list(r))
        buf = io.StringIO(newline="")
        csv.writer(buf, lineterminator=rnd.choice(["\n", "\r\n"])).writerows(new)
        data = buf.getvalue().encode("utf-8")
        if rnd.random() < 0.2:
            data = b"\xef\xbb\xbf" + data
        (out / (f.name.upper() if rnd.random() < 0.2 else f.name)).write_bytes(data)
    return out


def _touched(raw):
    """``raw`` with every table's frame and rows handed out: validation takes the frames."""
    for t in raw.tables.values():
        assert isinstance(t, ArrowTable) and t.arrow() is not None
        t.frame, t.rows  # noqa: B018 (the access is the point)
        assert t.arrow() is None
    return raw


def _outcome(raw, store=None):
    try:
        v = validate(raw, store, today="2026-01-01")
    except ImportValidationError as e:
        return None, list(e.warnings), [(p.file, p.row, p.column, repr(p.value), p.message) for p in e.problems]
    return v.tables, v.warnings, None


def assert_same_tables(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert list(a) == list(b)
    for name, x in a.items():
        y = b[name]
        assert list(x.columns) == list(y.columns), name
        assert list(x.dtypes) == list(y.dtypes), name
        pd.testing.assert_frame_equal(x, y, check_exact=True, obj=name)
        for c in x.columns:
            if x[c].dtype == object:
                for p, q in zip(x[c].to_numpy(), y[c].to_numpy()):
                    assert type(p) is type(q) and (p is None or p == q), (name, c, p, q)
                    assert p is None or isinstance(p, str)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("bad", [False, True])
def test_arrow_path_and_frame_path_give_the_same_import(tmp_path, seed, bad):
    d = _messy_folder(tmp_path, seed, bad)
    fast_raw = read_path(d)
    assert all(isinstance(t, ArrowTable) and t.arrow() is not None for t in fast_raw.tables.values())
    fast = _outcome(fast_raw)
    slow = _outcome(_touched(read_path(d)))
    assert fast[1] == slow[1]
    assert fast[2] == slow[2]
    if bad:
        assert fast[2], "the bad variant must have problems"
    else:
        assert fast[2] is None
        assert_same_tables(fast[0], slow[0])
    # the reader's problems (wrong field counts ...) and rows do not depend on the path
    assert [str(p) for p in fast_raw.problems] == [str(p) for p in read_path(d).problems]


def test_sample_data_the_same_either_path():
    fast = _outcome(read_path(SAMPLE))
    slow = _outcome(_touched(read_path(SAMPLE)))
    assert fast[2] is None and slow[2] is None
    assert fast[1] == slow[1]
    assert_same_tables(fast[0], slow[0])


def test_arrow_table_frame_and_rows_are_the_csv_readers(tmp_path):
    text = "id,name,side,title\nP1,  Ann  ,customer,CEO\n,,,\nP2,,internal,\n\"P3\",\"Bo, Jr\",customer,\"a\nb\"\n"
    (tmp_path / "people.csv").write_text(text, encoding="utf-8")
    t = read_path(tmp_path).tables["people"]
    ref = read_csv_bytes(text.encode("utf-8"), "people.csv")
    assert t.rows == ref.rows == [2, 4, 5]
    pd.testing.assert_frame_equal(t.frame, ref.frame)
    assert t.frame.dtypes.tolist() == [object] * 4
    assert t.frame["name"].tolist() == ["Ann", None, "Bo, Jr"]


def test_a_frame_changed_after_reading_is_what_validation_checks(tmp_path):
    (tmp_path / "people.csv").write_text("id,name,side\nP1,Ann,customer\nP2,Bo,customer\n", encoding="utf-8")
    raw = read_path(tmp_path)
    t = raw.tables["people"]
    t.frame.loc[0, "name"] = "Zed"
    t.frame.loc[1, "side"] = "nonsense"
    with pytest.raises(ImportValidationError) as e:
        validate(raw)
    assert [(p.row, p.column, p.value) for p in e.value.problems] == [(3, "side", "nonsense")]
    t.frame.loc[1, "side"] = "internal"
    out = validate(raw).tables["people"]
    assert out["name"].tolist() == ["Zed", "Bo"]
    assert out["side"].tolist() == ["customer", "internal"]


def test_a_replaced_frame_is_what_validation_checks(tmp_path):
    (tmp_path / "people.csv").write_text("id,name,side\nP1,Ann,customer\n", encoding="utf-8")
    raw = read_path(tmp_path)
    t = raw.tables["people"]
    t.frame = pd.DataFrame({"id": ["P9"], "name": ["Cy"], "side": ["customer"]}, dtype=object)
    assert t.arrow() is None
    assert validate(raw).tables["people"]["id"].tolist() == ["P9"]


def test_unknown_references_found_through_distinct_values_name_every_row(tmp_path):
    (tmp_path / "people.csv").write_text("id,name,side\nP1,Ann,customer\nP2,Bo,customer\n", encoding="utf-8")
    (tmp_path / "ties.csv").write_text(
        "person_id,other_id,kind\nP1,P2,friend\nP1,P9,friend\nP2,P9,friend\nP9,P2,friend\nP1,,friend\n",
        encoding="utf-8")
    with pytest.raises(ImportValidationError) as e:
        validate(read_path(tmp_path))
    got = [(p.row, p.column, p.value, p.message) for p in e.value.problems if p.message.startswith("unknown")]
    assert got == [(3, "other_id", "P9", "unknown person 'P9'"), (4, "other_id", "P9", "unknown person 'P9'"),
                   (5, "person_id", "P9", "unknown person 'P9'")]


# ---------------------------------------------------------------------------------------
# cell cleaning against the pandas reference it replaced
# ---------------------------------------------------------------------------------------

_cells = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(["a", " a", "a ", "\u3000张伟\u3000", "\u00a0x", "\t", " ", "Zoë", "x y", "\r\nq", "0", "007"]),
    st.text(alphabet=st.sampled_from(list("ab \t\u3000\u00a0é张\n")), max_size=6),
)


def _reference_clean(s: pd.Series) -> pd.Series:
    """What validation did before issue 17: Arrow strip, empty -> missing, then str/None."""
    t = s.astype(_STR).str.strip()
    t = t.where((t.str.len() > 0).fillna(False))
    o = t.astype(object)
    return o.where(o.notna(), None)


@settings(max_examples=80, deadline=None)
@given(st.lists(_cells, max_size=30), st.sampled_from([None, np.nan, pd.NA]))
def test_clean_text_equals_the_reference(cells, missing):
    s = pd.Series([missing if c is None else c for c in cells], dtype=object)
    cache = _TextCache()
    got = cache.to_object(_clean_text(s, cache))
    want = _reference_clean(s).to_numpy()
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert type(g) is type(w) and (g is None or g == w), (g, w)


@settings(max_examples=60, deadline=None)
@given(st.lists(_cells, max_size=30))
def test_reader_cleaning_equals_the_excel_readers(cells):
    import pyarrow as pa

    texts = ["" if c is None else c for c in cells]
    got = _clean_arrow_column(pa.chunked_array([pa.array(texts, type=pa.string())], type=pa.string()))
    want = _clean_text_column(pd.Series(texts, dtype=object)).tolist()
    assert got.to_pylist() == want


def test_mapping_cells_that_are_not_text_take_the_pandas_path():
    frame = pd.DataFrame({"id": ["P1", "P2"], "name": [" Ann ", "Bo"], "side": ["customer", "customer"],
                          "level": pd.Series([3, None], dtype=object)})
    out = validate(RawImport({"people": RawTable("people", frame, "crm")})).tables["people"]
    assert out["name"].tolist() == ["Ann", "Bo"]
    assert out["level"].tolist()[0] == 3


# ---------------------------------------------------------------------------------------
# whole numbers and dates: Arrow's strict casts against the pandas path
# ---------------------------------------------------------------------------------------

_int_cells = st.one_of(st.none(), st.integers(-10**17, 10**17).map(str), st.integers(-999, 10**6).map(str),
                       st.sampled_from(["007", "-0", "+5", "0x10", "1.0", "1e3", "--5", "12.5", "x", "١٢",
                                        "9007199254740993", "123456789012345", "1234567890123456"]))
_date_cells = st.one_of(st.none(), st.dates().map(str),
                        st.dates(dt.date(1678, 1, 1), dt.date(2261, 12, 31)).map(str),
                        st.sampled_from(["2024-02-30", "2023-02-29", "2024-2-3", "2024/02/03", "1677-12-31",
                                         "2262-01-01", "2024-03-05 10:30", "20240305", "0x10"]))


def _parse_both(parse, fast_name, cells, monkeypatch):
    from kamgraph.schema import Column

    v = V

    col = Column("c", "int" if parse is v._parse_int else "date", min=-10**16 if parse is v._parse_int else None,
                 max=10**16 if parse is v._parse_int else None)
    s = pd.Series(list(cells), dtype=object).astype(_STR)
    frame = pd.DataFrame({"_file": ["f.csv"] * len(s), "_row": np.arange(2, len(s) + 2)})
    fast_out = v._Problems()
    fast = parse(col, s, fast_out, frame)
    with monkeypatch.context() as m:
        m.setattr(v, fast_name, lambda s: None)
        slow_out = v._Problems()
        slow = parse(col, s, slow_out, frame)
    assert fast.dtype == slow.dtype
    pd.testing.assert_series_equal(fast, slow, check_exact=True)
    assert fast_out.items == slow_out.items


@settings(max_examples=80, deadline=None)
@given(st.lists(_int_cells, max_size=20))
@example(["1", None, "-20"])
def test_whole_numbers_fast_path_equals_pandas(cells):

    with pytest.MonkeyPatch.context() as mp:
        _parse_both(V._parse_int, "_plain_ints", cells, mp)


@settings(max_examples=80, deadline=None)
@given(st.lists(_date_cells, max_size=20))
@example(["2024-02-29", None, "1678-01-01", "2261-12-31"])
def test_dates_fast_path_equals_pandas(cells):

    with pytest.MonkeyPatch.context() as mp:
        _parse_both(V._parse_date, "_iso_dates", cells, mp)


def test_fast_paths_are_taken_for_plain_columns():

    assert V._plain_ints(pd.Series(["1", "-20", None], dtype=_STR)).tolist()[:2] == [1.0, -20.0]
    assert V._plain_ints(pd.Series(["0x10"], dtype=_STR)) is None
    assert V._iso_dates(pd.Series(["2024-02-29", None], dtype=_STR)).iloc[0] == pd.Timestamp("2024-02-29")
    assert V._iso_dates(pd.Series(["1677-12-31"], dtype=_STR)) is None


def test_cache_shortcuts_change_nothing(tmp_path, monkeypatch):
    """Codes from index_in, shared Python text and factorize by dictionary encoding give
    what pandas' factorize and a plain conversion give."""
    d = _messy_folder(tmp_path, 3, False)
    fast = _outcome(read_path(d))
    monkeypatch.setattr(V._TextCache, "found_in", lambda self, s, ids: False)
    monkeypatch.setattr(V._TextCache, "to_object", lambda self, s: s.array._pa_array.to_numpy(zero_copy_only=False))

    def pandas_factorize(arr):
        codes, uniques = pd.arrays.ArrowStringArray(arr).factorize()
        return codes, uniques._pa_array.combine_chunks()

    monkeypatch.setattr(V, "_factorize", pandas_factorize)
    plain = _outcome(read_path(d))
    assert fast[2] is None and plain[2] is None
    assert fast[1] == plain[1]
    assert_same_tables(fast[0], plain[0])


@pytest.mark.parametrize("bad", [False, True])
def test_threaded_parse_and_cleaning_read_the_same(tmp_path, monkeypatch, bad):
    from kamgraph.ingest import readers

    d = _messy_folder(tmp_path, 4, bad)
    single = read_path(d)
    monkeypatch.setattr(readers, "_THREADED", 1)  # every file on two threads
    threaded = read_path(d)
    assert [str(p) for p in threaded.problems] == [str(p) for p in single.problems]
    assert list(threaded.tables) == list(single.tables)
    for name, t in threaded.tables.items():
        assert t.rows == single.tables[name].rows
        pd.testing.assert_frame_equal(t.frame, single.tables[name].frame)
