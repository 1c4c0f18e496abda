"""The monthly coverage report: one set of tables, written as Excel, CSV, HTML and maps.

:func:`build_coverage_report` runs the analyses once at the as-of date and keeps their
tables in a :class:`CoverageReport`:

``summary``
    portfolio KPIs (one row each: ``kpi, value, detail``);
``tiers``
    per tier: accounts, revenue and its share of the report's revenue, problem accounts,
    mean coverage score, decision-makers covered, gaps, and the tier policy;
``pareto``
    the report's accounts by revenue (and its currency) with cumulative shares of the
    report's accounts and revenue, and ``in_top`` (the top ``tiers.pareto_share``);
``accounts``
    :func:`~kamgraph.analysis.coverage.account_coverage` with the account's tier, value
    score, problem flag, region and gap counts;
``buying_centers``
    every current contact (:func:`~kamgraph.analysis.coverage.contact_coverage`) with the
    trend label and slope of their best relationship;
``gaps``
    :func:`~kamgraph.analysis.gaps.gaps`;
``access_paths``
    the top access paths to every buying-center contact who is not covered;
``trends``
    what changed since ``previous`` (default: one month before the as-of date):
    :func:`~kamgraph.analysis.trends.relationship_changes`;
``strength_trend``
    the monthly mean strength of the buying centers' best relationships, per tier and for
    the portfolio (the chart of the HTML report);
``team``
    per internal person: team roles, accounts, threads, strong ties, contacts they hold
    the best tie to, contacts only they reach, share of the portfolio's strong ties (load),
    key-person risks.

A report covers a :class:`ReportScope` (tiers, regions, owners, accounts: the portfolio
page's filters, ``kamgraph report --tier --region --owner --account``) and every figure is
computed on its accounts, except tiers, which rank an account against the whole portfolio
by definition (:data:`TIERS_NOTE`). Every output states its scope in words at the top
(``East China, gold and diamond accounts: 5 of 12 accounts``), its as-of date and settings
(:func:`settings_summary`: the key thresholds, every non-default value and a hash of all
settings), in the ``about`` table (the README sheet, ``about.csv``, the HTML header).

The workbook is for people (:mod:`kamgraph.report.columns`): a README sheet first saying
what each sheet and column means, headers in words, names beside ids, % and currency
formats, filters and frozen headers. The CSV files keep the tables' own column names (for
pipes), with a README.txt in the zip (:meth:`CoverageReport.csv_zip_bytes`).

Reproducible: rows are sorted on explicit keys, CSV floats have a fixed format, and the
workbook carries the as-of date instead of the wall clock, so the same store and as-of
date give byte-identical files (:mod:`kamgraph.report.spreadsheet`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from kamgraph.analysis.coverage import (
    account_coverage,
    account_ids,
    contact_coverage,
    internal_contact_strengths,
    team_roles,
)
from kamgraph.analysis.dates import resolve_as_of
from kamgraph.analysis.gaps import gaps as gap_table
from kamgraph.analysis.money import account_currencies
from kamgraph.analysis.paths import PATH_COLUMNS, access_paths_for
from kamgraph.analysis.people import internal_ids, person_levels, shown_names
from kamgraph.analysis.tiering import account_tiers, pareto, tier_policy_table
from kamgraph.analysis.trends import monthly_series, relationship_changes, trends
from kamgraph.errors import ConfigError
from kamgraph.i18n import N_, _, current_language, fmt_day
from kamgraph.i18n.terms import term
from kamgraph.model import DecisionRole
from kamgraph.report.columns import CATALOGUE, Readable, readable
from kamgraph.report.relmap import account_map
from kamgraph.report.spreadsheet import (
    SheetBlock,
    csv_bytes,
    strip_control,
    workbook_bytes,
    zip_bytes,
)
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

__all__ = ["CoverageReport", "ReportScope", "build_coverage_report", "coverage_files", "pareto_of", "settings_summary", "settings_hash",
           "settings_items", "KEY_SETTINGS", "TABLES", "SHEETS", "TIERS_NOTE"]

#: the tables of a report, in the order of the CSV files and the workbook
TABLES: tuple[str, ...] = ("about", "summary", "tiers", "pareto", "accounts", "buying_centers", "gaps",
                           "access_paths", "trends", "strength_trend", "team")

#: sheet name -> the tables it holds (README first; Summary stacks the KPIs and the tiers)
SHEETS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    N_("README"): ("about",),
    N_("Summary"): ("summary", "tiers"),
    N_("Accounts"): ("accounts",),
    N_("Buying centers"): ("buying_centers",),
    N_("Gaps"): ("gaps",),
    N_("Access paths"): ("access_paths",),
    N_("What changed"): ("trends",),
    N_("Strength trend"): ("strength_trend",),
    N_("Team"): ("team",),
    N_("Pareto"): ("pareto",),
})

#: what each sheet holds (the README sheet and the CSV zip's README.txt; translated where shown)
SHEET_MEANING: Mapping[str, str] = MappingProxyType({
    "Summary": N_("Key figures of the report's accounts, then one row per tier with its policy."),
    "Accounts": N_("One row per account: tier, revenue, coverage of its buying center by role, team, gaps."),
    "Buying centers": N_("One row per current customer contact: role, attitude, influence, our best tie and its trend."),
    "Gaps": N_("Every open gap, most urgent first within each account, with the evidence and a suggested action."),
    "Access paths": N_("The best ways to reach each buying-center contact nobody covers yet (at most one intermediary)."),
    "What changed": N_("Relationships whose strength or trend changed, and assessments of role, attitude or "
                       "influence that changed, since the previous date."),
    "Strength trend": N_("Month by month, the mean strength of the buying centers' best relationships, per tier."),
    "Team": N_("One row per person of ours involved: team roles, threads, strong ties, load and key-person risks."),
    "Pareto": N_("Accounts by revenue with cumulative shares: how concentrated the report's revenue is."),
})

#: leading columns kept in view on each data sheet (account or person name)
_FREEZE = {"accounts": 1, "buying_centers": 1, "gaps": 1, "access_paths": 1, "trends": 0, "strength_trend": 1,
           "team": 1, "pareto": 2}

#: why tiers are the one figure not computed on a report's scope
TIERS_NOTE = N_("Tiers and value scores rank each account against the whole portfolio ({total} accounts): they "
                "are portfolio-relative by definition. Every other figure (KPIs, Pareto, revenue shares, coverage, "
                "team load) is computed on this report's accounts only.")

#: how revenue is shown and added up
CURRENCY_NOTE = N_("Revenue is shown in each account's currency (its own, else the portfolio's reporting currency "
                   "set in kamgraph.toml, else its country's). Totals and shares "
                   "add the amounts as recorded: compare them across accounts only when the data records revenue "
                   "in one currency.")

#: the thresholds every report states, whatever their value
KEY_SETTINGS: tuple[str, ...] = (
    "strength.half_life_days", "coverage.covered", "coverage.thread", "coverage.peer_level_gap",
    "gaps.strong", "gaps.single_thread_share", "trend.months", "trend.slope_threshold",
    "visits.executive_max_level", "visits.level_gap",
)

_TITLES = {
    "about": N_("About this report"), "summary": N_("Key figures"), "tiers": N_("Tiers"), "pareto": N_("Pareto"),
    "accounts": N_("Accounts"), "buying_centers": N_("Buying centers"), "gaps": N_("Gaps"),
    "access_paths": N_("Access paths"), "trends": N_("Changes since the previous period"),
    "strength_trend": N_("Strength trend"), "team": N_("Team"),
}

#: the items of the About table in words (the table keeps them as codes, for pipes)
ABOUT_ITEMS = {
    "report": N_("report"), "as_of": N_("as of"), "previous": N_("previous period from"), "scope": N_("scope"),
    "scope_filters": N_("scope filters"), "tiers": N_("tiers"), "data_version": N_("data version"),
    "settings_hash": N_("settings fingerprint"),
}


# -- settings provenance --------------------------------------------------------------------

def _fmt(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return str(v)


def settings_items(settings: Settings) -> dict[str, str]:
    """Every setting as ``dotted.name -> text`` (tier policies as ``tier_policy.<tier>.<field>``)."""
    out: dict[str, str] = {}

    def walk(obj, prefix: str) -> None:
        for f in dataclasses.fields(obj):
            v = getattr(obj, f.name)
            name = f"{prefix}{f.name}"
            if f.name == "tier_policy":
                out[name] = "[" + ", ".join(p.tier for p in v) + "]"
                for p in v:
                    for pf in dataclasses.fields(p):
                        if pf.name != "tier":
                            out[f"{name}.{p.tier}.{pf.name}"] = _fmt(getattr(p, pf.name))
            elif dataclasses.is_dataclass(v):
                walk(v, f"{name}.")
            elif isinstance(v, Mapping):
                for k in v:
                    out[f"{name}.{k}"] = _fmt(v[k])
            else:
                out[name] = _fmt(v)

    walk(settings, "")
    return out


def settings_hash(settings: Settings) -> str:
    """A short fingerprint of every setting (the first 12 hex digits of a SHA-256).

    >>> settings_hash(Settings()) == settings_hash(Settings())
    True
    """
    text = "\n".join(f"{k}={v}" for k, v in sorted(settings_items(settings).items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def settings_summary(settings: Settings) -> pd.DataFrame:
    """The settings a report was made with: ``setting, value, default, changed``.

    The :data:`KEY_SETTINGS` always, then every other setting whose value differs from the
    default (``as_of`` is stated separately and left out), sorted by name.
    """
    now, base = settings_items(settings), settings_items(Settings())
    names = list(KEY_SETTINGS) + sorted(k for k in now if k not in KEY_SETTINGS and k != "as_of"
                                        and now[k] != base.get(k))
    return pd.DataFrame({
        "setting": names, "value": [now.get(k) for k in names], "default": [base.get(k) for k in names],
        "changed": [now.get(k) != base.get(k) for k in names],
    })


# -- scope ----------------------------------------------------------------------------------

def _join(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` (Chinese: ``a、b和c``)."""
    items = [str(i) for i in items]
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=_(", ").join(items[:-1]), last=items[-1])


