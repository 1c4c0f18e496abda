"""A generic column mapping, written in TOML, from any CSV/Excel export to kamgraph.

One ``[entities.<name>]`` table per kamgraph entity (``[[entities.<name>]]`` when an
entity comes from several files) says which file or sheet holds it and which source
header fills each kamgraph column::

    name = "acme-crm"                 # optional, shown in messages
    date_format = "%d.%m.%Y"          # optional, for every date column (strptime codes)

    [entities.accounts]
    file = "companies.csv"
    columns = { id = "Company ID", name = "Company", city = "Town" }

    [entities.people]
    file = "contacts.csv"
    columns = { id = "Contact ID", title = "Job Title" }
    concat.name = ["First Name", "Last Name"]       # joined with a space
    constants = { side = "customer" }

    [entities.employment]
    file = "contacts.csv"
    columns = { person_id = "Contact ID", org_id = "Company ID", decision_role = "Role" }
    values.decision_role = { "Decision Maker" = "decision_maker", "Gatekeeper" = "procurement" }

Keys of an entity table: ``file`` (CSV or .xlsx, relative to the *source* folder given
to ``kamgraph import``, not to the TOML file, so one mapping serves every monthly
export), ``sheet`` (a sheet of ``file``, of the top-level ``workbook``, or of the
imported workbook itself), ``columns``, ``concat``, ``constants``, ``values``,
``date_format``, ``delimiter``, ``skip_blank`` (target columns; rows where one is empty
are skipped, e.g. report exports with one row per account and optional contact) and
``drop_duplicates`` (drop rows identical in every mapped column, e.g. accounts repeated
on every contact row), ``aggregate`` (a column computed per id from another file, e.g.
``aggregate.revenue = { file = "deals.csv", by = "Account", sum = "Value", where = { Stage
= "Won" } }``) and, for opportunities, ``owner`` (the column holding the internal owner,
who is put on the account's team: ``owner = { column = "Owner", team_role = "sr" }``).
The full reference is docs/crm-mappings.md.

Besides the tables, reading reports what a dirty export needs to show: the rows each
``skip_blank`` rule skipped (by row number), the source columns no part of the mapping
reads (one warning per file), and non-numeric values an aggregate has to add up (as
problems naming file, row and column).

Values are passed through untouched (no trimming or case folding) except where a
``values`` map or ``date_format`` says otherwise; validation then checks them like any
native CSV.
"""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kamgraph.errors import ImportValidationError, KamgraphError, Problem
from kamgraph.i18n import _, ngettext
from kamgraph.ingest.limits import check_regular_file, default_limits, too_many_rows
from kamgraph.ingest.mappings import add_tables, raw_table, read_csv_file, target_columns
from kamgraph.ingest.notices import Notice
from kamgraph.ingest.raw import RawImport, RawTable
from kamgraph.ingest.readers import ReadImport
from kamgraph.ingest.workbook import check_sheet, formula_problems, open_workbook
from kamgraph.model import TeamRole
from kamgraph.schema import ENTITIES

__all__ = ["TomlMapping", "EntitySpec", "Aggregate", "parse_mapping", "AGGREGATE_FUNCTIONS",
           "DEFAULT_OWNER_TEAM_ROLE"]

_ENTITY_KEYS = (
    "file", "sheet", "columns", "concat", "constants", "values",
    "date_format", "delimiter", "skip_blank", "drop_duplicates", "aggregate", "owner",
)
_AGGREGATE_KEYS = ("file", "sheet", "by", "where", "delimiter") + ("sum", "mean", "min", "max", "count")
#: what ``aggregate`` can compute per id; sum and count of nothing are 0, the others empty
AGGREGATE_FUNCTIONS: tuple[str, ...] = ("sum", "mean", "min", "max", "count")
#: team role an opportunity's owner gets on the account team unless ``owner.team_role`` says
#: otherwise: owning a deal does not make someone the account responsible (AR), solution
#: (SR) or fulfilment (FR) lead, so the mapping has to say so to claim it
DEFAULT_OWNER_TEAM_ROLE = "other"
_TOP_KEYS = ("name", "description", "date_format", "delimiter", "workbook", "entities")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Aggregate:
    """``aggregate.<target>``: a column computed per id from the rows of another file."""

    target: str  # the kamgraph column filled, e.g. "revenue"
    file: str | None
    sheet: str | None
    by: str  # source header holding the id of this entity's row (e.g. "account")
    function: str  # one of AGGREGATE_FUNCTIONS
    column: str  # source header aggregated
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (header, accepted values)
    delimiter: str = ","

    @property
    def headers(self) -> list[str]:
        return list(dict.fromkeys([self.by, self.column] + [h for h, _v in self.where]))


