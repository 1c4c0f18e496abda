"""``kamgraph users``: the app's local users (add, remove, set-role, list).

The users file (:func:`kamgraph.auth.users_path`: ``$KAMGRAPH_USERS``, else beside the SQLite
store) holds argon2 hashes only. Passwords are read with a hidden prompt, or from standard
input with ``--password-stdin`` (one line), never from an argument that ``ps`` or the shell
history would show.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pandas as pd

from kamgraph import auth
from kamgraph.cli import FORMAT_OPTION, code_word, echo, main, output, pass_config
from kamgraph.config import Config
from kamgraph.i18n import _

FILE_OPTION = click.option("--file", "users_file", default=None, metavar="FILE",
                           help="The users file (default: $KAMGRAPH_USERS, else kamgraph-users.json beside "
                                "the SQLite store, else in the working directory).")


def _path(config: Config, users_file: str | None) -> Path:
    return Path(users_file).expanduser() if users_file else auth.users_path(config.store_url)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        return password.removesuffix("\r")
    return click.prompt(_("Password"), hide_input=True,
                        confirmation_prompt=_("Repeat for confirmation"))


@main.group("users")
def users() -> None:
    """The app's local users: with at least one, the app asks everyone to sign in.

    Roles: viewer (read), editor (also record edits), admin (also import, erase, manage users).
    """


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(auth.ROLES), default="viewer", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
@FILE_OPTION
@pass_config
def add(config: Config, name: str, role: str, password_stdin: bool, users_file: str | None) -> None:
    """Add user NAME, or set a new password for them (asked for, hidden)."""
    path = _path(config, users_file)
    current = auth.load_users(path)
    auth.check_name(name)
    existed = name in current
    updated = auth.add_user(current, name, _password(password_stdin), role)
    auth.save_users(path, updated)
    words = {"name": name, "role": code_word("user_role", role), "path": path}
    echo((_("Updated {name} ({role}) in {path}") if existed else _("Added {name} ({role}) in {path}")).format(**words))
    if not current:
        echo(_("Sign-in is now on: the app asks for a user and password."))


@users.command("remove")
@click.argument("name")
@FILE_OPTION
@pass_config
def remove(config: Config, name: str, users_file: str | None) -> None:
    """Remove user NAME."""
    path = _path(config, users_file)
    updated = auth.remove_user(auth.load_users(path), name)
    auth.save_users(path, updated)
    echo(_("Removed {name} from {path}").format(name=name, path=path))
    if not updated:
        echo(_("No users left: sign-in is off and anyone who reaches the app reads everything."))


@users.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(auth.ROLES))
@FILE_OPTION
@pass_config
def set_role(config: Config, name: str, role: str, users_file: str | None) -> None:
    """Give user NAME the role ROLE (viewer, editor or admin)."""
    path = _path(config, users_file)
    auth.save_users(path, auth.set_role(auth.load_users(path), name, role))
    echo(_("{name} is now {role}").format(name=name, role=code_word("user_role", role)))


@users.command("list")
@FORMAT_OPTION
@FILE_OPTION
@pass_config
def list_users(config: Config, fmt: str, users_file: str | None) -> None:
    """The users and their roles (never their hashes)."""
    path = _path(config, users_file)
    found = auth.load_users(path)
    frame = pd.DataFrame({"user": [u.name for u in found.values()], "role": [u.role for u in found.values()]},
                         columns=["user", "role"]).sort_values("user", kind="mergesort")
    output(frame, fmt, title=_("Users in {path}").format(path=path), codes={"role": "user_role"})
    if fmt == "table" and not found:
        echo(_("No users: sign-in is off (kamgraph users add NAME --role admin turns it on)."))