@dataclass(frozen=True)
class ReportScope:
    """Which accounts a report covers: the portfolio page's filters, or ``kamgraph report``'s
    options. Filters combine with *and*; the values of one filter with *or*; an empty
    filter does not filter.

    >>> ReportScope(regions=("East China",), tiers=("gold", "diamond")).is_everything
    False
    """

    tiers: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()

    def __post_init__(self):
        for f in ("tiers", "regions", "owners", "accounts"):
            object.__setattr__(self, f, tuple(dict.fromkeys(str(v) for v in (getattr(self, f) or ()))))

    @property
    def is_everything(self) -> bool:
        return not (self.tiers or self.regions or self.owners or self.accounts)

    def account_ids(self, snap: Snapshot, settings: Settings) -> list[str]:
        """The ids of the accounts in scope, sorted (:class:`~kamgraph.errors.NotFound` for an
        unknown ``accounts`` id)."""
        if self.is_everything:
            return account_ids(snap, None)
        acc = snap.accounts.drop_duplicates("id")
        mask = pd.Series(True, index=acc.index)
        if self.accounts:
            mask &= acc["id"].isin(account_ids(snap, list(self.accounts)))
        if self.tiers:
            tier = account_tiers(snap, settings).set_index("account_id")["tier"]
            mask &= acc["id"].map(tier).isin(self.tiers)
        if self.regions:
            mask &= acc["region"].isin(self.regions)
        if self.owners:
            mask &= acc["owner_id"].isin(self.owners)
        return sorted(acc.loc[mask, "id"].tolist())

    def describe(self, snap: Snapshot, n: int | None = None) -> str:
        """The scope in words, with how many of the portfolio's accounts it holds:
        ``East China, gold and diamond accounts: 5 of 12 accounts``."""
        total = int(snap.accounts["id"].nunique())
        if self.is_everything:
            return _("All accounts ({total})").format(total=total)
        names = shown_names(snap)
        acc_names = snap.accounts.drop_duplicates("id").set_index("id")["name"]
        tiers = [term("tier", x) for x in self.tiers]
        if self.regions and tiers:
            head = _("{regions}, {tiers}").format(regions=_join(list(self.regions)), tiers=_join(tiers))
        else:
            head = _join(list(self.regions)) if self.regions else (_join(tiers) if tiers else "")
        text = _("{which} accounts").format(which=head) if head else _("accounts")
        if self.owners:
            text = _("{accounts} owned by {owners}").format(
                accounts=text, owners=_join([f"{names.get(o, o)} ({o})" if names.get(o) else o for o in self.owners]))
        if self.accounts:
            listed = [f"{acc_names.get(a, a)} ({a})" for a in self.accounts[:5]]
            if len(self.accounts) > 5:
                listed.append(_("{n} more").format(n=len(self.accounts) - 5))
            text = (_("{accounts} among {listed}").format(accounts=text, listed=_join(listed))
                    if (head or self.owners) else _join(listed))
        text = text[:1].upper() + text[1:]
        return _("{scope}: {n} of {total} accounts").format(scope=text, n=n, total=total) if n is not None else text

    def filters_text(self) -> str:
        """The filters for machines (the About table): ``tier=gold,diamond; region=East China``."""
        parts = [f"{k}={','.join(v)}" for k, v in (("tier", self.tiers), ("region", self.regions),
                                                   ("owner", self.owners), ("account", self.accounts)) if v]
        return "; ".join(parts) or _("none")