@dataclass(frozen=True)
class EntitySpec:
    """How one source file or sheet fills one kamgraph entity."""

    entity: str
    label: str  # "[entities.people]" or "[[entities.people]] #2", for messages
    file: str | None = None
    sheet: str | None = None
    columns: tuple[tuple[str, str], ...] = ()  # (target, source header)
    concat: tuple[tuple[str, tuple[str, ...], str], ...] = ()  # (target, headers, separator)
    constants: tuple[tuple[str, str], ...] = ()  # (target, value)
    values: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (target, ((from, to), ...))
    date_format: str | None = None
    delimiter: str = ","
    skip_blank: tuple[str, ...] = ()
    drop_duplicates: bool = False
    aggregates: tuple[Aggregate, ...] = ()
    owner: tuple[str, str] | None = None  # (source header of the owner's person id, team role)

    @property
    def headers(self) -> list[str]:
        """Every source header this spec reads from its own file, in mapping order."""
        out = [h for _c, h in self.columns]
        for _c, hs, _sep in self.concat:
            out.extend(hs)
        if self.owner is not None:
            out.append(self.owner[0])
        return list(dict.fromkeys(out))


@dataclass(frozen=True)
class TomlMapping:
    """A mapping loaded from a TOML file; ``read(path)`` applies it to an export."""

    path: Path
    specs: tuple[EntitySpec, ...]
    name: str = "toml"
    workbook: str | None = None
    description: str = ""

    @classmethod
    def from_file(cls, path: str | Path) -> "TomlMapping":
        """Load and check a mapping file; every mistake is a :class:`KamgraphError`."""
        p = Path(path)
        if not p.is_file():
            raise KamgraphError(_("mapping file not found: {path}").format(path=p))
        try:
            doc = tomllib.loads(p.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise KamgraphError(_("{file}: not valid TOML ({error})").format(file=p.name, error=e)) from e
        except OSError as e:  # permission denied, a folder named *.toml ...
            raise KamgraphError(_("{file}: the mapping file cannot be read ({error})").format(
                file=p.name, error=e.strerror or e)) from None
        return parse_mapping(doc, p)

    def read(self, path: str | Path) -> RawImport:
        """Read the export at ``path`` (a folder, a CSV file or a workbook).

        Besides the tables: a warning per file listing the source columns no part of the
        mapping reads, a warning per ``skip_blank`` rule naming the rows it skipped, and a
        problem per non-numeric value an ``aggregate`` has to add up.
        """
        src = Path(path)
        if not src.exists():
            raise KamgraphError(_("import source not found: {path}").format(path=src))
        folder = src if src.is_dir() else src.parent
        cache: dict[tuple[Path, str | None, str], _Source] = {}
        used: dict[tuple[Path, str | None, str], set[int]] = {}
        warnings: list[str] = []
        missing: list[str] = []

        def load(file: str | None, sheet: str | None, delimiter: str, where: str, headers: list[str]) -> _Source:
            file_path, sheet = self._locate(file, sheet, src, folder, where)
            key = (file_path, sheet, delimiter)
            if key not in cache:
                cache[key] = _load(file_path, sheet, delimiter, where)
                warnings.extend(cache[key].warnings)
            source = cache[key]
            missing.extend(_missing_headers(headers, source, where))
            used.setdefault(key, set()).update(
                i for i in (_header_index(h, source.headers) for h in headers) if i is not None)
            return source

        loaded: list[tuple[EntitySpec, _Source, dict[str, _Source]]] = []
        for spec in self.specs:
            source = load(spec.file, spec.sheet, spec.delimiter, self._where(spec), spec.headers)
            aggs = {a.target: load(a.file, a.sheet, a.delimiter, f"{self._where(spec)} aggregate.{a.target}",
                                   a.headers) for a in spec.aggregates}
            loaded.append((spec, source, aggs))
        if missing:
            raise KamgraphError("\n".join(missing))
        raw = ReadImport(source=str(src), warnings=warnings)
        parts = [part for spec, source, aggs in loaded for part in _apply(spec, source, aggs, warnings, raw.problems)]
        tables = _without_repeated_owners(parts)
        for key, source in cache.items():
            unused = [h for i, h in enumerate(source.headers) if h and i not in used.get(key, set())]
            if unused:
                n = len(unused)
                text = ngettext("{n} column not used by the mapping {mapping}: {columns}",
                                "{n} columns not used by the mapping {mapping}: {columns}", n)
                warnings.append(Notice.at(
                    source.name, text.format(n=n, mapping=self.path.name, columns=", ".join(repr(h) for h in unused)),
                    value=", ".join(unused)))
        add_tables(raw, tables)
        return raw

    def _where(self, spec: EntitySpec) -> str:
        return f"{self.path.name} {spec.label}"

    def _locate(self, file: str | None, sheet: str | None, src: Path, folder: Path, where: str) -> tuple[Path, str | None]:
        name = file or (self.workbook if sheet else None)
        if name is None:
            if src.is_dir():
                raise KamgraphError(
                    _("{where}: no file = ... given, and the import source {source} is a folder").format(
                        where=where, source=src)
                )
            return src, sheet
        p = Path(name)
        p = p if p.is_absolute() else folder / p
        if p.exists() or p.is_symlink():
            check_regular_file(p, f"{where}: {name}")
        if not p.is_file():
            raise KamgraphError(
                _("{where}: file {file} not found in the source folder {folder} "
                  "(file paths are relative to the imported folder, not to the mapping file)").format(
                    where=where, file=repr(name), folder=folder)
            )
        return p, sheet


# ---------------------------------------------------------------------------- parsing


def _suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower().strip(): c for c in choices}
        close = difflib.get_close_matches(word.lower().strip(), list(lowered), n=1, cutoff=0.6)
        close = [lowered[c] for c in close]
    return _("; did you mean {name}?").format(name=repr(close[0])) if close else ""


