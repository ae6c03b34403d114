"""A Python client generated from the live OpenAPI document works end to end.

The client is what most API users start from: generated with openapi-python-client (pinned
in the dev dependencies), it must come out without a single warning and carry a shopper
from registration to a placed order. A change that breaks client generation fails here.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from garderobe.infra.mailsink import MailSink
from garderobe.infra.stores import Stores
from tests.accounts.helpers import mailed_code
from tests.factories import create_listed_item, stock_items

PACKAGE = "garderobe_client"
GENERATOR = str(Path(sys.executable).parent / "openapi-python-client")
# No post hooks: the generator would format its output with ruff from PATH, which is not
# what is tested here (and not on PATH when pytest runs as .venv/bin/pytest).
CONFIG = "post_hooks: []\n"


def generate(document: dict[str, Any], workdir: Path) -> subprocess.CompletedProcess[str]:
    schema, config = workdir / "openapi.json", workdir / "config.yaml"
    schema.write_text(json.dumps(document), encoding="utf-8")
    config.write_text(CONFIG, encoding="utf-8")
    command = [GENERATOR, "generate", "--path", str(schema), "--config", str(config)]
    command += ["--meta", "none", "--output-path", str(workdir / PACKAGE), "--fail-on-warning"]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def generated_client(app: FastAPI, tmp_path: Path) -> Iterator[Callable[[str], ModuleType]]:
    """The generated package, importable; yields `module("api.auth.auth_register")`."""
    result = generate(app.openapi(), tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(tmp_path))
    try:
        yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


RunJobs = Callable[[], Awaitable[int]]


async def test_generated_client_registers_confirms_lists_and_checks_out(
    app: FastAPI,
    stores: Stores,
    mail_sink: MailSink,
    run_jobs: RunJobs,
    generated_client: Callable[[str], ModuleType],
) -> None:
    module, models = generated_client, generated_client("models")
    jeans = await create_listed_item(stores, title="Black slim jeans", colours=["black"])
    await create_listed_item(stores, title="White shirt", colours=["white"])
    await stock_items(stores, jeans, on_hand=2)
    client_module = module("client")
    options: dict[str, Any] = {
        "base_url": "http://test",
        "httpx_args": {"transport": httpx.ASGITransport(app=app)},
        "raise_on_unexpected_status": True,
    }
    email, password = "ann@example.org", "a sturdy passphrase"

    async with client_module.Client(**options) as guest:
        registered = await module("api.auth.auth_register").asyncio_detailed(
            client=guest, body=models.RegisterIn(email=email, password=password, full_name="Ann")
        )
        assert registered.status_code == 201
        code = await mailed_code(mail_sink, run_jobs, email)
        confirmed = await module("api.auth.auth_confirm").asyncio(
            client=guest, body=models.ConfirmIn(email=email, code=code)
        )
        assert confirmed.email == email
        assert confirmed.email_confirmed_at is not None
        tokens = await module("api.auth.auth_login").asyncio(
            client=guest, body=models.AuthLoginJsonLoginIn(email=email, password=password)
        )
        assert isinstance(tokens, models.TokenOut)

    async with client_module.AuthenticatedClient(token=tokens.access_token, **options) as ann:
        address = await module("api.users.users_create_my_address").asyncio(
            client=ann,
            body=models.AddressIn(
                recipient="Ann Smith",
                line1="1 Main St",
                city="Berlin",
                postal_code="10115",
                country="DE",
            ),
        )
        page = await module("api.catalog.catalog_list_items").asyncio(
            client=ann, colour=["black"], facets=True, limit=24
        )
        assert [item.id for item in page.items] == [str(jeans.id)]
        colours = {c.value: c.count for c in page.facets.fields.additional_properties["colour"]}
        assert colours == {"black": 1, "white": 1}  # disjunctive: ignores its own filter

        cart = await module("api.cart.cart_add_item").asyncio(
            client=ann, body=models.CartItemIn(item_id=page.items[0].id, quantity=1)
        )
        assert [line.item_id for line in cart.lines] == [str(jeans.id)]
        place_order, key = module("api.orders.orders_place_order"), uuid.uuid4().hex
        body = models.CheckoutIn(address_id=address.id)
        order = await place_order.asyncio(client=ann, body=body, idempotency_key=key)
        assert isinstance(order, models.OrderOut)
        assert [line.item_id for line in order.items] == [str(jeans.id)]
        assert order.status.value == "pending_payment"

        retried = await place_order.asyncio_detailed(client=ann, body=body, idempotency_key=key)
        assert retried.status_code == 200
        assert retried.parsed.id == order.id

        # Errors come back as parsed problems, not as opaque bytes.
        empty_cart = await place_order.asyncio_detailed(
            client=ann, body=body, idempotency_key=uuid.uuid4().hex
        )
        assert empty_cart.status_code == 409
        assert isinstance(empty_cart.parsed, models.Problem)
        assert empty_cart.parsed.type_.endswith("/cart-empty")
