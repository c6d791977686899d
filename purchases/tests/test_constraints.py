"""The database itself refuses what the rules forbid (run on SQLite and on PostgreSQL)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from catalog.models import Brand, Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.models import Purchase
from purchases.tests.factories import AttachmentFactory, PurchaseFactory
from warranties.models import Warranty, WarrantyType
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "fields",
    [
        {"price": Decimal("-0.01")},
        {"product_name": ""},
        {"product_name": "  padded  "},
        {"status": "LOST"},
        {"currency_code": "usd"},
        {"currency_code": "US"},
    ],
)
def test_the_database_refuses_an_invalid_purchase(user, fields):
    assert refused(lambda: PurchaseFactory(owner=user, **fields))


def test_a_valid_purchase_is_stored_with_its_exact_price(user):
    purchase = PurchaseFactory(owner=user, price=Decimal("99999999.99"))
    assert Purchase.objects.get(id=purchase.id).price == Decimal("99999999.99")


@pytest.mark.parametrize(("model", "factory"), [(Retailer, RetailerFactory), (Brand, BrandFactory)])
def test_catalog_names_are_unique_per_owner_ignoring_case(user, other_user, model, factory):
    factory(owner=user, name="Best Buy")
    assert refused(lambda: factory(owner=user, name="best BUY"))
    factory(owner=other_user, name="BEST BUY")  # another owner may use the same name
    assert refused(lambda: factory(owner=user, name=""))
    assert refused(lambda: factory(owner=user, name=" Best "))
    assert model.objects.count() == 2


def test_a_retailer_in_use_cannot_be_deleted_by_the_database(user):
    retailer = RetailerFactory(owner=user)
    PurchaseFactory(owner=user, retailer=retailer)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        retailer.delete()


def test_warranty_end_cannot_come_before_its_start(user):
    purchase = PurchaseFactory(owner=user)
    start = datetime.date(2026, 3, 1)
    assert refused(
        lambda: WarrantyFactory(
            purchase=purchase, warranty_start=start, warranty_end=start - datetime.timedelta(days=1)
        )
    )
    WarrantyFactory(purchase=purchase, warranty_start=start, warranty_end=start)


def test_only_lifetime_warranties_have_no_end(user):
    assert refused(lambda: WarrantyFactory(owner=user, purchase__owner=user, warranty_end=None))
    assert refused(
        lambda: WarrantyFactory(
            purchase__owner=user,
            warranty_type=WarrantyType.LIFETIME,
            warranty_end=datetime.date(2030, 1, 1),
        )  # fmt: skip
    )
    WarrantyFactory(purchase__owner=user, warranty_type=WarrantyType.LIFETIME, warranty_end=None)
    assert refused(lambda: WarrantyFactory(purchase__owner=user, warranty_type="FOREVER"))


def test_one_warranty_per_purchase_deleted_with_it(user):
    warranty = WarrantyFactory(purchase__owner=user)
    assert refused(lambda: WarrantyFactory(purchase=warranty.purchase))
    AttachmentFactory(purchase=warranty.purchase)
    warranty.purchase.delete()
    assert not Warranty.objects.exists()


@pytest.mark.parametrize("fields", [{"kind": "sheet"}, {"sha256": "abc"}])
def test_the_database_refuses_an_invalid_attachment(user, fields):
    assert refused(lambda: AttachmentFactory(purchase__owner=user, **fields))
