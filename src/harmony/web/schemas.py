"""The JSON bodies the API accepts, validated by pydantic at the edge (the layers below get plain values)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import PurePath
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, create_model

from harmony.library import AUTO_SYNC, MAX_TEXT_CHARS, SETTING_KEYS, SettingKey
from harmony.service import ExportRequest, ImportRequest
from harmony.strategies import CueStrategy, Strategy
from harmony.xml_text import NOT_XML_CLASS

__all__ = [
    "NML_PATH_PATTERN",
    "ConfigUpdate",
    "ErrorBody",
    "ExportBody",
    "HoldableName",
    "HoldableText",
    "NmlPathText",
    "OperationBody",
    "SyncBody",
    "checked_path",
]


def checked_path(text: str) -> str:
    """A path the layers below can resolve: no NUL byte; ``~`` only as the DJ's own home (``~/…``), as Python's
    ``expanduser`` raises for the ``~user`` of an unknown user; and a full path, as a relative one would be
    resolved against the server's working folder, which means nothing to a web request. The same rule is the
    schema's ``pattern``, so a client generated from ``/openapi.json`` never sends what this refuses."""
    if "\x00" in text:
        raise ValueError("a path cannot contain a NUL character")
    if text.startswith("~") and not text.startswith("~/") and text != "~":
        raise ValueError(f"{text.split('/')[0]}: only ~ (your own home folder) can start a path")
    if not text.startswith("~") and not PurePath(text).is_absolute():
        raise ValueError(f"{text!r} is not a full path: start it with / (or ~/ for your home folder)")
    return text


# Python's str.strip() whitespace, spelled out: the API's patterns and the checks below (which strip) must agree
# on every character, whichever regex engine reads the schema.
_SPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_SPACE_CLASS = "".join(f"\\u{ord(c):04x}" for c in _SPACE)

#: Text that goes into the collection as it is (a track's title, a cue's name): no character Traktor's file
#: cannot hold (harmony.xml_text), and no longer than the library takes, said in the schema so that a client
#: never sends what the library refuses.
HOLDABLE_TEXT_PATTERN = f"^[^{NOT_XML_CLASS}]*$"
HoldableText = Annotated[str, Field(max_length=MAX_TEXT_CHARS, pattern=HOLDABLE_TEXT_PATTERN)]
#: A folder or playlist name: the same, and something besides spaces (Traktor shows nothing for a blank name).
HOLDABLE_NAME_PATTERN = f"^[^{NOT_XML_CLASS}]*[^{NOT_XML_CLASS}{_SPACE_CLASS}][^{NOT_XML_CLASS}]*$"
HoldableName = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=HOLDABLE_NAME_PATTERN)]

#: A collection path as the API takes it: ``~``, ``~/…`` or a full path of this computer (``/…``; on Windows
#: ``C:\…`` or ``\\server\…``), never a NUL character.
_FULL_PATH = r"[A-Za-z]:[\\/][^\x00]*|\\\\[^\x00]*" if os.name == "nt" else r"/[^\x00]*"
NML_PATH_PATTERN = rf"^(~|~/[^\x00]*|{_FULL_PATH})$"
NmlPathText = Annotated[
    str,
    Field(min_length=1, max_length=4096, pattern=NML_PATH_PATTERN),
    AfterValidator(checked_path),
]

#: The NML side of a path mapping: a volume (and folders), so something besides spaces and slashes (``=`` is
#: fine: mappings are stored as pairs).
_PREFIX_PATTERN = f"[^/\\\\{_SPACE_CLASS}]"
MappingPrefix = Annotated[str, Field(pattern=_PREFIX_PATTERN)]
#: The local side of a path mapping: a folder, so something besides spaces.
_FOLDER_PATTERN = f"[^{_SPACE_CLASS}]"
MappingFolder = Annotated[str, Field(pattern=_FOLDER_PATTERN)]
#: The mappings as JSON: the key rule goes in ``propertyNames`` (pydantic's ``patternProperties`` would leave
#: other keys unconstrained in the schema while the model refuses them).
PathMappings = Annotated[
    dict[MappingPrefix, MappingFolder],
    WithJsonSchema(
        {
            "type": "object",
            "propertyNames": {"pattern": _PREFIX_PATTERN},
            "additionalProperties": {"type": "string", "pattern": _FOLDER_PATTERN},
        }
    ),
]


def _whole_number(value: object) -> object:
    """JSON Schema's ``integer`` includes ``1.0``: take it as 1 (the models are strict: no ``"1"``, no ``true``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: The whole-number conversion (after any ``Field`` constraints in an ``Annotated``: placed before them,
#: pydantic would write ``ge``/``le`` into the schema instead of ``minimum``/``maximum``).
WHOLE_NUMBER = BeforeValidator(_whole_number)


class ErrorBody(BaseModel):
    """Every error answer: one line a DJ can act on."""

    error: str = Field(description="What went wrong, in one line", examples=["/music/none.nml does not exist"])


_MEANING = {
    400: "Not a request Harmony can take: a body that is not JSON, a foreign Host, or a value it refuses",
    403: "Not from a Harmony page (no session token, or another site), or a path the DJ may not read",
    404: "Nothing by that id or at that path",
    409: "Clashes with work already running, or with what is on disk (e.g. a folder where a file should be)",
    422: "The request does not match this schema",
    500: "A bug inside Harmony; the details are in its log",
    503: "The library file is damaged: check or recover it (harmony library check / recover)",
}

#: What every API endpoint can answer besides success: the middleware refuses a foreign Host with 400, a
#: request may not match the schema (422), and a bug answers 500.
COMMON_ERRORS = (400, 422, 500)
#: What a state-changing endpoint adds: the token check.
CHANGE_ERRORS = (403,)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of these error statuses, each with :class:`ErrorBody` as its body."""
    return {status: {"model": ErrorBody, "description": _MEANING[status]} for status in sorted(set(statuses))}


