"""The catalogue's tools: extract the English strings, merge translations, compile, check.

``python -m kamgraph.i18n.catalog update`` extracts every string marked with ``_``, ``N_``, ``NP_``,
``ngettext``, ``pgettext`` or ``npgettext`` from ``kamgraph/`` and ``app.py`` (Babel's Python
extractor), keeps every translation already in
``kamgraph/i18n/locale/zh_CN/LC_MESSAGES/kamgraph.po`` (a string no longer in the code stays
as an obsolete ``#~`` entry, so its translation comes back if the string does; ``--prune``
drops them), adds the translations given with ``--add FILE.json`` (``{"English": "中文"}``; a
context is written ``"context\\u0004English"``), writes the ``.po`` sorted by message without
line numbers (small diffs) and compiles the ``.mo`` the app reads. Two writers wait for each
other (a lock file beside the catalogue).

``python -m kamgraph.i18n.catalog missing [FILE ...]`` lists the strings without a Chinese
translation (only those used in the files given), ``check`` lists every problem
:func:`problems` finds: a missing or fuzzy entry, a translation whose ``{placeholders}``
differ from the English, or a ``.mo`` older than its ``.po``.
"""

from __future__ import annotations

import argparse
import fcntl
import io
import json
import re
import sys
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from kamgraph.i18n import DOMAIN, LOCALE_DIR

PACKAGE_DIR = Path(__file__).resolve().parents[1]
ROOT = PACKAGE_DIR.parent
TARGET = "zh_CN"
PO_PATH = LOCALE_DIR / TARGET / "LC_MESSAGES" / f"{DOMAIN}.po"
MO_PATH = PO_PATH.with_suffix(".mo")
LOCK_PATH = LOCALE_DIR / ".catalog.lock"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "NP_": ((1, "c"), 2)}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)?(?:[!:][^{}]*)?\}")


def _key(message) -> tuple[str | None, str]:
    mid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
    return message.context, mid


def extract(root: Path = ROOT) -> Catalog:
    """The template: every marked string in ``kamgraph/`` and ``app.py``, with the files using it."""
    template = Catalog(domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(root / "kamgraph"), method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("Translators:",), strip_comment_tags=True):
        template.add(message, None, [(f"kamgraph/{filename}", lineno)], auto_comments=comments, context=context)
    app = root / "app.py"
    if app.exists():
        from babel.messages.extract import extract_from_file

        for lineno, message, comments, context in extract_from_file(
                "python", str(app), keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True):
            template.add(message, None, [("app.py", lineno)], auto_comments=comments, context=context)
    return template


def read_catalog(path: Path = PO_PATH) -> Catalog:
    if not path.exists():
        return Catalog(locale=TARGET, domain=DOMAIN)
    with open(path, "rb") as f:
        return read_po(f, locale=TARGET, domain=DOMAIN)


