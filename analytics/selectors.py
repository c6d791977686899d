"""The analytics reads: what the dashboard and /api/analytics show, computed by the database.

Every function takes the owner first and reads only the owner's rows. Each answers with a
handful of queries whatever the number of purchases: sums and counts are `Sum` and
`Count(filter=Q(...))` aggregates, and Python only adds up, fills in, sorts or rounds the few
grouped rows it gets back. Spending per month is grouped by the purchase date itself (at most
one row a day), which the index on (owner, currency, purchase_date, ...) hands over in order,
and the days are added up into months here: the database's month truncation is a Python
function per row on SQLite, four times slower at 100,000 purchases. Counts are COUNT(*) (see
`row_count`), so the covering indexes answer them without reading the table.

Amounts are never added across currencies. Every function that reports money takes a `currency`
(default: the owner's preferred currency) and counts only the purchases in that currency, for
the amounts and for the counts alike, so that a count and its total always describe the same
purchases. This holds for spending, the summary, retailers, brands and top products; only
`summary(...).by_currency` looks at every currency, one total per currency.

Money stays `Decimal`: averages are the total divided by the count in `Decimal`, rounded to
cents half-even; percentages are rounded to one decimal, half-even too.

"Today" is the owner's local date (accounts.selectors.today_for); months are `YYYY-MM`, oldest
first, the current month (in the owner's time zone) last.

The functions marked `@remembered` are answered from a cache until the owner's data or today's
date change (accounts/versions.py); the floor of their cost is then one indexed row read.
"""

import dataclasses
import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, Trim

from accounts.selectors import preferences_for, today_for
from accounts.versions import remembered
from catalog.selectors import catalog_names
from purchases.models import Purchase, PurchaseStatus
from purchases.selectors import purchase_list
from spends.currencies import CURRENCIES
from warranties.models import Warranty
from warranties.selectors import warranty_recent
from warranties.status import (
    EXPIRING_SOON_DAYS,
    WarrantyStatus,
    expiring_condition,
    is_expiring_soon,
    status_condition,
    warranty_status,
)

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal("0.00")
# Room for the sum of many prices (a price has max_digits=10), so a large total never overflows
# the field it is converted to.
MONEY_TOTAL = DecimalField(max_digits=20, decimal_places=2)


# Results --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MonthSpending:
    month: str
    total_amount: Decimal
    item_count: int


@dataclasses.dataclass(frozen=True)
class PeriodSpending:
    start: datetime.date
    end: datetime.date
    currency: str
    total_amount: Decimal
    item_count: int
    avg_price: Decimal


@dataclasses.dataclass(frozen=True)
class CurrencyTotal:
    currency_code: str
    total_spent: Decimal
    item_count: int


@dataclasses.dataclass(frozen=True)
class SpendingSummary:
    currency: str
    total_spent: Decimal
    item_count: int
    avg_price: Decimal
    ordered_count: int
    received_count: int
    this_month_spent: Decimal
    this_year_spent: Decimal
    by_currency: list[CurrencyTotal]


@dataclasses.dataclass(frozen=True)
class WarrantyMonth:
    month: str
    active: int
    expired: int
    expiring_soon: int


@dataclasses.dataclass(frozen=True)
class WarrantySummary:
    total: int
    active: int
    expired: int
    voided: int
    expiring_soon: int


@dataclasses.dataclass(frozen=True)
class RetailerShare:
    retailer_id: UUID | None
    retailer_name: str | None
    count: int
    percentage: Decimal
    total_spent: Decimal


@dataclasses.dataclass(frozen=True)
class BrandShare:
    brand_id: UUID | None
    brand_name: str | None
    count: int
    percentage: Decimal
    total_spent: Decimal


@dataclasses.dataclass(frozen=True)
class TopProduct:
    product_name: str
    count: int
    total_spent: Decimal
    avg_price: Decimal


# Helpers --------------------------------------------------------------------------------------


def money_sum(condition: Q | None = None) -> Coalesce:
    """The sum of `price` (of the rows matching `condition`), 0.00 when there are none."""
    return Coalesce(
        Sum("price", filter=condition, output_field=MONEY_TOTAL),
        Value(ZERO),
        output_field=MONEY_TOTAL,
    )


