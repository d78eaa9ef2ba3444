"""Errors as the browser sees them: JSON ``{"error": "..."}``, a status that fits, never a stack trace.

A :class:`~harmony.errors.HarmonyError` carries a message a DJ can act on, so it is shown as it is: 404 for
something that does not exist, 409 for work that clashes with work already running, 400 for the rest. Anything
else is a bug: it is logged with its traceback and answered with a generic 500.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from harmony.errors import HarmonyError
from harmony.library import (
    DamagedLibraryError,
    EditConflictError,
    LibraryChangedError,
    NotFoundError,
    ReadOnlyLibraryError,
    SmartListError,
    TrackNotFoundError,
)
from harmony.nml import CollectionPathError
from harmony.service import (
    MassRemovalError,
    OperationRunningError,
    PoolClosedError,
    QueueFullError,
    TooManyParsesError,
    TraktorRunningError,
    UnknownBackupError,
    UnreadableAudioError,
)
from harmony.web.events import TooManyStreamsError
from harmony.web.schemas import HOLDABLE_NAME_PATTERN, HOLDABLE_TEXT_PATTERN, NML_PATH_PATTERN

__all__ = ["install_error_handlers", "status_for"]

log = logging.getLogger(__name__)

_NOT_FOUND = (NotFoundError, TrackNotFoundError, UnknownBackupError)
_CONFLICT = (
    OperationRunningError,
    LibraryChangedError,
    QueueFullError,
    MassRemovalError,
    EditConflictError,
    TraktorRunningError,  # Traktor holds the collection: a state of the machine, not a bad request
    SmartListError,  # a smart list whose query Harmony cannot evaluate: nothing to list, said plainly
)
GENERIC_MESSAGE = "Something went wrong inside Harmony; the details are in its log."


#: A collection path that cannot be used, by why: nothing there (or a name no file can have), no permission,
#: or something that is not a file (a folder, a FIFO…), which clashes with the request rather than breaking it.
_PATH_STATUS = {"missing": 404, "forbidden": 403, "not_a_file": 409, "refused": 409}


def status_for(error: HarmonyError) -> int:
    """The HTTP status of a Harmony error."""
    if isinstance(error, DamagedLibraryError):  # not the request's fault: the library needs repair
        return 503
    if isinstance(error, PoolClosedError):  # the app is stopping: not the request's fault either
        return 503
    if isinstance(error, ReadOnlyLibraryError):
        return 409
    if isinstance(error, TooManyParsesError | TooManyStreamsError):
        return 429
    if isinstance(error, CollectionPathError):
        return _PATH_STATUS.get(error.kind, 409)
    if isinstance(error, _NOT_FOUND):
        return 404
    if isinstance(error, UnreadableAudioError):  # the request is fine; the file's content is not audio
        return 422
    if isinstance(error, _CONFLICT):
        return 409
    return 400


async def _harmony_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HarmonyError)
    status = status_for(error)
    log.info("%s %s -> %d: %s", request.method, request.url.path, status, error)
    # A refused stream or parse: close the connection too, so a flood of them holds no file descriptors.
    headers = {"Connection": "close"} if status == 429 else None
    body: dict[str, object] = {"error": error.plain}
    details = getattr(error, "details", None)
    if callable(details):  # e.g. the cue holding a hot cue slot, the tracks already in a playlist
        body.update(details())
    return JSONResponse(body, status_code=status, headers=headers)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return JSONResponse({"error": str(error.detail)}, status_code=error.status_code, headers=headers or None)


def _allowed_methods(request: Request) -> str:
    """Every method some route answers at this path. Starlette names only those of the first route that matched
    the path, but GET and PUT of one path are two routes here."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


# What the API's patterns (see harmony.web.schemas) ask for, in words.
_PATTERN_MEANING = {
    "path_mappings": 'each mapping is NML_PREFIX=LOCAL_FOLDER, e.g. {"C:/Users/me/Music": "/home/me/Music"}: '
    "a volume or folder on the left (no '='), a folder on the right",
}
#: What a collection path's pattern asks for, whichever field carries one (``nml_path``, a backup's ``path``).
_NML_PATH_MEANING = (
    "a collection path is a full path (starting with / or ~/ for your own home folder) with no NUL character"
)


_CONTROL = "no control character (Traktor's collection cannot hold one)"
#: What the patterns a field of any name may carry ask for, in words.
_MEANING_OF_PATTERN = {
    NML_PATH_PATTERN: _NML_PATH_MEANING,
    HOLDABLE_TEXT_PATTERN: f"text with {_CONTROL}",
    HOLDABLE_NAME_PATTERN: f"a name needs something besides spaces, and {_CONTROL}",
}


#: Pydantic's words for a value out of range, a text too long or of the wrong type, in the words the library's
#: own checks use ("must be at most 999, not 5000"): the DJ sees these under a cell or a form.
_BOUNDS = {"less_than_equal": ("le", "at most"), "greater_than_equal": ("ge", "at least"),
           "less_than": ("lt", "less than"), "greater_than": ("gt", "more than")}  # fmt: skip
_NEEDS = {"int_type": "a whole number", "int_parsing": "a whole number", "int_from_float": "a whole number",
          "float_type": "a number", "float_parsing": "a number", "finite_number": "a finite number",
          "string_type": "text", "bool_type": "true or false", "bool_parsing": "true or false"}  # fmt: skip


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else repr(value)


def _in_words(item: Mapping[str, Any]) -> str | None:
    """What a pydantic error ``item`` asks for, in words, or None to keep pydantic's own."""
    kind, ctx, given = item.get("type"), item.get("ctx") or {}, item.get("input")
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"must be {words} {_number(ctx[key])}, not {_number(given)}"
    if kind == "string_too_long" and isinstance(given, str):
        return f"holds {len(given):,} characters, more than the {ctx['max_length']:,} one text may"
    if kind in _NEEDS:
        shown = repr(given)
        return f"needs {_NEEDS[kind]}, not {shown if len(shown) <= 40 else shown[:39] + '…'}"
    return None


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if part != "body"]
        where = ".".join(location)
        message = str(item.get("msg", "invalid"))
        field = next((part for part in location if part not in ("query", "path", "header")), "")
        pattern = (item.get("ctx") or {}).get("pattern")
        # The pattern itself means nothing to a DJ.
        if item.get("type") == "string_pattern_mismatch" and pattern in _MEANING_OF_PATTERN:
            message, where = _MEANING_OF_PATTERN[pattern], location[-1]
        elif item.get("type") == "string_pattern_mismatch" and field in _PATTERN_MEANING:
            message, where = _PATTERN_MEANING[field], field
        elif (words := _in_words(item)) is not None:
            # The field's name ("bpm", not a bulk edit's "set.bpm"; "ids", not "ids.3").
            message, where = words, next((part for part in reversed(location) if not part.isdigit()), where)
        problems.append(f"{where}: {message}" if where else message)
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
