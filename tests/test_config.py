"""Book settings: typed, validated, round-tripped through TOML."""

from __future__ import annotations

import tomllib
from datetime import date

from trimtab.config import (
    AssetClassAssumption,
    LocationSettings,
    OptimizerSettings,
    Settings,
    dump_toml,
    parse_settings,
    settings_to_dict,
)
from trimtab.names import TaxCharacter


def test_defaults_write_nothing() -> None:
    assert settings_to_dict(Settings()) == {}


def test_round_trip_with_nested_tables() -> None:
    settings = Settings(
        as_of=date(2026, 11, 20),
        optimizer=OptimizerSettings(drift_penalty=0.2, household=False, screen_max_tax=0.05),
        location=LocationSettings(
            years=3.0,
            classes={"us_bond": AssetClassAssumption(0.045, 0.042, TaxCharacter.ORDINARY)},
        ),
    )
    text = dump_toml(settings_to_dict(settings))
    parsed, problems = parse_settings(tomllib.loads(text))
    assert problems == []
    assert parsed == settings
    assert "[location.classes.us_bond]" in text


def test_every_bad_key_is_reported_with_its_path() -> None:
    data = tomllib.loads(
        'as_of = "March"\nspeed = 1\n[optimizer]\nrisk_aversion = "high"\nhousehold = 1\n'
        '[location.classes.x]\ncharacter = "muni"\nexpected = 0.1\n[costs]\nbps = 7\n'
    )
    settings, problems = parse_settings(data)
    fields = {p.field for p in problems}
    assert fields == {
        "as_of",
        "speed",
        "optimizer.risk_aversion",
        "optimizer.household",
        "location.classes.x.character",
        "location.classes.x.expected",
    }
    assert settings.costs.bps == 7.0  # an int widens to float; good keys still apply
    messages = {p.field: p.message for p in problems}
    assert "YYYY-MM-DD" in messages["as_of"]
    assert "ordinary, qualified, tax_exempt" in messages["location.classes.x.character"]
