"""The status each kind of Harmony error gets in the web API: the request's fault (4xx) or the app's state (5xx)."""

from __future__ import annotations

import pytest

from harmony.errors import HarmonyError
from harmony.library import DamagedLibraryError, NotFoundError
from harmony.service import OperationRunningError, PoolClosedError, QueueFullError
from harmony.web.errors import status_for


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (PoolClosedError("sync"), 503),  # the app is stopping: retry later, the request was fine
        (DamagedLibraryError("damaged"), 503),
        (NotFoundError("no such playlist"), 404),
        (OperationRunningError("already importing"), 409),
        (QueueFullError("sync", 10), 409),
        (HarmonyError("something the request got wrong"), 400),
    ],
)
def test_each_error_gets_its_status(error: HarmonyError, status: int) -> None:
    assert status_for(error) == status
