"""/api/analytics: each operation parses its parameters, calls one selector of
analytics.selectors and serialises the answer (SPEC.md section 4, "Analytics")."""

import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router

from analytics import selectors
from analytics.schemas import (
    BrandShareOut,
    CurrencyCode,
    MonthSpendingOut,
    PeriodSpendingOut,
    RetailerShareOut,
    SummaryOut,
    TopProductOut,
    WarrantyMonthOut,
    WarrantySummaryOut,
)
from purchases.schemas import PurchaseOut
from warranties.schemas import WarrantyOut

router = Router(tags=["analytics"])

ERRORS = {401: dict, 422: dict}
CURRENCY_HELP = "ISO 4217 code of the currency to report; default: the user's preferred one."
MONTHS_HELP = "How many months, the current one last (1 to 120)."
LIMIT_HELP = "How many items to answer (1 to 100)."


Months = Annotated[int, Query(ge=1, le=120, description=MONTHS_HELP)]
Limit = Annotated[int, Query(ge=1, le=100, description=LIMIT_HELP)]
Currency = Annotated[CurrencyCode | None, Query(description=CURRENCY_HELP)]
StartDate = Annotated[datetime.date, Query(description="First day, included (YYYY-MM-DD).")]
EndDate = Annotated[datetime.date, Query(description="Last day, included (YYYY-MM-DD).")]


@router.get(
    "/spending",
    response={200: list[MonthSpendingOut], **ERRORS},
    summary="Spending per month",
)
def spending(
    request: HttpRequest,
    months: Months = 12,
    currency: Currency = None,
):
    return selectors.spending_by_month(request.auth, months=months, currency=currency)


@router.get(
    "/spending/by-period",
    response={200: PeriodSpendingOut, **ERRORS},
    summary="Spending between two dates",
)
def spending_by_period(
    request: HttpRequest,
    start: StartDate,
    end: EndDate,
    currency: Currency = None,
):
    return selectors.spending_by_period(request.auth, start=start, end=end, currency=currency)


@router.get("/summary", response={200: SummaryOut, **ERRORS}, summary="Spending summary")
def summary(request: HttpRequest, currency: Currency = None):
    return selectors.summary(request.auth, currency=currency)


@router.get(
    "/warranties/timeline",
    response={200: list[WarrantyMonthOut], **ERRORS},
    summary="Warranties per month",
)
def warranty_timeline(
    request: HttpRequest,
    months: Months = 12,
):
    return selectors.warranty_timeline(request.auth, months=months)


@router.get(
    "/warranties/summary",
    response={200: WarrantySummaryOut, **ERRORS},
    summary="Warranties by status",
)
def warranty_summary(request: HttpRequest):
    return selectors.warranty_summary(request.auth)


@router.get(
    "/retailers",
    response={200: list[RetailerShareOut], **ERRORS},
    summary="Purchases per retailer",
)
def retailers(request: HttpRequest, currency: Currency = None):
    return selectors.by_retailer(request.auth, currency=currency)


@router.get(
    "/brands",
    response={200: list[BrandShareOut], **ERRORS},
    summary="Purchases per brand",
)
def brands(request: HttpRequest, currency: Currency = None):
    return selectors.by_brand(request.auth, currency=currency)


@router.get(
    "/top-products",
    response={200: list[TopProductOut], **ERRORS},
    summary="Most bought products",
)
def top_products(
    request: HttpRequest,
    limit: Limit = 10,
    currency: Currency = None,
):
    return selectors.top_products(request.auth, limit=limit, currency=currency)


@router.get(
    "/recent-purchases",
    response={200: list[PurchaseOut], **ERRORS},
    summary="Newest purchases",
)
def recent_purchases(request: HttpRequest, limit: Limit = 10):
    return selectors.recent_purchases(request.auth, limit=limit)


@router.get(
    "/recent-warranties",
    response={200: list[WarrantyOut], **ERRORS},
    summary="Most recently added warranties",
)
def recent_warranties(request: HttpRequest, limit: Limit = 10):
    return selectors.recent_warranties(request.auth, limit=limit)
