"""The arq worker: its functions and cron jobs, nothing else."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from arq import cron
from arq.cron import CronJob
from arq.worker import Worker

from garderobe import mailer, registry
from garderobe.commerce import metrics as order_metrics
from garderobe.infra import jobs
from garderobe.infra import mail as smtp
from garderobe.infra.stores import Stores, open_stores
from garderobe.logs import bind_request_id, configure_logging
from garderobe.observability import tracing
from garderobe.observability.jobs import counted, counted_cron, serve_metrics
from garderobe.observability.sentry import init_sentry
from garderobe.observability.tracing import traced, traced_cron
from garderobe.outbox import service as outbox
from garderobe.settings import Settings

log = logging.getLogger(__name__)

OUTBOX_REQUEUE_AFTER = timedelta(minutes=2)


async def send_mail(ctx: dict[str, Any], mail: dict[str, Any]) -> None:
    """Send one mail given as {to, subject, text, html?}."""
    settings: Settings = ctx["settings"]
    await smtp.send(settings, smtp.OutgoingMail(**mail))
    log.info("mail sent", extra={"to": mail["to"], "subject": mail["subject"]})


async def _send_templated_mail(ctx: dict[str, Any], payload: dict[str, Any]) -> None:
    message_id = f"<{payload.get('outbox_id', uuid.uuid4())}@garderobe.local>"
    rendered = mailer.render(payload["template"], payload["to"], payload["context"], message_id)
    await smtp.send(ctx["settings"], rendered)
    log.info("mail sent", extra={"to": rendered.to, "template": payload["template"]})


def outbox_handlers() -> dict[str, outbox.Handler]:
    return {mailer.MAIL_TOPIC: _send_templated_mail, **registry.outbox_handlers()}


async def process_outbox_message(ctx: dict[str, Any], message_id: str) -> bool:
    stores: Stores = ctx["stores"]
    return await outbox.process(stores.sessionmaker, uuid.UUID(message_id), outbox_handlers(), ctx)


async def requeue_outbox(ctx: dict[str, Any]) -> int:
    stores: Stores = ctx["stores"]
    count = await outbox.requeue_stale(
        stores.sessionmaker, stores.queue, older_than=OUTBOX_REQUEUE_AFTER
    )
    if count:
        log.info("requeued %d outbox messages", count)
    return count


async def _startup(ctx: dict[str, Any]) -> None:
    ctx["settings"].refuse_weak_secrets()
    if "stores" not in ctx:  # tests hand in stores that are already open
        ctx["stores"] = await open_stores(ctx["settings"], registry.document_models())
        ctx["owns_stores"] = True


async def _job_start(ctx: dict[str, Any]) -> None:
    # The job function runs in a task copied from this context, so every log line it
    # writes carries the job id where a request would carry its request id.
    bind_request_id(f"job:{ctx.get('job_id', '?')}")


async def _shutdown(ctx: dict[str, Any]) -> None:
    if ctx.get("owns_stores"):
        await ctx["stores"].close()


FUNCTIONS: list[Any] = [send_mail, process_outbox_message, requeue_outbox]


def cron_jobs() -> list[CronJob]:
    """Every scheduled job the worker runs (docs/architecture.md, "Scheduled jobs")."""
    return [cron(requeue_outbox, second={0}, run_at_startup=True), *registry.cron_jobs()]


def create_worker(
    settings: Settings,
    *,
    burst: bool = False,
    stores: Stores | None = None,
    handle_signals: bool = True,
) -> Worker:
    ctx: dict[str, Any] = {"settings": settings}
    if stores is not None:
        ctx["stores"] = stores
    return Worker(
        functions=[counted(traced(f)) for f in (*FUNCTIONS, *registry.job_functions())],
        cron_jobs=[counted_cron(traced_cron(job)) for job in cron_jobs()],
        redis_settings=jobs.redis_settings(settings),
        queue_name=settings.arq_queue_name,
        on_startup=_startup,
        on_shutdown=_shutdown,
        on_job_start=_job_start,
        ctx=ctx,
        burst=burst,
        handle_signals=handle_signals,
        max_jobs=20,
        job_timeout=120,
        keep_result=3600,
    )


def run_worker(settings: Settings) -> None:
    configure_logging(settings.log_level, json_lines=settings.json_logs)
    order_metrics.install()
    init_sentry(settings)
    tracing.enable("garderobe-worker")  # before its stores are opened, at the worker's start
    serve_metrics(settings.worker_metrics_port)
    create_worker(settings).run()
