"""The track list endpoints: every column's field, ``added``, ``key_display`` in the chosen notation, ``pending``
and ``filter=pending``, empties last, a playlist's tracks with their positions."""

from __future__ import annotations

from datetime import date

from harmony.library import CueValues, Library, TrackValues
from harmony.nmlfile import NmlFingerprint

from .conftest import Api

FINGERPRINT = NmlFingerprint(path="/nml/collection.nml", size=1, mtime_ns=1, sha256="cd" * 32)


def _fill(library: Library) -> list[int]:
    ids = library.add_tracks(
        [
            (
                TrackValues(
                    path="/m/a.mp3",
                    title="Alpha",
                    artist="Zed",
                    bpm=108.264787,
                    musical_key=21,
                    key_text="",
                    import_date=date(2019, 4, 2),
                    date_added=date(2026, 12, 1),
                    label="Warp",
                    comment="peak",
                    play_count=3,
                    bitrate=320000,
                    color=2,
                ),
                (),
            ),
            (TrackValues(path="/m/b.mp3", title="Beta", artist=None, bpm=None, key_text="Cm"), ()),
            (TrackValues(path="/m/c.mp3", title="Gamma", artist="Abe", bpm=120.0, date_added=date(2026, 1, 5)), ()),
        ]
    )
    library.record_export(library.version, FINGERPRINT)
    return ids


async def test_rows_carry_every_field_added_key_display_and_pending(api: Api) -> None:
    library = api.state.library
    assert library is not None
    ids = _fill(library)
    library.update_track(ids[2], {"rating": 4})
    body = (await api.client.get("/api/library/tracks", params={"sort": "id"})).json()
    assert body["key_notation"] == "open_key" and body["sort"] == "id"
    alpha, beta, gamma = body["tracks"]
    for name in ("title", "artist", "album", "genre", "label", "comment", "remixer", "bpm", "rating", "color"):
        assert name in alpha
    assert (alpha["label"], alpha["comment"], alpha["play_count"], alpha["bitrate"]) == ("Warp", "peak", 3, 320000)
    assert alpha["added"] == "2019-04-02"  # Traktor's import date wins over the day Harmony took it in
    assert gamma["added"] == "2026-01-05" and beta["added"] is None
    assert alpha["key_display"] == "1m" and gamma["key_display"] is None
    assert beta["key_display"] == "10m"  # no musical key: the key its text ("Cm") names, in the notation
    assert [t["pending"] for t in body["tracks"]] == [False, False, True]
    detail = (await api.client.get(f"/api/library/tracks/{ids[2]}")).json()
    assert detail["pending"] is True and detail["added"] == "2026-01-05" and detail["cues"] == []

    changed = await api.client.put("/api/traktor/config", json={"key_notation": "camelot"}, headers=api.token)
    assert changed.status_code == 200 and changed.json()["key_notation"] == "camelot"
    body = (await api.client.get("/api/library/tracks", params={"sort": "id"})).json()
    assert body["key_notation"] == "camelot" and body["tracks"][0]["key_display"] == "8A"
    refused = await api.client.put("/api/traktor/config", json={"key_notation": "german"}, headers=api.token)
    assert refused.status_code == 422


async def test_filter_pending_and_empties_last(api: Api) -> None:
    library = api.state.library
    assert library is not None
    ids = _fill(library)
    library.update_track(ids[1], {"comment": "fix"})
    pending = (await api.client.get("/api/library/tracks", params={"filter": "pending"})).json()
    assert pending["total"] == 1 and pending["tracks"][0]["id"] == ids[1] and pending["filter"] == "pending"
    by_artist = (await api.client.get("/api/library/tracks")).json()["tracks"]
    assert [t["artist"] for t in by_artist] == ["Abe", "Zed", None]
    down = (await api.client.get("/api/library/tracks", params={"sort": "-artist"})).json()["tracks"]
    assert [t["artist"] for t in down] == ["Zed", "Abe", None]
    by_bpm = (await api.client.get("/api/library/tracks", params={"sort": "-bpm"})).json()["tracks"]
    assert [t["bpm"] for t in by_bpm] == [120.0, 108.264787, None]
    assert (await api.client.get("/api/library/tracks", params={"filter": "lost"})).status_code == 422
    assert (await api.client.get("/api/library/tracks", params={"sort": "position"})).status_code == 422


