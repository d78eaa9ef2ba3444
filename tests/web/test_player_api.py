"""The player's endpoints: audio with and without Range, refusals, a missing file, waveforms, cover art."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.id3 import APIC, ID3

from harmony.devtools.audio_gen import FORMATS, write_tone
from harmony.library import Library, TrackValues

from .conftest import Api


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HARMONY_CACHE_DIR", str(folder))
    return folder


def _add(api: Api, path: Path) -> int:
    library = api.state.library
    assert isinstance(library, Library)
    return library.add_track(TrackValues(path=str(path), title=path.stem))


async def test_audio_whole_and_by_range(api: Api, tmp_path: Path) -> None:
    path = write_tone(tmp_path / "tone.mp3", "mp3", seconds=1.0)
    data = path.read_bytes()
    track = _add(api, path)
    whole = await api.client.get(f"/api/library/tracks/{track}/audio")
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["content-type"] == "audio/mpeg" and whole.headers["accept-ranges"] == "bytes"
    part = await api.client.get(f"/api/library/tracks/{track}/audio", headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.content == data[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{len(data)}"
    tail = await api.client.get(f"/api/library/tracks/{track}/audio", headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.content == data[-50:]
    beyond = await api.client.get(f"/api/library/tracks/{track}/audio", headers={"Range": f"bytes={len(data) + 10}-"})
    assert beyond.status_code == 416
    assert path.read_bytes() == data  # only read


async def test_only_a_library_tracks_file_is_served(api: Api, tmp_path: Path) -> None:
    secret = tmp_path / "secret.mp3"
    secret.write_bytes(b"not for the browser")
    nothing = await api.client.get("/api/library/tracks/42/audio")
    assert nothing.status_code == 404 and "No track with id 42" in nothing.json()["error"]
    for probe in ("?path=" + str(secret), "/../../../etc/passwd"):
        answer = await api.client.get(f"/api/library/tracks/42/audio{probe}")
        assert answer.status_code in (404, 422) and answer.content != secret.read_bytes()
    assert (await api.client.get("/api/library/tracks/0/audio")).status_code == 422
    # Another site's page may not make Harmony read or decode files (a browser says who asked).
    track = _add(api, write_tone(tmp_path / "tone.wav", "wav", seconds=0.5))
    for kind in ("audio", "waveform", "cover"):
        foreign = await api.client.get(f"/api/library/tracks/{track}/{kind}", headers={"Sec-Fetch-Site": "cross-site"})
        assert foreign.status_code == 403
    own = await api.client.get(f"/api/library/tracks/{track}/audio", headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 200


async def test_a_missing_file_says_so(api: Api, tmp_path: Path) -> None:
    track = _add(api, tmp_path / "gone" / "Lost Track.mp3")
    for kind in ("audio", "waveform", "cover"):
        answer = await api.client.get(f"/api/library/tracks/{track}/{kind}")
        assert answer.status_code == 404
        message = answer.json()["error"]
        assert "audio file of this track is missing" in message and "Lost Track.mp3" in message


async def test_a_file_too_small_for_audio_says_it_holds_none(api: Api, tmp_path: Path) -> None:
    # The demo's and the generator's placeholders are a format's few signature bytes: FFmpeg's "Invalid data"
    # and the browser's "may be damaged" left the DJ guessing; the file is served or decoded for nothing.
    for name, data in (("Placeholder.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00"), ("Empty.flac", b"")):
        path = tmp_path / name
        path.write_bytes(data)
        track = _add(api, path)
        for kind in ("audio", "waveform"):
            answer = await api.client.get(f"/api/library/tracks/{track}/{kind}")
            assert answer.status_code == 422, (kind, answer.text)
            assert answer.json()["error"] == (
                f"{name} holds no audio: the file is only {len(data)} bytes (a placeholder, or an empty or "
                "unfinished copy)."
            )
        assert (await api.client.get(f"/api/library/tracks/{track}/cover")).status_code == 404  # no picture


async def test_a_file_that_is_not_audio_says_so(api: Api, tmp_path: Path) -> None:
    # A damaged or placeholder file: a plain refusal naming the file, never a server error.
    for name in ("placeholder.m4a", "placeholder.aiff"):
        path = tmp_path / name
        path.write_bytes(b"this is not audio" * 100)
        track = _add(api, path)
        kinds = ("waveform", "audio") if name.endswith(".aiff") else ("waveform",)
        for kind in kinds:
            answer = await api.client.get(f"/api/library/tracks/{track}/{kind}")
            assert answer.status_code == 422, (kind, answer.text)
            message = answer.json()["error"]
            assert f"cannot read the audio of {name}" in message
            assert "Errno" not in message and str(tmp_path) not in message, message  # FFmpeg's words, plainly


async def test_aiff_and_alac_are_served_as_flac_from_the_cache(api: Api, tmp_path: Path, cache: Path) -> None:
    for kind in ("aiff", "alac.m4a"):
        path = write_tone(tmp_path / f"tone.{kind}", kind, seconds=1.0)
        before = path.read_bytes()
        track = _add(api, path)
        first = await api.client.get(f"/api/library/tracks/{track}/audio")
        assert first.status_code == 200 and first.headers["content-type"] == "audio/flac"
        assert first.content[:4] == b"fLaC"
        again = await api.client.get(f"/api/library/tracks/{track}/audio", headers={"Range": "bytes=0-3"})
        assert again.status_code == 206 and again.content == b"fLaC"
        assert path.read_bytes() == before
    assert len(list((cache / "audio").glob("*.flac"))) == 2


async def test_waveform_shape_and_cache(api: Api, tmp_path: Path, cache: Path) -> None:
    track = _add(api, write_tone(tmp_path / "tone.flac", "flac", seconds=3.0, peak=0.5))
    body = (await api.client.get(f"/api/library/tracks/{track}/waveform")).json()
    assert set(body) == {"duration_ms", "sample_rate", "peaks"}
    assert body["duration_ms"] == 3000 and body["sample_rate"] == 44_100
    assert 120 <= max(body["peaks"]) <= 135 and min(body["peaks"]) == 0
    assert len(list((cache / "waveforms").glob("*.json"))) == 1
    assert (await api.client.get(f"/api/library/tracks/{track}/waveform")).json() == body


async def test_cover_art(api: Api, tmp_path: Path) -> None:
    bare = _add(api, write_tone(tmp_path / "bare.mp3", "mp3", seconds=0.5))
    answer = await api.client.get(f"/api/library/tracks/{bare}/cover")
    assert answer.status_code == 404 and answer.json()["error"] == "This track has no embedded cover art."
    path = write_tone(tmp_path / "covered.mp3", "mp3", seconds=0.5)
    picture = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    tags = ID3()
    tags.add(APIC(encoding=3, mime="image/png", type=3, desc="Cover", data=picture))
    tags.save(path)
    covered = _add(api, path)
    answer = await api.client.get(f"/api/library/tracks/{covered}/cover")
    assert answer.status_code == 200 and answer.content == picture
    assert answer.headers["content-type"] == "image/png"


#: What the browser is sent for each format: the file as it is, or a FLAC copy of what it cannot play.
SERVED_AS = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "flac": "audio/flac", "wav": "audio/wav", "ogg": "audio/ogg"}


@pytest.mark.parametrize("kind", list(FORMATS))
async def test_each_format_has_a_waveform_and_plays(api: Api, tmp_path: Path, kind: str) -> None:
    # Two seconds of a tone rising from silence to 0.8 of full scale, written in the format by the test.
    path = write_tone(tmp_path / f"tone.{kind}", kind, seconds=2.0, peak=0.8)
    before = path.read_bytes()
    track = _add(api, path)
    answer = await api.client.get(f"/api/library/tracks/{track}/waveform")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert abs(body["duration_ms"] - 2000) < 100  # AAC and Opus frames add a little padding
    peaks = body["peaks"]
    assert 180 <= max(peaks) <= 215 and max(peaks[:10]) < 20
    assert sum(peaks[-len(peaks) // 5 :]) > 3 * sum(peaks[: len(peaks) // 5])
    audio = await api.client.get(f"/api/library/tracks/{track}/audio", headers={"Range": "bytes=0-15"})
    assert audio.status_code == 206
    if kind in SERVED_AS:
        assert audio.headers["content-type"] == SERVED_AS[kind] and audio.content == before[:16]
    else:  # AIFF and ALAC: decoded into FLAC, which every browser plays
        assert audio.headers["content-type"] == "audio/flac" and audio.content[:4] == b"fLaC"
    assert path.read_bytes() == before
