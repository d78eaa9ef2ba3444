"""The one registry of the Traktor setting keys: what the CLI's ``traktor config`` and the web API's settings
body are both built from.

Each key is a field of :class:`~harmony.library.TraktorSettings` (the auto-sync ones dotted:
``auto_sync.debounce_ms``). Its kind comes from the field's type hint; its help text, unit and range from the
field's metadata (``help``, ``unit``, ``range``). So a new setting cannot be forgotten by one shell: a type this
module does not know stops the import with an error.
"""

from __future__ import annotations

from dataclasses import Field, dataclass, fields
from typing import Any, Literal, get_args, get_origin, get_type_hints

from harmony.library.settings import AutoSyncSettings, TraktorSettings

__all__ = ["AUTO_SYNC", "SETTING_KEYS", "SettingKey", "SettingKind"]

#: How a key's value is written: a file path, yes/no, a whole number, one of some words, ``NML_PREFIX=LOCAL`` texts.
SettingKind = Literal["path", "bool", "int", "choice", "mappings"]

#: The group of the auto-sync keys.
AUTO_SYNC = "auto_sync"


@dataclass(frozen=True, slots=True)
class SettingKey:
    """One key a DJ can read or change: its (dotted) name, its kind, its choices or range, and a short help."""

    name: str
    kind: SettingKind
    help: str
    choices: tuple[str, ...] = ()
    #: The inclusive range of an ``int`` key.
    minimum: int | None = None
    maximum: int | None = None

    @property
    def group(self) -> str | None:
        """``auto_sync`` for an auto-sync key, else None."""
        group, dot, _ = self.name.partition(".")
        return group if dot else None

    @property
    def field(self) -> str:
        """The field's own name inside its group (``debounce_ms`` for ``auto_sync.debounce_ms``)."""
        return self.name.rpartition(".")[2]


def _key_for(name: str, hint: Any, field: Field[Any]) -> SettingKey:
    help_text = str(field.metadata.get("help", ""))
    if hint is bool:
        return SettingKey(name, "bool", help_text)
    if hint is int:
        low, high = field.metadata["range"]
        unit = field.metadata.get("unit", "a whole number")
        return SettingKey(name, "int", help_text or f"{unit}, {low} to {high}", minimum=low, maximum=high)
    if get_origin(hint) is Literal:
        choices = tuple(str(choice) for choice in get_args(hint))
        return SettingKey(name, "choice", help_text or ", ".join(choices), choices)
    if get_origin(hint) is tuple and name == "path_mappings":
        return SettingKey(name, "mappings", help_text)
    if name == "nml_path":
        return SettingKey(name, "path", help_text)
    raise TypeError(f"the setting keys do not know how to read setting {name!r} ({hint!r})")


def _all_keys() -> dict[str, SettingKey]:
    keys: dict[str, SettingKey] = {}
    top_hints = get_type_hints(TraktorSettings)
    for field in fields(TraktorSettings):
        if field.name == AUTO_SYNC:
            auto_hints = get_type_hints(AutoSyncSettings)
            for auto_field in fields(AutoSyncSettings):
                name = f"{AUTO_SYNC}.{auto_field.name}"
                keys[name] = _key_for(name, auto_hints[auto_field.name], auto_field)
        else:
            keys[field.name] = _key_for(field.name, top_hints[field.name], field)
    return keys


#: Every key, in the order the settings list them.
SETTING_KEYS: dict[str, SettingKey] = _all_keys()
