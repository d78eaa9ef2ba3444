"""Imported by the forkserver before anything else (a preload): it dies with the app that started it.

Only the forkserver imports this module; workers forked from it find it already imported (and the kernel clears
the parent-death signal across ``fork``, so each worker arms its own, see :mod:`harmony.workers.child`)."""

from harmony.workers.lifeline import die_with_parent

die_with_parent()
