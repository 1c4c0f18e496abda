"""Data access for the Streamlit pages: one store, cached snapshots, cached analyses.

Everything a page shows comes through a :class:`PageContext`:

- the **configuration** (store URL, settings file, analysis date) is
  :func:`kamgraph.config.resolve_config` of the environment, exactly as the CLI resolves it
  without flags (:func:`app_config`);
- the **store** is opened once per store URL and shared by every session
  (``st.cache_resource``); this is the one UI module that reaches the store;
- a **snapshot** is read once per (store URL, scope, data version) (``st.cache_resource``: it
  memoizes its own indexes, so sharing the object shares them too), and only when an
  analysis has to be computed: the whole portfolio's frames are read one entity at a time,
  on first use;
- an **analysis result** (:meth:`PageContext.compute`) is looked up per (function, store URL,
  scope, data version, settings (their values, the analysis date included), arguments) in
  memory first (shared by every session of the process), then on disk
  (:mod:`kamgraph.report.persisted`: shared by every process, surviving a restart, one
  folder per data version), and only then computed, with the step shown
  ("Computing gaps… (3 of 5)"). Two sessions asking for the same result at once compute it
  once. After the app's own import, the whole-portfolio analyses computed before are
  computed again for the new data version in a background thread, so the first page after
  an import finds them ready.

The store's data version changes on every write, so a write made anywhere (the CLI, another
session) is seen on the next rerun; :meth:`PageContext.clear` also empties the caches after
the app itself imports, edits or erases, so memory is not held by stale snapshots.

Edits (:mod:`kamgraph.ingest.edit`: a person, a job change, an assessment, an interaction,
a tie, an influence link, a membership) need the ``edit`` permission (editors and admins;
everyone when sign-in is off), are recorded as the signed-in user, and return an
:class:`~kamgraph.ingest.edit.EditResult`; a refused one raises
:class:`~kamgraph.ingest.edit.EditRejected` with the validator's message and writes nothing.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from kamgraph.config import Config, resolve_config
from kamgraph.errors import KamgraphError
from kamgraph.i18n import N_, _, current_language
from kamgraph.ingest import ImportReport, import_path
from kamgraph.ingest import edit as edits
from kamgraph.ingest.edit import EditResult
from kamgraph.report.persisted import (
    MISS,
    PersistedAnalyses,
    Unpersistable,
    code_version,
    computing,
    digest,
)
from kamgraph.report.persisted import (
    forget as forget_persisted,
)
from kamgraph.schema import ENTITIES
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot
from kamgraph.store import open_store
from kamgraph.store.base import BaseStore
from kamgraph.ui.access import Access, current_access

#: session-state key of the sidebar's "as of" slider
AS_OF_KEY = "as_of"
#: analysis results kept in memory (per process, every session), least recently used dropped
MEMORY_ENTRIES = 256

log = logging.getLogger(__name__)


def app_config() -> Config:
    """The app's store, settings and default analysis date: the environment resolved by
    :func:`~kamgraph.config.resolve_config`, as ``kamgraph`` without flags resolves it."""
    return resolve_config()


@st.cache_resource(show_spinner=False)
def _open_store(url: str):
    return open_store(url)


class _LazyFrames(Mapping):
    """The whole portfolio's frames, each read from the store on first use (thread-safe).

    Exactly what :func:`~kamgraph.snapshot.build_snapshot` reads for the whole portfolio (one
    ``store.read(entity)`` per entity), so a page that only needs the account list never reads
    the 5M attendance rows. A store with its own ``snapshot`` is read whole on first use."""

    def __init__(self, store, url: str, version: int) -> None:
        self._store = store
        self._url = url
        self._version = version
        self._frames: dict[str, pd.DataFrame] = {}
        self._whole: Snapshot | None = None
        self._lock = threading.Lock()
        self._per_entity = type(store).snapshot is BaseStore.snapshot

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name in self._frames:
            return self._frames[name]
        with self._lock:
            if name not in self._frames:
                if self._per_entity:
                    if name not in ENTITIES:
                        raise KeyError(name)
                    self._frames[name] = _snapshot_read(self._url, name, self._version, self._store)
                else:
                    if self._whole is None:
                        self._whole = self._store.snapshot(None)
                        self._frames.update(self._whole.frames)
                    if name not in self._frames:
                        raise KeyError(name)
            return self._frames[name]

    def _names(self) -> list[str]:
        if self._whole is not None:
            return list(self._whole.frames)
        return list(ENTITIES)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, name: object) -> bool:
        return name in self._names()


@st.cache_resource(show_spinner=False, max_entries=16)
def _snapshot(url: str, scope: tuple[str, ...] | None, version: int, _store) -> Snapshot:
    if scope is None:  # read entity by entity, on first use
        return Snapshot(_LazyFrames(_store, url, version), None, version, _store.url, _store.history_from())
    return _store.snapshot(list(scope))


@st.cache_resource(show_spinner=False, max_entries=64)
def _persisted(url: str, version: int, _store) -> PersistedAnalyses | None:
    """The results persisted on disk for this store at this data version (None: not persisted)."""
    return PersistedAnalyses.for_store(_store, version)


class _Memory:
    """Analysis results in memory, shared by every session (as ``st.cache_data`` would, without
    copying them through pickle on every read: frames are handed out as shallow copies, which
    pandas' copy-on-write keeps apart). One computation per key at a time: a second session
    asking for a result being computed waits for it."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._busy: dict[Any, threading.Lock] = {}

    def get(self, key) -> Any:
        with self._lock:
            if key not in self._values:
                return MISS
            self._values.move_to_end(key)
            return self._values[key]

    def put(self, key, value) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.entries:
                self._values.popitem(last=False)

    @contextmanager
    def computing(self, key):
        with self._lock:
            lock = self._busy.setdefault(key, threading.Lock())
        with lock:
            yield
        with self._lock:
            if self._busy.get(key) is lock and not lock.locked():
                del self._busy[key]

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_MEMORY = _Memory(MEMORY_ENTRIES)
#: how many results each page asked for in its last run (for "step 3 of 5")
_PAGE_STEPS: dict[str, int] = {}
#: the whole-portfolio analyses this process computed: recomputed in the background after an import
_WARM: OrderedDict[tuple, tuple] = OrderedDict()
_WARM_ENTRIES = 32


def _isolated(value: Any) -> Any:
    """A copy a caller may change without changing the cached result (frames: shallow, copy-on-write)."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, (dict, list, set)):
        return copy.copy(value)
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_isolated(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        try:
            return dataclasses.replace(value, **{f.name: _isolated(getattr(value, f.name))
                                                 for f in dataclasses.fields(value) if f.init})
        except (TypeError, ValueError):
            return value
    return value


def _remember(fn: Callable, with_settings: bool, args: Sequence, kwargs: dict) -> None:
    """Note a whole-portfolio analysis, to compute it again after the app's next import."""
    key = (f"{fn.__module__}.{fn.__qualname__}", digest((tuple(args), tuple(sorted(kwargs.items())))))
    _WARM[key] = (fn, with_settings, tuple(args), dict(kwargs))
    _WARM.move_to_end(key)
    while len(_WARM) > _WARM_ENTRIES:
        _WARM.popitem(last=False)


def _warm(ctx: PageContext) -> threading.Thread | None:
    """Compute the remembered whole-portfolio analyses for ``ctx``'s data version in a
    background thread (memory and disk); errors only logged (a page computes them itself)."""
    calls = list(_WARM.values())
    if not calls:
        return None

    def run() -> None:
        for fn, with_settings, args, kwargs in calls:
            try:
                ctx.compute(fn, *args, with_settings=with_settings, **kwargs)
            except Exception:
                log.exception("precomputing %s after an import failed", getattr(fn, "__name__", fn))

    thread = threading.Thread(target=run, name="kamgraph-precompute", daemon=True)
    thread.start()
    return thread


def _page_key() -> str | None:
    """The running page's script hash (None outside a script run, e.g. a background thread)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        run = get_script_run_ctx(suppress_warning=True)
    except Exception:  # noqa: BLE001 - streamlit internals moved: no step numbers
        return None
    if run is None:
        return None
    return str(getattr(run, "page_script_hash", "") or "")


#: what each analysis the pages compute is called in "Computing gaps… (3 of 5)"
STEP_LABELS = {
    "shown_names": N_("people's names"),
    "access_paths": N_("access paths"), "account_coverage": N_("account coverage"), "account_map": N_("account map"),
    "account_tiers": N_("account tiers"), "assessment_changes": N_("assessment changes"),
    "contact_coverage": N_("contact coverage"), "coverage_files": N_("coverage files"),
    "explain_pairs": N_("relationship explanations"), "gaps": N_("gaps"),
    "internal_contact_strengths": N_("relationship strengths"), "internal_ids": N_("our people"),
    "key_person_risk": N_("key person risk"), "monthly_series": N_("monthly strength"),
    "pareto_of": N_("revenue concentration"), "paths_map": N_("paths map"), "person_labels": N_("people's labels"),
    "person_levels": N_("people's levels"), "person_names": N_("people's names"),
    "plan_for_cache": N_("the visit plan"), "political_timeline": N_("political timeline"),
    "relationship_changes": N_("relationship changes"), "trends": N_("trends"),
    "uncovered_decision_maker_paths": N_("paths to uncovered decision makers"),
}
#: what a role may not do, in words (see :data:`kamgraph.auth.ACTIONS`)
_ACTIONS = {"read": N_("read"), "edit": N_("edit"), "import": N_("import"), "erase": N_("erase"),
            "manage_users": N_("manage users")}


def _label(fn: Callable) -> str:
    """The analysis ``fn`` in words, in the reader's language (an unlisted one: its name with spaces in English,
    "the analysis" otherwise)."""
    name = getattr(fn, "__name__", "")
    if name in STEP_LABELS:
        return _(STEP_LABELS[name])
    if name and current_language() == "en":
        return name.replace("_", " ").strip()
    return _("the analysis")


@st.cache_data(show_spinner=False, max_entries=32)
def _counts(url: str, version: int) -> dict:
    return dict(_open_store(url).counts())


def _through_disk(persisted: PersistedAnalyses | None, name: str, key: Any, build: Callable[[], Any]) -> Any:
    """The value persisted under (``name``, ``key``), else ``build()`` (then persisted)."""
    value = persisted.get(name, key) if persisted is not None else MISS
    if value is MISS:
        value = build()
        if persisted is not None:
            persisted.put_later(name, key, value)
    return value


#: entity frames read for pages this process, by (url, version, entity): the snapshot reuses them
_PAGE_READS: dict[tuple, pd.DataFrame] = {}


@st.cache_resource(show_spinner=False, max_entries=64)
def _read(url: str, entity: str, version: int) -> pd.DataFrame:
    """Every row of an entity, once per data version and process, for :meth:`PageContext.read`
    (handed out as shallow copies); persisted beside the store, as a Parquet file reads faster
    than the store's rows. The whole portfolio's snapshot reuses it."""
    store = _open_store(url)
    frame = _through_disk(_persisted(url, version, store), f"kamgraph.store.read.{entity}",
                          (code_version(type(store).__module__),), lambda: store.read(entity))
    for key in [k for k in _PAGE_READS if k[0] == url and k[1] != version]:
        del _PAGE_READS[key]
    _PAGE_READS[(url, version, entity)] = frame
    return frame


def _snapshot_read(url: str, entity: str, version: int, store) -> pd.DataFrame:
    """An entity's frame for the whole portfolio's snapshot: a page's read of it, else the
    persisted file, else the store (not persisted: the big tables are only read to compute,
    and what is computed is persisted)."""
    frame = _PAGE_READS.get((url, version, entity))
    if frame is not None:
        return frame
    persisted = _persisted(url, version, store)
    frame = persisted.get(f"kamgraph.store.read.{entity}", (code_version(type(store).__module__),)) \
        if persisted is not None else MISS
    return store.read(entity) if frame is MISS else frame


@st.cache_data(show_spinner=False, max_entries=32)
def _audit(url: str, person_id: str | None, account_id: str | None, version: int) -> pd.DataFrame:
    return _open_store(url).audit(person_id=person_id, account_id=account_id)


@dataclass(frozen=True)
class PageContext:
    """What a page needs: the store, the settings, the analysis date, and cached calls.

    ``as_of`` is the date chosen in the sidebar (default: the configuration's, ``config.as_of``);
    ``access`` who is using the app (writes are recorded as theirs where the store records it).
    """

    config: Config
    as_of: pd.Timestamp
    data_version: int
    counts: dict
    access: Access
    #: this run's progress: results asked for, computed (for "step 3 of 5")
    _run: dict = field(default_factory=lambda: {"asked": 0, "computed": 0}, compare=False, repr=False)

    def can(self, action: str) -> bool:
        """Whether the person using the app may ``action`` (``read``, ``import``, ``erase``...)."""
        return self.access.can(action)

    def _actor(self, fn: Callable) -> dict:
        """``{"actor": user}`` when someone is signed in and ``fn`` records who wrote, else ``{}``."""
        if not self.access.user:
            return {}
        try:
            params = inspect.signature(fn).parameters
        except (TypeError, ValueError):
            return {}
        return {"actor": self.access.user} if "actor" in params else {}

    def _require(self, action: str) -> None:
        if not self.can(action):
            from kamgraph.ui.access import role_word

            what = _(_ACTIONS.get(action, action)) if action in _ACTIONS else action
            raise KamgraphError(_("your role ({role}) may not {action}; ask an admin")
                                .format(role=role_word(self.access.role), action=what))

    @property
    def store_url(self) -> str:
        return self.config.store_url

    @property
    def settings(self) -> Settings:
        return self.config.settings

    @property
    def _store(self):
        return _open_store(self.store_url)

    @property
    def empty(self) -> bool:
        """No people and no accounts: nothing to analyse yet."""
        return self.counts.get("people", 0) == 0 and self.counts.get("accounts", 0) == 0

    @property
    def as_of_text(self) -> str:
        return self.as_of.strftime("%Y-%m-%d")

    def read(self, entity: str) -> pd.DataFrame:
        """Every row of one entity (e.g. the account list), read once per data version."""
        return _read(self.store_url, entity, self.data_version).copy(deep=False)

    @property
    def history_from(self) -> pd.Timestamp | None:
        """Where the stored history starts (see ``Store.history_from``); None when empty."""
        return self._store.history_from()

    def snapshot(self, scope: Sequence[str] | None = None) -> Snapshot:
        """The snapshot of some accounts (``None``: the whole portfolio), read once per data
        version; the whole portfolio's frames are read on first use. Analyses run through
        :meth:`compute` build what they share on it as they need it."""
        key = tuple(sorted(set(scope))) if scope is not None else None
        return _snapshot(self.store_url, key, self.data_version, self._store)

    @property
    def settings_digest(self) -> str:
        """A digest of the settings' values (the default analysis date included)."""
        return digest(self.settings)

    @property
    def persisted(self) -> PersistedAnalyses | None:
        """The analyses persisted on disk for this store and data version (None: not persisted)."""
        return _persisted(self.store_url, self.data_version, self._store)

    def compute(self, fn: Callable, *args, scope: Sequence[str] | None = None, with_settings: bool = True,
                **kwargs) -> Any:
        """``fn(snapshot, settings, *args, **kwargs)`` (or ``fn(snapshot, *args, ...)`` when
        ``with_settings`` is False), cached on the store URL, scope, data version, the settings'
        values and the arguments: in memory, then on disk (shared by every process and kept
        across restarts), then computed with its step shown. Pass the analysis date
        explicitly (e.g. ``as_of=ctx.as_of_text``); arguments may be ids, numbers, dates,
        tuples, dicts and frames."""
        key = tuple(sorted(set(scope))) if scope is not None else None
        name = f"{fn.__module__}.{fn.__qualname__}"
        self._run["asked"] += 1
        try:
            call = digest((key, self.settings_digest, with_settings, tuple(args), tuple(sorted(kwargs.items())),
                           code_version(fn.__module__), current_language()))
        except Unpersistable:  # an argument that cannot be digested: computed every time
            return self._compute(fn, key, with_settings, args, kwargs)
        mem_key = (name, self.store_url, self.data_version, call)
        value = _MEMORY.get(mem_key)
        if value is MISS:
            with _MEMORY.computing(mem_key):  # another session computing it: wait, then read it
                value = _MEMORY.get(mem_key)
                if value is MISS:
                    persisted = self.persisted
                    value = persisted.get(name, call) if persisted is not None else MISS
                    if value is MISS:
                        value = self._compute(fn, key, with_settings, args, kwargs)
                        if persisted is not None:
                            persisted.put_later(name, call, value)
                    _MEMORY.put(mem_key, value)
            if key is None:
                _remember(fn, with_settings, args, kwargs)
        page = _page_key()
        if page is not None:
            _PAGE_STEPS[page] = max(self._run["asked"], _PAGE_STEPS.get(page, 0))
        return _isolated(value)

    def per_version(self, name: str, build: Callable[[], Any]) -> Any:
        """``build()``, kept per (``name``, store URL, data version) in memory (every session) and,
        when it can be, on disk (every process, across restarts): for what a page derives from
        the store's reads on every rerun (pickers' labels, a history table), so a rerun (a
        filter change) does not derive it again. ``name`` must
        say everything the result depends on besides the data (e.g. ``f"history:{account_id}"``).
        """
        lang = current_language()  # labels and sentences are in the reader's language
        key = ("per_version", name, self.store_url, self.data_version, lang)
        value = _MEMORY.get(key)
        if value is MISS:
            with _MEMORY.computing(key):
                value = _MEMORY.get(key)
                if value is MISS:
                    value = _through_disk(self.persisted, f"per_version.{name}",
                                          (name, code_version(getattr(build, "__module__", None)), lang), build)
                    _MEMORY.put(key, value)
        return _isolated(value)

    def _compute(self, fn: Callable, key, with_settings: bool, args: Sequence, kwargs: dict) -> Any:
        self._run["computed"] += 1
        with self._step(_("Computing {what}").format(what=_label(fn))), computing:  # the disk writer waits meanwhile
            snap = self.snapshot(key)
            if with_settings:
                return fn(snap, self.settings, *args, **kwargs)
            return fn(snap, *args, **kwargs)

    @contextmanager
    def _step(self, what: str):
        """Show ``what`` is running ("Computing gaps… (3 of 5)") while the block runs, in a script run."""
        page = _page_key()
        if page is None:
            yield
            return
        total = _PAGE_STEPS.get(page)
        i = self._run["asked"]
        where = (_("({i} of {total})").format(i=i, total=total) if total and i <= total
                 else _("(step {i})").format(i=i))
        with st.spinner(_("{what}… {where}").format(what=what, where=where), show_time=True):
            yield

    # -- writes and one person's data: the pages never hold the store themselves ------------
    def import_path(self, source: Path, mapping: str | None = None, dry_run: bool = False) -> ImportReport:
        """Import ``source`` exactly as ``kamgraph import`` does (``mapping``: a CRM mapping
        name, None for the native format; undated assessments get the configured date,
        not the sidebar's); the caches are cleared after a write."""
        from kamgraph.ingest.mappings import load_mapping

        m = load_mapping(mapping) if mapping else None
        self._require("import")
        report = import_path(source, self._store, mapping=m, dry_run=dry_run, today=self.config.as_of,
                             limits=self.settings.limits,
                             **self._actor(import_path))
        if not report.dry_run:
            self.clear()
            self.precompute()
        return report

    def precompute(self) -> threading.Thread | None:
        """After a write: compute again, in a background thread, the whole-portfolio analyses
        this process computed before (as the Portfolio page asks for them), for the store's new
        data version, in memory and on disk. Returns the thread (None: nothing to compute)."""
        version = self._store.data_version()
        if version == self.data_version:
            return None
        fresh = dataclasses.replace(self, data_version=version, counts=_counts(self.store_url, version),
                                    _run={"asked": 0, "computed": 0})
        return _warm(fresh)

    def import_messages(self, source: Path, start=None, end=None, add_unknown: bool = False,
                        dry_run: bool = False):
        """Import a calendar (.ics) or mail (.mbox/.eml, or a folder of them) exactly as
        ``kamgraph import-calendar`` / ``import-mail`` do (admins only, like every import);
        the caches are cleared after a write. Returns the
        :class:`~kamgraph.ingest.messages.MessagesReport`."""
        from kamgraph.ingest.messages import import_messages

        self._require("import")
        report = import_messages(source, self._store, start=start, end=end, add_unknown=add_unknown,
                                 dry_run=dry_run, today=self.config.as_of, **self._actor(import_messages))
        if not report.dry_run and report.rows:
            self.clear()
        return report

    def export_person(self, person_id: str) -> dict:
        """Everything stored about one person (JSON-serializable)."""
        return self._store.export_person(person_id)

    def mentions(self, name: str) -> pd.DataFrame:
        """Every note or subject that mentions ``name`` or one of its scripts' parts
        (:func:`name_variants`): entity, key, column, text; empty when the store cannot search
        free text."""
        find = getattr(self._store, "mentions", None)
        empty = pd.DataFrame(columns=["entity", "key", "column", "text"])
        if find is None:
            return empty
        found = [find(v) for v in name_variants(name)]
        found = [f for f in found if len(f)]
        return pd.concat(found).drop_duplicates(["entity", "key", "column"]) if found else empty

    def erase_person(self, person_id: str, redact_name: str | None = None) -> dict[str, int]:
        """Hard-delete one person (rows deleted per entity); the caches are cleared.

        ``redact_name``: first replace this name by ``[erased]`` in every note and subject
        that mentions it (as ``kamgraph erase-person --redact-notes``)."""
        self._require("erase")
        if redact_name and hasattr(self._store, "redact_mentions"):
            for variant in name_variants(redact_name):  # the full name first, then its parts
                self._store.redact_mentions(variant, **self._actor(self._store.redact_mentions))
        deleted = self._store.erase_person(person_id, **self._actor(self._store.erase_person))
        forget_persisted(self.store_url)  # the persisted analyses hold the name too
        self.clear()
        return deleted

    # -- edits: one change each, validated like an import, one transaction --------------------
    def _edit(self, fn: Callable, *args, **kwargs) -> EditResult:
        self._require("edit")
        result = fn(self._store, *args, actor=self.access.user, **kwargs)
        if result.changed:
            self.clear()
        return result

    @property
    def user_person_id(self) -> str | None:
        """The person the signed-in user is (by e-mail or name), for ``assessed_by``; else None."""
        return edits.person_for_user(self._store, self.access.user)

    def add_person(self, *, name: str, side: str, **fields) -> EditResult:
        """A new person, and with ``org_id`` their job there (see :func:`kamgraph.ingest.edit.add_person`)."""
        if any(fields.get(k) not in (None, "") for k in ("decision_role", "attitude", "influence")):
            fields.setdefault("assessed_by", self.user_person_id)
            fields.setdefault("source", "app")
        return self._edit(edits.add_person, fields.pop("person_id", None), name=name, side=side,
                          today=self.config.as_of, **fields)

    def edit_person(self, person_id: str, **fields) -> EditResult:
        """Change a person's fields (None: keep, "": clear) and their employment
        (:func:`~kamgraph.ingest.edit.edit_person`)."""
        return self._edit(edits.edit_person, person_id, today=self.config.as_of, **fields)

    def job_change(self, person_id: str, to_org: str, on, **fields) -> EditResult:
        """End the person's current job on ``on`` and start one at ``to_org`` (history kept)."""
        return self._edit(edits.job_change, person_id, to_org, on, today=self.config.as_of, **fields)

    def assess(self, person_id: str, account_id: str, **fields) -> EditResult:
        """Append a dated assessment (role, attitude, influence); ``assessed_by`` defaults to the
        signed-in user's person, ``assessed_on`` to the configured analysis date."""
        fields.setdefault("assessed_by", self.user_person_id)
        fields["source"] = fields.get("source") or "app"
        return self._edit(edits.assess, person_id, account_id, today=self.config.as_of, **fields)

    def log_interaction(self, **fields) -> EditResult:
        """Log an interaction with its attendees (:func:`~kamgraph.ingest.edit.log_interaction`)."""
        return self._edit(edits.log_interaction, **fields)

    def add_tie(self, person_id: str, other_id: str, kind: str, **fields) -> EditResult:
        return self._edit(edits.add_tie, person_id, other_id, kind, today=self.config.as_of, **fields)

    def end_tie(self, person_id: str, other_id: str, kind: str | None = None) -> EditResult:
        return self._edit(edits.end_tie, person_id, other_id, kind)

    def add_influence(self, source_id: str, target_id: str, weight=None) -> EditResult:
        return self._edit(edits.add_influence, source_id, target_id, weight=weight)

    def end_influence(self, source_id: str, target_id: str) -> EditResult:
        return self._edit(edits.end_influence, source_id, target_id)

    def add_membership(self, person_id: str, org_id: str, role=None, since=None) -> EditResult:
        return self._edit(edits.add_membership, person_id, org_id, role=role, since=since)

    def end_membership(self, person_id: str, org_id: str) -> EditResult:
        return self._edit(edits.end_membership, person_id, org_id)

    # -- the audit trail -------------------------------------------------------------------------
    @property
    def has_audit(self) -> bool:
        """Whether the store keeps an audit trail (``store.audit``)."""
        return callable(getattr(self._store, "audit", None))

    def audit(self, person_id: str | None = None, account_id: str | None = None) -> pd.DataFrame | None:
        """Every recorded change touching a person or an account (oldest first: seq, at, actor,
        source, action, entity, key, before, after); None when the store keeps no audit trail."""
        if not self.has_audit:
            return None
        self._require("read")
        return _audit(self.store_url, person_id, account_id, self.data_version)

    def clear(self) -> None:
        """Forget every cached snapshot and result (after an import, an edit or an erasure)."""
        _MEMORY.clear()
        _PAGE_READS.clear()
        _counts.clear()
        _read.clear()
        _snapshot.clear()
        _audit.clear()


def name_variants(name: str) -> list[str]:
    """How notes may write a name: in full, and its Latin and its other-script part apart
    (at least 4 and 2 characters, so a short part does not match every note).

    >>> name_variants("Sun Lihua 孙丽华")
    ['Sun Lihua 孙丽华', 'Sun Lihua', '孙丽华']
    >>> name_variants("Ann Lee")
    ['Ann Lee']
    """
    words = str(name or "").split()
    latin = " ".join(w for w in words if w.isascii())
    other = " ".join(w for w in words if not w.isascii())
    out = [" ".join(words)]
    if latin and other:
        out += [v for v, least in ((latin, 4), (other, 2)) if len(v) >= least]
    return [v for v in dict.fromkeys(out) if v]


def current_context(access: Access | None = None) -> PageContext:
    """The context of this rerun: store, settings, the sidebar's date, the data version, who is
    using it (default: :func:`~kamgraph.ui.access.current_access`)."""
    if access is None:
        access = current_access()
    config = app_config()
    default = config.as_of  # reads the settings: a bad file or date is a KamgraphError here
    store = _open_store(config.store_url)
    version = store.data_version()
    counts = _counts(config.store_url, version)
    chosen = st.session_state.get(AS_OF_KEY)
    as_of = pd.Timestamp(chosen).normalize() if chosen is not None else default
    return PageContext(config, as_of, version, counts, access)
