"""Dying with the parent, even inside a long C call: the kernel's parent-death signal (Linux).

A worker's watchdog and receiver threads end it when the app goes away, but only when they get to run: a task
inside a long C call that keeps the GIL (libxml2 parsing a big collection) blocks them, and after ``kill -9`` of
the app the worker would spin on, keeping the forkserver and the resource tracker alive too. So, on Linux:

- the forkserver asks the kernel (``prctl(PR_SET_PDEATHSIG, SIGKILL)``) to be killed when the app dies (it is
  imported there first, see :data:`harmony.workers.context.DEFAULT_PRELOAD`); it is started from a thread that
  lives as long as the app, because the signal follows the death of the parent *thread*;
- each worker forked by the forkserver asks the same about the forkserver;
- the resource tracker then sees every end of its pipe closed and leaves by itself.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
from typing import Final

__all__ = ["PR_SET_PDEATHSIG", "die_with_parent"]

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG: Final = 1  # from <linux/prctl.h>


def die_with_parent() -> bool:
    """Have the kernel SIGKILL this process when its parent dies; True if armed (Linux only).

    If the parent died before the signal was armed, this process is already an orphan: it leaves at once."""
    if not sys.platform.startswith("linux"):
        return False
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            log.warning("cannot arm the parent-death signal: %s", os.strerror(ctypes.get_errno()))
            return False
    except (OSError, AttributeError) as error:
        log.warning("cannot arm the parent-death signal: %s", error)
        return False
    if os.getppid() != parent:  # the parent died in between: nobody would ever send the signal
        os._exit(0)
    return True
