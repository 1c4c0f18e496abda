"""Settings: defaults from DESIGN.md section 4, overridable from kamgraph.toml."""

from __future__ import annotations

import pandas as pd
import pytest

from kamgraph.errors import ConfigError
from kamgraph.settings import Settings


def test_defaults_match_design():
    s = Settings()
    assert s.strength.half_life_days == 90
    assert s.strength.declared_half_life_days == 365
    assert dict(s.strength.interaction_weights) == {
        "visit": 3.0, "meal": 2.5, "meeting": 2.0, "event": 1.0, "call": 1.0, "email": 0.3}
    assert s.coverage.covered == 0.5 and s.coverage.thread == 0.3
    assert s.paths.kind_factors["association"] == 0.3
    assert s.policy_for("diamond").executive_level == 1
    assert s.policy_for("nonexistent") is None


def test_toml_overrides_sections_maps_and_policy(tmp_path):
    f = tmp_path / "kamgraph.toml"
    f.write_text(
        'as_of = "2026-11-15"\n'
        "[strength]\nhalf_life_days = 120\n"
        "[strength.interaction_weights]\nvisit = 4\n"
        '[[tier_policy]]\ntier = "gold"\nexecutive_level = 2\nmin_exec_visits_per_quarter = 3\n'
        'exec_tie_roles = ["decision_maker", "approver"]\n',
        encoding="utf-8",
    )
    s = Settings.load(f)
    assert s.strength.half_life_days == 120.0
    assert s.strength.interaction_weights["visit"] == 4.0
    assert s.strength.interaction_weights["meal"] == 2.5  # untouched keys keep defaults
    assert [p.tier for p in s.tier_policy] == ["gold"]
    assert s.tier_policy[0].min_exec_visits_per_quarter == 3
    assert s.tier_policy[0].exec_tie_roles == ("decision_maker", "approver")
    assert s.as_of_date() == pd.Timestamp("2026-11-15")


@pytest.mark.parametrize("text, message", [
    ("[strenght]\nx = 1\n", "unknown setting 'strenght'"),
    ("[strength]\nhalf_life_days = 'long'\n", "strength.half_life_days must be a number"),
    ("[strength]\nhalf_life_days = \n", "not valid TOML"),
    ("[[tier_policy]]\nexecutive_level = 1\n", "needs a tier"),
])
def test_bad_settings_are_clear_errors(tmp_path, text, message):
    f = tmp_path / "kamgraph.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        Settings.load(f)


def test_bad_as_of_is_a_config_error():
    with pytest.raises(ConfigError, match="as_of must be a date"):
        Settings(as_of="soon").as_of_date()


def test_missing_explicit_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        Settings.load(tmp_path / "nope.toml")