class _Accounts:
    """Just the accounts of a scope, for the analyses that read nothing else (the Pareto curve)."""

    def __init__(self, accounts: pd.DataFrame):
        self.accounts = accounts


def pareto_of(snap: Snapshot, settings: Settings, accounts: Iterable[str] | None = None):
    """The Pareto summary (:func:`~kamgraph.analysis.tiering.pareto`) of some accounts only:
    their revenue, their top share. ``None``: every account of the snapshot."""
    acc = snap.accounts.drop_duplicates("id")
    if accounts is not None:
        acc = acc[acc["id"].isin(list(accounts))]
    return pareto(_Accounts(acc), settings)


def coverage_files(snap: Snapshot, settings: Settings, as_of=None, previous=None, *, tiers: tuple[str, ...] = (),
                   regions: tuple[str, ...] = (), owners: tuple[str, ...] = (),
                   accounts: tuple[str, ...] = ()) -> dict[str, bytes]:
    """The report of a :class:`ReportScope` (given as its filters, plain tuples, so a cache can
    key on them) as the three downloads the app offers, built once: ``xlsx`` (the workbook),
    ``zip`` (README.txt and the CSV files), ``html`` (the offline report)."""
    scope = ReportScope(tiers=tiers, regions=regions, owners=owners, accounts=accounts)
    r = build_coverage_report(snap, settings, as_of, previous=previous, scope=scope)
    return {"xlsx": r.excel_bytes(), "zip": r.csv_zip_bytes(), "html": r.html().encode("utf-8")}


