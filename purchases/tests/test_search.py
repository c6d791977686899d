"""The inventory's search through its index (purchases/search.py): what it finds must be what
a scan would find, on either engine, however the purchases were written."""

import pytest
from django.db import connection

from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.models import Purchase
from purchases.search import POSTGRES_INDEX, SQLITE_TABLE, TextMatch
from purchases.selectors import PurchaseFilters, purchase_list
from purchases.services import purchase_update
from purchases.tests.factories import PurchaseFactory
from spends.bulk import insert_rows

pytestmark = pytest.mark.django_db


def found(owner, term: str) -> set[str]:
    return set(
        purchase_list(owner, PurchaseFilters(search=term)).values_list("product_name", flat=True)
    )


def test_each_searched_column_and_the_catalog_names_are_found_ignoring_case(user):
    PurchaseFactory(owner=user, product_name="Espresso Machine")
    PurchaseFactory(owner=user, product_name="Kettle", notes="Bought with the ESPRESSO cups")
    PurchaseFactory(owner=user, product_name="Phone", serial_number="SN-espresso-1")
    PurchaseFactory(owner=user, product_name="Grinder", model_number="EspressoPro")
    PurchaseFactory(owner=user, product_name="Cups", retailer=RetailerFactory(
        owner=user, name="Espresso World"))  # fmt: skip
    PurchaseFactory(owner=user, product_name="Beans", brand=BrandFactory(
        owner=user, name="Espressivo"))  # fmt: skip
    PurchaseFactory(owner=user, product_name="Toaster", notes="nothing to see")

    assert found(user, "espresso") == {"Espresso Machine", "Kettle", "Phone", "Grinder", "Cups"}
    assert found(user, "  ESPRESS  ") == {
        "Espresso Machine", "Kettle", "Phone", "Grinder", "Cups", "Beans",
    }  # fmt: skip


def test_a_term_never_matches_across_two_columns(user):
    PurchaseFactory(owner=user, product_name="Stand Mixer", notes="Kitchen")

    assert found(user, "mixer") == {"Stand Mixer"}
    assert found(user, "mixerkitchen") == set()
    assert found(user, "mixer kitchen") == set()


def test_the_index_follows_every_way_a_purchase_is_written(user):
    kept = PurchaseFactory(owner=user, product_name="Lamp", notes="")
    gone = PurchaseFactory(owner=user, product_name="Lampshade")
    purchase_update(owner=user, purchase_id=kept.id, notes="Walnut base")
    gone.delete()
    bulk = PurchaseFactory.build(owner=user, product_name="Walnut Desk", retailer=None, brand=None)
    insert_rows(Purchase, [{field.attname: getattr(bulk, field.attname)
                            for field in Purchase._meta.concrete_fields}])  # fmt: skip

    assert found(user, "walnut") == {"Lamp", "Walnut Desk"}
    assert found(user, "lampshade") == set()
    Purchase.objects.filter(pk=kept.pk).update(notes="Oak base")
    assert found(user, "walnut") == {"Walnut Desk"}


@pytest.mark.parametrize("term", ["e", "ab", '"', "%", "_", '5" "', "50%", "a_b", "x\x00y", "*"])
def test_short_terms_and_special_characters_are_taken_literally(user, term):
    PurchaseFactory(owner=user, product_name="Cable ab", notes='A 5" "screen", 50% off, a_b')
    PurchaseFactory(owner=user, product_name="Zip", notes="nothing")

    text = 'Cable ab A 5" "screen", 50% off, a_b'
    # Stored text never holds a NUL character (PostgreSQL refuses it), so a term with one
    # finds nothing.
    expected = {"Cable ab"} if term.strip() and term.strip() in text else set()
    assert found(user, term) == expected


def test_another_users_purchases_are_never_found(user, other_user):
    PurchaseFactory(owner=other_user, product_name="Secret espresso")
    PurchaseFactory(owner=user, product_name="My espresso")

    assert found(user, "espresso") == {"My espresso"}


def test_the_search_is_answered_from_the_engines_index(user):
    PurchaseFactory.create_batch(5, owner=user)
    sql, params = Purchase.objects.filter(TextMatch("espresso")).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Five rows: the planner would scan them; with scans off, only an index can answer.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            expected = POSTGRES_INDEX
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            expected = f"{SQLITE_TABLE} VIRTUAL TABLE"
        plan = "\n".join(str(row) for row in cursor.fetchall())

    assert expected in plan
