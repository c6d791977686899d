import datetime

import pytest
from django.core.exceptions import ValidationError

from purchases.tests.factories import PurchaseFactory
from warranties.services import warranty_set, warranty_set_voided
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def test_start_defaults_to_the_purchase_date_and_duration_counts_months(user):
    purchase = PurchaseFactory(owner=user, purchase_date=datetime.date(2024, 2, 29))
    warranty = warranty_set(purchase=purchase, data={"duration_months": 12})
    assert warranty.warranty_start == datetime.date(2024, 2, 29)
    assert warranty.warranty_end == datetime.date(2025, 2, 28)
    assert warranty.owner == user


def test_changing_a_lifetime_warranty_to_another_type_needs_an_end(user):
    warranty = WarrantyFactory(purchase__owner=user, warranty_type="LIFETIME", warranty_end=None)
    with pytest.raises(ValidationError) as error:
        warranty_set(purchase=warranty.purchase, data={"warranty_type": "LIMITED"})
    assert "warranty_end" in error.value.message_dict
    changed = warranty_set(
        purchase=warranty.purchase, data={"warranty_type": "LIMITED", "duration_months": 6}
    )
    assert changed.warranty_end is not None


def test_void_and_unvoid(user):
    warranty = WarrantyFactory(purchase__owner=user)
    assert warranty_set_voided(warranty=warranty, voided=True).voided
    warranty.refresh_from_db()
    assert warranty.voided
    assert not warranty_set_voided(warranty=warranty, voided=False).voided
