"""Round trips between the library and real collections: an export right after an import changes nothing; edits
made in the library come out in the NML exactly, every other entry byte for byte; an import right after an
export plans nothing. And the same with random edits (hypothesis)."""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from harmony import nml
from harmony.jobs import read_export_snapshot, read_import_snapshot
from harmony.library import CueValues, Library
from harmony.nml.playlists import Folder, Playlist
from harmony.sync import (
    ExportOptions,
    ExportSnapshot,
    SyncOptions,
    TraktorSnapshot,
    plan_export,
    plan_import,
)
from harmony.sync.export_digests import stamp_digests

from ..runs import quick_and_full
from .export_helpers import FINGERPRINT, assert_export_changes_nothing, export_and_record
from .helpers import World, cue
from .test_real_files import COLLECTIONS, by_size

IMPORT = SyncOptions(platform="linux", file_exists=lambda path: True)
EXPORT = ExportOptions(platform="linux")


def _entries(raw: bytes) -> list[bytes]:
    return re.findall(rb"<ENTRY .*?</ENTRY>", raw, re.DOTALL)


def _import(library: Library, raw: bytes) -> None:
    with library.reader() as reader:
        snapshot = read_import_snapshot(reader)
    library.apply_import(plan_import(TraktorSnapshot.from_collection(nml.load(raw)), snapshot, IMPORT).plan)


def _plans_nothing(library: Library, raw: bytes, *, rewritten: bool = False) -> None:
    """An import of ``raw`` plans nothing. When the export ``rewritten`` every entry (a file in another tool's
    layout comes back in Traktor's), the bases of the entries it did not change still hold the digests of the
    old bytes: the import may stamp them anew, and do nothing else."""
    with library.reader() as reader:
        snapshot = read_import_snapshot(reader)
        stored = {track.track.id: track.base for track in reader.iter_tracks()}
    result = plan_import(TraktorSnapshot.from_collection(nml.load(raw)), snapshot, IMPORT)
    assert not result.plan.changes_library(), result.report.lines()[:20]
    if not rewritten:
        assert not result.plan.bases, result.plan.bases
        return
    bases = result.plan.bases
    assert not (bases.track_deletes or bases.playlists or bases.folders or bases.playlist_deletes), bases
    for item in bases.tracks:
        old = stored[item.track]  # type: ignore[index]
        assert old is not None and replace(item.base, digest=old.digest) == old, (old, item.base)


def _export(library: Library, collection: nml.Collection) -> tuple[ExportSnapshot, object]:
    with library.reader() as reader:
        snapshot = read_export_snapshot(reader)
    return snapshot, plan_export(collection, snapshot, EXPORT)


def _playlists(collection: nml.Collection) -> dict[tuple[str, ...], list[str]]:
    return {
        node.path: node.entries
        for node in collection.playlists.walk()
        if isinstance(node, Playlist) and not isinstance(node, Folder)
    }


@pytest.mark.parametrize("name", by_size(COLLECTIONS))
def test_export_right_after_an_import_changes_nothing(real_fixtures: Path, tmp_path: Path, name: str) -> None:
    raw = (real_fixtures / name).read_bytes()
    with Library.open(tmp_path / "library.db") as library:
        _import(library, raw)
        collection = nml.load(raw)
        baseline = collection.to_bytes()
        _, result = _export(library, collection)
        assert not result.changed, result.report.lines()[:20]  # type: ignore[attr-defined]
        assert not result.bases  # type: ignore[attr-defined]
        assert collection.to_bytes() == baseline


