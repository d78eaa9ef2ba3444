"""The Traktor settings: where the collection is, how to merge, backups and auto-sync; with defaults,
validation and migration of older formats.

Stored in the library (table ``settings``, key ``traktor``) as JSON with a format number, so a library carries
its own sync configuration. Older formats are read and upgraded in memory: the original Harmony's
``traktorConfig`` (camelCase, ``cueStrategy`` ``SMART_MERGE``/``REPLACE``, ``syncOnStartup``,
``hasPendingExportChanges``). Pending export is no longer a stored flag: the change journal derives it.

The strategies are the ones of :mod:`harmony.strategies`. Path mappings are kept as the ``NML_PREFIX=LOCAL``
text of :meth:`harmony.sync.paths.PathMapping.parse`, but this layer sits below the sync layer and must not
import it: the checks here are the syntactic ones, and the sync layer parses the values for real.

Path mappings are pairs ``(NML prefix, local folder)``, stored as a JSON object (format 2), because either side
may hold ``=`` (a folder called ``Live=Sets``): format 1 stored ``NML_PREFIX=LOCAL`` texts, which are still read
(split at their first ``=``, as they always were). A text typed by the DJ (``--map``, ``traktor config set``)
is split at its ``=``; one with several ``=`` is refused, since it could be read two ways.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, cast, get_args

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from harmony.library.errors import SettingsError
from harmony.library.models import SETTINGS
from harmony.strategies import CUE_STRATEGIES, STRATEGIES, CueStrategy, Strategy

log = logging.getLogger(__name__)

SETTINGS_KEY = "traktor"
#: The format :func:`settings_to_dict` writes: 2 (mappings as pairs); 1 had them as texts; 0 is the original app's.
SETTINGS_FORMAT = 2

PathMappingPair = tuple[str, str]
"""``(NML prefix, local folder)``, e.g. ``("C:/Users/josev/Music", "/home/dj/Music")``."""

Direction = Literal["import", "export", "bidirectional"]
DIRECTIONS: tuple[str, ...] = get_args(Direction)

#: How the Key column writes a musical key (harmony.library.track_list knows each notation).
KeyNotation = Literal["open_key", "camelot", "musical"]
KEY_NOTATIONS: tuple[str, ...] = get_args(KeyNotation)

DEBOUNCE_MIN_MS = 1_000
DEBOUNCE_MAX_MS = 60_000
BACKUPS_MIN = 1
BACKUPS_MAX = 1_000


@dataclass(frozen=True, slots=True)
class AutoSyncSettings:
    """When Harmony syncs with Traktor on its own."""

    enabled: bool = field(default=False, metadata={"help": "true or false"})
    direction: Direction = "bidirectional"
    on_startup: bool = field(default=True, metadata={"help": "true or false"})
    on_library_change: bool = field(default=True, metadata={"help": "true or false"})
    debounce_ms: int = field(
        default=5_000, metadata={"unit": "milliseconds", "range": (DEBOUNCE_MIN_MS, DEBOUNCE_MAX_MS)}
    )


@dataclass(frozen=True, slots=True)
class TraktorSettings:
    """The Traktor configuration. ``nml_path`` None means "not chosen yet" (the sync layer then looks for the
    newest collection in the Native Instruments folder).

    ``path_mappings`` are ``(NML prefix, local folder)`` pairs, e.g. ``("C:/Users/josev/Music", "/home/dj/Music")``,
    each side exactly as the DJ typed it; :meth:`updated` also takes the ``NML_PREFIX=LOCAL`` texts of the CLI.
    """

    # Each field's metadata feeds the one registry of setting keys (harmony.library.setting_keys) that the CLI's
    # ``traktor config`` and the web API's settings body are built from: a help text, a number's unit and range.
    nml_path: str | None = field(default=None, metadata={"help": "a collection.nml (none: the newest Traktor's)"})
    track_strategy: Strategy = "smart_merge"
    cue_strategy: CueStrategy = "smart_merge"
    auto_backup: bool = field(default=True, metadata={"help": "true or false (also yes/no, on/off, 1/0)"})
    backups_to_keep: int = field(default=10, metadata={"range": (BACKUPS_MIN, BACKUPS_MAX)})
    path_mappings: tuple[PathMappingPair, ...] = field(
        default=(), metadata={"help": "'NML_PREFIX=LOCAL' ... (each quoted; replaces the list; none clears it)"}
    )
    key_notation: KeyNotation = field(
        default="open_key", metadata={"help": "how the library shows keys: open_key (8m), camelot (3A), musical (Bbm)"}
    )
    completion_sound: bool = field(
        default=False, metadata={"help": "true or false: a short sound when an operation finishes (web app)"}
    )
    auto_sync: AutoSyncSettings = field(default_factory=AutoSyncSettings)

    def validated(self) -> TraktorSettings:
        """Return self, or raise :class:`SettingsError` naming the first bad value."""
        _check_type("nml_path", self.nml_path, (str, type(None)))
        if self.nml_path is not None and not self.nml_path.strip():
            raise SettingsError("The collection.nml path cannot be blank; leave it unset instead.")
        _check_choice("track_strategy", self.track_strategy, STRATEGIES)
        _check_choice("cue_strategy", self.cue_strategy, CUE_STRATEGIES)
        _check_type("auto_backup", self.auto_backup, (bool,))
        _check_int("backups_to_keep", self.backups_to_keep, BACKUPS_MIN, BACKUPS_MAX)
        _check_path_mappings(self.path_mappings)
        _check_choice("key_notation", self.key_notation, KEY_NOTATIONS)
        _check_type("completion_sound", self.completion_sound, (bool,))
        auto = self.auto_sync
        _check_type("auto_sync", auto, (AutoSyncSettings,))
        _check_type("auto_sync.enabled", auto.enabled, (bool,))
        _check_choice("auto_sync.direction", auto.direction, DIRECTIONS)
        _check_type("auto_sync.on_startup", auto.on_startup, (bool,))
        _check_type("auto_sync.on_library_change", auto.on_library_change, (bool,))
        _check_int("auto_sync.debounce_ms", auto.debounce_ms, DEBOUNCE_MIN_MS, DEBOUNCE_MAX_MS)
        return self

    def updated(self, **changes: Any) -> TraktorSettings:
        """A copy with ``changes`` (``auto_sync`` may be a dict of its own changes), validated."""
        auto_changes = changes.pop("auto_sync", None)
        auto = self.auto_sync
        if isinstance(auto_changes, Mapping):
            try:
                auto = replace(auto, **auto_changes)
            except TypeError as error:
                raise SettingsError(f"Unknown auto-sync setting: {error}.") from None
        elif auto_changes is not None:
            auto = auto_changes
        if "path_mappings" in changes:
            changes["path_mappings"] = mapping_pairs(changes["path_mappings"])
        try:
            return replace(self, auto_sync=auto, **changes).validated()
        except TypeError as error:
            raise SettingsError(f"Unknown setting: {error}.") from None


def _check_type(name: str, value: object, types: tuple[type, ...]) -> None:
    # An exact type test: bool is an int subclass, and a flag must be a real bool.
    if type(value) not in types:
        raise SettingsError(f"Setting '{name}' has a wrong value: {value!r}.")


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise SettingsError(f"Setting '{name}' must be one of {', '.join(choices)}, not {value!r}.")


def _check_int(name: str, value: object, lo: int, hi: int) -> None:
    if type(value) is not int or not lo <= value <= hi:
        raise SettingsError(f"Setting '{name}' must be a whole number from {lo} to {hi}, not {value!r}.")


def _mapping_names(prefix: str) -> tuple[str, ...]:
    # The volume and folders of a mapping's left side, as harmony.sync.paths reads them ("/" or "\\" separate).
    return tuple(name for name in prefix.replace("\\", "/").split("/") if name)


_MAPPING_EXAMPLE = "'C:/Users/me/Music=/home/me/Music'"


def mapping_from_text(text: str, *, stored: bool = False) -> PathMappingPair:
    """``NML_PREFIX=LOCAL`` as a pair. Refused: no ``=``, or more than one (which side would it belong to?),
    except in a text stored by an older Harmony (``stored``), which is read as it always was: at its first ``=``."""
    if text.count("=") > 1 and not stored:
        raise SettingsError(
            f"Path mapping {text!r} has more than one '=', so it could be read two ways; give it as a pair "
            "(in the web app, or as JSON) or rename the folder."
        )
    left, sep, right = text.partition("=")
    if not sep or not _mapping_names(left.strip()) or not right.strip():
        raise SettingsError(f"Path mapping {text!r} is not NML_PREFIX=LOCAL_FOLDER, e.g. {_MAPPING_EXAMPLE}.")
    return left.strip(), right.strip()


def mapping_text(pair: PathMappingPair) -> str:
    """The pair as the DJ would type it (for display): ``NML_PREFIX=LOCAL``."""
    return f"{pair[0]}={pair[1]}"


def mapping_pairs(value: object, *, stored: bool = False) -> tuple[PathMappingPair, ...]:
    """Path mappings given as pairs, ``NML_PREFIX=LOCAL`` texts or a ``{prefix: folder}`` mapping, as pairs
    (``stored``: texts saved by an older Harmony, see :func:`mapping_from_text`)."""
    if isinstance(value, Mapping):
        items: list[object] = [(prefix, folder) for prefix, folder in value.items()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise SettingsError(f"Setting 'path_mappings' has a wrong value: {value!r}.")
    pairs: list[PathMappingPair] = []
    for item in items:
        if type(item) is str:
            pairs.append(mapping_from_text(item, stored=stored))
        elif isinstance(item, list | tuple) and len(item) == 2 and all(type(side) is str for side in item):
            pairs.append((item[0], item[1]))
        else:
            raise SettingsError(f"Path mapping {item!r} must be text like {_MAPPING_EXAMPLE}.")
    return tuple(pairs)


def _check_path_mappings(mappings: object) -> None:
    """Each mapping is a pair of non-blank sides, and no NML prefix repeats."""
    _check_type("path_mappings", mappings, (tuple,))
    seen: dict[tuple[str, ...], str] = {}
    for item in cast(tuple[object, ...], mappings):
        if not (type(item) is tuple and len(item) == 2 and all(type(side) is str for side in item)):
            raise SettingsError(f"Path mapping {item!r} must be text like {_MAPPING_EXAMPLE}.")
        left, right = cast(PathMappingPair, item)
        names = _mapping_names(left.strip())
        if not names or not right.strip():
            raise SettingsError(
                f"Path mapping {mapping_text((left, right))!r} is not NML_PREFIX=LOCAL_FOLDER, e.g. {_MAPPING_EXAMPLE}."
            )
        # Traktor prefixes compare ignoring case (see harmony.sync.paths), so these two would fight.
        key = tuple(name.casefold() for name in names)
        if key in seen:
            raise SettingsError(
                f"Path mappings {seen[key]!r} and {mapping_text((left, right))!r} map the same NML folder; keep one."
            )
        seen[key] = mapping_text((left, right))


def settings_to_dict(settings: TraktorSettings) -> dict[str, Any]:
    """The JSON-ready form of ``settings`` (current format; ``path_mappings`` as ``{prefix: folder}``)."""
    data = asdict(settings)
    data["path_mappings"] = dict(settings.path_mappings)
    return data


_ORIGINAL_CUE_STRATEGIES = {"SMART_MERGE": "smart_merge", "REPLACE": "replace"}


def _from_original(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Translate the original Harmony's ``traktorConfig`` (format 0) into this module's names."""
    auto_raw = raw.get("autoSync")
    out: dict[str, Any] = {
        "nml_path": raw.get("nmlPath") or None,
        "track_strategy": raw.get("syncStrategy", "smart_merge"),
        "cue_strategy": _ORIGINAL_CUE_STRATEGIES.get(raw.get("cueStrategy", "SMART_MERGE"), raw.get("cueStrategy")),
        "auto_backup": raw.get("autoBackup", True),
    }
    if isinstance(auto_raw, Mapping):
        names = {
            "enabled": "enabled",
            "direction": "direction",
            "onStartup": "on_startup",
            "onLibraryChange": "on_library_change",
            "debounceMs": "debounce_ms",
        }
        out["auto_sync"] = {new: auto_raw[old] for old, new in names.items() if old in auto_raw}
    # syncOnStartup was never used, and hasPendingExportChanges is now derived from the change journal.
    return out


