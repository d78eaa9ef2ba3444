"""Scanning folders of real (tiny) audio files written by the test, tagged with mutagen."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import soundfile
from mutagen.aiff import AIFF
from mutagen.flac import FLAC
from mutagen.id3 import COMM, ID3, TALB, TBPM, TCON, TDRC, TIT2, TKEY, TPE1, TPE4, TPUB, TRCK
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from harmony.library import Library, scan_paths
from harmony.library.scan import ScanResult

TODAY = date(2026, 11, 28)


def _tone(seconds: float, rate: int = 48_000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def _write(path: Path, seconds: float, **kwargs: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), _tone(seconds), 48_000, **kwargs)  # type: ignore[arg-type]
    return path


def _id3_frames(tags: ID3) -> None:
    tags.add(TIT2(encoding=3, text="Mp3 Title"))
    tags.add(TPE1(encoding=3, text="Mp3 Artist"))
    tags.add(TALB(encoding=3, text="Mp3 Album"))
    tags.add(TCON(encoding=3, text="Deep House"))
    tags.add(TPUB(encoding=3, text="Mp3 Label"))
    tags.add(COMM(encoding=3, lang="eng", desc="", text="Warm-up"))
    tags.add(TDRC(encoding=3, text="2019-07-12"))
    tags.add(TBPM(encoding=3, text="126"))
    tags.add(TKEY(encoding=3, text="Am"))
    tags.add(TRCK(encoding=3, text="3/10"))
    tags.add(TPE4(encoding=3, text="Some Remixer"))


@pytest.fixture(scope="module")
def music(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("music")
    mp3 = _write(root / "a.mp3", 2.0, format="MP3")
    tags = ID3()
    _id3_frames(tags)
    tags.save(mp3)

    flac = FLAC(_write(root / "b.flac", 1.5))
    flac.update(
        {
            "title": "Flac Title",
            "artist": "Flac Artist",
            "bpm": "124.5",
            "initialkey": "8A",
            "date": "2021",
            "tracknumber": "2",
            "totaltracks": "9",
            "label": "Flac Label",
        }
    )
    flac.save()

    ogg = OggVorbis(_write(root / "sub" / "c.ogg", 1.0, format="OGG", subtype="VORBIS"))
    ogg.update({"TITLE": "Ogg Title", "ARTIST": "Ogg Artist", "GENRE": "Techno", "INITIALKEY": "Eb Minor"})
    ogg.save()

    opus = OggOpus(_write(root / "sub" / "d.opus", 1.0, format="OGG", subtype="OPUS"))
    opus["title"] = "Opus Title"
    opus.save()

    aiff = AIFF(_write(root / "e.aiff", 1.0, format="AIFF"))
    aiff.add_tags()
    aiff.tags.add(TIT2(encoding=3, text="Aiff Title"))  # type: ignore[union-attr]
    aiff.tags.add(TKEY(encoding=3, text="12d"))  # type: ignore[union-attr]
    aiff.save()

    wave = WAVE(_write(root / "f.wav", 1.0))
    wave.add_tags()
    wave.tags.add(TIT2(encoding=3, text="Wav Title"))  # type: ignore[union-attr]
    wave.save()

    _write(root / "sub" / "deeper" / "no tags.wav", 0.5)
    (root / "corrupt.flac").write_bytes(b"fLaC" + b"\x00\xff" * 500)
    (root / "noise.mp3").write_bytes(bytes(range(256)) * 4)
    (root / "readme.txt").write_text("not audio")
    (root / "._a.mp3").write_bytes(b"AppleDouble shadow file")
    return root


@pytest.fixture(scope="module")
def scanned(music: Path) -> tuple[ScanResult, list[tuple[str, float, str]]]:
    events: list[tuple[str, float, str]] = []

    def progress(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
        events.append((phase, percent, message))

    return scan_paths([music], progress, today=TODAY), events


def _by_name(result: ScanResult) -> dict[str, object]:
    return {Path(t.path).name: t for t in result.tracks}


def test_every_readable_format_is_found_and_the_rest_reported(scanned: tuple[ScanResult, list]) -> None:
    result, _ = scanned
    assert sorted(_by_name(result)) == [
        "a.mp3",
        "b.flac",
        "c.ogg",
        "d.opus",
        "e.aiff",
        "f.wav",
        "no tags.wav",
    ]
    failed = {Path(f.path).name: f.reason for f in result.failures}
    assert set(failed) == {"corrupt.flac", "noise.mp3"}
    assert all(reason for reason in failed.values())
    assert result.missing == ()


def test_id3_tags_of_an_mp3(scanned: tuple[ScanResult, list]) -> None:
    mp3 = _by_name(scanned[0])["a.mp3"]
    assert (mp3.title, mp3.artist, mp3.album, mp3.genre, mp3.label) == (  # type: ignore[attr-defined]
        "Mp3 Title",
        "Mp3 Artist",
        "Mp3 Album",
        "Deep House",
        "Mp3 Label",
    )
    assert mp3.comment == "Warm-up"  # type: ignore[attr-defined]
    assert (mp3.year, mp3.release_date) == (2019, date(2019, 7, 12))  # type: ignore[attr-defined]
    assert mp3.bpm == 126.0  # type: ignore[attr-defined]
    assert (mp3.key_text, mp3.musical_key) == ("Am", 21)  # type: ignore[attr-defined]
    assert (mp3.track_number, mp3.of_tracks) == (3, 10)  # type: ignore[attr-defined]
    assert mp3.remixer == "Some Remixer"  # type: ignore[attr-defined]
    assert mp3.duration == pytest.approx(2.0, abs=0.1)  # type: ignore[attr-defined]
    assert mp3.bitrate and mp3.bitrate > 0  # type: ignore[attr-defined]
    assert mp3.file_size == Path(mp3.path).stat().st_size  # type: ignore[attr-defined]
    assert mp3.date_added == TODAY  # type: ignore[attr-defined]
    assert Path(mp3.path).is_absolute()  # type: ignore[attr-defined]


def test_vorbis_comments_of_flac_ogg_and_opus(scanned: tuple[ScanResult, list]) -> None:
    tracks = _by_name(scanned[0])
    flac, ogg, opus = tracks["b.flac"], tracks["c.ogg"], tracks["d.opus"]
    assert (flac.title, flac.artist, flac.label, flac.bpm) == (
        "Flac Title",
        "Flac Artist",
        "Flac Label",
        124.5,
    )  # type: ignore[attr-defined]
    assert (flac.key_text, flac.musical_key, flac.year) == ("8A", 21, 2021)  # type: ignore[attr-defined]
    assert (flac.track_number, flac.of_tracks) == (2, 9)  # type: ignore[attr-defined]
    assert flac.duration == pytest.approx(1.5, abs=0.01)  # type: ignore[attr-defined]
    assert (ogg.title, ogg.artist, ogg.genre, ogg.musical_key) == ("Ogg Title", "Ogg Artist", "Techno", 15)  # type: ignore[attr-defined]
    assert opus.title == "Opus Title"  # type: ignore[attr-defined]
    assert opus.duration == pytest.approx(1.0, abs=0.05)  # type: ignore[attr-defined]


def test_id3_in_aiff_and_wav_and_a_file_without_tags(scanned: tuple[ScanResult, list]) -> None:
    tracks = _by_name(scanned[0])
    assert (tracks["e.aiff"].title, tracks["e.aiff"].musical_key) == ("Aiff Title", 5)  # type: ignore[attr-defined]
    assert tracks["f.wav"].title == "Wav Title"  # type: ignore[attr-defined]
    bare = tracks["no tags.wav"]
    assert (bare.title, bare.artist, bare.bpm, bare.musical_key) == (None, None, None, None)  # type: ignore[attr-defined]
    assert bare.duration == pytest.approx(0.5, abs=0.01)  # type: ignore[attr-defined]
    assert bare.bitrate == 48_000 * 16  # type: ignore[attr-defined]  # mono 16-bit PCM


def test_progress_runs_from_scanning_to_complete(scanned: tuple[ScanResult, list]) -> None:
    _, events = scanned
    phases = [phase for phase, _, _ in events]
    assert phases[0] == "scanning" and phases[-1] == "complete"
    assert set(phases) == {"scanning", "reading", "complete"}
    reading = [percent for phase, percent, _ in events if phase == "reading"]
    assert reading == sorted(reading) and reading[-1] == 100.0
    assert events[-1][1] == 100.0 and "2 unreadable" in events[-1][2]


def test_missing_paths_are_reported_not_fatal(music: Path, tmp_path: Path) -> None:
    result = scan_paths([music / "a.mp3", tmp_path / "nowhere"])
    assert [Path(t.path).name for t in result.tracks] == ["a.mp3"]
    assert result.missing == (str(tmp_path / "nowhere"),)


def test_adding_a_scan_skips_files_already_in_the_library(library: Library, scanned: tuple[ScanResult, list]) -> None:
    result, _ = scanned
    first = library.add_scanned(result)
    assert len(first.added) == 7 and first.already_present == 0
    assert len(first.failures) == 2
    version = library.version
    again = library.add_scanned(result)
    assert again.added == () and again.already_present == 7
    assert library.version == version  # nothing new: no edit
    assert library.search_tracks("flac").total == 1


def test_the_scan_runs_in_a_spawned_worker_process(music: Path) -> None:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        result = pool.submit(scan_paths, [str(music)], None, today=TODAY).result(timeout=120)
    assert len(result.tracks) == 7 and len(result.failures) == 2


def test_control_characters_in_tags_are_left_out_of_the_values(tmp_path: Path) -> None:
    """A tag may hold a control character (a stray NUL or separator); the library, like the collection, cannot:
    the file is still read, its text without them."""
    from harmony.library import read_track

    flac = FLAC(_write(tmp_path / "odd.flac", 0.5))
    flac.update({"title": ["Odd\x01Title\x00"], "artist": ["Bell\x07 Artist"]})
    flac.save()
    values = read_track(tmp_path / "odd.flac", TODAY)
    assert (values.title, values.artist) == ("Odd Title", "Bell  Artist")  # a separator reads as a space
