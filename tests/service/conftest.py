"""Fixtures for the service tests: a small generated collection with its files, and a service on its own pools."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harmony.devtools.collection_gen import GeneratedCollection, generate_collection
from harmony.service import ImportRequest, TraktorService
from harmony.workers import Job, PoolConfig, WorkerManager


@dataclass(frozen=True)
class Demo:
    generated: GeneratedCollection

    @property
    def nml(self) -> Path:
        return self.generated.path

    def request(self, **changes: object) -> ImportRequest:
        mappings = tuple(f"{volume}={folder}" for volume, folder in self.generated.path_mappings.items())
        fields: dict[str, object] = {"nml_path": str(self.nml), "path_mappings": mappings, **changes}
        return ImportRequest(**fields)  # type: ignore[arg-type]

    def files(self) -> list[Path]:
        assert self.generated.files_dir is not None
        return sorted(p for p in self.generated.files_dir.rglob("*") if p.is_file())


@pytest.fixture
def demo(tmp_path: Path) -> Demo:
    return Demo(generate_collection(tmp_path / "collection.nml", tracks=300, seed=5, files_dir=tmp_path / "files"))


@pytest.fixture
async def manager() -> AsyncIterator[WorkerManager]:
    manager = WorkerManager(PoolConfig(max_workers=1), PoolConfig(max_workers=1))
    try:
        yield manager
    finally:
        await manager.shutdown(timeout=10)


@pytest.fixture
async def service(tmp_path: Path, manager: WorkerManager) -> AsyncIterator[TraktorService]:
    service = TraktorService(tmp_path / "library.db", manager, spool_dir=str(tmp_path))
    try:
        yield service
    finally:
        await service.close()


class RecordingManager:
    """A manager whose sync pool's jobs are recorded as they are sent (``sent``: each job's function name and
    arguments), and still run."""

    def __init__(self, manager: WorkerManager) -> None:
        self._manager = manager
        self.sent: list[tuple[str, tuple[Any, ...]]] = []

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.sent]

    async def execute_sync(self, job: Job, *args: Any, **kwargs: Any) -> Any:
        self.sent.append((job.fn.__name__, job.args))
        return await self._manager.execute_sync(job, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)


@pytest.fixture
async def restarts(
    tmp_path: Path, manager: WorkerManager
) -> AsyncIterator[Callable[[], tuple[TraktorService, RecordingManager]]]:
    """Harmony started on the same library and cache folder, once per call (a restart), each with the record of
    the jobs it sends to the sync pool."""
    started: list[TraktorService] = []

    def start() -> tuple[TraktorService, RecordingManager]:
        jobs = RecordingManager(manager)
        recorded: Any = jobs
        started.append(TraktorService(tmp_path / "library.db", recorded, cache_dir=tmp_path / "cache"))
        return started[-1], jobs

    try:
        yield start
    finally:
        for service in started:
            await service.close()
