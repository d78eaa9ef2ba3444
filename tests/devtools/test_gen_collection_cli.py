"""`harmony dev gen-collection`: the command writes what the API writes and reports it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from harmony.cli import app
from harmony.devtools.collection_gen import generate_collection

runner = CliRunner()


def test_json_summary_matches_the_api_and_the_file(tmp_path: Path) -> None:
    out = tmp_path / "cli.nml"
    result = runner.invoke(
        app,
        [
            "dev",
            "gen-collection",
            "--tracks",
            "250",
            "--seed",
            "4",
            str(out),
            "--nml-version",
            "20",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    expected = generate_collection(tmp_path / "api.nml", tracks=250, seed=4, version=20)
    assert out.read_bytes() == expected.path.read_bytes()
    assert summary["path"] == str(out)
    assert summary["version"] == 20
    assert summary["tracks"] == 250
    assert summary["cue_points"] == {"total": expected.cues, **expected.cues_by_type}
    for key in ("playlists", "folders", "smart_lists", "playlist_entries", "size_bytes"):
        assert summary[key] == getattr(expected, key), key
    assert summary["path_mappings"] == {}


def test_files_option_creates_placeholders_and_prints_mappings(tmp_path: Path) -> None:
    out, audio = tmp_path / "c.nml", tmp_path / "audio"
    result = runner.invoke(app, ["dev", "gen-collection", "--tracks", "40", str(out), "--files", str(audio), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["files_created"] == 40
    assert summary["files_dir"] == str(audio.resolve())
    assert set(summary["path_mappings"]) == {"C:", "D:", "Macintosh HD", "Crate Drive"}
    for folder in summary["path_mappings"].values():
        assert Path(folder).is_dir()
        assert Path(folder).parent == audio.resolve()
    assert sum(1 for path in audio.rglob("*") if path.is_file()) == 40


def test_human_summary(tmp_path: Path) -> None:
    result = runner.invoke(app, ["dev", "gen-collection", "--tracks", "30", str(tmp_path / "c.nml")])
    assert result.exit_code == 0, result.output
    assert "30 tracks" in result.stdout
    assert (tmp_path / "c.nml").is_file()


def test_rejects_an_unsupported_version(tmp_path: Path) -> None:
    result = runner.invoke(app, ["dev", "gen-collection", "--nml-version", "15", str(tmp_path / "c.nml")])
    assert result.exit_code != 0
    assert "19" in result.output and "20" in result.output
    assert not (tmp_path / "c.nml").exists()


def test_rejects_a_negative_track_count(tmp_path: Path) -> None:
    result = runner.invoke(app, ["dev", "gen-collection", "--tracks", "-3", str(tmp_path / "c.nml")])
    assert result.exit_code != 0
    assert not (tmp_path / "c.nml").exists()


def test_same_bytes_in_separate_processes_whatever_the_hash_seed(tmp_path: Path) -> None:
    # Set and dict iteration must not leak into the output: run the command in two fresh interpreters.
    source = Path(__file__).resolve().parents[2] / "src"
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"h{hash_seed}.nml"
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(source)}
        subprocess.run(
            [sys.executable, "-m", "harmony", "dev", "gen-collection", "--tracks", "300", str(out), "--json"],
            env=environment,
            check=True,
            capture_output=True,
            timeout=60,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_counts_agree_with_traktor_info(tmp_path: Path) -> None:
    out = tmp_path / "c.nml"
    generated = runner.invoke(app, ["dev", "gen-collection", "--tracks", "500", "--seed", "8", str(out), "--json"])
    assert generated.exit_code == 0, generated.output
    info = runner.invoke(app, ["traktor", "info", str(out), "--json"])
    assert info.exit_code == 0, info.output
    summary, counted = json.loads(generated.stdout), json.loads(info.stdout)
    for key in ("version", "tracks", "playlists", "folders", "smart_lists", "cue_points"):
        assert summary[key] == counted[key], key
