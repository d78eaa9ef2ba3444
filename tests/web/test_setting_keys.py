"""One registry of the Traktor setting keys serves the CLI and the web API: both take exactly its keys, with its
choices and ranges, and refuse the same out-of-range values."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from harmony.cli import app
from harmony.library import SETTING_KEYS, AutoSyncSettings, TraktorSettings
from harmony.web.schemas import ConfigUpdate


def _body(name: str, value: Any) -> dict[str, Any]:
    group, dot, field = name.partition(".")
    return {group: {field: value}} if dot else {name: value}


def test_the_registry_holds_every_setting() -> None:
    top = [f.name for f in fields(TraktorSettings) if f.name != "auto_sync"]
    auto = [f"auto_sync.{f.name}" for f in fields(AutoSyncSettings)]
    assert list(SETTING_KEYS) == [*top, *auto]


def test_the_web_body_takes_exactly_the_registry_keys() -> None:
    schema = ConfigUpdate.model_json_schema()
    top = set(schema["properties"]) - {"auto_sync"}
    auto = set(schema["$defs"]["AutoSyncUpdate"]["properties"])
    assert top | {f"auto_sync.{name}" for name in auto} == set(SETTING_KEYS)


@pytest.mark.parametrize("name", [name for name, key in SETTING_KEYS.items() if key.kind == "int"])
def test_ranges_are_the_same_in_both_shells(name: str, tmp_path: Any) -> None:
    key = SETTING_KEYS[name]
    assert key.minimum is not None and key.maximum is not None
    ConfigUpdate.model_validate(_body(name, key.minimum))
    ConfigUpdate.model_validate(_body(name, key.maximum))
    with pytest.raises(ValidationError):
        ConfigUpdate.model_validate(_body(name, key.maximum + 1))
    result = CliRunner().invoke(
        app, ["--library", str(tmp_path / "lib.db"), "traktor", "config", "set", name, str(key.maximum + 1)]
    )
    assert result.exit_code != 0
    assert f"{key.minimum} to {key.maximum}" in f"{result.output}{result.exception}"


@pytest.mark.parametrize("name", [name for name, key in SETTING_KEYS.items() if key.kind == "choice"])
def test_choices_are_the_same_in_both_shells(name: str) -> None:
    for choice in SETTING_KEYS[name].choices:
        assert ConfigUpdate.model_validate(_body(name, choice)).changes()
    with pytest.raises(ValidationError):
        ConfigUpdate.model_validate(_body(name, "louder"))


def test_the_cli_help_lists_every_key() -> None:
    result = CliRunner().invoke(app, ["traktor", "config", "set", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name, key in SETTING_KEYS.items():
        assert name in result.output
        assert key.help.split(" (")[0] in result.output
