"""The operations journal: a record of each finished import, preview and export, for ``harmony stats``.

It records the app's work, not the library's content: writing a record bumps no version, so it never makes an
export pending. The journal keeps the most recent :data:`KEEP` records.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, delete, insert, select

from harmony.library.models import OPERATIONS

__all__ = ["KEEP", "OperationRecord", "read_operations", "write_operation"]

#: How many records the journal keeps (the oldest go first).
KEEP: Final = 500


@dataclass(frozen=True, slots=True)
class OperationRecord:
    """One finished operation: what it was, how it ended, how long each phase took, its counts (the figures of
    its result), and the statistics of the worker pools when it ended."""

    operation_id: str
    operation: str
    status: str
    finished_at: datetime
    nml_path: str = ""
    trigger: str = "manual"
    started_at: datetime | None = None
    seconds: float | None = None
    summary: str = ""
    error: str | None = None
    seconds_per_phase: Mapping[str, float] = field(default_factory=dict)
    counts: Mapping[str, Any] = field(default_factory=dict)
    pools: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "operation_id": self.operation_id,
            "operation": self.operation,
            "status": self.status,
            "nml_path": self.nml_path,
            "trigger": self.trigger,
            "started_at": None if self.started_at is None else self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "seconds": self.seconds,
            "summary": self.summary,
            "error": self.error,
            "seconds_per_phase": dict(self.seconds_per_phase),
            "counts": dict(self.counts),
            "pools": dict(self.pools),
        }


def write_operation(conn: Connection, record: OperationRecord, keep: int = KEEP) -> None:
    """Append ``record`` and drop the records beyond the newest ``keep``."""
    conn.execute(
        insert(OPERATIONS).values(
            operation_id=record.operation_id,
            operation=record.operation,
            status=record.status,
            nml_path=record.nml_path,
            trigger=record.trigger,
            started_at=record.started_at,
            finished_at=record.finished_at,
            seconds=record.seconds,
            summary=record.summary,
            error=record.error,
            seconds_per_phase_json=json.dumps(dict(record.seconds_per_phase)),
            counts_json=json.dumps(dict(record.counts), default=str),
            pools_json=json.dumps(dict(record.pools), default=str),
        )
    )
    oldest_kept = conn.execute(
        select(OPERATIONS.c.seq).order_by(OPERATIONS.c.seq.desc()).offset(keep - 1).limit(1)
    ).scalar()
    if oldest_kept is not None:
        conn.execute(delete(OPERATIONS).where(OPERATIONS.c.seq < oldest_kept))


def read_operations(conn: Connection, limit: int = 20) -> list[OperationRecord]:
    """The newest ``limit`` records, newest first."""
    rows = conn.execute(select(OPERATIONS).order_by(OPERATIONS.c.seq.desc()).limit(limit)).all()
    return [
        OperationRecord(
            operation_id=row.operation_id,
            operation=row.operation,
            status=row.status,
            finished_at=row.finished_at,
            nml_path=row.nml_path,
            trigger=row.trigger,
            started_at=row.started_at,
            seconds=row.seconds,
            summary=row.summary,
            error=row.error,
            seconds_per_phase=json.loads(row.seconds_per_phase_json),
            counts=json.loads(row.counts_json),
            pools=json.loads(row.pools_json),
        )
        for row in rows
    ]