def settings_from_dict(raw: Mapping[str, Any], format: int = SETTINGS_FORMAT) -> TraktorSettings:
    """Read settings of any known format; missing values take their defaults; bad values are refused."""
    if format == 0 or "nmlPath" in raw or "syncStrategy" in raw or "autoSync" in raw:
        raw = _from_original(raw)
    elif format > SETTINGS_FORMAT:
        raise SettingsError("These settings were saved by a newer Harmony; update Harmony to read them.")
    known = {
        "nml_path",
        "track_strategy",
        "cue_strategy",
        "auto_backup",
        "backups_to_keep",
        "path_mappings",
        "auto_sync",
        "key_notation",
        "completion_sound",
    }
    values = {k: v for k, v in raw.items() if k in known}
    if "path_mappings" in values:  # format 2: {prefix: folder}; format 1: a list of NML_PREFIX=LOCAL texts
        values["path_mappings"] = mapping_pairs(values["path_mappings"], stored=True)
    auto = values.pop("auto_sync", None) or {}
    if not isinstance(auto, Mapping):
        raise SettingsError(f"Setting 'auto_sync' has a wrong value: {auto!r}.")
    auto = dict(auto)
    if isinstance(auto.get("debounce_ms"), float) and auto["debounce_ms"].is_integer():
        auto["debounce_ms"] = int(auto["debounce_ms"])  # JavaScript numbers may arrive as 5000.0
    try:
        auto_settings = AutoSyncSettings(**{k: v for k, v in auto.items() if k in AutoSyncSettings.__slots__})
        settings = TraktorSettings(**values, auto_sync=auto_settings)
    except TypeError as error:
        raise SettingsError(f"The settings cannot be read: {error}.") from None
    return settings.validated()


def load_settings(conn: Connection) -> TraktorSettings:
    """The stored settings, or the defaults when none were saved."""
    row = conn.execute(select(SETTINGS).where(SETTINGS.c.key == SETTINGS_KEY)).first()
    if row is None:
        return TraktorSettings()
    try:
        raw = json.loads(row.value_json)
    except json.JSONDecodeError as error:
        raise SettingsError(f"The stored Traktor settings are damaged ({error}); save them again.") from error
    if not isinstance(raw, Mapping):
        raise SettingsError("The stored Traktor settings are damaged; save them again.")
    return settings_from_dict(cast(Mapping[str, Any], raw), row.format)


def save_settings(conn: Connection, settings: TraktorSettings) -> None:
    """Validate and store ``settings`` (in the current format)."""
    settings.validated()
    statement = sqlite_insert(SETTINGS).values(
        key=SETTINGS_KEY, format=SETTINGS_FORMAT, value_json=json.dumps(settings_to_dict(settings))
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[SETTINGS.c.key],
            set_={"format": statement.excluded.format, "value_json": statement.excluded.value_json},
        )
    )
    log.info("saved Traktor settings")
