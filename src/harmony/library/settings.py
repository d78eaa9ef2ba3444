"""The Traktor settings: where the collection is, how to merge, backups and auto-sync; with defaults,
validation and migration of older formats.

Stored in the library (table ``settings``, key ``traktor``) as JSON with a format number, so a library carries
its own sync configuration. Older formats are read and upgraded in memory: the original Harmony's
``traktorConfig`` (camelCase, ``cueStrategy`` ``SMART_MERGE``/``REPLACE``, ``syncOnStartup``,
``hasPendingExportChanges``). Pending export is no longer a stored flag: the change journal derives it.

The strategies are the ones of :mod:`harmony.strategies`. Path mappings are kept as the ``NML_PREFIX=LOCAL``
text of :meth:`harmony.sync.paths.PathMapping.parse`, but this layer sits below the sync layer and must not
import it: the checks here are the syntactic ones, and the sync layer parses the values for real.
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
#: The format :func:`settings_to_dict` writes. 1 is this module's; 0 stands for the original app's format.
SETTINGS_FORMAT = 1

Direction = Literal["import", "export", "bidirectional"]
DIRECTIONS: tuple[str, ...] = get_args(Direction)

DEBOUNCE_MIN_MS = 1_000
DEBOUNCE_MAX_MS = 60_000
BACKUPS_MIN = 1
BACKUPS_MAX = 1_000


@dataclass(frozen=True, slots=True)
class AutoSyncSettings:
    """When Harmony syncs with Traktor on its own."""

    enabled: bool = False
    direction: Direction = "bidirectional"
    on_startup: bool = True
    on_library_change: bool = True
    debounce_ms: int = 5_000


@dataclass(frozen=True, slots=True)
class TraktorSettings:
    """The Traktor configuration. ``nml_path`` None means "not chosen yet" (the sync layer then looks for the
    newest collection in the Native Instruments folder).

    ``path_mappings`` are ``NML_PREFIX=LOCAL`` texts, exactly as the CLI's ``--map`` takes them, e.g.
    ``C:/Users/josev/Music=/home/dj/Music``; they are kept as text so the DJ sees back what they typed.
    """

    nml_path: str | None = None
    track_strategy: Strategy = "smart_merge"
    cue_strategy: CueStrategy = "smart_merge"
    auto_backup: bool = True
    backups_to_keep: int = 10
    path_mappings: tuple[str, ...] = ()
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
        if isinstance(changes.get("path_mappings"), list):
            changes["path_mappings"] = tuple(changes["path_mappings"])
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


def _check_path_mappings(mappings: object) -> None:
    """Each mapping must read as ``NML_PREFIX=LOCAL`` (both sides non-blank), and no NML prefix may repeat."""
    _check_type("path_mappings", mappings, (tuple,))
    seen: dict[tuple[str, ...], str] = {}
    for item in cast(tuple[object, ...], mappings):
        if type(item) is not str:
            raise SettingsError(f"Path mapping {item!r} must be text like 'C:/Users/me/Music=/home/me/Music'.")
        left, sep, right = item.partition("=")
        names = _mapping_names(left.strip())
        if not sep or not names or not right.strip():
            raise SettingsError(
                f"Path mapping {item!r} is not NML_PREFIX=LOCAL_FOLDER, e.g. 'C:/Users/me/Music=/home/me/Music'."
            )
        # Traktor prefixes compare ignoring case (see harmony.sync.paths), so these two would fight.
        key = tuple(name.casefold() for name in names)
        if key in seen:
            raise SettingsError(f"Path mappings {seen[key]!r} and {item!r} map the same NML folder; keep one.")
        seen[key] = item


def settings_to_dict(settings: TraktorSettings) -> dict[str, Any]:
    """The JSON-ready form of ``settings`` (current format; ``path_mappings`` as a list)."""
    data = asdict(settings)
    data["path_mappings"] = list(settings.path_mappings)
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
    }
    values = {k: v for k, v in raw.items() if k in known}
    if isinstance(values.get("path_mappings"), list):
        values["path_mappings"] = tuple(values["path_mappings"])  # stored as a JSON list
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
