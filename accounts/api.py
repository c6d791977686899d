"""The accounts API, mounted at /api/: preferences (/settings/...) and personal API tokens
(/auth/token, /tokens). Each operation parses, calls a selector or service and serialises."""

from uuid import UUID

from django.contrib.auth import authenticate, user_logged_in
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from accounts import selectors, services
from accounts.lockout import LOCKOUT_MESSAGE
from accounts.schemas import (
    API_PREFERENCE_KEYS,
    ErrorOut,
    PreferenceOut,
    PreferencesOut,
    PreferencesPatch,
    TokenCreatedOut,
    TokenOut,
    TokenRequestIn,
    ValidationErrorOut,
)
from spends.errors import NotFound
from spends.pagination import SkipLimitPagination

router = Router(tags=["accounts"])

WRONG_CREDENTIALS = "Invalid username or password."


# Preferences -----------------------------------------------------------------------------------


@router.get(
    "/settings/",
    response={200: PreferencesOut, 401: ErrorOut},
    summary="Get your preferences",
    description="Defaults where never set.",
    tags=["settings"],
)
def settings_get(request):
    return selectors.preferences_for(request.auth)


@router.put(
    "/settings/",
    response={200: PreferencesOut, 401: ErrorOut, 422: ValidationErrorOut},
    summary="Change some preferences",
    description=(
        "Give any subset of the preferences; answers all of them. An unknown key or an "
        "invalid value answers 422 naming it, and nothing changes."
    ),
    tags=["settings"],
)
def settings_update(request, payload: PreferencesPatch):
    return services.preferences_update(user=request.auth, **payload.model_dump(exclude_unset=True))


# Registered before "/settings/{key}": URLs are matched in order, whatever the method.
@router.post(
    "/settings/reset",
    response={200: PreferencesOut, 401: ErrorOut},
    summary="Reset your preferences",
    description="Back to the defaults; answers all preferences.",
    tags=["settings"],
)
def settings_reset(request):
    return services.preferences_reset(user=request.auth)


@router.get(
    "/settings/{key}",
    response={200: PreferenceOut, 401: ErrorOut, 404: ErrorOut},
    summary="Get one preference",
    description=f"`key` is one of {', '.join(API_PREFERENCE_KEYS)}; any other answers 404.",
    tags=["settings"],
)
def settings_get_one(request, key: str):
    if key not in API_PREFERENCE_KEYS:
        raise NotFound(f'Unknown setting "{key}".')
    return {"key": key, "value": getattr(selectors.preferences_for(request.auth), key)}


# API tokens ------------------------------------------------------------------------------------


@router.post(
    "/auth/token",
    auth=None,
    response={201: TokenCreatedOut, 401: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut},
    summary="Create an API token with your username and password",
    description=(
        "Answers the token once; send it as `Authorization: Bearer <token>`. Rate limited "
        "like the login page: after 5 failures in 15 minutes, attempts answer 429."
    ),
    tags=["tokens"],
)
def token_create(request, payload: TokenRequestIn):
    # Through Django's authenticate() so that django-axes counts failures and refuses locked
    # out attempts, exactly as for the login page.
    user = authenticate(request=request, username=payload.username, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise HttpError(429, LOCKOUT_MESSAGE)
        raise HttpError(401, WRONG_CREDENTIALS)
    # A successful sign-in, minus the session: resets axes' failure count and last_login.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    record, token = services.api_token_create(owner=user, name=payload.name)
    return Status(201, {"token": token, "name": record.name, "created_at": record.created_at})


@router.get(
    "/tokens",
    response={200: list[TokenOut], 401: ErrorOut, 422: ValidationErrorOut},
    summary="List your API tokens",
    description="Names, prefixes and dates, newest first; never the tokens themselves.",
    tags=["tokens"],
)
@paginate(SkipLimitPagination)
def token_list(request):
    return selectors.api_token_list(request.auth)


@router.delete(
    "/tokens/{token_id}",
    response={204: None, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Revoke an API token",
    tags=["tokens"],
)
def token_revoke(request, token_id: UUID):
    services.api_token_revoke(owner=request.auth, token_id=token_id)
    return Status(204, None)
