"""Data: import files with the CLI's validation, see what the store holds, export or erase a person.

Imports go through :meth:`PageContext.import_path <kamgraph.ui.context.PageContext.import_path>`,
which runs :func:`kamgraph.ingest.import_path` exactly like ``kamgraph import``: the
whole upload is validated first and written in one transaction, or rejected with every
problem (file, row, column, value) and nothing written. Erasing a person asks for their id
to be typed as confirmation. With sign-in on, only admins see the import and erase controls;
uploads are limited in size and server-side imports to one folder (``kamgraph.ui.access``).

"Record a change" offers every edit operation (:mod:`kamgraph.ui.forms`, validated like an
import, one transaction each) to editors and admins; viewers see a note instead.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from kamgraph.errors import ImportValidationError, KamgraphError
from kamgraph.i18n import N_, NP_, _, current_language, ngettext, pgettext
from kamgraph.i18n.terms import term
from kamgraph.names import display_names
from kamgraph.ui import forms
from kamgraph.ui.access import (
    import_dir,
    inside_import_dir,
    max_upload_bytes,
    role_word,
)
from kamgraph.ui.context import PageContext
from kamgraph.ui.format import md, rows_text
from kamgraph.ui.language import pinned
from kamgraph.ui.pickers import person_picker, picker_labels

#: import formats (key -> label, translated where shown)
MAPPINGS = {"native": N_("kamgraph format (docs/data-format.md)"), "salesforce": N_("Salesforce export"),
            "northwind": N_("Northwind sample database")}
#: the columns of the notes that mention a person about to be erased
MENTION_COLUMNS = {"entity": N_("entity"), "key": N_("key"), "column": N_("column"), "text": N_("text")}
FLASH_KEY = "data_flash"
PENDING_KEY = "data_erase_pending"
#: the Data page's edit operations (key -> label)
EDITS = {"person_new": N_("Add a person"), "person_edit": N_("Edit a person"), "job": N_("Job change"),
         "assess": N_("Role, attitude, influence"), "log": N_("Log an interaction"), "tie_add": N_("Add a tie"),
         "tie_end": N_("End a tie"), "influence_add": N_("Add an influence link"),
         "influence_end": N_("End an influence link"), "membership_add": N_("Add a membership"),
         "membership_end": N_("End a membership")}
#: the store's entities as the table of counts names them (English: the entity's own name)
ENTITY_NAMES = {"accounts": NP_("entity table", "accounts"), "organizations": NP_("entity table", "organizations"),
                "people": NP_("entity table", "people"), "employment": NP_("entity table", "employment"),
                "assessments": NP_("entity table", "assessments"), "reports_to": NP_("entity table", "reports_to"),
                "ties": NP_("entity table", "ties"), "influence": NP_("entity table", "influence"),
                "memberships": NP_("entity table", "memberships"),
                "interactions": NP_("entity table", "interactions"),
                "attendance": NP_("entity table", "attendance"),
                "opportunities": NP_("entity table", "opportunities"),
                "opportunity_roles": NP_("entity table", "opportunity_roles")}


def entity_name(entity: str) -> str:
    """An entity's name in the table of counts, in the reader's language (unknown: as it is)."""
    return pgettext("entity table", ENTITY_NAMES[entity]) if entity in ENTITY_NAMES else str(entity)


def _flash() -> None:
    msg = st.session_state.pop(FLASH_KEY, None)
    if msg:
        kind, text = msg
        (st.success if kind == "success" else st.info)(text)


def render(ctx: PageContext) -> None:
    st.title(_("Data"))
    _flash()
    st.caption(_("Store {store} · data version {version}").format(store=f"`{ctx.store_url}`",
                                                                   version=ctx.data_version))
    if ctx.empty:
        st.info(_("The store is empty. Import your files below, or run `kamgraph demo` to load the sample "
                  "portfolio."))

    counts = pd.DataFrame({_("entity"): [entity_name(e) for e in ctx.counts], _("rows"): list(ctx.counts.values())})
    left, right = st.columns([1, 2], gap="large")
    with left:
        st.subheader(_("What the store holds"))
        st.dataframe(counts, hide_index=True, width="stretch")
        total = int(counts[_("rows")].sum())
        st.caption(_("{n} rows in all").format(n=total))
    with right:
        _import(ctx)
        _messages(ctx)

    st.divider()
    _edit(ctx)
    st.divider()
    _person(ctx)


def _edit(ctx: PageContext) -> None:
    """Every edit operation, one form at a time."""
    st.subheader(_("Record a change"))
    forms.flash()
    if not forms.can_edit(ctx):
        return
    op = st.selectbox(_("What"), list(EDITS), key="data_edit_op", format_func=pinned(lambda k: _(EDITS[k])))
    prefix = "data_edit"
    if op == "person_new":
        forms.person_form(ctx, f"{prefix}_new")
    elif op in ("person_edit", "job", "assess"):
        pid = person_picker(_("Person"), forms.pick_labels(ctx), f"{prefix}_{op}_who", names=forms.people_names(ctx),
                            placeholder=_("pick a person"), labelled=True)
        if pid is None:
            return
        if op == "person_edit":
            forms.person_form(ctx, f"{prefix}_{pid}", person_id=pid)
        elif op == "job":
            forms.job_change_form(ctx, f"{prefix}_{pid}", pid)
        else:
            _assess(ctx, prefix, pid)
    elif op == "log":
        forms.log_form(ctx, prefix)
    elif op == "tie_add":
        forms.tie_form(ctx, prefix)
    elif op == "influence_add":
        forms.influence_form(ctx, prefix)
    elif op == "membership_add":
        forms.membership_form(ctx, prefix)
    else:
        forms.end_form(ctx, prefix, {"tie_end": "ties", "influence_end": "influence",
                                     "membership_end": "memberships"}[op])


def _assess(ctx: PageContext, prefix: str, pid: str) -> None:
    """The assessment form at one of the person's accounts, preset to what is in force there."""
    names = forms.org_names(ctx)
    accounts = set(ctx.read("accounts")["id"])
    jobs = ctx.read("employment")
    at = [o for o in jobs.loc[jobs["person_id"] == pid, "org_id"] if o in accounts]
    if not at:
        st.info(_("This person works at no account: assessments are of contacts at an account."))
        return
    account_id = st.selectbox(_("At account"), at, key=f"{prefix}_assess_{pid}_account",
                              format_func=lambda i: names.get(i, i))
    stored = ctx.read("assessments")
    stored = stored[(stored["person_id"] == pid) & (stored["account_id"] == account_id)]
    current = {}
    for col in ("decision_role", "attitude", "influence"):  # the latest value of each field
        given = stored.sort_values("assessed_on")[col].dropna()
        current[col] = given.iloc[-1] if len(given) else None
    forms.assess_form(ctx, f"{prefix}_{pid}_{account_id}", pid, account_id, current)


