"""The library's tables as SQLAlchemy 2 typed ORM models (the schema at the newest migration).

The schema itself is created and changed only by the Alembic migrations in :mod:`harmony.library.migrations`;
these models describe it for queries and writes, and a test checks that the two agree.

Every edited row carries ``changed_version``, the library version of its last change, so "what changed since
the last export" is one indexed query. The full-text search index (``tracks_fts``) lives outside the models:
it is an FTS5 table kept in step with ``tracks`` by triggers (see the migration that creates it)."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of the library models."""


class Track(Base):
    """One audio file and everything known about it. The file is the identity: ``path`` is unique, and so is
    ``path_key``, the normalised form used to compare paths the way the file system does."""

    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(Text, unique=True)
    path_key: Mapped[str] = mapped_column(Text, unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    artist: Mapped[str | None] = mapped_column(Text)
    album: Mapped[str | None] = mapped_column(Text)
    track_number: Mapped[int | None] = mapped_column(Integer)
    of_tracks: Mapped[int | None] = mapped_column(Integer)
    genre: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    comment2: Mapped[str | None] = mapped_column(Text)
    remixer: Mapped[str | None] = mapped_column(Text)
    producer: Mapped[str | None] = mapped_column(Text)
    mix: Mapped[str | None] = mapped_column(Text)
    catalog_number: Mapped[str | None] = mapped_column(Text)
    key_lyrics: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    release_date: Mapped[date | None] = mapped_column(Date)
    duration: Mapped[float | None] = mapped_column(Float)
    bitrate: Mapped[int | None] = mapped_column(Integer)
    file_size: Mapped[int | None] = mapped_column(Integer)
    bpm: Mapped[float | None] = mapped_column(Float)
    bpm_text: Mapped[str | None] = mapped_column(Text)
    bpm_quality: Mapped[float | None] = mapped_column(Float)
    musical_key: Mapped[int | None] = mapped_column(Integer)
    key_text: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    ranking: Mapped[int | None] = mapped_column(Integer)
    color: Mapped[int | None] = mapped_column(Integer)
    play_count: Mapped[int | None] = mapped_column(Integer)
    last_played: Mapped[date | None] = mapped_column(Date)
    import_date: Mapped[date | None] = mapped_column(Date)
    date_added: Mapped[date | None] = mapped_column(Date)
    date_modified: Mapped[date | None] = mapped_column(Date)
    lock: Mapped[bool | None] = mapped_column(Boolean)
    changed_version: Mapped[int] = mapped_column(Integer, default=0)
    # Not synced with Traktor: whether this machine has the file. ``missing_since`` NULL means the file was
    # there at the last check; ``last_seen`` is the last check that found it (migration 0007).
    missing_since: Mapped[datetime | None] = mapped_column(DateTime)
    last_seen: Mapped[datetime | None] = mapped_column(DateTime)
    # Derived, not synced: the text as the track list sorts it, where that differs from the text (accents and
    # case taken off; NULL for ASCII text). Written with the text, by harmony.library.sort_forms (migration 0010).
    title_sort: Mapped[str | None] = mapped_column(Text)
    artist_sort: Mapped[str | None] = mapped_column(Text)
    album_sort: Mapped[str | None] = mapped_column(Text)
    genre_sort: Mapped[str | None] = mapped_column(Text)
    label_sort: Mapped[str | None] = mapped_column(Text)
    comment_sort: Mapped[str | None] = mapped_column(Text)
    remixer_sort: Mapped[str | None] = mapped_column(Text)
    # Derived as well: the key the key text names (0-23), for the Key column's order (harmony.library.sort_forms).
    key_text_sort: Mapped[int | None] = mapped_column(Integer)

    cues: Mapped[list[CuePoint]] = relationship(
        back_populates="track", cascade="all, delete-orphan", passive_deletes=True, order_by="CuePoint.id"
    )

    __table_args__ = (
        CheckConstraint("rating BETWEEN 0 AND 5", name="rating_range"),
        CheckConstraint("ranking BETWEEN 0 AND 255", name="ranking_range"),
        CheckConstraint("color BETWEEN 1 AND 7", name="color_range"),
        CheckConstraint("musical_key BETWEEN 0 AND 23", name="musical_key_range"),
        Index("ix_tracks_changed_version", "changed_version"),
        Index("ix_tracks_missing_since", "missing_since"),
    )


class CuePoint(Base):
    """A cue, fade marker, load marker, grid marker or loop of a track. Identity is the row id."""

    __tablename__ = "cue_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    type: Mapped[int] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    length: Mapped[float] = mapped_column(Float, default=0.0)
    hotcue: Mapped[int] = mapped_column(Integer, default=-1)
    name: Mapped[str | None] = mapped_column(Text)
    display_order: Mapped[int | None] = mapped_column(Integer)
    repeats: Mapped[int | None] = mapped_column(Integer)
    color: Mapped[str | None] = mapped_column(String(7))
    grid_bpm: Mapped[float | None] = mapped_column(Float)

    track: Mapped[Track] = relationship(back_populates="cues")

    __table_args__ = (
        CheckConstraint("type BETWEEN 0 AND 5", name="cue_type_range"),
        CheckConstraint("hotcue BETWEEN -1 AND 7", name="hotcue_range"),
    )


class Folder(Base):
    """A folder of playlists and folders. ``parent_id`` None is the top level (Traktor's $ROOT).
    Folders and playlists share one ``position`` order among the children of a folder, as in the NML."""

    __tablename__ = "folders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("folders.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    changed_version: Mapped[int] = mapped_column(Integer, default=0)


class Playlist(Base):
    """A playlist in a folder, with its Traktor UUID when it came from (or went to) Traktor. A smart list
    keeps its query text in ``smart_query``."""

    __tablename__ = "playlists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    folder_id: Mapped[int | None] = mapped_column(ForeignKey("folders.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    uuid: Mapped[str | None] = mapped_column(Text, unique=True)
    smart_query: Mapped[str | None] = mapped_column(Text)
    changed_version: Mapped[int] = mapped_column(Integer, default=0)


class PlaylistEntry(Base):
    """One ordered entry of a playlist (the same track may appear more than once). An entry whose track is not
    in the library keeps the NML key Traktor gave it, so an export can write it back."""

    __tablename__ = "playlist_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    playlist_id: Mapped[int] = mapped_column(ForeignKey("playlists.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    nml_key: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("track_id IS NOT NULL OR nml_key IS NOT NULL", name="entry_has_target"),
        Index("ix_playlist_entries_playlist_position", "playlist_id", "position"),
    )


