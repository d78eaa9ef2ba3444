"""Traktor detection with real processes: a copy of ``sleep`` named like Traktor is Traktor."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from harmony.nmlfile import (
    TraktorRunningError,
    is_traktor_name,
    running_traktor,
    safe_write,
    write_collection,
)
from harmony.nmlfile.traktor_process import SCOPE_VARIABLE

from .conftest import Contents

SLEEP = shutil.which("sleep")


def _start(tmp_path: Path, name: str) -> subprocess.Popen[bytes]:
    if SLEEP is None:
        pytest.skip("no sleep program to copy")
    program = tmp_path / name
    shutil.copy(SLEEP, program)
    program.chmod(0o755)
    process = subprocess.Popen([str(program), "60"])
    # The process gets its name at exec, a moment after Popen returns: wait for it. Its executable changes first
    # and its command line a moment later; a name longer than Linux keeps (15 characters, "TRAKTOR PRO 4.EXE")
    # is read from the command line, so both must be there (under load, CI once looked in between).
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            started = psutil.Process(process.pid)
            if started.exe() == str(program) and started.cmdline()[:1] == [str(program)]:
                return process
        except (psutil.AccessDenied, psutil.NoSuchProcess, FileNotFoundError):
            pass
        time.sleep(0.01)
    raise AssertionError(f"{name} did not start")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.wait(10)


@pytest.fixture
def started(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            _stop(process)


def _pids() -> set[int]:
    return {process.pid for process in running_traktor()}


@pytest.mark.parametrize("name", ["Traktor", "Traktor Pro 4", "traktor pro 3", "Traktor.exe", "TRAKTOR PRO 4.EXE"])
def test_a_process_named_like_traktor_is_found_until_it_ends(
    tmp_path: Path, started: list[subprocess.Popen[bytes]], name: str
) -> None:
    process = _start(tmp_path, name)
    started.append(process)
    found = [p for p in running_traktor() if p.pid == process.pid]
    assert [p.name for p in found] == [name]
    _stop(process)
    assert process.pid not in _pids()


@pytest.mark.parametrize("name", ["traktor-helper-xyz", "TraktorKontrolHelper", "NotTraktor", "Traktor Pro 4 Helper"])
def test_helpers_named_after_traktor_are_not_traktor(
    tmp_path: Path, started: list[subprocess.Popen[bytes]], name: str
) -> None:
    process = _start(tmp_path, name)
    started.append(process)
    assert process.pid not in _pids()


def test_the_name_rule() -> None:
    for name in (
        "Traktor",
        "traktor",
        "Traktor.exe",
        "Traktor Pro",
        "Traktor Pro 3",
        "Traktor Pro 4.exe",
        "Traktor Scratch Pro 2",
        " Traktor ",
    ):
        assert is_traktor_name(name), name
    for name in (
        "traktor-helper-xyz",
        "Traktor Audio 6 Driver",
        "TraktorKontrolHelper",
        "Traktor Pro X",
        "Traktor.exe.bak",
        "python",
        "",
        "Traktor Pro 4 (2)",
    ):
        assert not is_traktor_name(name), name


def test_an_export_while_traktor_runs_is_refused_unless_forced(
    tmp_path: Path, small: Contents, started: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(small.old)
    traktor = _start(tmp_path, "Traktor")
    started.append(traktor)
    # Only the Traktor this test started counts: the machine is shared with other tests.
    real = safe_write.running_traktor
    monkeypatch.setattr(safe_write, "running_traktor", lambda: [p for p in real() if p.pid == traktor.pid])

    with pytest.raises(TraktorRunningError) as caught:
        write_collection(path, small.new, expected=None)
    assert caught.value.step == "check Traktor"
    assert f"pid {traktor.pid}" in str(caught.value) and "quit Traktor" in str(caught.value)
    assert path.read_bytes() == small.old

    result = write_collection(path, small.new, expected=None, force=True)
    assert path.read_bytes() == small.new
    assert len(result.warnings) == 1 and "Traktor is running" in result.warnings[0]

    _stop(traktor)
    result = write_collection(path, small.old, expected=None)
    assert result.warnings == () and path.read_bytes() == small.old


def test_under_a_scope_only_the_traktors_started_below_it_count(
    tmp_path: Path, started: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run side by side on a shared machine: each sees only the stand-in Traktors it started itself.
    ours = _start(tmp_path, "Traktor")
    started.append(ours)
    other = _start(tmp_path, "not-traktor")
    started.append(other)
    monkeypatch.setenv(SCOPE_VARIABLE, str(os.getpid()))
    assert ours.pid in _pids()
    monkeypatch.setenv(SCOPE_VARIABLE, str(other.pid))  # a process our stand-in does not descend from
    assert ours.pid not in _pids()
    monkeypatch.delenv(SCOPE_VARIABLE)
    assert ours.pid in _pids()
