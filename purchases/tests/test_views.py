"""The inventory pages: list with search, filters, sort and paging; the add/edit dialog; delete;
bulk changes; one-click RECEIVED; a purchase's detail."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest

from accounts.selectors import today_for
from accounts.tests.factories import PreferencesFactory
from catalog.models import Brand, Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.forms import PRICE_DECIMALS_MESSAGE
from purchases.models import Purchase
from purchases.tests.factories import AttachmentFactory, PurchaseFactory
from warranties.models import Warranty, WarrantyType
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
MONTHS = "Give between 1 and 1200 months."


def page(response) -> str:
    return response.content.decode()


def row_names(response) -> list[str]:
    """Product names of the table's rows, in order."""
    return re.findall(r'data-testid="purchase-link">([^<]*)<', page(response))


def form_data(**overrides) -> dict:
    data = {
        "product_name": "Sony WH-1000XM5",
        "price": "349.99",
        "currency_code": "EUR",
        "status": "RECEIVED",
        "purchase_date": "2026-01-31",
        "retailer_name": "MediaMarkt",
        "brand_name": "Sony",
        "serial_number": "SN-1",
        "model_number": "WH1000",
        "order_number": "ORD-9",
        "notes": "Noise cancelling",
    }
    data.update(overrides)
    return data


# The list -----------------------------------------------------------------------------------


def test_inventory_shows_the_users_purchases_with_every_column(user_client, user):
    retailer = RetailerFactory(owner=user, name="MediaMarkt")
    brand = BrandFactory(owner=user, name="Sony")
    purchase = PurchaseFactory(
        owner=user, product_name="Headphones", price=Decimal("1234.50"), currency_code="EUR",
        retailer=retailer, brand=brand, status="ORDERED", purchase_date=datetime.date(2026, 1, 30),
    )  # fmt: skip
    today = today_for(user)
    WarrantyFactory(purchase=purchase, warranty_end=today + datetime.timedelta(days=10))
    AttachmentFactory(purchase=purchase)
    AttachmentFactory(purchase=purchase)

    response = user_client.get("/inventory")

    assert response.status_code == 200
    body = page(response)
    assert "<html" in body and 'id="purchase-table"' in body
    assert row_names(response) == ["Headphones"]
    assert f'href="/inventory/{purchase.id}"' in body
    assert "MediaMarkt" in body and "Sony" in body
    assert "€1,234.50" in body
    assert "01/30/2026" in body  # the default date format, MM/DD/YYYY
    assert "Ordered" in body and 'data-testid="mark-received"' in body
    assert "Expiring soon" in body and "10 days left" in body
    count = re.search(r'data-testid="attachment-count">(.*?)</td>', body).group(1)
    assert '2<span class="visually-hidden"> attachments' in count


def test_warranty_column_says_each_status_in_words(user_client, user):
    today = today_for(user)
    long = PurchaseFactory(owner=user, product_name="Long")
    WarrantyFactory(purchase=long, warranty_end=today + datetime.timedelta(days=400))
    old = PurchaseFactory(owner=user, product_name="Old")
    WarrantyFactory(
        purchase=old, warranty_start=today - datetime.timedelta(days=900),
        warranty_end=today - datetime.timedelta(days=3),
    )  # fmt: skip
    voided = PurchaseFactory(owner=user, product_name="Voided")
    WarrantyFactory(purchase=voided, voided=True)
    forever = PurchaseFactory(owner=user, product_name="Forever")
    WarrantyFactory(purchase=forever, warranty_type=WarrantyType.LIFETIME, warranty_end=None)
    PurchaseFactory(owner=user, product_name="Bare")

    body = page(user_client.get("/inventory"))

    statuses = re.findall(r'data-testid="warranty-badge" data-status="(\w+)"', body)
    # Each row shows its badge twice: in its column, and under the name on a phone.
    assert set(statuses) == {"ACTIVE", "EXPIRED", "VOIDED", "NONE"}
    assert "400 days left" in body and "3 days ago" in body and "lifetime" in body
    assert "Voided" in body and "Expired" in body and "None" in body


def test_an_htmx_request_gets_only_the_table_region(user_client, user):
    PurchaseFactory(owner=user, product_name="Kettle")
    response = user_client.get("/inventory", headers=HTMX)
    assert response.status_code == 200
    body = page(response)
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="purchase-table"')
    assert "Kettle" in body and 'id="filter-form"' not in body


