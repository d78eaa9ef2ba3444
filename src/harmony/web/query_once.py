"""A query parameter a route takes once must be given once.

For a single-valued query parameter, FastAPI keeps the last of several (``?limit=1&limit=500``): a request that
breaks the schema would be answered as if it were sound. This app-wide dependency refuses it with a 422 like
any other invalid parameter, on every route, from the route's own parameters.
"""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

from fastapi import Request, params
from fastapi.dependencies.utils import get_flat_params
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

__all__ = ["query_given_once"]


def query_given_once(request: Request) -> None:
    """Raise :class:`RequestValidationError` when a single-valued query parameter of the route is repeated."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    errors = [
        {
            "type": "multiple_values",
            "loc": ("query", field.alias),
            "msg": "give this parameter once",
            "input": request.query_params.getlist(field.alias),
        }
        for field in get_flat_params(route.dependant)
        if isinstance(field.field_info, params.Query)
        and not _takes_several(field.field_info.annotation)
        and len(request.query_params.getlist(field.alias)) > 1
    ]
    if errors:
        raise RequestValidationError(errors)


def _takes_several(annotation: Any) -> bool:
    """Whether a parameter of this type takes several values (a list, set or tuple, optional or not)."""
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        return any(_takes_several(member) for member in get_args(annotation))
    return (origin or annotation) in (list, set, frozenset, tuple)
