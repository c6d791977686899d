import pytest
from django.core.exceptions import ValidationError

from catalog.models import Brand, Retailer
from catalog.selectors import catalog_get, catalog_list
from catalog.services import catalog_create, catalog_delete, catalog_merge, catalog_update
from catalog.tests.factories import RetailerFactory
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory
from spends.errors import Conflict, NotFound

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Retailer, Brand])
def test_create_rename_and_clashes(user, other_user, model):
    entry = catalog_create(owner=user, model=model, name="  Acme  ", url="https://acme.test")
    assert entry.name == "Acme"
    with pytest.raises(Conflict, match="already exists"):
        catalog_create(owner=user, model=model, name="ACME")
    catalog_create(owner=other_user, model=model, name="Acme")
    other = catalog_create(owner=user, model=model, name="Globex")
    with pytest.raises(Conflict):
        catalog_update(owner=user, model=model, entry_id=other.id, name="acme")
    assert catalog_update(owner=user, model=model, entry_id=entry.id, name="ACME").name == "ACME"
    with pytest.raises(ValidationError) as error:
        catalog_create(owner=user, model=model, name="Bad", url="ftp://files.test")
    assert "url" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        catalog_create(owner=user, model=model, name="   ")
    assert "name" in error.value.message_dict


def test_delete_is_refused_while_in_use_with_the_count(user):
    retailer = RetailerFactory(owner=user, name="Shop")
    PurchaseFactory.create_batch(2, owner=user, retailer=retailer)
    with pytest.raises(Conflict, match="2 purchases use it"):
        catalog_delete(owner=user, model=Retailer, entry_id=retailer.id)
    assert Purchase.objects.filter(retailer=retailer).count() == 2


def test_merge_moves_purchases_and_deletes_the_source(user, other_user):
    source, target = RetailerFactory(owner=user), RetailerFactory(owner=user)
    PurchaseFactory.create_batch(3, owner=user, retailer=source)
    PurchaseFactory(owner=user, retailer=target)
    merged = catalog_merge(owner=user, model=Retailer, entry_id=source.id, into_id=target.id)
    assert merged.id == target.id and merged.purchase_count == 4
    assert not Retailer.objects.filter(id=source.id).exists()
    theirs = RetailerFactory(owner=other_user)
    with pytest.raises(NotFound):
        catalog_merge(owner=user, model=Retailer, entry_id=target.id, into_id=theirs.id)
    with pytest.raises(ValidationError):
        catalog_merge(owner=user, model=Retailer, entry_id=target.id, into_id=target.id)


def test_list_counts_purchases_and_searches(user):
    shop = RetailerFactory(owner=user, name="Corner Shop")
    RetailerFactory(owner=user, name="Megastore")
    PurchaseFactory(owner=user, retailer=shop)
    names = [(r.name, r.purchase_count) for r in catalog_list(user, Retailer)]
    assert names == [("Corner Shop", 1), ("Megastore", 0)]
    assert [r.name for r in catalog_list(user, Retailer, search="mega")] == ["Megastore"]
    assert catalog_get(user, Retailer, shop.id).purchase_count == 1
