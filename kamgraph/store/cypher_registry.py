"""Named Cypher statements, read from the ``.cypher`` files in ``cypher/``.

Every statement the Neo4j store runs lives in a file under a header line::

    // name: upsert_people
    // Person nodes keyed by id.            <- optional comment lines: the statement's doc
    UNWIND $rows AS row
    MERGE (n:Person {id: row.id})
    SET n += row.props

A statement runs from its header to the next header (comment-only lines are its doc when
they follow the header, and are dropped elsewhere; a trailing ``;`` is dropped). Names are
unique across the files of a directory. The registry is the only way Cypher reaches the
driver: code asks for a statement by name and passes every value as a parameter; nothing
is assembled from text at run time.

Labels and relationship types are checked when the files are loaded: a statement that
uses a label outside :data:`ALLOWED_LABELS` or a type outside :data:`ALLOWED_TYPES` makes
:func:`load` fail, so the whitelist in code (:mod:`kamgraph.schema`) and the files cannot
drift apart silently.

>>> reg = load()
>>> reg.get("count_people").splitlines()[0]
'MATCH (n:Person)'
>>> "upsert_ties" in reg
True
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from kamgraph.errors import ConfigError
from kamgraph.schema import NODE_LABELS, REL_TYPES

#: The label of the one bookkeeping node (``{id: 'meta'}``, holding the data version).
META_LABEL = "KamgraphMeta"
#: The label of the audit trail's entries (cypher/audit.cypher).
AUDIT_LABEL = "AuditEntry"
#: Node labels a statement may use: the schema's, plus the meta and audit labels.
ALLOWED_LABELS: frozenset[str] = frozenset(NODE_LABELS | {META_LABEL, AUDIT_LABEL})
#: Relationship types a statement may use: the schema's (including ABOUT and FOR).
ALLOWED_TYPES: frozenset[str] = frozenset(REL_TYPES)


def default_directory() -> Path:
    """``$KAMGRAPH_CYPHER_DIR``, else the ``cypher/`` folder beside the ``kamgraph`` package
    (a source checkout or editable install), else the copy a wheel ships as ``kamgraph/_cypher``."""
    env = os.environ.get("KAMGRAPH_CYPHER_DIR")
    if env:
        return Path(env)
    beside = Path(__file__).resolve().parents[2] / "cypher"
    if beside.is_dir():
        return beside
    return Path(__file__).resolve().parents[1] / "_cypher"


def analysis_directory() -> Path:
    """The read-only queries for Neo4j Browser: ``cypher/analysis/``."""
    return default_directory() / "analysis"


class StatementNotFound(KeyError):
    """A statement name that no ``.cypher`` file defines (a bug, or files out of date)."""

    def __init__(self, names: Iterable[str], files: Iterable[Path]):
        self.names = tuple(names)
        self.files = tuple(files)
        listed = ", ".join(str(f) for f in self.files) or "(no .cypher files)"
        what = "statement" if len(self.names) == 1 else "statements"
        self.message = f"no Cypher {what} named {', '.join(map(repr, self.names))}; searched {listed}"
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.message


class CypherFileError(ConfigError):
    """A ``.cypher`` file is malformed, repeats a name or uses a label outside the whitelist."""


@dataclass(frozen=True)
class Statement:
    name: str
    text: str
    file: Path
    line: int  # 1-based line of the ``// name:`` header
    doc: str
    labels: frozenset[str]
    rel_types: frozenset[str]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


class Registry(Mapping[str, Statement]):
    """Statements by name, in file order."""

    def __init__(self, statements: Iterable[Statement], files: Iterable[Path]):
        self._by_name: dict[str, Statement] = {}
        for st in statements:
            if st.name in self._by_name:
                first = self._by_name[st.name]
                raise CypherFileError(f"Cypher statement {st.name!r} is defined twice: {first.where} and {st.where}")
            self._by_name[st.name] = st
        self.files: tuple[Path, ...] = tuple(files)

    def __getitem__(self, name: str) -> Statement:
        try:
            return self._by_name[name]
        except KeyError:
            raise StatementNotFound([name], self.files) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def get(self, name: str, default: object = None) -> str:  # type: ignore[override]
        """The text of statement ``name``; raises :class:`StatementNotFound` when missing.

        (Unlike ``Mapping.get`` there is no silent default: a missing statement is a bug.)
        """
        return self[name].text

    def require(self, names: Iterable[str], exhaustive_except: Iterable[str] | None = None) -> None:
        """Fail with one error naming every missing statement.

        With ``exhaustive_except`` (file names whose statements are all run by file, e.g.
        ``("schema.cypher",)``), also fail, with :class:`CypherFileError`, when a statement
        outside those files is not among ``names``: as in aiosql, every statement in the
        files is one the code runs, so a statement nothing runs cannot linger.
        """
        names = list(names)
        missing = [n for n in names if n not in self._by_name]
        if missing:
            raise StatementNotFound(missing, self.files)
        if exhaustive_except is not None:
            skip, wanted = set(exhaustive_except), set(names)
            unused = [s for s in self._by_name.values() if s.name not in wanted and s.file.name not in skip]
            if unused:
                raise CypherFileError("Cypher statements nothing runs (delete them, or run them): "
                                      + ", ".join(f"{s.name} ({s.where})" for s in unused))

    def in_file(self, file_name: str) -> list[Statement]:
        """The statements of one file (by base name), in the order written."""
        return [s for s in self._by_name.values() if s.file.name == file_name]


_HEADER = re.compile(r"^\s*//\s*name:\s*(\S+)\s*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def parse(text: str, file: Path | str = "<string>") -> list[Statement]:
    """Split one file's text into statements (see the module docstring for the format)."""
    file = Path(file)
    out: list[Statement] = []
    name: str | None = None
    start = 0
    doc: list[str] = []
    body: list[str] = []

    def flush() -> None:
        if name is None:
            return
        stmt = "\n".join(body).strip()
        if stmt.endswith(";"):
            stmt = stmt[:-1].rstrip()
        if not stmt:
            raise CypherFileError(f"{file}:{start}: statement {name!r} is empty")
        labels, types = labels_and_types(stmt)
        out.append(Statement(name, stmt, file, start, "\n".join(doc), labels, types))

    for no, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if m:
            flush()
            name, start, doc, body = m.group(1), no, [], []
            if not _NAME.match(name):
                raise CypherFileError(f"{file}:{no}: bad statement name {name!r} (use lower_snake_case)")
            continue
        stripped = line.strip()
        if stripped.startswith("//"):
            if name is not None and not body:
                doc.append(stripped[2:].strip())
            continue  # comments elsewhere introduce the next section: not part of a statement
        if name is None:
            if stripped:
                raise CypherFileError(f"{file}:{no}: Cypher before the first '// name:' header")
            continue
        if stripped or body:
            body.append(line.rstrip())
    flush()
    return out


