import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.services import preferences_update
from catalog.models import Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.models import Purchase
from purchases.services import (
    purchase_bulk_delete,
    purchase_bulk_update,
    purchase_create,
    purchase_delete,
    purchase_update,
)
from purchases.tests.factories import PurchaseFactory
from spends.errors import NotFound
from warranties.models import Warranty

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 1, 31)


def test_create_with_a_new_retailer_and_a_warranty_by_duration(user):
    preferences_update(user=user, currency_code="EUR")
    purchase = purchase_create(
        owner=user,
        product_name="  Dyson V15  ",
        price=Decimal("649.00"),
        purchase_date=DAY,
        retailer_name="John Lewis",
        warranty={"duration_months": 1, "provider": "Dyson"},
    )
    assert purchase.product_name == "Dyson V15"
    assert purchase.currency_code == "EUR"  # the owner's preferred currency by default
    assert purchase.retailer.name == "John Lewis" and purchase.retailer.owner == user
    assert purchase.status == "RECEIVED"
    assert purchase.warranty.warranty_start == DAY
    assert purchase.warranty.warranty_end == datetime.date(2026, 2, 28)  # clamped to the month
    # The same name, in another case, reuses the retailer.
    purchase_create(
        owner=user, product_name="Filter", price=1, purchase_date=DAY, retailer_name="JOHN LEWIS"
    )
    assert Retailer.objects.filter(owner=user).count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"price": Decimal("1.005")}, "price"),
        ({"price": Decimal("-1")}, "price"),
        ({"price": Decimal("123456789.00")}, "price"),
        ({"product_name": "   "}, "product_name"),
        ({"product_name": "x" * 201}, "product_name"),
        ({"currency_code": "ABC"}, "currency_code"),
        ({"status": "LOST"}, "status"),
        ({"notes": "n" * 10_001}, "notes"),
        ({"serial_number": "s" * 101}, "serial_number"),
        ({"warranty": {"warranty_end": DAY - datetime.timedelta(days=1)}}, "warranty.warranty_end"),
        ({"warranty": {"duration_months": 0}}, "warranty.duration_months"),
        ({"warranty": {"duration_months": 1201}}, "warranty.duration_months"),
        ({"warranty": {"warranty_type": "MANUFACTURER"}}, "warranty.warranty_end"),
        ({"warranty": {"duration_months": 12, "warranty_end": DAY}}, "warranty.duration_months"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_create_refuses_bad_input_naming_the_field_and_writes_nothing(user, fields, field):
    data = {"product_name": "Kettle", "price": Decimal("20"), "purchase_date": DAY, **fields}
    with pytest.raises(ValidationError) as error:
        purchase_create(owner=user, **data)
    assert field in error.value.message_dict
    assert not Purchase.objects.exists() and not Warranty.objects.exists()


def test_a_lifetime_warranty_has_no_end(user):
    purchase = purchase_create(
        owner=user, product_name="Knife", price=Decimal("80"), purchase_date=DAY,
        warranty={"warranty_type": "LIFETIME", "warranty_end": datetime.date(2099, 1, 1)},
    )  # fmt: skip
    assert purchase.warranty.warranty_end is None


def test_another_users_retailer_or_purchase_is_unknown(user, other_user):
    theirs = RetailerFactory(owner=other_user)
    with pytest.raises(ValidationError) as error:
        purchase_create(
            owner=user, product_name="TV", price=1, purchase_date=DAY, retailer_id=theirs.id
        )
    assert "retailer_id" in error.value.message_dict
    their_purchase = PurchaseFactory(owner=other_user)
    with pytest.raises(NotFound):
        purchase_update(owner=user, purchase_id=their_purchase.id, product_name="Mine now")
    with pytest.raises(NotFound):
        purchase_delete(owner=user, purchase_id=their_purchase.id)
    assert purchase_bulk_delete(owner=user, purchase_ids=[their_purchase.id]) == 0
    assert purchase_bulk_update(owner=user, purchase_ids=[their_purchase.id], status="ORDERED") == 0
    their_purchase.refresh_from_db()
    assert (their_purchase.product_name, their_purchase.status) != ("Mine now", "ORDERED")


def test_update_keeps_omitted_fields_and_removes_the_warranty_with_none(user):
    purchase = purchase_create(
        owner=user, product_name="Phone", price=Decimal("999.99"), purchase_date=DAY,
        notes="boxed", warranty={"duration_months": 24},
    )  # fmt: skip
    updated = purchase_update(owner=user, purchase_id=purchase.id, price="899.50")
    assert (updated.price, updated.notes, updated.product_name) == (
        Decimal("899.50"), "boxed", "Phone",
    )  # fmt: skip
    assert updated.warranty.warranty_end == datetime.date(2028, 1, 31)
    updated = purchase_update(owner=user, purchase_id=purchase.id, warranty={"voided": True})
    assert updated.warranty.voided and updated.warranty.warranty_end == datetime.date(2028, 1, 31)
    purchase_update(owner=user, purchase_id=purchase.id, warranty=None)
    assert not Warranty.objects.exists()


def test_bulk_update_sets_status_retailer_and_brand(user):
    purchases = PurchaseFactory.create_batch(3, owner=user, status="ORDERED")
    retailer, brand = RetailerFactory(owner=user), BrandFactory(owner=user)
    ids = [p.id for p in purchases[:2]]
    assert purchase_bulk_update(
        owner=user, purchase_ids=ids, status="RECEIVED", retailer_id=retailer.id, brand_id=brand.id
    ) == 2  # fmt: skip
    statuses = dict(Purchase.objects.values_list("id", "status"))
    assert [statuses[p.id] for p in purchases] == ["RECEIVED", "RECEIVED", "ORDERED"]
    with pytest.raises(ValidationError):
        purchase_bulk_update(owner=user, purchase_ids=ids, status="LOST")
