"""Run Alembic from code (CLI, dev stack, tests) against a given database URL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory


@dataclass(frozen=True)
class SchemaVersion:
    """The migrations this code knows: the head it needs and every revision before it."""

    head: str
    known: frozenset[str]


def _find_alembic_ini() -> Path | None:
    override = os.environ.get("GARDEROBE_ALEMBIC_INI")
    candidates = [
        Path(override) if override else None,
        Path.cwd() / "alembic.ini",
        Path(__file__).resolve().parents[2] / "alembic.ini",  # a source checkout
    ]
    for candidate in candidates:
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def _alembic_ini() -> Path:
    found = _find_alembic_ini()
    if found is None:
        raise SystemExit(
            "alembic.ini not found: run from the project root or set GARDEROBE_ALEMBIC_INI."
        )
    return found


def schema_version() -> SchemaVersion | None:
    """The head revision this code needs and every revision it knows (None: no migrations
    directory beside the code, so readiness cannot tell whether the schema is current)."""
    ini = _find_alembic_ini()
    if ini is None:
        return None
    script = ScriptDirectory.from_config(Config(str(ini)))
    known = frozenset(revision.revision for revision in script.walk_revisions())
    return SchemaVersion(head=str(script.get_current_head()), known=known)


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