# -- the report ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CoverageReport:
    """The tables of one report (:data:`TABLES`) and how to write them."""

    as_of: pd.Timestamp
    previous: pd.Timestamp
    scope: tuple[str, ...]
    scope_label: str
    tables: Mapping[str, pd.DataFrame]
    settings: Settings = field(repr=False, compare=False)
    snap: Snapshot = field(repr=False, compare=False)
    filters: ReportScope = field(default=ReportScope(), compare=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = object.__getattribute__(self, "tables")
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def title(self) -> str:
        return _("kamgraph coverage report, {day}").format(day=fmt_day(self.as_of))

    @property
    def scope_sentence(self) -> str:
        """The scope and the date in one line, at the top of every output."""
        return _("Scope: {scope}. As of {day}.").format(scope=self.scope_label, day=fmt_day(self.as_of))

    @property
    def tiers_note(self) -> str:
        return _(TIERS_NOTE).format(total=int(self.snap.accounts["id"].nunique()))

    # -- for people -------------------------------------------------------------------------
    def readable(self, table: str) -> Readable:
        """One table with headers in words, names beside ids and number formats
        (:func:`kamgraph.report.columns.readable`)."""
        r = readable(table, self.tables[table], self._names(), currencies=self._currencies(),
                     percent_kpis=self._percent_kpis())
        if table == "about" and current_language() != "en":  # the items' codes in words
            item = _("Item")
            if item in r.frame.columns:
                frame = r.frame.copy()
                frame[item] = [about_item(x) for x in frame[item]]
                r = dataclasses.replace(r, frame=frame)
        return r

    def _memo(self, what: str, make):
        """``make()`` once per report and language (names and currencies of every table)."""
        memo = self.__dict__.setdefault("_memo_cache", {})  # a frozen dataclass: the instance dict directly
        key = (what, current_language())
        if key not in memo:
            memo[key] = make()
        return memo[key]

    def _names(self) -> pd.Series:
        def make():
            names = shown_names(self.snap)
            orgs = self.snap.frames.get("organizations")
            if orgs is not None and len(orgs):
                names = pd.concat([names, orgs.drop_duplicates("id").set_index("id")["name"]])
            return names[~names.index.duplicated()]

        return self._memo("names", make)

    def _currencies(self) -> pd.Series:
        def make():
            acc = self.snap.accounts.drop_duplicates("id")
            return pd.Series(account_currencies(acc, self.settings.tiers.currency).to_numpy(),
                             index=acc["id"].to_numpy(), dtype=object)

        return self._memo("currencies", make)

    def _percent_kpis(self) -> frozenset[str]:
        kpis = self.tables["summary"]["kpi"]
        return frozenset(k for k in kpis if "share" in k or k == "mean_coverage_score")

    def readme_frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """What each sheet holds (``Sheet, What it holds``) and what each column means
        (``Sheet, Column, Meaning, CSV file, CSV column``)."""
        sheets = pd.DataFrame({_("Sheet"): [_(k) for k in SHEET_MEANING],
                               _("What it holds"): [_(v) for v in SHEET_MEANING.values()]})
        rows = []
        for sheet, names in SHEETS.items():
            if sheet == "README":
                continue
            for n in names:  # the columns only: the headers do not depend on the rows
                for c in readable(n, self.tables[n].head(0), self._names(), percent_kpis=self._percent_kpis()).columns:
                    rows.append((_(sheet), c.header, c.meaning, f"{n}.csv", c.name))
        cols = pd.DataFrame(rows, columns=[_("Sheet"), _("Column"), _("Meaning"), _("CSV file"), _("CSV column")])
        return sheets, cols

    # -- Excel ------------------------------------------------------------------------------
    def excel_bytes(self) -> bytes:
        """The workbook for people (sheets :data:`SHEETS`, README first): headers in words,
        % and currency formats, filters and frozen headers; byte-identical for the same store
        and date."""
        top = [self.scope_sentence]
        sheets: dict[str, list[SheetBlock]] = {}
        sheet_list, columns = self.readme_frames()
        about = self.readable("about")
        sheets[_("README")] = [
            SheetBlock(sheet_list, title=_("Sheets"), notes=[self.title, *top, self.tiers_note, _(CURRENCY_NOTE), ""],
                       formats={_("Sheet"): None}, wrap=(_("What it holds"),)),
            SheetBlock(columns, title=_("Columns"), wrap=(_("Meaning"),), formats={_("Sheet"): None}),
            SheetBlock(about.frame, title=_("About this report"), formats={_("Item"): None}),
        ]
        for sheet, names in SHEETS.items():
            if sheet == "README":
                continue
            if len(names) > 1:
                blocks = []
                for i, n in enumerate(names):
                    r = self.readable(n)
                    blocks.append(SheetBlock(r.frame, title=_(_TITLES[n]),
                                             notes=top + [self.tiers_note] if i == 0 else (),
                                             formats=r.formats, wrap=r.wrap))
                sheets[_(sheet)] = blocks
            else:
                n = names[0]
                r = self.readable(n)
                sheets[_(sheet)] = [SheetBlock(r.frame, notes=top, formats=r.formats, wrap=r.wrap, autofilter=True,
                                               freeze=_FREEZE.get(n, 0))]
        return workbook_bytes(sheets, self.as_of, title=self.title,
                              subject=_("as of {day}; scope: {scope}").format(day=fmt_day(self.as_of),
                                                                             scope=self.scope_label))

    def to_excel(self, path: str | Path) -> Path:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(self.excel_bytes())
        return p

    # -- CSV ------------------------------------------------------------------------------
    def csv_files(self) -> dict[str, bytes]:
        """``<table>.csv`` -> bytes, for every table (column names as in the tables, for pipes)."""

        return {f"{n}.csv": csv_bytes(self.tables[n]) for n in TABLES}

    def to_csv_folder(self, folder: str | Path) -> list[Path]:
        """Write one CSV per table and README.txt into ``folder`` (created); returns the paths."""
        d = Path(folder)
        d.mkdir(parents=True, exist_ok=True)
        out = []
        files = {"README.txt": self.readme_text().encode("utf-8-sig")}
        files.update(self.csv_files())
        for name, data in files.items():
            (d / name).write_bytes(data)
            out.append(d / name)
        return out

    def readme_text(self) -> str:
        """README.txt of the CSV files: the scope, then what each file and column means."""
        lines = [self.title, "", self.scope_sentence, "", self.tiers_note, "", _(CURRENCY_NOTE), "",
                 _("One CSV file per table (UTF-8 with a byte-order mark; dates YYYY-MM-DD; shares as fractions,"
                   " 0.25 = 25%). The Excel workbook holds the same tables for reading."), ""]
        for sheet, names in SHEETS.items():
            for n in names:
                lines.append(_("{file} ({sheet} sheet): {meaning}").format(
                    file=f"{n}.csv", sheet=_(sheet), meaning=_(SHEET_MEANING[sheet])) if sheet in SHEET_MEANING
                    else _("{file}: the as-of date, the scope and the settings of this report").format(file=f"{n}.csv"))
                for c in CATALOGUE.get(n, ()):
                    if c.name in self.tables[n].columns and c.meaning:
                        lines.append(f"  {c.name}: {_(c.meaning)}")
                lines.append("")
        return "\r\n".join(strip_control(line) for line in lines)

    def csv_zip_bytes(self) -> bytes:
        """A zip of ``README.txt`` and every CSV file, byte-identical for the same store and date."""
        files = {"README.txt": self.readme_text().encode("utf-8-sig")}
        files.update(self.csv_files())
        return zip_bytes(files, self.as_of)

    # -- HTML -------------------------------------------------------------------------------
    def html(self) -> str:
        """A self-contained HTML page with the charts and tables (no script, no network)."""
        from kamgraph.report.html import render_coverage_report

        return render_coverage_report(self)

    def to_html(self, path: str | Path) -> Path:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.html(), encoding="utf-8")
        return p

    # -- maps -------------------------------------------------------------------------------
    def write_maps(self, folder: str | Path) -> list[Path]:
        """One standalone relationship map per account and an index (``index.html``).

        Each map's file name is :func:`map_file_name` of the account id: readable, unique per
        id (also on a case-insensitive file system) and never the index's own name. Maps come from :func:`kamgraph.report.relmap.account_map`; an account too large to
        draw gets a page saying so (and how to filter) instead of a map.
        """
        from kamgraph.report.html import render_map_index

        d = Path(folder)
        d.mkdir(parents=True, exist_ok=True)
        written, entries, taken = [], [], {"index.html"}
        for account_id in self.scope:
            name = map_file_name(account_id)
            if name.lower() in taken:  # 48 bits of SHA-256: a bug, not bad luck, if it ever happens
                raise RuntimeError(f"map file name {name} for account {account_id!r} is taken")
            taken.add(name.lower())
            m = account_map(self.snap, self.settings, account_id, as_of=self.as_of)
            (d / name).write_text(m.html, encoding="utf-8")
            entries.append((account_id, name, len(m.nodes), len(m.edges), m.message))
            written.append(d / name)
        index = d / "index.html"
        index.write_text(render_map_index(self, entries), encoding="utf-8")
        return written + [index]


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_file_name(text: str) -> str:
    """A file name from an id: letters, digits, ``.``, ``_`` and ``-`` kept, the rest ``_``.

    >>> safe_file_name("A-01"), safe_file_name("../x y")
    ('A-01', '_x_y')
    """
    return _UNSAFE.sub("_", str(text)).strip(".") or "account"