def _rows(n: int) -> str:
    """``1 row``, ``2 rows``."""
    return ngettext("{n} row", "{n} rows", n).format(n=n)


def _safe_name(name: str) -> str:
    """The file name of an upload without any folder part (uploads name only themselves)."""
    base = Path(name.replace("\\", "/")).name
    if base in ("", ".", ".."):
        raise KamgraphError(_("cannot use the uploaded file name {name}").format(name=repr(name)))
    return base


def _size(n: int) -> str:
    """``3.0 kB``, ``50.0 MB``: a size as people read it."""
    return f"{n / 1024:.1f} kB" if n < 1024**2 else f"{n / 1024**2:.1f} MB"


def _import(ctx: PageContext) -> None:
    st.subheader(_("Import"))
    if not ctx.can("import"):
        st.info(_("Importing is for admins; you are signed in as a {role}. Ask an admin to import your files.")
                .format(role=role_word(ctx.access.role)))
        return
    limit = max_upload_bytes()
    root = import_dir()
    st.caption(_("A folder's worth of `<entity>.csv` files (people.csv, ties.csv, ...) or one Excel workbook with "
                 "a sheet per entity. Everything is checked first; on any problem nothing is written."))
    files = st.file_uploader(_("Files"), type=["csv", "xlsx", "xlsm", "json"], accept_multiple_files=True,
                             key="data_files")
    st.caption(_("At most {size} per upload.").format(size=_size(limit)))
    server_path = ""
    if root is not None:
        server_path = st.text_input(_("…or a folder or file on the server, inside {folder}").format(folder=root),
                                    key="data_path",
                                    placeholder=str(root / "export"))
    c1, c2 = st.columns(2)
    mapping = c1.selectbox(_("Format"), list(MAPPINGS), key="data_mapping", format_func=pinned(lambda m: _(MAPPINGS[m])))
    dry_run = c2.checkbox(_("Validate only (write nothing)"), key="data_dry_run")
    if not st.button(_("Validate") if dry_run else _("Import"), type="primary", key="data_import",
                     icon=":material/upload:"):
        return
    if not files and not server_path.strip():
        st.warning(_("Choose files to upload or give a path on the server first.") if root is not None
                   else _("Choose files to upload first."))
        return
    size = sum(f.size for f in files or ())
    if size > limit:
        st.error(_("The upload holds {size}; at most {limit} can be uploaded here. Import larger files with "
                   "`kamgraph import` on the server.").format(size=_size(size), limit=_size(limit)))
        return
    try:
        with tempfile.TemporaryDirectory(prefix="kamgraph-upload-") as tmp:
            if files:
                for f in files:
                    (Path(tmp) / _safe_name(f.name)).write_bytes(f.getvalue())
                names = [_safe_name(f.name) for f in files]
                source = Path(tmp) / names[0] if len(names) == 1 and names[0].endswith((".xlsx", ".xlsm")) else Path(tmp)
            else:
                source = inside_import_dir(server_path.strip())
            with st.spinner(_("Validating and importing...")):
                report = ctx.import_path(source, None if mapping == "native" else mapping, dry_run=dry_run)
    except ImportValidationError as e:
        n = len(e.problems)
        lines = "\n".join(f"- {md(p)}" for p in e.problems[:200])
        more = "\n- " + _("… and {n} more").format(n=n - 200) if n > 200 else ""
        head = ngettext("Import rejected, nothing was written: {n} problem",
                        "Import rejected, nothing was written: {n} problems", n).format(n=n)
        st.error(f"**{head}**\n\n{lines}{more}")
        return
    rows = rows_text(report.rows, "") or _("nothing new")
    warnings = "".join(f"  \n⚠ {md(w)}" for w in report.warnings)
    if report.dry_run:
        st.success(_("Valid: {rows} would be imported ({what}). Nothing was written.")
                   .format(rows=_rows(report.total), what=rows) + warnings)
        return
    st.session_state[FLASH_KEY] = ("success", _("Imported {rows} ({what}).").format(rows=_rows(report.total),
                                                                                    what=rows) + warnings)
    st.rerun()


