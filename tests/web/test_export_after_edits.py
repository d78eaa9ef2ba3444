"""An export after edits made through the API writes exactly those edits: the entries of the edited tracks
change, a new playlist appears with its tracks in the order the page left them, and every other byte of the
collection is as it was."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from harmony import nml
from harmony.library import Library

from .conftest import Api, Demo

_COLLECTION = re.compile(r'(?s)(.*?<COLLECTION ENTRIES="\d+">)(.*?)(</COLLECTION>.*)')


def xml_text(value: str) -> str:
    """An attribute value as Traktor writes it (only ``&``, ``<`` and ``"`` escaped)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def split(text: str) -> tuple[str, list[str], str]:
    """The text before the collection's entries, each entry's text, and everything after them."""
    match = _COLLECTION.match(text)
    assert match is not None
    head, body, tail = match.groups()
    entries = ["<ENTRY " + part for part in body.split("<ENTRY ") if part]
    assert "".join(entries) == body
    return head, entries, tail


def entry_of(entries: list[str], file_name: str) -> int:
    found = [i for i, entry in enumerate(entries) if f'FILE="{xml_text(file_name)}"' in entry]
    assert len(found) == 1, file_name
    return found[0]


async def call(api: Api, method: str, path: str, body: Any = None, status: int = 200) -> dict[str, Any]:
    response = await api.client.request(method, path, json=body, headers=api.token)
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    return data


async def test_export_after_web_edits_writes_exactly_those_edits(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    imported = await api.run("/api/traktor/sync")
    assert imported["status"] == "succeeded", imported
    before = demo.nml.read_text(encoding="utf-8")

    with Library.open(api.state.service.library_path) as library:
        tracks = library.search_tracks(sort="id", limit=6).tracks
    ids = [t.id for t in tracks]
    files = {t.id: Path(t.values.path).name for t in tracks}

    # Fields (one track, then two in one bulk edit), a cue, a new playlist filled then reordered.
    await call(api, "PATCH", f"/api/library/tracks/{ids[0]}", {"rating": 5, "comment": "peak time"})
    await call(api, "PATCH", "/api/library/tracks", {"ids": ids[1:3], "set": {"genre": "Edited Genre"}})
    new_cue = {"type": "cue", "start": 4321.5, "name": "Web"}
    cue = await call(api, "POST", f"/api/library/tracks/{ids[3]}/cues", new_cue, 201)
    playlist = await call(api, "POST", "/api/playlists", {"name": "Made in Harmony", "folder_id": None}, 201)
    await call(api, "POST", f"/api/playlists/{playlist['id']}/tracks", {"track_ids": ids[3:6], "position": None})
    await call(api, "POST", f"/api/playlists/{playlist['id']}/tracks/move", {"from": [2], "to": 0})

    exported = await api.run("/api/traktor/export")
    assert exported["status"] == "succeeded", exported
    after = demo.nml.read_text(encoding="utf-8")

    head_a, entries_a, tail_a = split(before)
    head_b, entries_b, tail_b = split(after)
    assert head_b == head_a  # the prolog, the head, the count of entries: as they were
    assert len(entries_b) == len(entries_a)
    edited = {entry_of(entries_a, files[t]) for t in ids[:4]}
    assert {entry_of(entries_b, files[t]) for t in ids[:4]} == edited  # entries keep their places
    for index, (old, new) in enumerate(zip(entries_a, entries_b, strict=True)):
        if index in edited:
            assert new != old
        else:
            assert new == old, f"entry {index} changed without an edit"

    # The edits, as Traktor reads them.
    written = nml.load(demo.nml)
    by_file = {track.location.file: track for track in written.tracks}
    first = by_file[files[ids[0]]]
    assert (first.rating, first.comment) == (5, "peak time")
    assert all(by_file[files[t]].genre == "Edited Genre" for t in ids[1:3])
    assert any(c.name == "Web" and abs(c.start - 4321.5) < 0.001 for c in by_file[files[ids[3]]].cues)

    # The playlist tree: the new playlist with its tracks in the page's order; the rest byte for byte.
    node = re.search(r'<NODE TYPE="PLAYLIST" NAME="Made in Harmony">.*?</NODE>\n', tail_b, re.S)
    assert node is not None
    order = re.findall(r'<PRIMARYKEY TYPE="TRACK" KEY="([^"]*)"', node.group(0))
    assert [key.rsplit("/:", 1)[-1] for key in order] == [xml_text(files[t]) for t in (ids[5], ids[3], ids[4])]
    rest = tail_b.replace(node.group(0), "")
    root_a = re.search(r'NAME="\$ROOT"><SUBNODES COUNT="(\d+)"', tail_a)
    assert root_a is not None
    count = int(root_a.group(1))
    root = 'NAME="$ROOT"><SUBNODES COUNT="{}"'
    assert rest == tail_a.replace(root.format(count), root.format(count + 1))
    assert cue["name"] == "Web"
