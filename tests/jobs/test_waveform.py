"""The player's decoding jobs on files of every format, written by the test itself (PyAV encoders)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harmony.devtools.audio_gen import FORMATS, write_tone
from harmony.jobs.waveform import PEAKS, compute_waveform, transcode_for_browser


@pytest.mark.parametrize("kind", list(FORMATS))
def test_a_waveform_of_each_format_follows_the_signal(tmp_path: Path, kind: str) -> None:
    path = write_tone(tmp_path / f"tone.{kind}", kind, seconds=2.0, peak=0.8)
    waveform = compute_waveform(str(path))
    # Encoders add a little padding (AAC and Opus frames), never a tenth of a second.
    assert abs(waveform.duration_ms - 2000) < 100
    peaks = waveform.peaks
    assert 300 <= len(peaks) <= PEAKS and all(0 <= p <= 255 for p in peaks)
    # The tone rises from silence to 0.8 of full scale: quiet at the start, about 204 near the end.
    assert max(peaks[:10]) < 20
    assert 180 <= max(peaks) <= 215
    tenth = len(peaks) // 10
    assert sum(peaks[-2 * tenth : -tenth]) > 3 * sum(peaks[2 * tenth : 3 * tenth])


def test_a_long_track_has_the_fixed_number_of_peaks(tmp_path: Path) -> None:
    path = write_tone(tmp_path / "long.flac", "flac", seconds=8.0)
    waveform = compute_waveform(str(path))
    assert len(waveform.peaks) == PEAKS and waveform.sample_rate == 44_100


@pytest.mark.parametrize("kind", ["aiff", "alac.m4a"])
def test_a_format_browsers_cannot_play_becomes_flac(tmp_path: Path, kind: str) -> None:
    source = write_tone(tmp_path / f"tone.{kind}", kind, seconds=1.0)
    before = source.read_bytes()
    target = tmp_path / "copy.flac"
    size = transcode_for_browser(str(source), str(target))
    assert size == target.stat().st_size and target.read_bytes()[:4] == b"fLaC"
    assert abs(compute_waveform(str(target)).duration_ms - 1000) < 30
    assert source.read_bytes() == before  # the original is only read
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_file_that_is_not_audio_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp3"
    path.write_text("not audio at all")
    with pytest.raises(Exception):  # noqa: B017 - FFmpeg's error types vary by version; any refusal will do
        compute_waveform(str(path))


def _write_wav(path: Path, channels: list[list[int]], width: int) -> None:
    import wave

    import numpy as np

    dtype = np.int16 if width == 2 else np.uint8
    frames = np.array(channels, dtype=dtype).T.reshape(-1)  # interleaved, as WAV keeps them
    with wave.open(str(path), "wb") as out:
        out.setnchannels(len(channels))
        out.setsampwidth(width)
        out.setframerate(44_100)
        out.writeframes(frames.tobytes())


def test_a_click_shows_in_its_own_peak_on_either_channel(tmp_path: Path) -> None:
    # Ten seconds of silence with two clicks: full scale negative on the right (an integer's most negative
    # value has no positive twin), and half scale in the left channel's very last sample.
    total = 441_000
    left, right = [0] * total, [0] * total
    right[300_000] = -32768
    left[total - 1] = 16384
    path = tmp_path / "clicks.wav"
    _write_wav(path, [left, right], width=2)
    waveform = compute_waveform(str(path))
    assert waveform.duration_ms == 10_000 and len(waveform.peaks) == PEAKS
    blocks = -(-total // 256)  # the peaks are measured over 256 samples, then gathered into 1,000
    first, last = 300_000 // 256 * PEAKS // blocks, (total - 1) // 256 * PEAKS // blocks
    assert waveform.peaks[first] == 255 and waveform.peaks[last] == 128
    assert [i for i, p in enumerate(waveform.peaks) if p] == [first, last]


def test_unsigned_eight_bit_silence_is_silence(tmp_path: Path) -> None:
    path = tmp_path / "eight.wav"
    quiet = [128] * 44_100
    loud = list(quiet)
    loud[22_050] = 0  # the lowest 8-bit value: full scale below silence
    _write_wav(path, [quiet, loud], width=1)
    peaks = compute_waveform(str(path)).peaks
    assert max(peaks) == 255 and sum(1 for p in peaks if p) == 1
