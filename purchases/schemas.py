import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from purchases.models import AttachmentKind, Purchase
from purchases.selectors import PURCHASE_SORTS, WARRANTY_FILTERS
from spends.currencies import CURRENCIES
from spends.schemas import MoneyOut
from warranties.schemas import WarrantyIn, WarrantyOut

StatusName = Literal["ORDERED", "RECEIVED"]
SortName = Literal[tuple(PURCHASE_SORTS) + tuple(f"-{key}" for key in PURCHASE_SORTS)]  # type: ignore[valid-type]
WarrantyFilterName = Literal[WARRANTY_FILTERS]  # type: ignore[valid-type]
AttachmentKindName = Literal[tuple(AttachmentKind.values)]  # type: ignore[valid-type]


class PurchaseOut(Schema):
    id: UUID
    product_name: str
    price: MoneyOut
    currency_code: str
    status: StatusName
    purchase_date: datetime.date
    retailer_id: UUID | None
    retailer_name: str | None
    brand_id: UUID | None
    brand_name: str | None
    serial_number: str
    model_number: str
    order_number: str
    notes: str
    warranty: WarrantyOut | None
    attachment_count: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_retailer_name(obj: Purchase) -> str | None:
        return obj.retailer.name if obj.retailer_id else None

    @staticmethod
    def resolve_brand_name(obj: Purchase) -> str | None:
        return obj.brand.name if obj.brand_id else None

    @staticmethod
    def resolve_warranty(obj: Purchase):
        return getattr(obj, "warranty", None)

    @staticmethod
    def resolve_attachment_count(obj: Purchase) -> int:
        return getattr(obj, "attachment_count", 0) or 0


def _check_currency(value: str | None) -> str | None:
    if value is not None and value not in CURRENCIES:
        raise ValueError("Unknown currency: give an ISO 4217 code such as USD or EUR.")
    return value


class PurchaseFields(Schema):
    """Every field a purchase can be given; each optional here (see PurchaseIn)."""

    model_config = ConfigDict(extra="forbid")

    product_name: str | None = Field(None, min_length=1, max_length=200)
    price: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    currency_code: str | None = Field(None, min_length=3, max_length=3)
    status: StatusName | None = None
    purchase_date: datetime.date | None = None
    retailer_id: UUID | None = None
    retailer_name: str | None = Field(None, max_length=100)
    brand_id: UUID | None = None
    brand_name: str | None = Field(None, max_length=100)
    serial_number: str | None = Field(None, max_length=100)
    model_number: str | None = Field(None, max_length=100)
    order_number: str | None = Field(None, max_length=100)
    notes: str | None = Field(None, max_length=10_000)
    warranty: WarrantyIn | None = None

    _currency = field_validator("currency_code")(_check_currency)


class PurchaseIn(PurchaseFields):
    product_name: str = Field(..., min_length=1, max_length=200)
    price: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2)
    purchase_date: datetime.date


class PurchaseFilterQuery(Schema):
    status: StatusName | None = None
    retailer_id: UUID | None = None
    brand_id: UUID | None = None
    search: str | None = Field(None, max_length=200)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    min_price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    max_price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    currency_code: str | None = Field(None, max_length=3)
    warranty_status: WarrantyFilterName | None = None
    sort: SortName = "-purchase_date"


class AttachmentOut(Schema):
    id: UUID
    purchase_id: UUID
    kind: AttachmentKindName
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime.datetime


class ImportOptionsIn(Schema):
    """An import's options (SPEC section 6), as form fields beside the file or in the query
    string."""

    model_config = ConfigDict(extra="forbid")

    on_duplicate: Literal["skip", "update"] | None = Field(
        None, description="What to do with a row that is already there (default skip)."
    )
    dry_run: bool | None = Field(None, description="Report what would happen; write nothing.")
    partial: bool | None = Field(
        None, description="Import the valid rows even when others are invalid (default false)."
    )
    background: bool | None = Field(
        None, description="Answer 202 with a job at once; the job's result is the report."
    )


class ImportProblemOut(Schema):
    row: int
    field: str | None
    message: str


class ImportReportOut(Schema):
    dry_run: bool
    created: int
    updated: int
    skipped: int
    failed: int
    errors: list[ImportProblemOut]
    warnings: list[str]
