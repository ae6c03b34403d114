"""/api/v1/auth: registration, confirmation, tokens, passwords."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import ValidationError

from garderobe.accounts import hooks, service, sessions
from garderobe.accounts.dependencies import AccessClaims, CurrentUser
from garderobe.accounts.schemas import (
    AcceptedOut,
    ConfirmIn,
    EmailIn,
    LoginIn,
    LogoutIn,
    PasswordChangeIn,
    PasswordResetIn,
    RefreshIn,
    RegisterIn,
    TokenOut,
    UserOut,
)
from garderobe.api.deps import DbSession, RedisDep, SettingsDep
from garderobe.errors import InvalidInput, Unauthorized

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Problem: bad credentials or token"},
    422: {"description": "Problem: invalid input"},
    429: {"description": "Problem: rate limited (see Retry-After)"},
}


def _tokens(pair: sessions.TokenPair) -> TokenOut:
    return TokenOut(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    summary="Create a customer account; a 6-digit code is mailed",
    responses={409: {"description": "Problem: email already registered"}},
)
async def register(
    body: RegisterIn, session: DbSession, redis: RedisDep, settings: SettingsDep
) -> UserOut:
    user = await service.register(
        session, redis, settings, email=body.email, password=body.password, full_name=body.full_name
    )
    return UserOut.model_validate(user)


@router.post(
    "/confirm",
    response_model=UserOut,
    responses=_PROBLEMS,
    summary="Confirm the email address with the mailed code (15 min, 5 attempts)",
)
async def confirm(
    body: ConfirmIn, session: DbSession, redis: RedisDep, settings: SettingsDep
) -> UserOut:
    user = await service.confirm_email(session, redis, settings, email=body.email, code=body.code)
    return UserOut.model_validate(user)


@router.post(
    "/confirm/resend",
    status_code=status.HTTP_202_ACCEPTED,
    responses=_PROBLEMS,
    summary="Mail a new confirmation code (rate-limited)",
)
async def resend(
    body: EmailIn, session: DbSession, redis: RedisDep, settings: SettingsDep
) -> AcceptedOut:
    await service.resend_code(session, redis, settings, email=body.email)
    return AcceptedOut(detail="If the address needs confirming, a new code is on its way.")


async def _login_credentials(request: Request) -> tuple[str, str]:
    """Swagger's Authorize button posts a form; API clients may post JSON."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = LoginIn.model_validate_json(await request.body())
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_url=False)) from exc
        return body.email, body.password
    form = await request.form()
    parsed = OAuth2PasswordRequestForm(
        username=str(form.get("username", "")), password=str(form.get("password", ""))
    )
    if not parsed.username or not parsed.password:
        raise InvalidInput("username and password are required.")
    return parsed.username, parsed.password


@router.post(
    "/login",
    response_model=TokenOut,
    responses=_PROBLEMS,
    summary="Log in with the OAuth2 password form or JSON {email, password}; an "
    "X-Cart-Token header merges that guest cart into the user's",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["username", "password"],
                        "properties": {
                            "username": {"type": "string", "description": "the email"},
                            "password": {"type": "string"},
                        },
                    }
                },
                "application/json": {"schema": LoginIn.model_json_schema()},
            }
        }
    },
)
async def login(
    request: Request,
    session: DbSession,
    redis: RedisDep,
    settings: SettingsDep,
    x_cart_token: Annotated[str | None, Header()] = None,
) -> TokenOut:
    email, password = await _login_credentials(request)
    ip = request.client.host if request.client else "unknown"
    user = await service.authenticate(session, redis, email=email, password=password, ip=ip)
    # Commerce's hook merges the guest's cart (X-Cart-Token) into the user's, capped by stock.
    event = hooks.LoggedIn(user.id, cart_token=x_cart_token)
    await hooks.logged_in(request.app.state.login_hooks, session, settings, event)
    return _tokens(await sessions.start(settings, redis, user.id))


@router.post(
    "/refresh",
    response_model=TokenOut,
    responses=_PROBLEMS,
    summary="Exchange a refresh token for a new pair (the old one stops working)",
)
async def refresh(body: RefreshIn, redis: RedisDep, settings: SettingsDep) -> TokenOut:
    return _tokens(await sessions.rotate(settings, redis, body.refresh_token))


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_PROBLEMS,
    summary="Revoke the current access token and its session's refresh tokens",
)
async def logout(
    claims: AccessClaims,
    redis: RedisDep,
    settings: SettingsDep,
    body: Annotated[LogoutIn | None, Body()] = None,
) -> None:
    if claims is None:
        raise Unauthorized()
    await sessions.end(redis, claims, body.refresh_token if body else None, settings)


@router.post(
    "/password/forgot",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AcceptedOut,
    summary="Mail a password reset link (same answer whether or not the account exists)",
)
async def forgot_password(
    body: EmailIn, session: DbSession, redis: RedisDep, settings: SettingsDep
) -> AcceptedOut:
    await service.forgot_password(session, redis, settings, email=body.email)
    return AcceptedOut(detail="If an account exists for this address, a reset link is on its way.")


@router.post(
    "/password/reset",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_PROBLEMS,
    summary="Set a new password with the mailed single-use token; ends all sessions",
)
async def reset_password(
    body: PasswordResetIn, session: DbSession, redis: RedisDep, settings: SettingsDep
) -> None:
    await service.reset_password(
        session, redis, settings, token=body.token, new_password=body.new_password
    )


@router.post(
    "/password/change",
    response_model=TokenOut,
    responses=_PROBLEMS,
    summary="Change the password (needs the current one); other sessions end",
)
async def change_password(
    body: PasswordChangeIn,
    user: CurrentUser,
    session: DbSession,
    redis: RedisDep,
    settings: SettingsDep,
) -> TokenOut:
    pair = await service.change_password(
        session,
        redis,
        settings,
        user,
        current_password=body.current_password,
        new_password=body.new_password,
    )
    return _tokens(pair)
