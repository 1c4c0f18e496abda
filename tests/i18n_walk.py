"""What a page shows, as text, and which of it is in the other language.

:func:`shown_texts` collects every string an AppTest run shows: labels, help, options,
Markdown bodies, captions, alerts, metrics, tab and expander labels, and the headers and text
cells of every table. :func:`foreign` returns what is in the other language apart from data:
every value of the store (names, titles, notes...) is taken out of the text first; then for
Chinese, English words (three letters or more) that are not names of things (CSV, Excel,
kamgraph...) are foreign; for English, Chinese characters are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
from google.protobuf.json_format import MessageToDict

#: proto fields that carry text a person reads
TEXT_FIELDS = {"label", "body", "help", "placeholder", "options", "caption", "text", "title", "delta",
               "default_value_text", "message"}
#: words that are names, not English: products, formats, units, codes
NAMES = {
    "kamgraph", "csv", "excel", "html", "pdf", "json", "url", "sqlite", "neo4j", "bolt", "icalendar", "ics",
    "xlsx", "toml", "oidc", "cny", "eur", "usd", "gbp", "jpy", "hkd", "sgd", "crm", "salesforce", "hubspot",
    "pagerank", "streamlit", "outlook", "gmail", "mbox", "eml", "zip", "utc", "www", "http", "https",
    "english", "pinyin", "ceo", "cfo", "cto", "coo", "cio", "svp", "evp",
}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_CODE = re.compile(r"`[^`]*`")
_URLISH = re.compile(r"\S+@\S+|\S+://\S+|\S*/\S+/\S*|\S+/\S+\.md\b|\S+\.(?:db|toml|csv|xlsx|json|ics|eml|mbox|zip|html|py|md)\b|:material/\w+:")


def _strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _proto_texts(proto) -> Iterable[str]:
    try:
        d = MessageToDict(proto, preserving_proto_field_name=True)
    except Exception:  # noqa: BLE001
        return
    stack = [d]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            for k, v in cur.items():
                if k in TEXT_FIELDS:
                    yield from _strings(v)
                elif isinstance(v, (dict, list)) and k not in {"arrow_data", "data", "html", "json_args"}:
                    stack.append(v)
        elif isinstance(cur, list):
            stack.extend(cur)


def shown_texts(at) -> list[str]:
    """Every text the run shows, main area and sidebar."""
    from streamlit.testing.v1 import element_tree as et

    out: list[str] = []
    for root in (at.main, at.sidebar):
        for node in root:
            if isinstance(node, et.Dataframe):
                df = node.value
                out += [str(c) for c in df.columns]
                for col in df.columns:
                    s = df[col]
                    if s.dtype == object or pd.api.types.is_string_dtype(s):
                        out += [v for v in s.dropna().astype(str).unique()]
                continue
            proto = getattr(node, "proto", None)
            if proto is not None and type(node).__name__ not in {"UnknownElement", "Html"}:
                out += list(_proto_texts(proto))
    return [t for t in out if t and t.strip()]


def data_vocabulary(frames: dict[str, pd.DataFrame]) -> list[str]:
    """Every text value of the store (two characters or more), longest first."""
    values: set[str] = set()
    for df in frames.values():
        for col in df.columns:
            s = df[col]
            if s.dtype != object:
                continue
            for v in s.dropna().astype(str).unique():
                v = " ".join(v.split())
                if len(v) >= 2:
                    values.add(v)
                    # a page may quote a note up to its first ";" or sentence end
                    values.update(p.strip() for p in re.split(r"[;；。]|\. ", v) if len(p.strip()) >= 4)
    # names show in their script's order, romanized beside (周建国（Zhou Jianguo）): every form is data
    from kamgraph.names import shown_forms

    for df in frames.values():
        if "name" in df.columns:
            for name in df["name"].dropna().astype(str).unique():
                values.update(f for f in shown_forms(name) if len(f) >= 2)
    return sorted(values, key=len, reverse=True)


#: Streamlit's own markup: colours (``:red[...]``), badges, icons (``:material/arrow_forward:``)
_ST_MARKUP = re.compile(r":(?:red|orange|green|blue|violet|gray|grey|rainbow|primary)(?:-background|-badge)?\[|"
                        r":material/\w+:|:\w+:")
#: a Markdown backslash escape (``md()`` escapes specials in data: ``mid\-year``)
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")
#: a link column's value (``account?account=A-01``)
_LINK = re.compile(r"^[a-z_]+\?[\w=&%.-]+$")


def store_vocabulary(db) -> list[str]:
    """:func:`data_vocabulary` of the SQLite store at ``db``."""
    from kamgraph.schema import ENTITIES
    from kamgraph.store import open_store

    store = open_store(f"sqlite:///{db}")
    try:
        return data_vocabulary({e: store.read(e) for e in ENTITIES})
    finally:
        store.close()


def _without_data(text: str, values: list[str]) -> str:
    text = _MD_ESCAPE.sub(r"\1", _ST_MARKUP.sub(" ", " ".join(text.split()))).replace("\u2060", "")
    for v in values:
        if v in text:
            text = text.replace(v, " \x00 ")
    return text


def foreign(texts: Iterable[str], lang: str, vocabulary: list[str], allow: Iterable[str] = ()) -> list[str]:
    """The texts (with the offending words) in the other language once every data value is taken out."""
    allowed = {a.lower() for a in allow} | NAMES
    found = []
    for text in set(texts):
        if _LINK.match(text):
            continue
        clean = _URLISH.sub(" ", _CODE.sub(" ", _without_data(text, vocabulary)))
        if lang == "zh_CN":
            bad = [w for w in _WORD.findall(clean) if w.lower() not in allowed]
        else:
            bad = [r for r in _HAN.findall(clean) if r not in allowed]
        if bad:
            found.append(f"{bad[:5]} in {text[:160]!r}")
    return sorted(found)


def walk(db: str, lang: str, page: str | None = None, query: dict | None = None,
         settings: str | None = None) -> list[str]:
    """Open ``page`` (portfolio when None) of the app on the store ``db`` in ``lang``; the foreign strings."""
    import os
    from pathlib import Path

    from tests.test_ui_apptest import open_page

    root = Path(__file__).resolve().parents[1]
    os.environ["KAMGRAPH_STORE"] = f"sqlite:///{db}"
    os.environ["KAMGRAPH_CONFIG"] = settings or str(root / "data" / "sample" / "kamgraph.toml")
    os.environ["KAMGRAPH_LANG"] = lang
    vocab = store_vocabulary(db)
    try:
        at = open_page(page, query)
    except AssertionError as e:  # the page raised: that is the finding
        return [f"exception: {e}"]
    return foreign(shown_texts(at), lang, vocab, allow=LANGUAGE_NAMES)


#: the language switch shows each language in its own name
LANGUAGE_NAMES = ("English", "中文", "简体")


if __name__ == "__main__":  # python tests/i18n_walk.py DB LANG [PAGE [key=value ...]]
    import sys

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
    args = sys.argv[1:]
    found = walk(args[0], args[1], args[2] if len(args) > 2 else None,
                 dict(a.split("=", 1) for a in args[3:]) or None)
    print("\n".join(found))
    print(f"{len(found)} foreign strings")
