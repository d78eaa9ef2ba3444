"""Set-ups the CLI tests share: a generated collection configured and imported through the CLI itself."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from harmony.cli import app
from harmony.devtools.collection_gen import GeneratedCollection, generate_collection

runner = CliRunner()


def synced_collection(
    nml_path: Path, library: Path, *, tracks: int, seed: int
) -> tuple[GeneratedCollection, list[str]]:
    """Generate a collection at ``nml_path`` (its files beside it in ``files``), configure it with its path
    mappings through ``harmony traktor config set`` and import it with ``harmony traktor sync``. Returns the
    collection and the ``--library`` arguments every later command needs."""
    generated = generate_collection(nml_path, tracks=tracks, seed=seed, files_dir=library.parent / "files")
    base = ["--library", str(library)]
    mappings = [f"{volume}={folder}" for volume, folder in generated.path_mappings.items()]
    configured = runner.invoke(
        app, [*base, "traktor", "config", "set", "nml_path", str(generated.path), "path_mappings", *mappings]
    )
    assert configured.exit_code == 0, configured.output
    imported = runner.invoke(app, [*base, "traktor", "sync"])
    assert imported.exit_code == 0, imported.output
    return generated, base