class TrackSyncBase(Base):
    """A track's values and cues as last exchanged with Traktor, keyed by its NML key. Survives (unlinked) the
    deletion of its track, so the sync engine can tell "deleted in Harmony" from "never synced"."""

    __tablename__ = "track_sync_bases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nml_key: Mapped[str] = mapped_column(Text, unique=True)
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"), unique=True)
    values_json: Mapped[str] = mapped_column(Text)
    cues_json: Mapped[str] = mapped_column(Text, default="[]")
    # The digest of the NML entry this base was taken from (None: unknown, or Harmony differed from it) and
    # the library version it was written at: together they let an import skip an entry unchanged on both
    # sides (migration 0003).
    entry_digest: Mapped[str | None] = mapped_column(Text)
    synced_version: Mapped[int | None] = mapped_column(Integer)


class PlaylistSyncBase(Base):
    """A playlist as last exchanged with Traktor, keyed by its UUID."""

    __tablename__ = "playlist_sync_bases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(Text, unique=True)
    playlist_id: Mapped[int | None] = mapped_column(ForeignKey("playlists.id", ondelete="SET NULL"), unique=True)
    name: Mapped[str] = mapped_column(Text)
    folder_path_json: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    entries_json: Mapped[str] = mapped_column(Text, default="[]")
    smart_query: Mapped[str | None] = mapped_column(Text)


class FolderSyncBase(Base):
    """A folder as last exchanged with Traktor, keyed by its path of names (JSON list) below $ROOT."""

    __tablename__ = "folder_sync_bases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path_json: Mapped[str] = mapped_column(Text, unique=True)
    folder_id: Mapped[int | None] = mapped_column(ForeignKey("folders.id", ondelete="SET NULL"), unique=True)
    position: Mapped[int] = mapped_column(Integer)


