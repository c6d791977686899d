"""Request and response bodies of the retailers and brands API (the same for both)."""

import datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

NAME_FIELD = {"min_length": 1, "max_length": 100, "description": "1 to 100 characters, trimmed."}
URL_FIELD = {"max_length": 500, "description": "An http or https address; empty or null for none."}


class CatalogEntryOut(Schema):
    id: UUID
    name: str
    url: str
    purchase_count: int = Field(..., description="How many of your purchases use it.")
    created_at: datetime.datetime


class CatalogEntryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., **NAME_FIELD)
    url: str | None = Field("", **URL_FIELD)


class CatalogEntryPatch(Schema):
    """Rename, change the url, or both; omitted fields keep their values."""

    model_config = ConfigDict(extra="forbid")

    # A default of None means "not given"; an explicit null name is refused as not a string.
    name: str = Field(None, **NAME_FIELD)
    url: str | None = Field(None, **URL_FIELD)


class CatalogMergeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    into: UUID = Field(..., description="The id of the entry that takes over the purchases.")
