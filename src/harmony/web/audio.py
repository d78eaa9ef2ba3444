"""The player's endpoints: a library track's audio (with HTTP Range), its overview waveform and its cover art.

No endpoint takes a path: each names a track of the library, and only that track's file is read (see
:mod:`harmony.service.media`). A track whose file is gone answers 404 with a message saying so.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import FileResponse, Response

from harmony.service import MediaService
from harmony.web.schemas import COMMON_ERRORS, error_responses
from harmony.web.state import WebState, web_state

__all__ = ["router"]

router = APIRouter(prefix="/api/library/tracks", tags=["player"], responses=error_responses(*COMMON_ERRORS, 404))

TrackId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _media(state: WebState) -> MediaService:
    if state.media is None:
        raise RuntimeError("the player's media service is not set up (the app has not started)")
    return state.media


@router.get(
    "/{track_id}/audio",
    summary="The track's audio, for the player",
    response_class=FileResponse,
    responses={
        200: {"content": {"audio/*": {}}, "description": "The whole file"},
        206: {"content": {"audio/*": {}}, "description": "The byte range asked for (Range: bytes=...)"},
        416: {"description": "A range outside the file"},
    },
)
async def audio(state: Annotated[WebState, Depends(web_state)], track_id: TrackId) -> FileResponse:
    """The track's file as it is when a browser plays its format (MP3, AAC, FLAC, WAV, Ogg), else a FLAC copy
    decoded from it (AIFF, ALAC, …; made once, then cached). Honours ``Range`` (206, or 416 outside the file)."""
    found = await _media(state).playable(track_id)
    return FileResponse(found.path, media_type=found.media_type, headers={"Cache-Control": "no-cache"})


@router.get("/{track_id}/waveform", summary="The track's overview waveform")
async def waveform(state: Annotated[WebState, Depends(web_state)], track_id: TrackId) -> dict[str, Any]:
    """``{"duration_ms", "sample_rate", "peaks": [...]}``: 1,000 peaks (fewer for a very short file) spread
    evenly over the track, each 0–255, the loudest sample of its stretch as a share of full scale."""
    return await _media(state).waveform(track_id)


@router.get(
    "/{track_id}/cover",
    summary="The track's embedded cover art",
    response_class=Response,
    responses={200: {"content": {"image/*": {}}, "description": "The picture"}},
)
async def cover(state: Annotated[WebState, Depends(web_state)], track_id: TrackId) -> Response:
    """The picture embedded in the file's tags (the front cover when several); 404 when it has none."""
    found = await _media(state).cover(track_id)
    if found is None:
        return Response(
            content=b'{"error":"This track has no embedded cover art."}',
            status_code=404,
            media_type="application/json",
        )
    data, media_type = found
    return Response(content=data, media_type=media_type, headers={"Cache-Control": "no-cache"})
