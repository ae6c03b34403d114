"""Domain errors and their one mapping to RFC 9457 problem details.

Services raise subclasses of DomainError; the handlers installed by `install_error_handlers`
turn every error (domain, HTTP, validation, unexpected) into `application/problem+json`
with a stable `type` URI and the request id.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from garderobe.logs import current_request_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE_URI = "https://garderobe.dev/problems/"

log = logging.getLogger(__name__)


def problem_type(slug: str) -> str:
    return PROBLEM_BASE_URI + slug


class DomainError(Exception):
    """Base of every error a service may raise on purpose.

    Subclasses set `status_code`, `slug` (the stable part of the problem type URI) and `title`.
    `extensions` become extra members of the problem body; `headers` go on the response.
    """

    status_code: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        extensions: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = dict(extensions or {})
        self.headers = dict(headers or {})


class NotFound(DomainError):
    status_code = 404
    slug = "not-found"
    title = "Not found"


class Conflict(DomainError):
    status_code = 409
    slug = "conflict"
    title = "Conflict"


class Unauthorized(DomainError):
    status_code = 401
    slug = "unauthorized"
    title = "Authentication required"

    def __init__(self, detail: str = "Valid credentials are required.", **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class Forbidden(DomainError):
    status_code = 403
    slug = "forbidden"
    title = "Forbidden"


class PreconditionFailed(DomainError):
    status_code = 412
    slug = "precondition-failed"
    title = "Precondition failed"


class PreconditionRequired(DomainError):
    status_code = 428
    slug = "precondition-required"
    title = "Precondition required"


class InvalidInput(DomainError):
    """Input that is well-formed JSON but breaks a business rule (422)."""

    status_code = 422
    slug = "validation-error"
    title = "Invalid input"


class PayloadTooLarge(DomainError):
    status_code = 413
    slug = "payload-too-large"
    title = "Payload too large"


class UnsupportedMediaType(DomainError):
    status_code = 415
    slug = "unsupported-media-type"
    title = "Unsupported media type"


class RateLimited(DomainError):
    status_code = 429
    slug = "rate-limited"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(
            detail,
            extensions={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


class ServiceUnavailable(DomainError):
    status_code = 503
    slug = "service-unavailable"
    title = "Service unavailable"


_HTTP_SLUGS: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("rate-limited", "Too many requests"),
}


def problem_response(
    request: Request,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    extensions: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    standard: dict[str, Any] = {
        "type": problem_type(slug),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": current_request_id(),
    }
    # RFC 9457 members (and the request id) always win: an extension named `status` (an
    # order's status, say) must not turn the problem's HTTP status into something else.
    clashing = sorted(set(extensions or {}) & set(standard))
    if clashing:
        log.error("problem %s: extensions %s would overwrite standard members", slug, clashing)
    body = {**standard, **{k: v for k, v in (extensions or {}).items() if k not in standard}}
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_MEDIA_TYPE
    )


def _field_path(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return problem_response(
        request,
        status=exc.status_code,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        extensions=exc.extensions,
        headers=exc.headers,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": _field_path(err.get("loc", ())),
            "message": err.get("msg", ""),
            "code": err.get("type", ""),
        }
        for err in exc.errors()
    ]
    fields = ", ".join(e["field"] for e in errors)
    return problem_response(
        request,
        status=422,
        slug="validation-error",
        title="Invalid input",
        detail=f"The request did not validate: {fields}.",
        extensions={"errors": errors},
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug, title = _HTTP_SLUGS.get(exc.status_code, ("http-error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No resource at {request.method} {request.url.path}."
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
    return problem_response(
        request, status=exc.status_code, slug=slug, title=title, detail=detail, headers=exc.headers
    )


async def _store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # A store that is down or too slow is not the client's fault, and not a bug either.
    log.warning("store unavailable on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(
        request,
        status=503,
        slug="service-unavailable",
        title="Service unavailable",
        detail="A data store did not answer in time; nothing was changed. Try again shortly.",
        headers={"Retry-After": "5"},
    )


def store_outage_errors() -> tuple[type[Exception], ...]:
    """Driver errors that mean "the store is unreachable", not "the request was wrong"."""
    from pymongo.errors import ConnectionFailure
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (ConnectionFailure, RedisConnectionError, RedisTimeoutError, ConnectionRefusedError)


async def _unstorable_value(request: Request, exc: Exception) -> JSONResponse:
    # Validation at the edge (api/hygiene.py, schema bounds) should stop these first; a
    # driver refusing a client's value is still the client's 422, never a 500.
    log.warning("store refused a value on %s %s: %r", request.method, request.url.path, exc)
    return problem_response(
        request,
        status=422,
        slug="unstorable-value",
        title="Value cannot be stored",
        detail="A value in the request is out of the range or encoding the data store holds.",
    )


async def _stored_conflict(request: Request, exc: Exception) -> JSONResponse:
    log.warning("constraint violated on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(
        request,
        status=409,
        slug="conflict",
        title="Conflict",
        detail="The request conflicts with stored data (a constraint was violated).",
    )


def unstorable_value_errors() -> tuple[type[Exception], ...]:
    """Errors raised when a client's value does not fit the store: BSON's refusals
    (integers beyond 64 bits, invalid documents), strings Python cannot encode. PostgreSQL's
    own refusals arrive as DBAPIError and are sorted by SQLSTATE in `_database_error`."""
    from bson.errors import InvalidDocument, InvalidStringData

    return (InvalidDocument, InvalidStringData, OverflowError, UnicodeEncodeError)


def _sqlstate(exc: BaseException) -> str:
    """The SQLSTATE of a PostgreSQL error, wherever the driver wrapping keeps it."""
    for candidate in (getattr(exc, "orig", None), exc.__cause__, exc):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return ""


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    from sqlalchemy.exc import DataError, IntegrityError

    state = _sqlstate(exc)
    # Class 22: data exceptions (out of range, bad encoding, invalid text representation).
    if isinstance(exc, DataError) or state.startswith("22"):
        return await _unstorable_value(request, exc)
    # Class 23: integrity constraints (unique, foreign key, not null, check).
    if isinstance(exc, IntegrityError) or state.startswith("23"):
        return await _stored_conflict(request, exc)
    # Class 08: connection exceptions; 57P: the server is shutting down or starting up;
    # no SQLSTATE at all: the connection broke under the driver.
    if state.startswith(("08", "57P")) or _connection_lost(exc):
        return await _store_unavailable(request, exc)
    return await _unexpected_error(request, exc)


def _connection_lost(exc: Exception) -> bool:
    from sqlalchemy.exc import DBAPIError

    return isinstance(exc, DBAPIError) and exc.connection_invalidated


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the log (with the request id); the client only gets the id.
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(
        request,
        status=500,
        slug="internal-error",
        title="Internal server error",
        detail="An unexpected error occurred; quote the request id when reporting it.",
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for outage in store_outage_errors():
        app.add_exception_handler(outage, _store_unavailable)
    for unstorable in unstorable_value_errors():
        app.add_exception_handler(unstorable, _unstorable_value)
    from sqlalchemy.exc import DBAPIError

    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(Exception, _unexpected_error)
