"""spends.queries: an id read as text is the very text str(uuid.UUID) writes, on either engine."""

import pytest

from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory
from spends.queries import uuid_as_text, uuid_text

pytestmark = pytest.mark.django_db


def test_an_id_read_as_text_is_its_canonical_text(user):
    purchase = PurchaseFactory(owner=user)

    read = Purchase.objects.filter(pk=purchase.pk).values_list(uuid_as_text("id"), flat=True)

    assert uuid_text(read.get()) == str(purchase.id)


@pytest.mark.parametrize(
    "value",
    ["0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5bd9cb469fa16570867728950e"],
)
def test_both_stored_forms_give_the_canonical_text(value):
    assert uuid_text(value) == "0f8fad5b-d9cb-469f-a165-70867728950e"


def test_no_id_stays_none():
    assert uuid_text(None) is None