@contextmanager
def _locked():
    LOCK_PATH.parent.mkdir(parents=True, exist_ok=True)
    with open(LOCK_PATH, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _translation_of(message):
    s = message.string
    if isinstance(s, (tuple, list)):
        return s[0] if s and s[0] else None
    return s or None


def load_additions(paths: Iterable[Path]) -> dict[tuple[str | None, str], str]:
    out: dict[tuple[str | None, str], str] = {}
    for p in paths:
        data = json.loads(Path(p).read_text(encoding="utf-8"))
        if not isinstance(data, Mapping):
            raise SystemExit(f"{p}: expected a JSON object {{\"English\": \"中文\"}}")
        for k, v in data.items():
            ctx, _, mid = k.rpartition("\x04")
            out[(ctx or None, mid)] = str(v)
    return out


def update(additions: Mapping[tuple[str | None, str], str] | None = None, prune: bool = False,
           root: Path = ROOT, po_path: Path = PO_PATH) -> Catalog:
    """Extract, merge the known and the added translations, write the ``.po`` and the ``.mo``."""
    with _locked():
        template = extract(root)
        old = read_catalog(po_path)
        known: dict[tuple[str | None, str], str] = {}
        for m in list(old) + list(old.obsolete.values()):
            if m.id and _translation_of(m) and not m.fuzzy:
                known[_key(m)] = _translation_of(m)
        known.update(additions or {})
        new = Catalog(locale=TARGET, domain=DOMAIN, project="kamgraph", version="", fuzzy=False,
                      header_comment="# Chinese (Simplified) translations of kamgraph.\n"
                                     "# Maintained with `python -m kamgraph.i18n.catalog update`.")
        used = set()
        for m in template:
            if not m.id:
                continue
            key = _key(m)
            text = known.get(key)
            string = ((text or "",) if isinstance(m.id, (tuple, list)) else (text or ""))
            new.add(m.id, string, locations=sorted(set((f, None) for f, _ in m.locations)),
                    auto_comments=m.auto_comments, context=m.context)
            used.add(key)
        if not prune:
            for key, text in known.items():
                if key not in used:
                    new.obsolete[key[1] if key[0] is None else (key[1], key[0])] = _obsolete(key, text)
        _write(new, po_path)
        return new


def _obsolete(key, text):
    from babel.messages.catalog import Message

    return Message(key[1], text, context=key[0])


def _write(catalog: Catalog, po_path: Path) -> None:
    po_path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=0, sort_output=True, include_lineno=False, include_previous=False)
    tmp = po_path.with_suffix(".po.tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(po_path)
    compile_mo(po_path)


def compile_mo(po_path: Path = PO_PATH) -> None:
    catalog = read_catalog(po_path)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    mo = po_path.with_suffix(".mo")
    tmp = mo.with_suffix(".mo.tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(mo)
    from kamgraph.i18n import translations

    translations.cache_clear()


def placeholders(text: str) -> set[str]:
    """The named ``{placeholders}`` of a template.

    >>> sorted(placeholders("{n} of {total:,} people, {share:.0%}"))
    ['n', 'share', 'total']
    """
    return {m.group(1) or "" for m in _PLACEHOLDER.finditer(text)}


def problems(root: Path = ROOT, po_path: Path = PO_PATH) -> list[str]:
    """Every problem of the catalogue against the code: missing, fuzzy, placeholders, stale ``.mo``."""
    template = extract(root)
    catalog = read_catalog(po_path)
    out = []
    for m in template:
        if not m.id:
            continue
        have = catalog.get(m.id if not isinstance(m.id, (tuple, list)) else m.id[0], context=m.context)
        where = ", ".join(sorted({f for f, _ in m.locations}))
        eng = m.id if isinstance(m.id, str) else m.id[0]
        if have is None or not _translation_of(have):
            out.append(f"missing: {eng!r} ({where})")
            continue
        if have.fuzzy:
            out.append(f"fuzzy: {eng!r} ({where})")
        english = set().union(*(placeholders(s) for s in (m.id if isinstance(m.id, (tuple, list)) else [m.id])))
        strings = have.string if isinstance(have.string, (tuple, list)) else [have.string]
        for s in strings:
            if isinstance(m.id, (tuple, list)):
                # one Chinese form serves every count: it may use any of the English forms' placeholders
                bad = not placeholders(s) <= english
            else:
                bad = placeholders(s) != english
            if bad:
                out.append(f"placeholders differ: {eng!r} -> {s!r}")
    if po_path.exists() and (not MO_PATH.exists() or _mo_messages(MO_PATH) != _po_messages(po_path)):
        out.append(f"{MO_PATH.name} does not match {po_path.name}: run `python -m kamgraph.i18n.catalog update`")
    return out


def _po_messages(po_path: Path) -> dict:
    buf = io.BytesIO()
    write_mo(buf, read_catalog(po_path), use_fuzzy=False)
    return _mo_dict(buf.getvalue())


def _mo_messages(mo: Path) -> dict:
    return _mo_dict(mo.read_bytes())


def _mo_dict(data: bytes) -> dict:
    import gettext

    t = gettext.GNUTranslations(io.BytesIO(data))
    messages = dict(t._catalog)  # noqa: SLF001 (the parsed messages)
    if isinstance(messages.get(""), str):  # the header, less the Babel version that compiled it
        messages[""] = "".join(line for line in messages[""].splitlines(keepends=True)
                               if not line.startswith("Generated-By:"))
    return messages


def missing(files: Iterable[str] = ()) -> list[str]:
    """The English strings without a translation, only those used in ``files`` when given."""
    wanted = {str(Path(f).resolve().relative_to(ROOT)) for f in files}
    template = extract()
    catalog = read_catalog()
    out = []
    for m in template:
        if not m.id:
            continue
        if wanted and not wanted & {f for f, _ in m.locations}:
            continue
        have = catalog.get(m.id if isinstance(m.id, str) else m.id[0], context=m.context)
        if have is None or not _translation_of(have):
            eng = m.id if isinstance(m.id, str) else m.id[0]
            out.append(eng if m.context is None else f"{m.context}\x04{eng}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kamgraph.i18n.catalog", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    up = sub.add_parser("update", help="extract, merge translations, write .po and .mo")
    up.add_argument("--add", action="append", default=[], metavar="FILE.json")
    up.add_argument("--prune", action="store_true", help="drop translations of strings no longer in the code")
    mi = sub.add_parser("missing", help="strings without a translation (as a JSON object to fill in)")
    mi.add_argument("files", nargs="*")
    sub.add_parser("check", help="every problem of the catalogue")
    args = parser.parse_args(argv)
    if args.cmd == "update":
        cat = update(load_additions(args.add), prune=args.prune)
        todo = sum(1 for m in cat if m.id and not _translation_of(m))
        print(f"{PO_PATH.relative_to(ROOT)}: {sum(1 for m in cat if m.id)} messages, {todo} without a translation")
        return 0
    if args.cmd == "missing":
        print(json.dumps({k: "" for k in missing(args.files)}, ensure_ascii=False, indent=1))
        return 0
    found = problems()
    for p in found:
        print(p)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
