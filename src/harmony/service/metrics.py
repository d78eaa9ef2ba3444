"""What the operations journal keeps of a finished operation: timings per phase, counts, outcome, pools."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from harmony.library import OperationRecord
from harmony.service.operations import Operation
from harmony.workers import PoolStats

__all__ = ["operation_record"]


def operation_record(op: Operation, pools: Mapping[str, PoolStats]) -> OperationRecord:
    """The journal record of the finished operation ``op``, with the pools' statistics as they are now."""
    result = op.result.to_json() if op.result is not None and hasattr(op.result, "to_json") else {}
    seconds_per_phase = result.pop("seconds_per_phase", None) or {}
    # A cancelled operation's message says what it left ("Cancelled; nothing was changed."); a failed one's
    # error is recorded apart.
    summary = result.get("summary") or (op.message if op.status in ("succeeded", "cancelled") else "")
    return OperationRecord(
        operation_id=op.id,
        operation=op.operation,
        status=op.status,
        finished_at=op.finished_at or datetime.now(UTC),
        nml_path=op.nml_path,
        trigger=op.trigger,
        started_at=op.started_at,
        seconds=op.seconds,
        summary=str(summary),
        error=op.error,
        seconds_per_phase={str(k): float(v) for k, v in seconds_per_phase.items()},
        counts=_counts(result),
        pools={name: dataclasses.asdict(stats) for name, stats in pools.items()},
    )


def _counts(result: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of a result: its numbers, its flags (an export's ``written``: whether it wrote the file), and
    the number of items of its lists (conflicts, missing files…), which can be long."""
    counts: dict[str, Any] = {}
    for key, value in result.items():
        if value is None:
            continue
        if isinstance(value, int | float):  # bool included
            counts[key] = value
        elif isinstance(value, list | tuple):
            counts[key] = len(value)
        elif isinstance(value, Mapping) and all(isinstance(v, int) for v in value.values()):
            counts[key] = dict(value)
    return counts
