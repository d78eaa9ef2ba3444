"""The file layer's errors cross the process boundary (export worker → app) intact: same type, same message,
same step."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from harmony.nmlfile.errors import NmlBusyError, NmlChangedError, SafeWriteError, TraktorRunningError


@pytest.mark.parametrize(
    "error",
    [
        SafeWriteError("replace", "disk full", unchanged=False),
        TraktorRunningError(["Traktor Pro 4"]),
        NmlBusyError(Path("/music/collection.nml"), 10.0),
        NmlChangedError(Path("/music/collection.nml"), "its size went from 1 to 2 bytes"),
    ],
)
def test_errors_survive_pickling(error: SafeWriteError) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert (back.step, back.unchanged) == (error.step, error.unchanged)
