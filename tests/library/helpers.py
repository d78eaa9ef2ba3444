"""Small builders shared by the library tests."""

from __future__ import annotations

from harmony.library import CueValues, TrackValues


def track(n: int, **fields: object) -> TrackValues:
    """A small valid track whose path is unique for ``n``."""
    values: dict[str, object] = {
        "path": f"/music/track {n}.mp3",
        "title": f"Title {n}",
        "artist": f"Artist {n}",
    }
    values.update(fields)
    return TrackValues(**values)  # type: ignore[arg-type]


def cue(start: float, **fields: object) -> CueValues:
    """A hot cue at ``start`` ms."""
    values: dict[str, object] = {"type": 0, "start": start, "hotcue": 0}
    values.update(fields)
    return CueValues(**values)  # type: ignore[arg-type]