def parse_mapping(doc: dict, path: Path) -> TomlMapping:
    """Check a parsed TOML document and build the :class:`TomlMapping` it describes."""
    f = path.name
    for k in doc:
        if k not in _TOP_KEYS:
            raise KamgraphError(_("{where}: unknown key {key}{suggestion} (allowed: {allowed})").format(
                where=f, key=repr(k), suggestion=_suggest(k, _TOP_KEYS), allowed=", ".join(_TOP_KEYS)))
    entities = doc.get("entities")
    if not isinstance(entities, dict) or not entities:
        raise KamgraphError(_("{where}: no [entities.<name>] tables; name at least one of {entities}").format(
            where=f, entities=", ".join(ENTITIES)))
    default_fmt = _opt_str(doc, "date_format", f)
    default_delim = _opt_str(doc, "delimiter", f) or ","
    specs: list[EntitySpec] = []
    for entity, body in entities.items():
        if entity not in ENTITIES:
            raise KamgraphError(
                _("{where}: unknown entity {table}{suggestion} (entities: {entities})").format(
                    where=f, table=f"[entities.{entity}]", suggestion=_suggest(entity, tuple(ENTITIES)),
                    entities=", ".join(ENTITIES))
            )
        bodies = body if isinstance(body, list) else [body]
        for i, b in enumerate(bodies, start=1):
            label = f"[entities.{entity}]" if not isinstance(body, list) else f"[[entities.{entity}]] #{i}"
            if not isinstance(b, dict):
                raise KamgraphError(_("{where}: must be a table").format(where=f"{f} {label}"))
            specs.append(_parse_entity(entity, label, b, f, default_fmt, default_delim))
    return TomlMapping(
        path=path, specs=tuple(specs), name=_opt_str(doc, "name", f) or path.stem,
        workbook=_opt_str(doc, "workbook", f), description=_opt_str(doc, "description", f) or "",
    )


def _opt_str(d: dict, key: str, where: str) -> str | None:
    v = d.get(key)
    if v is not None and not isinstance(v, str):
        raise KamgraphError(_("{where}: {key} must be a string, not {value}").format(where=where, key=key, value=repr(v)))
    return v


