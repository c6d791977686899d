import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from accounts.selectors import today_for
from warranties.models import Warranty, WarrantyType
from warranties.services import MAX_DURATION_MONTHS

WarrantyTypeName = Literal["MANUFACTURER", "LIMITED", "EXTENDED", "LIFETIME", "OTHER"]
assert set(WarrantyTypeName.__args__) == set(WarrantyType.values)


def _request_today(context) -> datetime.date:
    request = context["request"]
    cached = getattr(request, "_spends_today", None)
    if cached is None:
        cached = request._spends_today = today_for(request.auth)
    return cached


class WarrantyOut(Schema):
    id: UUID
    purchase_id: UUID
    product_name: str
    warranty_start: datetime.date
    warranty_end: datetime.date | None
    warranty_type: WarrantyTypeName
    status: Literal["ACTIVE", "EXPIRED", "VOIDED"]
    voided: bool
    provider: str
    notes: str
    days_remaining: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_product_name(obj: Warranty) -> str:
        return obj.purchase.product_name

    @staticmethod
    def resolve_status(obj: Warranty, context) -> str:
        return obj.status_on(_request_today(context)).value

    @staticmethod
    def resolve_days_remaining(obj: Warranty, context) -> int | None:
        return obj.days_remaining_on(_request_today(context))


class WarrantyFields(Schema):
    """The warranty fields a person gives; an end date or a duration in months."""

    model_config = ConfigDict(extra="forbid")

    warranty_start: datetime.date | None = None
    warranty_end: datetime.date | None = None
    duration_months: int | None = Field(None, ge=1, le=MAX_DURATION_MONTHS)
    warranty_type: WarrantyTypeName | None = None
    provider: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=10_000)


class WarrantyIn(WarrantyFields):
    """A warranty created with its purchase; the type defaults to MANUFACTURER."""

    warranty_type: WarrantyTypeName = "MANUFACTURER"


class WarrantyUpdate(WarrantyFields):
    voided: bool | None = None
    status: Literal["ACTIVE", "VOIDED"] | None = Field(
        None, description="VOIDED or ACTIVE sets `voided`; EXPIRED is derived and cannot be set."
    )
