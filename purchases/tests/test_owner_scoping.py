"""Every selector returns only its owner's rows; another user's object is simply not found."""

import pytest

from accounts.selectors import api_token_list
from accounts.services import api_token_create
from catalog.models import Brand, Retailer
from catalog.selectors import catalog_find_by_name, catalog_get, catalog_list
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.selectors import (
    attachment_get,
    attachment_list,
    purchase_count,
    purchase_currencies,
    purchase_get,
    purchase_list,
)
from purchases.tests.factories import AttachmentFactory
from spends.errors import NotFound
from warranties.selectors import (
    warranty_count,
    warranty_expiring,
    warranty_get,
    warranty_list,
    warranty_recent,
)
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other_user):
    retailer = RetailerFactory(owner=other_user, name="Their Shop")
    brand = BrandFactory(owner=other_user, name="Their Brand")
    warranty = WarrantyFactory(
        purchase__owner=other_user, purchase__retailer=retailer, purchase__brand=brand,
        purchase__currency_code="JPY",
    )  # fmt: skip
    attachment = AttachmentFactory(purchase=warranty.purchase)
    api_token_create(owner=other_user)
    return {"retailer": retailer, "brand": brand, "warranty": warranty, "attachment": attachment}


def test_lists_and_counts_hold_only_the_owners_rows(user, theirs):
    WarrantyFactory(purchase__owner=user, purchase__product_name="Mine")
    assert [p.product_name for p in purchase_list(user)] == ["Mine"]
    assert purchase_count(user) == 1 and warranty_count(user) == 1
    assert purchase_currencies(user) == ["USD"]
    assert [w.purchase.product_name for w in warranty_list(user)] == ["Mine"]
    assert all(w.owner == user for w in warranty_recent(user))
    assert list(catalog_list(user, Retailer)) == [] and list(catalog_list(user, Brand)) == []
    assert catalog_find_by_name(user, Retailer, "Their Shop") is None
    assert list(api_token_list(user)) == []
    assert not warranty_expiring(user, days=3650).filter(owner=theirs["warranty"].owner).exists()


def test_another_users_object_is_not_found(user, theirs):
    lookups = [
        lambda: purchase_get(user, theirs["warranty"].purchase_id),
        lambda: warranty_get(user, theirs["warranty"].id),
        lambda: catalog_get(user, Retailer, theirs["retailer"].id),
        lambda: catalog_get(user, Brand, theirs["brand"].id),
        lambda: attachment_get(user, theirs["attachment"].id),
        lambda: attachment_list(user, theirs["warranty"].purchase_id),
    ]
    for lookup in lookups:
        with pytest.raises(NotFound):
            lookup()