def _messages(ctx: PageContext) -> None:
    """Calendars and mail: touchpoints matched to people by e-mail address (admins, like imports)."""
    st.subheader(_("Calendars and mail"))
    if not ctx.can("import"):
        st.caption(_("Importing calendars and mail is for admins."))
        return
    st.caption(_("A calendar export (`.ics`) or mail (`.mbox`, `.eml`): meetings and messages between people "
                 "whose e-mail addresses are in the store become interactions. Only headers are read; message "
                 "bodies are never stored. Importing the same file again changes nothing."))
    files = st.file_uploader(_("Calendar or mail files"), type=["ics", "mbox", "eml"], accept_multiple_files=True,
                             key="msg_files")
    c1, c2 = st.columns(2)
    start = c1.date_input(_("From"), value=(ctx.config.as_of - pd.DateOffset(days=365)).date(), key="msg_from",
                          min_value=pd.Timestamp("1900-01-01").date(),
                          help=_("Calendars: recurring events are expanded from this day on."))
    end = c2.date_input(_("To"), value=ctx.config.as_of.date(), key="msg_to",
                        min_value=pd.Timestamp("1900-01-01").date())
    add_unknown = st.checkbox(_("Add unknown addresses as external people"), key="msg_add_unknown",
                              help=_("Otherwise they are listed and their touchpoints kept only between known "
                                     "people."))
    dry_run = st.checkbox(_("Check only (write nothing)"), key="msg_dry_run")
    if not st.button(_("Check") if dry_run else _("Import touchpoints"), key="msg_import", icon=":material/event:"):
        return
    if not files:
        st.warning(_("Choose a calendar or mail file first."))
        return
    limit = max_upload_bytes()
    size = sum(f.size for f in files)
    if size > limit:
        st.error(_("The upload holds {size}; at most {limit} can be uploaded here. Import larger files with "
                   "`kamgraph import-calendar` / `kamgraph import-mail` on the server.")
                 .format(size=_size(size), limit=_size(limit)))
        return
    reports = []
    try:
        with (tempfile.TemporaryDirectory(prefix="kamgraph-messages-") as tmp,
              st.spinner(_("Reading and matching addresses..."))):
            for f in files:
                path = Path(tmp) / _safe_name(f.name)
                path.write_bytes(f.getvalue())
                reports.append((f.name, ctx.import_messages(path, start=pd.Timestamp(start), end=pd.Timestamp(end),
                                                            add_unknown=add_unknown, dry_run=dry_run)))
    except ImportValidationError as e:
        lines = "\n".join(f"- {md(p)}" for p in e.problems[:200])
        n = len(e.problems)
        head = ngettext("Not imported, nothing was written from this file: {n} problem",
                        "Not imported, nothing was written from this file: {n} problems", n).format(n=n)
        st.error(f"**{head}**\n\n{lines}")
        return
    for name, report in reports:
        n = report.interactions
        template = (ngettext("{file}: {n} touchpoint; would be written: {rows}.",
                             "{file}: {n} touchpoints; would be written: {rows}.", n) if report.dry_run
                    else ngettext("{file}: {n} touchpoint; written: {rows}.",
                                  "{file}: {n} touchpoints; written: {rows}.", n))
        text = template.format(file=f"**{md(name)}**", n=n, rows=md(rows_text(report.rows) or _("nothing new")))
        text += "".join(f"  \n{md(line)}" for line in report.skipped)
        text += "".join(f"  \n⚠ {md(w)}" for w in report.warnings)
        st.success(text)
        if len(report.unknown):
            n = len(report.unknown)
            st.caption(ngettext("{n} address matches nobody in the store", "{n} addresses match nobody in the store",
                                n).format(n=n) if add_unknown else
                       ngettext("{n} address matches nobody in the store (tick 'Add unknown addresses' to add them "
                                "as external people)",
                                "{n} addresses match nobody in the store (tick 'Add unknown addresses' to add them "
                                "as external people)", n).format(n=n))
            in_file = _("name in the file")
            unknown = report.unknown.rename(columns={"address": _("e-mail address"), "name": in_file,
                                                     "count": _("times seen")})
            unknown[in_file] = unknown[in_file].astype(object).where(unknown[in_file].notna(), "")
            st.dataframe(unknown, hide_index=True, width="stretch")
    if not dry_run and any(r.rows for _, r in reports):
        st.caption(_("Every page shows the new touchpoints now."))


