"""Errors of the library store, each a :class:`harmony.errors.LibraryError` with a message a DJ can act on."""

from __future__ import annotations

from harmony.errors import LibraryError


class NotALibraryError(LibraryError):
    """The file exists but is not a Harmony library (another SQLite database, or not SQLite at all)."""


class NewerLibraryError(LibraryError):
    """The library was written by a newer Harmony whose schema this version does not know."""


class ReadOnlyLibraryError(LibraryError):
    """The library's file or disk cannot be written: it can be read, not changed."""

    exit_code = 3


class DamagedLibraryError(LibraryError):
    """SQLite found the library file damaged (corrupted pages); ``harmony library recover`` salvages it."""

    exit_code = 4


class TrackNotFoundError(LibraryError):
    """No track has the given id."""


class NotFoundError(LibraryError):
    """No cue point, playlist or folder has the given id."""


class InvalidFieldError(LibraryError):
    """A field name is unknown or a value is out of range for that field."""


class LibraryChangedError(LibraryError):
    """The library changed after an import was planned, so the plan may overwrite a newer edit."""


class SettingsError(LibraryError):
    """A stored or submitted setting is invalid."""


class ImportCancelled(LibraryError):
    """An import was cancelled while it was being applied; its transaction is rolled back."""


class EditConflictError(LibraryError):
    """A well-formed edit that clashes with the library as it is now (a position past the end of a playlist
    that changed, a folder moved inside itself, a slot already taken): the page should refresh and retry."""


class NothingToUndoError(EditConflictError):
    """Undo (or redo) was asked for with no step left to undo (or redo), or the step named is already undone (or
    redone) or no longer kept: asking again cannot help, where "an edit came after it" can once that is undone."""

    code = "nothing_to_undo"

    def details(self) -> dict[str, object]:
        return {"code": self.code}


class HotCueTakenError(EditConflictError):
    """A hot cue slot asked for is held by another cue of the track; ``cue_id`` names that cue."""

    code = "hotcue_taken"

    def __init__(self, message: str, *, cue_id: int, hotcue: int) -> None:
        super().__init__(message)
        self.cue_id = cue_id
        self.hotcue = hotcue

    def details(self) -> dict[str, object]:
        return {"code": self.code, "field": "hotcue", "cue_id": self.cue_id, "hotcue": self.hotcue}


class AlreadyInPlaylistError(EditConflictError):
    """Tracks to add are already in the playlist (and duplicates were not asked for)."""

    code = "already_in_playlist"

    def __init__(self, message: str, *, track_ids: list[int]) -> None:
        super().__init__(message)
        self.track_ids = track_ids

    def details(self) -> dict[str, object]:
        return {"code": self.code, "track_ids": self.track_ids}


class SmartListError(LibraryError):
    """A smart list query Harmony cannot read or evaluate. ``part`` is the part of the query at fault, as the DJ
    wrote it (None when the query as a whole cannot be read); Traktor still fills the list when it loads the
    collection."""

    def __init__(self, message: str, part: str | None = None) -> None:
        super().__init__(message)
        self.part = part

    def details(self) -> dict[str, object]:
        return {"code": "smart_list_not_evaluable", "unsupported": self.part}
