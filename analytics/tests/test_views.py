"""The dashboard page (`/`): cards, chart data, tables, period and currency selectors, the empty
start, owner scoping and a constant number of queries."""

import datetime
import html
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.selectors import today_for
from accounts.services import preferences_update
from analytics import selectors
from analytics.cards import DASHBOARD_CARDS
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.models import PurchaseStatus
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


# Reading the page as a person (and a browser test) would -----------------------------------


def card_value(content: str, card_id: str) -> str:
    """The figure shown on one card."""
    match = re.search(
        rf'data-testid="card-{card_id}".*?data-testid="card-value">([^<]*)<', content, re.S
    )
    assert match, f"card {card_id} not found"
    return html.unescape(match.group(1).strip())


def chart_data(content: str, chart: str) -> dict:
    match = re.search(
        rf'<script id="chart-{chart}" type="application/json">(.*?)</script>', content, re.S
    )
    assert match, f"chart data {chart} not found"
    return json.loads(match.group(1))


def table(content: str, testid: str) -> str:
    """One table of the page, from its hook to its end."""
    start = content.index(f'data-testid="{testid}"')
    return content[start : content.index("</table>", start)]


def get(client, url="/", **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


def month_first(user, months_ago: int) -> datetime.date:
    """The first day of the month `months_ago` months before the user's current month."""
    return selectors.add_months(today_for(user).replace(day=1), -months_ago)


@pytest.fixture
def known_data(user):
    """Two purchases this month ($1,000.00 received, $234.56 ordered), one 2 months ago
    ($100.00), one 18 months ago ($50.00), one 30 months ago ($7.00); four warranties: active,
    expiring soon, expired, voided."""
    today = today_for(user)
    this_month = month_first(user, 0)
    shop = RetailerFactory(owner=user, name="Shop")
    acme = BrandFactory(owner=user, name="Acme")
    laptop = PurchaseFactory(
        owner=user,
        product_name="Laptop",
        price=Decimal("1000.00"),
        purchase_date=this_month,
        retailer=shop,
        brand=acme,
    )
    phone = PurchaseFactory(
        owner=user,
        product_name="Phone",
        price=Decimal("234.56"),
        purchase_date=this_month,
        status=PurchaseStatus.ORDERED,
        retailer=shop,
    )
    PurchaseFactory(
        owner=user,
        product_name="Cable",
        price=Decimal("100.00"),
        purchase_date=month_first(user, 2),
    )
    old = PurchaseFactory(
        owner=user,
        product_name="Kettle",
        price=Decimal("50.00"),
        purchase_date=month_first(user, 18),
    )
    older = PurchaseFactory(
        owner=user,
        product_name="Toaster",
        price=Decimal("7.00"),
        purchase_date=month_first(user, 30),
    )
    WarrantyFactory(purchase=laptop, warranty_end=today + datetime.timedelta(days=100))
    WarrantyFactory(purchase=phone, warranty_end=today + datetime.timedelta(days=10))
    WarrantyFactory(purchase=old, warranty_end=month_first(user, 6))
    WarrantyFactory(purchase=older, voided=True)
    return {"laptop": laptop, "phone": phone}


# Full page and partial ----------------------------------------------------------------------


def test_full_page_has_the_layout_and_the_dashboard(user_client, known_data):
    content = get(user_client)
    assert "<html" in content
    assert "<title>Dashboard" in content
    assert 'id="dashboard-body"' in content
    assert "Spending by month" in content
    assert "js/charts.js" in content and "js/cards.js" in content
    assert "vendor/chartjs/chart.umd.min.js" in content


def test_htmx_request_gets_only_the_dashboard_body(user_client, known_data):
    content = get(user_client, "/?months=3", headers=HTMX)
    assert "<html" not in content
    assert "<title>" not in content
    assert content.lstrip().startswith('<div id="dashboard-body"')
    assert 'data-testid="period-3"' in content
    assert card_value(content, "spent") == "$1,334.56"


def test_history_restore_gets_the_whole_page(user_client, known_data):
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    assert "<html" in get(user_client, "/?months=3", headers=headers)


# Cards --------------------------------------------------------------------------------------


def test_cards_show_the_figures_of_the_period(user_client, known_data):
    content = get(user_client)
    assert card_value(content, "spent") == "$1,334.56"
    assert card_value(content, "count") == "3"
    assert card_value(content, "average") == "$444.85"  # 1334.56 / 3, to the cent
    assert card_value(content, "active") == "2"
    assert card_value(content, "expiring") == "1"
    assert card_value(content, "ordered") == "1"
    assert "Last 12 months" in content
    assert "of 4 warranties" in content
    assert 'href="/warranties?status=expiring"' in content
    assert 'href="/inventory?status=ORDERED"' in content


def test_every_card_has_its_hook_and_a_customise_checkbox(user_client, known_data):
    content = get(user_client)
    for card in DASHBOARD_CARDS:
        assert f'data-card="{card.id}"' in content
        assert f'data-testid="card-{card.id}"' in content
        assert f'data-card-toggle="{card.id}" checked' in content
        assert card.label in content


def test_money_cards_use_the_thousands_separator(user_client, user):
    PurchaseFactory(owner=user, price=Decimal("1234.56"), purchase_date=month_first(user, 0))
    content = get(user_client)
    assert card_value(content, "spent") == "$1,234.56"
    assert card_value(content, "average") == "$1,234.56"


# Charts -------------------------------------------------------------------------------------


def test_spending_chart_holds_each_months_total_and_count(user_client, user, known_data):
    data = chart_data(get(user_client), "spending")
    assert len(data["months"]) == len(data["amounts"]) == len(data["counts"]) == 12
    assert data["months"][-1] == selectors.month_label(month_first(user, 0))
    assert data["months"][0] == selectors.month_label(month_first(user, 11))
    assert data["amounts"][-1] == "1234.56"
    assert data["counts"][-1] == 2
    assert data["amount_labels"][-1] == "$1,234.56"
    assert data["amounts"][-3] == "100.00"
    assert data["counts"][-3] == 1
    assert sum(data["counts"]) == 3
    assert data["currency"] == "USD"


def test_warranty_chart_follows_the_timeline_selector(user_client, user, known_data):
    data = chart_data(get(user_client), "warranties")
    timeline = selectors.warranty_timeline(user, months=12)
    assert data["months"] == [row.month for row in timeline]
    assert data["active"] == [row.active for row in timeline]
    assert data["expired"] == [row.expired for row in timeline]
    assert data["expiring_soon"] == [row.expiring_soon for row in timeline]
    assert data["active"][-1] == 2
    assert data["expiring_soon"][-1] == 1
    assert data["expired"][-7] == 1  # the warranty that ended 6 months ago


def test_retailer_and_brand_charts_count_purchases_of_the_period(user_client, known_data):
    retailers = chart_data(get(user_client), "retailers")
    assert retailers["labels"] == ["Shop", "No retailer"]
    assert retailers["counts"] == [2, 1]
    assert retailers["totals"] == ["1234.56", "100.00"]
    assert retailers["total_labels"] == ["$1,234.56", "$100.00"]
    brands = chart_data(get(user_client), "brands")
    assert brands["labels"] == ["No brand", "Acme"]
    assert brands["counts"] == [2, 1]


def test_many_retailers_are_shown_as_the_biggest_and_others(user_client, user):
    for index in range(10):
        retailer = RetailerFactory(owner=user, name=f"Shop {index:02d}")
        for _ in range(10 - index):
            PurchaseFactory(owner=user, retailer=retailer, purchase_date=month_first(user, 0))
    data = chart_data(get(user_client), "retailers")
    assert len(data["labels"]) == 8
    assert data["labels"][0] == "Shop 00" and data["counts"][0] == 10
    assert data["labels"][-1] == "Others (3)"
    assert data["counts"][-1] == 3 + 2 + 1


def test_every_chart_has_an_accessible_name_and_a_table_of_its_figures(user_client, known_data):
    content = get(user_client)
    for chart in ("spending", "warranties", "retailers", "brands"):
        canvas = re.search(rf'<canvas data-chart="{chart}"[^>]*>', content).group(0)
        assert 'role="img"' in canvas and "aria-label=" in canvas
        assert f'data-chart-source="chart-{chart}"' in canvas
    assert "<caption>Spending by month (USD)</caption>" in content
    assert '<th scope="row">' in content and "<td>$1,234.56</td><td>2</td>" in content


# Tables -------------------------------------------------------------------------------------


def test_tables_show_top_products_recent_purchases_and_warranties(user_client, user, known_data):
    preferences_update(user=user, date_format="DD.MM.YYYY")
    content = get(user_client)
    top = table(content, "top-products")
    assert top.index("Laptop") < top.index("Phone")
    assert "$1,000.00" in top
    recent = table(content, "recent-purchases")
    assert recent.count('data-testid="recent-purchase-row"') == 5
    assert month_first(user, 0).strftime("%d.%m.%Y") in recent
    assert "Ordered" in recent and "Received" in recent
    assert f'href="/inventory/{known_data["laptop"].id}"' in recent
    warranties = table(content, "recent-warranties")
    assert warranties.count('data-testid="recent-warranty-row"') == 4
    for status in ("Active", "Expiring soon", "Expired", "Voided"):
        assert status in warranties
    assert "10 days left" in warranties


# Period -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "spent", "count", "chart_length"),
    [
        (3, "$1,334.56", "3", 3),
        (6, "$1,334.56", "3", 6),
        (12, "$1,334.56", "3", 12),
        (24, "$1,384.56", "4", 24),
    ],
)
def test_period_selector_changes_the_figures(
    user_client, known_data, months, spent, count, chart_length
):
    content = get(user_client, f"/?months={months}")
    assert card_value(content, "spent") == spent
    assert card_value(content, "count") == count
    assert len(chart_data(content, "spending")["amounts"]) == chart_length
    assert len(chart_data(content, "warranties")["active"]) == chart_length
    assert f'aria-current="true" data-testid="period-{months}"' in content


