"""OpenTelemetry traces: off unless the standard OTEL_* variables ask for them.

On when OTEL_TRACES_EXPORTER names an exporter (`otlp`, `console`) or an OTLP endpoint is set
(OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), unless OTEL_SDK_DISABLED is
true. Everything else (service name, resource attributes, sampler, headers, timeouts, the URLs
left out) is the SDK's and the instrumentations' own OTEL_* reading.

Spans come from OpenTelemetry's maintained instrumentation packages, one per system:
- FastAPI (`-fastapi`, on top of `-asgi`): a server span per request, named by route template,
  the W3C `traceparent` of the caller honoured.
- PostgreSQL through SQLAlchemy (`-sqlalchemy`), not `-asyncpg`: SQLAlchemy's asyncpg dialect
  runs statements through prepared statements, which the asyncpg one does not see; the
  SQLAlchemy events see every statement (ORM and text alike) with the pool's connection.
- MongoDB (`-pymongo`): a command listener, so PyMongo's AsyncMongoClient (Beanie) is covered.
- Redis (`-redis`): redis.asyncio included, so the cache, rate limits and arq's queue calls.
- S3 (`-urllib3`): the minio client speaks HTTP through urllib3; every S3 request is a span.
- arq jobs: by hand (`traced`), as OpenTelemetry has no arq instrumentation: a consumer span
  per job. An outbox row carries the `traceparent` of the transaction that wrote it, and its
  handler's span links to that trace (outbox.service).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar, cast

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_PROPAGATOR = TraceContextTextMapPropagator()
_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
_provider: TracerProvider | None = None

JobFunction = TypeVar("JobFunction", bound=Callable[..., Awaitable[Any]])


def exporter_from_environment(environ: Mapping[str, str] = os.environ) -> SpanExporter | None:
    """The span exporter the OTEL_* variables ask for; None when they ask for none."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    names = [n.strip() for n in environ.get("OTEL_TRACES_EXPORTER", "").split(",") if n.strip()]
    if not names and any(environ.get(key) for key in _ENDPOINTS):
        names = ["otlp"]
    if not names or names == ["none"]:
        return None
    if names[0] == "console":
        return ConsoleSpanExporter()
    if names[0] != "otlp":
        raise ValueError(f"OTEL_TRACES_EXPORTER={names[0]} is not supported: use otlp or console")
    # HTTP/protobuf only: the gRPC exporter would bring grpcio for no gain here.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def enabled() -> bool:
    return _provider is not None


def enable(
    service_name: str, exporter: SpanExporter | None = None, *, make_global: bool = True
) -> bool:
    """Start tracing for this process once: the exporter given (tests: the SDK's in-memory
    one, exported span by span) or the one OTEL_* asks for. Returns whether tracing is on.
    Call it before the stores are opened: engines and clients made earlier are not traced."""
    global _provider
    if _provider is not None:
        return True
    chosen = exporter if exporter is not None else exporter_from_environment()
    if chosen is None:
        return False
    # Resource.create reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, which win.
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    processor = SimpleSpanProcessor if exporter is not None else BatchSpanProcessor
    provider.add_span_processor(processor(chosen))
    if make_global:
        trace.set_tracer_provider(provider)
    _instrument_libraries(provider)
    _provider = provider
    return True


def _instrument_libraries(provider: TracerProvider) -> None:
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    from opentelemetry.instrumentation.urllib3 import URLLib3Instrumentor

    # Its declared range stops below SQLAlchemy 2.1 (we run 2.1), though the engine events
    # it listens to are unchanged: tests/observability/test_tracing.py shows the statements'
    # spans arrive, and fails the day they stop.
    SQLAlchemyInstrumentor().instrument(tracer_provider=provider, skip_dep_check=True)
    PymongoInstrumentor().instrument(tracer_provider=provider)
    RedisInstrumentor().instrument(tracer_provider=provider)
    URLLib3Instrumentor().instrument(tracer_provider=provider)


def disable() -> None:
    """Stop tracing (tests): instrumentations removed, the provider flushed and shut down."""
    global _provider
    if _provider is None:
        return
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    from opentelemetry.instrumentation.urllib3 import URLLib3Instrumentor

    for instrumentor in (
        SQLAlchemyInstrumentor(),
        PymongoInstrumentor(),
        RedisInstrumentor(),
        URLLib3Instrumentor(),
    ):
        instrumentor.uninstrument()
    _provider.shutdown()
    _provider = None


def instrument_app(app: Any) -> None:
    """A server span per request on this FastAPI app (OTEL_PYTHON_FASTAPI_EXCLUDED_URLS
    leaves paths out, /health/ready for instance)."""
    if _provider is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, tracer_provider=_provider)


def tracer() -> trace.Tracer:
    return trace.get_tracer("garderobe", tracer_provider=_provider)


def current_traceparent() -> str | None:
    """The W3C traceparent of the current span, None outside a recorded trace."""
    if not trace.get_current_span().get_span_context().is_valid:
        return None
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get("traceparent")


def link_to(traceparent: str | None) -> list[Link]:
    """A link to the span a traceparent names (none for None or a malformed one)."""
    if not traceparent:
        return []
    context = _PROPAGATOR.extract({"traceparent": traceparent})
    span_context = trace.get_current_span(context).get_span_context()
    return [Link(span_context)] if span_context.is_valid else []


def traced(function: JobFunction) -> JobFunction:
    """The arq job function, run inside a consumer span named for it (a no-op span when
    tracing is off). `functools.wraps` keeps the name arq registers the job under."""

    @functools.wraps(function)
    async def run(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        attributes: dict[str, str | int] = {
            "messaging.system": "arq",
            "messaging.operation": "process",
            "job.function": function.__name__,
            "job.id": str(ctx.get("job_id", "")),
            "job.try": int(ctx.get("job_try") or 1),
        }
        with tracer().start_as_current_span(
            f"job {function.__name__}", kind=SpanKind.CONSUMER, attributes=attributes
        ):
            return await function(ctx, *args, **kwargs)

    return cast("JobFunction", run)


def traced_cron(job: Any) -> Any:
    """An arq CronJob whose coroutine is `traced`."""
    return dataclasses.replace(job, coroutine=traced(job.coroutine))