def test_htmx_history_restore_gets_the_whole_page(user_client, user):
    PurchaseFactory(owner=user, product_name="Kettle")
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    body = page(user_client.get("/inventory?search=kett", headers=headers))
    assert "<html" in body and 'id="filter-form"' in body and "Kettle" in body


def test_search_box_and_filter_form_are_wired_for_htmx(user_client, user):
    PurchaseFactory(owner=user)
    body = page(user_client.get("/inventory"))
    search = re.search(r'<input type="search"[^>]*>', body, re.S).group(0)
    assert 'hx-get="/inventory"' in search
    assert 'hx-trigger="input changed delay:300ms, search"' in search
    assert 'hx-target="#purchase-table"' in search and 'hx-push-url="true"' in search
    assert 'hx-include="#filter-form"' in search
    form = re.search(r'<form id="filter-form"[^>]*>', body, re.S).group(0)
    assert 'method="get"' in form and 'action="/inventory"' in form
    assert 'hx-get="/inventory"' in form


def test_another_users_purchases_never_show(user_client, user, other_user):
    PurchaseFactory(owner=user, product_name="Mine")
    PurchaseFactory(owner=other_user, product_name="Theirs", notes="Mine too")
    assert row_names(user_client.get("/inventory")) == ["Mine"]
    assert row_names(user_client.get("/inventory?search=mine")) == ["Mine"]


def test_retailer_brand_and_currency_choices_are_the_users_own(user_client, user, other_user):
    RetailerFactory(owner=user, name="My Shop")
    BrandFactory(owner=user, name="My Brand")
    RetailerFactory(owner=other_user, name="Secret Shop")
    BrandFactory(owner=other_user, name="Secret Brand")
    PurchaseFactory(owner=user, currency_code="GBP")
    PurchaseFactory(owner=other_user, currency_code="JPY")

    body = page(user_client.get("/inventory"))
    assert "My Shop" in body and "My Brand" in body
    assert "Secret" not in body
    currency = re.search(r'<select name="currency".*?</select>', body, re.S).group(0)
    assert 'value="GBP"' in currency and "JPY" not in currency and "USD" not in currency

    form = page(user_client.get("/inventory/new"))
    assert '<option value="My Shop">' in form and '<option value="My Brand">' in form
    assert "Secret" not in form


@pytest.mark.parametrize(
    "term",
    ["TOASTER", "crumbs", "sn-777", "mdl-42", "kitchen world", "breville"],
    ids=["name", "notes", "serial", "model", "retailer", "brand"],
)
def test_search_narrows_rows_over_every_text_field(user_client, user, term):
    PurchaseFactory(
        owner=user, product_name="Toaster", notes="Leaves crumbs", serial_number="SN-777",
        model_number="MDL-42", retailer=RetailerFactory(owner=user, name="Kitchen World"),
        brand=BrandFactory(owner=user, name="Breville"),
    )  # fmt: skip
    PurchaseFactory(owner=user, product_name="Lamp")
    response = user_client.get("/inventory", {"search": term}, headers=HTMX)
    assert row_names(response) == ["Toaster"]


