"""``harmony`` starts at once: ``import harmony.cli``, ``harmony --help`` and the help of ``harmony traktor`` and its
commands load no database, migrations, web app, XML parser or tag reader; ``library stats`` on an up-to-date library
loads no database layer either; other library commands load the database but not the migrations.

Every command pays for what the CLI imports before it runs; the groups are imported when the command line
reaches them. Checked in a fresh interpreter, since this test process has long imported everything."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from harmony.cli import app
from harmony.library import Library, TrackValues

#: The database, its migrations, the web app and its server, the XML parser, the tag reader.
HEAVY = ("sqlalchemy", "alembic", "fastapi", "uvicorn", "lxml", "mutagen")


def _run(statement: str) -> tuple[list[str], str]:
    """The top-level modules imported after ``statement`` runs in a fresh interpreter, and what it printed."""
    code = (
        "import json, sys\n"
        "try:\n"
        f"{statement}\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60)
    return list(json.loads(out.stderr)), out.stdout


def _harmony(*args: str) -> str:
    return f"    sys.argv = ['harmony', *{list(args)!r}]\n    from harmony.cli import main\n    main()"


def test_importing_the_cli_loads_nothing_heavy() -> None:
    modules, _ = _run("    import harmony.cli")
    assert sorted(set(HEAVY) & set(modules)) == []


def test_the_help_lists_every_group_and_loads_nothing_heavy() -> None:
    modules, printed = _run(_harmony("--help"))
    assert sorted(set(HEAVY) & set(modules)) == []
    for group in ("traktor", "library", "cue", "playlist", "dev", "undo", "serve"):
        assert f" {group} " in printed
    assert "Look at and edit Harmony's own library." in printed


def test_the_traktor_help_lists_its_commands_and_loads_nothing_heavy() -> None:
    # Building the group imports its command modules, not the service, the NML layer or the database.
    modules, printed = _run(_harmony("traktor", "--help"))
    assert sorted(set(HEAVY) & set(modules)) == []
    for command in ("sync", "preview", "export", "restore", "rebuild", "check", "config", "suggest-mappings"):
        assert f" {command} " in printed


def test_the_help_of_traktor_sync_lists_its_options_and_loads_nothing_heavy() -> None:
    modules, printed = _run(_harmony("traktor", "sync", "--help"))
    assert sorted(set(HEAVY) & set(modules)) == []
    for option in ("--nml", "--strategy", "--map", "--dry-run", "--json"):
        assert option in printed


def test_library_stats_reads_an_up_to_date_library_without_the_database_layer(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    with Library.open(path) as library:
        library.add_tracks([(TrackValues("/music/a.mp3", title="A"), ())])
    modules, printed = _run(_harmony("--library", str(path), "library", "stats", "--json"))
    assert json.loads(printed)["tracks"] == 1
    assert sorted(set(HEAVY) & set(modules)) == []
    # Typer 0.29 loads pydantic for every command with a parameter (pyproject.toml holds typer below it).
    assert "pydantic" not in modules


def test_library_stats_creates_a_library_that_is_not_there_yet(tmp_path: Path) -> None:
    # No file to glance at: the store creates it, as every library command does.
    path = tmp_path / "new" / "library.db"
    modules, printed = _run(_harmony("--library", str(path), "library", "stats", "--json"))
    assert json.loads(printed)["tracks"] == 0
    assert path.is_file()
    assert "sqlalchemy" in modules


def test_a_library_command_loads_the_database_but_not_the_migrations(tmp_path: Path) -> None:
    # The checks above must be able to fail: reaching a command does load what it needs. Opening a library
    # that is up to date compares its revision without loading Alembic and the migrations.
    path = tmp_path / "library.db"
    Library.open(path).close()
    modules, printed = _run(_harmony("--library", str(path), "library", "tracks", "--json"))
    assert json.loads(printed) == []
    assert "sqlalchemy" in modules
    assert "alembic" not in modules


def test_a_mistyped_group_gets_a_suggestion() -> None:
    # The groups are not loaded yet when the name is checked: the suggestion still knows them.
    result = CliRunner().invoke(app, ["librar"])
    assert result.exit_code == 2
    assert "Did you mean 'library'?" in result.output
