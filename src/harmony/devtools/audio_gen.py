"""Write short audio files of every format a DJ keeps, for the player's tests and benchmarks.

The signal is a 440 Hz tone whose loudness rises from silence to ``peak`` of full scale over the file, so a
waveform of it must rise too. Encoded with PyAV (FFmpeg's encoders), in the container each format lives in.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np
from av.audio.stream import AudioStream

__all__ = ["FORMATS", "write_tone"]

#: Extension → (container format, codec, sample format the codec takes, options).
FORMATS: dict[str, tuple[str, str, str, dict[str, str]]] = {
    "mp3": ("mp3", "libmp3lame", "s16p", {}),
    "m4a": ("ipod", "aac", "fltp", {}),
    "alac.m4a": ("ipod", "alac", "s16p", {}),
    "flac": ("flac", "flac", "s16", {}),
    "wav": ("wav", "pcm_s16le", "s16", {}),
    "aiff": ("aiff", "pcm_s16be", "s16", {}),
    "ogg": ("ogg", "libopus", "s16", {}),
}


def write_tone(path: Path, kind: str, seconds: float = 2.0, *, rate: int = 44_100, peak: float = 0.8) -> Path:
    """Write ``seconds`` of the rising tone to ``path`` as ``kind`` (a key of :data:`FORMATS`)."""
    container_format, codec, sample_format, options = FORMATS[kind]
    if codec == "libopus":
        rate = 48_000  # the only rates Opus takes are 8–48 kHz; 48 kHz is its own
    total = int(seconds * rate)
    with av.open(str(path), "w", format=container_format) as output:
        stream = cast(AudioStream, output.add_stream(codec, rate=rate, layout="stereo", options=options))
        stream.time_base = Fraction(1, rate)
        frame_size = stream.codec_context.frame_size or 1024
        done = 0
        while done < total:
            count = min(frame_size, total - done)
            index = np.arange(done, done + count)
            wave = np.sin(2 * np.pi * 440 * index / rate) * (peak * index / total)
            planar = np.vstack([wave, wave])
            if sample_format.startswith("s16"):
                data = (planar * 32767).astype(np.int16)
            else:
                data = planar.astype(np.float32)
            if not sample_format.endswith("p"):
                data = data.T.reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(data, format=sample_format, layout="stereo")
            frame.sample_rate = rate
            frame.pts = done
            frame.time_base = Fraction(1, rate)
            for packet in stream.encode(frame):
                output.mux(packet)
            done += count
        for packet in stream.encode(None):
            output.mux(packet)
    return path