def _person_labels(people: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """``({id: "Name (id, side)"}, {id: name as stored})`` by name: the picker's labels (the name
    in the reader's script, a Chinese-only name with its romanization) and the stored names
    (what a search finds, what erasing looks for in notes)."""
    people = people.sort_values(["name", "id"], kind="mergesort")
    english = current_language() == "en"  # English keeps the stored code (customer, internal, external)
    template = _("{name} ({id}, {side})")
    label = {i: template.format(name=n, id=i, side=s if english or not s else term("side", s))
             for i, n, s in zip(people["id"], display_names(people["name"]).fillna(""), people["side"].fillna(""))}
    names = {i: n for i, n in zip(people["id"], people["name"]) if isinstance(n, str) and n.strip()}
    return picker_labels(label, names), names


def _person(ctx: PageContext) -> None:
    st.subheader(_("One person's data"))
    st.caption(_("Everything stored about one person, for a data-subject access request; or erase them "
                 "completely."))
    people = ctx.read("people")
    if people.empty:
        st.caption(_("No people stored."))
        return
    label, label_names = ctx.per_version("data_person_labels", lambda: _person_labels(people))
    pending = st.session_state.get(PENDING_KEY)
    pid = person_picker(_("Person"), label, "data_person", names=label_names, current=next(iter(label), None),
                        disabled=pending is not None, labelled=True)
    if pid is None:
        return
    c1, c2 = st.columns(2)
    with c1:
        data = json.dumps(ctx.export_person(pid), ensure_ascii=False, indent=2, default=str)
        st.download_button(_("Export as JSON"), data=data.encode("utf-8"), file_name=f"kamgraph-person-{pid}.json",
                           mime="application/json", icon=":material/download:", key="data_export")
    with c2:
        if not ctx.can("erase"):
            st.caption(_("Erasing is for admins; you are signed in as a {role}.").format(
                role=role_word(ctx.access.role)))
            return
        if pending is None and st.button(_("Erase this person…"), key="data_erase", icon=":material/delete:"):
            st.session_state[PENDING_KEY] = pid
            st.rerun()
    if pending is None:
        return
    name = label.get(pending, pending)
    st.warning(_("Erase {name} and everything stored about them: their ties, roles, assessments, memberships and "
                 "attendance (interactions left without anyone are deleted too). This cannot be undone. Type the "
                 "id {id} to confirm.").format(name=f"**{md(name)}**", id=f"`{md(pending)}`"))
    person_name = label_names.get(pending)
    mentions = ctx.mentions(person_name) if person_name else None
    redact = False
    if mentions is not None and len(mentions):
        st.markdown(ngettext("Their name is also written in {n} note or subject that erasing keeps (someone "
                             "else's record):",
                             "Their name is also written in {n} notes or subjects that erasing keeps (someone "
                             "else's record):", len(mentions)).format(n=len(mentions)))
        st.dataframe(mentions.rename(columns={c: _(MENTION_COLUMNS[c]) for c in mentions.columns
                                              if c in MENTION_COLUMNS}), hide_index=True, width="stretch")
        redact = st.checkbox(_("Also replace their name by [erased] in these"), key="data_erase_redact")
    typed = st.text_input(_("Id of the person to erase"), key="data_erase_typed")
    b1, b2 = st.columns(2)
    if b1.button(_("Erase permanently"), type="primary", key="data_erase_confirm", disabled=typed.strip() != pending):
        deleted = ctx.erase_person(pending, redact_name=person_name if redact else None)
        st.session_state.pop(PENDING_KEY, None)
        st.session_state.pop("data_erase_typed", None)
        st.session_state.pop("data_erase_redact", None)
        parts = ", ".join(f"{n} {entity_name(e)}" for e, n in deleted.items() if n)
        text = _("Erased {name}: {what}.").format(name=md(name), what=parts or _("nothing else was stored"))
        if getattr(deleted, "wal_pending", False):  # a reader blocked the checkpoint (store.base.Erasure)
            text += "  \n" + _("Not yet erased from the disk: another connection is reading the store, so the "
                                "erased rows remain in its write-ahead log until the next checkpoint.")
        st.session_state[FLASH_KEY] = ("success", text)
        st.rerun()
    if b2.button(_("Cancel"), key="data_erase_cancel"):
        st.session_state.pop(PENDING_KEY, None)
        st.session_state.pop("data_erase_typed", None)
        st.session_state.pop("data_erase_redact", None)
        st.rerun()


if __name__ == "__main__":
    from kamgraph.ui.app import run_page

    run_page(render, needs_data=False)