_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_LINE_COMMENT = re.compile(r"//[^\n]*")
_IDENT = r"(?:`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)"
# in a (...) node pattern or [...] relationship pattern: ``:A``, ``:A|B``, ``:A:B``, ``: A``
_IN_PATTERN = re.compile(r":\s*(" + _IDENT + r"(?:\s*[|:&]\s*!?\s*" + _IDENT + r")*)")
# elsewhere, a label predicate is written without spaces: ``WHERE n:Person``
_PREDICATE = re.compile(r"(?<=[A-Za-z0-9_`]):(" + _IDENT + r"(?:[|:&]!?" + _IDENT + r")*)")
_SPLIT = re.compile(r"\s*[|:&]\s*!?\s*")


def labels_and_types(cypher: str) -> tuple[frozenset[str], frozenset[str]]:
    """The node labels and relationship types a statement mentions.

    String literals and comments are ignored. Inside ``(...)`` a ``:Name`` is a label,
    inside ``[...]`` a relationship type; elsewhere ``var:Name`` (no space) is a label
    predicate, while ``key: value`` (map entries) is not a label.

    >>> labels, types = labels_and_types(
    ...     "MATCH (a:Person)-[r:KNOWS {kind: 'x:Y'}]->(b:Account|Organization) WHERE b:Account RETURN a")
    >>> sorted(labels), sorted(types)  # sets: sorted, so the example holds under any hash seed
    (['Account', 'Organization', 'Person'], ['KNOWS'])
    """
    text = _LINE_COMMENT.sub(" ", _STRING.sub("''", cypher))
    labels: set[str] = set()
    types: set[str] = set()
    stack: list[str] = []
    i = 0
    pairs = {")": "(", "]": "[", "}": "{"}
    while i < len(text):
        ch = text[i]
        if ch in "([{":
            stack.append(ch)
        elif ch in ")]}":
            if stack and stack[-1] == pairs[ch]:
                stack.pop()
        elif ch == ":":
            top = stack[-1] if stack else ""
            if top in ("(", "["):
                m = _IN_PATTERN.match(text, i)
                if m:
                    names = [n.strip("`") for n in _SPLIT.split(m.group(1)) if n]
                    (types if top == "[" else labels).update(names)
                    i = m.end()
                    continue
            else:
                m = _PREDICATE.match(text, i)
                if m and i > 0 and not text[i - 1].isspace():
                    labels.update(n.strip("`") for n in re.split(r"[|:&]!?", m.group(1)) if n)
                    i = m.end()
                    continue
        i += 1
    return frozenset(labels), frozenset(types)


def check_whitelist(statements: Iterable[Statement], allowed_labels: frozenset[str] = ALLOWED_LABELS,
                    allowed_types: frozenset[str] = ALLOWED_TYPES) -> None:
    """Raise :class:`CypherFileError` for any label or type outside the whitelist."""
    problems = []
    for st in statements:
        bad_l = sorted(st.labels - allowed_labels)
        bad_t = sorted(st.rel_types - allowed_types)
        if bad_l:
            problems.append(f"{st.where} ({st.name}): labels not in the whitelist: {', '.join(bad_l)}")
        if bad_t:
            problems.append(f"{st.where} ({st.name}): relationship types not in the whitelist: {', '.join(bad_t)}")
    if problems:
        raise CypherFileError("Cypher files use names outside the whitelist (kamgraph.schema):\n  "
                              + "\n  ".join(problems))


@lru_cache(maxsize=8)
def _load(directory: Path) -> Registry:
    if not directory.is_dir():
        raise CypherFileError(f"Cypher folder not found: {directory} (set KAMGRAPH_CYPHER_DIR to the project's cypher/)")
    files = sorted(directory.glob("*.cypher"))
    statements: list[Statement] = []
    for f in files:
        statements.extend(parse(f.read_text(encoding="utf-8"), f))
    check_whitelist(statements)
    return Registry(statements, files)


def load(directory: Path | str | None = None) -> Registry:
    """The statements of every ``*.cypher`` file in ``directory`` (default :func:`default_directory`).

    Loaded once per directory and cached; raises :class:`CypherFileError` for a malformed
    file, a duplicate name or a label/type outside the whitelist.
    """
    return _load(Path(directory).resolve() if directory is not None else default_directory().resolve())


def get(name: str) -> str:
    """The text of statement ``name`` from the default directory."""
    return load().get(name)