def test_each_filter_narrows_rows(user_client, user):
    shop, other_shop = RetailerFactory(owner=user), RetailerFactory(owner=user)
    brand, other_brand = BrandFactory(owner=user), BrandFactory(owner=user)
    today = today_for(user)
    PurchaseFactory(
        owner=user, product_name="A", status="ORDERED", retailer=shop, brand=brand,
        purchase_date=datetime.date(2025, 6, 1), price=Decimal("10.00"), currency_code="EUR",
    )  # fmt: skip
    b = PurchaseFactory(
        owner=user, product_name="B", retailer=other_shop, brand=other_brand,
        purchase_date=datetime.date(2026, 1, 10), price=Decimal("99.99"),
    )  # fmt: skip
    WarrantyFactory(purchase=b, warranty_end=today + datetime.timedelta(days=5))
    c = PurchaseFactory(owner=user, product_name="C", purchase_date=datetime.date(2026, 2, 1))
    WarrantyFactory(purchase=c, warranty_end=today + datetime.timedelta(days=300))
    d = PurchaseFactory(owner=user, product_name="D", purchase_date=datetime.date(2020, 1, 1))
    WarrantyFactory(purchase=d, warranty_end=datetime.date(2021, 1, 1))
    e = PurchaseFactory(owner=user, product_name="E", price=Decimal("500"),
                        purchase_date=datetime.date(2026, 3, 1))  # fmt: skip
    WarrantyFactory(purchase=e, voided=True)

    def names(**query):
        return sorted(row_names(user_client.get("/inventory", query)))

    assert names(status="ORDERED") == ["A"]
    assert names(status="RECEIVED") == ["B", "C", "D", "E"]
    assert names(retailer=str(shop.id)) == ["A"]
    assert names(brand=str(other_brand.id)) == ["B"]
    assert names(date_from="2026-01-01", date_to="2026-01-31") == ["B"]
    assert names(date_to="2020-12-31") == ["D"]
    assert names(price_min="50", price_max="100") == ["B"]
    assert names(price_min="400") == ["E"]
    assert names(currency="EUR") == ["A"]
    assert names(warranty="ACTIVE") == ["B", "C"]
    assert names(warranty="EXPIRING_SOON") == ["B"]
    assert names(warranty="EXPIRED") == ["D"]
    assert names(warranty="VOIDED") == ["E"]
    assert names(warranty="NONE") == ["A"]
    assert names(status="RECEIVED", warranty="ACTIVE", price_max="50") == ["C"]


def test_sorting_by_each_column_both_ways(user_client, user):
    PurchaseFactory(owner=user, product_name="Bravo", price=Decimal("5"),
                    purchase_date=datetime.date(2026, 1, 2))  # fmt: skip
    PurchaseFactory(owner=user, product_name="Alpha", price=Decimal("50"),
                    purchase_date=datetime.date(2026, 1, 3))  # fmt: skip
    PurchaseFactory(owner=user, product_name="Charlie", price=Decimal("20"),
                    purchase_date=datetime.date(2026, 1, 1))  # fmt: skip

    def names(sort):
        return row_names(user_client.get("/inventory", {"sort": sort}))

    assert names("price") == ["Bravo", "Charlie", "Alpha"]
    assert names("-price") == ["Alpha", "Charlie", "Bravo"]
    assert names("-purchase_date") == ["Alpha", "Bravo", "Charlie"]
    assert names("purchase_date") == ["Charlie", "Bravo", "Alpha"]
    assert names("-created_at") == ["Charlie", "Alpha", "Bravo"]
    assert names("created_at") == ["Bravo", "Alpha", "Charlie"]
    assert names("product_name") == ["Alpha", "Bravo", "Charlie"]
    assert names("-product_name") == ["Charlie", "Bravo", "Alpha"]


def test_sort_headers_toggle_and_say_their_order(user_client, user):
    PurchaseFactory(owner=user)
    body = page(user_client.get("/inventory", {"sort": "price", "status": "RECEIVED", "page": "2"}))
    price = re.search(r'<th[^>]*aria-sort="(\w+)"><a class="sort-link" href="([^"]*)"[^>]*'
                      r'data-testid="sort-price">', body).groups()  # fmt: skip
    assert price[0] == "ascending"
    assert "sort=-price" in price[1] and "status=RECEIVED" in price[1] and "page=" not in price[1]
    assert 'aria-sort="none"><a class="sort-link" href="?sort=product_name' in body
    assert "bi-arrow-up" in body
    body = page(user_client.get("/inventory", {"sort": "-price"}))
    assert re.search(r'aria-sort="descending"><a class="sort-link" href="\?sort=price"', body)


