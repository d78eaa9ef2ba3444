"""`harmony traktor config get|set`: the Traktor settings stored in the library.

The keys, their kinds, choices, ranges and help come from the one registry the web API uses too
(:data:`harmony.library.SETTING_KEYS`); this module only reads the words a DJ types. Every value is checked
before anything is saved: several changes are saved together or not at all.

The registry, the settings and the database behind them are imported when a command runs, not with this module:
``harmony traktor --help`` builds these commands and must start without SQLAlchemy. For the same reason the help
of ``config set``, which lists every key, is written when it is shown.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from typer._click import Context, HelpFormatter
from typer.core import TyperCommand

from harmony.cli.output import console, print_json, texts
from harmony.errors import SyncError
from harmony.library import SettingsError

if TYPE_CHECKING:
    from harmony.library import Library, SettingKey, TraktorSettings

config_app = typer.Typer(help="Show or change the Traktor settings stored in the library.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

#: The words a DJ may type for a yes/no setting.
TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})
#: What clears ``nml_path`` or ``path_mappings``.
NONE_WORDS = frozenset({"none", ""})


def _keys() -> dict[str, SettingKey]:
    """Every settable key, in the order the settings list them."""
    from harmony.library import SETTING_KEYS  # here: the registry loads the settings, and SQLAlchemy behind them

    return SETTING_KEYS


def _lookup(name: str) -> SettingKey:
    """The key called ``name``, or a :class:`SettingsError` that says what the DJ can type instead."""
    from harmony.library import AUTO_SYNC  # here: see _keys

    keys = _keys()
    key = keys.get(name)
    if key is not None:
        return key
    if "=" in name:
        raise SettingsError(f"Write 'KEY VALUE' with a space, not {name!r}.")
    if name == AUTO_SYNC:
        group = ", ".join(k for k in keys if k.startswith(f"{AUTO_SYNC}."))
        raise SettingsError(f"'{AUTO_SYNC}' is a group; set one of {group}.")
    raise SettingsError(f"Unknown setting {name!r}; known settings: {', '.join(keys)}.")


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
    from harmony.nml import CollectionPathError, check_collection_path  # here: `harmony traktor --help` loads no NML

    if text.strip().lower() in NONE_WORDS:
        return None
    try:
        absolute = os.path.abspath(Path(text.strip()).expanduser())
        path = check_collection_path(absolute)
    except RuntimeError as error:  # "~name" for a user that does not exist
        raise SettingsError(f"Cannot use {text.strip()!r}: {error}.") from None
    except CollectionPathError as error:
        if _nothing_at(absolute):
            raise SettingsError(f"No file at {absolute}; give the path of a collection.nml.") from None
        raise SettingsError(f"{error}; give the path of a collection.nml file.") from None
    return str(path)


def _nothing_at(path: str) -> bool:
    """True when the OS says nothing is at ``path`` (not when it refuses the path itself, e.g. a name too long)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


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
    keys = _keys()
    changes: dict[str, Any] = {}
    index = 0
    while index < len(tokens):
        key = _lookup(tokens[index])
        end = index + 1
        if key.kind == "mappings":
            while end < len(tokens) and tokens[end] not in keys:
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
    from harmony.service import default_nml_path  # here: `harmony traktor --help` loads no service

    try:
        return str(default_nml_path(None))
    except SyncError:
        return None


def settings_json(settings: TraktorSettings) -> dict[str, Any]:
    """The settings dict, with ``nml_path_default`` (what an unset ``nml_path`` stands for) after ``nml_path``."""
    from harmony.library import settings_to_dict  # here: see _keys

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
    if isinstance(value, tuple):  # the path mappings, one "NML_PREFIX=LOCAL" per line
        from harmony.library import mapping_text  # here: see _keys

        return "\n".join(mapping_text(pair) for pair in value) if value else "none"
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
        table.add_row(*texts(name, _display(settings, name)))
    console.print(table)


def _open(ctx: typer.Context) -> Library:
    from harmony.library import Library  # here: `harmony traktor --help` loads no database

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
    from harmony.library import AUTO_SYNC, settings_to_dict  # here: see _keys

    with _open(ctx) as library:
        settings = library.settings()
    if key is None:
        if json:
            print_json(settings_json(settings))
        else:
            _print_table(settings, list(_keys()))
        return
    if key == AUTO_SYNC:
        names = [name for name in _keys() if name.startswith(f"{AUTO_SYNC}.")]
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
        console.print(_display(settings, name), highlight=False, soft_wrap=True, markup=False)


#: The first paragraph of ``config set``'s help: what ``harmony traktor config --help`` lists.
SET_SUMMARY = "Change settings: KEY VALUE, several pairs at once if you like. All are checked before any is saved."


def _set_help() -> str:
    """The help of ``config set``: one line per key, from the registry."""
    keys = _keys()
    width = max(len(name) for name in keys) + 2
    lines = [f"{name.ljust(width)}{key.help}" for name, key in keys.items()]
    return (
        f"{SET_SUMMARY}\n\n"
        "\b\n" + "\n".join(lines) + "\n\n"
        "\b\ne.g. set cue_strategy replace auto_backup off\n"
        "     set path_mappings 'C:/Users/me/Music=/home/me/Music' 'D:=/mnt/usb'"
    )


class _SetCommand(TyperCommand):
    """``config set``, whose help is written when it is shown: it lists the registry's keys, and building the
    command (``harmony traktor --help`` builds every one) must not load the registry."""

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        self.help = _set_help()
        super().format_help(ctx, formatter)


@config_app.command(name="set", cls=_SetCommand, short_help=SET_SUMMARY)
def set_settings(
    ctx: typer.Context,
    assignments: Annotated[list[str], typer.Argument(metavar="KEY VALUE", help="Settings and their new values.")],
    json: JsonOption = False,
) -> None:
    changes = parse_assignments(assignments)
    with _open(ctx) as library:
        settings = apply_changes(library.settings(), changes)
        library.save_settings(settings)
    if json:
        print_json(settings_json(settings))
        return
    console.print(f"Saved {', '.join(changes)}.", highlight=False)
    _print_table(settings, list(changes))
