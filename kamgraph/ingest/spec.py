"""The import format, written out from :data:`kamgraph.schema.ENTITIES`.

docs/data-format.md is exactly :func:`format_spec_markdown` (a test keeps them equal, so
the documentation cannot drift from the schema); :func:`format_spec_text` is the compact
version shown by ``kamgraph import --help`` and ``kamgraph validate --help``.

Regenerate the document after a schema change::

    python -c "from kamgraph.ingest.spec import write_spec; write_spec()"
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kamgraph.ingest.validate import EMPLOYMENT_ASSESSMENT_COLUMNS, TODAY_DEFAULT_COLUMNS
from kamgraph.schema import ENTITIES, FILE_ORDER, Column, Entity
from kamgraph.settings import LimitsSettings

__all__ = ["format_spec_markdown", "format_spec_text", "write_spec", "SPEC_PATH"]

#: Where the generated document lives in the source tree.
SPEC_PATH = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"

_TYPE_NAMES = {"str": "text", "int": "whole number", "float": "number", "bool": "true/false", "date": "date"}

# Notes the schema's column docs do not carry, keyed by (entity, column).
_NOTES = {
    ("people", "level"): "empty: derived from the title, else from the person's employment title",
    ("assessments", "assessed_on"): "empty: the import date",
    ("ties", "person_id"): "ties are undirected: either person may come first",
}


def _email_note() -> str:
    from kamgraph.ingest.messages import EMAIL_COLUMN_NOTE

    return EMAIL_COLUMN_NOTE

_L = LimitsSettings()
_LIMITS_TEXT = (
    "Checked before the expensive work, each with a message naming the file; set in `kamgraph.toml` "
    "under `[limits]`. A file (CSV or workbook) of at most "
    f"{_L.max_file_bytes // 1024**3} GB (`max_file_bytes`); at most {_L.max_rows:,} data rows per "
    f"file or sheet (`max_rows`); at most {_L.max_columns:,} columns (`max_columns`, counted on the "
    f"header line alone); a value of at most {_L.max_field_bytes // 1024**2} MB (`max_field_bytes`; a "
    "longer one is an error with its row and column); a workbook that unpacks to at most "
    f"{_L.max_workbook_bytes // 1024**2} MB (`max_workbook_bytes`) and to at most "
    f"{_L.max_compression_ratio:g} times its size on disk (`max_compression_ratio`: a zip bomb is "
    "refused from the zip directory, before anything is unpacked). The defaults take the benchmark's "
    "largest portfolio (5,000,000 attendance rows).")

_GENERAL_RULES = [
    ("Files",
     "One CSV file per entity, named `<entity>.csv` (`people.csv`, `ties.csv`, ...; names are "
     "case-insensitive), all in one folder: `kamgraph import FOLDER`. Only the files you need: "
     "a folder with just `people.csv` is a valid import. `README*`, `*.md` and `*.toml` files in "
     "the folder are ignored; any other `.csv` file whose name is not an entity is an error (with a "
     "suggestion: `peple.csv` -> did you mean people.csv?). A single `<entity>.csv` file can be "
     "imported on its own."),
    ("Excel alternative",
     "One `.xlsx` workbook with one sheet per entity, the sheet named after the entity "
     "(`people`, `ties`, ...); the same columns and rules as the CSV files. Row numbers in messages "
     "are the workbook's own row numbers. Sheets named README or Notes are ignored."),
    ("Encoding",
     "UTF-8, with or without a byte-order mark (Excel: Save As > \"CSV UTF-8\"); a file that is not "
     "UTF-8 but reads as Chinese GB18030/GBK (as Chinese Excel saves CSV) is read as that. A file in any "
     "other encoding (Windows-1252 ...) is rejected with the line and byte offset of the first "
     "non-UTF-8 byte, never read as garbled text. The same rule holds for every CRM mapping. "
     "Comma-separated; a value "
     "containing a comma, a double quote or a line break is enclosed in double quotes (`\"Smith, "
     "John\"`); a line with more or fewer fields than the header is an error naming its row."),
    ("Workbook cells",
     "Cells are read as Excel saved them. A formula cell without a saved value (a workbook written "
     "by a program that does not calculate formulas, such as openpyxl or pandas) is an error naming "
     "sheet, row and column: it would otherwise read as empty and clear the stored value. Open and "
     "save such a workbook in Excel first. An encrypted (password-protected) workbook or an old .xls "
     "is refused as such; remove the password and save it as .xlsx."),
    ("Files that are not files",
     "An entity file that is a symbolic link to nothing, a link loop, a folder or a pipe is an error "
     "naming it, never skipped silently."),
    ("Limits",
     _LIMITS_TEXT),
    ("Header and columns",
     "The first line names the columns; names are case-insensitive and may come in any order. "
     "Required columns must be present. An unknown column is an error with a suggestion (a typo "
     "must not silently drop data). Optional columns may be left out: a column left out keeps "
     "the values already stored; a column given with an empty cell clears the stored value."),
    ("Empty cells",
     "A cell that is empty or only spaces has no value. Surrounding spaces are removed from every "
     "value. Required columns must have a value in every row."),
    ("Types",
     "text: anything. whole number: `5` (or `5.0`). number: a decimal point and no thousands "
     "separators, e.g. `0.32` or `1250000`. true/false: `true`/`false`, `yes`/`no`, `y`/`n`, "
     "`1`/`0` (any case). Ranges are checked (e.g. influence 1..5)."),
    ("Dates",
     "`YYYY-MM-DD` (2024-03-31); also `YYYY/MM/DD` and either form followed by a time "
     "(`2024-03-31 14:30:00`, as Excel writes dates), the time being ignored. Anything else, "
     "such as `31/03/2024` or `March 31`, is rejected: day-first and month-first dates cannot be "
     "told apart."),
    ("Allowed values",
     "Case-insensitive; spaces and hyphens count as underscores, so `Decision Maker`, "
     "`decision-maker` and `decision_maker` are the same. A value not in the list is an error with a "
     "close-match suggestion: attitude 'suporter' is not one of champion, supporter, neutral, "
     "skeptic, opponent; did you mean 'supporter'?"),
    ("Ids and references",
     "Ids are text chosen by you (keep them stable: re-importing a row with the same key updates "
     "it). Account and organization ids share one namespace. A column that references another "
     "entity must hold an id present in the same import or already in the store (e.g. a tie to an "
     "unknown person is an error)."),
    ("Keys and duplicates",
     "Each entity has key columns (below); two rows with the same key in one import are an error "
     "naming both rows."),
    ("Ties are undirected",
     "A tie between A and B may be written A,B or B,A; it is stored once (smaller id first), so "
     "giving both orientations is a duplicate. A tie from a person to themselves is an error."),
    ("Assessment history",
     "Decision role, attitude and influence are dated assessments, kept as a history. A row of "
     "`assessments.csv` (or the assessment columns of `employment.csv`) with an empty "
     "`assessed_on` is dated with the import date. An assessment is added only if its role, attitude "
     "or influence differs from what the stored history says was in force on its date (a field "
     "left empty keeps the stored value), so importing the same files again adds nothing, while a "
     "changed attitude adds a new dated row and the old one stays in the history."),
    ("Level",
     "`people.level` (1 = board/CEO, 2 = VP/GM, 3 = director/head, 4 = manager, 5 = staff) is "
     "derived from the title (English and Chinese titles) when empty, else from the person's "
     "employment title; the import says how many levels it derived and which titles gave none."),
    ("All or nothing",
     "Every file is checked before anything is written, and every problem is reported together, "
     "each with its file, row (as a spreadsheet shows it: the header is row 1), column and value. "
     "If there is any problem nothing is written; otherwise the whole import is written in one "
     "transaction. Importing the same files twice changes nothing. `kamgraph validate PATH` checks "
     "without writing; `kamgraph import PATH --dry-run` also shows what would be written."),
]


def _allowed(col: Column) -> str:
    if col.enum:
        return ", ".join(f"`{v}`" for v in col.enum)
    if col.min is not None and col.max is not None:
        return f"{_num(col.min)}..{_num(col.max)}"
    if col.min is not None:
        return f">= {_num(col.min)}"
    if col.max is not None:
        return f"<= {_num(col.max)}"
    return ""


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _refs(col: Column) -> str:
    return " or ".join(f"{r}.id" for r in col.references)


def _notes(ent: Entity, col: Column) -> str:
    note = _email_note() if (ent.name, col.name) == ("people", "email") else _NOTES.get((ent.name, col.name), "")
    parts = [p for p in (col.doc, note) if p]
    return "; ".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _in_file(entity: str, col: Column) -> Column:
    """The column as a file sees it: assessed_on may be left empty (the import date)."""
    return replace(col, required=False) if (entity, col.name) in TODAY_DEFAULT_COLUMNS else col


def _table(ent: Entity, cols) -> list[str]:
    lines = ["| column | type | required | allowed values | references | notes |",
             "|---|---|---|---|---|---|"]
    for col in cols:
        col = _in_file(ent.name, col)
        row = [f"`{col.name}`", _TYPE_NAMES[col.type], "yes" if col.required else "",
               _allowed(col), _refs(col), _notes(ent, col)]
        lines.append("| " + " | ".join(_cell(x) for x in row) + " |")
    return lines


def format_spec_markdown() -> str:
    """The full data-format document (docs/data-format.md), generated from the schema."""
    out = [
        "# kamgraph data format",
        "",
        "<!-- Generated by kamgraph.ingest.spec.format_spec_markdown() from kamgraph/schema.py; "
        "do not edit by hand. -->",
        "",
        "What `kamgraph import` and `kamgraph validate` read: one table per entity, as CSV files "
        "in a folder or as sheets of one Excel workbook. CRM exports (Salesforce, Northwind, or "
        "any export described by a TOML column mapping) are read with `--mapping` and checked by "
        "the same rules.",
        "",
        "## General rules",
        "",
    ]
    for title, text in _GENERAL_RULES:
        out += [f"- **{title}.** {text}"]
    out += ["", "## Entities", "",
            "Entities in the order they are written (referenced entities first):", ""]
    out += [f"- [`{n}.csv`](#{n}csv): {ENTITIES[n].doc}" for n in FILE_ORDER]
    for name in FILE_ORDER:
        ent = ENTITIES[name]
        out += ["", f"### {ent.file_name}", "", ent.doc, "",
                "Key: " + ", ".join(f"`{k}`" for k in ent.key) + ".", ""]
        out += _table(ent, ent.columns)
        if name == "employment":
            assess = ENTITIES["assessments"]
            extra = [assess.column(c) for c in EMPLOYMENT_ASSESSMENT_COLUMNS]
            out += ["", "Optional assessment columns: instead of a separate `assessments.csv`, "
                    "`employment.csv` may carry the contact's assessment at that account. A row with a "
                    "decision role, attitude or influence becomes an `assessments` row "
                    "(`account_id` = `org_id`, which must then be an account):", ""]
            out += _table(assess, extra)
    # the other ways in: calendars and mail (kamgraph/ingest/messages.py documents its own rules)
    from kamgraph.ingest.messages import doc_section_markdown

    out += [""] + doc_section_markdown()
    out += ["", "## Edits", "", _EDITS_INTRO, ""]
    out += [f"- **{op}** (`{cli}`): {text}" for op, cli, text in _EDITS]
    out += ["", _AUDIT_TEXT]
    return "\n".join(out) + "\n"


_EDITS_INTRO = (
    "One change at a time, in the app (person card, the account page's side panel, the Data page) or "
    "with `kamgraph edit`. Each edit is checked by the same rules as a file import (the same messages, "
    "naming the field instead of a file and row), written in one transaction, and recorded in the "
    "history of changes with who made it and the source `edit: <operation>`. On any problem nothing "
    "is written. Editors and admins may edit; viewers read (see the README, Sign-in).")

#: (operation, CLI, what it writes); kamgraph/ingest/edit.py documents each in full
_EDITS = (
    ("add or edit a person", "kamgraph edit person",
     "a `people` row and, with an organization, their `employment` there; an empty level is derived "
     "from the title as in imports"),
    ("job change", "kamgraph edit job-change",
     "sets `until` on the current employment and starts a new one with `since`; the old job and the "
     "assessments made there stay as history"),
    ("assessment", "kamgraph edit assess",
     "appends a dated `assessments` row (decision role, attitude, influence, who assessed, source); "
     "never overwrites, and one identical to the assessment in force is not added"),
    ("log an interaction", "kamgraph edit log",
     "an `interactions` row and its `attendance` (people from both sides); its id is derived from its "
     "content, so logging the same interaction twice stores it once"),
    ("tie", "kamgraph edit tie [--end]",
     "adds a declared `ties` row (kind, strength 1..5, assessed on); ending deletes the declared tie, "
     "the interactions stay"),
    ("influence link", "kamgraph edit influence [--end]", "adds or deletes an `influence` row (weight 1..5)"),
    ("membership", "kamgraph edit membership [--end]",
     "adds or deletes a `memberships` row (memberships have no end date)"),
)

_AUDIT_TEXT = (
    "Every change, whichever way it came in, is kept in the store's history of changes (both stores): "
    "who, when, the source (a file path, `edit: assess`, ...), and each row's values before and after. "
    "An identical re-import writes nothing and keeps the data version. `kamgraph audit --person ID` / "
    "`--account ID` prints or exports it; erasing a person removes every entry that names them.")


def _column_brief(col: Column) -> str:
    text = col.name + ("*" if col.required else "")
    details = []
    if col.enum:
        details.append("|".join(col.enum))
    elif col.type != "str":
        rng = _allowed(col)
        details.append(f"{col.type} {rng}" if rng else col.type)
    if col.references:
        details.append("-> " + "|".join(col.references))
    return f"{text} ({', '.join(details)})" if details else text


def _wrap_tokens(head: str, tokens: list[str], width: int) -> list[str]:
    """``head tok1, tok2, ...`` wrapped at token boundaries (a column never splits)."""
    lines, line = [], head
    for i, tok in enumerate(tokens):
        piece = tok + ("," if i < len(tokens) - 1 else "")
        if len(line) + 1 + len(piece) > width and line.strip():
            lines.append(line)
            line = "    " + piece
        else:
            line = f"{line} {piece}"
    lines.append(line)
    return lines


def format_spec_text(width: int = 88) -> str:
    """A compact plain-text version of the format, for ``--help`` epilogs.

    Each paragraph starts with click's ``\\b`` marker so click prints it unwrapped.
    """
    lines = ["\b", "DATA FORMAT (full spec: docs/data-format.md; * = required)",
             "A folder of <entity>.csv files (UTF-8 or Chinese GBK, header row, any column order),",
             "or one .xlsx workbook with a sheet per entity (no password, formulas saved by Excel).",
             "Dates YYYY-MM-DD. Values of lists are case-insensitive. Every problem is reported",
             "with file, row and column; on any problem nothing is written. Re-importing the same",
             "files changes nothing. Limits (file size, rows, columns): [limits] in kamgraph.toml.",
             "", "\b"]
    for name in FILE_ORDER:
        ent = ENTITIES[name]
        cols = [_in_file(name, c) for c in ent.columns]
        if name == "employment":
            assess = ENTITIES["assessments"]
            cols += [_in_file(name, assess.column(c)) for c in EMPLOYMENT_ASSESSMENT_COLUMNS]
        lines += _wrap_tokens(f"{ent.file_name}:", [_column_brief(c) for c in cols], width)
    lines += ["", "\b",
              "Ties are undirected. Empty people.level is derived from the title. Assessments",
              "(decision role, attitude, influence) keep their history: an empty assessed_on is",
              "the import date, and only changes are added."]
    return "\n".join(lines)


def write_spec(path: str | Path = SPEC_PATH) -> Path:
    """Write :func:`format_spec_markdown` to ``path`` (default docs/data-format.md)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(format_spec_markdown(), encoding="utf-8")
    return p
