"""Run Alembic from code (CLI, dev stack, tests) against a given database URL."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config


def _alembic_ini() -> Path:
    override = os.environ.get("GARDEROBE_ALEMBIC_INI")
    candidates = [
        Path(override) if override else None,
        Path.cwd() / "alembic.ini",
        Path(__file__).resolve().parents[2] / "alembic.ini",  # a source checkout
    ]
    for candidate in candidates:
        if candidate is not None and candidate.is_file():
            return candidate
    raise SystemExit(
        "alembic.ini not found: run from the project root or set GARDEROBE_ALEMBIC_INI."
    )


def alembic_config(database_url: str) -> Config:
    config = Config(str(_alembic_ini()))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> None:
    command.current(alembic_config(database_url), verbose=True)