def row_count(condition: Q | None = None) -> Count:
    """How many rows (match `condition`): COUNT(*), or COUNT(1) with a filter. Unlike
    COUNT(id), it reads no column, so an index that holds the columns a query filters and sums
    answers it without reading the table (an index-only scan)."""
    if condition is None:
        return Count("*")
    return Count(Value(1), filter=condition)


def date_band(field: str, bounds: list[datetime.date], *, latest_first: bool = False) -> Case:
    """Which band of the sorted days `bounds` the date `field` lies in: k when it is on or
    after bounds[k - 1] and before bounds[k] (0 before the first, len(bounds) from the last
    on); NULL when the date is. The database tries the bands in turn, so the bands most rows
    lie in go first: the earliest, or with `latest_first` the latest (twice as fast at 70,000
    warranties, most ending after every bound)."""
    if latest_first:
        bands = [When(**{f"{field}__gte": bound}, then=Value(index + 1))
                 for index, bound in reversed(list(enumerate(bounds)))]  # fmt: skip
        last = When(**{f"{field}__isnull": False}, then=Value(0))
    else:
        bands = [When(**{f"{field}__lt": bound}, then=Value(index))
                 for index, bound in enumerate(bounds)]  # fmt: skip
        last = When(**{f"{field}__isnull": False}, then=Value(len(bounds)))
    return Case(*bands, last, output_field=IntegerField())


def band_date(bounds: list[datetime.date], band: int) -> datetime.date:
    """A day in `band` of `date_band(..., bounds)`: every day of a band answers alike."""
    return bounds[band - 1] if band else bounds[0] - datetime.timedelta(days=1)


def average_price(total: Decimal, count: int) -> Decimal:
    """The mean price in cents, rounded half-even; 0.00 when there is nothing to average."""
    if not count:
        return ZERO
    return (total / count).quantize(CENT, rounding=ROUND_HALF_EVEN)


def percentage(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_EVEN)


def resolve_currency(owner, currency: str | None) -> str:
    """The currency amounts are reported in: the one asked for, or the owner's preferred one."""
    if not currency:
        return preferences_for(owner).currency_code
    if currency not in CURRENCIES:
        raise ValidationError({"currency": "Unknown currency: give an ISO 4217 code such as USD."})
    return currency


def add_months(first_of_month: datetime.date, count: int) -> datetime.date:
    """The first day of the month `count` months after (or before) `first_of_month`'s."""
    year, month_index = divmod(first_of_month.year * 12 + first_of_month.month - 1 + count, 12)
    return datetime.date(year, month_index + 1, 1)


def last_day_of_month(first_of_month: datetime.date) -> datetime.date:
    return add_months(first_of_month, 1) - datetime.timedelta(days=1)


def month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    """The first days of the last `months` months, oldest first, today's month last."""
    current = today.replace(day=1)
    return [add_months(current, offset) for offset in range(1 - months, 1)]


def month_label(first_of_month: datetime.date) -> str:
    return f"{first_of_month.year:04d}-{first_of_month.month:02d}"


def period_bounds(owner, months: int) -> tuple[datetime.date, datetime.date]:
    """The first and last days of the last `months` months, today's month last (its last day
    included, so a purchase dated later this month counts, as in `spending_by_month`)."""
    firsts = month_starts(today_for(owner), months)
    return firsts[0], last_day_of_month(firsts[-1])


def owner_purchases(owner, currency_code: str, *, months: int | None = None) -> QuerySet[Purchase]:
    """The owner's purchases in one currency: what every amount and count is made of; only
    those of the last `months` months (see `period_bounds`) when `months` is given."""
    purchases = Purchase.objects.filter(owner=owner, currency_code=currency_code)
    if months is not None:
        purchases = purchases.filter(purchase_date__range=period_bounds(owner, months))
    return purchases


# Spending -------------------------------------------------------------------------------------


@remembered
def spending_by_month(
    owner, *, months: int = 12, currency: str | None = None
) -> list[MonthSpending]:
    """Total and number of purchases per month for the last `months` months, in one currency.

    One query grouped by day (see the module's docstring); the days are added up into their
    months here, and months without purchases are zeros."""
    currency_code = resolve_currency(owner, currency)
    firsts = month_starts(today_for(owner), months)
    days = (
        owner_purchases(owner, currency_code)
        .filter(purchase_date__range=(firsts[0], last_day_of_month(firsts[-1])))
        .values("purchase_date")
        .annotate(total_amount=money_sum(), item_count=row_count())
        .order_by()
    )
    totals = {first: ZERO for first in firsts}
    counts = dict.fromkeys(firsts, 0)
    for day in days:
        first = day["purchase_date"].replace(day=1)
        totals[first] += day["total_amount"]
        counts[first] += day["item_count"]
    return [
        MonthSpending(
            month=month_label(first), total_amount=totals[first], item_count=counts[first]
        )
        for first in firsts
    ]


