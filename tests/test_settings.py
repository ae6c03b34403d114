from __future__ import annotations

from typing import Any

import pytest

from garderobe.settings import (
    DEFAULT_JWT_SECRET,
    DEFAULT_S3_SECRET_KEY,
    DEFAULT_WEBHOOK_SECRET,
    PUBLISHED_SECRETS,
    InsecureSettings,
    Settings,
    redact_url,
)

STRONG = {
    "jwt_secret": "j" * 48,
    "payment_webhook_secret": "w" * 48,
    "s3_secret_key": "s" * 48,
}


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_the_default_environment_is_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    settings = _settings()
    assert settings.environment == "production"
    assert not settings.is_development
    assert settings.docs_access == "admin"
    assert settings.cors_origins == []
    assert settings.json_logs


@pytest.mark.parametrize("environment", ["production", "test"])
@pytest.mark.parametrize("variable", ["JWT_SECRET", "PAYMENT_WEBHOOK_SECRET", "S3_SECRET_KEY"])
def test_outside_development_each_published_secret_is_refused_by_name(
    environment: str, variable: str
) -> None:
    published = {
        "JWT_SECRET": DEFAULT_JWT_SECRET,
        "PAYMENT_WEBHOOK_SECRET": DEFAULT_WEBHOOK_SECRET,
        "S3_SECRET_KEY": DEFAULT_S3_SECRET_KEY,
    }[variable]
    settings = _settings(environment=environment, **{**STRONG, variable.lower(): published})
    with pytest.raises(InsecureSettings) as refused:
        settings.refuse_weak_secrets()
    message = str(refused.value)
    assert f"{variable} is a published default" in message
    assert "\n" not in message
    assert [name for name in PUBLISHED_SECRETS if name in message] == [variable]


def test_the_old_compose_s3_secret_is_refused_too() -> None:
    settings = _settings(**{**STRONG, "s3_secret_key": "garderobe-minio-secret"})
    assert settings.weak_secrets() == ["S3_SECRET_KEY is a published default"]


def test_outside_development_a_short_jwt_secret_is_refused() -> None:
    settings = _settings(**{**STRONG, "jwt_secret": "short"})
    with pytest.raises(InsecureSettings, match="32 characters"):
        settings.refuse_weak_secrets()


def test_strong_secrets_start() -> None:
    _settings(**STRONG).refuse_weak_secrets()


def test_development_allows_the_published_secrets() -> None:
    settings = _settings(environment="development")
    assert settings.jwt_secret.get_secret_value() == DEFAULT_JWT_SECRET
    assert settings.weak_secrets() == []
    settings.refuse_weak_secrets()
    assert not settings.json_logs


def test_settings_read_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u:p@db:5432/x")
    monkeypatch.setenv("ACCESS_TOKEN_TTL_SECONDS", "60")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "postgresql+asyncpg://u:p@db:5432/x"
    assert settings.access_token_ttl_seconds == 60


def test_missing_stores_lists_unset_urls() -> None:
    settings = Settings(_env_file=None, redis_url="redis://x")  # type: ignore[call-arg]
    assert "REDIS_URL" not in settings.missing_stores()
    assert "DATABASE_URL" in settings.missing_stores()


def test_redact_url_hides_only_the_password() -> None:
    assert redact_url("postgresql://ann:s3cret@db:5432/x") == "postgresql://ann:***@db:5432/x"
    assert redact_url("redis://localhost:6379/0") == "redis://localhost:6379/0"


def test_env_example_lists_every_setting() -> None:
    from pathlib import Path

    example = (Path(__file__).parents[1] / ".env.example").read_text()
    keys = {
        line.split("=", 1)[0].lstrip("# ").strip() for line in example.splitlines() if "=" in line
    }
    assert {name.upper() for name in Settings.model_fields} <= keys
