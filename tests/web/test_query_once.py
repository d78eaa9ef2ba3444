"""A single-valued query parameter given twice is refused (FastAPI alone would keep the last one)."""

from __future__ import annotations

from .conftest import Api


async def test_a_repeated_single_valued_parameter_is_refused_and_a_list_one_is_not(api: Api) -> None:
    once = await api.client.get("/api/library/missing", params={"limit": 2})
    assert once.status_code == 200
    twice = await api.client.get("/api/library/missing", params=[("limit", "1"), ("limit", "2")])
    assert twice.status_code == 422
    assert "limit" in twice.text
    tracks = await api.client.get("/api/library/tracks", params=[("limit", "5"), ("limit", "6")])
    assert tracks.status_code == 422
    listed = await api.client.get("/api/library/missing/suggestions", params=[("root", "/a"), ("root", "/b")])
    assert listed.status_code != 422, listed.text  # a list parameter takes several values
