"""/api/analytics through Django's test client, against figures worked out by hand.

Most tests stop the clock at 2026-03-31 20:00 UTC for a user in Tokyo (UTC+9), where it is
already 2026-04-01: the user's current month is April although the server's is still March.
The clock ticks one millisecond per reading so that rows keep their creation order.
"""

import datetime
import itertools
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.selectors import today_for
from accounts.services import preferences_update
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.tests.factories import AttachmentFactory, PurchaseFactory
from warranties.models import WarrantyType
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

FROZEN_NOW = datetime.datetime(2026, 3, 31, 20, 0, tzinfo=datetime.UTC)
USER_TIME_ZONE = "Asia/Tokyo"  # 2026-04-01 05:00 there at FROZEN_NOW
D = datetime.date
ENDPOINTS = [
    "/api/analytics/spending",
    "/api/analytics/spending/by-period?start=2026-01-01&end=2026-12-31",
    "/api/analytics/summary",
    "/api/analytics/warranties/timeline",
    "/api/analytics/warranties/summary",
    "/api/analytics/retailers",
    "/api/analytics/brands",
    "/api/analytics/top-products",
    "/api/analytics/recent-purchases",
    "/api/analytics/recent-warranties",
]


def body(response):
    """The JSON body with numbers read as Decimal, so amounts compare exactly."""
    return json.loads(response.content, parse_float=Decimal)


@pytest.fixture
def frozen_clock(monkeypatch):
    ticks = itertools.count()
    monkeypatch.setattr(
        timezone, "now", lambda: FROZEN_NOW + datetime.timedelta(milliseconds=next(ticks))
    )


@pytest.fixture
def tokyo_user(user, frozen_clock):
    preferences_update(user=user, timezone=USER_TIME_ZONE)
    assert today_for(user) == D(2026, 4, 1)
    return user


@pytest.fixture
def purchases(tokyo_user, other_user):
    """The user's purchases: seven in USD (the preferred currency), two in EUR; and another
    user's, which must never show."""
    user = tokyo_user
    store_a = RetailerFactory(owner=user, name="Alpha Store")
    store_b = RetailerFactory(owner=user, name="Beta Store")
    euro_store = RetailerFactory(owner=user, name="Euro Store")
    brand_x = BrandFactory(owner=user, name="Xenon")

    def buy(name, price, day, **fields):
        return PurchaseFactory(
            owner=user, product_name=name, price=Decimal(price), purchase_date=day, **fields
        )

    made = {
        "p0": buy("Kindle", "1.00", D(2025, 12, 31)),
        "p1": buy("kindle", "10.00", D(2026, 1, 31)),
        "p2": buy("KINDLE", "20.00", D(2026, 2, 1), retailer=store_a, brand=brand_x),
        "p3": buy("Desk", "30.00", D(2026, 2, 28), retailer=store_a),
        "p4": buy("Lamp", "40.00", D(2026, 3, 1), retailer=store_b, brand=brand_x,
                  status="ORDERED"),
        "p5": buy("Cable", "0.01", D(2026, 3, 31), retailer=store_b),
        "p6": buy("Adapter", "5.00", D(2026, 4, 1)),
        "e1": buy("Espresso machine", "100.00", D(2026, 3, 15), currency_code="EUR",
                  retailer=euro_store),
        "e2": buy("Grinder", "50.00", D(2026, 4, 1), currency_code="EUR"),
    }  # fmt: skip

    theirs = RetailerFactory(owner=other_user, name="Alpha Store")
    for price, day, currency in [
        ("999.00", D(2026, 3, 10), "USD"),
        ("888.00", D(2026, 4, 1), "USD"),
        ("777.00", D(2026, 4, 1), "EUR"),
    ]:
        PurchaseFactory(
            owner=other_user,
            product_name="Kindle",
            price=Decimal(price),
            purchase_date=day,
            currency_code=currency,
            retailer=theirs,
        )
    return made


