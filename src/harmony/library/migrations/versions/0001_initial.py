"""The first library schema: tracks, cue points, folders, playlists, sync bases, state, journal, settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.Text, nullable=False, unique=True),
        sa.Column("path_key", sa.Text, nullable=False, unique=True),
        sa.Column("title", sa.Text),
        sa.Column("artist", sa.Text),
        sa.Column("album", sa.Text),
        sa.Column("track_number", sa.Integer),
        sa.Column("of_tracks", sa.Integer),
        sa.Column("genre", sa.Text),
        sa.Column("label", sa.Text),
        sa.Column("comment", sa.Text),
        sa.Column("comment2", sa.Text),
        sa.Column("remixer", sa.Text),
        sa.Column("producer", sa.Text),
        sa.Column("mix", sa.Text),
        sa.Column("catalog_number", sa.Text),
        sa.Column("key_lyrics", sa.Text),
        sa.Column("year", sa.Integer),
        sa.Column("release_date", sa.Date),
        sa.Column("duration", sa.Float),
        sa.Column("bitrate", sa.Integer),
        sa.Column("file_size", sa.Integer),
        sa.Column("bpm", sa.Float),
        sa.Column("bpm_text", sa.Text),
        sa.Column("bpm_quality", sa.Float),
        sa.Column("musical_key", sa.Integer),
        sa.Column("key_text", sa.Text),
        sa.Column("rating", sa.Integer),
        sa.Column("ranking", sa.Integer),
        sa.Column("color", sa.Integer),
        sa.Column("play_count", sa.Integer),
        sa.Column("last_played", sa.Date),
        sa.Column("import_date", sa.Date),
        sa.Column("date_added", sa.Date),
        sa.Column("date_modified", sa.Date),
        sa.Column("lock", sa.Boolean),
        sa.Column("changed_version", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("rating BETWEEN 0 AND 5", name="rating_range"),
        sa.CheckConstraint("ranking BETWEEN 0 AND 255", name="ranking_range"),
        sa.CheckConstraint("color BETWEEN 1 AND 7", name="color_range"),
        sa.CheckConstraint("musical_key BETWEEN 0 AND 23", name="musical_key_range"),
    )
    op.create_index("ix_tracks_changed_version", "tracks", ["changed_version"])

    op.create_table(
        "cue_points",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("track_id", sa.Integer, sa.ForeignKey("tracks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("type", sa.Integer, nullable=False),
        sa.Column("start", sa.Float, nullable=False),
        sa.Column("length", sa.Float, nullable=False),
        sa.Column("hotcue", sa.Integer, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("display_order", sa.Integer),
        sa.Column("repeats", sa.Integer),
        sa.Column("color", sa.String(7)),
        sa.Column("grid_bpm", sa.Float),
        sa.CheckConstraint("type BETWEEN 0 AND 5", name="cue_type_range"),
        sa.CheckConstraint("hotcue BETWEEN -1 AND 7", name="hotcue_range"),
    )
    op.create_index("ix_cue_points_track_id", "cue_points", ["track_id"])

    op.create_table(
        "folders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("folders.id", ondelete="CASCADE")),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("changed_version", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_folders_parent_id", "folders", ["parent_id"])

    op.create_table(
        "playlists",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("folder_id", sa.Integer, sa.ForeignKey("folders.id", ondelete="CASCADE")),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("uuid", sa.Text, unique=True),
        sa.Column("smart_query", sa.Text),
        sa.Column("changed_version", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_playlists_folder_id", "playlists", ["folder_id"])

    op.create_table(
        "playlist_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "playlist_id", sa.Integer, sa.ForeignKey("playlists.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("track_id", sa.Integer, sa.ForeignKey("tracks.id", ondelete="CASCADE")),
        sa.Column("nml_key", sa.Text),
        sa.CheckConstraint("track_id IS NOT NULL OR nml_key IS NOT NULL", name="entry_has_target"),
    )
    op.create_index("ix_playlist_entries_playlist_position", "playlist_entries", ["playlist_id", "position"])
    op.create_index("ix_playlist_entries_track_id", "playlist_entries", ["track_id"])

    op.create_table(
        "track_sync_bases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("nml_key", sa.Text, nullable=False, unique=True),
        sa.Column("track_id", sa.Integer, sa.ForeignKey("tracks.id", ondelete="SET NULL"), unique=True),
        sa.Column("values_json", sa.Text, nullable=False),
        sa.Column("cues_json", sa.Text, nullable=False),
    )
    op.create_table(
        "playlist_sync_bases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.Text, nullable=False, unique=True),
        sa.Column("playlist_id", sa.Integer, sa.ForeignKey("playlists.id", ondelete="SET NULL"), unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("folder_path_json", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("entries_json", sa.Text, nullable=False),
        sa.Column("smart_query", sa.Text),
    )
    op.create_table(
        "folder_sync_bases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path_json", sa.Text, nullable=False, unique=True),
        sa.Column("folder_id", sa.Integer, sa.ForeignKey("folders.id", ondelete="SET NULL"), unique=True),
        sa.Column("position", sa.Integer, nullable=False),
    )

    state = op.create_table(
        "library_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("last_exported_version", sa.Integer, nullable=False),
        sa.Column("last_import_at", sa.DateTime),
        sa.Column("last_export_at", sa.DateTime),
        sa.Column("nml_path", sa.Text),
        sa.Column("nml_size", sa.Integer),
        sa.Column("nml_mtime_ns", sa.Integer),
        sa.Column("nml_sha256", sa.Text),
        sa.CheckConstraint("id = 1", name="single_row"),
    )
    op.bulk_insert(state, [{"id": 1, "version": 0, "last_exported_version": 0}])

    op.create_table(
        "changes",
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("operation", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("format", sa.Integer, nullable=False),
        sa.Column("value_json", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "settings",
        "changes",
        "library_state",
        "folder_sync_bases",
        "playlist_sync_bases",
        "track_sync_bases",
        "playlist_entries",
        "playlists",
        "folders",
        "cue_points",
        "tracks",
    ):
        op.drop_table(table)
