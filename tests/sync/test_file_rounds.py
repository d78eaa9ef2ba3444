"""A big library's files are looked for a share per import; missing and moved tracks on every import."""

from __future__ import annotations

import pytest

from harmony.sync import EVERY_FILE, FileCheckRound, file_check_round
from harmony.sync.file_rounds import ROUNDS, WHOLE_CHECK_UP_TO

from .helpers import World, local_path


def test_a_small_library_is_checked_in_full_every_time() -> None:
    for imports in range(3):
        assert file_check_round(imports, WHOLE_CHECK_UP_TO) == EVERY_FILE
    assert all(EVERY_FILE.covers(track_id) for track_id in range(1, 100))


def test_a_big_librarys_rounds_cover_every_track_once_in_as_many_imports() -> None:
    ids = range(1, 2_000)
    seen: dict[int, int] = {}
    for imports in range(100, 100 + ROUNDS):
        this_round = file_check_round(imports, WHOLE_CHECK_UP_TO + 1)
        assert this_round.rounds == ROUNDS
        for track_id in ids:
            if this_round.covers(track_id):
                seen[track_id] = seen.get(track_id, 0) + 1
    assert seen == dict.fromkeys(ids, 1)


@pytest.mark.parametrize(("share", "rounds"), [(0, 0), (-1, 4), (4, 4)])
def test_a_round_out_of_range_is_refused(share: int, rounds: int) -> None:
    with pytest.raises(ValueError, match="share < rounds"):
        FileCheckRound(share, rounds)


def test_an_import_asks_only_its_share_of_present_tracks_but_every_missing_one(world: World) -> None:
    for n in range(8):
        world.add(f"{n}.mp3", title=f"T{n}")
    world.missing.add(local_path("0.mp3"))
    world.sync()
    ids = {name: world.track_id(name) for name in (f"{n}.mp3" for n in range(8))}
    asked: list[str] = []

    def exists(path: str) -> bool:
        asked.append(path)
        return path not in world.missing

    this_round = FileCheckRound(ids["3.mp3"] % 4, 4)
    world.missing.add(local_path("3.mp3"))  # lost, and in this round: noticed
    world.missing.add(local_path("4.mp3"))  # lost, but in another round: noticed by a later import
    world.missing.discard(local_path("0.mp3"))  # back: noticed at once, whatever the round
    planned = world.sync(file_exists=exists, file_check_round=this_round)
    expected = {local_path(name) for name, track_id in ids.items() if this_round.covers(track_id)}
    assert set(asked) == expected | {local_path("0.mp3")}
    assert (planned.stats.files_lost, planned.stats.files_found) == (1, 1)
    assert world.track("3.mp3").track.missing and not world.track("4.mp3").track.missing
    later = FileCheckRound(ids["4.mp3"] % 4, 4)
    assert world.sync(file_check_round=later).stats.files_lost == 1
    assert world.track("4.mp3").track.missing