def map_file_name(account_id: str) -> str:
    """The map file of one account: the id made safe (:func:`safe_file_name`, at most 60
    characters) and 12 hex digits of the SHA-256 of the exact id, so ``X/1``, ``X 1`` and
    ``X_1`` get three files and no account is ever ``index.html``.

    >>> map_file_name("A-01")
    'A-01-b0e360fba67f.html'
    """
    digest = hashlib.sha256(str(account_id).encode("utf-8")).hexdigest()[:12]
    return f"{safe_file_name(account_id)[:60]}-{digest}.html"


def build_coverage_report(snap: Snapshot, settings: Settings, as_of=None, previous=None,
                          accounts: Iterable[str] | None = None, *, scope: ReportScope | None = None) -> CoverageReport:
    """Run every analysis of the report at ``as_of`` (see the module docstring).

    ``previous`` (default: one month before ``as_of``) is the start of the Trends table.
    ``scope`` (tiers, regions, owners, accounts) and ``accounts`` choose the accounts (both:
    the accounts of the scope among ``accounts``; neither: the snapshot's scope, else every
    account). Every figure is computed on those accounts: KPIs, the Pareto curve and its
    share, tier revenue shares, coverage, the team's load. Tiers and value scores are the
    exception, by definition: they rank an account against the whole snapshot, so pass the
    whole portfolio's snapshot (:data:`TIERS_NOTE`, stated in every output).

    Raises :class:`~kamgraph.errors.ConfigError` when no account is in scope.
    """

    t = resolve_as_of(settings, as_of)
    prev = (t - pd.DateOffset(months=1)) if previous is None else resolve_as_of(settings, previous)
    if prev >= t:
        raise ConfigError(_("the previous date ({previous}) must be before the as-of date ({day})").format(
            previous=prev.date(), day=t.date()))
    scope = scope or ReportScope()
    if accounts is not None:
        scope = dataclasses.replace(scope, accounts=tuple(accounts))
    ids = scope.account_ids(snap, settings)
    if not ids:
        raise ConfigError(_("no account is in the scope: {scope}").format(scope=scope.describe(snap)))
    whole = sorted(ids) == sorted(snap.accounts["id"].unique().tolist())
    if scope.is_everything and whole:
        scope_label = scope.describe(snap)
    else:  # no filter on a scoped snapshot: its accounts by name
        scope_label = (scope if not scope.is_everything else ReportScope(accounts=tuple(ids))).describe(snap, len(ids))
    names = shown_names(snap)

    tiers = account_tiers(snap, settings)
    acc_cov = account_coverage(snap, settings, t, ids)
    contacts = contact_coverage(snap, settings, t, ids)
    gaps = gap_table(snap, settings, t, accounts=ids)

    # buying centers: every contact with the trend of their best relationship
    best_pairs = contacts.loc[contacts["best_internal_id"].notna(), ["best_internal_id", "contact_id"]]
    best_pairs = best_pairs.rename(columns={"best_internal_id": "person_id", "contact_id": "other_id"}).drop_duplicates()
    tr = trends(snap, settings, t, best_pairs) if len(best_pairs) else pd.DataFrame(
        columns=["person_id", "other_id", "label", "slope"])
    tr = tr.drop_duplicates(["person_id", "other_id"]).set_index(["person_id", "other_id"])
    key = pd.MultiIndex.from_arrays([contacts["best_internal_id"], contacts["contact_id"]])
    buying = contacts.copy()
    buying["trend"] = tr["label"].reindex(key).to_numpy() if len(tr) else None
    buying["trend_slope"] = tr["slope"].reindex(key).astype(float).to_numpy() if len(tr) else np.nan
    buying["trend"] = buying["trend"].astype(object).where(buying["trend"].notna(), None)
    buying = _sorted(buying, ["account_id", "contact_id"])

    accounts_t = _accounts_table(snap, settings, acc_cov, tiers, gaps)
    paths = _paths_table(snap, settings, t, contacts)
    changes = relationship_changes(snap, settings, prev, t)
    changes = changes[touching(changes["account_id"], ids)]
    changes = _sorted(changes, ["date", "kind", "account_id", "person_id", "other_id"])

    tier_of = tiers.set_index("account_id")["tier"]
    strength_trend = _strength_trend(snap, settings, t, contacts, tier_of, monthly_series,
                                     overall="portfolio" if whole else "all in scope")
    team = _team_table(snap, settings, t, ids, contacts, gaps, names, involved_only=not whole)
    in_scope = snap.accounts.drop_duplicates("id")
    in_scope = in_scope[in_scope["id"].isin(ids)]
    tier_table = _tier_table(settings, tiers, acc_cov, contacts, gaps, tier_policy_table(settings), ids)
    par = pareto_of(snap, settings, ids)  # the scope's revenue only
    currency = pd.Series(account_currencies(in_scope, settings.tiers.currency).to_numpy(), index=in_scope["id"].to_numpy(),
                         dtype=object)
    pareto_t = par.curve.assign(in_top=par.curve["rank"] <= par.n_top, currency=par.curve["account_id"].map(currency))[
        ["rank", "account_id", "name", "revenue", "currency", "cum_account_share", "cum_revenue_share", "in_top"]]
    summary = _kpis(settings, acc_cov, contacts, gaps, buying, changes, team, par, ids)
    about = _about(snap, settings, t, prev, scope_label, scope)

    tables = {"about": about, "summary": summary, "tiers": tier_table, "pareto": pareto_t.reset_index(drop=True),
              "accounts": accounts_t, "buying_centers": buying.reset_index(drop=True),
              "gaps": gaps.reset_index(drop=True), "access_paths": paths, "trends": changes.reset_index(drop=True),
              "strength_trend": strength_trend, "team": team}
    assert tuple(tables) == TABLES
    return CoverageReport(as_of=t, previous=prev, scope=tuple(ids), scope_label=scope_label,
                          tables=MappingProxyType(tables), settings=settings, snap=snap, filters=scope)


