"""Traces through the real stores, collected by the SDK's in-memory exporter.

The module turns tracing on once (the instrumentations are process-wide), builds an app of its
own (engines and clients made after tracing is on are traced; the suite's are not), and turns
tracing off again at the end.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator, Sequence

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from garderobe import mailer, registry
from garderobe.infra import mongo
from garderobe.infra.devstack import MailSink
from garderobe.infra.stores import Stores
from garderobe.logs import JsonFormatter, RequestIdFilter
from garderobe.main import create_app
from garderobe.observability import tracing
from garderobe.settings import Settings
from garderobe.worker import create_worker
from tests.commerce.helpers import shopper, stocked_item

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def exporter() -> Iterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    assert tracing.enable("garderobe-test", spans, make_global=False)
    try:
        yield spans
    finally:
        tracing.disable()


@pytest.fixture
async def traced_app(
    exporter: InMemorySpanExporter, settings: Settings, stores: Stores
) -> AsyncIterator[FastAPI]:
    app = create_app(settings)
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
            exporter.clear()
            yield app
    finally:
        # Beanie's documents are bound process-wide: back to the suite's MongoDB client.
        await mongo.init_documents(
            stores.mongo, settings.mongodb_database, registry.document_models()
        )


def _systems(spans: Sequence[ReadableSpan]) -> set[str]:
    return {str(s.attributes.get("db.system")) for s in spans if s.attributes}


async def test_a_checkout_is_one_trace_and_its_order_mail_job_links_to_it(
    traced_app: FastAPI,
    exporter: InMemorySpanExporter,
    settings: Settings,
    mail_sink: MailSink,
) -> None:
    app_stores: Stores = traced_app.state.stores
    item = await stocked_item(app_stores, on_hand=2)
    transport = httpx.ASGITransport(app=traced_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        buyer = await shopper(client, app_stores, settings, email="traced@example.org")
        assert (await buyer.add(item)).status_code == 201
        exporter.clear()
        placed = await buyer.order()
    assert placed.status_code == 201, placed.text
    checkout = exporter.get_finished_spans()
    [server] = [s for s in checkout if s.kind is SpanKind.SERVER and s.parent is None]
    assert server.name == "POST /api/v1/orders"
    trace_id = server.context.trace_id
    assert {s.context.trace_id for s in checkout} == {trace_id}
    assert {"postgresql", "mongodb", "redis"} <= _systems(checkout)

    exporter.clear()
    assert await _run_jobs(settings, app_stores) >= 1
    jobs = exporter.get_finished_spans()
    [mail] = [s for s in jobs if s.name == f"outbox {mailer.MAIL_TOPIC}"]
    assert [link.context.trace_id for link in mail.links] == [trace_id]
    assert mail.context.trace_id != trace_id  # a trace of its own, linked, not continued
    [job] = [s for s in jobs if s.context.span_id == (mail.parent and mail.parent.span_id)]
    assert job.name == "job process_outbox_message"
    assert job.kind is SpanKind.CONSUMER
    in_job = [s for s in jobs if s.context.trace_id == job.context.trace_id]
    assert "postgresql" in _systems(in_job)
    await mail_sink.wait_for(lambda m: "traced@example.org" in m.rcpt_tos)


async def _run_jobs(settings: Settings, stores: Stores) -> int:
    worker = create_worker(settings, burst=True, stores=stores, handle_signals=False)
    try:
        await worker.main()
    finally:
        await worker.close()
    return int(worker.jobs_complete)


async def test_an_upload_traces_its_s3_requests(
    traced_app: FastAPI, exporter: InMemorySpanExporter
) -> None:
    storage = traced_app.state.stores.storage
    with tracing.tracer().start_as_current_span("upload") as parent:
        await storage.put("traced/object.txt", b"hello", "text/plain")
    s3 = [s for s in exporter.get_finished_spans() if s.name.startswith("PUT")]
    assert s3
    assert s3[0].context.trace_id == parent.get_span_context().trace_id
    await storage.delete("traced/object.txt")


def test_json_logs_carry_the_trace_id(exporter: InMemorySpanExporter) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    log = logging.getLogger("garderobe.test.tracing")
    log.addHandler(handler)
    try:
        with tracing.tracer().start_as_current_span("logged") as span:
            log.warning("inside a span")
        log.warning("outside")
    finally:
        log.removeHandler(handler)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["trace_id"] == f"{span.get_span_context().trace_id:032x}"
    assert inside["span_id"] == f"{span.get_span_context().span_id:016x}"
    assert "trace_id" not in outside


def test_tracing_is_off_unless_otel_variables_ask() -> None:
    assert tracing.exporter_from_environment({}) is None
    assert tracing.exporter_from_environment({"OTEL_TRACES_EXPORTER": "none"}) is None
    endpoint = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}
    assert tracing.exporter_from_environment({**endpoint, "OTEL_SDK_DISABLED": "true"}) is None
    assert type(tracing.exporter_from_environment(endpoint)).__name__ == "OTLPSpanExporter"
    console = tracing.exporter_from_environment({"OTEL_TRACES_EXPORTER": "console"})
    assert type(console).__name__ == "ConsoleSpanExporter"
