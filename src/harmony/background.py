"""One call run on a thread of its own, beside the caller, for work that lets go of the interpreter.

Hashing a big buffer, libxml2 parsing a file it opened itself and file I/O all release the GIL, so on a machine
with two cores they run truly beside the caller's own work. :func:`started` starts the call and hands back a
:class:`Background`: ``result()`` waits and returns the value or raises the call's exception in the caller's
thread; ``exception()`` waits and returns the exception (or None) without raising it.

Plain :mod:`threading`, not :mod:`concurrent.futures`: the pure layers (``sync``, ``nml``) reach this module
through the fingerprint type, and their contract keeps executors (and processes) out of them.

Beside the layers, like :mod:`harmony.collector`: the NML reading and the safe write use it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

__all__ = ["Background", "started"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


class Background(Generic[_T]):
    """A call running on its own thread; see the module doc."""

    def __init__(self, name: str, call: Callable[[], _T]) -> None:
        self._call = call
        self._value: _T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._call()
        except BaseException as error:  # handed to whoever waits, in their thread
            self._error = error
        finally:
            del self._call  # nothing the call held outlives it

    def exception(self) -> BaseException | None:
        """Wait for the call; its exception, or None."""
        self._thread.join()
        return self._error

    def result(self) -> _T:
        """Wait for the call; its value, or its exception raised here."""
        error = self.exception()
        if error is not None:
            raise error
        return self._value  # type: ignore[return-value]  # set when the call returned


def started(name: str, call: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Background[_T]:
    """Start ``call(*args, **kwargs)`` on a new thread named ``name``."""
    return Background(name, lambda: call(*args, **kwargs))
