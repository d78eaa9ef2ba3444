"""Opening a collection file: paths the OS refuses and files that are not regular are the DJ's error in one
line; huge files are refused from their size and first bytes with bounded memory; a FIFO never hangs a read."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harmony import nml
from harmony.nml.limits import MAX_COLLECTION_BYTES
from harmony.nml.source import CollectionPathError, check_collection_path, read_collection_file
from harmony.nmlfile import read_with_fingerprint

from .test_load import document

TWO_GB = 2 * 1024**3


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(document())
    data, before = read_collection_file(path)
    assert data == document()
    assert before.st_size == len(data)
    assert check_collection_path(path) == path


@pytest.mark.parametrize(
    ("name", "reason"),
    [("a" * 300, "has a name too long"), ("a" * 4096, "has a name too long"), ("nope.nml", "does not exist")],
)
def test_names_the_os_refuses_are_one_line_errors(tmp_path: Path, name: str, reason: str) -> None:
    with pytest.raises(CollectionPathError, match=reason) as caught:
        nml.load(tmp_path / name)
    assert "\n" not in str(caught.value)
    assert len(str(caught.value)) < 300  # a 4,096-character name is shortened in the message


def test_nul_and_empty_paths_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CollectionPathError, match="NUL"):
        check_collection_path(f"{tmp_path}/a\x00b.nml")
    with pytest.raises(CollectionPathError, match="empty"):
        check_collection_path("")


def test_a_folder_a_device_and_a_socket_are_not_collections(tmp_path: Path) -> None:
    import socket

    with pytest.raises(CollectionPathError, match="is a folder"):
        nml.load(tmp_path)
    with pytest.raises(CollectionPathError, match="is a device"):
        nml.load("/dev/zero")  # an endless read if it were opened
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "s.nml"))
    try:
        with pytest.raises(CollectionPathError, match="is a socket"):
            read_collection_file(tmp_path / "s.nml")
    finally:
        server.close()


@pytest.mark.timeout(20)
def test_a_fifo_is_refused_instead_of_hanging_every_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "collection.nml"
    os.mkfifo(fifo)
    with pytest.raises(CollectionPathError, match="FIFO"):
        nml.load(fifo)  # `harmony traktor info`, the web badges
    with pytest.raises(CollectionPathError, match="FIFO"):
        read_with_fingerprint(fifo)  # the import (sync, preview) and export jobs
    with pytest.raises(CollectionPathError, match="FIFO"):
        check_collection_path(fifo, must_exist=False)  # the settings and every --nml/nml_path


def test_permission_denied_is_said_plainly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, which reads anything: the OS's answer is simulated.
    def refuse(path: object, *args: object, **kwargs: object) -> os.stat_result:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(os, "stat", refuse)
    with pytest.raises(CollectionPathError, match="permission denied"):
        check_collection_path(tmp_path / "collection.nml")


def test_nul_bytes_are_found_while_streaming(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(document() + b"\x00" * (3 << 20))
    with pytest.raises(nml.NMLError, match="NUL byte at offset"):
        nml.load(path)


def _sparse(path: Path, head: bytes, size: int) -> Path:
    with path.open("wb") as file:
        file.write(head)
        file.truncate(size)  # the rest reads as zeros and costs no disk
    return path


# Runs the real command's code in a child, one step after another, and reports after each step its own peak
# memory so far: VmHWM, which starts afresh with the new program (ru_maxrss would keep the high-water mark of the
# pytest process the child was forked from). A step's peak is the highest of it and the steps before it, so
# each bound holds for every step; one child for the three steps spares two interpreter start-ups per file.
_MEASURE = """
import json, sys
from harmony.errors import HarmonyError
path, library = sys.argv[1], sys.argv[2]
results = {}
for step in ("info", "sync", "export"):
    try:
        if step == "info":
            from harmony.cli import main
            sys.argv = ["harmony", "traktor", "info", path]
            main()
        elif step == "sync":  # the import job (a web preview runs the same)
            from harmony.jobs import run_import_job
            from harmony.sync import SyncOptions
            run_import_job(path, library, SyncOptions(), apply=False)
        else:  # the export job
            from harmony.jobs import run_export_job
            from harmony.sync import ExportOptions
            run_export_job(path, library, ExportOptions(), dry_run=True, backup=False)
        error = None
    except SystemExit as stop:
        error = f"exit {stop.code}"
    except HarmonyError as caught:
        error = str(caught)
    peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    results[step] = {"error": error, "peak_kb": peak_kb}
    print(f"@@ end of {step}", file=sys.stderr, flush=True)
print(json.dumps(results))
"""

STEPS = ("info", "sync", "export")


def _measure(path: Path, library: Path) -> dict[str, tuple[str, int, str]]:
    """Each step's (error, peak memory in bytes, what it printed to stderr)."""
    completed = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), str(library)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    printed: dict[str, str] = {}
    rest = completed.stderr
    for step in STEPS:
        printed[step], _, rest = rest.partition(f"@@ end of {step}\n")
    return {step: (str(figures[step]["error"]), int(figures[step]["peak_kb"]) * 1024, printed[step]) for step in STEPS}


@pytest.mark.timeout(180)
@pytest.mark.parametrize("head", [document(), b""], ids=["3 tracks padded with NULs", "zeros"])
def test_a_2_gb_file_is_refused_with_bounded_memory(tmp_path: Path, head: bytes) -> None:
    path = _sparse(tmp_path / "collection.nml", head, TWO_GB)
    for step, (error, peak, stderr) in _measure(path, tmp_path / "library.db").items():
        assert peak < 200 * 1024**2, f"{step}: peak memory {peak / 1024**2:.0f} MB"
        if step == "info":
            assert error == "exit 1"
            assert "more than the 1,024.0 MB Harmony reads" in stderr
            assert len(stderr.strip().splitlines()) == 1
        else:
            assert "more than the 1,024.0 MB Harmony reads" in error, step


@pytest.mark.timeout(180)
def test_a_padded_file_under_the_limit_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    path = _sparse(tmp_path / "collection.nml", document(), 600 * 1024**2)
    assert path.stat().st_size < MAX_COLLECTION_BYTES
    for step, (error, peak, stderr) in _measure(path, tmp_path / "library.db").items():
        assert peak < 200 * 1024**2, f"{step}: peak memory {peak / 1024**2:.0f} MB"
        assert "NUL byte at offset" in (stderr if step == "info" else error), step
