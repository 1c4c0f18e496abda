"""Sign-in for the app: who is using it, and the gate before any page shows data.

Sign-in is configured when either

- an OIDC identity provider is set up in Streamlit's secrets (``[auth]`` in
  ``.streamlit/secrets.toml``) and this Streamlit has ``st.login``: the person signs in with
  the provider; their role comes from the users file when their e-mail (or name) is listed
  there, else they are a viewer; or
- the local users file (:func:`kamgraph.auth.users_path`) holds at least one user: a
  sign-in form checks the password against its argon2 hash.

Then :func:`gate` shows only the sign-in form until someone signs in; the session remembers
the user (their role is read from the users file again on every rerun, so a removed user
is signed out and a changed role applies at once). Without either (the demo), every page
says plainly that anyone can read and change everything.

Imports from the server's disk and the size of uploads are limited here too:
``$KAMGRAPH_IMPORT_DIR`` is the one folder the Data page may import from (unset: uploads
only), ``$KAMGRAPH_MAX_UPLOAD_MB`` the most an upload may hold (default
:data:`DEFAULT_MAX_UPLOAD_MB`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from kamgraph import auth
from kamgraph.errors import KamgraphError
from kamgraph.i18n import NP_, _, pgettext
from kamgraph.ui.format import md

#: session-state key of the signed-in local user's name
USER_KEY = "kamgraph_user"
#: environment variable: the folder server-side imports must lie in
ENV_IMPORT_DIR = "KAMGRAPH_IMPORT_DIR"
#: environment variable: the most one upload (all its files together) may hold, in MB
ENV_MAX_UPLOAD_MB = "KAMGRAPH_MAX_UPLOAD_MB"
DEFAULT_MAX_UPLOAD_MB = 50
#: role of a person signed in through OIDC who is not listed in the users file
OIDC_DEFAULT_ROLE = "viewer"


@dataclass(frozen=True)
class Access:
    """Who is using the app. ``configured`` False: sign-in is off (the demo), anyone may do anything."""

    configured: bool
    user: str | None = None
    role: str | None = None

    def can(self, action: str) -> bool:
        """Whether this person may ``action`` (see :data:`kamgraph.auth.ACTIONS`)."""
        return (not self.configured) or auth.can(self.role, action)

    @property
    def signed_in(self) -> bool:
        return not self.configured or self.user is not None


def oidc_configured() -> bool:
    """An identity provider in the secrets' ``[auth]`` section, and a Streamlit with ``st.login``."""
    if not hasattr(st, "login") or not hasattr(st, "user"):
        return False
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file at all, or an unreadable one: no provider
        return False
    return bool(section) and "redirect_uri" in section and "cookie_secret" in section


def _oidc_signed_in() -> bool:
    """Whether the identity provider signed this person in (False when ``st.user`` cannot say)."""
    try:
        return bool(st.user.get("is_logged_in", False))
    except Exception:  # an st.user without the field (e.g. under AppTest): not signed in
        return False


def _users_file() -> Path:
    from kamgraph.config import resolve_config

    return auth.users_path(resolve_config().store_url)


def current_access() -> Access:
    """The person using this session, as far as the users file and the identity provider say.

    A users file that exists but cannot be read is an error (never "sign-in off")."""
    users = auth.load_users(_users_file())
    if oidc_configured():
        if not _oidc_signed_in():
            return Access(True)
        ident = str(st.user.get("email") or st.user.get("name") or "")
        listed = users.get(ident)
        return Access(True, ident or "signed-in user", listed.role if listed else OIDC_DEFAULT_ROLE)
    if not users:
        st.session_state.pop(USER_KEY, None)
        return Access(False)
    name = st.session_state.get(USER_KEY)
    user = users.get(name) if name else None
    if user is None:
        st.session_state.pop(USER_KEY, None)
        return Access(True)
    return Access(True, user.name, user.role)


def _sign_in_form() -> None:
    st.title(_("Sign in"))
    st.caption(_("This kamgraph holds contact data: sign in to see it."))
    if oidc_configured():
        if st.button(_("Sign in"), type="primary", key="auth_oidc_login", icon=":material/login:"):
            st.login()
        return
    with st.form("auth_sign_in", clear_on_submit=True):  # the password never stays in a widget
        name = st.text_input(pgettext("sign-in", "User"), key="auth_user")
        password = st.text_input(_("Password"), type="password", key="auth_password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        user = auth.verify(auth.load_users(_users_file()), name.strip(), password)
        if user is None:
            st.error(_("Unknown user or wrong password."))
            return
        st.session_state[USER_KEY] = user.name
        st.rerun()


def sign_out() -> None:
    st.session_state.pop(USER_KEY, None)
    if oidc_configured() and _oidc_signed_in():
        st.logout()
    st.rerun()


def gate() -> Access | None:
    """The person using the app, or None after showing the sign-in form (show nothing else then).

    Sign-in off: a caption says so on every page. Signed in: the sidebar names the user and
    offers to sign out.
    """
    try:
        access = current_access()
    except KamgraphError as e:
        st.error(md(e))
        return None
    if not access.configured:
        st.caption(":material/lock_open: " + _("Sign-in is off: anyone who can open this app reads and changes "
                                                "all of its data. `kamgraph users add NAME --role admin` turns it "
                                                "on (README, Sign-in)."))
        return access
    if not access.signed_in:
        _sign_in_form()
        return None
    st.sidebar.caption(_("Signed in as {user} ({role})").format(user=f"**{md(access.user)}**",
                                                                 role=role_word(access.role)))
    if st.sidebar.button(_("Sign out"), key="auth_sign_out", icon=":material/logout:"):
        sign_out()
    return access


#: the users file's roles, in words
ROLE_WORDS = {"viewer": NP_("user role", "viewer"), "editor": NP_("user role", "editor"),
              "admin": NP_("user role", "admin")}


def role_word(role: str | None) -> str:
    """A user's role (``viewer``, ``editor``, ``admin``) in the reader's language."""
    word = ROLE_WORDS.get(str(role))
    return pgettext("user role", word) if word else str(role)


def import_dir() -> Path | None:
    """The folder server-side imports must lie in (``$KAMGRAPH_IMPORT_DIR``), or None: uploads only."""
    value = os.environ.get(ENV_IMPORT_DIR, "").strip()
    return Path(value).expanduser().resolve() if value else None


def inside_import_dir(path: str) -> Path:
    """``path`` resolved (symlinks followed) if it lies inside :func:`import_dir`, else an error."""
    root = import_dir()
    if root is None:
        raise KamgraphError(_("imports from the server's disk are off; upload the files instead"))
    given = Path(path).expanduser()
    resolved = (given if given.is_absolute() else root / given).resolve()
    if resolved != root and root not in resolved.parents:
        raise KamgraphError(_("only files and folders inside {folder} can be imported from the server")
                            .format(folder=root))
    if not resolved.exists():
        raise KamgraphError(_("no such file or folder on the server: {path}").format(path=resolved))
    return resolved


def max_upload_bytes() -> int:
    """The most one upload may hold, in bytes (``$KAMGRAPH_MAX_UPLOAD_MB``, default 50 MB)."""
    value = os.environ.get(ENV_MAX_UPLOAD_MB, "").strip()
    try:
        mb = float(value) if value else DEFAULT_MAX_UPLOAD_MB
    except ValueError:
        raise KamgraphError(_("{variable} must be a number of megabytes, not {value}")
                            .format(variable=ENV_MAX_UPLOAD_MB, value=repr(value))) from None
    return int(mb * 1024 * 1024)
