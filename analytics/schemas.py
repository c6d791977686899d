"""Shapes of the analytics answers: plain arrays and objects, amounts as Decimal (written as
JSON numbers by the API's renderer)."""

import datetime
from typing import Annotated
from uuid import UUID

from ninja import Schema
from pydantic import AfterValidator

from spends.currencies import CURRENCIES
from spends.schemas import MoneyOut


def _known_currency(value: str) -> str:
    if value not in CURRENCIES:
        raise ValueError("Unknown currency: give an ISO 4217 code such as USD or EUR.")
    return value


# A `currency` query parameter: an ISO 4217 code the application knows.
CurrencyCode = Annotated[str, AfterValidator(_known_currency)]


class MonthSpendingOut(Schema):
    month: str
    total_amount: MoneyOut
    item_count: int


class PeriodSpendingOut(Schema):
    start: datetime.date
    end: datetime.date
    currency: str
    total_amount: MoneyOut
    item_count: int
    avg_price: MoneyOut


class CurrencyTotalOut(Schema):
    currency_code: str
    total_spent: MoneyOut
    item_count: int


class SummaryOut(Schema):
    currency: str
    total_spent: MoneyOut
    item_count: int
    avg_price: MoneyOut
    ordered_count: int
    received_count: int
    this_month_spent: MoneyOut
    this_year_spent: MoneyOut
    by_currency: list[CurrencyTotalOut]


class WarrantyMonthOut(Schema):
    month: str
    active: int
    expired: int
    expiring_soon: int


class WarrantySummaryOut(Schema):
    total: int
    active: int
    expired: int
    voided: int
    expiring_soon: int


class RetailerShareOut(Schema):
    retailer_id: UUID | None
    retailer_name: str | None
    count: int
    percentage: MoneyOut
    total_spent: MoneyOut


class BrandShareOut(Schema):
    brand_id: UUID | None
    brand_name: str | None
    count: int
    percentage: MoneyOut
    total_spent: MoneyOut


class TopProductOut(Schema):
    product_name: str
    count: int
    total_spent: MoneyOut
    avg_price: MoneyOut