def test_page_size_and_paging(user_client, user):
    for n in range(25):
        PurchaseFactory(owner=user, product_name=f"Item {n:02}")
    first = user_client.get("/inventory", {"sort": "product_name"})
    assert len(row_names(first)) == 20 and "1–20 of 25" in page(first)
    second = user_client.get("/inventory", {"sort": "product_name", "page": "2"})
    assert row_names(second) == [f"Item {n:02}" for n in range(20, 25)]
    assert "21–25 of 25" in page(second)
    big = user_client.get("/inventory", {"page_size": "50"}, headers=HTMX)
    assert len(row_names(big)) == 25
    assert '<option value="50" selected>' in page(big)
    odd = user_client.get("/inventory", {"page_size": "7"})
    assert len(row_names(odd)) == 20


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"}, {"page": "-1"}, {"page": "99999"}, {"page_size": "lots"},
        {"sort": "nonsense"}, {"sort": "owner__password"}, {"price_min": "x"},
        {"price_max": "1e999"}, {"date_from": "bad"}, {"date_to": "2026-13-45"},
        {"retailer": "not-a-uuid"}, {"brand": str(uuid.uuid4())}, {"status": "LOST"},
        {"warranty": "BOGUS"}, {"currency": "XXX"}, {"search": "x" * 500},
    ],
)  # fmt: skip
def test_bad_query_values_are_ignored_not_500(user_client, user, query):
    PurchaseFactory(owner=user, product_name="Still here")
    for headers in ({}, HTMX):
        response = user_client.get("/inventory", query, headers=headers)
        assert response.status_code == 200
        assert row_names(response) == ["Still here"]


def test_a_bad_filter_value_is_shown_beside_its_field(user_client, user):
    PurchaseFactory(owner=user)
    body = page(user_client.get("/inventory", {"price_min": "x", "date_from": "bad"}))
    assert 'id="id_price_min_error"' in body and "Enter a number." in body
    assert 'id="id_date_from_error"' in body and "Enter a valid date." in body


def test_empty_inventory_invites_a_first_purchase(user_client, user, other_user):
    PurchaseFactory(owner=other_user)
    body = page(user_client.get("/inventory"))
    assert "Add your first purchase" in body and 'data-testid="empty-inventory"' in body
    assert "No purchases match" not in body


def test_no_match_offers_to_clear_the_filters(user_client, user):
    PurchaseFactory(owner=user, product_name="Kettle")
    body = page(user_client.get("/inventory", {"search": "zzz"}, headers=HTMX))
    assert "No purchases match" in body and 'data-testid="clear-filters"' in body
    assert 'href="/inventory"' in body
    assert "Add your first purchase" not in body


@pytest.mark.parametrize("rows", [5, 60])
def test_the_list_is_a_handful_of_queries_whatever_the_rows(
    user_client, user, rows, django_assert_max_num_queries
):
    retailer, brand = RetailerFactory(owner=user), BrandFactory(owner=user)
    for n in range(rows):
        purchase = PurchaseFactory(owner=user, retailer=retailer, brand=brand,
                                   status="ORDERED" if n % 2 else "RECEIVED")  # fmt: skip
        if n % 3:
            WarrantyFactory(purchase=purchase)
        AttachmentFactory(purchase=purchase)
    with django_assert_max_num_queries(10):
        response = user_client.get("/inventory", {"page_size": "100"})
    assert len(row_names(response)) == rows


# Add and edit --------------------------------------------------------------------------------


def test_add_page_defaults_to_the_preferred_currency_and_today(user_client, user):
    PreferencesFactory(user=user, currency_code="EUR")
    response = user_client.get("/inventory/new")
    assert response.status_code == 200
    body = page(response)
    assert "<html" in body and "Add purchase" in body
    assert '<option value="EUR" selected>' in body
    assert f'value="{today_for(user).isoformat()}"' in body
    assert "Format: 01/30/2026" in body
    fragment = page(user_client.get("/inventory/new", headers=HTMX))
    assert "<html" not in fragment and 'id="dialog-title"' in fragment
    assert 'hx-post="/inventory/new"' in fragment


