"""The Traktor NML document: lossless parse, Traktor-style write, typed views and codecs.

Pure: data in, data out. ``load`` reads a collection.nml from a path or bytes; the views edit it in place;
``Collection.to_bytes()`` writes it back in Traktor's layout, touching only what was edited; a real collection
on disk is written through ``harmony.nmlfile.write_collection`` (``write_unchecked`` is for tests and tools).
"""

from harmony.errors import NMLError
from harmony.nml.atomic import (
    TEMPORARY_SUFFIX,
    fsync_folder,
    replace_with,
    temporary_prefix,
    write_atomically,
    write_temporary,
)
from harmony.nml.canonical import ATTRIBUTE_ORDER
from harmony.nml.collection import Collection, TrackList, load
from harmony.nml.compare import CollectionDifference, compare_collections
from harmony.nml.cue import CUE_COLOUR_VERSION, CUE_COLOURS, CUE_FIELDS, DEFAULT_CUE_NAME, Cue, CueData, CueType
from harmony.nml.keys import KEY_COUNT, parse_key_text, to_camelot, to_musical, to_open_key
from harmony.nml.paths import (
    DEFAULT_STARTUP_VOLUME,
    Location,
    Platform,
    comparison_key,
    current_platform,
    decode_name,
    dir_to_parts,
    encode_name,
    location_to_path,
    parts_to_dir,
    path_key,
    path_to_location,
    playlist_key,
    split_playlist_key,
)
from harmony.nml.playlists import ROOT_NAME, Folder, Node, Playlist, SmartList, check_name
from harmony.nml.scan import scan, xml_message
from harmony.nml.serialize import PROLOG
from harmony.nml.source import CollectionPathError, check_collection_path, read_collection_file, shown_path
from harmony.nml.summary import CUE_TYPE_NAMES, CollectionSummary, count_tracks_and_playlists, summarize
from harmony.nml.tags import MARKUP
from harmony.nml.track import TRACK_FIELDS, WRITABLE_FIELDS, Track, TrackData
from harmony.nml.values import TRACK_COLORS, parse_float, ranking_to_stars, stars_to_ranking

__all__ = [
    "ATTRIBUTE_ORDER",
    "CUE_COLOURS",
    "CUE_COLOUR_VERSION",
    "CUE_FIELDS",
    "CUE_TYPE_NAMES",
    "DEFAULT_CUE_NAME",
    "DEFAULT_STARTUP_VOLUME",
    "KEY_COUNT",
    "MARKUP",
    "PROLOG",
    "ROOT_NAME",
    "TEMPORARY_SUFFIX",
    "TRACK_COLORS",
    "TRACK_FIELDS",
    "WRITABLE_FIELDS",
    "Collection",
    "CollectionDifference",
    "CollectionPathError",
    "CollectionSummary",
    "Cue",
    "CueData",
    "CueType",
    "Folder",
    "Location",
    "NMLError",
    "Node",
    "Platform",
    "Playlist",
    "SmartList",
    "Track",
    "TrackData",
    "TrackList",
    "check_collection_path",
    "check_name",
    "compare_collections",
    "comparison_key",
    "count_tracks_and_playlists",
    "current_platform",
    "decode_name",
    "dir_to_parts",
    "encode_name",
    "fsync_folder",
    "load",
    "location_to_path",
    "parse_float",
    "parse_key_text",
    "parts_to_dir",
    "path_key",
    "path_to_location",
    "playlist_key",
    "ranking_to_stars",
    "read_collection_file",
    "replace_with",
    "scan",
    "shown_path",
    "split_playlist_key",
    "stars_to_ranking",
    "summarize",
    "temporary_prefix",
    "to_camelot",
    "to_musical",
    "to_open_key",
    "write_atomically",
    "write_temporary",
    "xml_message",
]
