"""Jobs that read an audio file for the player: its overview waveform, and a copy a browser can play.

Both run on a worker of the sync pool (decoding a six-minute track is a few hundred milliseconds of CPU, which
must not hold the web server's event loop). They decode with PyAV, FFmpeg's own decoders, so every format a DJ
keeps plays: MP3, AAC and ALAC in M4A, FLAC, WAV, AIFF, Ogg Vorbis, Opus. They only read the audio file; the
copy is written into the cache folder the caller names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: ``import harmony.jobs`` stays light for the CLI
    import av
    import numpy as np

__all__ = ["PEAKS", "Waveform", "compute_waveform", "transcode_for_browser"]

#: How many peaks an overview holds, whatever the track's length: enough for a panel a screen wide.
PEAKS = 1000
#: Samples per block while decoding (the finest grain a peak is measured at before the overview's buckets).
_BLOCK = 256


@dataclass(frozen=True, slots=True)
class Waveform:
    """A track's overview: its decoded length and :data:`PEAKS` peaks (0–255, the loudest sample of each
    stretch of the track as a share of full scale; fewer when the track has fewer samples)."""

    duration_ms: int
    sample_rate: int
    peaks: tuple[int, ...]


#: Full scale of each integer sample type (floating-point samples are already shares of it).
_SCALE = {"int16": 32768.0, "int32": 2147483648.0, "uint8": 128.0}
#: Samples gathered before they are measured: big numpy steps, not one per decoded frame (an MP3 frame holds
#: 1,152 samples, so a six-minute track has 18,000 of them).
_CHUNK = 1 << 18


def _loudness(frame: av.AudioFrame) -> np.ndarray:
    """The loudest channel's absolute level of each sample of ``frame``, as a share of full scale."""
    import numpy as np

    data = frame.to_ndarray()
    if frame.format.is_planar:
        lanes = [data[channel] for channel in range(data.shape[0])]
    else:  # interleaved: channel c is every n-th sample from c (strided views; no small-axis reductions)
        flat = data.reshape(-1)
        count = max(1, len(frame.layout.channels))
        lanes = [flat[channel::count] for channel in range(count)]
    scale = _SCALE.get(str(data.dtype), 1.0)
    offset = 128.0 if data.dtype == np.uint8 else 0.0  # unsigned 8-bit sits around 128
    levels = np.abs(lanes[0].astype(np.float32) - offset)
    for lane in lanes[1:]:
        np.maximum(levels, np.abs(lane.astype(np.float32) - offset), out=levels)
    if scale != 1.0:
        levels /= scale
    result: np.ndarray = levels
    return result


def compute_waveform(path: str) -> Waveform:
    """Decode ``path`` (its first audio stream) and measure its overview peaks, the loudest channel counting."""
    import av
    import numpy as np

    with av.open(path, metadata_errors="ignore") as container:
        if not container.streams.audio:
            raise ValueError(f"{Path(path).name} holds no audio.")
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate or stream.rate
        block_peaks: list[np.ndarray] = []
        pending: list[np.ndarray] = []
        waiting = 0
        total = 0

        def measure() -> None:
            # Pad the gathered samples to whole blocks (silence adds nothing to a peak) and keep each block's peak.
            nonlocal waiting
            samples = np.concatenate(pending)
            pending.clear()
            waiting = 0
            padded = np.zeros(-(-samples.size // _BLOCK) * _BLOCK, dtype=np.float32)
            padded[: samples.size] = samples
            block_peaks.append(padded.reshape(-1, _BLOCK).max(axis=1))

        for frame in container.decode(stream):
            levels = _loudness(frame)
            pending.append(levels)
            waiting += levels.size
            total += levels.size
            if waiting >= _CHUNK:
                measure()
        if pending:
            measure()
    if total == 0:
        return Waveform(0, rate, ())
    peaks = np.concatenate(block_peaks)
    # Blocks are whole except at the end of each chunk; a chunk holds whole frames, so block i starts at sample
    # i * _BLOCK only approximately (within one block per chunk): fine for an overview a screen wide.
    count = min(PEAKS, int(peaks.size))
    buckets = np.arange(peaks.size) * count // peaks.size
    out = np.zeros(count, dtype=np.float32)
    np.maximum.at(out, buckets, peaks)
    scaled = np.clip(np.rint(out * 255.0), 0, 255).astype(np.uint8)
    return Waveform(round(total * 1000 / rate), rate, tuple(int(v) for v in scaled))


def transcode_for_browser(path: str, target: str) -> int:
    """Decode ``path`` and write it to ``target`` as 16-bit FLAC (which every browser plays), through a
    temporary file in the same folder so a half-written copy is never served. Returns the bytes written."""
    import av

    temporary = f"{target}.{os.getpid()}.part"
    try:
        with av.open(path, metadata_errors="ignore") as source:
            if not source.streams.audio:
                raise ValueError(f"{Path(path).name} holds no audio.")
            stream = source.streams.audio[0]
            rate = stream.codec_context.sample_rate or stream.rate
            layout = "mono" if stream.codec_context.channels == 1 else "stereo"
            with av.open(temporary, "w", format="flac") as output:
                out = output.add_stream("flac", rate=rate, layout=layout)
                out.format = "s16"
                resampler = av.AudioResampler(format="s16", layout=layout, rate=rate)
                for frame in source.decode(stream):
                    for converted in resampler.resample(frame):
                        output.mux(out.encode(converted))
                for converted in resampler.resample(None):
                    output.mux(out.encode(converted))
                output.mux(out.encode(None))
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return os.path.getsize(target)