def test_create_with_a_warranty_by_end_date_plain_post_redirects(user_client, user):
    response = user_client.post(
        "/inventory/new",
        form_data(has_warranty="on", warranty_type="EXTENDED", warranty_end="2028-01-31",
                  warranty_provider="Sony", warranty_notes="Card in box"),
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/inventory"
    purchase = Purchase.objects.get(owner=user)
    assert purchase.product_name == "Sony WH-1000XM5" and purchase.price == Decimal("349.99")
    assert purchase.currency_code == "EUR" and purchase.purchase_date == datetime.date(2026, 1, 31)
    assert purchase.retailer.name == "MediaMarkt" and purchase.brand.name == "Sony"
    assert (purchase.serial_number, purchase.model_number, purchase.order_number) == (
        "SN-1", "WH1000", "ORD-9",
    )  # fmt: skip
    warranty = purchase.warranty
    assert warranty.warranty_type == "EXTENDED" and warranty.provider == "Sony"
    assert warranty.warranty_start == datetime.date(2026, 1, 31)  # defaults to the purchase date
    assert warranty.warranty_end == datetime.date(2028, 1, 31)
    assert warranty.notes == "Card in box"
    # The toast shows on the next full page.
    assert "Added “Sony WH-1000XM5”." in page(user_client.get("/inventory"))


def test_create_with_a_warranty_by_duration_over_htmx_closes_the_dialog(user_client, user):
    existing = RetailerFactory(owner=user, name="MediaMarkt")
    response = user_client.post(
        "/inventory/new",
        form_data(retailer_name="mediamarkt", has_warranty="on", warranty_start="2026-02-01",
                  duration_months="24"),
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 200
    assert response["HX-Trigger"] == "dialog:close, purchases-changed"
    assert response["HX-Reswap"] == "none"
    assert "Added “Sony WH-1000XM5”." in page(response)  # the toast, out of band
    purchase = Purchase.objects.get(owner=user)
    assert purchase.retailer_id == existing.id  # an existing name is reused, ignoring case
    assert purchase.warranty.warranty_start == datetime.date(2026, 2, 1)
    assert purchase.warranty.warranty_end == datetime.date(2028, 2, 1)


def test_create_without_warranty_ignores_the_warranty_fields(user_client, user):
    response = user_client.post("/inventory/new", form_data(warranty_end="2020-01-01"))
    assert response.status_code == 302
    assert not Warranty.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"product_name": "   "}, "product_name", "Give the product's name."),
        ({"price": "-1"}, "price", "The price cannot be negative."),
        ({"price": "1.005"}, "price", PRICE_DECIMALS_MESSAGE),
        ({"price": "lots"}, "price", "Give the price as a number"),
        ({"purchase_date": "31/01/2026"}, "purchase_date", "Enter a valid date."),
        ({"currency_code": "ABC"}, "currency_code", "Select a valid choice."),
        ({"has_warranty": "on", "warranty_start": "2026-02-01", "warranty_end": "2026-01-01"},
         "warranty_end", "The warranty cannot end before it starts."),
        ({"has_warranty": "on", "duration_months": "0"}, "duration_months", MONTHS),
        ({"has_warranty": "on", "duration_months": "1201"}, "duration_months", MONTHS),
        ({"has_warranty": "on"}, "warranty_end", "Give an end date or a duration in months."),
        ({"has_warranty": "on", "warranty_end": "2027-01-01", "duration_months": "12"},
         "duration_months", "Give either an end date or a duration, not both."),
    ],
    ids=["no-name", "negative", "3-decimals", "not-a-number", "bad-date", "currency",
         "end-before-start", "duration-0", "duration-too-long", "no-end", "end-and-duration"],
)  # fmt: skip
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_create_errors_show_beside_their_field_and_save_nothing(
    user_client, user, overrides, field, message, headers
):
    response = user_client.post("/inventory/new", form_data(**overrides), headers=headers)
    assert response.status_code == 422
    body = page(response)
    error = re.search(rf'id="id_{field}_error">([^<]*)<', body)
    assert error and message in error.group(1).replace("&#x27;", "'")
    assert 'aria-invalid="true"' in body
    assert ("<html" in body) is (not headers)
    assert not Purchase.objects.exists() and not Retailer.objects.exists()
    assert not Brand.objects.exists()


