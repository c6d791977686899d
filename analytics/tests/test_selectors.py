"""analytics.selectors called directly: month arithmetic, rounding, currencies, and the shapes
the dashboard page reads."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.selectors import today_for
from accounts.services import preferences_update
from analytics import selectors
from catalog.tests.factories import RetailerFactory
from purchases.tests.factories import PurchaseFactory
from warranties.models import WarrantyType
from warranties.status import WarrantyStatus, is_expiring_soon, warranty_status
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("first", "count", "expected"),
    [
        (D(2026, 1, 1), -1, D(2025, 12, 1)),
        (D(2026, 12, 1), 1, D(2027, 1, 1)),
        (D(2026, 3, 1), -14, D(2025, 1, 1)),
        (D(2026, 3, 1), 0, D(2026, 3, 1)),
    ],
)
def test_add_months_crosses_years(first, count, expected):
    assert selectors.add_months(first, count) == expected


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (D(2024, 2, 1), D(2024, 2, 29)),  # leap year
        (D(2026, 2, 1), D(2026, 2, 28)),
        (D(2026, 12, 1), D(2026, 12, 31)),
        (D(2026, 4, 1), D(2026, 4, 30)),
    ],
)
def test_last_day_of_month(first, last):
    assert selectors.last_day_of_month(first) == last


def test_month_starts_end_with_the_current_month():
    assert selectors.month_starts(D(2026, 1, 31), 3) == [
        D(2025, 11, 1),
        D(2025, 12, 1),
        D(2026, 1, 1),
    ]
    assert selectors.month_starts(D(2026, 1, 31), 1) == [D(2026, 1, 1)]
    assert [selectors.month_label(day) for day in selectors.month_starts(D(2026, 1, 5), 2)] == [
        "2025-12",
        "2026-01",
    ]


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [
        ("0.00", 0, "0.00"),
        ("0.01", 2, "0.00"),  # 0.005: half-even rounds to the even cent
        ("0.03", 2, "0.02"),  # 0.015
        ("0.05", 2, "0.02"),  # 0.025
        ("10.00", 3, "3.33"),
        ("20.00", 3, "6.67"),
    ],
)
def test_average_price_rounds_half_even(total, count, expected):
    average = selectors.average_price(Decimal(total), count)

    assert isinstance(average, Decimal)
    assert str(average) == expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (1, 16, "6.2"),
        (3, 16, "18.8"),
        (0, 0, "0.0"),
        (4, 4, "100.0"),
    ],
)
def test_percentage_has_one_decimal(part, whole, expected):
    assert str(selectors.percentage(part, whole)) == expected


def test_currency_defaults_to_the_preferred_one(user):
    assert selectors.resolve_currency(user, None) == "USD"
    preferences_update(user=user, currency_code="GBP")

    assert selectors.resolve_currency(user, None) == "GBP"
    assert selectors.resolve_currency(user, "JPY") == "JPY"


def test_an_unknown_currency_is_refused(user):
    with pytest.raises(ValidationError) as raised:
        selectors.resolve_currency(user, "XYZ")

    assert "currency" in raised.value.message_dict


def test_a_period_ending_before_it_starts_is_refused(user):
    with pytest.raises(ValidationError) as raised:
        selectors.spending_by_period(user, start=D(2026, 2, 2), end=D(2026, 2, 1))

    assert list(raised.value.message_dict) == ["end"]


def test_a_one_day_period(user):
    PurchaseFactory(owner=user, price=Decimal("7.10"), purchase_date=D(2026, 2, 1))
    PurchaseFactory(owner=user, price=Decimal("2.90"), purchase_date=D(2026, 2, 2))

    figures = selectors.spending_by_period(user, start=D(2026, 2, 1), end=D(2026, 2, 1))

    assert (figures.total_amount, figures.item_count, figures.avg_price) == (
        Decimal("7.10"),
        1,
        Decimal("7.10"),
    )


def test_amounts_are_decimals_in_every_result(user):
    retailer = RetailerFactory(owner=user)
    for price in ["0.10", "0.20", "0.70"]:
        PurchaseFactory(owner=user, price=Decimal(price), retailer=retailer)
    PurchaseFactory(owner=user, price=Decimal("5.55"), currency_code="EUR")

    summary = selectors.summary(user)
    shares = selectors.by_retailer(user)
    products = selectors.top_products(user, limit=1)

    # 0.1 + 0.2 + 0.7 in binary floating point is 0.9999999999999999.
    assert summary.total_spent == Decimal("1.00")
    assert isinstance(summary.total_spent, Decimal)
    assert summary.avg_price == Decimal("0.33")
    assert [(row.currency_code, row.total_spent) for row in summary.by_currency] == [
        ("USD", Decimal("1.00")),
        ("EUR", Decimal("5.55")),
    ]
    assert all(isinstance(row.total_spent, Decimal) for row in summary.by_currency)
    assert [(share.retailer_id, share.count, share.total_spent) for share in shares] == [
        (retailer.id, 3, Decimal("1.00"))
    ]
    assert isinstance(shares[0].percentage, Decimal)
    assert isinstance(products[0].avg_price, Decimal)


def test_spending_by_month_answers_every_month_even_when_empty(user):
    rows = selectors.spending_by_month(user, months=120)

    assert len(rows) == 120
    assert {(row.total_amount, row.item_count) for row in rows} == {(Decimal("0.00"), 0)}
    assert rows[0].month < rows[-1].month


def test_purchases_after_the_current_month_are_left_out(user):
    preferences_update(user=user, timezone="UTC")
    today = today_for(user)
    next_month = selectors.add_months(today.replace(day=1), 1)
    PurchaseFactory(owner=user, price=Decimal("9.00"), purchase_date=next_month)
    PurchaseFactory(owner=user, price=Decimal("1.00"), purchase_date=today)

    rows = selectors.spending_by_month(user, months=2)

    assert [(row.total_amount, row.item_count) for row in rows] == [
        (Decimal("0.00"), 0),
        (Decimal("1.00"), 1),
    ]


def test_the_warranty_timeline_follows_the_status_rules_on_every_day(user):
    """Ends on every day around the months shown, starts at varied distances before them (and
    after today), lifetime and voided warranties: each month's counts are those of the rules of
    warranties.status asked of each warranty in turn."""
    preferences_update(user=user, timezone="UTC")
    today = today_for(user)
    firsts = selectors.month_starts(today, 3)
    warranties = []
    day = firsts[0] - datetime.timedelta(days=3)
    for index in range((today - day).days + 40):
        end = day + datetime.timedelta(days=index)
        start = end - datetime.timedelta(days=(0, 1, 20, 45, 400)[index % 5])
        warranties.append(
            WarrantyFactory(purchase__owner=user, purchase__purchase_date=start,
                            warranty_end=end, voided=index % 7 == 0)
        )  # fmt: skip
    for start in (firsts[0] - datetime.timedelta(days=500), today, today + datetime.timedelta(1)):
        warranties.append(
            WarrantyFactory(purchase__owner=user, purchase__purchase_date=start,
                            warranty_type=WarrantyType.LIFETIME, warranty_end=None)
        )  # fmt: skip

    expected = []
    for first in firsts:
        last = selectors.last_day_of_month(first)
        that_day = min(last, today)
        rules = [{"voided": w.voided, "warranty_end": w.warranty_end} for w in warranties]
        started = [w.warranty_start <= that_day for w in warranties]
        expected.append(
            selectors.WarrantyMonth(
                month=selectors.month_label(first),
                active=sum(
                    began and warranty_status(**rule, today=that_day) == WarrantyStatus.ACTIVE
                    for began, rule in zip(started, rules, strict=True)
                ),
                expired=sum(
                    warranty_status(**rule, today=today) == WarrantyStatus.EXPIRED
                    and first <= rule["warranty_end"] <= last
                    for rule in rules
                ),
                expiring_soon=sum(
                    began and is_expiring_soon(**rule, today=that_day)
                    for began, rule in zip(started, rules, strict=True)
                ),
            )
        )
    assert selectors.warranty_timeline(user, months=3) == expected
    # Something of each kind in each month, so that the comparison is not one of zeros.
    assert all(month.active and month.expiring_soon for month in expected)
    assert all(month.expired for month in expected[:-1])
