import datetime
import json
from decimal import Decimal

import pytest

from accounts.selectors import today_for
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.models import Purchase
from purchases.tests.factories import AttachmentFactory, PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

URL = "/api/purchases"


def post(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def locs(response) -> list[list]:
    return [error["loc"] for error in response.json()["detail"]]


def test_create_with_warranty_and_new_retailer_answers_201_with_the_purchase(api_client, user):
    response = post(
        api_client,
        URL,
        {
            "product_name": "Sony WH-1000XM5",
            "price": 349.99,
            "currency_code": "EUR",
            "purchase_date": "2026-01-31",
            "retailer_name": "MediaMarkt",
            "brand_name": "Sony",
            "serial_number": "SN-1",
            "warranty": {"duration_months": 24, "provider": "Sony"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["price"] == 349.99 and body["currency_code"] == "EUR"
    assert body["retailer_name"] == "MediaMarkt" and body["brand_name"] == "Sony"
    assert body["status"] == "RECEIVED" and body["attachment_count"] == 0
    warranty = body["warranty"]
    assert warranty["warranty_start"] == "2026-01-31" and warranty["warranty_end"] == "2028-01-31"
    assert warranty["warranty_type"] == "MANUFACTURER" and warranty["purchase_id"] == body["id"]
    assert set(body) == {
        "id", "product_name", "price", "currency_code", "status", "purchase_date", "retailer_id",
        "retailer_name", "brand_id", "brand_name", "serial_number", "model_number",
        "order_number", "notes", "warranty", "attachment_count", "created_at", "updated_at",
    }  # fmt: skip
    assert Purchase.objects.get().price == Decimal("349.99")


def test_a_price_given_as_a_string_keeps_every_cent(api_client):
    body = {"product_name": "Big TV", "price": "12345678.91", "purchase_date": "2026-01-01"}
    response = post(api_client, URL, body)
    assert response.status_code == 201
    assert Purchase.objects.get().price == Decimal("12345678.91")
    assert response.json()["price"] == 12345678.91


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"price": 1.005}, "price"),
        ({"price": "1.005"}, "price"),
        ({"price": -1}, "price"),
        ({"price": "lots"}, "price"),
        ({"product_name": ""}, "product_name"),
        ({"product_name": "x" * 201}, "product_name"),
        ({"purchase_date": "31/01/2026"}, "purchase_date"),
        ({"currency_code": "ABC"}, "currency_code"),
        ({"status": "LOST"}, "status"),
        ({"colour": "red"}, "colour"),
        ({"warranty": {"duration_months": 0}}, "duration_months"),
        ({"warranty": {"warranty_end": "2025-01-01"}}, "warranty_end"),
        ({"retailer_id": "00000000-0000-0000-0000-000000000000"}, "retailer_id"),
    ],
)
def test_invalid_input_answers_422_naming_the_field_and_writes_nothing(api_client, body, field):
    full = {"product_name": "Kettle", "price": 20, "purchase_date": "2026-01-31", **body}
    response = post(api_client, URL, full)
    assert response.status_code == 422, response.content
    assert any(field in loc for loc in locs(response)), locs(response)
    assert not Purchase.objects.exists()


def test_missing_required_fields_are_each_named(api_client):
    response = post(api_client, URL, {})
    assert response.status_code == 422
    named = {loc[-1] for loc in locs(response)}
    assert {"product_name", "price", "purchase_date"} <= named


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"'])
def test_malformed_bodies_answer_422(api_client, body):
    response = api_client.post(URL, body, content_type="application/json")
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


def test_anonymous_requests_answer_401(client, db):
    assert client.get(URL).status_code == 401
    assert client.post(URL, "{}", content_type="application/json").status_code == 401
    assert "detail" in client.get(URL).json()


def test_a_bad_token_answers_401(client, db):
    response = client.get(URL, headers={"Authorization": "Bearer spt_nonsense"})
    assert response.status_code == 401


def test_another_users_purchase_answers_404_everywhere(api_client, other_user):
    theirs = PurchaseFactory(owner=other_user)
    url = f"{URL}/{theirs.id}"
    assert api_client.get(url).status_code == 404
    assert post(api_client, url, {"product_name": "Mine"}, "put").status_code == 404
    assert post(api_client, url, {"product_name": "Mine"}, "patch").status_code == 404
    assert api_client.delete(url).status_code == 404
    assert api_client.get(f"{URL}/00000000-0000-0000-0000-000000000000").json() == {
        "detail": "Purchase not found."
    }
    theirs.refresh_from_db()
    assert theirs.product_name != "Mine"
    assert api_client.get(URL).json()["total"] == 0


def test_update_keeps_omitted_fields_and_null_warranty_removes_it(api_client, user):
    purchase = PurchaseFactory(owner=user, notes="boxed", price=Decimal("10.00"))
    WarrantyFactory(purchase=purchase)
    url = f"{URL}/{purchase.id}"
    response = post(api_client, url, {"price": "12.50"}, "patch")
    assert response.status_code == 200
    assert (response.json()["price"], response.json()["notes"]) == (12.5, "boxed")
    assert response.json()["warranty"] is not None
    response = post(api_client, url, {"warranty": None, "status": "ORDERED"}, "put")
    assert response.json()["warranty"] is None and response.json()["status"] == "ORDERED"
    assert not Warranty.objects.exists()
    response = post(api_client, url, {"warranty": {"warranty_type": "LIFETIME"}}, "put")
    assert response.json()["warranty"]["warranty_end"] is None
    assert response.json()["warranty"]["days_remaining"] is None
    assert post(api_client, url, {"price": -5}, "patch").status_code == 422


