"""Background worker processes: the generic pool, its errors and progress events, and the app's pool manager.

Nothing here knows about Traktor: a pool runs any importable top-level function in a worker process and
streams its progress back. See :class:`WorkerPool` (asyncio), :class:`BlockingWorkerPool` (CLI) and
:class:`WorkerManager`.
"""

from harmony.errors import WorkerError
from harmony.workers.blocking import BlockingWorkerPool
from harmony.workers.cancel import CancelToken
from harmony.workers.context import preload_modules
from harmony.workers.errors import (
    PoolClosedError,
    QueueFullError,
    RemoteError,
    RemoteTraceback,
    TaskCancelled,
    TaskTimeoutError,
    TransientError,
    WorkerCrashedError,
    WorkerStartupError,
)
from harmony.workers.manager import Job, PoolConfig, WorkerManager
from harmony.workers.pool import WorkerPool
from harmony.workers.progress import CancelCheck, Progress, ProgressCallback, ProgressReporter, no_progress
from harmony.workers.stats import Percentiles, PoolStats

__all__ = [
    "BlockingWorkerPool",
    "CancelCheck",
    "CancelToken",
    "Job",
    "Percentiles",
    "PoolClosedError",
    "PoolConfig",
    "PoolStats",
    "Progress",
    "ProgressCallback",
    "ProgressReporter",
    "QueueFullError",
    "RemoteError",
    "RemoteTraceback",
    "TaskCancelled",
    "TaskTimeoutError",
    "TransientError",
    "WorkerCrashedError",
    "WorkerError",
    "WorkerManager",
    "WorkerPool",
    "WorkerStartupError",
    "no_progress",
    "preload_modules",
]
