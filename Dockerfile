# syntax=docker/dockerfile:1.7
# Multi-stage build: uv installs the locked runtime dependencies into /app/.venv in the
# builder; the runtime stage copies only that venv and the app, and runs as a non-root user.

FROM python:3.12-slim AS builder
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project
COPY src ./src
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable

FROM python:3.12-slim AS runtime
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ENVIRONMENT=production \
    GARDEROBE_ALEMBIC_INI=/app/alembic.ini
RUN groupadd --system --gid 10001 garderobe \
    && useradd --system --uid 10001 --gid garderobe --home-dir /app --shell /usr/sbin/nologin garderobe
WORKDIR /app
COPY --from=builder --chown=garderobe:garderobe /app/.venv /app/.venv
COPY --chown=garderobe:garderobe alembic.ini ./
COPY --chown=garderobe:garderobe migrations ./migrations
COPY --chown=garderobe:garderobe seed ./seed
USER garderobe
EXPOSE 8000
# No curl in slim images: ask the liveness endpoint with the standard library.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=2).status == 200 else 1)"]
CMD ["garderobe", "serve", "--host", "0.0.0.0", "--port", "8000"]