@pytest.mark.parametrize("name", by_size(COLLECTIONS[:4]))
def test_library_edits_come_out_exactly_and_nothing_else_changes(
    real_fixtures: Path, tmp_path: Path, name: str
) -> None:
    raw = (real_fixtures / name).read_bytes()
    with Library.open(tmp_path / "library.db") as library:
        _import(library, raw)
        collection = nml.load(raw)
        baseline = collection.to_bytes()
        with library.reader() as reader:
            tracks = [t for t in reader.iter_tracks() if t.base is not None]
            playlists = [p for p in reader.playlists() if p.smart_query is None and p.base is not None]
        keys = [t.base.nml_key for t in tracks if t.base is not None]
        edited = {keys[0]: "Edited One", keys[len(keys) // 2]: "Edited Two"}
        for track in tracks:
            if track.base is not None and track.base.nml_key in edited:
                library.update_track(track.track.id, {"title": edited[track.base.nml_key]})
        with_cue = next(t for t in tracks if t.cues)
        removed_cue = with_cue.cues[0]
        library.delete_cue(removed_cue.id)
        gains_cue = tracks[-1]
        library.add_cue(gains_cue.track.id, CueValues(type=0, start=987654.0, hotcue=-1, name="Harmony"))
        refill = next((p for p in playlists if len(p.entries) >= 2 and all(e.track_id for e in p.entries)), None)
        assert refill is not None and playlists, "each of these collections has a playlist to edit"
        if refill is not None:
            library.set_playlist_tracks(refill.id, [e.track_id for e in reversed(refill.entries)])  # type: ignore[misc]
        renamed = playlists[0] if playlists else None
        if renamed is not None:
            library.update_playlist(renamed.id, {"name": renamed.name + " (Harmony)"})

        snapshot, result = _export(library, collection)
        after = collection.to_bytes()
        reread = nml.load(after)
        assert reread.check() is None

        # Exactly the edited entries changed, each in exactly the edited way.
        assert with_cue.base is not None and gains_cue.base is not None
        touched = set(edited) | {with_cue.base.nml_key, gains_cue.base.nml_key}
        old_entries, new_entries = _entries(baseline), _entries(after)
        assert len(old_entries) == len(new_entries)
        changed = {i for i, (a, b) in enumerate(zip(old_entries, new_entries, strict=True)) if a != b}
        keys_of = [t.key for t in reread.tracks]
        assert {keys_of[i] for i in changed} == touched
        for key, title in edited.items():
            assert reread.track_by_key(key).title == title  # type: ignore[union-attr]
        old_cues = [c.to_data() for c in nml.load(baseline).track_by_key(with_cue.base.nml_key).cues]  # type: ignore[union-attr]
        new_cues = [c.to_data() for c in reread.track_by_key(with_cue.base.nml_key).cues]  # type: ignore[union-attr]
        assert len(new_cues) == len(old_cues) - 1
        gained = [c.to_data() for c in reread.track_by_key(gains_cue.base.nml_key).cues]  # type: ignore[union-attr]
        assert (0, 987654.0, -1, "Harmony") in [(c.type, c.start, c.hotcue, c.name) for c in gained]
        assert result.stats.tracks_exported == len(touched)  # type: ignore[attr-defined]

        # Exactly the edited playlists changed.
        before_lists, after_lists = _playlists(nml.load(baseline)), _playlists(reread)
        expected = dict(before_lists)
        if renamed is not None:
            old_path = next(p for p in before_lists if p[-1] == renamed.name)
            expected[(*old_path[:-1], renamed.name + " (Harmony)")] = expected.pop(old_path)
        if refill is not None:
            path = next(p for p in expected if p[-1] in (refill.name, refill.name + " (Harmony)"))
            expected[path] = list(reversed(expected[path]))
        assert after_lists == expected

        # Recording the bases (with the written entries' digests, as the export job does) leaves nothing to
        # import, and nothing more to export.
        assert snapshot.version is not None
        bases = stamp_digests(result.bases, collection, EXPORT)  # type: ignore[attr-defined]
        library.record_export(snapshot.version, FINGERPRINT, bases)
        _plans_nothing(library, after, rewritten=baseline != raw)
        again = nml.load(after)
        _, second = _export(library, again)
        assert not second.changed and not second.bases  # type: ignore[attr-defined]
        assert again.to_bytes() == after


_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["title", "genre", "rating", "add cue", "delete cue", "delete track", "traktor genre"]),
        st.integers(0, 5),
        st.integers(0, 4),
    ),
    max_size=8,
)


def _test_random_library_edits_export_exactly_those_edits(edits: list[tuple[str, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder) / "library.db") as library:
        world = World(library)
        for n in range(6):
            world.add(f"{n}.mp3", (cue(1000.0 * (n + 1), hotcue=0), cue(50.0, type=4)), title=f"T{n}", genre="G")
        world.reload()
        world.sync()
        baseline = _entries(world.collection.to_bytes())
        deleted: set[int] = set()
        touched: set[int] = set()
        traktor_touched: set[int] = set()
        for action, n, value in edits:
            if n in deleted:
                continue
            track_id = world.track_id(f"{n}.mp3")
            if action == "title":
                library.update_track(track_id, {"title": f"New {value}"})
            elif action == "genre":
                library.update_track(track_id, {"genre": None if value == 0 else f"Genre {value}"})
            elif action == "rating":
                library.update_track(track_id, {"rating": value, "ranking": None})
            elif action == "add cue":
                library.add_cue(track_id, CueValues(type=0, start=20000.0 + 100 * value, hotcue=-1))
            elif action == "delete cue":
                cues = world.track(f"{n}.mp3").cues
                if cues:
                    library.delete_cue(cues[value % len(cues)].id)
            elif action == "delete track":
                library.delete_tracks([track_id])
                deleted.add(n)
            else:
                world.entry(f"{n}.mp3").genre = f"Traktor {value}"
                world.reload()
                traktor_touched.add(n)
                baseline = [
                    entry if i != n else _entries(world.collection.to_bytes())[i] for i, entry in enumerate(baseline)
                ]
            touched.add(n)
        expected = {n: world.track(f"{n}.mp3") for n in range(6) if n not in deleted}
        export_and_record(world)
        after = {re.search(rb'FILE="(\d)\.mp3"', e).group(1).decode(): e for e in _entries(world.collection.to_bytes())}  # type: ignore[union-attr]
        assert sorted(after) == sorted(str(n) for n in expected)
        for n, detail in expected.items():
            entry = world.entry(f"{n}.mp3")
            values = detail.track.values
            assert entry.title == values.title
            if n not in traktor_touched:
                assert entry.genre == values.genre
                assert entry.rating == values.rating
            # Harmony's duplicates (the same cue added twice) are exported once.
            ours = sorted({(c.values.type, c.values.start, c.values.hotcue) for c in detail.cues})
            assert sorted((c.type, c.start, c.hotcue) for c in entry.cues) == ours
            if n not in touched:
                assert after[str(n)] == baseline[n]
        # Traktor's own edits were kept: the import brings them in, then both sides hold the same and rest.
        world.sync()
        for n in traktor_touched - deleted:
            assert world.track(f"{n}.mp3").track.values.genre == world.entry(f"{n}.mp3").genre
        world.assert_nothing_to_do()
        assert_export_changes_nothing(world)


test_random_library_edits_export_exactly_those_edits, test_random_library_edits_export_exactly_those_edits_full = (
    quick_and_full(
        given(edits=_EDITS),
        _test_random_library_edits_export_exactly_those_edits,
        examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
)