class LibraryState(Base):
    """The single row of library-wide state: the change counter and what the last import/export saw."""

    __tablename__ = "library_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_exported_version: Mapped[int] = mapped_column(Integer, default=0)
    last_import_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_export_at: Mapped[datetime | None] = mapped_column(DateTime)
    nml_path: Mapped[str | None] = mapped_column(Text)
    nml_size: Mapped[int | None] = mapped_column(Integer)
    nml_mtime_ns: Mapped[int | None] = mapped_column(Integer)
    nml_sha256: Mapped[str | None] = mapped_column(Text)
    #: Applied imports so far: which share of the present tracks the next import checks on disk.
    file_check_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The highest track, playlist and folder ids ever given: new rows start above them, so none takes the id of
    #: a row an undo may bring back (migration 0014).
    last_track_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_playlist_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_folder_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


class Change(Base):
    """The change journal: one row per library version, saying which operation made it and what it touched."""

    __tablename__ = "changes"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    operation: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """A named group of settings stored as JSON (e.g. ``traktor``), with the format it was written in."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    format: Mapped[int] = mapped_column(Integer, default=1)
    value_json: Mapped[str] = mapped_column(Text)


class OperationRow(Base):
    """The operations journal: one finished import, preview or export (see migration 0004)."""

    __tablename__ = "operations"
    __table_args__ = (Index("ix_operations_finished_at", "finished_at"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    operation_id: Mapped[str] = mapped_column(Text)
    operation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    nml_path: Mapped[str] = mapped_column(Text, server_default="")
    trigger: Mapped[str] = mapped_column(Text, server_default="manual")
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime] = mapped_column(DateTime)
    seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    summary: Mapped[str] = mapped_column(Text, server_default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    seconds_per_phase_json: Mapped[str] = mapped_column(Text, server_default="{}")
    counts_json: Mapped[str] = mapped_column(Text, server_default="{}")
    pools_json: Mapped[str] = mapped_column(Text, server_default="{}")


class UndoStep(Base):
    """One edit the DJ can undo (``state`` ``done``) or redo (``undone``): the values it changed, before and
    after, as compact JSON (see :mod:`harmony.library.undo` and migration 0006)."""

    __tablename__ = "undo_steps"
    __table_args__ = (
        CheckConstraint("state IN ('done', 'undone')", name="undo_state"),
        Index("ix_undo_steps_state", "state", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The library version that last applied the step's change: its edit's, then its latest redo's.
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    operation: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text, server_default="done")
    before_json: Mapped[str] = mapped_column(Text)
    after_json: Mapped[str] = mapped_column(Text)


class UndoPutBack(Base):
    """A row an undo marked as no longer pending export (see :mod:`harmony.library.undo_stamps` and migration
    0013): recording an export that read the library before the undo marks it pending again."""

    __tablename__ = "undo_put_backs"
    __table_args__ = (
        CheckConstraint("kind IN ('tracks', 'playlists', 'folders')", name="undo_put_back_kind"),
        Index("ix_undo_put_backs_undo_version", "undo_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    undo_version: Mapped[int] = mapped_column(Integer)
    applied_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(Text)
    row_id: Mapped[int] = mapped_column(Integer)
    #: Set when an export recorded a version this put-back could not stand for: the row may not be put back to a
    #: version at or below it again until a later export (see ``undo_stamps.settle_export``).
    settled_version: Mapped[int | None] = mapped_column(Integer)


# The Core tables behind the models, typed as tables (``Model.__table__`` is typed as a bare FromClause),
# for the bulk statements the library runs without the ORM unit of work.
TRACKS = cast(Table, Track.__table__)
CUES = cast(Table, CuePoint.__table__)
FOLDERS = cast(Table, Folder.__table__)
PLAYLISTS = cast(Table, Playlist.__table__)
ENTRIES = cast(Table, PlaylistEntry.__table__)
TRACK_BASES = cast(Table, TrackSyncBase.__table__)
PLAYLIST_BASES = cast(Table, PlaylistSyncBase.__table__)
FOLDER_BASES = cast(Table, FolderSyncBase.__table__)
STATE = cast(Table, LibraryState.__table__)
CHANGES = cast(Table, Change.__table__)
SETTINGS = cast(Table, Setting.__table__)
OPERATIONS = cast(Table, OperationRow.__table__)
UNDO_STEPS = cast(Table, UndoStep.__table__)
UNDO_PUT_BACKS = cast(Table, UndoPutBack.__table__)


def include_in_autogenerate(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic filter: skip the search index, its generated column and the sort indexes, which migrations
    manage outside the models."""
    if type_ == "column" and name == "search_spellings":
        return False
    return not (name or "").startswith(("tracks_fts", "ix_tracks_sort_"))
