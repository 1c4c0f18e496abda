"""Who may do what: the local users file, argon2 password hashes, roles and :func:`can`.

Sign-in is on when the users file holds at least one user (or the app has an OIDC identity
provider configured, see ``kamgraph/ui/access.py``). The file is JSON, written atomically
with permissions 0600, and holds only argon2id hashes (``$argon2id$...``), never a password::

    {"users": {"alice": {"role": "admin", "hash": "$argon2id$v=19$m=65536,t=3,p=4$..."}}}

Its path is ``$KAMGRAPH_USERS``, else ``kamgraph-users.json`` beside the SQLite store file
(``sqlite:///data/k.db`` -> ``data/kamgraph-users.json``), else in the working directory.
``kamgraph users add/remove/set-role/list`` manages it.

Roles, each including the one before: ``viewer`` reads, ``editor`` also edits records (once
editing exists), ``admin`` also imports, erases and manages users.

>>> can("viewer", "read"), can("viewer", "import"), can("admin", "erase")
(True, False, True)
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kamgraph.errors import KamgraphError
from kamgraph.i18n import _

#: environment variable naming the users file
ENV_USERS = "KAMGRAPH_USERS"
#: file name of the users file beside the store
USERS_FILE_NAME = "kamgraph-users.json"

#: roles from least to most allowed; each role may do everything the ones before it may
ROLES: tuple[str, ...] = ("viewer", "editor", "admin")

#: the least role each action needs
ACTIONS: dict[str, str] = {
    "read": "viewer",
    "edit": "editor",
    "import": "admin",
    "erase": "admin",
    "manage_users": "admin",
}

#: shortest password ``kamgraph users`` accepts
MIN_PASSWORD_LENGTH = 8

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")

_hasher = PasswordHasher()  # argon2id with the library's current (RFC 9106 low-memory) parameters
# verifying against this when the user does not exist takes as long as a real check
_DUMMY_HASH = _hasher.hash("kamgraph: no such user")


class AuthError(KamgraphError):
    """A users-file, role or password problem a person can act on."""


@dataclass(frozen=True)
class User:
    """One local user: name, role and the argon2 hash of their password."""

    name: str
    role: str
    hash: str


def can(role: str | None, action: str) -> bool:
    """Whether ``role`` may do ``action`` (one of :data:`ACTIONS`); an unknown role may do nothing.

    >>> can("editor", "edit"), can("editor", "erase"), can(None, "read")
    (True, False, False)
    """
    if role not in ROLES:
        return False
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
    return ROLES.index(role) >= ROLES.index(ACTIONS[action])


def check_role(role: str) -> str:
    """``role`` if it is one of :data:`ROLES`, else an :class:`AuthError` naming them."""
    if role not in ROLES:
        raise AuthError(_("unknown role {role}: use one of {roles}").format(role=repr(role), roles=", ".join(ROLES)))
    return role


def check_name(name: str) -> str:
    """A user name: letters, digits and ``. _ @ + -``, at most 128 characters (e-mail addresses fit).

    >>> check_name("li.wei@example.com")
    'li.wei@example.com'
    """
    if not _NAME.match(name or ""):
        raise AuthError(_("invalid user name {name}: use letters, digits and . _ @ + - (at most 128)").format(
            name=repr(name)))
    return name


def users_path(store_url: str | None = None, env: Mapping[str, str] | None = None) -> Path:
    """Where the users file is: ``$KAMGRAPH_USERS``, else beside a SQLite store, else ``./``.

    >>> users_path("sqlite:///data/k.db", env={}).as_posix()
    'data/kamgraph-users.json'
    >>> users_path("neo4j://graph:7687", env={}).as_posix()
    'kamgraph-users.json'
    """
    env = os.environ if env is None else env
    if env.get(ENV_USERS):
        return Path(env[ENV_USERS]).expanduser()
    if store_url and store_url.startswith("sqlite:///"):
        db = store_url[len("sqlite:///"):].split("?", 1)[0]
        if db and db != ":memory:":
            return Path(db).expanduser().parent / USERS_FILE_NAME
    return Path(USERS_FILE_NAME)


def load_users(path: Path) -> dict[str, User]:
    """The users in ``path`` by name; ``{}`` when the file does not exist.

    A file that exists but cannot be read or parsed is an :class:`AuthError` (never "no
    users": that would turn sign-in off).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise AuthError(_("cannot read the users file {path}: {reason}").format(path=path, reason=e.strerror or e)) from None
    try:
        raw = json.loads(text)
        entries = raw["users"]
        users = {}
        for name, entry in entries.items():
            role, hashed = entry["role"], entry["hash"]
            if role not in ROLES or not str(hashed).startswith("$argon2"):
                raise ValueError(name)
            users[name] = User(name, role, hashed)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise AuthError(_("the users file {path} is damaged; fix it or recreate it with `kamgraph users add`").format(
            path=path)) from None
    return users


def save_users(path: Path, users: Mapping[str, User]) -> None:
    """Write ``users`` to ``path`` atomically (a temporary file renamed over it), mode 0600."""
    path = Path(path)
    data = {"users": {u.name: {"role": u.role, "hash": u.hash} for u in sorted(users.values(), key=lambda u: u.name)}}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise AuthError(_("cannot write the users file {path}: {reason}").format(
            path=path, reason=e.strerror or e)) from None
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise AuthError(_("cannot write the users file {path}: {reason}").format(
            path=path, reason=e.strerror or e)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (at least :data:`MIN_PASSWORD_LENGTH` characters)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(_("the password is too short: at least {n} characters").format(n=MIN_PASSWORD_LENGTH))
    return _hasher.hash(password)


def verify(users: Mapping[str, User], name: str, password: str) -> User | None:
    """The user if ``password`` is theirs, else None (unknown users take as long as wrong passwords)."""
    user = users.get(name)
    try:
        _hasher.verify(user.hash if user else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return user


def add_user(users: Mapping[str, User], name: str, password: str, role: str = "viewer") -> dict[str, User]:
    """``users`` with ``name`` added (or their password replaced) with ``role``."""
    check_name(name)
    check_role(role)
    return {**users, name: User(name, role, hash_password(password))}


def remove_user(users: Mapping[str, User], name: str) -> dict[str, User]:
    """``users`` without ``name``."""
    if name not in users:
        raise AuthError(_("no user {name}").format(name=repr(name)))
    return {n: u for n, u in users.items() if n != name}


def set_role(users: Mapping[str, User], name: str, role: str) -> dict[str, User]:
    """``users`` with ``name``'s role changed to ``role``."""
    check_role(role)
    if name not in users:
        raise AuthError(_("no user {name}").format(name=repr(name)))
    return {**users, name: User(name, role, users[name].hash)}
