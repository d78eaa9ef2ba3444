"""The JSON bodies the API accepts, validated by pydantic at the edge (the layers below get plain values)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from harmony.library import BACKUPS_MAX, BACKUPS_MIN, DEBOUNCE_MAX_MS, DEBOUNCE_MIN_MS
from harmony.service import ExportRequest, ImportRequest

__all__ = ["AutoSyncUpdate", "ConfigUpdate", "ExportBody", "NmlPathText", "OperationBody", "checked_path"]

Strategy = Literal["smart_merge", "traktor_wins", "harmony_wins"]
CueStrategy = Literal["smart_merge", "replace", "traktor_wins", "harmony_wins"]
Direction = Literal["import", "export", "bidirectional"]


def checked_path(text: str) -> str:
    """A path the layers below can resolve: no NUL byte, and a ``~user`` that names a real user (Python's
    ``expanduser`` raises RuntimeError for an unknown one)."""
    if "\x00" in text:
        raise ValueError("a path cannot contain a NUL character")
    if text.startswith("~"):
        try:
            Path(text).expanduser()
        except RuntimeError:
            raise ValueError(f"{text.split('/')[0]} is not a known home folder") from None
    return text


#: A collection path as the API takes it.
NmlPathText = Annotated[str, Field(min_length=1, max_length=4096), AfterValidator(checked_path)]


class OperationBody(BaseModel):
    """What an import, a preview or an export may override; anything left out comes from the settings."""

    model_config = ConfigDict(extra="forbid")

    nml_path: NmlPathText | None = None
    strategy: Strategy | None = None
    cue_strategy: CueStrategy | None = None
    path_mappings: dict[str, str] | None = Field(
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
    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = None
    direction: Direction | None = None
    on_startup: bool | None = None
    on_library_change: bool | None = None
    debounce_ms: int | None = Field(default=None, ge=DEBOUNCE_MIN_MS, le=DEBOUNCE_MAX_MS)


class ConfigUpdate(BaseModel):
    """A partial change of the Traktor settings: only the keys sent change."""

    model_config = ConfigDict(extra="forbid")

    nml_path: NmlPathText | None = None
    track_strategy: Strategy | None = None
    cue_strategy: CueStrategy | None = None
    auto_backup: bool | None = None
    backups_to_keep: int | None = Field(default=None, ge=BACKUPS_MIN, le=BACKUPS_MAX)
    path_mappings: dict[str, str] | None = Field(default=None, description="NML prefix → local folder")
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
