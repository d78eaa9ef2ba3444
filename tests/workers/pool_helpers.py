"""Helpers shared by the worker tests: waiting for a condition, checking processes from outside."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    """Poll ``condition`` on the loop until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.005)


def process_alive(pid: int) -> bool:
    """True if ``pid`` runs (a zombie waiting to be reaped counts as dead)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_all_dead(pids: list[int], timeout: float) -> list[int]:
    """Wait up to ``timeout`` seconds for every pid to end; return those still alive."""
    deadline = time.monotonic() + timeout
    alive = [pid for pid in pids if process_alive(pid)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [pid for pid in alive if process_alive(pid)]
    return alive


def start_script(source: str, tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    """Run ``source`` as a script in a fresh interpreter that can import harmony and the stand-in jobs."""
    script = tmp_path / "parent_script.py"
    script.write_text(source)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(HERE), env.get("PYTHONPATH", "")])
    return subprocess.Popen(
        [sys.executable, str(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def read_pids(process: subprocess.Popen[str]) -> list[int]:
    """Read the line of worker pids the script prints once its workers are set up."""
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        _, err = process.communicate(timeout=10)
        raise AssertionError(f"the parent script ended early: {err}")
    return [int(part) for part in line.split()]
