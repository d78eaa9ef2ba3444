"""The pure parts of missing files: relocate matching, duplicate groups and the keep rule, mapping votes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from harmony.sync.duplicates import MIN_AUDIO_BYTES, DuplicateCandidate, choose_keeper, find_duplicates
from harmony.sync.path_suggestions import key_names, vote_mappings
from harmony.sync.relocate import FileIndex, FileProbe, LostTrack, match_lost_tracks


def _no_probe(path: str) -> FileProbe | None:
    raise AssertionError(f"{path} should not have been opened")


def test_name_and_size_settle_a_match_without_opening_a_file() -> None:
    index = FileIndex.of([("/new/A/Song.MP3", 10_240), ("/new/B/other.mp3", 5_000)])
    [match] = match_lost_tracks([LostTrack(1, "/old/A/song.mp3", 10_240)], index, _no_probe, lambda p: None)
    assert (match.new_path, match.confidence) == ("/new/A/Song.MP3", "exact")


def test_a_renamed_file_needs_its_size_and_its_tags() -> None:
    index = FileIndex.of([("/new/b (1).mp3", 8192), ("/new/c.mp3", 8192)])
    probes = {"/new/b (1).mp3": FileProbe(180.0, "Art", "B"), "/new/c.mp3": FileProbe(180.0, "Art", "C")}
    tracks = [LostTrack(1, "/old/b.mp3", 8192, 180.5, "Art", "B"), LostTrack(2, "/old/d.mp3", 8192, 1.0, "X", "D")]
    found, gone = match_lost_tracks(tracks, index, probes.get, lambda p: None)
    assert (found.new_path, found.confidence) == ("/new/b (1).mp3", "likely")
    assert (gone.new_path, gone.confidence) == (None, "not_found")


def _candidate(track_id: int, path: str, **values: object) -> DuplicateCandidate:
    base: dict[str, object] = {
        "artist": "Art",
        "title": "Song",
        "duration": 200.0,
        "file_size": None,
        "bitrate": None,
        "cues": 0,
        "date_added": None,
    }
    base.update(values)
    return DuplicateCandidate(track_id, path, **base)  # type: ignore[arg-type]


def test_keep_rule_is_cues_then_lossless_then_bitrate_then_newest() -> None:
    mp3 = _candidate(1, "/a.mp3", bitrate=320_000, date_added=date(2024, 1, 1))
    flac = _candidate(2, "/a.flac", bitrate=900_000)
    newer = _candidate(3, "/b.mp3", bitrate=320_000, date_added=date(2025, 1, 1))
    assert choose_keeper([mp3, flac, newer]).id == 2
    assert choose_keeper([mp3, newer]).id == 3
    assert choose_keeper([mp3, flac, _candidate(4, "/c.mp3", cues=3)]).id == 4


def test_groups_exact_by_content_and_likely_by_artist_title_and_duration() -> None:
    tracks = [
        _candidate(1, "/1.mp3", file_size=5_000_000, title="One"),
        _candidate(2, "/2.mp3", file_size=5_000_000, title="Other name"),
        _candidate(3, "/3.mp3", title="song", artist="ART", duration=200.9),
        _candidate(4, "/4.mp3", duration=201.5),
        _candidate(5, "/5.mp3", duration=199.0),
    ]
    groups = find_duplicates(tracks, {"/1.mp3": "h", "/2.mp3": "h"}.get)
    assert [(g.kind, g.track_ids) for g in groups] == [("exact", (1, 2)), ("likely", (3, 4))]


def test_the_same_bytes_are_one_recording_only_where_the_lengths_agree() -> None:
    """Copies of one content that the library says last minutes apart are not merged as "the same audio" (files
    overwritten since Traktor analysed them); those within a second of each other are."""
    same = {f"/{n}.mp3": "h" for n in range(1, 6)}.get
    tracks = [
        _candidate(1, "/1.mp3", file_size=5_000_000, title="A", duration=200.0),
        _candidate(2, "/2.mp3", file_size=5_000_000, title="B", duration=200.8),
        _candidate(3, "/3.mp3", file_size=5_000_000, title="C", duration=201.6),  # 1.6 s from the first
        _candidate(4, "/4.mp3", file_size=5_000_000, title="D", duration=330.0),
        _candidate(5, "/5.mp3", file_size=5_000_000, title="E", duration=331.0),
    ]
    groups = find_duplicates(tracks, same)
    assert [(g.kind, g.track_ids) for g in groups] == [("exact", (1, 2)), ("exact", (4, 5))]


def test_a_copy_without_a_length_joins_copies_that_agree_and_only_those() -> None:
    same = {f"/{n}.mp3": "h" for n in range(1, 5)}.get
    agreeing = [
        _candidate(1, "/1.mp3", file_size=5_000_000, title="A", duration=200.0),
        _candidate(2, "/2.mp3", file_size=5_000_000, title="B", duration=200.4),
        _candidate(3, "/3.mp3", file_size=5_000_000, title="C", duration=None),
    ]
    assert [g.track_ids for g in find_duplicates(agreeing, same)] == [(1, 2, 3)]
    one_timed = [agreeing[0], agreeing[2]]
    assert [g.track_ids for g in find_duplicates(one_timed, same)] == [(1, 3)]
    split = [*agreeing, _candidate(4, "/4.mp3", file_size=5_000_000, title="D", duration=420.0)]
    assert [g.track_ids for g in find_duplicates(split, same)] == [(1, 2)]


def test_files_too_small_to_hold_a_song_are_never_the_same_audio() -> None:
    """Placeholders and empty files share their few bytes: that says nothing about the songs."""
    tiny = [_candidate(n, f"/{n}.mp3", file_size=10, title=f"Song {n}", duration=200.0) for n in (1, 2, 3)]
    assert find_duplicates(tiny, lambda path: "h") == []
    at_the_edge = [replace(t, file_size=MIN_AUDIO_BYTES) for t in tiny]
    assert [g.track_ids for g in find_duplicates(at_the_edge, lambda path: "h")] == [(1, 2, 3)]


def test_mapping_votes_name_the_prefixes_before_the_shared_tail() -> None:
    names = key_names("C:/:Users/:josev/:Music/:House/:a.mp3")
    assert names == ("C:", "Users", "josev", "Music", "House", "a.mp3")
    assert names is not None
    votes = vote_mappings([names], {"a.mp3": ["/home/me/Music/House/a.mp3"]})
    assert votes.most_common(1)[0][0] == ("C:/Users/josev", "/home/me")


def test_tags_then_hashes_decide_between_files_of_one_name_and_size() -> None:
    index = FileIndex.of([("/x/a.mp3", 4096), ("/y/a.mp3", 4096), ("/z/a.mp3", 4096)])
    probes = {
        "/x/a.mp3": FileProbe(200.0, "Art", "A"),
        "/y/a.mp3": FileProbe(200.4, "ART", "a"),
        "/z/a.mp3": FileProbe(90.0, "Art", "A"),
    }
    track = LostTrack(1, "/old/y/a.mp3", 4096, 200.0, "Art", "A")
    different = match_lost_tracks([track], index, probes.get, {"/x/a.mp3": "1", "/y/a.mp3": "2"}.get)
    assert (different[0].confidence, sorted(different[0].candidates)) == ("ambiguous", ["/x/a.mp3", "/y/a.mp3"])
    copies = match_lost_tracks([track], index, probes.get, lambda path: "same")
    assert (copies[0].new_path, copies[0].confidence) == ("/y/a.mp3", "likely")  # the folder that looks alike


def test_an_unreadable_file_of_the_name_is_likely_only_where_no_size_says_otherwise() -> None:
    # A 5 KB file of the track's name that cannot be read, beside a recording the library knows as 132 MB, is
    # listed for the DJ to confirm, not ticked as likely; with no size known, nothing says it is not the file.
    index = FileIndex.of([("/new/Song.mp3", 5_000)])
    sized, unsized = match_lost_tracks(
        [LostTrack(1, "/old/Song.mp3", 132_000_000, 300.0), LostTrack(2, "/old/song.mp3", None, 300.0)],
        index,
        lambda path: None,
        lambda path: None,
    )
    assert (sized.new_path, sized.confidence, sized.candidates) == (None, "ambiguous", ("/new/Song.mp3",))
    assert (unsized.new_path, unsized.confidence) == ("/new/Song.mp3", "likely")