@remembered
def spending_by_period(
    owner, *, start: datetime.date, end: datetime.date, currency: str | None = None
) -> PeriodSpending:
    """Total, count and average price of the purchases dated from `start` to `end` (both
    included), in one currency. One query."""
    if start > end:
        raise ValidationError({"end": "The end date cannot be before the start date."})
    currency_code = resolve_currency(owner, currency)
    figures = (
        owner_purchases(owner, currency_code)
        .filter(purchase_date__range=(start, end))
        .aggregate(total_amount=money_sum(), item_count=row_count())
    )
    return PeriodSpending(
        start=start,
        end=end,
        currency=currency_code,
        total_amount=figures["total_amount"],
        item_count=figures["item_count"],
        avg_price=average_price(figures["total_amount"], figures["item_count"]),
    )


@remembered
def currency_totals(owner) -> list[CurrencyTotal]:
    """One total per currency the owner has purchases in, most used first. One query."""
    rows = (
        Purchase.objects.filter(owner=owner)
        .values("currency_code")
        .annotate(total_spent=money_sum(), item_count=row_count())
        .order_by("-item_count", "currency_code")
    )
    return [
        CurrencyTotal(
            currency_code=row["currency_code"],
            total_spent=row["total_spent"],
            item_count=row["item_count"],
        )
        for row in rows
    ]


@remembered
def summary(owner, *, currency: str | None = None) -> SpendingSummary:
    """The dashboard's figures in one currency (one aggregate query), and the total of every
    currency the owner has (one grouped query). "This month" and "this year" are the calendar
    month and year of the owner's today."""
    currency_code = resolve_currency(owner, currency)
    today = today_for(owner)
    month_start = today.replace(day=1)
    year_start = today.replace(month=1, day=1)
    figures = owner_purchases(owner, currency_code).aggregate(
        total_spent=money_sum(),
        item_count=row_count(),
        ordered_count=row_count(Q(status=PurchaseStatus.ORDERED)),
        received_count=row_count(Q(status=PurchaseStatus.RECEIVED)),
        this_month_spent=money_sum(
            Q(purchase_date__range=(month_start, last_day_of_month(month_start)))
        ),
        this_year_spent=money_sum(
            Q(purchase_date__range=(year_start, today.replace(month=12, day=31)))
        ),
    )
    return SpendingSummary(
        currency=currency_code,
        total_spent=figures["total_spent"],
        item_count=figures["item_count"],
        avg_price=average_price(figures["total_spent"], figures["item_count"]),
        ordered_count=figures["ordered_count"],
        received_count=figures["received_count"],
        this_month_spent=figures["this_month_spent"],
        this_year_spent=figures["this_year_spent"],
        by_currency=currency_totals(owner),
    )


@remembered
def ordered_count(owner, *, currency: str | None = None) -> int:
    """How many purchases in one currency are still on order (the dashboard's card); the same
    figure as `summary(...).ordered_count`, without the rest of the summary's sums."""
    currency_code = resolve_currency(owner, currency)
    return owner_purchases(owner, currency_code).filter(status=PurchaseStatus.ORDERED).count()


# Warranties -----------------------------------------------------------------------------------