@pytest.fixture
def warranties(tokyo_user, other_user):
    """Nine warranties around the months Feb to Apr 2026 (today is 2026-04-01)."""
    user = tokyo_user

    def cover(label, start, end, **fields):
        purchase = PurchaseFactory(owner=user, product_name=f"Covered {label}", purchase_date=start)
        return WarrantyFactory(purchase=purchase, warranty_start=start, warranty_end=end, **fields)

    made = {
        "w1": cover("w1", D(2025, 6, 1), D(2026, 2, 15)),
        "w2": cover("w2", D(2026, 1, 10), D(2026, 3, 20)),
        "w3": cover("w3", D(2025, 1, 1), None, warranty_type=WarrantyType.LIFETIME),
        "w4": cover("w4", D(2025, 1, 1), D(2026, 3, 10), voided=True),
        "w5": cover("w5", D(2026, 3, 5), D(2027, 3, 5)),
        "w6": cover("w6", D(2026, 2, 1), D(2026, 4, 20)),
        "w7": cover("w7", D(2026, 3, 15), D(2026, 3, 31)),
        "w8": cover("w8", D(2026, 4, 1), D(2026, 5, 1)),
        "w9": cover("w9", D(2026, 4, 2), D(2026, 4, 10)),
    }
    for start, end in [(D(2025, 1, 1), D(2026, 3, 20)), (D(2026, 1, 1), D(2026, 4, 5))]:
        theirs = PurchaseFactory(owner=other_user, purchase_date=start)
        WarrantyFactory(purchase=theirs, warranty_start=start, warranty_end=end)
    WarrantyFactory(
        purchase=PurchaseFactory(owner=other_user),
        warranty_start=D(2020, 1, 1),
        warranty_end=None,
        warranty_type=WarrantyType.LIFETIME,
    )
    return made


# Spending -------------------------------------------------------------------------------------


def test_spending_by_month_in_the_users_time_zone(api_client, purchases):
    response = api_client.get("/api/analytics/spending?months=3")

    assert response.status_code == 200
    # Today is 2026-04-01 in Tokyo: April is the current month, although it is March in UTC.
    # 2026-01-31 is outside; 02-01 and 02-28 are February's; 03-01 and 03-31 March's; EUR and
    # the other user's purchases count nowhere.
    assert body(response) == [
        {"month": "2026-02", "total_amount": Decimal("50.00"), "item_count": 2},
        {"month": "2026-03", "total_amount": Decimal("40.01"), "item_count": 2},
        {"month": "2026-04", "total_amount": Decimal("5.00"), "item_count": 1},
    ]


def test_spending_by_month_fills_empty_months_with_zero(api_client, purchases):
    response = api_client.get("/api/analytics/spending?months=6")

    assert [(row["month"], row["total_amount"], row["item_count"]) for row in body(response)] == [
        ("2025-11", 0, 0),
        ("2025-12", Decimal("1.00"), 1),
        ("2026-01", Decimal("10.00"), 1),
        ("2026-02", Decimal("50.00"), 2),
        ("2026-03", Decimal("40.01"), 2),
        ("2026-04", Decimal("5.00"), 1),
    ]


def test_spending_by_month_in_another_currency(api_client, purchases):
    response = api_client.get("/api/analytics/spending?months=3&currency=EUR")

    assert body(response) == [
        {"month": "2026-02", "total_amount": 0, "item_count": 0},
        {"month": "2026-03", "total_amount": Decimal("100.00"), "item_count": 1},
        {"month": "2026-04", "total_amount": Decimal("50.00"), "item_count": 1},
    ]


def test_spending_defaults_to_twelve_months_ending_with_the_current_one(api_client, user):
    # The real clock, in a time zone far from UTC: the last month is the user's current one.
    preferences_update(user=user, timezone="Pacific/Kiritimati")
    today = today_for(user)
    first_of_month = today.replace(day=1)
    last_of_previous_month = first_of_month - datetime.timedelta(days=1)
    PurchaseFactory(owner=user, price=Decimal("2.50"), purchase_date=today)
    PurchaseFactory(owner=user, price=Decimal("1.25"), purchase_date=first_of_month)
    PurchaseFactory(owner=user, price=Decimal("4.00"), purchase_date=last_of_previous_month)

    rows = body(api_client.get("/api/analytics/spending"))

    month_index = today.year * 12 + today.month - 1
    expected_months = [
        f"{index // 12:04d}-{index % 12 + 1:02d}"
        for index in range(month_index - 11, month_index + 1)
    ]
    assert [row["month"] for row in rows] == expected_months
    assert rows[-1]["total_amount"] == Decimal("3.75")
    assert rows[-1]["item_count"] == 2
    assert rows[-2]["total_amount"] == Decimal("4.00")
    assert sum(row["item_count"] for row in rows[:-2]) == 0


