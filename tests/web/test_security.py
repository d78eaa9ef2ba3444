"""The local app's guards: DNS rebinding (Host), cross-site changes (Origin/token), the folder browser's walls,
and errors that never show a stack trace."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harmony.web.security import Guard, allowed_hosts

from .conftest import PORT, Api


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1:9999", "localhost", "192.168.1.5:8765", ""])
async def test_foreign_host_is_refused(api: Api, host: str) -> None:
    response = await api.client.get("/api/traktor/config", headers={"Host": host})
    assert response.status_code == 400
    assert "own address" in response.json()["error"]
    stream = await api.client.get("/api/events", headers={"Host": host})
    assert stream.status_code == 400


@pytest.mark.parametrize("host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"LOCALHOST:{PORT}"])
async def test_own_host_is_served(api: Api, host: str) -> None:
    assert (await api.client.get("/api/traktor/config", headers={"Host": host})).status_code == 200


def test_allowed_hosts_of_a_non_loopback_bind() -> None:
    assert allowed_hosts("192.168.1.5", 80) == {"192.168.1.5:80"}
    assert "[::1]:8765" in allowed_hosts("::1", 8765)


async def test_changes_need_token_or_same_origin(api: Api) -> None:
    body = {"track_strategy": "harmony_wins"}
    plain = await api.client.put("/api/traktor/config", json=body)
    assert plain.status_code == 403
    assert "did not come from a Harmony page" in plain.json()["error"]
    foreign = await api.client.put("/api/traktor/config", json=body, headers={"Origin": "http://evil.example"})
    assert foreign.status_code == 403
    rebound = await api.client.put("/api/traktor/config", json=body, headers={"Origin": f"http://evil:{PORT}"})
    assert rebound.status_code == 403
    wrong = await api.client.put("/api/traktor/config", json=body, headers={"X-Harmony-Token": "guess"})
    assert wrong.status_code == 403
    for path in ("/api/traktor/sync", "/api/traktor/preview", "/api/operations/x/cancel"):
        assert (await api.client.post(path)).status_code == 403, path
    # Nothing was changed by the refused requests.
    assert (await api.client.get("/api/traktor/config")).json()["track_strategy"] == "smart_merge"

    same_origin = await api.client.put("/api/traktor/config", json=body, headers={"Origin": f"http://127.0.0.1:{PORT}"})
    assert same_origin.status_code == 200
    with_token = await api.client.put("/api/traktor/config", json={"auto_backup": False}, headers=api.token)
    assert with_token.status_code == 200
    assert with_token.json()["track_strategy"] == "harmony_wins"


def test_each_app_has_its_own_token() -> None:
    a, b = Guard.for_address("127.0.0.1", 1), Guard.for_address("127.0.0.1", 1)
    assert a.token != b.token
    assert len(a.token) >= 32


async def test_browser_lists_folders_and_collections_only(api: Api, home: Path) -> None:
    (home / "Documents" / "Native Instruments" / "Traktor 3.11.1").mkdir(parents=True)
    (home / "Documents" / "Native Instruments" / "Traktor 3.11.1" / "collection.nml").write_text("<NML/>")
    (home / "Documents" / "notes.txt").write_text("x")
    (home / ".secret").mkdir()
    root = (await api.client.get("/api/files", headers=api.token)).json()
    assert root["path"] == str(home.resolve())
    assert root["parent"] is None
    assert {e["name"] for e in root["entries"]} == {"Documents"}
    traktor = home / "Documents" / "Native Instruments" / "Traktor 3.11.1"
    listing = (await api.client.get("/api/files", params={"path": str(traktor)}, headers=api.token)).json()
    assert listing["entries"] == [
        {"name": "collection.nml", "path": str(traktor / "collection.nml"), "kind": "collection"}
    ]
    assert listing["parent"] == str(traktor.parent)
    relative = (await api.client.get("/api/files", params={"path": "Documents"}, headers=api.token)).json()
    assert [e["name"] for e in relative["entries"]] == ["Native Instruments"]  # notes.txt is not a collection


@pytest.mark.parametrize("path", ["..", "../..", "Documents/../..", "/etc", "/", "/tmp"])
async def test_browser_cannot_leave_home(api: Api, home: Path, path: str) -> None:
    (home / "Documents").mkdir()
    response = await api.client.get("/api/files", params={"path": path}, headers=api.token)
    assert response.status_code in (403, 404)
    assert "error" in response.json()
    assert "/etc" not in str(response.json().get("entries", ""))


async def test_browser_follows_no_symlink_out_of_home(api: Api, home: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "stolen.nml").write_text("<NML/>")
    os.symlink(outside, home / "escape")
    inside = home / "Music"
    inside.mkdir()
    os.symlink(inside, home / "shortcut")
    root = (await api.client.get("/api/files", headers=api.token)).json()
    names = {e["name"] for e in root["entries"]}
    assert "escape" not in names
    assert {"Music", "shortcut"} <= names
    followed = await api.client.get("/api/files", params={"path": str(home / "escape")}, headers=api.token)
    assert followed.status_code == 403
    assert (await api.client.get("/api/files", params={"path": "escape"}, headers=api.token)).status_code == 403
    assert (await api.client.get("/api/files", params={"path": "shortcut"}, headers=api.token)).status_code == 200


async def test_unexpected_errors_show_no_stack_trace(api: Api) -> None:
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/api/boom")
    async def boom() -> None:
        raise ZeroDivisionError("secret internals")

    api.app.include_router(router)
    response = await api.client.get("/api/boom")
    assert response.status_code == 500
    assert response.json() == {"error": "Something went wrong inside Harmony; the details are in its log."}
    assert "Traceback" not in response.text
    assert "secret internals" not in response.text


async def test_unknown_paths_are_json_404(api: Api) -> None:
    response = await api.client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": "Not Found"}


async def test_unknown_home_folders_are_client_errors(api: Api) -> None:
    # Python's expanduser raises for "~user" of a user that does not exist: that must be a 4xx, not a crash.
    path = "~no_such_user_harmony/collection.nml"
    info = await api.client.get("/api/traktor/info", params={"nml_path": path}, headers=api.token)
    assert info.status_code == 422
    sync = await api.client.post("/api/traktor/sync", json={"nml_path": path}, headers=api.token)
    assert sync.status_code == 422
    assert (await api.client.get("/api/files", params={"path": path}, headers=api.token)).status_code == 404
