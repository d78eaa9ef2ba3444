"""`--nml`, `traktor info PATH`, `backups`, `restore` and `config set nml_path`: a path the OS refuses or that is
not a regular file is a one-line error, never a traceback or a hang (a FIFO would block a plain read forever)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harmony.cli import app
from harmony.errors import HarmonyError

from ..nml.test_load import document

runner = CliRunner()


def _refused(args: list[str], words: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code != 0
    if result.exit_code == 2 and "directory" in result.output and words == "is a folder":
        return  # the option's own check (Typer) got there first, with its usage error
    # main() prints a HarmonyError as one line; the runner hands it over as raised.
    error = result.exception
    assert isinstance(error, HarmonyError), result.output
    assert words in str(error) and "\n" not in str(error)


@pytest.mark.timeout(60)
def test_every_command_that_takes_a_collection_path_refuses_bad_ones(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.nml"
    os.mkfifo(fifo)
    library = ["--library", str(tmp_path / "library.db")]
    for path, words in (
        ("/" + "a" * 300, "has a name too long"),
        (str(fifo), "is a FIFO"),
        (str(tmp_path), "is a folder"),
        ("/dev/zero", "is a device"),
    ):
        _refused([*library, "traktor", "info", path], words)
        for command in ("sync", "preview", "export", "backups"):
            _refused([*library, "traktor", command, "--nml", path], words)
        _refused([*library, "traktor", "restore", "backup.nml", "--nml", path], words)


@pytest.mark.timeout(60)
def test_a_backup_path_the_os_refuses_is_said_plainly(tmp_path: Path) -> None:
    collection = tmp_path / "collection.nml"
    collection.write_bytes(document())
    library = ["--library", str(tmp_path / "library.db")]
    fifo = tmp_path / "backup.nml"
    os.mkfifo(fifo)
    _refused([*library, "traktor", "restore", str(fifo), "--nml", str(collection)], "is a FIFO")
    _refused([*library, "traktor", "restore", "x" * 300, "--nml", str(collection)], "no backup")
    assert collection.read_bytes() == document()


def test_config_set_nml_path_refuses_what_can_never_be_a_collection(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.nml"
    os.mkfifo(fifo)
    library = ["--library", str(tmp_path / "library.db")]
    for path, words in ((str(fifo), "is a FIFO"), ("/" + "a" * 300, "too long"), ("/dev/null", "is a device")):
        _refused([*library, "traktor", "config", "set", "nml_path", path], words)