# -- tables ---------------------------------------------------------------------------------

def touching(account_ids: pd.Series, ids) -> np.ndarray:
    """Which rows name one of ``ids`` among their accounts (``A-01`` or ``A-01,A-03``; missing:
    none), column-wise: a row of one account is looked up directly, a list is split first.

    >>> touching(pd.Series(["A-01", "A-02,A-03", None, "A-04"]), ["A-03", "A-04"]).tolist()
    [False, True, False, True]
    """
    acc = pd.Series(account_ids.fillna("").astype(str).to_numpy(), dtype=object)
    wanted = pd.Index(list(ids), dtype=object)
    keep = acc.isin(wanted).to_numpy().copy()
    several = acc.str.contains(",", regex=False).to_numpy()
    if several.any():
        parts = acc[several].str.split(",").explode()
        keep[several] = parts.isin(wanted).groupby(level=0, sort=True).any().to_numpy()
    return keep


def _sorted(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    keys = [k for k in keys if k in df.columns]
    return df.sort_values(keys, kind="mergesort", na_position="first").reset_index(drop=True)


def about_item(item) -> str:
    """An item of the About table (``as_of``, ``setting coverage.covered``) in words."""
    item = str(item)
    if item in ABOUT_ITEMS:
        return _(ABOUT_ITEMS[item])
    if item.startswith("setting "):
        return _("setting {name}").format(name=item[len("setting "):])
    return item.replace("_", " ")


def _about(snap: Snapshot, settings: Settings, t, prev, scope_label: str, scope: ReportScope) -> pd.DataFrame:
    rows = [("report", _("kamgraph coverage report"), ""),
            ("as_of", t.strftime("%Y-%m-%d"), _("every figure is as of this date")),
            ("previous", prev.strftime("%Y-%m-%d"), _("start of the Trends table")),
            ("scope", scope_label, _("every figure is computed on these accounts, except tiers")),
            ("scope_filters", scope.filters_text(), _("tier, region, owner and account filters")),
            ("tiers", _("portfolio-relative"), _(TIERS_NOTE).format(total=int(snap.accounts["id"].nunique()))),
            ("data_version", str(snap.data_version), _("store data version the report was built from")),
            ("settings_hash", settings_hash(settings), _("SHA-256 prefix of every setting"))]
    s = settings_summary(settings)
    for name, value, default, changed in s.itertuples(index=False):
        rows.append((f"setting {name}", value,
                     _("default {value}").format(value=default if default or current_language() == "en" else _("none"))
                     if changed else _("default")))
    return pd.DataFrame(rows, columns=["item", "value", "note"])


def _accounts_table(snap: Snapshot, settings: Settings, acc_cov: pd.DataFrame, tiers: pd.DataFrame,
                    gaps: pd.DataFrame) -> pd.DataFrame:
    acc = snap.accounts.drop_duplicates("id").set_index("id")
    t = tiers.set_index("account_id")
    out = acc_cov.rename(columns={"tier": "declared_tier"}).copy()
    ids = out["account_id"]
    out.insert(2, "tier", ids.map(t["tier"]).astype(object))
    out.insert(3, "computed_tier", ids.map(t["computed_tier"]).astype(object))
    out.insert(4, "value_score", ids.map(t["value_score"]).astype(float))
    out.insert(5, "problem", ids.map(t["problem"]).fillna(False).astype(bool))
    out.insert(6, "region", ids.map(acc["region"]).astype(object))
    out.insert(7, "city", ids.map(acc["city"]).astype(object))
    out.insert(8, "revenue", ids.map(acc["revenue"]).astype(float))
    currency = pd.Series(account_currencies(acc, settings.tiers.currency).to_numpy(), index=acc.index)
    out.insert(9, "currency", ids.map(currency).astype(object))
    out.insert(10, "country", ids.map(acc["country"]).astype(object) if "country" in acc.columns else None)
    out.insert(11, "owner_id", ids.map(acc["owner_id"]).astype(object))
    g = gaps.groupby("account_id")
    out["gaps"] = ids.map(g.size()).fillna(0).astype(np.int64)
    out["top_gap_priority"] = ids.map(g["priority"].max()).astype(float)
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].where(out[c].notna(), None)
    return _sorted(out, ["account_id"])