def test_a_shorter_period_leaves_older_purchases_out_of_the_charts(user_client, known_data):
    content = get(user_client, "/?months=3")
    assert chart_data(content, "retailers")["counts"] == [2, 1]
    content = get(user_client, "/?months=24")
    retailers = chart_data(content, "retailers")
    assert retailers["labels"] == ["Shop", "No retailer"]  # as many: the bigger total first
    assert retailers["counts"] == [2, 2]
    top = table(content, "top-products")
    assert "Kettle" in top and "Toaster" not in top


def test_period_links_are_plain_links_that_htmx_swaps_in_place(user_client, known_data):
    content = get(user_client, "/?currency=USD")
    link = re.search(r'<a [^>]*data-testid="period-24"[^>]*>', content).group(0)
    assert 'href="?currency=USD&amp;months=24"' in link
    assert 'hx-get="?currency=USD&amp;months=24"' in link
    assert 'hx-target="#dashboard-body"' in link and 'hx-push-url="true"' in link


# Currency -----------------------------------------------------------------------------------


def test_no_currency_selector_with_one_currency(user_client, known_data):
    assert 'data-testid="currency-selector"' not in get(user_client)


def test_currency_selector_appears_with_several_currencies_and_switches(
    user_client, user, known_data
):
    PurchaseFactory(
        owner=user, price=Decimal("12.00"), currency_code="EUR", purchase_date=month_first(user, 0)
    )
    PurchaseFactory(
        owner=user, price=Decimal("3.50"), currency_code="EUR", purchase_date=month_first(user, 1)
    )
    content = get(user_client)
    assert 'data-testid="currency-selector"' in content
    assert '<option value="USD" selected>USD (5)</option>' in content
    assert '<option value="EUR">EUR (2)</option>' in content
    assert card_value(content, "spent") == "$1,334.56"

    content = get(user_client, "/?currency=EUR&months=12")
    assert card_value(content, "spent") == "€15.50"
    assert card_value(content, "count") == "2"
    assert card_value(content, "average") == "€7.75"
    assert chart_data(content, "spending")["amounts"][-2:] == ["3.50", "12.00"]
    assert chart_data(content, "spending")["currency"] == "EUR"
    assert '<option value="EUR" selected>' in content
    form = re.search(r'<form [^>]*data-testid="currency-selector"[^>]*>', content).group(0)
    assert 'method="get"' in form and 'hx-get="/"' in form
    assert 'hx-target="#dashboard-body"' in form and 'hx-push-url="true"' in form