@remembered
def warranty_timeline(owner, *, months: int = 12) -> list[WarrantyMonth]:
    """Active, expired and expiring-soon warranties for each of the last `months` months.

    For each month "that day" is its last day, or today for the current month:
    - active: ACTIVE on that day (warranties.status) and started on or before it; lifetime
      warranties included;
    - expired: EXPIRED today and ending within the month;
    - expiring_soon: started on or before that day and expiring soon as seen from it
      (warranties.status.is_expiring_soon: ending from that day to 30 days after it).

    Thirty-six conditional counts over every warranty took 0.13 s on SQLite at 70,000
    warranties. Instead one query counts the warranties by band of start date and band of end
    date (`date_band`), cut at every day on which one of those answers can change; within a
    band every warranty answers alike, so the rules of warranties.status are asked once per
    band, of a date in it, and the counts added up here."""
    today = today_for(owner)
    firsts = month_starts(today, months)
    lasts = [last_day_of_month(first) for first in firsts]
    days = [*lasts[:-1], today]
    one_day = datetime.timedelta(days=1)
    soon = datetime.timedelta(days=EXPIRING_SOON_DAYS + 1)
    # "start <= day" changes the day after each day; the end's answers change on each day,
    # on a month's first day and the day after its last, today, and the day after the
    # expiring-soon window of each day.
    start_bounds = sorted({day + one_day for day in days})
    end_bounds = sorted({*days, *firsts, *(last + one_day for last in lasts), today,
                         *(day + soon for day in days)})  # fmt: skip
    bands = (
        Warranty.objects.filter(owner=owner)
        # Every count needs an end on or after the first month's first day (or no end at all).
        .filter(Q(warranty_end__isnull=True) | Q(warranty_end__gte=firsts[0]))
        .values("voided", start=date_band("warranty_start", start_bounds),
                end=date_band("warranty_end", end_bounds, latest_first=True))
        .annotate(count=row_count())
    )  # fmt: skip
    timeline = {first: {"active": 0, "expired": 0, "expiring_soon": 0} for first in firsts}
    for band in bands:
        start = band_date(start_bounds, band["start"])
        end = None if band["end"] is None else band_date(end_bounds, band["end"])
        for first, last, day in zip(firsts, lasts, days, strict=True):
            counts = timeline[first]
            started = start <= day
            status = warranty_status(voided=band["voided"], warranty_end=end, today=day)
            if started and status == WarrantyStatus.ACTIVE:
                counts["active"] += band["count"]
            if started and is_expiring_soon(voided=band["voided"], warranty_end=end, today=day):
                counts["expiring_soon"] += band["count"]
            expired = warranty_status(voided=band["voided"], warranty_end=end, today=today)
            if expired == WarrantyStatus.EXPIRED and first <= end <= last:
                counts["expired"] += band["count"]
    return [WarrantyMonth(month=month_label(first), **timeline[first]) for first in firsts]


@remembered
def warranty_summary(owner) -> WarrantySummary:
    """How many warranties the owner has in each status today, and how many expire soon.
    One aggregate query, with the conditions of warranties.status."""
    today = today_for(owner)
    # The aggregates are named apart from the fields their conditions read ("voided").
    figures = Warranty.objects.filter(owner=owner).aggregate(
        total_count=row_count(),
        active_count=row_count(status_condition(WarrantyStatus.ACTIVE, today)),
        expired_count=row_count(status_condition(WarrantyStatus.EXPIRED, today)),
        voided_count=row_count(status_condition(WarrantyStatus.VOIDED, today)),
        expiring_count=row_count(expiring_condition(today)),
    )
    return WarrantySummary(
        total=figures["total_count"],
        active=figures["active_count"],
        expired=figures["expired_count"],
        voided=figures["voided_count"],
        expiring_soon=figures["expiring_count"],
    )


# Retailers, brands, products ------------------------------------------------------------------


@remembered
def purchase_shares(
    owner, relation: str, currency: str | None, months: int | None = None
) -> list[dict]:
    """Purchases in one currency (and of the last `months` months, when given) grouped by their
    retailer or brand (`relation`), those without one together under a `None` id and name;
    sorted by count, then total, both descending, then name (ignoring case; the group without
    a name last). One query (two on SQLite)."""
    currency_code = resolve_currency(owner, currency)
    purchases = owner_purchases(owner, currency_code, months=months)
    name = f"{relation}__name"
    if connections[purchases.db].vendor == "sqlite":
        rows = _sqlite_shares(owner, purchases, relation)
    else:
        # Grouped by the id alone, the name (one per id) and its sort key taken as aggregates:
        # with the name among the groups, PostgreSQL cannot tell there are only a few hundred,
        # and sorted 70,000 joined rows on disk to group them (brands 73 → 30 ms).
        groups = purchases.values(relation).annotate(name=Min(name), sort_name=Min(Lower(name)))
        rows = list(
            groups.annotate(count=row_count(), total_spent=money_sum()).order_by(
                "-count", "-total_spent", F("sort_name").asc(nulls_last=True), relation
            )
        )
    whole = sum(row["count"] for row in rows)
    return [
        {
            "id": row[relation],
            "name": row["name"],
            "count": row["count"],
            "percentage": percentage(row["count"], whole),
            "total_spent": row["total_spent"],
        }
        for row in rows
    ]