def test_spending_by_period_includes_both_ends(api_client, purchases):
    response = api_client.get("/api/analytics/spending/by-period?start=2026-01-31&end=2026-03-01")

    assert response.status_code == 200
    assert body(response) == {
        "start": "2026-01-31",
        "end": "2026-03-01",
        "currency": "USD",
        "total_amount": Decimal("100.00"),  # 10 + 20 + 30 + 40
        "item_count": 4,
        "avg_price": Decimal("25.00"),
    }


def test_spending_by_period_rounds_the_average_half_even(api_client, purchases):
    # 0.01 + 5.00 = 5.01 over 2 purchases = 2.505: half-even gives 2.50 (half-up would be 2.51).
    response = api_client.get("/api/analytics/spending/by-period?start=2026-03-31&end=2026-04-01")

    figures = body(response)
    assert (figures["total_amount"], figures["item_count"]) == (Decimal("5.01"), 2)
    assert figures["avg_price"] == Decimal("2.50")


def test_spending_by_period_in_another_currency(api_client, purchases):
    response = api_client.get(
        "/api/analytics/spending/by-period?start=2026-03-01&end=2026-04-30&currency=EUR"
    )

    figures = body(response)
    assert figures["currency"] == "EUR"
    assert (figures["total_amount"], figures["item_count"]) == (Decimal("150.00"), 2)
    assert figures["avg_price"] == Decimal("75.00")


def test_spending_by_period_without_purchases_averages_zero(api_client, purchases):
    response = api_client.get("/api/analytics/spending/by-period?start=2020-01-01&end=2020-12-31")

    figures = body(response)
    assert (figures["total_amount"], figures["item_count"], figures["avg_price"]) == (0, 0, 0)


def test_spending_by_period_refuses_a_start_after_the_end(api_client, user):
    response = api_client.get("/api/analytics/spending/by-period?start=2026-03-02&end=2026-03-01")

    assert response.status_code == 422
    detail = body(response)["detail"]
    assert isinstance(detail, list)
    assert [problem["loc"][-1] for problem in detail] == ["end"]


# Summary --------------------------------------------------------------------------------------


def test_summary_in_the_preferred_currency(api_client, purchases):
    response = api_client.get("/api/analytics/summary")

    assert response.status_code == 200
    assert body(response) == {
        "currency": "USD",
        "total_spent": Decimal("106.01"),  # 1 + 10 + 20 + 30 + 40 + 0.01 + 5
        "item_count": 7,
        "avg_price": Decimal("15.14"),  # 106.01 / 7 = 15.1443
        "ordered_count": 1,
        "received_count": 6,
        "this_month_spent": Decimal("5.00"),  # April in Tokyo: only 2026-04-01
        "this_year_spent": Decimal("105.01"),  # all but 2025-12-31
        "by_currency": [
            {"currency_code": "USD", "total_spent": Decimal("106.01"), "item_count": 7},
            {"currency_code": "EUR", "total_spent": Decimal("150.00"), "item_count": 2},
        ],
    }


def test_summary_follows_the_preferred_currency(api_client, purchases, tokyo_user):
    preferences_update(user=tokyo_user, currency_code="EUR")

    figures = body(api_client.get("/api/analytics/summary"))

    assert figures["currency"] == "EUR"
    assert (figures["total_spent"], figures["item_count"]) == (Decimal("150.00"), 2)
    assert figures["avg_price"] == Decimal("75.00")
    assert (figures["ordered_count"], figures["received_count"]) == (0, 2)
    assert figures["this_month_spent"] == Decimal("50.00")
    assert figures["this_year_spent"] == Decimal("150.00")
    assert [row["currency_code"] for row in figures["by_currency"]] == ["USD", "EUR"]


