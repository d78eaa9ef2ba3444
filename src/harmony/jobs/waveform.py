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
from typing import TYPE_CHECKING, Any

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


#: FFmpeg's sample format (without the planar ``p``) → numpy type, full scale and the level of silence.
_SAMPLE_TYPES = {
    "u8": ("u1", 128.0, 128.0),
    "s16": ("i2", 32768.0, 0.0),
    "s32": ("i4", 2147483648.0, 0.0),
    "s64": ("i8", 9223372036854775808.0, 0.0),
    "flt": ("f4", 1.0, 0.0),
    "dbl": ("f8", 1.0, 0.0),
}
#: Samples gathered before they are measured: numpy steps over many frames at once (an MP3 frame holds
#: 1,152 samples, so a six-minute track has 14,000 of them), yet small enough that a chunk stays in the CPU
#: cache through its few passes (a chunk four times this size took twice as long).
_CHUNK = 1 << 15


def _sample_type(sample_format: str) -> tuple[str, float, float]:
    """The numpy type, full scale and silence of FFmpeg's ``sample_format``; ValueError for one not known."""
    known = _SAMPLE_TYPES.get(sample_format.removesuffix("p"))
    if known is None:
        raise ValueError(f"The decoder gives samples of an unknown type ({sample_format}).")
    return known


def _lanes(frame: av.AudioFrame) -> list[np.ndarray]:
    """``frame``'s samples, one array per channel, read in place from the decoder's buffers.

    Nothing is converted or copied here (PyAV's ``to_ndarray`` stacks the planes into a new array for every
    frame, which cost more than the MP3 decoding itself): the copies happen once per chunk.
    """
    import numpy as np

    dtype = _sample_type(frame.format.name)[0]
    if frame.format.is_planar:
        return [np.frombuffer(memoryview(plane), dtype=dtype, count=frame.samples) for plane in frame.planes]
    channels = max(1, len(frame.layout.channels))  # interleaved: every n-th sample belongs to one channel
    data = np.frombuffer(memoryview(frame.planes[0]), dtype=dtype, count=frame.samples * channels).reshape(-1, channels)
    return [data[:, channel] for channel in range(channels)]


class _PeakMeter:
    """The loudest sample of each :data:`_BLOCK` samples of a track, over all its channels.

    Frames are gathered into chunks of :data:`_CHUNK` samples and measured with a few whole-array numpy steps
    in the decoder's own sample type (a maximum and a minimum per block and channel; only those become
    floats). The samples after a chunk's last whole block are carried into the next chunk, so block ``i`` is
    exactly samples ``i * _BLOCK`` to ``(i + 1) * _BLOCK``.
    """

    def __init__(self, sample_format: str) -> None:
        self.blocks: list[np.ndarray] = []
        self.total = 0
        _, self._scale, self._silence = _sample_type(sample_format)
        self._gathered: list[list[np.ndarray]] = []  # per channel, its arrays in order
        self._waiting = 0

    def add(self, lanes: list[np.ndarray]) -> None:
        if not self._gathered:
            self._gathered = [[] for _ in lanes]
        for gathered, lane in zip(self._gathered, lanes, strict=False):
            gathered.append(lane)
        count = lanes[0].size
        self._waiting += count
        self.total += count
        if self._waiting >= _CHUNK:
            self._measure(final=False)

    def finish(self) -> np.ndarray:
        import numpy as np

        if self._waiting:
            self._measure(final=True)
        return np.concatenate(self.blocks) if self.blocks else np.zeros(0, dtype=np.float32)

    def _measure(self, *, final: bool) -> None:
        import numpy as np

        whole = self._waiting // _BLOCK * _BLOCK
        loudest: np.ndarray | None = None
        carried: list[list[np.ndarray]] = []
        for gathered in self._gathered:
            samples = np.concatenate(gathered) if len(gathered) > 1 else gathered[0]
            level = self._level(samples if final else samples[:whole])
            loudest = level if loudest is None else np.maximum(loudest, level, out=loudest)
            carried.append([samples[whole:]] if not final and whole < samples.size else [])
        if loudest is not None:
            peaks = loudest[:whole].reshape(-1, _BLOCK).max(axis=1)
            if final and loudest.size > whole:  # the last, partial block
                peaks = np.append(peaks, loudest[whole:].max())
            self.blocks.append(peaks / np.float32(self._scale))
        self._gathered = carried
        self._waiting = 0 if final else self._waiting - whole

    def _level(self, samples: np.ndarray) -> np.ndarray:
        """Each sample's distance from silence, in the sample type's own units (a new array)."""
        import numpy as np

        if samples.dtype.kind == "f":  # floating point: the common case (MP3, AAC, Vorbis decode to it)
            level: np.ndarray = np.abs(samples).astype(np.float32, copy=False)
        else:  # integers in floats: an integer's most negative value has no positive counterpart to flip to
            level = np.abs(samples.astype(np.float32) - np.float32(self._silence))
        return level


def _open_audio(path: str) -> Any:
    """Open ``path`` for decoding. PyAV before 19 fails the whole open on a tag that is not valid UTF-8 unless
    told to ignore it; PyAV 19 (the one Python 3.13 gets) no longer takes that option."""
    import av

    if int(av.__version__.split(".", 1)[0]) < 19:
        return av.open(path, metadata_errors="ignore")
    return av.open(path)


def compute_waveform(path: str) -> Waveform:
    """Decode ``path`` (its first audio stream) and measure its overview peaks, the loudest channel counting."""
    import numpy as np

    with _open_audio(path) as container:
        if not container.streams.audio:
            raise ValueError(f"{Path(path).name} holds no audio.")
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate or stream.rate
        frames = container.decode(stream)
        first = next(frames, None)
        if first is None:
            return Waveform(0, rate, ())
        meter = _PeakMeter(first.format.name)  # the decoder's sample type, known once it has decoded
        meter.add(_lanes(first))
        for frame in frames:
            meter.add(_lanes(frame))
        peaks = meter.finish()
    count = min(PEAKS, int(peaks.size))
    buckets = np.arange(peaks.size) * count // peaks.size
    out = np.zeros(count, dtype=np.float32)
    np.maximum.at(out, buckets, peaks)
    scaled = np.clip(np.rint(out * 255.0), 0, 255).astype(np.uint8)
    return Waveform(round(meter.total * 1000 / rate), rate, tuple(int(v) for v in scaled))


def transcode_for_browser(path: str, target: str) -> int:
    """Decode ``path`` and write it to ``target`` as 16-bit FLAC (which every browser plays), through a
    temporary file in the same folder so a half-written copy is never served. Returns the bytes written."""
    import av

    temporary = f"{target}.{os.getpid()}.part"
    try:
        with _open_audio(path) as source:
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