def _paths_table(snap: Snapshot, settings: Settings, t, contacts: pd.DataFrame) -> pd.DataFrame:

    targets = contacts[contacts["decision_role"].notna() & ~contacts["covered"]]
    cols = ["account_id", "account_name", "target_id", "target_name", "decision_role", "best_strength"]
    if targets.empty:
        return pd.DataFrame(columns=cols + [c for c in PATH_COLUMNS if c != "target_id"] + ["internal_name"])
    p = access_paths_for(snap, settings, targets["contact_id"].unique(), as_of=t)
    tg = targets.rename(columns={"contact_id": "target_id", "name": "target_name"})[cols]
    out = tg.merge(p, on="target_id", how="inner")
    out["internal_name"] = out["internal_id"].map(shown_names(snap))
    return _sorted(out, ["account_id", "target_id", "rank"])


def _strength_trend(snap: Snapshot, settings: Settings, t, contacts: pd.DataFrame, tier_of: pd.Series,
                    monthly_series, overall: str = "portfolio") -> pd.DataFrame:
    """Monthly mean strength of the buying centers' best relationships (as of ``t``), per tier."""
    bc = contacts[contacts["decision_role"].notna() & contacts["best_internal_id"].notna()]
    cols = ["month", "tier", "relationships", "mean_strength"]
    if bc.empty:
        return pd.DataFrame(columns=cols)
    pairs = bc[["best_internal_id", "contact_id", "account_id"]].rename(
        columns={"best_internal_id": "person_id", "contact_id": "other_id"})
    series = monthly_series(snap, settings, t, pairs[["person_id", "other_id"]])
    series = series.merge(pairs, on=["person_id", "other_id"])
    series["tier"] = series["account_id"].map(tier_of).fillna("standard")
    by_tier = series.groupby(["date", "tier"])["strength"].agg(["size", "mean"]).reset_index()
    overall = series.groupby("date")["strength"].agg(["size", "mean"]).reset_index().assign(tier=overall)
    out = pd.concat([by_tier, overall], ignore_index=True).rename(
        columns={"date": "month", "size": "relationships", "mean": "mean_strength"})
    order = {k: i for i, k in enumerate(sorted(settings.tiers.weights, key=lambda k: -settings.tiers.weights[k]))}
    out["_o"] = out["tier"].map(order).fillna(len(order))
    out = out.sort_values(["month", "_o", "tier"], kind="mergesort").drop(columns="_o")
    return out[cols].reset_index(drop=True)


def _team_table(snap: Snapshot, settings: Settings, t, ids, contacts: pd.DataFrame, gaps: pd.DataFrame,
                names: pd.Series, involved_only: bool = False) -> pd.DataFrame:
    """Per internal person (every one; with ``involved_only``, those on a team of ``ids`` or
    holding a thread or a best tie there), figures on the contacts of ``ids``."""
    p = snap.people.drop_duplicates("id").set_index("id")
    ours = sorted(internal_ids(snap))
    levels = person_levels(snap)
    pairs = internal_contact_strengths(snap, settings, t, contacts["contact_id"].unique())
    pairs = pairs.merge(contacts[["account_id", "contact_id"]], on="contact_id")
    threads = pairs[pairs["strength"] >= settings.coverage.thread]
    strong = pairs[pairs["strength"] >= settings.gaps.strong]
    team = team_roles(snap, t, ids)
    labelled = team.sort_values(["internal_id", "account_id", "team_role"], kind="mergesort")
    labelled = labelled.assign(label=labelled["account_id"].astype(str) + ":" + labelled["team_role"].astype(str))
    roles = labelled.groupby("internal_id")["label"].agg(", ".join)
    on_team = team.groupby("internal_id")["account_id"].agg(set)
    with_thread = threads.groupby("internal_id")["account_id"].agg(set)
    covered = contacts[contacts["covered"]]
    best_of = covered.groupby("best_internal_id")["contact_id"].nunique()
    key_roles = {DecisionRole.DECISION_MAKER.value, DecisionRole.APPROVER.value}
    key_best = covered[covered["decision_role"].isin(key_roles)].groupby("best_internal_id")["contact_id"].nunique()
    n_threads = threads.groupby("contact_id")["internal_id"].nunique()
    sole = threads[threads["contact_id"].map(n_threads) == 1].groupby("internal_id")["contact_id"].nunique()
    total_strong = strong[["internal_id", "contact_id"]].drop_duplicates().shape[0]
    risk = gaps[gaps["kind"] == "key_person_risk"].groupby("target_id")["account_id"].agg(
        lambda s: ", ".join(sorted(set(s))))

    out = pd.DataFrame({"internal_id": ours})
    i = out["internal_id"]
    out["name"] = i.map(names).astype(object)
    out["title"] = i.map(p["title"]).astype(object)
    out["level"] = i.map(levels).astype(float)
    out["city"] = i.map(p["city"]).astype(object)
    out["team_roles"] = i.map(roles).astype(object)
    out["accounts"] = [len(on_team.get(x, set()) | with_thread.get(x, set())) for x in i]
    out["threads"] = i.map(threads.groupby("internal_id")["contact_id"].nunique()).fillna(0).astype(np.int64)
    out["strong_ties"] = i.map(strong.groupby("internal_id")["contact_id"].nunique()).fillna(0).astype(np.int64)
    out["best_tie_to"] = i.map(best_of).fillna(0).astype(np.int64)
    out["best_tie_to_key_contacts"] = i.map(key_best).fillna(0).astype(np.int64)
    out["sole_thread_to"] = i.map(sole).fillna(0).astype(np.int64)
    out["load_share"] = (out["strong_ties"] / total_strong) if total_strong else 0.0
    out["key_person_risk"] = i.map(risk).astype(object)
    for c in ("name", "title", "city", "team_roles", "key_person_risk"):
        out[c] = out[c].where(out[c].notna(), None)
    if involved_only:
        out = out[(out["team_roles"].notna()) | (out["threads"] > 0) | (out["best_tie_to"] > 0)
                  | (out["strong_ties"] > 0)]
    out["_l"] = out["level"].fillna(np.inf)
    return out.sort_values(["_l", "internal_id"], kind="mergesort").drop(columns="_l").reset_index(drop=True)


