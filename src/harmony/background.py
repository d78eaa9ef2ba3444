"""One call run on a thread of its own, beside the caller, for work that lets go of the interpreter.

Hashing a big buffer, libxml2 parsing a file it opened itself and file I/O all release the GIL, so on a machine
with two cores they run truly beside the caller's own work. :func:`started` starts the call and hands back a
:class:`~concurrent.futures.Future`: ``result()`` waits and returns the value or raises the call's exception in
the caller's thread; ``exception()`` waits and returns the exception (or None) without raising it.

Beside the layers, like :mod:`harmony.collector`: the NML reading, the safe write and the jobs use it."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

__all__ = ["started"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


def started(name: str, call: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
    """Start ``call(*args, **kwargs)`` on a new thread named ``name``; return its future."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    try:
        return pool.submit(call, *args, **kwargs)
    finally:
        pool.shutdown(wait=False)  # the thread ends with the call; nothing else is ever sent to it
