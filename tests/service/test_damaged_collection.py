"""A damaged collection.nml (truncated, emptied of most entries, zero bytes, not XML): import and export refuse
and change nothing, auto-sync pauses with the damaged status, and a restore or a rebuild brings back a file that
loads and agrees with the library; the damaged file itself is kept as a backup."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from harmony import nml
from harmony.devtools.collection_gen import generate_collection
from harmony.library import Library
from harmony.nmlfile.health import KEPT_SHARE, check_collection, judge_counts
from harmony.service import ExportRequest, ImportOutcome, ImportRequest, TraktorService
from harmony.service.autosync import AutoSyncService

from .conftest import Demo

pytestmark = pytest.mark.timeout(300)


def _truncated(share: float) -> Callable[[bytes], bytes]:
    return lambda raw: raw[: int(len(raw) * share)]


def _emptied(raw: bytes) -> bytes:
    """Keep one entry in ten (the COLLECTION's ENTRIES count left as it was, as a crashed writer might)."""
    entries = list(re.finditer(rb"<ENTRY .*?</ENTRY>\n", raw, re.DOTALL))
    kept = b"".join(match.group(0) for match in entries[::10])
    return raw[: entries[0].start()] + kept + raw[entries[-1].end() :]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated at 1%": _truncated(0.01),
    "truncated at 50%": _truncated(0.5),
    "truncated at 99%": _truncated(0.99),
    "emptied of 90% of entries": _emptied,
    "zero bytes": lambda raw: b"",
    "not XML": lambda raw: b"\x00\x01 this is not a collection \xff" * 100,
}


def _configure(service: TraktorService, demo: Demo) -> None:
    mappings = tuple(f"{volume}={folder}" for volume, folder in demo.generated.path_mappings.items())
    auto = {"enabled": True, "direction": "bidirectional", "on_startup": False}
    service.save_settings(service.settings().updated(nml_path=str(demo.nml), path_mappings=mappings, auto_sync=auto))


def _first_track(service: TraktorService) -> int:
    with Library.open(service.library_path) as library:
        return library.search_tracks(limit=1, sort="id").tracks[0].id


async def _synced_with_a_backup(service: TraktorService, demo: Demo) -> None:
    """Imported, then one edit exported (which made a backup), then one more edit left pending."""
    _configure(service, demo)
    assert (await service.sync()).status == "succeeded"
    with Library.open(service.library_path) as library:
        library.update_track(_first_track(service), {"comment": "exported"})
    # Forced: the machine is shared, and another test may be running a process called Traktor.
    assert (await service.export(ExportRequest(force=True))).status == "succeeded"
    with Library.open(service.library_path) as library:
        library.update_track(_first_track(service), {"comment": "pending"})


def test_the_rule_for_implausible_counts() -> None:
    assert judge_counts(1000, 20, None) is None
    assert judge_counts(1000, 20, (1000, 20)) is None
    assert judge_counts(int(1000 * KEPT_SHARE), 20, (1000, 20)) is None  # half kept: a big clean-up, not damage
    assert judge_counts(int(1000 * KEPT_SHARE) - 1, 20, (1000, 20)) is not None
    assert judge_counts(0, 0, (3, 0)) is not None  # emptied
    assert judge_counts(2, 0, (5, 0)) is None  # few tracks: a loss of three is an edit
    assert judge_counts(1000, 3, (1000, 20)) is not None  # lost most playlists
    assert judge_counts(1000, 1, (1000, 2)) is None


#: The damages the normal suite takes through the whole cycle; ``-m slow`` takes every one.
QUICK = ("truncated at 50%", "emptied of 90% of entries")


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_every_damage_is_found_by_the_check(tmp_path: Path, damage: str) -> None:
    good = tmp_path / "good.nml"
    generate_collection(good, tracks=60, seed=3)
    assert check_collection(good, (60, 5)).ok
    broken = tmp_path / "collection.nml"
    broken.write_bytes(DAMAGE[damage](good.read_bytes()))
    health = check_collection(broken, (60, 5))
    assert health.status == "damaged", health
    assert (health.last_known_tracks, health.last_known_playlists) == (60, 5)


