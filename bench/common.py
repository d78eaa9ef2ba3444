"""Pieces the benchmarks share: the yardstick (a bare lxml parse in a fresh process) and the hash that names
cached generated collections.

Imported by the scripts beside it (``python bench/x.py`` puts this folder on the path)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src"

# Run in a fresh interpreter, so no earlier step has warmed a cache or grown the heap: the seconds of a bare
# parse, and the process's peak resident size before and after it (VmHWM, Linux; 0 elsewhere).
_PARSE = """
import json, sys, time
from lxml import etree

def vm_hwm():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0

baseline = vm_hwm()
started = time.perf_counter()
tree = etree.parse(sys.argv[1])
seconds = time.perf_counter() - started
elements = sum(1 for _ in tree.getroot().iter())
print(json.dumps({"seconds": seconds, "elements": elements, "peak_rss": vm_hwm(), "baseline_rss": baseline}))
"""


#: The yardstick is never one parse: on this machine the first of a few fresh processes parsing the 151 MB file
#: took 3.2–3.4 s where the next took 1.3–1.5 s (its gigabyte of new memory, or the file, not yet at hand), and
#: a slow yardstick makes every ratio formed against it look better than it is.
YARDSTICK_RUNS = 3


def bare_parse(path: Path, repeat: int = YARDSTICK_RUNS) -> dict[str, Any]:
    """The fastest of ``repeat`` (at least :data:`YARDSTICK_RUNS`) bare ``lxml.etree.parse`` runs of ``path``,
    each in a fresh process: ``seconds``, ``elements``, ``peak_rss`` and ``baseline_rss`` (bytes)."""
    best: dict[str, Any] | None = None
    for _ in range(max(YARDSTICK_RUNS, repeat)):
        completed = subprocess.run(
            [sys.executable, "-c", _PARSE, str(path)], capture_output=True, text=True, check=True
        )
        figures = json.loads(completed.stdout.strip().splitlines()[-1])
        if best is None or figures["seconds"] < best["seconds"]:
            best = figures
    assert best is not None
    return best


def note(message: str) -> None:
    """Say what a bench is doing, on stderr, so that its figures on stdout stay clean (``--json``)."""
    print(message, file=sys.stderr, flush=True)


def generator_fingerprint() -> str:
    """A short hash of the generator's sources: a cached collection is rebuilt when the generator changes."""
    digest = hashlib.sha256()
    for source in sorted((SOURCE / "harmony" / "devtools").glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:10]
