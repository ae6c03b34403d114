"""Every problem type the app can answer keeps the RFC 9457 members its own.

Extensions may add members but never overwrite `type`, `title`, `status`, `detail`,
`instance` (nor the `request_id`). Checked for every DomainError subclass in the package and
for the problems the handlers make of framework and driver errors.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

import garderobe
from garderobe.api.middleware import RequestContextMiddleware
from garderobe.catalog.taxonomy.attributes import AttributeProblem, InvalidAttributes
from garderobe.commerce.models import OrderStatus
from garderobe.commerce.workflow import InvalidTransition
from garderobe.errors import PROBLEM_BASE_URI, DomainError, RateLimited, install_error_handlers
from garderobe.sizing.charts import InvalidSizeChart, default_chart
from garderobe.sizing.conversion import SizeNotOnChart
from garderobe.sizing.systems import UnknownSize, size_system
from garderobe.stock.service import OutOfStock, SkuTaken, VariantReserved

STANDARD = ("type", "title", "status", "detail", "instance", "request_id")
HOSTILE = {name: f"overwritten {name}" for name in STANDARD}

# Errors whose constructor takes more than a detail message.
SPECIAL: dict[type[DomainError], Callable[[], DomainError]] = {
    InvalidAttributes: lambda: InvalidAttributes([AttributeProblem("fit", "is wrong")]),
    OutOfStock: lambda: OutOfStock("item-1", 0),
    SkuTaken: lambda: SkuTaken(["TEE-M"]),
    VariantReserved: lambda: VariantReserved("variant-1", 2),
    InvalidTransition: lambda: InvalidTransition(OrderStatus.DELIVERED, OrderStatus.PAID),
    RateLimited: lambda: RateLimited("Slow down.", retry_after=7),
    InvalidSizeChart: lambda: InvalidSizeChart([{"field": "rows", "message": "is empty"}]),
    SizeNotOnChart: lambda: SizeNotOnChart(default_chart("kids"), "letter"),
    UnknownSize: lambda: UnknownSize("XXXXXL", [size_system("letter")]),
}


def _subclasses(cls: type[DomainError]) -> Iterator[type[DomainError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def every_domain_error() -> list[type[DomainError]]:
    for module in pkgutil.walk_packages(garderobe.__path__, "garderobe."):
        importlib.import_module(module.name)
    found = {DomainError, *_subclasses(DomainError)}
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _instance(cls: type[DomainError]) -> DomainError:
    return SPECIAL.get(cls, lambda: cls("Something specific went wrong."))()


def _app(errors: dict[str, Callable[[], Exception]]) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/raise/{name}")
    async def raise_it(name: str) -> None:
        raise errors[name]()

    app.add_middleware(RequestContextMiddleware)
    return app


def _assert_problem(response: httpx.Response, slug: str, status: int, path: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == PROBLEM_BASE_URI + slug
    assert body["status"] == status
    assert body["instance"] == path
    assert body["request_id"] == response.headers["x-request-id"]
    assert isinstance(body["title"], str)
    assert isinstance(body["detail"], str)
    assert not body["title"].startswith("overwritten")
    assert not body["detail"].startswith("overwritten")


@pytest.mark.parametrize("cls", every_domain_error(), ids=lambda c: c.__qualname__)
async def test_extensions_never_overwrite_standard_members(cls: type[DomainError]) -> None:
    natural = _instance(cls)
    assert not set(natural.extensions) & set(STANDARD), "an extension shadows a standard member"

    def hostile() -> DomainError:
        error = _instance(cls)
        error.extensions.update(HOSTILE)
        return error

    app = _app({"natural": lambda: natural, "hostile": hostile})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        for name in ("natural", "hostile"):
            response = await c.get(f"/raise/{name}")
            _assert_problem(response, cls.slug, cls.status_code, f"/raise/{name}")
            assert response.json()["detail"] == natural.detail
        for key, value in natural.extensions.items():
            assert response.json()[key] == value


def _driver_data_error() -> Exception:
    from bson import encode

    try:
        encode({"n": 2**70})
    except OverflowError as exc:
        return exc
    raise AssertionError("BSON encoded a 70-bit integer")


FRAMEWORK_AND_DRIVER: list[tuple[str, Callable[[], Exception], str, int]] = [
    ("validation", lambda: RequestValidationError([]), "validation-error", 422),
    ("not-allowed", lambda: HTTPException(405), "method-not-allowed", 405),
    ("outage", lambda: ConnectionRefusedError("redis down"), "service-unavailable", 503),
    ("overflow", _driver_data_error, "unstorable-value", 422),
    (
        "surrogate",
        lambda: UnicodeEncodeError("utf-8", "\ud800", 0, 1, "x"),
        "unstorable-value",
        422,
    ),
    ("bug", lambda: RuntimeError("secret internals: password=hunter2"), "internal-error", 500),
]


@pytest.mark.parametrize(
    ("name", "error", "slug", "status"),
    FRAMEWORK_AND_DRIVER,
    ids=[f[0] for f in FRAMEWORK_AND_DRIVER],
)
async def test_framework_and_driver_errors_are_problems_without_internals(
    name: str, error: Callable[[], Exception], slug: str, status: int
) -> None:
    app = _app({name: error})
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get(f"/raise/{name}")
    _assert_problem(response, slug, status, f"/raise/{name}")
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