def test_summary_of_an_empty_account(api_client, user):
    assert body(api_client.get("/api/analytics/summary")) == {
        "currency": "USD",
        "total_spent": 0,
        "item_count": 0,
        "avg_price": 0,
        "ordered_count": 0,
        "received_count": 0,
        "this_month_spent": 0,
        "this_year_spent": 0,
        "by_currency": [],
    }


# Warranties -----------------------------------------------------------------------------------


def test_warranty_timeline(api_client, warranties):
    response = api_client.get("/api/analytics/warranties/timeline?months=3")

    assert response.status_code == 200
    # "That day" is 02-28, 03-31, and today 04-01.
    # February: active w2, w3 (lifetime), w6; expired w1; expiring w2 (ends 03-20).
    # March: active w3, w5, w6, w7 (ends that day); expired w2 and w7 (not w4: voided);
    #   expiring w6 (04-20) and w7 (03-31); not w9 (starts 04-02).
    # April: active w3, w5, w6, w8 (starts today); nothing expired yet; expiring w6 and w8
    #   (ends 05-01, the 30th day); not w9 (not started).
    assert body(response) == [
        {"month": "2026-02", "active": 3, "expired": 1, "expiring_soon": 1},
        {"month": "2026-03", "active": 4, "expired": 2, "expiring_soon": 2},
        {"month": "2026-04", "active": 4, "expired": 0, "expiring_soon": 2},
    ]


def test_warranty_timeline_defaults_to_twelve_months(api_client, warranties):
    rows = body(api_client.get("/api/analytics/warranties/timeline"))

    assert [row["month"] for row in rows] == [
        "2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10",
        "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04",
    ]  # fmt: skip
    # May 2025: only w3 (lifetime, from 2025-01-01) is active; w4 is voided, w1 starts in June.
    assert rows[0] == {"month": "2025-05", "active": 1, "expired": 0, "expiring_soon": 0}
    # January 2026: w1, w2 (from 01-10), w3 active; w1 ends 02-15, within 30 days of 01-31.
    assert rows[8] == {"month": "2026-01", "active": 3, "expired": 0, "expiring_soon": 1}


def test_warranty_summary(api_client, warranties):
    response = api_client.get("/api/analytics/warranties/summary")

    assert response.status_code == 200
    # Today 04-01: expired w1, w2, w7; voided w4; active w3, w5, w6, w8, w9;
    # expiring soon (ending 04-01 to 05-01) w6, w8, w9.
    assert body(response) == {
        "total": 9,
        "active": 5,
        "expired": 3,
        "voided": 1,
        "expiring_soon": 3,
    }


# Retailers, brands, products ------------------------------------------------------------------


def test_retailers(api_client, purchases):
    response = api_client.get("/api/analytics/retailers")

    assert response.status_code == 200
    rows = body(response)
    retailer_ids = {row["retailer_name"]: row["retailer_id"] for row in rows}
    assert retailer_ids["Alpha Store"] == str(purchases["p2"].retailer_id)
    # Of 7 USD purchases: none 3 (42.9%), Alpha 2 for 50.00, Beta 2 for 40.01 (28.6% each);
    # the Euro Store has only EUR purchases.
    assert [
        (row["retailer_name"], row["count"], row["percentage"], row["total_spent"]) for row in rows
    ] == [
        (None, 3, Decimal("42.9"), Decimal("16.00")),
        ("Alpha Store", 2, Decimal("28.6"), Decimal("50.00")),
        ("Beta Store", 2, Decimal("28.6"), Decimal("40.01")),
    ]
    assert rows[0]["retailer_id"] is None


def test_retailers_in_another_currency(api_client, purchases):
    rows = body(api_client.get("/api/analytics/retailers?currency=EUR"))

    assert [
        (row["retailer_name"], row["count"], row["percentage"], row["total_spent"]) for row in rows
    ] == [
        ("Euro Store", 1, Decimal("50.0"), Decimal("100.00")),
        (None, 1, Decimal("50.0"), Decimal("50.00")),
    ]