def _parse_entity(entity: str, label: str, b: dict, f: str, default_fmt: str | None, default_delim: str) -> EntitySpec:
    where = f"{f} {label}"
    for k in b:
        if k not in _ENTITY_KEYS:
            raise KamgraphError(_("{where}: unknown key {key}{suggestion} (allowed: {allowed})").format(
                where=where, key=repr(k), suggestion=_suggest(k, _ENTITY_KEYS), allowed=", ".join(_ENTITY_KEYS)))
    targets = target_columns(entity)

    def check_target(col: str, what: str) -> None:
        if col not in targets:
            raise KamgraphError(
                _("{where}: {key} names {column}, which is not a column of {entity}{suggestion} "
                  "(columns: {columns})").format(where=where, key=what, column=repr(col), entity=entity,
                                                 suggestion=_suggest(col, targets), columns=", ".join(targets))
            )

    def str_table(key: str) -> dict[str, object]:
        v = b.get(key, {})
        if not isinstance(v, dict):
            raise KamgraphError(_("{where}: {key} must be a table like {example}").format(
                where=where, key=key, example=f'{key} = {{ id = "..." }}'))
        return v

    columns: list[tuple[str, str]] = []
    for col, header in str_table("columns").items():
        check_target(col, "columns")
        if not isinstance(header, str):
            raise KamgraphError(_("{where}: {key} must be a source header (a string), not {value}").format(
                where=where, key=f"columns.{col}", value=repr(header)))
        columns.append((col, header))
    concat: list[tuple[str, tuple[str, ...], str]] = []
    for col, parts in str_table("concat").items():
        check_target(col, "concat")
        sep = " "
        if isinstance(parts, dict):
            sep = parts.get("separator", " ")
            parts = parts.get("columns")
        if not isinstance(parts, list) or not parts or not all(isinstance(p, str) for p in parts) or not isinstance(sep, str):
            raise KamgraphError(
                _("{where}: {key} must be a list of source headers, e.g. {example}, or {example_table}").format(
                    where=where, key=f"concat.{col}", example='["First Name", "Last Name"]',
                    example_table='{ columns = [...], separator = "-" }')
            )
        concat.append((col, tuple(parts), sep))
    constants: list[tuple[str, str]] = []
    for col, value in str_table("constants").items():
        check_target(col, "constants")
        if isinstance(value, (dict, list)):
            raise KamgraphError(_("{where}: {key} must be a single value, not {value}").format(
                where=where, key=f"constants.{col}", value=repr(value)))
        constants.append((col, "true" if value is True else "false" if value is False else str(value)))
    values: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    for col, vmap in str_table("values").items():
        check_target(col, "values")
        if not isinstance(vmap, dict) or not all(isinstance(v, (str, int, float)) for v in vmap.values()):
            raise KamgraphError(_("{where}: {key} must map source values to kamgraph values, e.g. {example}").format(
                where=where, key=f"values.{col}", example='{ "Decision Maker" = "decision_maker" }'))
        values.append((col, tuple((str(k), str(v)) for k, v in vmap.items())))
    seen: dict[str, str] = {}
    for what, cols in (("columns", [c for c, _h in columns]), ("concat", [c for c, _p, _s in concat]),
                       ("constants", [c for c, _v in constants])):
        for c in cols:
            if c in seen:
                raise KamgraphError(_("{where}: {column} is given by both {first} and {second}; give it once").format(
                    where=where, column=repr(c), first=seen[c], second=what))
            seen[c] = what
    if not seen:
        raise KamgraphError(_("{where}: maps no columns; add {example}").format(where=where, example="columns = { ... }"))
    unfilled = [c for c, _m in values if c not in seen]
    if unfilled:
        raise KamgraphError(_("{where}: {key} maps a column that columns/concat does not fill").format(
            where=where, key=f"values.{unfilled[0]}"))
    skip_blank = b.get("skip_blank", [])
    if isinstance(skip_blank, str):
        skip_blank = [skip_blank]
    if not isinstance(skip_blank, list) or not all(isinstance(c, str) for c in skip_blank):
        raise KamgraphError(_("{where}: skip_blank must be a list of kamgraph columns, e.g. {example}").format(
            where=where, example='["id"]'))
    for c in skip_blank:
        check_target(c, "skip_blank")
    drop = b.get("drop_duplicates", False)
    if not isinstance(drop, bool):
        raise KamgraphError(_("{where}: drop_duplicates must be true or false").format(where=where))
    for key in ("file", "sheet", "date_format", "delimiter"):
        _opt_str(b, key, where)
    delim = b.get("delimiter", default_delim)
    if len(delim) != 1:
        raise KamgraphError(_("{where}: delimiter must be one character, not {value}").format(
            where=where, value=repr(delim)))
    aggregates = tuple(_parse_aggregate(entity, where, target, body, seen, default_delim)
                       for target, body in str_table("aggregate").items())
    for a in aggregates:
        check_target(a.target, "aggregate")
    owner = _parse_owner(entity, where, b.get("owner"), seen)
    return EntitySpec(
        entity=entity, label=label, file=b.get("file"), sheet=b.get("sheet"), columns=tuple(columns),
        concat=tuple(concat), constants=tuple(constants), values=tuple(values),
        date_format=b.get("date_format", default_fmt), delimiter=delim, skip_blank=tuple(skip_blank),
        drop_duplicates=drop, aggregates=aggregates, owner=owner,
    )


