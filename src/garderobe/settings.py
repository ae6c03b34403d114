"""One settings class for the API, the worker and the CLI, read from the environment and `.env`."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Where the storefront's dev servers run (Vite's default port); allowed by CORS in development
# unless CORS_ALLOW_ORIGINS says otherwise.
DEV_CORS_ORIGINS = ("http://localhost:5173", "http://127.0.0.1:5173")
# Published secrets: the defaults below and the values the examples (.env.example, the old
# compose file) carry. Development may use them; every other environment refuses to start.
DEFAULT_JWT_SECRET = "dev-only-insecure-secret-change-me"  # noqa: S105 - refused outside dev
DEFAULT_WEBHOOK_SECRET = "dev-only-webhook-secret"  # noqa: S105 - refused outside dev
DEFAULT_S3_SECRET_KEY = "garderobe-dev-secret"  # noqa: S105 - refused outside dev
PUBLISHED_SECRETS = {
    "JWT_SECRET": {DEFAULT_JWT_SECRET},
    "PAYMENT_WEBHOOK_SECRET": {DEFAULT_WEBHOOK_SECRET},
    "S3_SECRET_KEY": {DEFAULT_S3_SECRET_KEY, "garderobe-minio-secret"},
}
MIN_PRODUCTION_SECRET_LENGTH = 32


# The default tax area: the 27 member states of the European Union.
EU_COUNTRIES = tuple(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()  # noqa: SIM905
)


class InsecureSettings(ValueError):
    """A secret is a published default outside development; the message is one line."""


class Settings(BaseSettings):
    """Everything configurable.

    A store URL left empty means "not configured": `garderobe dev` and the test suite start
    an embedded server for it, `garderobe serve` refuses to start.
    """

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Production unless said otherwise: a setting left unset must never open a door (the /dev
    # routes, public docs, published secrets). `garderobe dev` and the suite set theirs.
    environment: Literal["development", "test", "production"] = "production"
    app_name: str = "garderobe"
    public_url: str = "http://127.0.0.1:8000"

    log_level: str = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"
    log_http: bool = False
    log_http_body_limit: int = 2048

    database_url: str | None = None
    database_pool_size: int = 20
    mongodb_url: str | None = None
    mongodb_database: str = "garderobe"
    redis_url: str | None = None
    arq_queue_name: str = "garderobe:queue"

    s3_endpoint_url: str | None = None
    s3_access_key: str = "garderobe"
    s3_secret_key: SecretStr = SecretStr(DEFAULT_S3_SECRET_KEY)
    s3_region: str = "us-east-1"
    s3_bucket: str = "garderobe"
    s3_public_base_url: str | None = None

    smtp_host: str | None = None
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls_mode: Literal["none", "starttls", "tls"] = "none"
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "garderobe <no-reply@garderobe.local>"

    jwt_secret: SecretStr = SecretStr(DEFAULT_JWT_SECRET)
    jwt_issuer: str = "garderobe"
    jwt_audience: str = "garderobe-api"
    access_token_ttl_seconds: int = Field(default=15 * 60, gt=0)
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, gt=0)

    store_check_timeout_seconds: float = 2.0
    # How often each API process probes every store for the store gauges and the states
    # /health/ready lists (neither a readiness request nor a scrape probes anything).
    store_probe_interval_seconds: float = Field(default=15.0, gt=0)

    # None = the environment's default: the dev storefront origins in development, none
    # elsewhere (a production deployment names its storefronts explicitly).
    cors_allow_origins: Annotated[list[str] | None, NoDecode] = None
    cors_allow_credentials: bool = False
    cors_max_age_seconds: int = Field(default=600, ge=0)

    gzip_enabled: bool = True
    gzip_minimum_bytes: int = Field(default=1024, ge=0)
    gzip_level: int = Field(default=5, ge=1, le=9)

    media_max_file_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    media_max_images_per_item: int = Field(default=12, gt=0)
    media_max_pixels: int = Field(default=40_000_000, gt=0)
    media_thumbnail_widths: list[int] = Field(default=[200, 600])
    media_orphan_grace_hours: float = Field(default=24, ge=0)
    media_url_expires_seconds: int = Field(default=3600, gt=0)

    catalog_cache_ttl_seconds: int = Field(default=300, gt=0)
    # Where facet counts of listings without search words, and search rankings, are computed:
    # "memory" (bitmaps in each API process, catalog.memory.index) or "database" (statements
    # over item_facets and item_search). CATALOG_FACETS is this setting's earlier name.
    catalog_index: Literal["memory", "database"] = Field(
        default="memory", validation_alias=AliasChoices("catalog_index", "catalog_facets")
    )
    # The in-memory index's budget in MB (its own estimate of its bytes, the
    # garderobe_catalog_index_bytes gauge): past it the process drops the bitmaps and
    # serves from the statements, as with CATALOG_INDEX=database, until restarted. 0: none.
    catalog_index_memory_mb: int = Field(default=1024, ge=0)
    # Shoppers see a variant with this many units available or fewer as "few_left"; exact
    # counts are for admins only.
    few_left_threshold: int = Field(default=3, ge=0, le=1000)
    # Bulk imports (docs/import.md): the largest file taken, a line's limit, lines per
    # batch (one transaction and checkpoint), a job's share of the work before it hands on
    # to the next, and when a claim without a heartbeat belongs to a dead worker.
    import_max_bytes: int = Field(default=512 * 1024 * 1024, gt=0)
    import_max_line_bytes: int = Field(default=1024 * 1024, gt=0)
    import_batch_lines: int = Field(default=500, gt=0, le=10_000)
    import_job_seconds: float = Field(default=60, gt=0)
    import_stale_seconds: float = Field(default=180, gt=0)
    # Image URLs in import lines: the largest body fetched, the time one fetch may take, and
    # whether loopback and private addresses may be fetched (None: in development only).
    import_image_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    import_image_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    import_image_allow_private_urls: bool | None = None

    cart_token_ttl_days: int = Field(default=30, gt=0)
    shipping_fee: int = Field(default=495, ge=0, description="Minor units per order")
    # Pricing (docs/pricing.md). Catalog prices include VAT (true) or have it added (false).
    prices_include_tax: bool = True
    # Destinations charged VAT (ISO 3166-1 alpha-2, comma-separated); others are zero-rated
    # exports. The rates are garderobe/pricing/taxes/vat_rates.json's.
    tax_area: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(EU_COUNTRIES))
    # Categories (with their subtrees) of children's clothing and footwear: the tax class
    # "children", which some countries rate lower (UK and Ireland: 0%).
    tax_children_categories: Annotated[list[str], NoDecode] = Field(default_factory=list)
    unpaid_order_ttl_minutes: int = Field(default=30, gt=0)
    payment_webhook_secret: SecretStr = SecretStr(DEFAULT_WEBHOOK_SECRET)

    # Outgoing webhooks (docs/webhooks.md). None: loopback and private destinations are
    # allowed in development only; refused everywhere else unless set to true.
    webhook_allow_private_destinations: bool | None = None
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # A subscription whose deliveries have failed continuously this long is disabled.
    webhook_disable_after_hours: float = Field(default=24.0, gt=0)
    # `stock.low` fires when a sale leaves a variant this many units available or fewer.
    webhook_stock_low_threshold: int = Field(default=3, ge=0, le=1000)
    # Deliveries delivered or given up on longer ago than this are deleted, attempts with them.
    webhook_keep_days: int = Field(default=30, gt=0)

    # Operations. METRICS_TOKEN set: /metrics wants `Authorization: Bearer <token>`.
    metrics_enabled: bool = True
    metrics_token: SecretStr | None = None
    # The worker serves its own /metrics on this port (None: it serves none).
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    sentry_dsn: SecretStr | None = None
    sentry_traces_sample_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    # Sentry's release; empty means the package version.
    release: str | None = None
    # Who may read /docs, /redoc and /openapi.json; None = public in development and test,
    # admin-only in production.
    docs_visibility: Literal["public", "admin", "off"] | None = None

    # Requests per minute one API key may make (every key its own budget); past it, 429.
    api_key_rate_limit_per_minute: int = Field(default=600, gt=0)

    dev_data_dir: Path = Path(".garderobe")
    dev_postgres_port: int = 55432
    dev_redis_port: int = 56379
    dev_s3_port: int = 58333
    dev_mongodb_port: int = 57017
    dev_smtp_port: int = 51025

    def weak_secrets(self) -> list[str]:
        """What is wrong with the secrets, one phrase each naming its variable (none in dev)."""
        if self.is_development:
            return []
        values = {
            "JWT_SECRET": self.jwt_secret.get_secret_value(),
            "PAYMENT_WEBHOOK_SECRET": self.payment_webhook_secret.get_secret_value(),
            "S3_SECRET_KEY": self.s3_secret_key.get_secret_value(),
        }
        problems = [
            f"{name} is a published default"
            for name, value in values.items()
            if value in PUBLISHED_SECRETS[name]
        ]
        jwt = values["JWT_SECRET"]
        if jwt not in PUBLISHED_SECRETS["JWT_SECRET"] and len(jwt) < MIN_PRODUCTION_SECRET_LENGTH:
            problems.append(f"JWT_SECRET is shorter than {MIN_PRODUCTION_SECRET_LENGTH} characters")
        return problems

    def refuse_weak_secrets(self) -> None:
        """Called where the API and the worker start (not when settings load: commands that
        serve nothing, run beside `garderobe dev`, need no secrets)."""
        problems = self.weak_secrets()
        if problems:
            raise InsecureSettings(
                f"refusing to start with ENVIRONMENT={self.environment}: "
                + "; ".join(problems)
                + ". Set each to a new random value "
                '(python -c "import secrets; print(secrets.token_urlsafe(48))").'
            )

    @field_validator("cors_allow_origins", mode="before")
    @classmethod
    def _origins_from_text(cls, value: Any) -> Any:
        """A JSON list or comma-separated origins; empty means the environment's default."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return None
        if text.startswith("["):
            return json.loads(text)
        return [origin.strip() for origin in text.split(",") if origin.strip()]

    @field_validator("tax_area", "tax_children_categories", mode="before")
    @classmethod
    def _list_from_text(cls, value: Any) -> Any:
        """A comma-separated list, as the other list settings take."""
        if not isinstance(value, str):
            return value
        return [part.strip() for part in value.split(",") if part.strip()]

    @field_validator("tax_area")
    @classmethod
    def _country_codes(cls, value: list[str]) -> list[str]:
        codes = [code.upper() for code in value]
        if bad := [code for code in codes if len(code) != 2 or not code.isalpha()]:
            raise ValueError(f"TAX_AREA wants ISO 3166-1 alpha-2 codes, not {bad}")
        return codes

    @field_validator("metrics_token", "sentry_dsn", "release", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        """`METRICS_TOKEN=` in a .env means "no token", never "the empty token"."""
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _refuse_credentials_for_any_origin(self) -> Settings:
        if self.cors_allow_credentials and "*" in self.cors_origins:
            # Browsers refuse `*` with credentials; echoing every origin instead would let
            # any site act with the user's cookies. Name the origins.
            raise ValueError("CORS_ALLOW_CREDENTIALS=true needs explicit CORS_ALLOW_ORIGINS, not *")
        return self

    @property
    def cors_origins(self) -> list[str]:
        """The origins browsers may call the API from (empty: no CORS headers at all)."""
        if self.cors_allow_origins is not None:
            return self.cors_allow_origins
        return list(DEV_CORS_ORIGINS) if self.is_development else []

    @property
    def docs_access(self) -> Literal["public", "admin", "off"]:
        if self.docs_visibility is not None:
            return self.docs_visibility
        return "admin" if self.environment == "production" else "public"

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def json_logs(self) -> bool:
        if self.log_format == "auto":
            return self.environment == "production"
        return self.log_format == "json"

    def missing_stores(self) -> list[str]:
        """Environment keys of the stores that have no URL configured."""
        wanted = {
            "DATABASE_URL": self.database_url,
            "MONGODB_URL": self.mongodb_url,
            "REDIS_URL": self.redis_url,
            "S3_ENDPOINT_URL": self.s3_endpoint_url,
            "SMTP_HOST": self.smtp_host,
        }
        return [key for key, value in wanted.items() if not value]


def store_environment(settings: Settings) -> dict[str, str]:
    """The environment variables that point a `garderobe` child process at the same stores,
    with the same environment and secrets."""
    values = {
        "ENVIRONMENT": settings.environment,
        "DATABASE_URL": settings.database_url,
        "MONGODB_URL": settings.mongodb_url,
        "MONGODB_DATABASE": settings.mongodb_database,
        "REDIS_URL": settings.redis_url,
        "ARQ_QUEUE_NAME": settings.arq_queue_name,
        "S3_ENDPOINT_URL": settings.s3_endpoint_url,
        "S3_ACCESS_KEY": settings.s3_access_key,
        "S3_SECRET_KEY": settings.s3_secret_key.get_secret_value(),
        "S3_BUCKET": settings.s3_bucket,
        "SMTP_HOST": settings.smtp_host,
        "SMTP_PORT": str(settings.smtp_port),
        "SMTP_TLS_MODE": settings.smtp_tls_mode,
        "JWT_SECRET": settings.jwt_secret.get_secret_value(),
        "PAYMENT_WEBHOOK_SECRET": settings.payment_webhook_secret.get_secret_value(),
    }
    return {key: value for key, value in values.items() if value is not None}


def redact_url(url: str) -> str:
    """The URL with its password replaced, fit for error messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@lru_cache
def get_settings() -> Settings:
    """Settings for processes started from the CLI; the app factory takes them as an argument."""
    return Settings()
