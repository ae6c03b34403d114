"""The Prometheus metrics the API and the worker export, defined once.

Labels are bounded on purpose: route templates (`/items/{item_id}`), never raw paths or user
ids, so one busy customer or a scanner cannot blow up the series count.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Buckets in seconds: most answers are a few milliseconds, checkout and uploads take longer.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "garderobe_http_requests_total",
    "HTTP requests answered, by method, route template and status class.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "garderobe_http_request_duration_seconds",
    "Time from the request's start to the response's end, by method, route template and "
    "status class.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
HTTP_IN_FLIGHT = Gauge(
    "garderobe_http_requests_in_flight", "HTTP requests being answered right now."
)
CACHE_LOOKUPS = Counter(
    "garderobe_cache_lookups_total",
    "Cached reads by route template and outcome (the X-Cache header: hit, miss, bypass …).",
    ["route", "outcome"],
)

STORE_UP = Gauge("garderobe_store_up", "1 when the store answered its last check.", ["store"])
STORE_CHECK_SECONDS = Gauge(
    "garderobe_store_check_seconds", "How long the store's last check took.", ["store"]
)
OUTBOX_BACKLOG = Gauge("garderobe_outbox_backlog", "Outbox rows not processed yet.")
OUTBOX_OLDEST_AGE = Gauge(
    "garderobe_outbox_oldest_age_seconds", "Age of the oldest unprocessed outbox row (0: none)."
)
QUEUE_DEPTH = Gauge("garderobe_queue_depth", "Jobs waiting in the arq queue.")
CATALOG_INDEX_BYTES = Gauge(
    "garderobe_catalog_index_bytes",
    "Estimated bytes of this process's in-memory catalog index (0 when it holds none).",
)
CATALOG_INDEX_STATE = Gauge(
    "garderobe_catalog_index_state",
    "1 for the state this process's in-memory catalog index is in: loading, ready, "
    "catching_up (both: the statements answer) or over_budget (CATALOG_INDEX_MEMORY_MB "
    "exceeded: the statements answer from now on).",
    ["state"],
)

ORDERS = Counter(
    "garderobe_orders_total",
    "Order status changes committed, by the status reached (placed = pending_payment).",
    ["status"],
)
MAILS = Counter("garderobe_mails_total", "Mails handed to SMTP, by outcome.", ["outcome"])
JOBS = Counter(
    "garderobe_jobs_total",
    "arq jobs finished by this worker, by function and outcome.",
    ["function", "outcome"],
)


def status_class(status: int) -> str:
    """`2xx`, `4xx` …: the label the dashboards group by."""
    return f"{status // 100}xx"
