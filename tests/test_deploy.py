"""The operator files in deploy/ agree with the code: limits, metric names, scrape targets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import garderobe.observability.metrics  # noqa: F401 - registers the metrics
from garderobe.settings import Settings

ROOT = Path(__file__).parents[1]
DEPLOY = ROOT / "deploy"
_SIZE = {"k": 1024, "m": 1024**2, "g": 1024**3}


def test_nginx_body_limit_equals_the_upload_limit() -> None:
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    match = re.search(r"client_max_body_size\s+(\d+)([kmg]?);", conf)
    assert match is not None
    limit = int(match.group(1)) * _SIZE.get(match.group(2), 1)
    assert limit == Settings.model_fields["media_max_file_bytes"].default


def test_nginx_hides_metrics_and_replaces_forwarded_for() -> None:
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    assert "location = /metrics { return 404; }" in conf
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf


def test_dashboard_queries_only_metrics_the_service_exports() -> None:
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "garderobe.json").read_text())
    exported = {
        sample_name
        for family in REGISTRY.collect()
        for sample_name in (
            family.name,
            f"{family.name}_total",
            f"{family.name}_bucket",
            f"{family.name}_count",
            f"{family.name}_sum",
        )
    }
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = {name for expr in exprs for name in re.findall(r"garderobe_[a-z_]+", expr)}
    assert used
    assert used <= exported, used - exported
    titles = " ".join(panel["title"].lower() for panel in dashboard["panels"])
    for wanted in ("request rate", "p50", "p99", "error", "store", "outbox", "queue", "orders"):
        assert wanted in titles


def test_prometheus_scrapes_the_api_and_the_worker_port_compose_sets() -> None:
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    targets = {
        t for job in config["scrape_configs"] for c in job["static_configs"] for t in c["targets"]
    }
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    port = compose["services"]["worker"]["environment"]["WORKER_METRICS_PORT"]
    assert targets == {"api:8000", f"worker:{port}"}
