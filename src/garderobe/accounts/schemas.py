"""Request and response bodies. Requests forbid unknown fields: no mass assignment."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from garderobe.accounts.countries import ISO_3166_ALPHA2
from garderobe.accounts.models import Role
from garderobe.api.fields import Omittable

Password = Annotated[str, Field(min_length=8, max_length=128)]
Code = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()-]{5,30}$")]


def _known_country(code: str) -> str:
    if code not in ISO_3166_ALPHA2:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return code


Country = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z]{2}$", to_upper=True), AfterValidator(_known_country)
]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegisterIn(Request):
    email: EmailStr
    password: Password
    full_name: str = Field(default="", max_length=200)


class ConfirmIn(Request):
    email: EmailStr
    code: Code


class EmailIn(Request):
    email: EmailStr


class LoginIn(Request):
    email: EmailStr
    password: str = Field(max_length=128)


class RefreshIn(Request):
    refresh_token: str


class LogoutIn(Request):
    refresh_token: str | None = None


class PasswordResetIn(Request):
    token: str = Field(min_length=10, max_length=200)
    new_password: Password


class PasswordChangeIn(Request):
    current_password: str = Field(max_length=128)
    new_password: Password


class TokenOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int = Field(description="Seconds until the access token expires")


class AcceptedOut(BaseModel):
    detail: str


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str
    phone: str | None
    role: Role
    is_active: bool
    email_confirmed_at: datetime | None
    created_at: datetime
    has_saved_sizes: bool | None = Field(
        default=None,
        exclude_if=lambda found: found is None,
        description="Admins only: whether the user saved sizes (what they saved is theirs only)",
    )


class ProfileUpdateIn(Request):
    full_name: Omittable[str] = Field(default=None, max_length=200)
    phone: Phone | None = None


class AdminUserUpdateIn(Request):
    role: Omittable[Role] = None
    is_active: Omittable[bool] = None


class UserPage(BaseModel):
    items: list[UserOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")


class AddressIn(Request):
    label: str = Field(default="", max_length=60)
    recipient: str = Field(min_length=1, max_length=200)
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    postal_code: str = Field(min_length=1, max_length=20)
    country: Country = Field(description="ISO 3166-1 alpha-2, e.g. DE")
    phone: Phone | None = None
    is_default: bool = False


class AddressUpdateIn(Request):
    label: Omittable[str] = Field(default=None, max_length=60)
    recipient: Omittable[str] = Field(default=None, min_length=1, max_length=200)
    line1: Omittable[str] = Field(default=None, min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: Omittable[str] = Field(default=None, min_length=1, max_length=100)
    postal_code: Omittable[str] = Field(default=None, min_length=1, max_length=20)
    country: Omittable[Country] = None
    phone: Phone | None = None
    is_default: Omittable[bool] = None


class AddressOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    label: str
    recipient: str
    line1: str
    line2: str | None
    city: str
    postal_code: str
    country: str
    phone: str | None
    is_default: bool
