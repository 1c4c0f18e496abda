"""Languages: one gettext catalogue for everything kamgraph shows, in English and Chinese.

Every label, message, column header and sentence the app, the CLI, the reports, the
briefings and the calendars show is written in English in the code, wrapped in
:func:`_` (or :func:`N_` where it is defined before the language is known, then translated
with :func:`_` where it is shown), and translated from one catalogue:
``kamgraph/i18n/locale/zh_CN/LC_MESSAGES/kamgraph.po`` (compiled to ``kamgraph.mo`` beside
it; :mod:`kamgraph.i18n.catalog` extracts, merges and compiles it).

Sentences are whole templates with named placeholders, filled after translation, so a
translator can move the parts::

    _("{name} has not met anyone from {account} since {day}").format(name=..., account=..., day=...)

never ``_("has not met") + name``. Plurals go through :func:`ngettext` (Chinese has one form);
a short word that means two things gets a context through :func:`pgettext`.

**Which language.** :func:`resolve_language` decides, first that applies: the explicit choice
(``--lang`` on the command line, the app's sidebar switch, remembered per user by
:mod:`kamgraph.i18n.prefs`), ``$KAMGRAPH_LANG``, the settings' ``language``, English. The
current language is a context variable (:func:`set_language`, :func:`use_language`), so two
app sessions in two threads each keep their own.

**Formats.** :func:`fmt_day`, :func:`fmt_month`, :func:`fmt_number`, :func:`fmt_percent` and
:func:`fmt_money` format per language with Babel's CLDR data: English keeps ISO dates
(``2026-11-26``, as in every export), Chinese writes ``2026年11月26日``.

>>> with use_language("zh_CN"):
...     _("never"), fmt_day("2026-11-26")
('从未', '2026年11月26日')
>>> _("never"), fmt_day("2026-11-26")
('never', '2026-11-26')
>>> normalize_language("zh-CN"), normalize_language("English"), normalize_language("中文")
('zh_CN', 'en', 'zh_CN')
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext as _gettext
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from kamgraph.errors import KamgraphError

#: the languages kamgraph speaks: code -> the language's own name (shown in the switch)
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "中文（简体）"}
#: the language when nothing chooses one
DEFAULT_LANGUAGE = "en"
#: environment variable: the language for the CLI and the app's default
ENV_LANG = "KAMGRAPH_LANG"
#: gettext domain and where its catalogues are
DOMAIN = "kamgraph"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: Babel locale for each language's dates, numbers and currencies
BABEL_LOCALE = {"en": "en_GB", "zh_CN": "zh_Hans_CN"}

_ALIASES = {
    "en": "en", "en_us": "en", "en_gb": "en", "english": "en", "eng": "en",
    "zh": "zh_CN", "zh_cn": "zh_CN", "zh_hans": "zh_CN", "zh_hans_cn": "zh_CN", "cn": "zh_CN",
    "chinese": "zh_CN", "中文": "zh_CN", "简体中文": "zh_CN", "中文（简体）": "zh_CN",
}

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("kamgraph_language", default=None)
_process_language: str = DEFAULT_LANGUAGE


class LanguageError(KamgraphError):
    """A language kamgraph does not speak."""


def normalize_language(value: str) -> str:
    """The language code for ``value`` (``zh-CN``, ``zh``, ``Chinese``, ``en_US`` ...), else a
    :class:`LanguageError` naming the choices."""
    key = str(value).strip().replace("-", "_").lower()
    if key in _ALIASES:
        return _ALIASES[key]
    if key.split(".")[0] in _ALIASES:  # POSIX locale names such as zh_CN.UTF-8
        return _ALIASES[key.split(".")[0]]
    raise LanguageError(f"unknown language {value!r}: use one of {', '.join(LANGUAGES)}")


def resolve_language(choice: str | None = None, settings_language: str | None = None,
                     environ: Mapping[str, str] | None = None) -> str:
    """The language to use: ``choice``, else ``$KAMGRAPH_LANG``, else the settings', else English.

    >>> resolve_language(None, "zh_CN", environ={})
    'zh_CN'
    >>> resolve_language("en", "zh_CN", environ={"KAMGRAPH_LANG": "zh"})
    'en'
    >>> resolve_language(None, None, environ={"KAMGRAPH_LANG": "zh"})
    'zh_CN'
    """
    environ = os.environ if environ is None else environ
    for value, where in ((choice, "--lang"), (environ.get(ENV_LANG), ENV_LANG), (settings_language, "language")):
        if value:
            try:
                return normalize_language(value)
            except LanguageError as e:
                raise LanguageError(f"{where}: {e}") from None
    return DEFAULT_LANGUAGE


def set_process_language(lang: str) -> None:
    """The language of this process wherever no context chose one (the CLI sets it once)."""
    global _process_language
    _process_language = normalize_language(lang)


def set_language(lang: str) -> contextvars.Token:
    """Make ``lang`` the current language in this context (thread); returns the token to reset."""
    return _current.set(normalize_language(lang))


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[str]:
    """``with use_language("zh_CN"): ...`` translates into ``lang`` inside the block."""
    token = set_language(lang)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def current_language() -> str:
    """The language strings are translated into now."""
    return _current.get() or _process_language


@functools.lru_cache(maxsize=None)
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English: the strings as written)."""
    if lang == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang])


