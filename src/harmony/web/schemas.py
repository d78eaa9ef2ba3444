"""The JSON bodies the API accepts, validated by pydantic at the edge (the layers below get plain values)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from harmony.library import BACKUPS_MAX, BACKUPS_MIN, DEBOUNCE_MAX_MS, DEBOUNCE_MIN_MS
from harmony.service import ExportRequest, ImportRequest

__all__ = [
    "AutoSyncUpdate",
    "ConfigUpdate",
    "ErrorBody",
    "ExportBody",
    "NmlPathText",
    "OperationBody",
    "checked_path",
]

Strategy = Literal["smart_merge", "traktor_wins", "harmony_wins"]
CueStrategy = Literal["smart_merge", "replace", "traktor_wins", "harmony_wins"]
Direction = Literal["import", "export", "bidirectional"]


def checked_path(text: str) -> str:
    """A path the layers below can resolve: no NUL byte, and ``~`` only as the DJ's own home (``~/…``): Python's
    ``expanduser`` raises for the ``~user`` of an unknown user, so that form is not taken at all. The same rule
    is the schema's ``pattern``, so a client generated from ``/openapi.json`` never sends what this refuses."""
    if "\x00" in text:
        raise ValueError("a path cannot contain a NUL character")
    if text.startswith("~") and not text.startswith("~/") and text != "~":
        raise ValueError(f"{text.split('/')[0]}: only ~ (your own home folder) can start a path")
    return text


# Python's str.strip() whitespace, spelled out: the API's patterns and the checks below (which strip) must agree
# on every character, whichever regex engine reads the schema.
_SPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_SPACE_CLASS = "".join(f"\\u{ord(c):04x}" for c in _SPACE)

#: A collection path as the API takes it.
NmlPathText = Annotated[
    str,
    Field(min_length=1, max_length=4096, pattern=r"^(~|~/[^\x00]*|[^~\x00][^\x00]*)$"),
    AfterValidator(checked_path),
]

#: The NML side of a path mapping: a volume (and folders), so something besides spaces and slashes, and no
#: ``=`` (the stored form is ``NML_PREFIX=LOCAL``).
_PREFIX_PATTERN = f"^[^=]*[^=/\\\\{_SPACE_CLASS}][^=]*$"
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
}

#: What every API endpoint can answer besides success: the middleware refuses a foreign Host with 400, a
#: request may not match the schema (422), and a bug answers 500.
COMMON_ERRORS = (400, 422, 500)
#: What a state-changing endpoint adds: the token check.
CHANGE_ERRORS = (403,)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of these error statuses, each with :class:`ErrorBody` as its body."""
    return {status: {"model": ErrorBody, "description": _MEANING[status]} for status in sorted(set(statuses))}


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

    def mapping_texts(self) -> tuple[str, ...]:
        """The mappings as ``NML_PREFIX=LOCAL`` texts (the form the service and the settings use)."""
        return tuple(f"{prefix}={folder}" for prefix, folder in (self.path_mappings or {}).items())

    def import_request(self) -> ImportRequest:
        return ImportRequest(
            nml_path=self.nml_path,
            strategy=self.strategy,
            cue_strategy=self.cue_strategy,
            path_mappings=self.mapping_texts(),
        )


class ExportBody(OperationBody):
    """An export: the shared keys, plus whether to back the collection up first (default: the ``auto_backup``
    setting) and whether to write even while Traktor runs. ``cue_strategy`` is accepted like for an import but
    has no effect: an export writes Harmony's cue points as they are."""

    backup: bool | None = None
    force: bool = False

    def export_request(self) -> ExportRequest:
        return ExportRequest(
            nml_path=self.nml_path,
            strategy=self.strategy,
            path_mappings=self.mapping_texts(),
            backup=self.backup,
            force=self.force,
        )


class AutoSyncUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON as the schema says: no "1" for 1

    enabled: bool | None = None
    direction: Direction | None = None
    on_startup: bool | None = None
    on_library_change: bool | None = None
    debounce_ms: Annotated[int, Field(ge=DEBOUNCE_MIN_MS, le=DEBOUNCE_MAX_MS), WHOLE_NUMBER] | None = None


class ConfigUpdate(BaseModel):
    """A partial change of the Traktor settings: only the keys sent change."""

    model_config = ConfigDict(extra="forbid", strict=True)  # JSON as the schema says: no "1" for 1

    nml_path: NmlPathText | None = None
    track_strategy: Strategy | None = None
    cue_strategy: CueStrategy | None = None
    auto_backup: bool | None = None
    backups_to_keep: Annotated[int, Field(ge=BACKUPS_MIN, le=BACKUPS_MAX), WHOLE_NUMBER] | None = None
    path_mappings: PathMappings | None = Field(default=None, description="NML prefix → local folder")
    auto_sync: AutoSyncUpdate | None = None

    def changes(self) -> dict[str, Any]:
        """The keys that were sent, in the form ``TraktorSettings.updated`` takes. ``nml_path`` may be null
        (forget the chosen collection); the other keys ignore a null."""
        sent = self.model_dump(exclude_unset=True)
        out: dict[str, Any] = {k: v for k, v in sent.items() if v is not None or k == "nml_path"}
        if "path_mappings" in out:
            out["path_mappings"] = tuple(f"{k}={v}" for k, v in out["path_mappings"].items())
        if "auto_sync" in out:
            out["auto_sync"] = {k: v for k, v in out["auto_sync"].items() if v is not None}
        return out