def test_brands(api_client, purchases):
    response = api_client.get("/api/analytics/brands")

    assert response.status_code == 200
    rows = body(response)
    assert set(rows[0]) == {"brand_id", "brand_name", "count", "percentage", "total_spent"}
    assert [
        (row["brand_id"], row["brand_name"], row["count"], row["percentage"], row["total_spent"])
        for row in rows
    ] == [
        (None, None, 5, Decimal("71.4"), Decimal("46.01")),
        (str(purchases["p2"].brand_id), "Xenon", 2, Decimal("28.6"), Decimal("60.00")),
    ]


def test_retailers_tied_on_count_and_total_sort_by_name(api_client, user):
    for name in ["zeta", "Mu", "alpha"]:
        PurchaseFactory(
            owner=user, price=Decimal("3.00"), retailer=RetailerFactory(owner=user, name=name)
        )

    rows = body(api_client.get("/api/analytics/retailers"))

    assert [row["retailer_name"] for row in rows] == ["alpha", "Mu", "zeta"]
    assert [row["percentage"] for row in rows] == [Decimal("33.3")] * 3


def test_purchases_without_a_brand_come_after_the_brands_they_tie_with(api_client, user):
    for brand in [
        None,
        BrandFactory(owner=user, name="Érable"),
        BrandFactory(owner=user, name="eagle"),
    ]:
        PurchaseFactory(owner=user, price=Decimal("3.00"), brand=brand, retailer=None)
    PurchaseFactory(owner=user, price=Decimal("1.00"), brand=BrandFactory(owner=user, name="Zinc"))

    rows = body(api_client.get("/api/analytics/brands"))

    assert [(row["brand_name"], row["count"], row["total_spent"]) for row in rows] == [
        ("eagle", 1, Decimal("3.00")),
        ("Érable", 1, Decimal("3.00")),
        (None, 1, Decimal("3.00")),
        ("Zinc", 1, Decimal("1.00")),
    ]


def test_top_products(api_client, purchases):
    response = api_client.get("/api/analytics/top-products?limit=3")

    assert response.status_code == 200
    rows = body(response)
    # "Kindle", "kindle", "KINDLE": one product, 1 + 10 + 20 = 31.00, average 10.33.
    assert rows[0]["product_name"].lower() == "kindle"
    assert [(row["count"], row["total_spent"], row["avg_price"]) for row in rows] == [
        (3, Decimal("31.00"), Decimal("10.33")),
        (1, Decimal("40.00"), Decimal("40.00")),
        (1, Decimal("30.00"), Decimal("30.00")),
    ]
    assert [row["product_name"] for row in rows[1:]] == ["Lamp", "Desk"]


def test_top_products_ties_and_half_even_average(api_client, user):
    for name, price, currency in [
        ("USB Cable", "0.05", "USD"),
        ("usb cable", "0.00", "USD"),
        ("Mouse", "1.00", "USD"),
        ("mouse", "1.00", "USD"),
        ("Zebra pen", "3.00", "USD"),
        ("Apple", "3.00", "USD"),
        ("Television", "500.00", "EUR"),
    ]:
        PurchaseFactory(owner=user, product_name=name, price=Decimal(price), currency_code=currency)

    rows = body(api_client.get("/api/analytics/top-products"))

    assert [
        (row["product_name"].lower(), row["count"], row["total_spent"], row["avg_price"])
        for row in rows
    ] == [
        ("mouse", 2, Decimal("2.00"), Decimal("1.00")),
        # 0.05 / 2 = 0.025: half-even 0.02 (half-up would say 0.03).
        ("usb cable", 2, Decimal("0.05"), Decimal("0.02")),
        ("apple", 1, Decimal("3.00"), Decimal("3.00")),
        ("zebra pen", 1, Decimal("3.00"), Decimal("3.00")),
    ]


# Recent ---------------------------------------------------------------------------------------

PURCHASE_FIELDS = {
    "id", "product_name", "price", "currency_code", "status", "purchase_date", "retailer_id",
    "retailer_name", "brand_id", "brand_name", "serial_number", "model_number", "order_number",
    "notes", "warranty", "attachment_count", "created_at", "updated_at",
}  # fmt: skip
WARRANTY_FIELDS = {
    "id", "purchase_id", "product_name", "warranty_start", "warranty_end", "warranty_type",
    "status", "voided", "provider", "notes", "days_remaining", "created_at", "updated_at",
}  # fmt: skip


