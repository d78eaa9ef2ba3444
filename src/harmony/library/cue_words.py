"""How a DJ names a cue in a sentence: the edit history's labels ("Deleted hot cue 2 at 1:02.345") and the sync's
report and conflicts ("loop at 0:31.000 edited here, deleted in Traktor") say it the same way."""

from __future__ import annotations

from typing import Final

from harmony.library.values import CueValues
from harmony.nml import DEFAULT_CUE_NAME

__all__ = ["clock", "cue_words", "describe_cue"]

_KINDS: Final = {0: "cue", 1: "fade-in", 2: "fade-out", 3: "load marker", 4: "grid marker", 5: "loop"}


def describe_cue(cue: CueValues, *, named: bool = True) -> str:
    """A cue by its kind, slot, name (when it has one) and place: ``hot cue 2 “Drop” at 1:02.345``, ``loop at
    0:31.000``. The name tells two cues apart where the slot alone misleads: a hot cue 5 given to a new cue read
    as the old one's, moved and renamed. ``named=False`` leaves the name out: a conflict over a cue's name says
    neither side's in the cue's description."""
    kind = _KINDS.get(cue.type, f"type {cue.type} cue")
    if cue.hotcue >= 0:
        kind = f"hot {kind}" if cue.type == 0 else kind
        kind = f"{kind} {cue.hotcue + 1}"
    name = f" “{cue.name}”" if named and cue.name and cue.name != DEFAULT_CUE_NAME else ""
    return f"{kind}{name} at {clock(cue.start)}"


def clock(milliseconds: float) -> str:
    """A place in a track as a DJ reads it: ``1:02.345`` for 62,345 ms."""
    seconds = milliseconds / 1000.0
    sign = "-" if seconds < 0 else ""
    minutes, rest = divmod(abs(seconds), 60.0)
    return f"{sign}{int(minutes)}:{rest:06.3f}"


def cue_words(cue: CueValues) -> str:
    """A cue by its name where it has one (``cue “Drop”``, ``loop “Break”``), else by :func:`describe_cue`.
    Traktor's "n.n." is no name: a cue added without one read "Added cue “n.n.”" beside an empty name field."""
    if cue.name and cue.name != DEFAULT_CUE_NAME:
        return f"{'loop' if cue.type == 5 else 'cue'} “{cue.name}”"
    return describe_cue(cue)
