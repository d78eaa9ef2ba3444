"""Convergence, proven by a state machine: a real library and a real collection.nml file, edited on both sides
(Harmony through ``Library``, Traktor through ``harmony.nml`` edits saved to the file): track fields, cues,
tracks added and removed, playlists created, refilled, renamed and deleted, folders renamed and deleted. They
are exchanged by the import and the export in any order, and by the service's auto-sync run.

Invariants:

- after an import and an export with no edits between, the library and the collection agree on every modelled
  value (tracks and their fields, cues, playlists with their entries, folders);
- a value changed on one side only is never lost: the next exchange in its direction carries it;
- a conflict is reported only for a value both sides changed since the last exchange;
- a second import or export plans nothing.

The normal suite runs a short version; ``pytest -m slow`` runs many more examples.
"""

from __future__ import annotations

import asyncio
import gc
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from harmony import nml
from harmony.library import CueValues, Library, TrackValues, TraktorSettings
from harmony.nml.keys import to_open_key
from harmony.nml.playlists import Folder, Playlist, SmartList
from harmony.service import AutoSyncService, Operation, SyncRunner
from harmony.sync.report import Conflict

from .exchange import Exchange
from .helpers import cue, local_path, location, nml_key

#: The track fields the machine edits, with the values it may set.
FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "title": st.sampled_from(["Alpha", "Beta", "Gamma", "Delta"]),
    "genre": st.sampled_from(["House", "Techno", "Disco"]),
    "comment": st.sampled_from(["warm-up", "peak", "closer"]),
    "rating": st.integers(0, 5),
    "bpm": st.sampled_from([120.0, 124.5, 128.0]),
    "musical_key": st.integers(0, 23),
}
FILES = ("a.mp3", "b.mp3", "c.mp3", "d.mp3", "e.mp3")
NAMES = ("Warm up", "Peak", "Closing")
FOLDER = "Crates"
#: The names the machine gives a folder when it renames one.
FOLDER_NAMES = (FOLDER, "Boxes", "Vinyl")
SIDES = ("harmony", "traktor")


def _file_of_path(path: str) -> str:
    return path.rsplit("/", 1)[1]


def _file_of_key(key: str) -> str:
    return key.rsplit("/:", 1)[1]


def _comparable(field: str, value: Any) -> Any:
    if field == "bpm" and value is not None:
        return round(value, 6)
    if field == "rating" and not value:
        return 0  # no rating and none of five stars are the same to Traktor
    return value


class _Template:
    """The starting point of every example, made once: a collection of three tracks and a playlist, imported
    and exported once, so every value has a base."""

    folder: ClassVar[Path | None] = None

    @classmethod
    def copy_to(cls, target: Path) -> None:
        if cls.folder is None:
            folder = Path(tempfile.mkdtemp(prefix="harmony-convergence-"))
            collection = nml.Collection.new()
            for file, title in zip(FILES[:3], ("Alpha", "Beta", "Gamma"), strict=True):
                track = collection.add_track(location(file), title=title, rating=3, bpm=124.5, musical_key=21)
                track.add_cue(cue(1000.0, hotcue=0))
            collection.playlists.create_playlist(NAMES[0], [nml_key("a.mp3"), nml_key("b.mp3")])
            (folder / "collection.nml").write_bytes(collection.to_bytes())
            with Library.open(folder / "library.db") as library:
                exchange = Exchange(library, folder / "library.db", folder / "collection.nml")
                exchange.import_()
                exchange.export()
            cls.folder = folder
        for name in ("library.db", "collection.nml"):
            shutil.copyfile(cls.folder / name, target / name)


