"""The JSON API under /api: one NinjaAPI, its authentication, its error answers, and the
list envelope. Each app adds its router (DESIGN.md, "API")."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import APIKeyCookie, HttpBearer

from accounts.services import api_token_authenticate
from spends.errors import ApplicationError
from spends.uploads import oversized_uploads


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionCsrfAuth(APIKeyCookie):
    """The browser's session; APIKeyCookie checks CSRF on every unsafe method."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is no session for a forged request to ride on, and
        # the caller simply has no credentials: 401, not a CSRF failure (403).
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        return request.user if request.user.is_authenticated else None


class MoneyJSONEncoder(NinjaJSONEncoder):
    """Writes Decimal amounts as JSON numbers (999.99), as the spec asks. Amounts are at most
    15 significant digits, which a JSON number carries exactly; anything longer stays a string
    rather than lose a cent."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            as_float = float(o)
            if Decimal(repr(as_float)) == o:
                return as_float
            return str(o)
        return super().default(o)


class MoneyRenderer(JSONRenderer):
    encoder_class = MoneyJSONEncoder


api = NinjaAPI(
    title="Spends Tracker API",
    version="1",
    description=(
        "Purchases, warranties, retailers, brands, analytics and preferences of the signed-in "
        "user. Authenticate with the browser session (CSRF checked) or "
        "`Authorization: Bearer <token>`."
    ),
    urls_namespace="api",
    auth=[BearerTokenAuth(), SessionCsrfAuth()],
    renderer=MoneyRenderer(),
)


def error_location(key: str) -> list[str | int]:
    """A service's error key ("price", "warranty.warranty_end", "__all__") as a `loc`."""
    if key == "__all__":
        return ["body"]
    return ["body", *key.split(".")]


def validation_details(error: ValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [
            {"loc": error_location(key), "msg": message, "type": "value_error"}
            for key, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"loc": ["body"], "msg": message, "type": "value_error"} for message in error.messages]


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return api.create_response(request, {"detail": validation_details(exc)}, status=422)


def without_parameter_name(loc: list) -> list:
    """["body", "payload", "price"] -> ["body", "price"]: the field, not the view's argument.
    Multipart fields and files (ninja's "form" and "file") are parts of the body too."""
    if loc and loc[0] in ("form", "file"):
        loc = ["body", *loc[1:]]
    if len(loc) > 2 and loc[0] == "body" and loc[1] == "payload":
        return [loc[0], *loc[2:]]
    return loc


@api.exception_handler(SchemaValidationError)
def on_schema_validation_error(request, exc: SchemaValidationError):
    # A file dropped while the request was read, for being over every upload limit, shows up
    # here as a missing field; it is really a file too large.
    if oversized := oversized_uploads(request):
        detail = f"“{oversized[0]}” is larger than the upload limit."
        return api.create_response(request, {"detail": detail}, status=413)
    details = [
        {
            "loc": without_parameter_name(list(error.get("loc", ["body"]))),
            "msg": error.get("msg", "Invalid value."),
            "type": error.get("type", "value_error"),
        }
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": details}, status=422)


@api.exception_handler(ApplicationError)
def on_application_error(request, exc: ApplicationError):
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return api.create_response(
        request,
        {"detail": "Authentication required: sign in or send Authorization: Bearer <token>."},
        status=401,
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 400:
        # django-ninja answers a body it cannot parse with 400; the spec calls that invalid
        # input (422), keeping 400 for well-formed requests that are not allowed.
        detail = [{"loc": ["body"], "msg": str(exc), "type": "json_invalid"}]
        return api.create_response(request, {"detail": detail}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(ValueError)
def on_value_error(request, exc: ValueError):
    # PostgreSQL refuses text holding NUL characters (psycopg raises ValueError); that is
    # invalid input, not a server error. Any other ValueError is a bug and stays a 500.
    if "NUL" not in str(exc):
        raise exc
    details = [
        {"loc": ["body"], "msg": "Text cannot contain NUL characters.", "type": "value_error"}
    ]
    return api.create_response(request, {"detail": details}, status=422)


@api.exception_handler(DataError)
def on_data_error(request, exc: DataError):
    # The database refused a value that passed validation (NUL bytes in text on PostgreSQL,
    # for one): the input is invalid, and the transaction has been rolled back.
    message = "Text cannot contain NUL characters." if "NUL" in str(exc) else "A value is invalid."
    details = [{"loc": ["body"], "msg": message, "type": "value_error"}]
    return api.create_response(request, {"detail": details}, status=422)


# Responses every authenticated operation may give, described once for the OpenAPI schema.
ERROR_RESPONSES = {401: dict, 404: dict, 422: dict}


def _register_routers() -> None:
    from accounts.api import router as accounts_router
    from analytics.api import router as analytics_router
    from backups.api import router as backups_router
    from catalog.api import brands_router, retailers_router
    from jobs.api import router as jobs_router
    from purchases.api import attachments_router, export_router, import_router
    from purchases.api import router as purchases_router
    from warranties.api import router as warranties_router

    api.add_router("/", accounts_router)
    api.add_router("/purchases", purchases_router)
    api.add_router("/attachments", attachments_router)
    api.add_router("/warranties", warranties_router)
    api.add_router("/retailers", retailers_router)
    api.add_router("/brands", brands_router)
    api.add_router("/analytics", analytics_router)
    api.add_router("/jobs", jobs_router)
    api.add_router("/export", export_router)
    api.add_router("/import", import_router)
    api.add_router("/backup", backups_router)


_register_routers()
