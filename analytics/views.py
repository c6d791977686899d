"""The dashboard page (SPEC.md section 3): cards, charts and tables for one period and one
currency, read from analytics.selectors, the same functions /api/analytics answers with."""

import calendar
import datetime
from decimal import Decimal

from django.http import HttpResponse, QueryDict
from django.views.decorators.http import require_http_methods

from accounts.selectors import today_for
from analytics import selectors
from analytics.cards import DASHBOARD_CARDS
from spends.htmx import HtmxHttpRequest, render_page
from spends.templatetags.formatting import money
from warranties.status import shown_status

# The periods the selector offers, in months; the default is a year.
PERIODS = (3, 6, 12, 24)
DEFAULT_PERIOD = 12
# How many rows each table shows, and how many retailers or brands a chart names before it
# puts the rest together as "Others".
TABLE_ROWS = 8
CHART_GROUPS = 7
# The import lives on the settings page, in its "Data" section.
IMPORT_URL = "/settings#data"


def period_from(query: QueryDict) -> int:
    """The `months` asked for when it is one the selector offers, else the default."""
    try:
        months = int(query.get("months", DEFAULT_PERIOD))
    except (TypeError, ValueError):
        return DEFAULT_PERIOD
    return months if months in PERIODS else DEFAULT_PERIOD


def currency_from(owner, query: QueryDict, codes: list[str]) -> str:
    """The currency to report in: the one asked for if the owner has purchases in it; else the
    preferred one if they have purchases in it; else their most used (`codes` comes most used
    first, from selectors.currency_totals)."""
    asked = query.get("currency", "").strip().upper()
    if asked in codes:
        return asked
    preferred = selectors.resolve_currency(owner, None)
    return preferred if preferred in codes else codes[0]


def month_name(label: str) -> str:
    """A month label for charts and their tables, "2026-01" as "Jan 2026" (a month, not a
    date: the user's date format has no month-only form)."""
    year, month = label.split("-")
    return f"{calendar.month_abbr[int(month)]} {year}"


def spending_chart(months: list[selectors.MonthSpending], currency: str) -> dict:
    return {
        "labels": [month_name(row.month) for row in months],
        "months": [row.month for row in months],
        "amounts": [row.total_amount.quantize(selectors.CENT) for row in months],
        "amount_labels": [money(row.total_amount, currency) for row in months],
        "counts": [row.item_count for row in months],
        "currency": currency,
    }


def warranty_chart(months: list[selectors.WarrantyMonth]) -> dict:
    return {
        "labels": [month_name(row.month) for row in months],
        "months": [row.month for row in months],
        "active": [row.active for row in months],
        "expiring_soon": [row.expiring_soon for row in months],
        "expired": [row.expired for row in months],
    }


def share_groups(rows: list[dict], nameless: str) -> list[dict]:
    """Counts and totals per retailer or brand, the biggest `CHART_GROUPS` by name and the rest
    together as "Others", so a chart stays readable with many."""
    groups = [
        {"label": row["name"] or nameless, "count": row["count"], "total": row["total_spent"]}
        for row in rows[:CHART_GROUPS]
    ]
    rest = rows[CHART_GROUPS:]
    if rest:
        groups.append(
            {
                "label": f"Others ({len(rest)})",
                "count": sum(row["count"] for row in rest),
                "total": sum((row["total_spent"] for row in rest), Decimal("0.00")),
            }
        )
    return groups


def share_chart(groups: list[dict], currency: str) -> dict:
    return {
        "labels": [group["label"] for group in groups],
        "counts": [group["count"] for group in groups],
        "totals": [group["total"].quantize(selectors.CENT) for group in groups],
        "total_labels": [money(group["total"], currency) for group in groups],
        "currency": currency,
    }


def warranty_rows(warranties, today: datetime.date) -> list[dict]:
    return [
        {
            "warranty": warranty,
            "status": shown_status(
                voided=warranty.voided, warranty_end=warranty.warranty_end, today=today
            ),
            "days_left": warranty.days_remaining_on(today),
        }
        for warranty in warranties
    ]


def card_values(
    period_total: Decimal,
    period_count: int,
    ordered_count: int,
    warranties: selectors.WarrantySummary,
) -> dict[str, dict]:
    return {
        "spent": {"value": period_total, "is_money": True},
        "count": {"value": period_count},
        "average": {
            "value": selectors.average_price(period_total, period_count),
            "is_money": True,
        },
        "active": {"value": warranties.active},
        "expiring": {"value": warranties.expiring_soon},
        "ordered": {"value": ordered_count},
    }


@require_http_methods(["GET"])
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """The dashboard, or only its body (#dashboard-body) for htmx when the period or the
    currency changes. `months` (3, 6, 12, 24) and `currency` that make no sense fall back to
    the defaults instead of failing."""
    owner = request.user
    months = period_from(request.GET)
    currency_totals = selectors.currency_totals(owner)
    context: dict = {
        "months": months,
        "periods": PERIODS,
        "cards": DASHBOARD_CARDS,
        "import_url": IMPORT_URL,
        "is_empty": not currency_totals,
    }
    if currency_totals:
        context.update(dashboard_figures(request, owner, months, currency_totals))
    return render_page(request, "analytics/dashboard.html", context, partial="dashboard-body")


def dashboard_figures(
    request: HtmxHttpRequest,
    owner,
    months: int,
    currency_totals: list[selectors.CurrencyTotal],
) -> dict:
    codes = [total.currency_code for total in currency_totals]
    currency = currency_from(owner, request.GET, codes)
    today = today_for(owner)

    spending = selectors.spending_by_month(owner, months=months, currency=currency)
    period_total = sum((row.total_amount for row in spending), Decimal("0.00"))
    period_count = sum(row.item_count for row in spending)
    ordered = selectors.ordered_count(owner, currency=currency)
    warranties = selectors.warranty_summary(owner)
    timeline = selectors.warranty_timeline(owner, months=months)
    retailers = share_groups(
        selectors.purchase_shares(owner, "retailer", currency, months), "No retailer"
    )
    brands = share_groups(selectors.purchase_shares(owner, "brand", currency, months), "No brand")
    values = card_values(period_total, period_count, ordered, warranties)

    return {
        "currency": currency,
        "currency_totals": currency_totals,
        "has_several_currencies": len(currency_totals) > 1,
        "period_label": f"{month_name(spending[0].month)} – {month_name(spending[-1].month)}",
        "card_items": [{"card": card, **values[card.id]} for card in DASHBOARD_CARDS],
        "warranty_total": warranties.total,
        "spending": [
            {"label": month_name(row.month), "amount": row.total_amount, "count": row.item_count}
            for row in spending
        ],
        "spending_chart": spending_chart(spending, currency),
        "timeline": [{"label": month_name(row.month), "row": row} for row in timeline],
        "warranty_chart": warranty_chart(timeline),
        "retailers": retailers,
        "retailer_chart": share_chart(retailers, currency),
        "brands": brands,
        "brand_chart": share_chart(brands, currency),
        "top_products": selectors.top_products(
            owner, limit=TABLE_ROWS, currency=currency, months=months
        ),
        "recent_purchases": selectors.recent_purchases(owner, limit=TABLE_ROWS),
        "recent_warranties": warranty_rows(
            selectors.recent_warranties(owner, limit=TABLE_ROWS), today
        ),
    }
