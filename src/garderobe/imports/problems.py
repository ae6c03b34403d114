"""A refused line's problem, in the form the API answers it (RFC 9457 members)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pymongo.errors import DuplicateKeyError
from sqlalchemy.exc import IntegrityError

from garderobe.errors import DomainError, InvalidInput, problem_type


def problem_of(exc: Exception) -> dict[str, Any]:
    """The problem body the API would send for `exc` (a domain error or a body that did not
    validate); fields are named within the line (`variants.0.stock`)."""
    if isinstance(exc, ValidationError):
        errors = [
            {
                "field": ".".join(str(part) for part in err.get("loc", ())),
                "message": err.get("msg", ""),
                "code": err.get("type", ""),
            }
            for err in exc.errors()
        ]
        return {
            "type": problem_type("validation-error"),
            "title": "Invalid input",
            "status": 422,
            "detail": f"The line did not validate: {', '.join(e['field'] for e in errors)}.",
            "errors": errors,
        }
    if isinstance(exc, DomainError):
        return {
            **exc.extensions,
            "type": problem_type(exc.slug),
            "title": exc.title,
            "status": exc.status_code,
            "detail": exc.detail,
        }
    if isinstance(exc, DuplicateKeyError | IntegrityError):  # as the API's stored conflict
        return {
            "type": problem_type("conflict"),
            "title": "Conflict",
            "status": 409,
            "detail": "The line conflicts with stored data (a constraint was violated).",
        }
    # What the API answers for a value no store holds (errors.unstorable_value_errors).
    return {
        "type": problem_type("unstorable-value"),
        "title": "Value cannot be stored",
        "status": 422,
        "detail": "A value in the line is out of the range or encoding the data store holds.",
    }


def invalid_fields(found: list[tuple[str, str]], code: str) -> InvalidInput:
    """A 422 `validation-error` naming fields, as the API's edge checks answer."""
    errors = [{"field": field, "message": reason, "code": code} for field, reason in found]
    return InvalidInput(
        f"The line did not validate: {', '.join(e['field'] for e in errors)}.",
        extensions={"errors": errors},
    )
