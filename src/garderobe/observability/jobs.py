"""Job outcomes for the worker's metrics, and the worker's own /metrics server."""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from arq.worker import Retry
from prometheus_client import start_http_server

from garderobe.observability.metrics import JOBS

log = logging.getLogger(__name__)

JobFunction = TypeVar("JobFunction", bound=Callable[..., Awaitable[Any]])


def counted(function: JobFunction) -> JobFunction:
    """The job function, counting how each run ended: complete, retry or failed.

    A wrapper rather than arq's hooks: arq's on_job_end is not told whether the job failed.
    `functools.wraps` keeps the name arq registers the job under.
    """

    @functools.wraps(function)
    async def run(*args: Any, **kwargs: Any) -> Any:
        name = function.__name__
        try:
            result = await function(*args, **kwargs)
        except Retry:
            JOBS.labels(name, "retry").inc()
            raise
        except BaseException:
            JOBS.labels(name, "failed").inc()
            raise
        JOBS.labels(name, "complete").inc()
        return result

    return cast("JobFunction", run)


def counted_cron(job: Any) -> Any:
    """An arq CronJob whose coroutine is `counted`."""
    return dataclasses.replace(job, coroutine=counted(job.coroutine))


def serve_metrics(port: int | None) -> None:
    """Start the worker's /metrics server in a thread; the worker has no HTTP app of its own."""
    if port is None:
        return
    start_http_server(port)
    log.info("worker metrics on :%d/metrics", port)
