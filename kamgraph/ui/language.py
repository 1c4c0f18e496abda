"""The app's language: chosen in the sidebar, remembered per user, applied before anything shows.

:func:`apply_language` runs first on every rerun (``app.py``), so page titles, the sign-in
form and every page speak the same language. Which one, first that applies: this session's
choice (when the same user made it), the language the user (or, with sign-in off, the one
anonymous user) chose last (:mod:`kamgraph.i18n.prefs`), a choice made on the sign-in form
before this user signed in, ``$KAMGRAPH_LANG``, the settings' ``language``, English.
:func:`language_switch` is the sidebar's switch (on the sign-in form too); a change is
remembered at once for the user who made it (a choice on the sign-in form holds for the
session only: nobody signed in, nothing written).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from kamgraph.auth import users_path
from kamgraph.errors import KamgraphError
from kamgraph.i18n import (
    LANGUAGES,
    _,
    current_language,
    resolve_language,
    set_language,
    use_language,
)
from kamgraph.i18n.prefs import PREFS_FILE_NAME, remember_language, remembered_language

#: session key: the language this session chose (absent until the user picks one)
LANG_KEY = "kamgraph_lang"
#: session key: who chose it (a choice made before signing out is not the next user's)
LANG_USER_KEY = "kamgraph_lang_user"
SWITCH_KEY = "kamgraph_lang_switch"


def _access():
    from kamgraph.ui.access import current_access

    try:
        return current_access()
    except KamgraphError:
        return None


def _user() -> str | None:
    access = _access()
    return access.user if access is not None else None


def prefs_path(store_url: str | None = None):
    """Where users' languages are remembered: beside the users file of ``store_url``."""
    return users_path(store_url).with_name(PREFS_FILE_NAME)


def _store_url() -> str | None:
    from kamgraph.ui.context import app_config

    try:
        return app_config().store_url
    except KamgraphError:
        return None


def _settings_language() -> str | None:
    from kamgraph.ui.context import app_config

    try:
        return app_config().file_settings.language
    except KamgraphError:
        return None


def pinned(fn: Callable) -> Callable:
    """``fn`` in this rerun's language wherever it is called: for a widget's ``format_func``,
    which Streamlit may call outside the script run (AppTest computes widget states in the
    test's thread), where no language was chosen.

    >>> from kamgraph.i18n import ngettext
    >>> with use_language("zh_CN"):
    ...     months = pinned(lambda n: ngettext("{n} month", "{n} months", n).format(n=n))
    >>> months(3)
    '3个月'
    """
    lang = current_language()

    def call(*args, **kwargs):
        with use_language(lang):
            return fn(*args, **kwargs)

    return call


def chosen_language() -> str:
    """The language of this rerun (see the module's docstring for the order)."""
    user = _user()
    lang = st.session_state.get(LANG_KEY)
    chooser = st.session_state.get(LANG_USER_KEY)
    if lang in LANGUAGES and chooser == user:
        return lang
    remembered = remembered_language(prefs_path(_store_url()), user)
    if remembered:
        return remembered
    if lang in LANGUAGES and chooser is None:  # chosen on the sign-in form by whoever then signed in
        return lang
    try:
        return resolve_language(None, _settings_language())
    except KamgraphError:
        return "en"


def apply_language() -> str:
    """Set this rerun's language (call before any text is shown); returns it."""
    lang = chosen_language()
    set_language(lang)
    return lang


def _switched() -> None:
    lang = st.session_state.get(SWITCH_KEY)
    if lang not in LANGUAGES:
        return
    access = _access()
    user = access.user if access is not None else None
    st.session_state[LANG_KEY] = lang
    st.session_state[LANG_USER_KEY] = user
    set_language(lang)
    if access is None or (access.configured and user is None):
        return  # on the sign-in form: this session only (a stranger does not set anyone's language)
    try:
        remember_language(prefs_path(_store_url()), user, lang)
    except KamgraphError as e:  # the choice still holds for this session
        st.session_state["kamgraph_lang_error"] = str(e)


def language_switch() -> None:
    """The sidebar's language switch (each language in its own name), showing the language
    :func:`apply_language` chose for this rerun (a change made with it ran before, in its callback)."""
    lang = current_language()
    options = list(LANGUAGES)
    st.session_state[SWITCH_KEY] = lang
    st.sidebar.selectbox(_("Language"), options, key=SWITCH_KEY, format_func=LANGUAGES.get,
                         on_change=_switched, help=_("Remembered for you on this server."))
    error = st.session_state.pop("kamgraph_lang_error", None)
    if error:
        from kamgraph.ui.format import md

        st.sidebar.warning(_("Your choice holds for this session only: {error}").format(error=md(error)))