@pytest.mark.parametrize(
    "damage", [pytest.param(name, marks=() if name in QUICK else pytest.mark.slow) for name in DAMAGE], ids=list(DAMAGE)
)
async def test_a_damaged_collection_is_refused_paused_and_restored(
    service: TraktorService, demo: Demo, damage: str
) -> None:
    await _synced_with_a_backup(service, demo)
    good = demo.nml.read_bytes()
    damaged = DAMAGE[damage](good)
    demo.nml.write_bytes(damaged)
    with Library.open(service.library_path) as library:
        before = (library.stats(), library.version)

    health = service.recovery.health()
    assert health.status == "damaged", health
    assert health.last_known_tracks == demo.generated.tracks
    assert set(health.to_json()) == {
        "status",
        "reason",
        "tracks",
        "playlists",
        "last_known_tracks",
        "last_known_playlists",
    }

    imported = await service.sync()
    exported = await service.export(ExportRequest())
    assert imported.status == "failed" and exported.status == "failed"
    assert demo.nml.read_bytes() == damaged
    with Library.open(service.library_path) as library:
        assert (library.stats(), library.version) == before and library.pending_export

    auto = AutoSyncService(service.auto_sync_runner(), poll_seconds=60)
    status = await auto.run_once()
    assert status.state == "damaged" and not status.running
    assert status.last_error is not None and "damaged" in status.last_error
    assert status.health is not None and status.health["status"] == "damaged"
    assert demo.nml.read_bytes() == damaged

    harmony_backups = [copy for copy in service.backups() if copy.source == "harmony" and copy.readable]
    result = service.restore(str(harmony_backups[0].path), force=True)
    assert result["backup_path"] is not None
    with open(result["backup_path"], "rb") as kept:
        assert kept.read() == damaged  # the damaged file is kept as a backup too
    assert check_collection(demo.nml, service.known_counts(demo.nml)).ok

    status = await auto.run_once()  # healthy again: auto-sync imports, then exports what waited
    assert status.state == "idle" and status.last_error is None, status.last_error
    assert any(track.comment == "pending" for track in nml.load(demo.nml).tracks)
    again = await service.sync()
    assert isinstance(again.result, ImportOutcome) and again.result.summary() == "No changes needed"


async def test_rebuild_replaces_a_damaged_collection(service: TraktorService, demo: Demo) -> None:
    await _synced_with_a_backup(service, demo)
    damaged = _emptied(demo.nml.read_bytes())
    demo.nml.write_bytes(damaged)
    with pytest.raises(Exception, match="already exists"):
        service.recovery.start_rebuild()
    op = await service.recovery.rebuild(replace=True, force=True)
    assert op.status == "succeeded", op.error
    assert op.result.backup_path is not None
    with open(op.result.backup_path, "rb") as kept:
        assert kept.read() == damaged
    rebuilt = nml.load(demo.nml)
    with Library.open(service.library_path) as library:
        assert len(rebuilt.tracks) == library.stats().tracks == demo.generated.tracks
    assert service.recovery.health().ok
    op = await service.sync()  # the library and the rebuilt file agree: the import changes no track
    assert op.status == "succeeded", op.error
    assert isinstance(op.result, ImportOutcome)
    assert op.result.stats.tracks_imported == 0 and op.result.stats.tracks_updated == 0


async def test_accepting_a_big_removal(service: TraktorService, demo: Demo) -> None:
    await _synced_with_a_backup(service, demo)
    demo.nml.write_bytes(_emptied(demo.nml.read_bytes()))
    assert service.recovery.health().status == "damaged"
    accepted = service.recovery.accept()
    assert accepted.ok and accepted.last_known_tracks == accepted.tracks == (demo.generated.tracks + 9) // 10
    # The import still asks before removing most of the library (the guard of removals).
    assert (await service.sync(ImportRequest(allow_mass_removal=True))).status == "succeeded"


async def test_one_confirmation_covers_a_damaged_looking_collection_and_its_removals(
    service: TraktorService, demo: Demo
) -> None:
    await _synced_with_a_backup(service, demo)
    demo.nml.write_bytes(_emptied(demo.nml.read_bytes()))
    assert service.recovery.health().status == "damaged"
    with Library.open(service.library_path) as library:
        before = (library.stats(), library.version)

    refused = await service.sync()
    assert refused.status == "failed" and refused.error_code == "mass_removal"
    assert refused.error is not None
    # One question saying both reasons: the counts look damaged, and the import would remove most tracks.
    damaged = r"looks damaged \(it holds [\d,]+ tracks; it held [\d,]+ when Harmony last saw it\)"
    assert re.search(damaged, refused.error)
    assert re.search(r"would remove [\d,]+ of [\d,]+ tracks \(\d+%\)", refused.error)
    with Library.open(service.library_path) as library:
        assert (library.stats(), library.version) == before

    allowed = await service.sync(ImportRequest(allow_mass_removal=True))  # the one confirmation
    assert allowed.status == "succeeded", allowed.error
    kept = (demo.generated.tracks + 9) // 10
    with Library.open(service.library_path) as library:
        assert library.stats().tracks == kept
    health = service.recovery.health()  # the counts it now holds are trusted: no second question
    assert health.ok and health.tracks == health.last_known_tracks == kept
