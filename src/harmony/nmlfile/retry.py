"""Retrying what fails only for a moment: another export holding the lock, a file another program has open.

Which failures are transient (:func:`is_transient`), looking through an error and its ``__cause__`` chain,
since the safe write wraps the operating system's error in a :class:`SafeWriteError` naming the step:

- :class:`NmlBusyError`: another export of the same file holds the lock;
- :class:`OSError` with ``errno`` ``EBUSY`` (device or resource busy), ``ETXTBSY`` (text file busy) or
  ``EAGAIN``/``EWOULDBLOCK`` (a non-blocking lock or I/O that would block);
- on Windows, ``winerror`` 32 ``ERROR_SHARING_VIOLATION`` and 33 ``ERROR_LOCK_VIOLATION``: another program
  (Traktor, an antivirus, a backup tool) has the file open. Python reports those as ``PermissionError``
  (``EACCES``), which is why plain ``EACCES`` is *not* transient: on POSIX it means a real permission problem
  that waiting will not fix.

Everything else (Traktor running, the file changed, a full disk, a damaged file) fails at once, and so does a
:class:`SafeWriteError` raised after the replace (the new file is in place; redoing the write is wrong).
"""

from __future__ import annotations

import errno
import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from harmony.nmlfile.errors import NmlBusyError, SafeWriteError

logger = logging.getLogger(__name__)

__all__ = ["BUSY_ERRNOS", "BUSY_WINERRORS", "is_transient", "retry_transient"]

T = TypeVar("T")

BUSY_ERRNOS = frozenset({errno.EBUSY, errno.ETXTBSY, errno.EAGAIN, errno.EWOULDBLOCK})
BUSY_WINERRORS = frozenset({32, 33})  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` (or an error it was raised from) is worth retrying; see the module documentation."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, NmlBusyError):
            return True
        if isinstance(current, SafeWriteError) and not current.unchanged:
            return False
        if isinstance(current, OSError) and (
            current.errno in BUSY_ERRNOS or getattr(current, "winerror", None) in BUSY_WINERRORS
        ):
            return True
        current = current.__cause__
    return False


def retry_transient(
    fn: Callable[[], T],
    *,
    attempts: int = 4,
    first_delay: float = 0.2,
    factor: float = 2.0,
    max_delay: float = 2.0,
    is_transient: Callable[[BaseException], bool] = is_transient,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[], float] = random.random,
) -> T:
    """Call ``fn`` until it returns, at most ``attempts`` times, waiting between tries after a transient failure.

    The n-th wait is ``min(max_delay, first_delay * factor ** (n - 1))``, scaled by a random factor in
    [0.5, 1) (``jitter`` returns [0, 1)) so two exports that collided do not collide again in step. A
    non-transient failure, or the last attempt's failure, is raised as it is. ``sleep`` and ``jitter`` are
    parameters so a test (or an asyncio caller running this in a thread) can supply its own."""
    if attempts < 1:
        raise ValueError(f"attempts must be 1 or more, not {attempts}")
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except Exception as error:
            if attempt == attempts or not is_transient(error):
                raise
            wait = min(max_delay, delay) * (0.5 + 0.5 * jitter())
            logger.warning("attempt %d of %d failed (%s); retrying in %.2f s", attempt, attempts, error, wait)
            sleep(wait)
            delay *= factor
    raise AssertionError("unreachable: the loop returns or raises")
