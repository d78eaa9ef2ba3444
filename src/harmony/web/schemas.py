"""The JSON bodies the API accepts, validated by pydantic at the edge (the layers below get plain values)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from harmony.library import AUTO_SYNC, SETTING_KEYS, SettingKey
from harmony.service import ExportRequest, ImportRequest

__all__ = ["ConfigUpdate", "ExportBody", "NmlPathText", "OperationBody", "checked_path"]


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


def _choice(name: str) -> Any:
    """The type of a setting key with choices, from the registry (``Literal["smart_merge", ...]``)."""
    return Literal.__getitem__(SETTING_KEYS[name].choices)


if TYPE_CHECKING:
    Strategy = str
    CueStrategy = str
else:
    # The registry's choices (the API refuses any other word); plain text to the type checker.
    Strategy = _choice("track_strategy")
    CueStrategy = _choice("cue_strategy")


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
            path_mappings=self.mapping_pairs(),
            backup=self.backup,
            force=self.force,
        )


class SettingsBody(BaseModel):
    """A partial change of the Traktor settings: only the keys sent change. The keys, their types and ranges
    come from the registry the CLI uses too (:data:`harmony.library.SETTING_KEYS`)."""

    model_config = ConfigDict(extra="forbid")

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
        return Annotated[int, Field(ge=key.minimum, le=key.maximum)] | None
    if key.kind == "choice":
        return _choice(key.name) | None
    return Annotated[dict[str, str], Field(description="NML prefix → local folder")] | None


def _settings_model() -> type[SettingsBody]:
    groups: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    for key in SETTING_KEYS.values():
        fields = top if key.group is None else groups.setdefault(key.group, {})
        fields[key.field] = (_field_type(key), Field(default=None, description=key.help))
    for group, fields in groups.items():
        model = create_model(f"{group.title().replace('_', '')}Update", __config__=ConfigDict(extra="forbid"), **fields)
        top[group] = (model | None, None)
    return create_model("ConfigUpdate", __base__=SettingsBody, **top)


if TYPE_CHECKING:
    ConfigUpdate = SettingsBody
else:
    # Built from the registry at import; to the type checker it is the SettingsBody it derives from.
    ConfigUpdate = _settings_model()
