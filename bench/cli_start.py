"""How long a ``harmony`` command takes from the shell, and which imports the time goes to.

Each command runs ``--runs`` times in a fresh process (after one warm-up run, so the disk cache is warm); the
median wall time is printed next to the interpreter's own start (``python -c pass``), then one more run under
``python -X importtime`` names the packages whose imports cost most (their modules' own times, summed).

    python bench/cli_start.py                 # 7 runs of each command
    python bench/cli_start.py --runs 15 --top 8
    python bench/cli_start.py --json

``library stats`` reads a library made for the run (in a temporary folder), opened once before timing so the
timed runs open an up-to-date library, as a DJ's usually is.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from common import SOURCE

#: The issue's bound for ``harmony --help`` and ``harmony library stats`` (warm disk cache).
BOUND_SECONDS = 0.3


def _commands(library: Path) -> dict[str, list[str]]:
    harmony = ["-m", "harmony"]
    return {
        "python -c pass": ["-c", "pass"],
        "harmony --help": [*harmony, "--help"],
        "harmony library stats": [*harmony, "--library", str(library), "library", "stats"],
        "harmony library --help": [*harmony, "library", "--help"],
        "harmony traktor --help": [*harmony, "traktor", "--help"],
    }


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SOURCE), env.get("PYTHONPATH", "")]))
    env["COLUMNS"] = "100"
    return env


def _wall(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _offenders(args: list[str], env: dict[str, str], top: int) -> list[tuple[str, float]]:
    """The top-level packages whose modules took longest to import (own time, seconds), largest first."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    own: defaultdict[str, float] = defaultdict(float)
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        own[name.strip().split(".")[0]] += int(self_us) / 1e6
    return sorted(own.items(), key=lambda item: -item[1])[:top]


def measure(runs: int, top: int) -> dict[str, Any]:
    env = _environment()
    with tempfile.TemporaryDirectory(prefix="harmony-cli-start-") as folder:
        library = Path(folder) / "library.db"
        commands = _commands(library)
        results: dict[str, Any] = {}
        for name, args in commands.items():
            _wall(args, env)  # warm-up: creates the library, fills the disk cache and the bytecode cache
            times = [_wall(args, env) for _ in range(runs)]
            results[name] = {
                "median_seconds": statistics.median(times),
                "fastest_seconds": min(times),
                "offenders": [] if name.startswith("python") else _offenders(args, env, top),
            }
    return {"runs": runs, "load_average": os.getloadavg(), "bound_seconds": BOUND_SECONDS, "commands": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="Timed runs of each command (default 7).")
    parser.add_argument("--top", type=int, default=5, help="How many import offenders to name (default 5).")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    options = parser.parse_args()
    figures = measure(max(1, options.runs), options.top)
    if options.json:
        print(json.dumps(figures, indent=2))
        return
    load = ", ".join(f"{value:.2f}" for value in figures["load_average"])
    print(f"{figures['runs']} runs per command, load average {load}; bound {BOUND_SECONDS} s\n")
    print(f"{'command':<26}{'median s':>10}{'fastest s':>11}  top imports (own time, s)")
    for name, result in figures["commands"].items():
        offenders = ", ".join(f"{package} {seconds:.3f}" for package, seconds in result["offenders"])
        print(f"{name:<26}{result['median_seconds']:>10.3f}{result['fastest_seconds']:>11.3f}  {offenders}")


if __name__ == "__main__":
    main()