def _tier_table(settings: Settings, tiers: pd.DataFrame, acc_cov: pd.DataFrame, contacts: pd.DataFrame,
                gaps: pd.DataFrame, policy: pd.DataFrame, ids) -> pd.DataFrame:
    t = tiers[tiers["account_id"].isin(ids)]
    total_rev = float(t["revenue"].sum())  # the scope's revenue
    tier_of = tiers.set_index("account_id")["tier"]
    cov = acc_cov.assign(tier=acc_cov["account_id"].map(tier_of))
    dm = contacts[contacts["decision_role"] == DecisionRole.DECISION_MAKER.value]
    dm = dm.assign(tier=dm["account_id"].map(tier_of))
    g = gaps.assign(tier=gaps["account_id"].map(tier_of))
    names = sorted(set(settings.tiers.weights) | set(t["tier"].dropna()),
                   key=lambda k: (-settings.tiers.weights.get(k, -np.inf), k))
    rows = []
    for tier in names:
        tt = t[t["tier"] == tier]
        rev = float(tt["revenue"].sum())
        d = dm[dm["tier"] == tier]
        rows.append({
            "tier": tier, "accounts": len(tt), "revenue": rev,
            "revenue_share": rev / total_rev if total_rev > 0 else np.nan,
            "problem_accounts": int(tt["problem"].sum()),
            "mean_coverage_score": float(cov.loc[cov["tier"] == tier, "coverage_score"].mean()),
            "decision_makers": len(d), "decision_makers_covered": int(d["covered"].sum()),
            "gaps": int((g["tier"] == tier).sum()),
        })
    out = pd.DataFrame(rows)
    pol = policy.rename(columns={c: f"policy_{c}" for c in policy.columns if c != "tier"})
    return out.merge(pol, on="tier", how="left")


def _kpis(settings: Settings, acc_cov, contacts, gaps, buying, changes, team, par, ids) -> pd.DataFrame:
    bc = contacts[contacts["decision_role"].notna()]
    dm = contacts[contacts["decision_role"] == DecisionRole.DECISION_MAKER.value]
    labels = buying["trend"].value_counts()
    cov = settings.coverage
    rows = [
        ("accounts", len(ids), ""),
        ("contacts", len(contacts), _("current customer contacts")),
        ("buying_center_contacts", len(bc), _("contacts with a decision role")),
        ("buying_center_covered", int(bc["covered"].sum()), _("best strength >= {value}").format(value=f"{cov.covered:g}")),
        ("buying_center_covered_share", float(bc["covered"].mean()) if len(bc) else np.nan, ""),
        ("never_interacted", int(contacts["never_interacted"].sum()), _("contacts nobody on our side has met")),
        ("decision_makers", len(dm), ""),
        ("decision_makers_covered", int(dm["covered"].sum()), _("best strength >= {value}").format(value=f"{cov.covered:g}")),
        ("decision_makers_peer_covered", int(dm["peer_covered"].sum()),
         _("covering tie from our level <= theirs + {gap}").format(gap=cov.peer_level_gap)),
        ("mean_coverage_score", float(acc_cov["coverage_score"].mean()), _("mean over accounts with a buying center")),
        ("iron_triangle_complete", int(acc_cov["iron_triangle_complete"].sum()), _("accounts with AR, SR and FR")),
        ("gaps", len(gaps), ""),
        ("accounts_with_gaps", int(gaps["account_id"].nunique()), ""),
        ("cooling_best_relationships", int(labels.get("cooling", 0)), _("contacts whose best relationship is cooling")),
        ("dormant_best_relationships", int(labels.get("dormant", 0)), _("contacts whose best relationship is dormant")),
        ("changes_since_previous", len(changes), _("rows of the Trends table")),
        ("internal_people", len(team), ""),
        ("strong_ties", int(team["strong_ties"].sum()),
         _("our (person, contact) pairs >= {value}").format(value=f"{settings.gaps.strong:g}")),
        (f"revenue_share_top_{par.top_share:.0%}", par.revenue_share,
         _("top {n} of {total} accounts by revenue").format(n=par.n_top, total=par.n_accounts)),
    ]
    # one column of mixed numbers: counts stay integers, shares stay floats
    return pd.DataFrame({"kpi": [r[0] for r in rows], "value": pd.Series([r[1] for r in rows], dtype=object),
                         "detail": [r[2] for r in rows]})
