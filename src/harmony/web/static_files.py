"""The pages' scripts and styles, served so that a browser asks each time whether its copy is current.

Without a ``Cache-Control`` header a browser may keep a file for a tenth of its age without asking: after an
upgrade, a page could run last month's ``api.js`` beside today's ``tree.js``. With ``no-cache`` it keeps its
copy and asks first; an unchanged file costs a ``304`` answer, on the DJ's own machine.
"""

from __future__ import annotations

import os

from starlette.responses import Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

__all__ = ["CheckedStaticFiles"]


class CheckedStaticFiles(StaticFiles):
    """:class:`StaticFiles` whose answers tell the browser to check its copy before each use."""

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-cache"
        return response