def _parse_aggregate(entity: str, where: str, target: str, body: object, seen: dict[str, str],
                     default_delim: str) -> Aggregate:
    """``aggregate.revenue = { file = "deals.csv", by = "account", sum = "value", where = { stage = "Won" } }``."""
    here = f"{where}: aggregate.{target}"
    example = ('e.g. aggregate.revenue = { file = "deals.csv", by = "Account", sum = "Value", '
               'where = { Stage = "Won" } }')
    if not isinstance(body, dict):
        raise KamgraphError(_("{where} must be a table, {example}").format(where=here, example=example))
    for k in body:
        if k not in _AGGREGATE_KEYS:
            raise KamgraphError(_("{where}: unknown key {key}{suggestion} (allowed: {allowed})").format(
                where=here, key=repr(k), suggestion=_suggest(k, _AGGREGATE_KEYS), allowed=", ".join(_AGGREGATE_KEYS)))
    if "id" not in ENTITIES[entity].key or "id" not in seen:
        raise KamgraphError(_("{where}: aggregates are matched to this entity's id, so columns must give id").format(
            where=here))
    if target in seen:
        raise KamgraphError(_("{where}: {column} is also given by {first}; give it once").format(
            where=here, column=repr(target), first=seen[target]))
    functions = [f for f in AGGREGATE_FUNCTIONS if f in body]
    if len(functions) != 1:
        raise KamgraphError(_("{where}: give exactly one of {functions} (the source header to aggregate), "
                              "{example}").format(where=here, functions=", ".join(AGGREGATE_FUNCTIONS), example=example))
    fn = functions[0]
    for k in ("by", fn, "file", "sheet", "delimiter"):
        v = body.get(k)
        if v is not None and not isinstance(v, str):
            raise KamgraphError(_("{where}: {key} must be a string (a source header or file name), not {value}").format(
                where=here, key=k, value=repr(v)))
    if not body.get("by"):
        raise KamgraphError(_("{where}: {example} must name the source column holding the {entity} id").format(
            where=here, example='by = "..."', entity=entity))
    if not body.get("file") and not body.get("sheet"):
        raise KamgraphError(_("{where}: name the file (or sheet) to aggregate, {example}").format(
            where=here, example=example))
    cond = body.get("where", {})
    if not isinstance(cond, dict):
        raise KamgraphError(_("{where}: where must be a table of source header = value(s), e.g. {example}").format(
            where=here, example='where = { Stage = "Won" }'))
    conditions = []
    for h, v in cond.items():
        vs = v if isinstance(v, list) else [v]
        if not vs or not all(isinstance(x, (str, int, float)) and not isinstance(x, bool) for x in vs):
            raise KamgraphError(_("{where}: {key} must be a value or a list of values, not {value}").format(
                where=here, key=f"where.{h}", value=repr(v)))
        conditions.append((h, tuple(str(x) for x in vs)))
    delim = body.get("delimiter", default_delim)
    if len(delim) != 1:
        raise KamgraphError(_("{where}: delimiter must be one character, not {value}").format(
            where=here, value=repr(delim)))
    return Aggregate(target, body.get("file"), body.get("sheet"), body["by"], fn, body[fn], tuple(conditions), delim)


