"""Where kamgraph works and as of when: resolved once, for the CLI and the app alike.

Three things come from the command line, the environment or a default, first found wins:

==========  ================  ===================  ============================================
what        flag              environment          default
==========  ================  ===================  ============================================
store       ``--store URL``   ``KAMGRAPH_STORE``   ``sqlite:///./kamgraph.db``
settings    ``--settings F``  ``KAMGRAPH_CONFIG``  ``./kamgraph.toml`` if present, else defaults
as of       ``--as-of DATE``  ``KAMGRAPH_AS_OF``   the settings' ``as_of``, else today
==========  ================  ===================  ============================================

:func:`resolve_config` is the only code that reads those variables or looks for
``kamgraph.toml``; the CLI calls it with its flags, the app (``kamgraph.ui.context``) without,
so the same environment gives both the same store, settings and date. The resolved date is
written into :attr:`Config.settings` (``settings.as_of``), so an analysis that falls back to
the settings' date gets the same one.

>>> c = resolve_config(store="sqlite:///:memory:", as_of="2026-11-15", environ={}, cwd="/nonexistent")
>>> c.store_url, c.settings_path, c.as_of_text, c.settings.as_of
('sqlite:///:memory:', None, '2026-11-15', '2026-11-15')
>>> resolve_config(environ={"KAMGRAPH_AS_OF": "2026-01-31"}, cwd="/nonexistent").as_of_text
'2026-01-31'
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Mapping

import pandas as pd

from kamgraph.errors import ConfigError
from kamgraph.i18n import _
from kamgraph.settings import Settings

#: environment variables, read by :func:`resolve_config` only
ENV_STORE = "KAMGRAPH_STORE"
ENV_SETTINGS = "KAMGRAPH_CONFIG"
ENV_AS_OF = "KAMGRAPH_AS_OF"
ENV_NAMES = (ENV_STORE, ENV_SETTINGS, ENV_AS_OF)

DEFAULT_STORE_URL = "sqlite:///./kamgraph.db"
#: the dates an analysis can work with: pandas' nanosecond timestamps overflow before
#: 1677 and after 2262, and strength decay over centuries means nothing anyway
DATE_MIN = pd.Timestamp("1900-01-01")
DATE_MAX = pd.Timestamp("2200-12-31")
#: looked for in the working directory when no settings file is named
DEFAULT_SETTINGS_FILE = "kamgraph.toml"


@dataclass(frozen=True)
class Config:
    """The store URL, the settings file and the analysis date a run works with.

    ``as_of_override`` is the date given with ``--as-of`` / ``$KAMGRAPH_AS_OF`` (``None``:
    the settings' ``as_of``, else today). The settings file is read on first use of
    :attr:`settings` (a verb that needs only the store never reads it), once.
    """

    store_url: str = DEFAULT_STORE_URL
    settings_path: str | None = None
    as_of_override: str | None = None
    #: the date "today" stands for when neither the override nor the settings give one
    today: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.today().normalize(), compare=False)

    @cached_property
    def file_settings(self) -> Settings:
        """The settings file's values as written (defaults without a file)."""
        if not self.settings_path:
            return Settings()
        try:
            return Settings.load(self.settings_path)
        except OSError as e:
            raise ConfigError(_("cannot read settings file {path}: {reason}").format(
                path=self.settings_path, reason=e.strerror or e)) from None

    @cached_property
    def settings(self) -> Settings:
        """:attr:`file_settings` with ``as_of`` set to the resolved analysis date."""
        s = self.file_settings
        if self.as_of_override:
            date = parse_date(self.as_of_override, "--as-of / KAMGRAPH_AS_OF")
        else:
            date = s.as_of_date() if s.as_of else self.today
            where = _("as_of in {path}").format(path=self.settings_path) if s.as_of else _("today's date")
            _check_range(date, where, s.as_of or date.strftime("%Y-%m-%d"))
        return s.replace(as_of=date.strftime("%Y-%m-%d"))

    @property
    def as_of(self) -> pd.Timestamp:
        """The analysis date (midnight)."""
        return self.settings.as_of_date()

    @property
    def as_of_text(self) -> str:
        return self.as_of.strftime("%Y-%m-%d")

    @property
    def as_of_source(self) -> str:
        """Where the date came from: ``override``, ``settings`` or ``today``."""
        if self.as_of_override:
            return "override"
        return "settings" if self.file_settings.as_of else "today"

    @property
    def settings_stamp(self) -> tuple[str, float]:
        """The settings file's resolved path and modification time (a cache key part)."""
        if not self.settings_path:
            return ("", 0.0)
        p = Path(self.settings_path)
        try:
            return (str(p.resolve()), p.stat().st_mtime)
        except OSError:
            return (str(p), 0.0)

    def environ(self) -> dict[str, str]:
        """The environment variables that resolve to this configuration in another process
        (``kamgraph demo`` starts the app with them and prints them for the CLI).

        >>> Config("sqlite:///k.db", None, "2026-11-15").environ()
        {'KAMGRAPH_STORE': 'sqlite:///k.db', 'KAMGRAPH_AS_OF': '2026-11-15'}
        """
        env = {ENV_STORE: self.store_url}
        if self.settings_path:
            env[ENV_SETTINGS] = str(Path(self.settings_path).resolve())
        if self.as_of_override:
            env[ENV_AS_OF] = self.as_of_override
        return env

    def shell_exports(self) -> str:
        """:meth:`environ` as one ``export`` line for a POSIX shell."""
        import shlex

        return "export " + " ".join(f"{k}={shlex.quote(v)}" for k, v in self.environ().items())


def resolve_config(store: str | None = None, settings: str | os.PathLike | None = None,
                   as_of: str | None = None, environ: Mapping[str, str] | None = None,
                   cwd: str | os.PathLike | None = None) -> Config:
    """The configuration from explicit values (CLI flags), else ``environ`` (default
    ``os.environ``), else the defaults; ``./kamgraph.toml`` is looked for in ``cwd``
    (default the working directory). Empty strings count as not given.

    A settings file that is named but missing is an error; the default one is optional.
    """
    env = os.environ if environ is None else environ
    store_url = store or env.get(ENV_STORE) or DEFAULT_STORE_URL
    path = str(settings) if settings else env.get(ENV_SETTINGS) or None
    if path is None:
        default = Path(cwd or ".") / DEFAULT_SETTINGS_FILE
        if default.is_file():
            path = DEFAULT_SETTINGS_FILE if cwd is None else str(default)
    elif not Path(path).expanduser().is_file():
        raise ConfigError(_("settings file not found: {path}").format(path=path))
    override = as_of or env.get(ENV_AS_OF) or None
    if override is not None:
        override = parse_date(override, "--as-of / KAMGRAPH_AS_OF").strftime("%Y-%m-%d")
    return Config(store_url, str(Path(path).expanduser()) if path else None, override)


def parse_date(value: str, what: str) -> pd.Timestamp:
    """A date given by a person (``what`` names where: an option, a variable), at midnight,
    between :data:`DATE_MIN` and :data:`DATE_MAX`; else a :class:`ConfigError` in one line.

    >>> parse_date("2026-11-15", "--as-of")
    Timestamp('2026-11-15 00:00:00')
    >>> parse_date("1000-01-01", "--as-of")
    Traceback (most recent call last):
    ...
    kamgraph.errors.ConfigError: --as-of must be a date between 1900-01-01 and 2200-12-31, got '1000-01-01'
    """
    try:
        date = pd.Timestamp(value).normalize()
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        date = None
    if date is None or pd.isna(date):
        raise ConfigError(_("{what} must be a date like 2026-11-15, got {value}").format(
            what=what, value=repr(value))) from None
    _check_range(date, what, value)
    return date


def _check_range(date: pd.Timestamp, what: str, value: str) -> None:
    if not DATE_MIN <= date <= DATE_MAX:
        raise ConfigError(_("{what} must be a date between {first} and {last}, got {value}").format(
            what=what, first=f"{DATE_MIN:%Y-%m-%d}", last=f"{DATE_MAX:%Y-%m-%d}", value=repr(value)))