def test_recent_purchases(api_client, purchases):
    p6, e2, p5 = purchases["p6"], purchases["e2"], purchases["p5"]
    WarrantyFactory(purchase=p5, warranty_start=D(2026, 3, 31), warranty_end=D(2026, 4, 30))
    AttachmentFactory(purchase=p5)
    AttachmentFactory(purchase=p5)

    response = api_client.get("/api/analytics/recent-purchases?limit=3")

    assert response.status_code == 200
    rows = body(response)
    # Both 04-01 purchases, the later added (e2) first, then 03-31; every currency.
    assert [row["id"] for row in rows] == [str(e2.id), str(p6.id), str(p5.id)]
    assert all(set(row) == PURCHASE_FIELDS for row in rows)
    cable = rows[2]
    assert cable["price"] == Decimal("0.01")
    assert cable["retailer_name"] == "Beta Store"
    assert cable["brand_name"] is None
    assert cable["attachment_count"] == 2
    assert cable["warranty"]["warranty_end"] == "2026-04-30"
    assert cable["warranty"]["days_remaining"] == 29
    assert rows[0]["warranty"] is None
    assert rows[0]["currency_code"] == "EUR"


def test_recent_warranties(api_client, warranties):
    response = api_client.get("/api/analytics/recent-warranties?limit=2")

    assert response.status_code == 200
    rows = body(response)
    assert [row["id"] for row in rows] == [str(warranties["w9"].id), str(warranties["w8"].id)]
    assert all(set(row) == WARRANTY_FIELDS for row in rows)
    assert rows[0]["product_name"] == "Covered w9"
    assert (rows[0]["status"], rows[0]["days_remaining"]) == ("ACTIVE", 9)


# Access and validation ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
def test_anonymous_requests_answer_401(client, path):
    response = client.get(path)

    assert response.status_code == 401
    assert isinstance(body(response)["detail"], str)


def test_another_users_data_is_never_counted(other_api_client, purchases, warranties):
    # The other user has three Kindles at the Alpha Store (999 and 888 USD, 777 EUR) and three
    # warranties on purchases of 19.99 USD without a retailer.
    summary = body(other_api_client.get("/api/analytics/summary"))
    assert (summary["total_spent"], summary["item_count"]) == (Decimal("1946.97"), 5)
    assert summary["by_currency"] == [
        {"currency_code": "USD", "total_spent": Decimal("1946.97"), "item_count": 5},
        {"currency_code": "EUR", "total_spent": Decimal("777.00"), "item_count": 1},
    ]
    retailers = body(other_api_client.get("/api/analytics/retailers"))
    assert [(row["retailer_name"], row["count"]) for row in retailers] == [
        (None, 3),
        ("Alpha Store", 2),
    ]
    assert body(other_api_client.get("/api/analytics/warranties/summary"))["total"] == 3
    recent = body(other_api_client.get("/api/analytics/recent-purchases?limit=100"))
    assert len(recent) == 6  # three purchases, plus the three that carry warranties
    mine = {str(purchase.id) for purchase in purchases.values()}
    assert not mine & {row["id"] for row in recent}
    recent_warranties = body(other_api_client.get("/api/analytics/recent-warranties?limit=100"))
    assert len(recent_warranties) == 3
    assert not {str(w.id) for w in warranties.values()} & {row["id"] for row in recent_warranties}


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/analytics/spending?months=0", "months"),
        ("/api/analytics/spending?months=121", "months"),
        ("/api/analytics/spending?months=twelve", "months"),
        ("/api/analytics/spending?currency=XYZ", "currency"),
        ("/api/analytics/spending/by-period?start=2026-01-01", "end"),
        ("/api/analytics/spending/by-period?start=2026-13-01&end=2026-12-01", "start"),
        ("/api/analytics/summary?currency=usd", "currency"),
        ("/api/analytics/warranties/timeline?months=0", "months"),
        ("/api/analytics/warranties/timeline?months=121", "months"),
        ("/api/analytics/retailers?currency=EURO", "currency"),
        ("/api/analytics/brands?currency=ZZZ", "currency"),
        ("/api/analytics/top-products?limit=0", "limit"),
        ("/api/analytics/top-products?limit=101", "limit"),
        ("/api/analytics/recent-purchases?limit=0", "limit"),
        ("/api/analytics/recent-purchases?limit=101", "limit"),
        ("/api/analytics/recent-warranties?limit=0", "limit"),
        ("/api/analytics/recent-warranties?limit=101", "limit"),
    ],
)
def test_invalid_parameters_answer_422_naming_the_field(api_client, path, field):
    response = api_client.get(path)

    assert response.status_code == 422
    detail = body(response)["detail"]
    assert [problem["loc"] for problem in detail] == [["query", field]]