def _parse_owner(entity: str, where: str, value: object, seen: dict[str, str]) -> tuple[str, str] | None:
    """``owner = "Sales Agent"`` or ``owner = { column = "Sales Agent", team_role = "ar" }``."""
    if value is None:
        return None
    if entity != "opportunities":
        raise KamgraphError(_("{where}: owner is read for opportunities only (the person who owns the deal)").format(
            where=where))
    if "account_id" not in seen:
        raise KamgraphError(_("{where}: owner puts the owner on the account team, so columns must give "
                              "account_id").format(where=where))
    role = DEFAULT_OWNER_TEAM_ROLE
    if isinstance(value, dict):
        unknown = [k for k in value if k not in ("column", "team_role")]
        if unknown:
            raise KamgraphError(_("{where}: owner has unknown key {key} (allowed: column, team_role)").format(
                where=where, key=repr(unknown[0])))
        role = value.get("team_role", role)
        value = value.get("column")
    roles = TeamRole.values()
    if not isinstance(value, str) or not value:
        raise KamgraphError(_("{where}: owner must name the source column of the owner's person id, e.g. "
                              "{example} or {example_table}").format(
            where=where, example='owner = "Sales Agent"',
            example_table='owner = { column = "Sales Agent", team_role = "ar" }'))
    if role not in roles:
        raise KamgraphError(_("{where}: owner.team_role {value} is not a team role{suggestion} "
                              "(team roles: {roles})").format(where=where, value=repr(role),
                                                             suggestion=_suggest(str(role), roles), roles=", ".join(roles)))
    return value, role


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Source:
    """One file or sheet: headers, a positional frame of str|None cells, row numbers."""

    name: str  # "contacts.csv" or "crm.xlsx sheet Contacts"
    headers: list[str]
    frame: pd.DataFrame  # columns 0..n-1 by position
    rows: list[int]
    warnings: tuple[str, ...] = field(default=())

    def column(self, header: str) -> pd.Series:
        """Cells under ``header``: exact match first, else ignoring case and spacing."""
        idx = _header_index(header, self.headers)
        assert idx is not None, header  # checked by _missing_headers
        return self.frame[idx].reset_index(drop=True)


def _norm(h: str) -> str:
    return " ".join(h.split()).casefold()


def _header_index(header: str, headers: list[str]) -> int | None:
    if header in headers:
        return headers.index(header)
    wanted = _norm(header)
    hits = [i for i, h in enumerate(headers) if _norm(h) == wanted]
    return hits[0] if len(hits) == 1 else None


def _missing_headers(headers: list[str], source: _Source, where: str) -> list[str]:
    out = []
    for h in headers:
        if _header_index(h, source.headers) is None:
            out.append(
                _("{where}: column {column} not found in {file}{suggestion} (its headers: {headers})").format(
                    where=where, column=repr(h), file=source.name, suggestion=_suggest(h, [x for x in source.headers if x]),
                    headers=", ".join(repr(x) for x in source.headers))
            )
    return out


def _load(path: Path, sheet: str | None, delimiter: str, where: str) -> _Source:
    if path.suffix.lower() in _EXCEL_SUFFIXES:
        return _load_sheet(path, sheet, where)
    if sheet is not None:
        raise KamgraphError(_("{where}: sheet = {sheet} given, but {file} is not an Excel workbook (.xlsx)").format(
            where=where, sheet=repr(sheet), file=path.name))
    data = read_csv_file(path, delimiter=delimiter)
    width = max([len(data.header)] + [len(r) for r in data.records])
    records = [r + [""] * (width - len(r)) for r in data.records]
    frame = pd.DataFrame(records, columns=range(width), dtype=object) if records else pd.DataFrame(columns=range(width), dtype=object)
    frame = frame.where(frame != "", None)
    return _Source(path.name, data.header, frame, list(data.rows), data.warnings)