def _choice(name: str) -> Any:
    """The type of a setting key with choices, from the registry (``Literal["smart_merge", ...]``)."""
    return Literal.__getitem__(SETTING_KEYS[name].choices)


class OperationBody(BaseModel):
    """What an import, a preview or an export may override; anything left out comes from the settings."""

    model_config = ConfigDict(extra="forbid", strict=True)  # JSON as the schema says: no "1" for 1

    nml_path: NmlPathText | None = None
    strategy: Strategy | None = None
    cue_strategy: CueStrategy | None = None
    path_mappings: PathMappings | None = Field(
        default=None,
        description='NML prefix → local folder, e.g. {"C:/Users/me/Music": "/home/me/Music"}',
        examples=[{"C:/Users/me/Music": "/home/me/Music"}],
    )

    def mapping_pairs(self) -> tuple[tuple[str, str], ...]:
        """The mappings as ``(prefix, folder)`` pairs: either side may hold ``=``, so they are never joined."""
        return tuple((self.path_mappings or {}).items())

    def import_request(self) -> ImportRequest:
        return ImportRequest(
            nml_path=self.nml_path,
            strategy=self.strategy,
            cue_strategy=self.cue_strategy,
            path_mappings=self.mapping_pairs(),
        )


class SyncBody(OperationBody):
    """An import: the shared keys, plus whether it may remove more than 20 % of the library's tracks or
    playlists (those removed from collection.nml); without it such an import fails with ``error_code``
    ``mass_removal`` and changes nothing."""

    allow_mass_removal: bool = False

    def import_request(self) -> ImportRequest:
        return replace(super().import_request(), allow_mass_removal=self.allow_mass_removal)


class ExportBody(OperationBody):
    """An export: the shared keys, plus whether to back the collection up first (default: the ``auto_backup``
    setting), whether to write even while Traktor runs, and ``dry_run`` (plan only, write nothing: the export
    preview, an operation of its own kind, ``export_preview``). ``cue_strategy`` is accepted like for an import but
    has no effect: an export writes Harmony's cue points as they are."""

    backup: bool | None = None
    force: bool = False
    dry_run: bool = Field(
        default=False,
        description="Plan only and write nothing: the finished operation (GET /api/operations/{id}) has the diff "
        "the export would write",
    )

    def export_request(self) -> ExportRequest:
        return ExportRequest(
            nml_path=self.nml_path,
            strategy=self.strategy,
            path_mappings=self.mapping_pairs(),
            backup=self.backup,
            force=self.force,
            dry_run=self.dry_run,
        )


class SettingsBody(BaseModel):
    """A partial change of the Traktor settings: only the keys sent change. The keys, their types and ranges
    come from the registry the CLI uses too (:data:`harmony.library.SETTING_KEYS`)."""

    model_config = ConfigDict(extra="forbid", strict=True)  # JSON as the schema says: no "1" for 1

    def changes(self) -> dict[str, Any]:
        """The keys that were sent, in the form ``TraktorSettings.updated`` takes. ``nml_path`` may be null
        (forget the chosen collection); the other keys ignore a null."""
        sent = self.model_dump(exclude_unset=True)
        out: dict[str, Any] = {k: v for k, v in sent.items() if v is not None or k == "nml_path"}
        if "path_mappings" in out:
            out["path_mappings"] = tuple(out["path_mappings"].items())
        if AUTO_SYNC in out:
            out[AUTO_SYNC] = {k: v for k, v in out[AUTO_SYNC].items() if v is not None}
        return out


def _field_type(key: SettingKey) -> Any:
    """The JSON type of a setting key: what the API accepts for it (always optional: only sent keys change)."""
    if key.kind == "path":
        return NmlPathText | None
    if key.kind == "bool":
        return bool | None
    if key.kind == "int":
        return Annotated[int, Field(ge=key.minimum, le=key.maximum), WHOLE_NUMBER] | None
    if key.kind == "choice":
        return _choice(key.name) | None
    return PathMappings | None


def _settings_model() -> type[SettingsBody]:
    groups: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    for key in SETTING_KEYS.values():
        fields = top if key.group is None else groups.setdefault(key.group, {})
        fields[key.field] = (_field_type(key), Field(default=None, description=key.help))
    for group, fields in groups.items():
        model = create_model(
            f"{group.title().replace('_', '')}Update", __config__=ConfigDict(extra="forbid", strict=True), **fields
        )
        top[group] = (model | None, None)
    return create_model("ConfigUpdate", __base__=SettingsBody, **top)


if TYPE_CHECKING:
    ConfigUpdate = SettingsBody
else:
    # Built from the registry at import; to the type checker it is the SettingsBody it derives from.
    ConfigUpdate = _settings_model()