@pytest.mark.parametrize(
    "path",
    [
        "/api/analytics/spending?months=1",
        "/api/analytics/spending?months=120",
        "/api/analytics/warranties/timeline?months=120",
        "/api/analytics/top-products?limit=100",
        "/api/analytics/recent-purchases?limit=1",
        "/api/analytics/recent-warranties?limit=100",
    ],
)
def test_parameters_at_their_bounds_are_accepted(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 200


def test_month_counts_at_the_bounds(api_client, user):
    assert len(body(api_client.get("/api/analytics/spending?months=1"))) == 1
    assert len(body(api_client.get("/api/analytics/spending?months=120"))) == 120
    assert len(body(api_client.get("/api/analytics/warranties/timeline?months=120"))) == 120


def test_openapi_describes_the_operations_and_their_errors(api_client):
    schema = body(api_client.get("/api/openapi.json"))

    operation = schema["paths"]["/api/analytics/spending"]["get"]
    assert operation["summary"] == "Spending per month"
    assert {"200", "401", "422"} <= set(operation["responses"])
    months = next(param for param in operation["parameters"] if param["name"] == "months")
    assert (months["schema"]["minimum"], months["schema"]["maximum"]) == (1, 120)
    for path in ENDPOINTS:
        assert path.split("?")[0] in schema["paths"]


# Query counts ---------------------------------------------------------------------------------


def make_account(owner, purchase_count: int) -> None:
    retailers = [RetailerFactory(owner=owner) for _ in range(3)]
    brands = [BrandFactory(owner=owner) for _ in range(3)]
    today = today_for(owner)
    for index in range(purchase_count):
        purchase = PurchaseFactory(
            owner=owner,
            product_name=f"Product {index % 7}",
            price=Decimal("9.99") + index,
            currency_code="USD" if index % 4 else "EUR",
            purchase_date=today - datetime.timedelta(days=11 * index),
            retailer=retailers[index % 4] if index % 4 < 3 else None,
            brand=brands[index % 3],
            status="ORDERED" if index % 5 == 0 else "RECEIVED",
        )
        if index % 6 == 0:
            WarrantyFactory(
                purchase=purchase, warranty_end=None, warranty_type=WarrantyType.LIFETIME
            )
        elif index % 2 == 0:
            WarrantyFactory(purchase=purchase, voided=index % 10 == 0)
        if index % 3 == 0:
            AttachmentFactory(purchase=purchase)


# The token with its owner's preferences, one or two reads; and, once a minute, the token's
# last use.
MAX_QUERIES = 4
BOUNDED_ENDPOINTS = [
    "/api/analytics/spending?months=120",
    "/api/analytics/spending/by-period?start=2000-01-01&end=2100-12-31",
    "/api/analytics/summary",
    "/api/analytics/summary?currency=EUR",
    "/api/analytics/warranties/timeline?months=120",
    "/api/analytics/warranties/summary",
    "/api/analytics/retailers",
    "/api/analytics/brands",
    "/api/analytics/top-products?limit=100",
    "/api/analytics/recent-purchases?limit=100",
    "/api/analytics/recent-warranties?limit=100",
]


@pytest.mark.parametrize("purchase_count", [5, 60])
@pytest.mark.parametrize("path", BOUNDED_ENDPOINTS)
def test_each_endpoint_takes_a_fixed_number_of_queries(
    api_client, user, django_assert_max_num_queries, path, purchase_count
):
    make_account(user, purchase_count)
    api_client.get("/api/analytics/warranties/summary")  # the token's first use is recorded once

    with django_assert_max_num_queries(MAX_QUERIES):
        response = api_client.get(path)

    assert response.status_code == 200