def test_default_currency_is_the_most_used_when_none_is_in_the_preferred(user_client, user):
    preferences_update(user=user, currency_code="USD")
    for _ in range(2):
        PurchaseFactory(owner=user, currency_code="EUR", price=Decimal("10.00"))
    PurchaseFactory(owner=user, currency_code="GBP", price=Decimal("5.00"))
    content = get(user_client, "/?months=24")
    assert '<option value="EUR" selected>' in content
    assert "€" in card_value(content, "spent")


def test_default_currency_is_the_preferred_one_when_there_are_purchases_in_it(user_client, user):
    preferences_update(user=user, currency_code="GBP")
    for _ in range(2):
        PurchaseFactory(owner=user, currency_code="EUR", purchase_date=month_first(user, 0))
    PurchaseFactory(
        owner=user, currency_code="GBP", price=Decimal("5.00"), purchase_date=month_first(user, 0)
    )
    content = get(user_client)
    assert card_value(content, "spent") == "£5.00"


@pytest.mark.parametrize(
    "query",
    [
        "months=abc",
        "months=5",
        "months=-12",
        "months=99999999999999999999999",
        "months=",
        "currency=XXX",
        "currency=JPY",  # a real currency the user has no purchase in
        "currency=%3Cscript%3E",
        "currency=",
        "months=12.5&currency=usd%00",
    ],
)
def test_bad_parameters_fall_back_to_the_defaults(user_client, known_data, query):
    for headers in ({}, HTMX):
        content = get(user_client, f"/?{query}", headers=headers)
        assert card_value(content, "spent") == "$1,334.56"
        assert len(chart_data(content, "spending")["amounts"]) == 12