def test_delete_answers_204_and_takes_the_warranty(api_client, user):
    purchase = WarrantyFactory(purchase__owner=user).purchase
    assert api_client.delete(f"{URL}/{purchase.id}").status_code == 204
    assert not Purchase.objects.exists() and not Warranty.objects.exists()
    assert api_client.delete(f"{URL}/{purchase.id}").status_code == 404


def test_paging_over_45_rows_never_repeats_or_skips_one(api_client, user):
    # Many rows share a purchase date and price, so the tie-breakers decide the order.
    for index in range(45):
        PurchaseFactory(owner=user, purchase_date=datetime.date(2026, 1, 1 + index % 3))
    for sort in ("-purchase_date", "price", "-price", "product_name", "created_at"):
        seen = []
        for skip in range(0, 45, 20):
            body = api_client.get(URL, {"skip": skip, "limit": 20, "sort": sort}).json()
            assert (body["total"], body["skip"], body["limit"]) == (45, skip, 20)
            seen += [item["id"] for item in body["items"]]
        assert len(seen) == 45 and len(set(seen)) == 45, sort


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 101}, {"limit": 0}, {"skip": -1}, {"skip": 2**63}, {"sort": "colour"},
        {"status": "LOST"},
    ],
)  # fmt: skip
def test_bad_list_parameters_answer_422(api_client, params):
    assert api_client.get(URL, params).status_code == 422


def test_filters_combine_with_and(api_client, user):
    today = today_for(user)
    shop, other_shop = RetailerFactory(owner=user, name="Shop"), RetailerFactory(owner=user)
    brand = BrandFactory(owner=user, name="Acme")
    match = PurchaseFactory(
        owner=user, product_name="Blue Kettle", price=Decimal("50"), retailer=shop, brand=brand,
        purchase_date=datetime.date(2026, 3, 10), status="ORDERED", currency_code="EUR",
    )  # fmt: skip
    WarrantyFactory(purchase=match, warranty_end=today + datetime.timedelta(days=10))
    PurchaseFactory(owner=user, product_name="Blue Kettle", price=Decimal("500"), retailer=shop)
    PurchaseFactory(owner=user, product_name="Red Kettle", retailer=other_shop)
    PurchaseFactory(owner=user, product_name="Toaster", notes="a blue one", currency_code="EUR")

    def ids(**params):
        return {item["id"] for item in api_client.get(URL, params).json()["items"]}

    assert ids(search="BLUE") == {
        str(p.id) for p in Purchase.objects.exclude(product_name="Red Kettle")
    }
    assert ids(search="acme") == {str(match.id)}
    assert ids(search="shop", max_price="100", status="ORDERED") == {str(match.id)}
    assert ids(retailer_id=shop.id, min_price="100") != {str(match.id)}
    assert ids(brand_id=brand.id) == {str(match.id)}
    assert ids(date_from="2026-03-10", date_to="2026-03-10") == {str(match.id)}
    assert ids(currency_code="EUR", search="kettle") == {str(match.id)}
    assert ids(warranty_status="EXPIRING_SOON") == {str(match.id)}
    assert ids(warranty_status="ACTIVE") == {str(match.id)}
    assert len(ids(warranty_status="NONE")) == 3


def test_sorting_by_price(api_client, user):
    for price in ("5.00", "100.00", "20.00"):
        PurchaseFactory(owner=user, price=Decimal(price))
    prices = [item["price"] for item in api_client.get(URL, {"sort": "-price"}).json()["items"]]
    assert prices == [100.0, 20.0, 5.0]


def test_sorting_by_product_name_ignores_case(api_client, user):
    for name in ("banana", "Cherry", "apple", "Banana split"):
        PurchaseFactory(owner=user, product_name=name)
    names = [
        item["product_name"]
        for item in api_client.get(URL, {"sort": "product_name"}).json()["items"]
    ]
    assert names == ["apple", "banana", "Banana split", "Cherry"]
    descending = api_client.get(URL, {"sort": "-product_name"}).json()["items"]
    assert [item["product_name"] for item in descending] == names[::-1]


def test_listing_50_purchases_takes_a_fixed_number_of_queries(
    api_client, user, django_assert_max_num_queries
):
    retailer, brand = RetailerFactory(owner=user), BrandFactory(owner=user)
    for index in range(60):
        purchase = PurchaseFactory(owner=user, retailer=retailer, brand=brand)
        if index % 2:
            WarrantyFactory(purchase=purchase)
        if index % 3 == 0:
            AttachmentFactory(purchase=purchase)
    with django_assert_max_num_queries(6):
        body = api_client.get(URL, {"limit": 50}).json()
    assert len(body["items"]) == 50
    assert sum(item["attachment_count"] for item in body["items"]) > 0


def test_text_with_nul_characters_is_refused_not_a_server_error(api_client):
    assert api_client.get(URL, {"search": "a\x00b"}).status_code in (200, 422)
    body = {"product_name": "a\x00b", "price": 1, "purchase_date": "2026-01-01"}
    assert post(api_client, URL, body).status_code in (201, 422)
