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
