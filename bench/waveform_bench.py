"""Benchmark of the player's decoding: the overview waveform of a six-minute track in each format, against a
bare PyAV decode of the same file (the floor: FFmpeg's decoder with nothing measured), in wall-clock and CPU
seconds (the second ratio is the waveform's CPU time over the bare decode's). Target: ≤ 1 s for a
six-minute MP3 on an idle machine; on a shared one compare the ratio to the bare decode, measured in the same
run. Also the conversion of a six-minute AIFF to the FLAC a browser plays.

Run: ``PYTHONPATH=src python bench/waveform_bench.py [--seconds 360] [--runs 3]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import av

from harmony.devtools.audio_gen import FORMATS, write_tone
from harmony.jobs.waveform import compute_waveform, transcode_for_browser


def bare_decode(path: Path) -> None:
    with av.open(str(path)) as container:
        for _ in container.decode(audio=0):
            pass


def best(action: object, runs: int) -> float:
    return best_with_cpu(action, runs)[0]


def best_with_cpu(action: object, runs: int) -> tuple[float, float]:
    """The fastest run's wall-clock seconds and the least CPU seconds this process spent in one run (the CPU
    figure barely moves when other work shares the machine; the wall clock does)."""
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        action()  # type: ignore[operator]
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=360.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="harmony-bench-") as folder:
        header = ("format", "MB", "bare decode s", "waveform s", "ratio", "CPU s", "ratio")
        widths = (10, 6, 14, 11, 6, 6, 6)
        print(" ".join(f"{h:{'<' if i == 0 else '>'}{w}}" for i, (h, w) in enumerate(zip(header, widths, strict=True))))
        for kind in FORMATS:
            path = write_tone(Path(folder) / f"six.{kind}", kind, seconds=args.seconds)
            bare, bare_cpu = best_with_cpu(lambda: bare_decode(path), args.runs)  # noqa: B023 - used at once
            wave, wave_cpu = best_with_cpu(lambda: compute_waveform(str(path)), args.runs)  # noqa: B023
            size = path.stat().st_size / 1e6
            print(
                f"{kind:10} {size:6.1f} {bare:14.3f} {wave:11.3f} {wave / bare:6.2f}"
                f" {wave_cpu:6.3f} {wave_cpu / max(bare_cpu, 1e-9):6.2f}"
            )
        aiff = Path(folder) / "six.aiff"
        flac = Path(folder) / "copy.flac"
        took = best(lambda: transcode_for_browser(str(aiff), str(flac)), args.runs)
        print(f"AIFF → FLAC for the browser: {took:.3f} s ({flac.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