def _excel_cell(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    s = str(v)
    return s if s != "" else None


def _load_sheet(path: Path, sheet: str | None, where: str) -> _Source:
    limits = default_limits()
    try:
        wb = open_workbook(path, limits, path.name)
    except ImportValidationError:
        raise
    except KamgraphError as e:
        raise KamgraphError(_("{where}: cannot read workbook {file} ({error})").format(
            where=where, file=path.name, error=e)) from None
    try:
        names = wb.sheetnames
        if sheet is None:
            raise KamgraphError(_("{where}: {file} is a workbook; name its sheet with {example} (sheets: {sheets})").format(
                where=where, file=path.name, example='sheet = "..."', sheets=", ".join(names)))
        if sheet not in names:
            raise KamgraphError(_("{where}: {file} has no sheet {sheet}{suggestion} (sheets: {sheets})").format(
                where=where, file=path.name, sheet=repr(sheet), suggestion=_suggest(sheet, names),
                sheets=", ".join(names)))
        ws = wb[sheet]
        source = _("{file} sheet {sheet}").format(file=path.name, sheet=sheet)
        check_sheet(ws, limits, source)
        it = ws.iter_rows(values_only=True)
        first = next(it, None) or ()
        headers = [("" if h is None else str(h)).strip() for h in first]
        records, rows = [], []
        for n, row in enumerate(it, start=2):
            if n - 1 > limits.max_rows:
                raise too_many_rows(n - 1, limits, source)
            cells = [_excel_cell(v) for v in row]
            if all(c is None for c in cells):
                continue
            records.append(cells)
            rows.append(n)
        problems = formula_problems(wb, ws, headers, 1, source)
        if problems:
            raise ImportValidationError(problems)
    finally:
        wb.close()
    width = max([len(headers)] + [len(r) for r in records])
    records = [r + [None] * (width - len(r)) for r in records]
    headers = headers + [""] * (width - len(headers))
    frame = pd.DataFrame(records, columns=range(width), dtype=object) if records else pd.DataFrame(columns=range(width), dtype=object)
    return _Source(_("{file} sheet {sheet}").format(file=path.name, sheet=sheet), headers, frame, rows)


# ---------------------------------------------------------------------------- applying


def _map_values(s: pd.Series, pairs: tuple[tuple[str, str], ...]) -> pd.Series:
    """Replace source values by the mapped ones: exact match, else ignoring case and
    surrounding spaces; values not in the map pass through for validation to judge."""
    exact = dict(pairs)
    loose = {k.strip().casefold(): v for k, v in pairs}
    return s.map(lambda x: x if x is None else exact.get(x, loose.get(x.strip().casefold(), x))).astype(object)


def _parse_dates(s: pd.Series, fmt: str) -> pd.Series:
    """Dates in ``fmt`` become ISO; values that do not parse are left for validation."""
    parsed = pd.to_datetime(s, format=fmt, errors="coerce")
    iso = parsed.dt.strftime("%Y-%m-%d").astype(object)
    return iso.where(parsed.notna(), s).astype(object)


def _norm_value(s: pd.Series) -> pd.Series:
    """Cells compared by ``where``: case and surrounding spaces ignored ("Won" = " won")."""
    return s.map(lambda x: x.strip().casefold() if isinstance(x, str) else x)


def _aggregate(spec: EntitySpec, a: Aggregate, source: _Source, ids: pd.Series,
               problems: list[Problem]) -> pd.Series:
    """``a`` computed per id of ``ids`` over the rows of ``source`` (vectorized groupby).

    Rows whose ``by`` cell is empty or whose ``where`` cells do not match are left out;
    a non-numeric value to sum, average, or compare is a problem naming its file, row and
    column. Ids without rows get 0 for sum and count, empty for mean, min and max.
    """
    by = source.column(a.by)
    vals = source.column(a.column)
    keep = by.notna()
    for header, accepted in a.where:
        keep &= _norm_value(source.column(header)).isin({v.strip().casefold() for v in accepted})
    rows = pd.Series(source.rows, dtype="int64")
    if a.function == "count":
        per = vals[keep].notna().groupby(by[keep]).sum()
    else:
        num = pd.to_numeric(vals.map(lambda x: x.strip() if isinstance(x, str) else x), errors="coerce")
        bad = keep & vals.notna() & num.isna()
        for r, v in zip(rows[bad.values].tolist(), vals[bad].tolist()):
            problems.append(Problem(source.name, int(r), a.column, v,
                                    _("{column} {value} is not a number; {target} is the {function} of {column} "
                                      "(use a decimal point and no thousands separators)").format(
                                        column=a.column, value=repr(v), target=f"{spec.entity}.{a.target}",
                                        function=a.function)))
        per = num[keep].groupby(by[keep]).agg(a.function)
    out = ids.map(per)
    if a.function in ("sum", "count"):
        out = out.where(out.notna() | ids.isna(), 0)
    return out.astype(object).where(out.notna(), None)


def _apply(spec: EntitySpec, source: _Source, aggs: dict[str, _Source], warnings: list[str],
           problems: list[Problem]) -> list[tuple[RawTable, bool]]:
    """The tables ``spec`` makes of ``source``: its entity's, and (for ``owner``) employment
    rows flagged ``True`` (derived: an explicit employment row of the same person and
    account wins)."""
    n = len(source.frame)
    data: dict[str, pd.Series] = {}
    for col, header in spec.columns:
        data[col] = source.column(header)
    for col, headers, sep in spec.concat:
        parts = [source.column(h).tolist() for h in headers]
        data[col] = pd.Series([sep.join(p for p in vals if p is not None) or None for vals in zip(*parts)],
                              dtype=object)
    for col, pairs in spec.values:
        data[col] = _map_values(data[col], pairs)
    if spec.date_format:
        dates = {c.name for c in ENTITIES[spec.entity].columns if c.type == "date"} | (
            {"assessed_on"} if spec.entity == "employment" else set()
        )
        for col in dates & set(data):
            data[col] = _parse_dates(data[col], spec.date_format)
    for col, value in spec.constants:
        data[col] = pd.Series([value] * n, dtype=object)
    for a in spec.aggregates:
        data[a.target] = _aggregate(spec, a, aggs[a.target], data["id"], problems)
    frame = pd.DataFrame(data, index=range(n), dtype=object)
    owner = source.column(spec.owner[0]) if spec.owner is not None else None
    rows = pd.Series(source.rows, dtype="int64")
    if spec.skip_blank:
        keep = frame[list(spec.skip_blank)].notna().all(axis=1)
        if (~keep).any():
            k = int((~keep).sum())
            text = ngettext("{n} row without {columns} skipped for {entity} (skip_blank)",
                            "{n} rows without {columns} skipped for {entity} (skip_blank)", k)
            warnings.append(Notice.at(
                source.name, text.format(n=k, columns=", ".join(spec.skip_blank), entity=spec.entity),
                rows[~keep.values].tolist(), column=spec.skip_blank[0]))
        frame, rows = frame[keep.values], rows[keep.values]
        owner = owner[keep.values] if owner is not None else None
    out: list[tuple[RawTable, bool]] = []
    if owner is not None:
        out.append((_owner_table(owner, frame["account_id"], rows, spec.owner[1], source.name), True))
    if spec.drop_duplicates:
        mapped = [c for c in frame.columns if c not in dict(spec.constants)]
        dup = frame.duplicated(subset=mapped or None, keep="first")
        frame, rows = frame[~dup.values], rows[~dup.values]
    out.insert(0, (raw_table(spec.entity, frame.reset_index(drop=True), source.name, rows.tolist()), False))
    return out


def _owner_table(owner: pd.Series, account: pd.Series, rows: pd.Series, team_role: str, name: str) -> RawTable:
    """Each opportunity owner on the account team of the opportunity's account, once per
    (owner, account), at the first row that says so."""
    emp = pd.DataFrame({"person_id": owner.to_numpy(dtype=object), "org_id": account.to_numpy(dtype=object),
                        "team_role": team_role, "_row": rows.to_numpy()})
    emp = emp[emp["person_id"].notna() & emp["org_id"].notna()]
    emp = emp.drop_duplicates(["person_id", "org_id"], keep="first")
    return raw_table("employment", emp[["person_id", "org_id", "team_role"]].reset_index(drop=True), name,
                     emp["_row"].tolist())


def _without_repeated_owners(parts: list[tuple[RawTable, bool]]) -> list[RawTable]:
    """Owner-derived employment rows, less those an explicit employment row (or an earlier
    owner table) already gives for the same person and account."""
    seen = {(p, o) for t, derived in parts if t.entity == "employment" and not derived
            for p, o in zip(t.frame["person_id"].tolist(), t.frame["org_id"].tolist())}
    out: list[RawTable] = []
    for t, derived in parts:
        if derived:
            keys = list(zip(t.frame["person_id"].tolist(), t.frame["org_id"].tolist()))
            keep = [k not in seen for k in keys]
            seen.update(keys)
            t = RawTable(t.entity, t.frame[keep].reset_index(drop=True), t.source,
                         [r for r, k in zip(t.rows, keep) if k])
        out.append(t)
    return out