def _(message: str) -> str:
    """``message`` in the current language."""
    return translations(current_language()).gettext(message)


gettext = _


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (translate where shown with :func:`_`)."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark ``message`` in ``context`` for the catalogue without translating it now (see :func:`pgettext`)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n``, in the current language.

    >>> ngettext("{n} account", "{n} accounts", 2).format(n=2)
    '2 accounts'
    """
    return translations(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, in ``context`` (for a short word with two meanings)."""
    return translations(current_language()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(current_language()).npgettext(context, singular, plural, n)


def babel_locale(lang: str | None = None) -> str:
    return BABEL_LOCALE[lang or current_language()]


def _day(value):
    import pandas as pd

    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return pd.Timestamp(value)


def fmt_day(value, missing: str | None = None) -> str:
    """A day: ``2026-11-26`` in English, ``2026年11月26日`` in Chinese; ``missing`` (default
    "never", translated) for no date."""
    day = _day(value)
    if day is None:
        return _("never") if missing is None else missing
    if current_language() == "zh_CN":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.strftime("%Y-%m-%d")


def fmt_month(value) -> str:
    """A month: ``2026-11`` / ``2026年11月``."""
    day = _day(value)
    if day is None:
        return ""
    if current_language() == "zh_CN":
        return f"{day.year}年{day.month}月"
    return day.strftime("%Y-%m")


def fmt_number(value, digits: int = 0) -> str:
    """A number with grouping and ``digits`` decimals, per language (CLDR)."""
    from babel.numbers import format_decimal

    if value is None or (isinstance(value, float) and value != value):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def fmt_percent(value, digits: int = 0) -> str:
    """A share 0..1 as a percentage, per language.

    >>> fmt_percent(0.425)
    '42%'
    """
    from babel.numbers import format_percent

    if value is None or (isinstance(value, float) and value != value):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(value, format=pattern, locale=babel_locale())


def fmt_money(value, currency: str | None, digits: int = 0) -> str:
    """An amount in ``currency`` (ISO code), per language: ``CN¥1,200,000`` / ``¥1,200,000``;
    without a currency, the number alone.

    >>> fmt_money(1200000, "CNY")
    'CN¥1,200,000'
    >>> with use_language("zh_CN"):
    ...     fmt_money(1200000, "CNY")
    '¥1,200,000'
    """
    from babel.numbers import format_currency

    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if not currency:
        return fmt_number(value, digits)
    pattern = "¤#,##0" + ("." + "0" * digits if digits else "")
    try:
        return format_currency(value, str(currency).upper(), format=pattern, locale=babel_locale(),
                               currency_digits=False)
    except Exception:  # an unknown code: the code and the number
        return f"{currency} {fmt_number(value, digits)}"


def language_name(lang: str) -> str:
    return LANGUAGES[normalize_language(lang)]
