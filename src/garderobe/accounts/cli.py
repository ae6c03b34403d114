"""`garderobe users …`: account administration from the command line."""

from __future__ import annotations

import asyncio

import click

from garderobe.accounts import service
from garderobe.commandline import fail, opened_stores, preflight, store_settings
from garderobe.errors import DomainError
from garderobe.uow import unit_of_work


@click.group(name="users")
def users() -> None:
    """User accounts."""


@users.command(name="create-admin")
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(email: str, password: str) -> None:
    """Create a confirmed admin account (the first admin of a new shop)."""

    if len(password) < 8:
        fail("the password needs at least 8 characters.")
    settings = store_settings()
    preflight(settings)

    async def run() -> str:
        async with opened_stores(settings) as stores, unit_of_work(stores) as session:
            user = await service.create_admin(session, email=email, password=password)
            return str(user.id)

    try:
        user_id = asyncio.run(run())
    except DomainError as exc:
        fail(exc.detail)
    click.echo(f"admin {email} created (id {user_id})")