def test_edit_shows_the_purchase_and_saves_changes(user_client, user):
    purchase = PurchaseFactory(owner=user, product_name="Old name", retailer=RetailerFactory(
        owner=user, name="Shop"))  # fmt: skip
    WarrantyFactory(purchase=purchase, provider="Acme", warranty_end=datetime.date(2027, 1, 15))
    body = page(user_client.get(f"/inventory/{purchase.id}/edit"))
    assert 'value="Old name"' in body and 'value="Shop"' in body and 'value="Acme"' in body
    assert 'value="2027-01-15"' in body and 'name="has_warranty" ' in body and "checked" in body

    response = user_client.post(
        f"/inventory/{purchase.id}/edit",
        form_data(product_name="New name", retailer_name="", has_warranty="on",
                  warranty_start="2026-01-15", duration_months="36"),
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 200 and "purchases-changed" in response["HX-Trigger"]
    purchase.refresh_from_db()
    assert purchase.product_name == "New name" and purchase.retailer is None
    assert purchase.warranty.warranty_end == datetime.date(2029, 1, 15)
    assert purchase.warranty.provider == ""


def test_edit_without_the_warranty_box_removes_the_warranty(user_client, user):
    purchase = PurchaseFactory(owner=user)
    WarrantyFactory(purchase=purchase)
    response = user_client.post(
        f"/inventory/{purchase.id}/edit?next=/inventory/{purchase.id}", form_data()
    )
    assert response.status_code == 302 and response["Location"] == f"/inventory/{purchase.id}"
    assert not Warranty.objects.exists()


def test_edit_never_redirects_to_another_site(user_client, user):
    purchase = PurchaseFactory(owner=user)
    response = user_client.post(
        f"/inventory/{purchase.id}/edit", {**form_data(), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/inventory"


def test_edit_error_answers_422_and_changes_nothing(user_client, user):
    purchase = PurchaseFactory(owner=user, price=Decimal("10.00"))
    response = user_client.post(
        f"/inventory/{purchase.id}/edit", form_data(price="1.999"), headers=HTMX
    )
    assert response.status_code == 422
    assert 'id="id_price_error"' in page(response)
    purchase.refresh_from_db()
    assert purchase.price == Decimal("10.00") and purchase.product_name != "Sony WH-1000XM5"


# Delete --------------------------------------------------------------------------------------


def test_delete_asks_first_then_deletes(user_client, user):
    purchase = PurchaseFactory(owner=user, product_name="Kettle")
    WarrantyFactory(purchase=purchase)
    confirm = page(user_client.get(f"/inventory/{purchase.id}/delete"))
    assert "<html" in confirm and "Delete this purchase?" in confirm and "Kettle" in confirm
    fragment = page(user_client.get(f"/inventory/{purchase.id}/delete", headers=HTMX))
    assert "<html" not in fragment and 'id="dialog-title"' in fragment
    assert Purchase.objects.filter(id=purchase.id).exists()

    response = user_client.post(f"/inventory/{purchase.id}/delete")
    assert response.status_code == 302 and response["Location"] == "/inventory"
    assert not Purchase.objects.exists() and not Warranty.objects.exists()
    assert "Deleted “Kettle”." in page(user_client.get("/inventory"))


def test_delete_over_htmx_closes_the_dialog_and_refreshes_the_list(user_client, user):
    purchase = PurchaseFactory(owner=user, product_name="Kettle")
    response = user_client.post(
        f"/inventory/{purchase.id}/delete",
        headers={**HTMX, "HX-Current-URL": "http://testserver/inventory?search=k"},
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "dialog:close, purchases-changed"
    assert "Deleted “Kettle”." in page(response)
    assert not Purchase.objects.exists()


def test_delete_from_its_own_detail_page_goes_to_the_inventory(user_client, user):
    purchase = PurchaseFactory(owner=user)
    response = user_client.post(
        f"/inventory/{purchase.id}/delete",
        headers={**HTMX, "HX-Current-URL": f"http://testserver/inventory/{purchase.id}"},
    )
    assert response["HX-Redirect"] == "/inventory"
    assert not Purchase.objects.exists()


# Bulk ----------------------------------------------------------------------------------------


def test_bulk_delete_asks_first_and_never_touches_another_users_purchases(
    user_client, user, other_user
):
    mine = [PurchaseFactory(owner=user, product_name=f"Mine {n}") for n in range(3)]
    keep = PurchaseFactory(owner=user, product_name="Keep")
    theirs = PurchaseFactory(owner=other_user, product_name="Theirs")
    ids = [str(p.id) for p in mine] + [str(theirs.id)]

    confirm = user_client.post("/inventory/bulk", {"action": "delete", "ids": ids}, headers=HTMX)
    assert confirm.status_code == 200
    body = page(confirm)
    assert "Delete 3 purchases?" in body and "Mine 0" in body and "Theirs" not in body
    assert Purchase.objects.count() == 5

    done = user_client.post(
        "/inventory/bulk", {"action": "delete", "ids": ids, "confirm": "1"}, headers=HTMX
    )
    assert done.status_code == 200 and "purchases-changed" in done["HX-Trigger"]
    assert "Deleted 3 purchases." in page(done)
    assert set(Purchase.objects.values_list("product_name", flat=True)) == {"Keep", "Theirs"}
    assert keep.id and Purchase.objects.filter(id=theirs.id).exists()


def test_bulk_delete_without_javascript_confirms_on_a_page_and_redirects(user_client, user):
    purchase = PurchaseFactory(owner=user)
    body = page(user_client.post("/inventory/bulk", {"action": "delete", "ids": [purchase.id]}))
    assert "<html" in body and "Delete 1 purchase?" in body
    response = user_client.post(
        "/inventory/bulk",
        {"action": "delete", "ids": [purchase.id], "confirm": "1", "next": "/inventory?page=2"},
    )
    assert response.status_code == 302 and response["Location"] == "/inventory?page=2"
    assert not Purchase.objects.exists()


def test_bulk_status_retailer_and_brand(user_client, user, other_user):
    shop = RetailerFactory(owner=user, name="Shop")
    brand = BrandFactory(owner=user, name="Brand")
    mine = [PurchaseFactory(owner=user, status="RECEIVED") for _ in range(2)]
    untouched = PurchaseFactory(owner=user, status="RECEIVED")
    theirs = PurchaseFactory(owner=other_user, status="RECEIVED")
    ids = [p.id for p in mine] + [theirs.id]

    response = user_client.post("/inventory/bulk", {"action": "status", "value": "ORDERED",
                                                    "ids": ids}, headers=HTMX)  # fmt: skip
    assert response.status_code == 200 and "Updated 2 purchases." in page(response)
    response = user_client.post("/inventory/bulk", {"action": "retailer", "value": shop.id,
                                                    "ids": ids})  # fmt: skip
    assert response.status_code == 302
    user_client.post("/inventory/bulk", {"action": "brand", "value": brand.id, "ids": ids})

    for purchase in mine:
        purchase.refresh_from_db()
        assert purchase.status == "ORDERED"
        assert purchase.retailer_id == shop.id and purchase.brand_id == brand.id
    for purchase in (untouched, theirs):
        purchase.refresh_from_db()
        assert purchase.status == "RECEIVED" and purchase.retailer_id is None
        assert purchase.brand_id is None

    user_client.post("/inventory/bulk", {"action": "retailer", "value": "none", "ids": ids})
    assert Purchase.objects.filter(owner=user, retailer__isnull=False).count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {"action": "status", "value": "LOST"},
        {"action": "status", "value": ""},
        {"action": "retailer", "value": ""},
        {"action": "retailer", "value": "not-a-uuid"},
        {"action": "brand", "value": str(uuid.uuid4())},
        {"action": "explode", "value": ""},
        {"action": "status", "value": "ORDERED", "ids": []},
        {"action": "status", "value": "ORDERED", "ids": ["nope"]},
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_bad_bulk_requests_answer_422_and_change_nothing(user_client, user, data, headers):
    purchase = PurchaseFactory(owner=user, status="RECEIVED")
    response = user_client.post("/inventory/bulk", {"ids": [purchase.id], **data}, headers=headers)
    assert response.status_code == 422
    assert "Nothing was changed" in page(response)
    purchase.refresh_from_db()
    assert purchase.status == "RECEIVED" and purchase.retailer_id is None


def test_bulk_cannot_set_another_users_retailer(user_client, user, other_user):
    purchase = PurchaseFactory(owner=user)
    foreign = RetailerFactory(owner=other_user)
    response = user_client.post(
        "/inventory/bulk", {"action": "retailer", "value": foreign.id, "ids": [purchase.id]}
    )
    assert response.status_code == 422 and "Unknown retailer" in page(response)
    purchase.refresh_from_db()
    assert purchase.retailer_id is None


def test_the_bulk_bar_offers_the_users_retailers_and_brands(user_client, user):
    RetailerFactory(owner=user, name="Shop")
    BrandFactory(owner=user, name="Brand")
    PurchaseFactory(owner=user)
    body = page(user_client.get("/inventory"))
    bar = re.search(r'<form id="bulk-form".*?</form>', body, re.S).group(0)
    assert 'action="/inventory/bulk"' in bar and ">Shop<" in bar and ">Brand<" in bar
    assert 'name="ids"' in body and 'form="bulk-form"' in body and "data-select-all" in body


# Mark received -------------------------------------------------------------------------------


def test_mark_received_over_htmx_answers_the_row(user_client, user):
    purchase = PurchaseFactory(owner=user, product_name="Parcel", status="ORDERED")
    response = user_client.post(
        f"/inventory/{purchase.id}/receive",
        headers={**HTMX, "HX-Target": f"purchase-{purchase.id}"},
    )
    assert response.status_code == 200
    body = page(response)
    assert body.lstrip().startswith(f'<tr id="purchase-{purchase.id}"')
    assert "Received" in body and 'data-testid="mark-received"' not in body
    assert "“Parcel” marked received." in body
    purchase.refresh_from_db()
    assert purchase.status == "RECEIVED"


def test_mark_received_without_javascript_redirects(user_client, user):
    purchase = PurchaseFactory(owner=user, status="ORDERED")
    response = user_client.post(f"/inventory/{purchase.id}/receive")
    assert response.status_code == 302 and response["Location"] == "/inventory"
    purchase.refresh_from_db()
    assert purchase.status == "RECEIVED"
    assert user_client.get(f"/inventory/{purchase.id}/receive").status_code == 405


# Detail --------------------------------------------------------------------------------------


def test_detail_shows_every_field_the_warranty_and_the_attachments(user_client, user):
    purchase = PurchaseFactory(
        owner=user, product_name="Camera", price=Decimal("899.00"), currency_code="GBP",
        retailer=RetailerFactory(owner=user, name="Jessops"),
        brand=BrandFactory(owner=user, name="Fuji"), serial_number="SER-1",
        model_number="X-T5", order_number="O-77", notes="Line one\nLine <two>",
        status="ORDERED", purchase_date=datetime.date(2026, 1, 30),
    )  # fmt: skip
    today = today_for(user)
    WarrantyFactory(
        purchase=purchase, warranty_type=WarrantyType.EXTENDED, provider="Fuji UK",
        warranty_end=today + datetime.timedelta(days=100), notes="Register online",
    )  # fmt: skip
    AttachmentFactory(purchase=purchase, filename="receipt.pdf", kind="receipt", size=2048)

    response = user_client.get(f"/inventory/{purchase.id}")
    assert response.status_code == 200
    body = page(response)
    for text in ("Camera", "£899.00", "Jessops", "Fuji", "SER-1", "X-T5", "O-77",
                 "Line one<br>Line &lt;two&gt;", "01/30/2026", "Ordered", "Extended",
                 "Fuji UK", "Register online", "Active", "100 days left", "receipt.pdf",
                 "Receipt", "2\xa0KB"):  # fmt: skip
        assert text in body, text
    assert 'id="attachments"' in body and 'data-testid="mark-received"' in body
    assert f'href="/inventory/{purchase.id}/edit?next=' in body
    assert f'href="/inventory/{purchase.id}/delete?next=' in body

    fragment = page(user_client.get(f"/inventory/{purchase.id}", headers=HTMX))
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="purchase-detail"')


def test_detail_without_warranty_or_attachments_says_so(user_client, user):
    purchase = PurchaseFactory(owner=user)
    body = page(user_client.get(f"/inventory/{purchase.id}"))
    assert "No warranty recorded." in body and "No attachments yet." in body
    assert 'id="attachments"' in body


# Ownership -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("get", "/edit"), ("post", "/edit"), ("get", "/delete"), ("post", "/delete"),
     ("post", "/receive")],
)  # fmt: skip
def test_another_users_purchase_answers_404_on_every_url(user_client, other_user, method, suffix):
    theirs = PurchaseFactory(owner=other_user, status="ORDERED")
    for purchase_id in (theirs.id, uuid.uuid4()):
        url = f"/inventory/{purchase_id}{suffix}"
        data = form_data() if suffix == "/edit" else {}
        assert getattr(user_client, method)(url, data).status_code == 404
        assert getattr(user_client, method)(url, data, headers=HTMX).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "ORDERED" and theirs.product_name != "Sony WH-1000XM5"


def test_pages_need_a_signed_in_user(client, user):
    response = client.get("/inventory")
    assert response.status_code == 302 and "/login/" in response["Location"]
