"""How a conflict is settled: the names every layer uses (settings, sync, CLI, web) for the same choice.

A light module on purpose: the library's settings, the pure sync and the web's request bodies all name these
types, and none of them should pull another in to do so.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

__all__ = ["CUE_STRATEGIES", "STRATEGIES", "CueStrategy", "Strategy"]

#: How a conflict (a value changed on both sides, or two different values on a first sync) is settled.
#: ``smart_merge`` keeps Harmony's value unless it is empty, ``traktor_wins`` takes Traktor's unless it is
#: empty, ``harmony_wins`` keeps Harmony's (:mod:`harmony.sync.three_way` holds the whole table).
Strategy = Literal["smart_merge", "traktor_wins", "harmony_wins"]
#: How cues are merged: ``smart_merge`` cue by cue against the base (conflicts settled by the track strategy),
#: ``replace`` makes Harmony's cues equal Traktor's, ``traktor_wins``/``harmony_wins`` merge cue by cue but
#: settle cue conflicts their own way.
CueStrategy = Literal["smart_merge", "replace", "traktor_wins", "harmony_wins"]

STRATEGIES: Final[tuple[str, ...]] = get_args(Strategy)
CUE_STRATEGIES: Final[tuple[str, ...]] = get_args(CueStrategy)
