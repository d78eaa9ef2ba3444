"""Request bodies are capped: a 2 GB body, even with the token, is refused with 413 after at most the cap has
been read, so the server's memory stays bounded; normal bodies pass unchanged."""

from __future__ import annotations

from collections.abc import AsyncIterator

from harmony.web.limits import MAX_BODY_BYTES

from .conftest import Api, Demo

TWO_GB = 2 * 1024**3
PIECE = 1 << 20


class Upload:
    """A body of ``size`` bytes, produced piece by piece, counting what the server pulled from it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.sent < self.size:
            piece = b"\0" * min(PIECE, self.size - self.sent)
            self.sent += len(piece)
            yield piece


async def test_a_2_gb_body_with_a_length_is_refused_before_it_is_read(api: Api) -> None:
    upload = Upload(TWO_GB)
    headers = {**api.token, "Content-Type": "application/json", "Content-Length": str(TWO_GB)}
    response = await api.client.put("/api/traktor/config", content=upload, headers=headers)
    assert response.status_code == 413
    assert "too big" in response.json()["error"]
    assert upload.sent <= PIECE  # nothing read but what the transport sent ahead


async def test_a_2_gb_chunked_body_is_refused_once_past_the_cap(api: Api) -> None:
    upload = Upload(TWO_GB)
    headers = {**api.token, "Content-Type": "application/json"}
    response = await api.client.post("/api/traktor/preview", content=upload, headers=headers)
    assert response.status_code == 413
    assert upload.sent <= MAX_BODY_BYTES + 2 * PIECE


async def test_normal_bodies_still_work_chunked_or_not(api: Api, demo: Demo) -> None:
    await api.configure(demo)

    async def chunked() -> AsyncIterator[bytes]:
        yield b'{"auto_sync": {"enabled": false'
        yield b"}}"

    headers = {**api.token, "Content-Type": "application/json"}
    response = await api.client.put("/api/traktor/config", content=chunked(), headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["nml_path"] == str(demo.nml)
