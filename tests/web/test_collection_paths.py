"""A collection path the operating system refuses, or one that is not a regular file, is the DJ's error on
every endpoint that takes one: a 4xx with a plain one-line message, never a 500, never a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import Api

# What each kind of bad path answers: the status, and words of the message.
ENDPOINTS = ("preview", "sync", "export")


def _bad_paths(tmp_path: Path) -> dict[str, tuple[str, int, str]]:
    fifo = tmp_path / "fifo.nml"
    os.mkfifo(fifo)
    return {
        "300-character name": ("/" + "a" * 300, 404, "has a name too long"),
        "1,000-character name": ("/" + "b" * 1000, 404, "has a name too long"),
        "4,096-character path": ("/" + "c/" * 2047 + "d", 404, "has a name too long"),
        "a folder": (str(tmp_path), 409, "is a folder"),
        "a device": ("/dev/zero", 409, "is a device"),
        "a FIFO": (str(fifo), 409, "is a FIFO"),
    }


def _plain(answer: dict[str, object], words: str) -> None:
    error = answer["error"]
    assert isinstance(error, str)
    assert words in error and "\n" not in error and len(error) < 400


@pytest.mark.timeout(120)
async def test_every_endpoint_that_takes_a_path_answers_4xx(api: Api, tmp_path: Path) -> None:
    for label, (path, status, words) in _bad_paths(tmp_path).items():
        info = await api.client.get("/api/traktor/info", params={"nml_path": path}, headers=api.token)
        assert info.status_code == status, (label, info.text)
        _plain(info.json(), words)
        for endpoint in ENDPOINTS:
            started = await api.client.post(f"/api/traktor/{endpoint}", json={"nml_path": path}, headers=api.token)
            assert started.status_code == status, (label, endpoint, started.text)
            _plain(started.json(), words)
        config = await api.client.put("/api/traktor/config", json={"nml_path": path}, headers=api.token)
        assert config.status_code == status, (label, config.text)
        _plain(config.json(), words)
    assert (await api.client.get("/api/traktor/config")).json()["nml_path"] is None  # nothing was saved


@pytest.mark.timeout(60)
async def test_the_folder_browser_refuses_long_and_odd_names(api: Api, home: Path) -> None:
    os.mkfifo(home / "pipe.nml")
    for path in ("a" * 300, str(home / ("b" * 300)), str(home / "pipe.nml" / "x")):
        answer = await api.client.get("/api/files", params={"path": path}, headers=api.token)
        assert answer.status_code == 404, answer.text
        _plain(answer.json(), "does not exist")
    listing = await api.client.get("/api/files", params={"path": str(home)}, headers=api.token)
    assert listing.status_code == 200
    assert "pipe.nml" not in [entry["name"] for entry in listing.json()["entries"]]  # not a collection file


@pytest.mark.timeout(60)
async def test_a_configured_collection_that_became_a_fifo_is_explained(api: Api, tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(b"<NML></NML>")
    assert (await api.client.put("/api/traktor/config", json={"nml_path": str(path)}, headers=api.token)).is_success
    path.unlink()
    os.mkfifo(path)
    info = await api.client.get("/api/traktor/info", headers=api.token)
    assert info.status_code == 200  # the page shows the reason rather than failing
    assert "is a FIFO" in info.json()["error"]
    preview = await api.client.post("/api/traktor/preview", headers=api.token)
    assert preview.status_code == 409
    _plain(preview.json(), "is a FIFO")


@pytest.mark.timeout(60)
async def test_a_relative_collection_path_is_refused_naming_the_field(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A relative path would be resolved against the server's working folder: nothing a web page could mean.
    workdir = tmp_path / "server-cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    for path in ("0", "collection.nml", "Music/collection.nml", "./x.nml"):
        answers = [await api.client.get("/api/traktor/info", params={"nml_path": path}, headers=api.token)]
        for endpoint in ENDPOINTS:
            answers.append(
                await api.client.post(f"/api/traktor/{endpoint}", json={"nml_path": path}, headers=api.token)
            )
        answers.append(await api.client.put("/api/traktor/config", json={"nml_path": path}, headers=api.token))
        for answer in answers:
            assert answer.status_code == 422, (path, answer.request.url, answer.text)
            _plain(answer.json(), "nml_path: a collection path is a full path")
        for endpoint in ("restore", "backups/compare"):
            answer = await api.client.post(f"/api/traktor/{endpoint}", json={"path": path}, headers=api.token)
            assert answer.status_code == 422, (path, endpoint, answer.text)
            _plain(answer.json(), "path: a collection path is a full path")
    assert list(workdir.iterdir()) == []  # nothing written where the server runs
    assert (await api.client.get("/api/traktor/config")).json()["nml_path"] is None