async def test_a_playlists_tracks_in_its_order_with_positions(api: Api) -> None:
    library = api.state.library
    assert library is not None
    ids = _fill(library)
    playlist = library.create_playlist("Warm-up", track_ids=[ids[2], ids[0], ids[2], ids[1]])
    body = (await api.client.get(f"/api/playlists/{playlist}/tracks")).json()
    assert body["total"] == 4 and body["sort"] == "position"
    assert [t["id"] for t in body["tracks"]] == [ids[2], ids[0], ids[2], ids[1]]
    positions = [t["position"] for t in body["tracks"]]
    assert positions == sorted(positions) and len({t["entry_id"] for t in body["tracks"]}) == 4
    by_title = (await api.client.get(f"/api/playlists/{playlist}/tracks", params={"sort": "-title"})).json()
    assert [t["title"] for t in by_title["tracks"]] == ["Gamma", "Gamma", "Beta", "Alpha"]
    found = (await api.client.get(f"/api/playlists/{playlist}/tracks", params={"search": "gamma"})).json()
    assert found["total"] == 2
    page = (await api.client.get(f"/api/playlists/{playlist}/tracks", params={"limit": 1, "offset": 3})).json()
    assert [t["id"] for t in page["tracks"]] == [ids[1]]
    missing = await api.client.get("/api/playlists/999/tracks")
    assert missing.status_code == 404 and "No playlist with id 999" in missing.json()["error"]


async def test_cue_types_read_as_a_dj_writes_them(api: Api) -> None:
    library = api.state.library
    assert library is not None
    track = library.add_track(
        TrackValues(path="/m/cues.mp3"),
        [CueValues(type=1, start=0.0), CueValues(type=0, start=10.0, hotcue=0), CueValues(type=5, start=20.0)],
    )
    cues = (await api.client.get(f"/api/library/tracks/{track}")).json()["cues"]
    assert [(c["type"], c["type_label"]) for c in cues] == [("fade_in", "Fade-in"), ("cue", "Cue"), ("loop", "Loop")]


async def test_locate_answers_where_a_track_stands_in_the_whole_list(api: Api) -> None:
    library = api.state.library
    assert library is not None
    alpha, beta, gamma = _fill(library)
    playlist = library.create_playlist("Twice", track_ids=[gamma, alpha, gamma])
    entries = [e.id for e in library.playlist_entries(playlist)]

    async def located(url: str, **params: object) -> object:
        answer = await api.client.get(url, params={"limit": 1, **params})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert len(body["tracks"]) == 1  # the page is as asked; `located` is about the whole list
        return body["located"]

    # By title: Alpha, Beta, Gamma; descending by BPM: Gamma (120), Alpha (108), then Beta (no BPM) last.
    assert await located("/api/library/tracks", sort="title", locate=gamma) == 2
    assert await located("/api/library/tracks", sort="-bpm", locate=beta) == 2
    assert await located("/api/library/tracks", sort="-bpm", locate=gamma) == 0
    assert await located("/api/library/tracks", search="gamma", locate=alpha) is None  # not in the list
    assert await located(f"/api/playlists/{playlist}/tracks", locate=gamma, locate_entry=entries[2]) == 2
    assert await located(f"/api/playlists/{playlist}/tracks", locate=alpha) == 1
    plain = (await api.client.get("/api/library/tracks")).json()
    assert "located" not in plain  # only when asked
    refused = await api.client.get("/api/library/tracks", params={"locate": 0})
    assert refused.status_code == 422


async def test_every_id_of_a_list_comes_in_one_answer_in_the_lists_order(api: Api) -> None:
    """Ctrl-A then an action: the ids of every row, in the order the pages list them, with the same search,
    sort and filter (the page read every row whole for it: 19 s at 100,000 tracks)."""
    library = api.state.library
    assert library is not None
    ids = _fill(library)
    library.update_track(ids[0], {"rating": 5})
    for params in ({}, {"sort": "-bpm"}, {"sort": "title", "search": "a"}, {"filter": "pending"}, {"search": "qzx"}):
        listed = (await api.client.get("/api/library/tracks", params={**params, "limit": 500})).json()
        every = (await api.client.get("/api/library/track-ids", params=params)).json()
        assert every == {"total": listed["total"], "ids": [t["id"] for t in listed["tracks"]]}, params
    assert (await api.client.get("/api/library/track-ids", params={"filter": "pending"})).json()["ids"] == [ids[0]]

    # A playlist: each entry's position too, a track held twice once per entry.
    playlist = library.create_playlist("Twice", track_ids=[ids[2], ids[0], ids[2]])
    for sort in (None, "-position", "title"):
        params = {"sort": sort} if sort else {}
        listed = (await api.client.get(f"/api/playlists/{playlist}/tracks", params=params)).json()
        every = (await api.client.get(f"/api/playlists/{playlist}/track-ids", params=params)).json()
        assert every["ids"] == [t["id"] for t in listed["tracks"]], sort
        assert every["positions"] == [t["position"] for t in listed["tracks"]] and every["total"] == 3, sort
    # A smart list: its tracks, no positions.
    smart = library.create_playlist("Has a", None, None, smart_query='$TITLE % "a"')
    every = (await api.client.get(f"/api/playlists/{smart}/track-ids")).json()
    listed = (await api.client.get(f"/api/playlists/{smart}/tracks")).json()
    assert every["ids"] == [t["id"] for t in listed["tracks"]] and set(every["positions"]) == {None}

    assert (await api.client.get("/api/playlists/99999/track-ids")).status_code == 404
    refused = await api.client.get("/api/library/track-ids", params={"sort": "shoe size"})
    assert refused.status_code == 422 and "query.sort" in refused.text
