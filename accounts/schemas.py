"""Request and response bodies of the accounts API: preferences and API tokens. Also the
error bodies every router documents in its OpenAPI responses."""

import datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

# Preferences the API reads and writes (SPEC.md, section 4, "Preferences"). The reminder
# settings of section 9 live on the settings page only.
API_PREFERENCE_KEYS = ("currency_code", "date_format", "timezone")


class ErrorOut(Schema):
    """Every error but invalid input: 401, 403, 404, 409, 429."""

    detail: str


class ValidationProblem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    """422: one problem per invalid field, named by `loc` (["body", "name"])."""

    detail: list[ValidationProblem]


class PreferencesOut(Schema):
    currency_code: str
    date_format: str
    timezone: str


class PreferencesPatch(Schema):
    """Any subset of the preferences; values are checked by the preferences service."""

    model_config = ConfigDict(extra="forbid")

    # A default of None means "not given"; an explicit null is refused as not a string.
    currency_code: str = Field(None, description="ISO 4217 code, such as USD or EUR.")
    date_format: str = Field(
        None, description="short, MM/DD/YYYY, DD/MM/YYYY, YYYY-MM-DD or DD.MM.YYYY."
    )
    timezone: str = Field(None, description="IANA time zone name, such as Europe/Berlin.")


class PreferenceOut(Schema):
    key: str
    value: str


class TokenRequestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=4096)
    name: str = Field("", max_length=100, description="A name to tell the token apart.")


class TokenCreatedOut(Schema):
    token: str = Field(..., description="The token itself. It is shown only this once.")
    name: str
    created_at: datetime.datetime


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str = Field(..., description="The first characters of the token.")
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