# Empty account ------------------------------------------------------------------------------


def test_empty_account_shows_a_friendly_start_without_charts(user_client):
    content = get(user_client)
    assert "Add your first purchase" in content
    assert "Import a CSV" in content
    assert 'href="/settings#data"' in content
    assert re.search(r'href="/inventory/new" data-testid="start-add-purchase"', content)
    assert "<canvas" not in content
    assert 'data-testid="cards"' not in content
    assert "chart-spending" not in content
    partial = get(user_client, "/?months=3", headers=HTMX)
    assert "Add your first purchase" in partial and "<html" not in partial


# Owner scoping ------------------------------------------------------------------------------


def test_another_users_purchases_are_never_counted(user_client, user, other_user, known_data):
    theirs = PurchaseFactory(
        owner=other_user,
        product_name="Their yacht",
        price=Decimal("99999.00"),
        purchase_date=month_first(user, 0),
        status=PurchaseStatus.ORDERED,
        retailer=RetailerFactory(owner=other_user, name="Their shop"),
    )
    WarrantyFactory(purchase=theirs, warranty_end=today_for(user) + datetime.timedelta(days=5))
    PurchaseFactory(owner=other_user, currency_code="EUR", purchase_date=month_first(user, 0))
    content = get(user_client)
    assert card_value(content, "spent") == "$1,334.56"
    assert card_value(content, "count") == "3"
    assert card_value(content, "active") == "2"
    assert card_value(content, "expiring") == "1"
    assert card_value(content, "ordered") == "1"
    assert "Their yacht" not in content and "Their shop" not in content
    assert 'data-testid="currency-selector"' not in content
    assert chart_data(content, "spending")["amounts"][-1] == "1234.56"
    # Their currency asked for by name shows nothing of theirs either.
    assert card_value(get(user_client, "/?currency=EUR"), "spent") == "$1,334.56"


def test_an_account_whose_only_purchases_are_someone_elses_is_empty(user_client, other_user):
    PurchaseFactory(owner=other_user)
    assert "Add your first purchase" in get(user_client)


# Queries ------------------------------------------------------------------------------------


def make_purchases(user, count: int) -> None:
    retailers = [RetailerFactory(owner=user) for _ in range(3)]
    brands = [BrandFactory(owner=user) for _ in range(3)]
    for index in range(count):
        purchase = PurchaseFactory(
            owner=user,
            price=Decimal(index + 1),
            currency_code="EUR" if index % 4 == 0 else "USD",
            purchase_date=month_first(user, index % 20),
            retailer=retailers[index % 3],
            brand=brands[index % 3] if index % 2 else None,
            status=PurchaseStatus.ORDERED if index % 5 == 0 else PurchaseStatus.RECEIVED,
        )
        if index % 2:
            WarrantyFactory(purchase=purchase)


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        get(client, "/?months=24")
    return len(queries)


# Session, user, preferences, then the dashboard's reads: a handful, whatever the data (on
# SQLite the retailers' and brands' names are read apart from their shares).
QUERY_BUDGET = 15


def test_query_count_is_the_same_at_5_and_at_60_purchases(
    user_client, user, django_assert_max_num_queries
):
    make_purchases(user, 5)
    few = count_queries(user_client)
    make_purchases(user, 55)
    with django_assert_max_num_queries(QUERY_BUDGET):
        get(user_client, "/?months=24")
    assert count_queries(user_client) == few
    with django_assert_max_num_queries(QUERY_BUDGET):
        get(user_client, "/?months=24", headers=HTMX)


# The selectors' period -----------------------------------------------------------------------


def test_selectors_without_months_still_count_every_purchase(user, known_data):
    assert sum(row.count for row in selectors.by_retailer(user)) == 5
    assert sum(row.count for row in selectors.by_retailer(user, months=12)) == 3
    assert sum(row.count for row in selectors.by_brand(user, months=24)) == 4
    assert {row.product_name for row in selectors.top_products(user)} == {
        "Laptop",
        "Phone",
        "Cable",
        "Kettle",
        "Toaster",
    }
    assert {row.product_name for row in selectors.top_products(user, months=3)} == {
        "Laptop",
        "Phone",
        "Cable",
    }
