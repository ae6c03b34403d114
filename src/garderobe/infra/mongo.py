"""MongoDB through PyMongo's async client and Beanie 2 (motor is end-of-life)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from beanie import Document, init_beanie
from pymongo import AsyncMongoClient


def create_client(url: str, *, timeout_seconds: float = 5.0) -> AsyncMongoClient[Any]:
    timeout_ms = int(timeout_seconds * 1000)
    return AsyncMongoClient(
        url,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        tz_aware=True,
        uuidRepresentation="standard",
    )


async def init_documents(
    client: AsyncMongoClient[Any], database: str, documents: Sequence[type[Document]]
) -> None:
    """Bind the Beanie documents and create their declared indexes."""
    await init_beanie(database=client[database], document_models=list(documents))


async def ping(client: AsyncMongoClient[Any]) -> None:
    await client.admin.command("ping")