class _NoIndex(Func):
    """`+column`: the column's value, which SQLite will not look up or walk in order through an
    index on the column (its documented way of turning one away)."""

    template = "+%(expressions)s"


def _sqlite_shares(owner, purchases: QuerySet[Purchase], relation: str) -> list[dict]:
    """purchase_shares' groups on SQLite. Grouped by the column, SQLite walks the (owner,
    retailer or brand) index in order and reads every purchase for its currency and price (98
    ms at 70,000 purchases); grouped by `+column`, it scans the index that holds them all
    (37 ms). The names are the owner's choice list (catalog_names): joined into the grouping,
    they cost each purchase a look-up (25 ms more)."""
    field = Purchase._meta.get_field(relation)
    groups = (
        purchases.values(group=_NoIndex(relation, output_field=field.target_field))
        .annotate(count=row_count(), total_spent=money_sum())
        .order_by()
    )
    names = {UUID(entry_id): name for entry_id, name in catalog_names(owner, field.related_model)}
    rows = [
        {relation: group["group"], "name": names.get(group["group"]), "count": group["count"],
         "total_spent": group["total_spent"]}
        for group in groups
    ]  # fmt: skip
    rows.sort(key=lambda row: (-row["count"], -row["total_spent"], row["name"] is None,
                               (row["name"] or "").lower(), str(row[relation] or "")))  # fmt: skip
    return rows


def by_retailer(
    owner, *, currency: str | None = None, months: int | None = None
) -> list[RetailerShare]:
    """Purchases per retailer, in one currency only: counts, percentages of the purchase count
    and totals are all of the purchases in `currency` (default: the preferred one); with
    `months`, only of the purchases of the last `months` months (the dashboard's period)."""
    return [
        RetailerShare(
            retailer_id=row["id"],
            retailer_name=row["name"],
            count=row["count"],
            percentage=row["percentage"],
            total_spent=row["total_spent"],
        )
        for row in purchase_shares(owner, "retailer", currency, months)
    ]


def by_brand(owner, *, currency: str | None = None, months: int | None = None) -> list[BrandShare]:
    """Purchases per brand, in one currency only (and one period, with `months`), as
    `by_retailer`."""
    return [
        BrandShare(
            brand_id=row["id"],
            brand_name=row["name"],
            count=row["count"],
            percentage=row["percentage"],
            total_spent=row["total_spent"],
        )
        for row in purchase_shares(owner, "brand", currency, months)
    ]


@remembered
def top_products(
    owner, *, limit: int = 10, currency: str | None = None, months: int | None = None
) -> list[TopProduct]:
    """The most bought products in one currency (only purchases in `currency` count, and with
    `months` only those of the last `months` months), names that differ only in case or
    surrounding spaces taken as one product; sorted by count, then total, both descending, then
    name. The name shown is one of the group's spellings (the first in the database's order).
    One query."""
    currency_code = resolve_currency(owner, currency)
    rows = (
        owner_purchases(owner, currency_code, months=months)
        .annotate(product_key=Lower(Trim("product_name")))
        .values("product_key")
        .annotate(shown_name=Min("product_name"), count=row_count(), total_spent=money_sum())
        .order_by("-count", "-total_spent", "product_key")[:limit]
    )
    return [
        TopProduct(
            product_name=row["shown_name"],
            count=row["count"],
            total_spent=row["total_spent"],
            avg_price=average_price(row["total_spent"], row["count"]),
        )
        for row in rows
    ]


# Recent ---------------------------------------------------------------------------------------


def recent_purchases(owner, *, limit: int = 10) -> QuerySet[Purchase]:
    """The newest purchases (by purchase date, then by when they were added), every currency,
    with what a purchase response shows fetched in the same query."""
    return purchase_list(owner)[:limit]


def recent_warranties(owner, *, limit: int = 10) -> QuerySet[Warranty]:
    """The most recently added warranties, with their purchase."""
    return warranty_recent(owner, limit=limit)
