"""Configuration resolved once (kamgraph.config): precedence, and the CLI and the app agreeing.

The same environment must give ``kamgraph`` and the Streamlit app the same store, settings
file, settings and analysis date, and so the same answers: the sample's access path to
Zhou Jianguo (story (a) of data/sample/README.md) once scored one figure in the CLI and
another in the app, because ``kamgraph demo`` handed the sample's settings (as of
2026-11-15) to the app only, and the CLI on the demo store fell back to today.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from kamgraph.cli import main
from kamgraph.config import DEFAULT_STORE_URL, ENV_NAMES, Config, resolve_config
from kamgraph.errors import ConfigError
from kamgraph.ingest import import_path
from kamgraph.settings import Settings
from kamgraph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SAMPLE_SETTINGS = SAMPLE / "kamgraph.toml"
SAMPLE_AS_OF = "2026-11-15"
TODAY = pd.Timestamp.today().normalize()


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No KAMGRAPH_* variable set, working directory an empty folder."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


# -- precedence ----------------------------------------------------------------------------

def test_defaults_without_flags_environment_or_settings_file(clean_env):
    c = resolve_config()
    assert (c.store_url, c.settings_path, c.as_of_override) == (DEFAULT_STORE_URL, None, None)
    assert c.settings == Settings(as_of=TODAY.strftime("%Y-%m-%d"))
    assert c.as_of == TODAY and c.as_of_source == "today"


def test_flags_beat_environment_which_beats_defaults(clean_env, tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('as_of = "2025-01-31"\n[coverage]\ncovered = 0.6\n', encoding="utf-8")
    b.write_text('as_of = "2025-02-28"\n', encoding="utf-8")
    env = {"KAMGRAPH_STORE": "sqlite:///env.db", "KAMGRAPH_CONFIG": str(a), "KAMGRAPH_AS_OF": "2025-03-31"}

    from_env = resolve_config(environ=env)
    assert (from_env.store_url, from_env.settings_path, from_env.as_of_text) == ("sqlite:///env.db", str(a),
                                                                                  "2025-03-31")
    assert from_env.settings.coverage.covered == 0.6 and from_env.as_of_source == "override"

    flags = resolve_config("sqlite:///flag.db", b, "2025-04-30", environ=env)
    assert (flags.store_url, flags.settings_path, flags.as_of_text) == ("sqlite:///flag.db", str(b), "2025-04-30")
    assert flags.settings.coverage.covered == 0.5

    no_date = resolve_config(settings=b, environ={})
    assert no_date.as_of_text == "2025-02-28" and no_date.as_of_source == "settings"


def test_the_working_directorys_kamgraph_toml_is_used_when_none_is_named(clean_env):
    (clean_env / "kamgraph.toml").write_text(f'as_of = "{SAMPLE_AS_OF}"\n', encoding="utf-8")
    c = resolve_config()
    assert c.settings_path == "kamgraph.toml" and c.as_of_text == SAMPLE_AS_OF
    assert resolve_config(cwd=clean_env.parent).settings_path is None  # looked for in cwd only


def test_empty_variables_count_as_unset(clean_env):
    c = resolve_config(environ={"KAMGRAPH_STORE": "", "KAMGRAPH_CONFIG": "", "KAMGRAPH_AS_OF": ""})
    assert c == resolve_config(environ={})


@pytest.mark.parametrize("kwargs, message", [
    ({"settings": "nope.toml"}, "settings file not found: nope.toml"),
    ({"environ": {"KAMGRAPH_CONFIG": "nope.toml"}}, "settings file not found: nope.toml"),
    ({"as_of": "soon"}, "--as-of / KAMGRAPH_AS_OF must be a date"),
    ({"environ": {"KAMGRAPH_AS_OF": "2026-02-30"}}, "must be a date like 2026-11-15"),
])
def test_bad_values_are_config_errors(clean_env, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        resolve_config(**{"environ": {}, **kwargs})


def test_a_bad_settings_file_fails_on_first_use_only(clean_env):
    (clean_env / "kamgraph.toml").write_text("[coverage]\ncoverd = 0.4\n", encoding="utf-8")
    c = resolve_config()
    assert c.store_url == DEFAULT_STORE_URL  # a verb that needs only the store still works
    with pytest.raises(ConfigError, match="unknown setting 'coverage.coverd'"):
        c.settings


def test_environ_round_trips(clean_env):
    c = resolve_config("sqlite:///x.db", SAMPLE_SETTINGS, "2026-10-31", environ={})
    env = c.environ()
    assert env == {"KAMGRAPH_STORE": "sqlite:///x.db", "KAMGRAPH_CONFIG": str(SAMPLE_SETTINGS.resolve()),
                   "KAMGRAPH_AS_OF": "2026-10-31"}
    assert resolve_config(environ=env) == c
    exported = dict(kv.split("=", 1) for kv in shlex.split(c.shell_exports())[1:])
    assert exported == env


# -- the CLI and the app agree -----------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('config_sample') / 'sample.db'}"
    with open_store(url) as store:
        import_path(SAMPLE, store, today=SAMPLE_AS_OF)
    return url


ENVIRONMENTS = {
    "sample settings named": {"KAMGRAPH_CONFIG": str(SAMPLE_SETTINGS)},
    "sample settings in the working directory": {},
    "date from the environment": {"KAMGRAPH_CONFIG": str(SAMPLE_SETTINGS), "KAMGRAPH_AS_OF": "2026-10-31"},
    "no settings at all": None,
}


def cli_json(*args: str):
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.mark.parametrize("name", list(ENVIRONMENTS))
def test_cli_and_app_resolve_the_same_store_settings_and_date(name, clean_env, monkeypatch, sample_url):
    from kamgraph.analysis.paths import access_paths
    from kamgraph.ui.context import app_config, current_context

    env = ENVIRONMENTS[name]
    monkeypatch.setenv("KAMGRAPH_STORE", sample_url)
    for k, v in (env or {}).items():
        monkeypatch.setenv(k, v)
    if env == {}:
        (clean_env / "kamgraph.toml").write_bytes(SAMPLE_SETTINGS.read_bytes())

    cli = cli_json("config", "--format", "json")
    app = app_config()
    ctx = current_context()
    assert ctx.config == app
    assert cli == {"store": app.store_url, "settings": app.settings_path or "", "as_of": app.as_of_text,
                   "as_of_from": app.as_of_source}
    assert ctx.as_of == app.as_of and ctx.settings == resolve_config().settings
    expected = {"sample settings named": SAMPLE_AS_OF, "sample settings in the working directory": SAMPLE_AS_OF,
                "date from the environment": "2026-10-31", "no settings at all": TODAY.strftime("%Y-%m-%d")}
    assert app.as_of_text == expected[name]

    # and so the same answer: the access path to Zhou Jianguo (C-001), best first
    cli_paths = cli_json("paths", "--to", "C-001", "--format", "json")
    app_paths = ctx.compute(access_paths, "C-001", as_of=ctx.as_of_text)
    assert [p["score"] for p in cli_paths] == pytest.approx(app_paths["score"].tolist(), abs=1e-9)


def test_the_demo_gives_the_app_and_the_cli_the_same_configuration(clean_env, monkeypatch):
    """``kamgraph demo`` starts the app with its configuration and prints it for the CLI."""
    if not (SAMPLE / "people.csv").exists():
        pytest.skip(f"sample data not found at {SAMPLE}")
    monkeypatch.setenv("KAMGRAPH_CONFIG", str(clean_env / "elsewhere.toml"))  # not the demo's: overridden
    (clean_env / "elsewhere.toml").write_text('as_of = "2020-01-01"\n', encoding="utf-8")
    started = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, env=None, check=False: started.append(env)
                        or subprocess.CompletedProcess(cmd, 0))
    r = CliRunner().invoke(main, ["demo"])
    assert r.exit_code == 0, r.output
    (app_env,) = started
    line = next(ln for ln in r.stdout.splitlines() if "export KAMGRAPH_STORE=" in ln)
    exports = dict(kv.split("=", 1) for kv in shlex.split(line[line.index("export "):])[1:])
    assert {k: app_env[k] for k in exports} == exports and not set(ENV_NAMES) - set(exports) - {"KAMGRAPH_AS_OF"}
    demo = resolve_config(environ=exports)
    assert demo == resolve_config(environ=app_env)
    assert demo.as_of_text == SAMPLE_AS_OF and demo.settings_path == str(SAMPLE_SETTINGS.resolve())
    assert f"as of {SAMPLE_AS_OF}" in r.stdout


def test_config_dataclass_is_frozen_and_compares_on_what_was_resolved():
    a = Config("sqlite:///a.db", None, "2026-01-31", today=pd.Timestamp("2026-02-01"))
    b = Config("sqlite:///a.db", None, "2026-01-31", today=pd.Timestamp("2030-01-01"))
    assert a == b and a.as_of == b.as_of == pd.Timestamp("2026-01-31")
    with pytest.raises(AttributeError):
        a.store_url = "sqlite:///b.db"  # type: ignore[misc]
