"""A stand-in Traktor: a real process named "Traktor Pro 4" (a copy of the shell, so the name is its own) that
waits until told to quit (SIGTERM) and then, like Traktor, writes its collection, or quits without saving."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

NAME = "Traktor Pro 4"

# On SIGTERM: copy the collection Traktor holds in memory over the file (when given one), then exit.
_SCRIPT = 'trap \'[ -n "$1" ] && cp "$1" "$2"; exit 0\' TERM; while :; do sleep 0.05; done'


class StandIn:
    """The stand-in process; :meth:`quit` asks it to quit and waits until it has."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.pid = process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def quit(self, timeout: float = 10) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout)

    def kill(self) -> None:
        if self.running():
            self.process.kill()
            self.process.wait(10)


def start_traktor(folder: Path, saves: Path | None = None, collection: Path | None = None) -> StandIn:
    """Start a process named "Traktor Pro 4"; on quitting it copies ``saves`` over ``collection`` (if given)."""
    shell = shutil.which("sh")
    if shell is None:
        pytest.skip("no shell to copy for a stand-in Traktor")
    program = folder / NAME
    shutil.copy(shell, program)
    program.chmod(0o755)
    args = [str(program), "-c", _SCRIPT, NAME, str(saves or ""), str(collection or "")]
    process = subprocess.Popen(args)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if psutil.Process(process.pid).name() == NAME:
                return StandIn(process)
        except psutil.Error:
            pass
        time.sleep(0.02)
    process.kill()
    raise AssertionError("the stand-in Traktor did not start")
