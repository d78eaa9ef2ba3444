"""`harmony stats`: the recent operations (import, preview, export) and the worker pools' statistics."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from harmony.cli.output import console, print_json

if TYPE_CHECKING:
    from harmony.library import OperationRecord

__all__ = ["stats"]


def stats(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="How many recent operations.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Show the recent operations with their time per phase and outcome, and the worker pool statistics."""
    from harmony.library import Library

    library_path: Path | None = (ctx.obj or {}).get("library")
    with Library.open(library_path) as library:
        records = library.recent_operations(limit)
    # The newest record that ran on the pools: a restore from the command line ran on none and has no figures.
    pools = next((record.pools for record in records if record.pools), {})
    if as_json:
        print_json(
            {
                "operations": [record.to_json() for record in records],
                "phases": _mean_phases(records),
                "pools": pools,
            }
        )
        return
    if not records:
        console.print("No operations yet: run `harmony traktor sync` or `harmony demo`.")
        return
    table = Table("Finished (UTC)", "Operation", "Outcome", "Seconds", "Phases", "Summary or error")
    for record in records:
        phases = ", ".join(f"{name} {seconds:.2f}" for name, seconds in record.seconds_per_phase.items())
        seconds = "" if record.seconds is None else f"{record.seconds:.2f}"
        table.add_row(
            record.finished_at.strftime("%Y-%m-%d %H:%M:%S"),
            record.operation,
            record.status,
            seconds,
            escape(phases),
            escape(record.error or record.summary),
        )
    console.print(table)
    pool_table = Table(
        "Pool", "Workers", "Busy", "Queued", "Completed", "Failed", "Cancelled", "Crashed", "Run p50 s", "Run max s"
    )
    for name, pool in pools.items():
        run = pool.get("run_time", {})
        pool_table.add_row(
            name,
            str(pool.get("total_workers", "")),
            str(pool.get("busy_workers", "")),
            str(pool.get("queued_tasks", "")),
            str(pool.get("completed", "")),
            str(pool.get("failed", "")),
            str(pool.get("cancelled", "")),
            str(pool.get("crashed", "")),
            f"{run.get('p50', 0.0):.2f}",
            f"{run.get('max', 0.0):.2f}",
        )
    console.print("Worker pools, as the last operation left them (in the process that ran it):")
    console.print(pool_table)


def _mean_phases(records: list[OperationRecord]) -> dict[str, dict[str, float]]:
    """Per operation kind, the mean seconds of each phase over the successful records."""
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        if record.status == "succeeded":
            for phase, seconds in record.seconds_per_phase.items():
                sums[record.operation][phase].append(seconds)
    out: dict[str, Any] = {}
    for operation, phases in sums.items():
        out[operation] = {phase: round(sum(values) / len(values), 3) for phase, values in phases.items()}
    return out
