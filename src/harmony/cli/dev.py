"""`harmony dev …` commands: tools for developers, tests and benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harmony.cli.groups import group_help
from harmony.cli.output import console, print_json
from harmony.devtools import SUPPORTED_VERSIONS, generate_collection

app = typer.Typer(help=group_help("dev"), no_args_is_help=True)


def _check_version(value: int) -> int:
    if value not in SUPPORTED_VERSIONS:
        raise typer.BadParameter("use 19 (Traktor 3) or 20 (Traktor 4)")
    return value


@app.command("gen-collection")
def gen_collection(
    out: Annotated[Path, typer.Argument(help="The collection.nml file to write.", dir_okay=False, metavar="OUT.nml")],
    tracks: Annotated[int, typer.Option("--tracks", min=0, help="Number of tracks (entries).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same file.")] = 1,
    files: Annotated[
        Path | None,
        typer.Option(
            "--files",
            file_okay=False,
            help="Also create every referenced audio file here, as a tiny placeholder.",
        ),
    ] = None,
    nml_version: Annotated[
        int,
        typer.Option("--nml-version", callback=_check_version, help="19 (Traktor 3) or 20 (Traktor 4)."),
    ] = 19,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Write a realistic synthetic Traktor collection (deterministic for a given seed)."""
    if as_json:
        result = generate_collection(out, tracks=tracks, seed=seed, files_dir=files, version=nml_version)
        print_json(result.to_json())
        return
    with console.status(f"Generating {tracks:,} tracks…"):
        result = generate_collection(out, tracks=tracks, seed=seed, files_dir=files, version=nml_version)
    cue_types = ", ".join(f"{count:,} {name}" for name, count in result.cues_by_type.items())
    console.print(f"Wrote [bold]{result.path}[/] (NML {result.version}, {result.size_bytes:,} bytes)")
    console.print(f"  {result.tracks:,} tracks, {result.cues:,} cue points ({cue_types})")
    console.print(
        f"  {result.playlists:,} playlists ({result.playlist_entries:,} entries), "
        f"{result.folders:,} folders, {result.smart_lists:,} smart lists"
    )
    if result.files_dir is not None:
        console.print(f"  {result.files_created:,} placeholder files under {result.files_dir}; path mappings:")
        for volume, folder in result.path_mappings.items():
            console.print(f"    {volume} → {folder}", highlight=False)
