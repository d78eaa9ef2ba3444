"""Collections in shapes Traktor never writes go through `harmony traktor info`, an import, an export and the
web preview without hanging anything: each is either read (all four agree on it) or refused by all four with
the same one-line reason.

The sizes are modest but far past where a reading step that grows faster than the file would blow the time
limit (one element with 200,000 attributes took more than nine minutes to describe; a bare parse of the same
bytes takes a fifth of a second). ``bench/hostile_bench.py`` times every shape against a bare parse."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from typer.testing import CliRunner

from harmony import nml
from harmony.cli import app
from harmony.devtools.hostile import SHAPES, hostile_collection
from harmony.errors import HarmonyError
from harmony.service import ExportRequest, ImportRequest

from .conftest import BASE, Api, build_app

runner = CliRunner()

# Size per shape, and whether Harmony reads it (True) or refuses it (the words of its reason).
CASES: dict[str, tuple[int, bool | str]] = {
    "many_attributes": (200_000, "more than the 1.0 MB Harmony allows one track"),
    "many_attributes_small": (500, "has 503 attributes, more than the 100 Harmony allows"),
    "huge_attribute_value": (4_000_000, "more than the 1.0 MB Harmony allows one track"),
    "many_tiny_elements": (100_000, True),
    "long_text": (900_000, True),
    "deep_nesting": (5_000, "more than 256 levels deep"),
    "deep_folders": (1_000, "more than 256 levels deep"),
    "many_cues": (5_000, True),
    "many_playlists": (300, True),
    "long_names": (100_000, True),
}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Api]:
    """One app (and one set of workers) for every shape: starting workers costs more than reading a shape."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "home").mkdir()
    web = build_app(folder, folder / "home")
    async with web.router.lifespan_context(web):
        transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            yield Api(web, client)


def test_every_shape_is_covered() -> None:
    assert {name.removesuffix("_small") for name in CASES} == set(SHAPES)


def _refusal(error: str | None) -> str:
    assert error is not None
    assert "\n" not in error
    return error


@pytest.mark.timeout(60)
@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("name", list(CASES))
async def test_a_hostile_shape_is_read_or_refused_everywhere(api: Api, tmp_path: Path, name: str) -> None:
    size, expected = CASES[name]
    path = tmp_path / "collection.nml"
    path.write_bytes(hostile_collection(name.removesuffix("_small"), size))
    before = path.read_bytes()

    info = runner.invoke(app, ["traktor", "info", str(path), "--json"])
    preview = await api.run("/api/traktor/preview", {"nml_path": str(path)})
    service = api.state.service
    # The hostile file replaces whatever the fixture library held: not what the removal guard is about.
    imported = await service.sync(ImportRequest(nml_path=str(path), allow_mass_removal=True))
    exported = await service.export(ExportRequest(nml_path=str(path)))

    if expected is True:
        assert info.exit_code == 0, info.output
        tracks = json.loads(info.stdout)["tracks"]
        assert tracks == 3
        assert preview["status"] == "succeeded", preview.get("error")
        assert imported.status == "succeeded", imported.error
        assert exported.status == "succeeded", exported.error
        assert len(nml.load(path).tracks) == 3  # whatever the export wrote reads back
        return
    assert isinstance(expected, str)
    # The CLI's main() prints a HarmonyError as one line; the runner hands it over as it was raised.
    assert isinstance(info.exception, HarmonyError), info.output
    for error in (str(info.exception), preview.get("error"), imported.error, exported.error):
        assert expected in _refusal(error)
    assert path.read_bytes() == before  # a refused file is never written
