"""Errors as the browser sees them: JSON ``{"error": "..."}``, a status that fits, never a stack trace.

A :class:`~harmony.errors.HarmonyError` carries a message a DJ can act on, so it is shown as it is: 404 for
something that does not exist, 409 for work that clashes with work already running, 400 for the rest. Anything
else is a bug: it is logged with its traceback and answered with a generic 500.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from harmony.errors import HarmonyError
from harmony.library import LibraryChangedError, NotFoundError, TrackNotFoundError
from harmony.service import OperationRunningError, QueueFullError

__all__ = ["install_error_handlers", "status_for"]

log = logging.getLogger(__name__)

_NOT_FOUND = (NotFoundError, TrackNotFoundError)
_CONFLICT = (OperationRunningError, LibraryChangedError, QueueFullError)
GENERIC_MESSAGE = "Something went wrong inside Harmony; the details are in its log."


def status_for(error: HarmonyError) -> int:
    """The HTTP status of a Harmony error."""
    if isinstance(error, _NOT_FOUND):
        return 404
    if isinstance(error, _CONFLICT):
        return 409
    return 400


async def _harmony_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HarmonyError)
    status = status_for(error)
    log.info("%s %s -> %d: %s", request.method, request.url.path, status, error)
    return JSONResponse({"error": str(error)}, status_code=status)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    return JSONResponse({"error": str(error.detail)}, status_code=error.status_code, headers=error.headers)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        problems.append(f"{where}: {item.get('msg', 'invalid')}" if where else str(item.get("msg", "invalid")))
    text = "; ".join(problems) or "The request is not valid."
    return JSONResponse({"error": text}, status_code=422)


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    log.error("%s %s failed", request.method, request.url.path, exc_info=error)
    return JSONResponse({"error": GENERIC_MESSAGE}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HarmonyError, _harmony_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
