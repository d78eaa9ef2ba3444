"""`harmony traktor config get|set`: the Traktor settings stored in the library.

The keys are the fields of :class:`harmony.library.TraktorSettings`, with the auto-sync ones dotted
(``auto_sync.debounce_ms``). Each key's type, and so how its text is read, comes from the settings' own type
hints, so a new setting cannot be forgotten here: an unknown type stops the import with an error.
Every value is checked before anything is saved: several changes are saved together or not at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints

import typer
from rich.table import Table

from harmony.cli.output import console, print_json
from harmony.errors import SyncError
from harmony.library import AutoSyncSettings, Library, SettingsError, TraktorSettings, settings_to_dict
from harmony.service import default_nml_path

config_app = typer.Typer(help="Show or change the Traktor settings stored in the library.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

Kind = Literal["path", "bool", "int", "choice", "mappings"]

#: The words a DJ may type for a yes/no setting.
TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})
#: What clears ``nml_path`` or ``path_mappings``.
NONE_WORDS = frozenset({"none", ""})

AUTO_SYNC = "auto_sync"


@dataclass(frozen=True, slots=True)
class SettingKey:
    """One key a DJ can get or set: its dotted name, how its text is read, and its choices if it has some."""

    name: str
    kind: Kind
    choices: tuple[str, ...] = ()


def _key_for(name: str, hint: Any) -> SettingKey:
    """The key of a settings field, from its type hint."""
    if hint is bool:
        return SettingKey(name, "bool")
    if hint is int:
        return SettingKey(name, "int")
    if get_origin(hint) is Literal:
        return SettingKey(name, "choice", tuple(str(choice) for choice in get_args(hint)))
    if get_origin(hint) is tuple and get_args(hint) == (str, ...) and name == "path_mappings":
        return SettingKey(name, "mappings")
    if name == "nml_path":
        return SettingKey(name, "path")
    raise TypeError(f"harmony traktor config does not know how to read setting {name!r} ({hint!r})")


def _all_keys() -> dict[str, SettingKey]:
    keys: dict[str, SettingKey] = {}
    top_hints = get_type_hints(TraktorSettings)
    for field in fields(TraktorSettings):
        if field.name == AUTO_SYNC:
            auto_hints = get_type_hints(AutoSyncSettings)
            for auto_field in fields(AutoSyncSettings):
                name = f"{AUTO_SYNC}.{auto_field.name}"
                keys[name] = _key_for(name, auto_hints[auto_field.name])
        else:
            keys[field.name] = _key_for(field.name, top_hints[field.name])
    return keys


#: Every settable key, in the order the settings list them.
KEYS: dict[str, SettingKey] = _all_keys()


def _lookup(name: str) -> SettingKey:
    """The key called ``name``, or a :class:`SettingsError` that says what the DJ can type instead."""
    key = KEYS.get(name)
    if key is not None:
        return key
    if "=" in name:
        raise SettingsError(f"Write 'KEY VALUE' with a space, not {name!r}.")
    if name == AUTO_SYNC:
        group = ", ".join(k for k in KEYS if k.startswith(f"{AUTO_SYNC}."))
        raise SettingsError(f"'{AUTO_SYNC}' is a group; set one of {group}.")
    raise SettingsError(f"Unknown setting {name!r}; known settings: {', '.join(KEYS)}.")


def _value_of(settings: TraktorSettings, name: str) -> Any:
    value: Any = settings
    for part in name.split("."):
        value = getattr(value, part)
    return value


# --- reading the text a DJ types --------------------------------------------------------------------


def _parse_bool(key: SettingKey, text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"Setting '{key.name}' is yes or no (true/false, on/off, 1/0), not {text!r}.")


def _parse_int(key: SettingKey, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise SettingsError(f"Setting '{key.name}' is a whole number, not {text!r}.") from None


def _parse_choice(key: SettingKey, text: str) -> str:
    word = text.strip().lower()
    if word not in key.choices:
        raise SettingsError(f"Setting '{key.name}' must be one of {', '.join(key.choices)}, not {text!r}.")
    return word


def _parse_path(text: str) -> str | None:
    """An existing file, made absolute (``~`` expanded); ``none`` or nothing unsets it."""
    if text.strip().lower() in NONE_WORDS:
        return None
    path = Path(os.path.abspath(Path(text.strip()).expanduser()))
    if path.is_dir():
        raise SettingsError(f"{path} is a folder; give the collection.nml file inside it.")
    if not path.is_file():
        raise SettingsError(f"No file at {path}; give the path of a collection.nml.")
    return str(path)


def _parse_mappings(texts: list[str]) -> tuple[str, ...]:
    """The whole new list of mappings; ``none`` (alone) clears it. Their form is checked by the settings."""
    if not texts:
        raise SettingsError("Give path_mappings one or more 'NML_PREFIX=LOCAL' values, or none to clear them.")
    if len(texts) == 1 and texts[0].strip().lower() in NONE_WORDS:
        return ()
    return tuple(text.strip() for text in texts)


def _parse(key: SettingKey, texts: list[str]) -> Any:
    if key.kind == "mappings":
        return _parse_mappings(texts)
    (text,) = texts
    if key.kind == "bool":
        return _parse_bool(key, text)
    if key.kind == "int":
        return _parse_int(key, text)
    if key.kind == "choice":
        return _parse_choice(key, text)
    return _parse_path(text)


def parse_assignments(tokens: list[str]) -> dict[str, Any]:
    """``KEY VALUE [KEY VALUE ...]`` read into ``{key: value}``.

    ``path_mappings`` takes every value up to the next key (a mapping always holds ``=``, a key never does).
    """
    changes: dict[str, Any] = {}
    index = 0
    while index < len(tokens):
        key = _lookup(tokens[index])
        end = index + 1
        if key.kind == "mappings":
            while end < len(tokens) and tokens[end] not in KEYS:
                end += 1
        else:
            if end >= len(tokens):
                raise SettingsError(f"Give a value after '{key.name}'.")
            end += 1
        if key.name in changes:
            raise SettingsError(f"Setting '{key.name}' is given twice.")
        changes[key.name] = _parse(key, tokens[index + 1 : end])
        index = end
    return changes


def apply_changes(settings: TraktorSettings, changes: dict[str, Any]) -> TraktorSettings:
    """``settings`` with ``changes`` (dotted auto-sync keys allowed), validated as a whole."""
    top: dict[str, Any] = {}
    auto: dict[str, Any] = {}
    for name, value in changes.items():
        group, _, field = name.partition(".")
        if field:
            auto[field] = value
        else:
            top[group] = value
    return settings.updated(**top, auto_sync=auto)


# --- showing settings ------------------------------------------------------------------------------


def _newest_collection() -> str | None:
    """The collection Harmony uses when ``nml_path`` is unset, or None when none is found."""
    try:
        return str(default_nml_path(None))
    except SyncError:
        return None


def settings_json(settings: TraktorSettings) -> dict[str, Any]:
    """The settings dict, with ``nml_path_default`` (what an unset ``nml_path`` stands for) after ``nml_path``."""
    data: dict[str, Any] = {}
    for name, value in settings_to_dict(settings).items():
        data[name] = value
        if name == "nml_path":
            data["nml_path_default"] = _newest_collection()
    return data


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, tuple):
        return "\n".join(value) if value else "none"
    return str(value)


def _display(settings: TraktorSettings, name: str) -> str:
    value = _value_of(settings, name)
    if name == "nml_path" and value is None:
        default = _newest_collection()
        return f"not set; using {default} (the newest Traktor's)" if default else "not set; no Traktor collection found"
    return _text(value)


def _print_table(settings: TraktorSettings, names: list[str]) -> None:
    table = Table(show_header=False, box=None)
    for name in names:
        table.add_row(name, _display(settings, name))
    console.print(table)


def _open(ctx: typer.Context) -> Library:
    return Library.open((ctx.obj or {}).get("library"))


@config_app.command()
def get(
    ctx: typer.Context,
    key: Annotated[
        str | None, typer.Argument(metavar="KEY", help="One setting, e.g. cue_strategy or auto_sync.debounce_ms.")
    ] = None,
    json: JsonOption = False,
) -> None:
    """Show every setting, or one.

    With nml_path unset, Harmony uses the newest Traktor x.y.z/collection.nml in Documents/Native Instruments:
    the table shows which, the JSON gives it as nml_path_default (null when none is found).
    """
    with _open(ctx) as library:
        settings = library.settings()
    if key is None:
        if json:
            print_json(settings_json(settings))
        else:
            _print_table(settings, list(KEYS))
        return
    if key == AUTO_SYNC:
        names = [name for name in KEYS if name.startswith(f"{AUTO_SYNC}.")]
        if json:
            print_json({AUTO_SYNC: settings_to_dict(settings)[AUTO_SYNC]})
        else:
            _print_table(settings, names)
        return
    name = _lookup(key).name
    if json:
        value: Any = settings_to_dict(settings)
        for part in name.split("."):
            value = value[part]
        data = {name: value}
        if name == "nml_path":
            data["nml_path_default"] = _newest_collection()
        print_json(data)
    else:
        console.print(_display(settings, name), highlight=False, soft_wrap=True)


@config_app.command(name="set")
def set_settings(
    ctx: typer.Context,
    assignments: Annotated[list[str], typer.Argument(metavar="KEY VALUE", help="Settings and their new values.")],
    json: JsonOption = False,
) -> None:
    """Change settings: KEY VALUE, several pairs at once if you like. All are checked before any is saved.

    \b
    nml_path               a collection.nml (none: the newest Traktor's)
    track_strategy         smart_merge, traktor_wins, harmony_wins
    cue_strategy           smart_merge, replace, traktor_wins, harmony_wins
    auto_backup            true or false (also yes/no, on/off, 1/0)
    backups_to_keep        a whole number, 1 to 1000
    path_mappings          'NML_PREFIX=LOCAL' ... (each quoted; replaces
                           the list; none clears it)
    auto_sync.enabled      true or false
    auto_sync.direction    import, export, bidirectional
    auto_sync.on_startup   true or false
    auto_sync.on_library_change  true or false
    auto_sync.debounce_ms  milliseconds, 1000 to 60000

    \b
    e.g. set cue_strategy replace auto_backup off
         set path_mappings 'C:/Users/me/Music=/home/me/Music' 'D:=/mnt/usb'
    """
    changes = parse_assignments(assignments)
    with _open(ctx) as library:
        settings = apply_changes(library.settings(), changes)
        library.save_settings(settings)
    if json:
        print_json(settings_json(settings))
        return
    console.print(f"Saved {', '.join(changes)}.", highlight=False)
    _print_table(settings, list(changes))
