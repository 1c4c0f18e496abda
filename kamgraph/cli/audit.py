"""``kamgraph audit``: the audit trail of changes, by import or by hand.

Every row an import or an edit inserted, changed or deleted is recorded by the store with
who, when and from where (:meth:`kamgraph.store.base.BaseStore.audit`). This verb prints it,
oldest first: for people as a table with the change in one column (``title: CEO ->
Chairman``), for pipes as CSV (key / before / after as JSON text, formula-neutralized like
every CSV kamgraph writes) or JSON (key / before / after as objects).
"""

from __future__ import annotations

import json

import click
import pandas as pd

from kamgraph.cli import FORMAT_OPTION, code_word, echo, header, main, open_store, output, pass_config
from kamgraph.config import Config
from kamgraph.i18n import DEFAULT_LANGUAGE, _, current_language, ngettext, pgettext

#: the columns of the table for people (``change``: before -> after in one column)
TABLE_COLUMNS = ["seq", "at (UTC)", "actor", "source", "action", "entity", "key", "change"]
ARROW = "\u2192"


#: fields holding codes (entity -> field -> kind of :func:`kamgraph.cli.code_word`), shown in
#: words in a language other than English (English shows the stored values, as it always has)
_CODE_FIELDS: dict[str, dict[str, str]] = {
    "people": {"side": "side"}, "accounts": {"tier": "tier"}, "organizations": {"kind": "org_kind"},
    "employment": {"team_role": "team_role"}, "assessments": {"decision_role": "role", "attitude": "attitude"},
    "ties": {"kind": "tie_kind"}, "interactions": {"kind": "interaction_kind"},
    "opportunities": {"status": "opportunity_status"},
    "opportunity_roles": {"role": "role", "attitude": "attitude"},
}


def _field(entity: str | None, column: str) -> str:
    """A field's name in the current language (a person's name and another row's name differ)."""
    if column == "name" and entity not in (None, "people"):
        return pgettext("entity column", "name")
    return header(column)


def _value(v, kind: str | None = None) -> str:
    if v is None:
        return _("(empty)")
    if kind and current_language() != DEFAULT_LANGUAGE:
        return code_word(kind, v)
    return str(v)


def key_text(key: dict | None) -> str:
    """An entry's key as its values joined by '/', as ``mentions`` shows keys.

    >>> key_text({"person_id": "P1", "org_id": "A1"})
    'P1/A1'
    """
    return "/".join(_value(v) for v in (key or {}).values())


def change_text(action: str, key: dict | None, before: dict | None, after: dict | None,
                entity: str | None = None) -> str:
    """What an entry changed, in one line: an update's columns as ``col: old -> new``, an
    insert's (or a delete's) non-empty, non-key values as ``col=value``. Field names (and, in
    a language other than English, the codes of ``entity``'s code fields) in the current
    language.

    >>> change_text("update", {"id": "c1"}, {"title": "CEO", "email": "a@b"}, {"title": "Chair", "email": None})
    'title: CEO → Chair; email: a@b → (empty)'
    >>> change_text("insert", {"id": "c1"}, None, {"id": "c1", "name": "Chen", "notes": None})
    '+ name=Chen'
    """
    key = key or {}
    kinds = _CODE_FIELDS.get(entity or "", {})
    separator = pgettext("change separator", "; ")
    if action == "update":
        cols = list(dict.fromkeys([*(before or {}), *(after or {})]))
        return separator.join(
            _("{field}: {before} → {after}").format(field=_field(entity, c), before=_value((before or {}).get(c), kinds.get(c)),
                                                     after=_value((after or {}).get(c), kinds.get(c)))
            for c in cols)
    values = after if action == "insert" else before
    sign = "+" if action == "insert" else "-"
    shown = [_("{field}={value}").format(field=_field(entity, c), value=_value(v, kinds.get(c)))
             for c, v in (values or {}).items() if c not in key and v is not None]
    return f"{sign} " + pgettext("list separator", ", ").join(shown) if shown else sign


def table_frame(trail: pd.DataFrame) -> pd.DataFrame:
    """The trail as the table for people: key joined, before -> after in ``change``."""
    out = trail[["seq", "at", "actor", "source", "action", "entity"]].copy()
    out.insert(1, "at (UTC)", [str(a).replace("T", " ").removesuffix("+00:00") for a in trail["at"]])
    out["key"] = [key_text(k) for k in trail["key"]]
    out["change"] = [change_text(a, k, b, f, e) for a, k, b, f, e in
                     zip(trail["action"], trail["key"], trail["before"], trail["after"], trail["entity"])]
    return out[TABLE_COLUMNS]


def csv_frame(trail: pd.DataFrame) -> pd.DataFrame:
    """The trail for CSV: key / before / after as JSON text (empty for none)."""
    out = trail.copy()
    for col in ("key", "before", "after"):
        out[col] = [None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=False) for v in trail[col]]
    return out


@main.command("audit")
@click.option("--person", "person_id", default=None, metavar="ID",
              help="Only changes naming this person (their rows, and rows pointing at them).")
@click.option("--account", "account_id", default=None, metavar="ID",
              help="Only changes of this account: its row, rows pointing at it, the people employed "
                   "there (now or in the past), its interactions and opportunities.")
@FORMAT_OPTION
@pass_config
def audit_cmd(config: Config, person_id: str | None, account_id: str | None, fmt: str) -> None:
    """The audit trail: every row imports and edits inserted, changed or deleted, oldest first.

    Who (actor), when (UTC), from where (source: the imported path, "edit: ...", "cli"...),
    what (action, entity, key) and the values before and after (an update shows only the
    columns it changed). With --person and --account, the changes matching both.
    An erased person is in no entry.
    """
    with open_store(config) as store:
        trail = store.audit(person_id, account_id)
    if fmt == "table":
        if trail.empty:
            echo(_empty_text(person_id, account_id))
            return
        output(table_frame(trail), fmt, title=_title(person_id, account_id, len(trail)),
               codes={"action": "audit_action"}, headers={"action": pgettext("audit column", "action")})
    elif fmt == "csv":
        output(csv_frame(trail), fmt)
    else:
        output(trail, fmt)


def _empty_text(person_id: str | None, account_id: str | None) -> str:
    """The line for an empty trail, naming the scope asked for."""
    if person_id is not None and account_id is not None:
        return _("No changes recorded for person {person} and account {account}.").format(
            person=person_id, account=account_id)
    if person_id is not None:
        return _("No changes recorded for person {person}.").format(person=person_id)
    if account_id is not None:
        return _("No changes recorded for account {account}.").format(account=account_id)
    return _("No changes recorded.")


def _title(person_id: str | None, account_id: str | None, n: int) -> str:
    """The table's title: the scope asked for and how many changes."""
    if person_id is not None and account_id is not None:
        text = ngettext("Audit trail of person {person} and account {account} ({n} change)",
                        "Audit trail of person {person} and account {account} ({n} changes)", n)
    elif person_id is not None:
        text = ngettext("Audit trail of person {person} ({n} change)", "Audit trail of person {person} ({n} changes)", n)
    elif account_id is not None:
        text = ngettext("Audit trail of account {account} ({n} change)",
                        "Audit trail of account {account} ({n} changes)", n)
    else:
        text = ngettext("Audit trail ({n} change)", "Audit trail ({n} changes)", n)
    return text.format(person=person_id, account=account_id, n=n)
