"""Local users, roles and ``kamgraph users`` (issue 12, "Sign-in and roles").

The users file holds argon2 hashes only, is written with permissions 0600 and replaced
atomically; passwords never come from a command-line argument; roles nest viewer < editor
< admin.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from kamgraph import auth
from kamgraph.cli import main

PASSWORD = "correct horse battery"


@pytest.fixture
def env(monkeypatch, tmp_path) -> Path:
    """A store in tmp_path and no $KAMGRAPH_USERS: the users file is beside the store."""
    monkeypatch.setenv("KAMGRAPH_STORE", f"sqlite:///{tmp_path / 'k.db'}")
    monkeypatch.delenv("KAMGRAPH_USERS", raising=False)
    monkeypatch.delenv("KAMGRAPH_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "kamgraph-users.json"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


# -- roles ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, allowed", [
    ("viewer", {"read"}),
    ("editor", {"read", "edit"}),
    ("admin", {"read", "edit", "import", "erase", "manage_users"}),
    (None, set()),
    ("root", set()),
])
def test_each_role_may_do_exactly_its_actions(role, allowed):
    assert {a for a in auth.ACTIONS if auth.can(role, a)} == allowed


def test_an_unknown_action_is_a_bug_not_a_refusal():
    with pytest.raises(ValueError):
        auth.can("admin", "launch")


# -- the users file ------------------------------------------------------------------------------

def test_the_users_file_holds_only_argon2_hashes_and_never_the_password(tmp_path):
    path = tmp_path / "users.json"
    users = auth.add_user({}, "alice", PASSWORD, "admin")
    users = auth.add_user(users, "bob", "another secret", "viewer")
    auth.save_users(path, users)
    text = path.read_text()
    assert PASSWORD not in text and "another secret" not in text
    entries = json.loads(text)["users"]
    assert set(entries) == {"alice", "bob"}
    assert all(e["hash"].startswith("$argon2id$") for e in entries.values())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["users.json"]  # no temporary file left behind


def test_verify_accepts_the_password_and_nothing_else(tmp_path):
    users = auth.add_user({}, "alice", PASSWORD, "editor")
    assert auth.verify(users, "alice", PASSWORD).role == "editor"
    assert auth.verify(users, "alice", PASSWORD + " ") is None
    assert auth.verify(users, "alice", "") is None
    assert auth.verify(users, "mallory", PASSWORD) is None


def test_a_damaged_users_file_is_an_error_never_no_users(tmp_path):
    path = tmp_path / "users.json"
    for text in ("{", '{"users": {"a": {"role": "admin", "hash": "plaintext"}}}',
                 '{"users": {"a": {"role": "god", "hash": "$argon2id$x"}}}', "[]"):
        path.write_text(text)
        with pytest.raises(auth.AuthError, match="damaged"):
            auth.load_users(path)
    assert auth.load_users(tmp_path / "missing.json") == {}


def test_the_users_file_is_beside_a_sqlite_store_unless_the_environment_names_one():
    assert auth.users_path("sqlite:////srv/k/data.db", env={}) == Path("/srv/k/kamgraph-users.json")
    assert auth.users_path("sqlite:///./k/data.db", env={}) == Path("k/kamgraph-users.json")
    assert auth.users_path("bolt://graph:7687", env={}) == Path("kamgraph-users.json")
    assert auth.users_path("sqlite:///srv/k/data.db", env={"KAMGRAPH_USERS": "/etc/k.json"}) == Path("/etc/k.json")


@pytest.mark.parametrize("name", ["", "a b", "../x", "-rf", "x" * 129, "a\x1b[2J"])
def test_user_names_are_plain(name):
    with pytest.raises(auth.AuthError):
        auth.add_user({}, name, PASSWORD)


def test_short_passwords_are_refused():
    with pytest.raises(auth.AuthError, match="at least 8"):
        auth.add_user({}, "alice", "short")


# -- kamgraph users ------------------------------------------------------------------------------

def test_users_add_list_set_role_remove(env):
    r = run("users", "add", "alice", "--role", "admin", "--password-stdin", input=PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    assert "Sign-in is now on" in r.output
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    assert PASSWORD not in env.read_text()
    assert auth.verify(auth.load_users(env), "alice", PASSWORD).role == "admin"

    r = run("users", "add", "bob", "--password-stdin", input="bobs password\n")
    assert r.exit_code == 0 and auth.load_users(env)["bob"].role == "viewer"

    r = run("users", "list", "--format", "json")
    assert json.loads(r.output) == [{"user": "alice", "role": "admin"}, {"user": "bob", "role": "viewer"}]
    assert "$argon2" not in r.output

    assert run("users", "set-role", "bob", "editor").exit_code == 0
    assert auth.load_users(env)["bob"].role == "editor"

    r = run("users", "remove", "bob")
    assert r.exit_code == 0 and set(auth.load_users(env)) == {"alice"}
    r = run("users", "remove", "alice")
    assert "sign-in is off" in r.output
    assert auth.load_users(env) == {}


def test_users_add_asks_twice_with_a_hidden_prompt(env):
    r = run("users", "add", "alice", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert r.exit_code == 0, r.output
    assert PASSWORD not in r.output  # hidden: never echoed
    assert auth.verify(auth.load_users(env), "alice", PASSWORD) is not None
    r = run("users", "add", "carol", input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n")
    assert r.exit_code == 0 and "do not match" in r.output.lower()


def test_a_password_is_never_taken_from_an_argument(env):
    r = run("users", "add", "alice", "--password", PASSWORD)
    assert r.exit_code == 2  # no such option
    assert not env.exists()


def test_users_errors_are_one_line_and_change_nothing(env):
    run("users", "add", "alice", "--role", "admin", "--password-stdin", input=PASSWORD + "\n")
    before = env.read_bytes()
    for args, stdin in ((("users", "remove", "nobody"), None), (("users", "set-role", "nobody", "admin"), None),
                        (("users", "add", "bob", "--password-stdin"), "short\n"),
                        (("users", "add", "a b", "--password-stdin"), PASSWORD + "\n")):
        r = CliRunner().invoke(main, list(args), input=stdin)
        assert r.exit_code == 1, (args, r.output)
        assert "Traceback" not in r.output and r.output.startswith("Error: ")
    assert env.read_bytes() == before


def test_users_file_option_and_environment(env, tmp_path, monkeypatch):
    other = tmp_path / "elsewhere" / "u.json"
    run("users", "add", "alice", "--file", str(other), "--password-stdin", input=PASSWORD + "\n")
    assert set(auth.load_users(other)) == {"alice"} and not env.exists()
    monkeypatch.setenv("KAMGRAPH_USERS", str(other))
    assert json.loads(run("users", "list", "--format", "json").output) == [{"user": "alice", "role": "viewer"}]
    assert os.path.exists(other)
