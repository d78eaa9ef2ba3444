"""The Traktor NML document: lossless parse, Traktor-style write, typed views and codecs.

Pure: data in, data out. ``load`` reads a collection.nml from a path or bytes; the views edit it in place;
``Collection.to_bytes()``/``save()`` write it back in Traktor's layout, touching only what was edited.
"""

from harmony.errors import NMLError
from harmony.nml.collection import Collection, TrackList, load
from harmony.nml.cue import CUE_FIELDS, Cue, CueData, CueType
from harmony.nml.paths import Location
from harmony.nml.playlists import Folder, Node, Playlist, SmartList
from harmony.nml.track import TRACK_FIELDS, WRITABLE_FIELDS, Track, TrackData

__all__ = [
    "CUE_FIELDS",
    "TRACK_FIELDS",
    "WRITABLE_FIELDS",
    "Collection",
    "Cue",
    "CueData",
    "CueType",
    "Folder",
    "Location",
    "NMLError",
    "Node",
    "Playlist",
    "SmartList",
    "Track",
    "TrackData",
    "TrackList",
    "load",
]