class Convergence(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # The earlier examples' garbage collected, what is left (hypothesis's growing record of the run) is
        # frozen: the collections this example sets off (the export job runs one) walk only its own objects.
        gc.collect()
        gc.freeze()
        self.folder = Path(tempfile.mkdtemp(prefix="harmony-convergence-"))
        _Template.copy_to(self.folder)
        self.library = Library.open(self.folder / "library.db")
        self.exchange = Exchange(self.library, self.folder / "library.db", self.folder / "collection.nml")
        # (file, field) -> the value each side set since that side's value was last carried across.
        self.pending: dict[tuple[str, str], dict[str, Any]] = {}
        self.exchanged_since_edit = {"import": False, "export": False}
        # file -> Harmony's pending edits of a track Traktor removed since the last import (see readded_in_traktor).
        self.removed_in_traktor: dict[str, dict[tuple[str, str], Any]] = {}

    def teardown(self) -> None:
        self.library.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @initialize(strategy=st.sampled_from(["smart_merge", "traktor_wins", "harmony_wins"]))
    def choose_strategy(self, strategy: str) -> None:
        self.exchange.strategy = strategy

    # -- what each side holds --------------------------------------------------------------------------------

    def harmony_tracks(self) -> dict[str, int]:
        with self.library.reader() as reader:
            return {_file_of_path(t.track.values.path): t.track.id for t in reader.iter_tracks()}

    def harmony_values(self, track_id: int) -> dict[str, Any]:
        values = self.library.get_track(track_id).track.values
        return {field: _comparable(field, getattr(values, field)) for field in FIELDS}

    def traktor_values(self, entry: nml.Track) -> dict[str, Any]:
        return {field: _comparable(field, getattr(entry, field)) for field in FIELDS}

    def harmony_state(self) -> dict[str, Any]:
        tracks = {}
        for file, track_id in self.harmony_tracks().items():
            detail = self.library.get_track(track_id)
            cues = sorted((c.values.type, c.values.hotcue, round(c.values.start, 3)) for c in detail.cues)
            tracks[file] = (self.harmony_values(track_id), cues)
        paths = {track_id: file for file, track_id in self.harmony_tracks().items()}
        playlists: dict[tuple[str, ...], list[str]] = {}
        folders: set[tuple[str, ...]] = set()

        def walk(nodes: Any, where: tuple[str, ...]) -> None:
            for node in nodes:
                if node.kind == "folder":
                    folders.add((*where, node.name))
                    walk(node.children, (*where, node.name))
                elif node.smart_query is None:
                    entries = self.library.playlist_entries(node.id)
                    playlists[(*where, node.name)] = [
                        paths[e.track_id] if e.track_id is not None else _file_of_key(e.nml_key or "") for e in entries
                    ]

        walk(self.library.playlist_tree(), ())
        return {"tracks": tracks, "playlists": playlists, "folders": folders}

    def traktor_state(self) -> dict[str, Any]:
        collection = self.exchange.collection()
        tracks = {}
        for entry in collection.tracks:
            cues = sorted((c.type, c.hotcue, round(c.start, 3)) for c in entry.to_data().cues)
            tracks[entry.location.file] = (self.traktor_values(entry), cues)
        playlists: dict[tuple[str, ...], list[str]] = {}
        folders: set[tuple[str, ...]] = set()
        for node in collection.playlists.walk():
            if isinstance(node, Folder):
                if node.path:
                    folders.add(node.path)
            elif isinstance(node, Playlist) and not isinstance(node, SmartList):
                playlists[node.path] = [_file_of_key(key) for key in node.entries]
        return {"tracks": tracks, "playlists": playlists, "folders": folders}

    # -- bookkeeping of one-sided changes ---------------------------------------------------------------------

    def edited(self, side: str, file: str, field: str, before: Any, after: Any) -> None:
        if _comparable(field, before) != _comparable(field, after):
            self.pending.setdefault((file, field), {})[side] = _comparable(field, after)
        self.exchanged_since_edit = {"import": False, "export": False}

    def forget(self, file: str) -> None:
        for key in [key for key in self.pending if key[0] == file]:
            del self.pending[key]
        self.exchanged_since_edit = {"import": False, "export": False}

    def added(self, side: str, file: str, title: str) -> None:
        """A track added on one side: its title is that side's change. When the other side holds the file
        already, the next exchange is the two entries' first sync, where both sides' values count as changed."""
        self.forget(file)
        sides = {side: title}
        other = self.traktor_titles() if side == "harmony" else self.harmony_titles()
        if file in other:
            sides["traktor" if side == "harmony" else "harmony"] = other[file]
        self.pending[(file, "title")] = sides

    def readded_in_traktor(self, file: str, base: dict[str, Any]) -> None:
        """Traktor removed ``file`` and added it again with no import between: the engine cannot tell this from
        edits, so each value of the new entry that differs from the last exchanged one (the base Harmony still
        holds) is Traktor's change, and Harmony's edits since that exchange still stand."""
        for key, value in self.removed_in_traktor.pop(file, {}).items():
            self.pending.setdefault(key, {}).setdefault("harmony", value)  # a later edit is the one pending
        entry = self.exchange.entry(self.exchange.collection(), file)
        for field, value in self.traktor_values(entry).items():
            if value != base[field]:
                self.pending.setdefault((file, field), {})["traktor"] = value
        self.exchanged_since_edit = {"import": False, "export": False}

    def harmony_bases(self) -> dict[str, dict[str, Any]]:
        """file -> the values last exchanged with Traktor (the sync base), for each of Harmony's tracks that has one."""
        with self.library.reader() as reader:
            return {
                _file_of_path(t.track.values.path): {
                    field: _comparable(field, getattr(t.base.values, field)) for field in FIELDS
                }
                for t in reader.iter_tracks()
                if t.base is not None
            }

    def harmony_titles(self) -> dict[str, Any]:
        return {file: self.harmony_values(track_id)["title"] for file, track_id in self.harmony_tracks().items()}

    def traktor_titles(self) -> dict[str, Any]:
        return {entry.location.file: entry.title for entry in self.exchange.collection().tracks}

    def check_conflicts(self, conflicts: tuple[Conflict, ...]) -> None:
        for conflict in conflicts:
            if conflict.item in FIELDS:
                sides = self.pending.get((_file_of_path(conflict.subject), conflict.item), {})
                assert set(sides) == set(SIDES), f"conflict on a value one side changed: {conflict} {sides}"

    def delivered(self, sender: str, held: dict[str, Any]) -> None:
        """After an exchange from ``sender``: each value only ``sender`` changed is now held by the other side
        (``held``: file -> values); values both sides changed were settled as conflicts."""
        for (file, field), sides in list(self.pending.items()):
            if sender not in sides:
                continue
            if set(sides) == {sender} and file in held:
                assert held[file][field] == sides[sender], f"{sender}'s {field} of {file} was lost"
            if len(sides) == 2:
                del self.pending[(file, field)]
            else:
                del sides[sender]
                if not sides:
                    del self.pending[(file, field)]

    # -- Harmony's side ---------------------------------------------------------------------------------------

    @rule(index=st.integers(0, 10), field=st.sampled_from(sorted(FIELDS)), data=st.data())
    def harmony_edits_a_field(self, index: int, field: str, data: st.DataObject) -> None:
        tracks = sorted(self.harmony_tracks().items())
        if not tracks:
            return
        file, track_id = tracks[index % len(tracks)]
        value = data.draw(FIELDS[field])
        before = self.harmony_values(track_id)[field]
        self.library.update_track(track_id, {field: value})
        self.edited("harmony", file, field, before, self.harmony_values(track_id)[field])

    @rule(index=st.integers(0, 10), slot=st.integers(1, 3), start=st.sampled_from([2000.0, 5000.5, 9000.0]))
    def harmony_adds_a_cue(self, index: int, slot: int, start: float) -> None:
        tracks = sorted(self.harmony_tracks().items())
        if tracks:
            _, track_id = tracks[index % len(tracks)]
            if all(c.values.hotcue != slot for c in self.library.get_track(track_id).cues):
                self.library.add_cue(track_id, CueValues(type=0, start=start, hotcue=slot))
                self.exchanged_since_edit = {"import": False, "export": False}

    @rule(index=st.integers(0, 10))
    def harmony_removes_a_cue(self, index: int) -> None:
        tracks = sorted(self.harmony_tracks().items())
        if tracks:
            _, track_id = tracks[index % len(tracks)]
            cues = self.library.get_track(track_id).cues
            if cues:
                self.library.delete_cue(cues[0].id)
                self.exchanged_since_edit = {"import": False, "export": False}

    @rule(file=st.sampled_from(FILES), title=FIELDS["title"])
    def harmony_adds_a_track(self, file: str, title: str) -> None:
        if file not in self.harmony_tracks():
            self.library.add_track(TrackValues(path=local_path(file), title=title))
            self.added("harmony", file, title)

    @rule(index=st.integers(0, 10))
    def harmony_deletes_a_track(self, index: int) -> None:
        tracks = sorted(self.harmony_tracks().items())
        if tracks:
            file, track_id = tracks[index % len(tracks)]
            self.library.delete_tracks([track_id])
            self.forget(file)

    def harmony_playlists(self) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []

        def walk(nodes: Any) -> None:
            for node in nodes:
                if node.kind == "folder":
                    walk(node.children)
                elif node.smart_query is None:
                    found.append((node.id, node.name))

        walk(self.library.playlist_tree())
        return found

    def name_is_free(self, name: str) -> bool:
        """Whether neither side has a playlist of that name. A name one side gives a playlist while the other
        side gives it to another one cannot be held twice in one NML folder: the export leaves that rename
        out and says so (test_convergence_regressions), so the machine gives each name to one playlist."""
        traktor = {p.name for p in self.traktor_playlists(self.exchange.collection())}
        return name not in traktor and all(existing != name for _, existing in self.harmony_playlists())

    def harmony_folder(self) -> int | None:
        for node in self.library.playlist_tree():
            if node.kind == "folder" and node.name == FOLDER:
                return node.id
        return None

    @rule(name=st.sampled_from(NAMES), in_folder=st.booleans(), picks=st.lists(st.integers(0, 10), max_size=4))
    def harmony_creates_a_playlist(self, name: str, in_folder: bool, picks: list[int]) -> None:
        if not self.name_is_free(name):
            return
        folder = self.harmony_folder()
        if in_folder and folder is None:
            folder = self.library.create_folder(FOLDER)
        tracks = [track_id for _, track_id in sorted(self.harmony_tracks().items())]
        chosen = [tracks[i % len(tracks)] for i in picks] if tracks else []
        self.library.create_playlist(name, folder if in_folder else None, track_ids=chosen)
        self.exchanged_since_edit = {"import": False, "export": False}

    @rule(index=st.integers(0, 10), picks=st.lists(st.integers(0, 10), max_size=4))
    def harmony_sets_playlist_entries(self, index: int, picks: list[int]) -> None:
        playlists = self.harmony_playlists()
        tracks = [track_id for _, track_id in sorted(self.harmony_tracks().items())]
        if playlists:
            playlist_id, _ = playlists[index % len(playlists)]
            self.library.set_playlist_tracks(playlist_id, [tracks[i % len(tracks)] for i in picks] if tracks else [])
            self.exchanged_since_edit = {"import": False, "export": False}

    @rule(index=st.integers(0, 10), name=st.sampled_from(NAMES))
    def harmony_renames_a_playlist(self, index: int, name: str) -> None:
        playlists = self.harmony_playlists()
        if playlists and self.name_is_free(name):
            playlist_id, _ = playlists[index % len(playlists)]
            self.library.update_playlist(playlist_id, {"name": name})
            self.exchanged_since_edit = {"import": False, "export": False}

    @rule(index=st.integers(0, 10))
    def harmony_deletes_a_playlist(self, index: int) -> None:
        playlists = self.harmony_playlists()
        if playlists:
            self.library.delete_playlist(playlists[index % len(playlists)][0])
            self.exchanged_since_edit = {"import": False, "export": False}

    def harmony_folders(self) -> list[tuple[int, str]]:
        return [(node.id, node.name) for node in self.library.playlist_tree() if node.kind == "folder"]

    def folder_name_is_free(self, name: str) -> bool:
        """Whether neither side has a top-level folder of that name (see :meth:`name_is_free`)."""
        traktor = {node.name for node in self.exchange.collection().playlists.children if isinstance(node, Folder)}
        return name not in traktor and all(existing != name for _, existing in self.harmony_folders())

    @rule(index=st.integers(0, 10), name=st.sampled_from(FOLDER_NAMES))
    def harmony_renames_a_folder(self, index: int, name: str) -> None:
        folders = self.harmony_folders()
        if folders and self.folder_name_is_free(name):
            self.library.rename_folder(folders[index % len(folders)][0], name)
            self.exchanged_since_edit = {"import": False, "export": False}

    @rule(index=st.integers(0, 10))
    def harmony_deletes_a_folder(self, index: int) -> None:
        folders = self.harmony_folders()
        if folders:
            self.library.delete_folder(folders[index % len(folders)][0])
            self.exchanged_since_edit = {"import": False, "export": False}

    # -- Traktor's side ---------------------------------------------------------------------------------------

    def traktor_files(self) -> list[str]:
        return sorted(entry.location.file for entry in self.exchange.collection().tracks)

    @rule(index=st.integers(0, 10), field=st.sampled_from(sorted(FIELDS)), data=st.data())
    def traktor_edits_a_field(self, index: int, field: str, data: st.DataObject) -> None:
        files = self.traktor_files()
        if not files:
            return
        file = files[index % len(files)]
        value = data.draw(FIELDS[field])
        seen: dict[str, Any] = {}

        def edit(collection: nml.Collection) -> None:
            entry = self.exchange.entry(collection, file)
            seen["before"] = self.traktor_values(entry)[field]
            # Traktor writes a key as its number and its Open Key text together.
            changes = {field: value, "key_text": to_open_key(value)} if field == "musical_key" else {field: value}
            entry.set(**changes)
            seen["after"] = self.traktor_values(entry)[field]

        self.exchange.edit_in_traktor(edit)
        self.edited("traktor", file, field, seen["before"], seen["after"])

    @rule(index=st.integers(0, 10), slot=st.integers(1, 3), start=st.sampled_from([3000.0, 6000.25, 8000.0]))
    def traktor_adds_a_cue(self, index: int, slot: int, start: float) -> None:
        files = self.traktor_files()
        if not files:
            return

        def edit(collection: nml.Collection) -> None:
            entry = self.exchange.entry(collection, files[index % len(files)])
            if all(c.hotcue != slot for c in entry.to_data().cues):
                entry.add_cue(cue(start, hotcue=slot))

        self.exchange.edit_in_traktor(edit)
        self.exchanged_since_edit = {"import": False, "export": False}

    @rule(index=st.integers(0, 10))
    def traktor_removes_a_cue(self, index: int) -> None:
        files = self.traktor_files()
        if not files:
            return

        def edit(collection: nml.Collection) -> None:
            entry = self.exchange.entry(collection, files[index % len(files)])
            if entry.cues:
                entry.remove_cue(entry.cues[0])

        self.exchange.edit_in_traktor(edit)
        self.exchanged_since_edit = {"import": False, "export": False}

    @rule(file=st.sampled_from(FILES), title=FIELDS["title"])
    def traktor_adds_a_track(self, file: str, title: str) -> None:
        if file not in self.traktor_files():
            base = self.harmony_bases().get(file)
            self.exchange.add_in_traktor(file, title=title)
            if base is None:
                self.added("traktor", file, title)
            else:
                self.readded_in_traktor(file, base)

    @rule(index=st.integers(0, 10))
    def traktor_removes_a_track(self, index: int) -> None:
        files = self.traktor_files()
        if files:
            file = files[index % len(files)]
            self.exchange.edit_in_traktor(lambda c: c.remove_track(self.exchange.entry(c, file)))
            harmony_edits = {
                key: sides["harmony"] for key, sides in self.pending.items() if key[0] == file and "harmony" in sides
            }
            self.forget(file)
            self.removed_in_traktor[file] = harmony_edits

    def traktor_playlists(self, collection: nml.Collection) -> list[Playlist]:
        return [
            node
            for node in collection.playlists.walk()
            if isinstance(node, Playlist) and not isinstance(node, SmartList)
        ]

    @rule(name=st.sampled_from(NAMES), in_folder=st.booleans(), picks=st.lists(st.integers(0, 10), max_size=4))
    def traktor_creates_a_playlist(self, name: str, in_folder: bool, picks: list[int]) -> None:
        if not self.name_is_free(name):
            return

        def edit(collection: nml.Collection) -> None:
            root = collection.playlists
            parent = root
            if in_folder:
                found = root.get(FOLDER)
                parent = found if isinstance(found, Folder) else root.create_folder(FOLDER)
            keys = [entry.key for entry in collection.tracks]
            parent.create_playlist(name, [keys[i % len(keys)] for i in picks] if keys else [])

        self.exchange.edit_in_traktor(edit)
        self.exchanged_since_edit = {"import": False, "export": False}

    @rule(index=st.integers(0, 10), picks=st.lists(st.integers(0, 10), max_size=4))
    def traktor_sets_playlist_entries(self, index: int, picks: list[int]) -> None:
        def edit(collection: nml.Collection) -> None:
            playlists = self.traktor_playlists(collection)
            keys = [entry.key for entry in collection.tracks]
            if playlists:
                playlists[index % len(playlists)].set_entries([keys[i % len(keys)] for i in picks] if keys else [])

        self.exchange.edit_in_traktor(edit)
        self.exchanged_since_edit = {"import": False, "export": False}

    @rule(index=st.integers(0, 10), name=st.sampled_from(NAMES))
    def traktor_renames_a_playlist(self, index: int, name: str) -> None:
        if not self.name_is_free(name):
            return

        def edit(collection: nml.Collection) -> None:
            playlists = self.traktor_playlists(collection)
            if playlists:
                playlists[index % len(playlists)].name = name

        self.exchange.edit_in_traktor(edit)
        self.exchanged_since_edit = {"import": False, "export": False}

    @rule(index=st.integers(0, 10))
    def traktor_deletes_a_playlist(self, index: int) -> None:
        def edit(collection: nml.Collection) -> None:
            playlists = self.traktor_playlists(collection)
            if playlists:
                playlists[index % len(playlists)].delete()

        self.exchange.edit_in_traktor(edit)
        self.exchanged_since_edit = {"import": False, "export": False}

    def traktor_folders(self, collection: nml.Collection) -> list[Folder]:
        return [node for node in collection.playlists.children if isinstance(node, Folder)]

    @rule(index=st.integers(0, 10), name=st.sampled_from(FOLDER_NAMES))
    def traktor_renames_a_folder(self, index: int, name: str) -> None:
        if not self.folder_name_is_free(name):
            return

        def edit(collection: nml.Collection) -> None:
            folders = self.traktor_folders(collection)
            if folders:
                folders[index % len(folders)].name = name

        self.exchange.edit_in_traktor(edit)
        self.exchanged_since_edit = {"import": False, "export": False}

    @rule(index=st.integers(0, 10))
    def traktor_deletes_a_folder(self, index: int) -> None:
        def edit(collection: nml.Collection) -> None:
            folders = self.traktor_folders(collection)
            if folders:
                folders[index % len(folders)].delete()

        self.exchange.edit_in_traktor(edit)
        self.exchanged_since_edit = {"import": False, "export": False}

    # -- exchanges ----------------------------------------------------------------------------------------------

    @rule()
    def import_(self) -> None:
        planned = self.exchange.plan_import()
        self.check_conflicts(planned.stats.conflicts)
        self.library.apply_import(planned.plan)
        held = {file: self.harmony_values(track_id) for file, track_id in self.harmony_tracks().items()}
        self.delivered("traktor", held)
        self.exchanged_since_edit["import"] = True

    @rule()
    def export(self) -> None:
        result = self.exchange.export()
        self.check_conflicts(result.report.stats.conflicts)
        held = {entry.location.file: self.traktor_values(entry) for entry in self.exchange.collection().tracks}
        self.delivered("harmony", held)
        self.exchanged_since_edit["export"] = True

    @rule()
    def sync_both_ways(self) -> None:
        """An import then an export, as auto-sync's bidirectional step does."""
        self.import_()
        self.export()

    @rule()
    def auto_sync(self) -> None:
        """One run of the service's auto-sync (bidirectional: import, then export only if the library says an
        export is pending), its import and export running in this process. Afterwards both sides agree: an
        export it left out must have had nothing to carry."""

        async def run_import() -> Operation:
            self.import_()
            return Operation("auto-import", "import", str(self.exchange.nml_path), status="succeeded")

        async def run_export() -> Operation:
            self.export()
            return Operation("auto-export", "export", str(self.exchange.nml_path), status="succeeded")

        runner = SyncRunner(
            run_import,
            run_export,
            TraktorSettings,
            self.exchange.library_path,
            traktor_running=lambda: False,
            nml_path=lambda: self.exchange.nml_path,
        )
        status = asyncio.run(AutoSyncService(runner).run_once("bidirectional"))
        assert status.state == "idle", status
        self.exchanged_since_edit = {"import": True, "export": True}

    @precondition(lambda self: all(self.exchanged_since_edit.values()))
    @invariant()
    def in_step_after_an_import_and_an_export(self) -> None:
        """Once an import and an export ran with no edit between them, both sides agree and neither direction
        has anything left to do."""
        assert self.harmony_state() == self.traktor_state()
        planned = self.exchange.plan_import()
        assert not planned.plan.changes_library(), planned.report.lines()
        assert not self.exchange.export(dry_run=True).changed


def _run(examples: int, steps: int, **options: Any) -> None:
    Convergence.TestCase.settings = settings(
        max_examples=examples,
        **options,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    Convergence.TestCase().runTest()


@pytest.fixture(autouse=True, scope="module")
def _template() -> Iterator[None]:
    yield
    if _Template.folder is not None:
        shutil.rmtree(_Template.folder, ignore_errors=True)
        _Template.folder = None


@pytest.mark.long
@pytest.mark.timeout(600)
def test_import_and_export_converge() -> None:
    _run(examples=200, steps=8)


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_import_and_export_converge_at_length() -> None:
    _run(examples=600, steps=15)


def test_a_cue_made_in_harmony_then_deleted_in_traktor_leaves_harmony_too() -> None:
    """Found by the machine. A cue added in Harmony is exported with Traktor's defaults (name "n.n.", display
    order 0, repeats -1), and the base holds it in that form; Harmony's own copy keeps no name. When Traktor then
    deleted it, the import took that difference for an edit in Harmony, kept the cue and left the two sides apart
    for good. Harmony's cue is compared in the form the NML holds it, as the export compares it."""
    machine = Convergence()
    try:
        machine.choose_strategy(strategy="smart_merge")
        machine.traktor_removes_a_cue(index=0)
        machine.harmony_adds_a_cue(index=0, slot=1, start=2000.0)
        machine.auto_sync()
        machine.in_step_after_an_import_and_an_export()
        machine.traktor_removes_a_cue(index=0)  # the cue made in Harmony, the entry's only one now
        machine.auto_sync()
        machine.in_step_after_an_import_and_an_export()
        assert machine.harmony_state()["tracks"]["a.mp3"][1] == []
    finally:
        machine.teardown()


def test_a_track_traktor_removes_and_adds_again_between_imports_is_edited_in_traktor() -> None:
    """Found by the machine. Traktor removed b.mp3 and added it again (a new entry: a title, no BPM) with no
    import between, while Harmony set its BPM. The engine holds the base of the old entry and cannot tell a
    removal and an add from edits: the new entry's empty BPM is Traktor's change, so both sides changed the BPM
    and the import reports a conflict. The machine had counted only the new title as Traktor's change."""
    machine = Convergence()
    try:
        machine.choose_strategy(strategy="smart_merge")
        machine.traktor_removes_a_track(index=1)  # b.mp3, BPM 124.5 in the base
        machine.traktor_adds_a_track(file="b.mp3", title="Alpha")
        machine.harmony_edits_a_field(index=1, field="bpm", data=_Drawn(120.0))
        planned = machine.exchange.plan_import()
        assert [(c.item, c.base, c.traktor) for c in planned.stats.conflicts] == [("bpm", "124.5", "(empty)")]
        machine.import_()
        machine.export()
        machine.in_step_after_an_import_and_an_export()
        assert machine.harmony_state()["tracks"]["b.mp3"][0]["bpm"] == 120.0  # smart_merge kept Harmony's
    finally:
        machine.teardown()


@pytest.mark.parametrize("export_first", [False, True], ids=["import first", "export first"])
def test_a_playlist_emptied_as_its_tracks_leave_both_sides_ends_empty_on_both(export_first: bool) -> None:
    """Found by the machine. Harmony deleted a.mp3 and set "Warm up" (a, b) to c alone; Traktor removed c.

    Import first: the import kept Harmony's list and removed c with its track, so Harmony's "Warm up" was
    empty. The export took a out of Traktor's copy with its track, then compared what was left (b) with the base
    (a, b): Traktor seemed to have changed the playlist too, the empty list lost the conflict, and b stayed in
    Traktor. An entry that left with its track is no change of the playlist.

    Export first: the export wrote Harmony's list (c) into Traktor, though Traktor had removed c and it stays out
    of the collection; the import then removed c from Harmony with its entry, and Traktor's "Warm up" kept an
    entry of a track neither side has."""
    machine = Convergence()
    try:
        machine.choose_strategy(strategy="smart_merge")
        machine.harmony_deletes_a_track(index=0)  # a.mp3
        machine.harmony_sets_playlist_entries(index=0, picks=[1])  # "Warm up": c.mp3
        machine.traktor_removes_a_track(index=2)  # c.mp3
        if export_first:
            machine.export()
            assert machine.traktor_state()["playlists"] == {("Warm up",): []}
        machine.auto_sync()
        machine.in_step_after_an_import_and_an_export()
        assert machine.traktor_state()["playlists"] == {("Warm up",): []}
    finally:
        machine.teardown()


def test_a_track_deleted_on_both_sides_then_added_again_in_harmony_is_exported() -> None:
    """Found by the machine. Harmony deleted a.mp3, Traktor removed it too, then the DJ added a.mp3 to Harmony
    again (a new track, no base). The export added its entry, then took the entry under a.mp3's key for that of
    the track deleted in Harmony (its base still names that key) and removed it again: Traktor never got the
    track. An entry a library track holds is never removed for a deleted one."""
    machine = Convergence()
    try:
        machine.choose_strategy(strategy="smart_merge")
        machine.harmony_deletes_a_track(index=0)  # a.mp3
        machine.traktor_removes_a_track(index=0)  # a.mp3
        machine.harmony_adds_a_track(file="a.mp3", title="Alpha")
        result = machine.exchange.export(dry_run=True)
        assert not result.report.stats.conflicts
        machine.auto_sync()
        machine.in_step_after_an_import_and_an_export()
        assert machine.traktor_state()["tracks"]["a.mp3"][0]["title"] == "Alpha"
    finally:
        machine.teardown()


def test_a_new_playlist_naming_a_track_traktor_removed_is_created_without_it() -> None:
    """Found by the machine (during a review). Traktor removed a.mp3; before any import, Harmony made "Peak" with
    a.mp3. The export created "Peak" in Traktor with a.mp3's entry, though a.mp3 stays out of the collection;
    the import then took a.mp3 out of Harmony and its "Peak", and Traktor's "Peak" kept an entry of a track
    neither side has. A new playlist leaves such entries out, as an existing one's entries already did."""
    machine = Convergence()
    try:
        machine.choose_strategy(strategy="smart_merge")
        machine.auto_sync()
        machine.traktor_removes_a_track(index=0)  # a.mp3
        machine.harmony_creates_a_playlist(in_folder=False, name="Peak", picks=[0])  # a.mp3
        machine.export()
        assert machine.traktor_state()["playlists"][("Peak",)] == []
        machine.auto_sync()
        machine.in_step_after_an_import_and_an_export()
        assert machine.harmony_state()["playlists"][("Peak",)] == []
    finally:
        machine.teardown()


class _Drawn:
    """Stands in for hypothesis's ``data`` in a test that calls a rule by hand: every draw gives ``value``."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def draw(self, strategy: object) -> Any:
        return self.value
