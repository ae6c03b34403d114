from __future__ import annotations

import pytest
from pydantic import ValidationError

from garderobe.settings import DEFAULT_JWT_SECRET, Settings, redact_url


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        Settings(_env_file=None, environment="production")  # type: ignore[call-arg]


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="32 characters"):
        Settings(_env_file=None, environment="production", jwt_secret="short")  # type: ignore[call-arg]


def test_production_accepts_a_strong_secret() -> None:
    settings = Settings(_env_file=None, environment="production", jwt_secret="x" * 48)  # type: ignore[call-arg]
    assert settings.json_logs


def test_development_allows_the_default_secret() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.jwt_secret.get_secret_value() == DEFAULT_JWT_SECRET
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
