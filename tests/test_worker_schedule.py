"""The worker runs exactly the scheduled jobs the docs promise (docs/architecture.md,
"Scheduled jobs"), on the stated schedule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from arq.cron import CronJob

from garderobe import worker
from garderobe.settings import Settings

ARCHITECTURE = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"
ROW = re.compile(r"^\| `(?P<job>\w+)` \| (?P<runs>[^|]+) \|")


def _documented_schedule() -> dict[str, str]:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    table = text.split("Scheduled jobs (", 1)[1].split("\n\n", 2)[1]
    return {m["job"]: m["runs"].strip() for line in table.splitlines() if (m := ROW.match(line))}


def _as_written(job: CronJob) -> str:
    """The docs' wording for the cron jobs the worker uses (minute and second sets)."""
    assert job.hour is None
    assert job.day is None
    assert job.month is None
    assert job.weekday is None
    assert isinstance(job.second, set)
    assert len(job.second) == 1
    if job.minute is None:
        runs = f"every minute at :{next(iter(job.second)):02d} s"
    else:
        assert isinstance(job.minute, set)
        assert len(job.minute) == 1
        runs = f"hourly at minute {next(iter(job.minute))}"
    return runs + (", and at worker start" if job.run_at_startup else "")


@pytest.mark.unit
def test_worker_cron_list_matches_the_docs() -> None:
    registered = {job.coroutine.__name__: _as_written(job) for job in worker.cron_jobs()}
    assert registered == _documented_schedule()


@pytest.mark.integration
def test_the_worker_is_built_with_that_list(settings: Settings) -> None:
    names = {job.name for job in worker.create_worker(settings, burst=True).cron_jobs}
    assert names == {f"cron:{job.coroutine.__name__}" for job in worker.cron_jobs()}
