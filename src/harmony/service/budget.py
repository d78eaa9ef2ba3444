"""How long one job may run in a worker before it is stopped: the time budget of previews, imports and exports.

A collection nobody thought of (or a bug) could keep a worker busy forever and, with the pools' few workers,
hold up every later operation. So each job the service starts carries a budget: past it the pool stops the job,
kills the worker if it does not stop, and starts a fresh one for the next job; the operation fails with a plain
message. The default is far above what real work takes (an import of 100,000 tracks takes well under a
minute); ``HARMONY_JOB_BUDGET`` (seconds) changes it for the CLI and the web app, and ``TraktorService`` takes
one directly.
"""

from __future__ import annotations

import os
from typing import Final

from harmony.errors import SyncError

__all__ = ["BUDGET_VARIABLE", "DEFAULT_JOB_BUDGET", "job_budget", "over_budget_message"]

DEFAULT_JOB_BUDGET: Final = 600.0
BUDGET_VARIABLE: Final = "HARMONY_JOB_BUDGET"


def job_budget(value: float | None = None) -> float:
    """The budget in seconds: ``value`` if given, else ``HARMONY_JOB_BUDGET``, else :data:`DEFAULT_JOB_BUDGET`."""
    if value is None:
        text = os.environ.get(BUDGET_VARIABLE, "").strip()
        if not text:
            return DEFAULT_JOB_BUDGET
        try:
            value = float(text)
        except ValueError:
            raise SyncError(f"{BUDGET_VARIABLE} must be a number of seconds, not {text!r}.") from None
    if not value > 0 or value == float("inf"):
        raise SyncError(f"The job time budget must be a positive number of seconds, not {value!r}.")
    return value


def over_budget_message(worker: str, budget: float) -> str:
    """What a DJ reads when a job ran out of time."""
    minutes = f"{budget / 60:g} minutes" if budget >= 120 else f"{budget:g} seconds"
    return (
        f"The {worker} took longer than its {minutes} and was stopped; nothing was changed. The collection may "
        f"be damaged or unusually large; set {BUDGET_VARIABLE} (seconds) to allow more time."
    )
