"""The worker's own /metrics server (WORKER_METRICS_PORT)."""

from __future__ import annotations

import urllib.request

from garderobe.infra.devstack import free_port
from garderobe.observability.jobs import serve_metrics


def test_worker_serves_its_job_and_mail_counters() -> None:
    port = free_port()
    serve_metrics(port)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    assert "garderobe_jobs_total" in text
    assert "garderobe_mails_total" in text
