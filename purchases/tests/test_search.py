"""The inventory's search through its index (purchases/search.py): what it finds must be what
a scan would find, on either engine, however the purchases were written."""

import pytest
from django.db import connection

from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases import imports
from purchases.imports import ImportOptions, import_purchases
from purchases.models import Purchase
from purchases.search import (
    POSTGRES_INDEX,
    SQLITE_TABLE,
    SQLITE_TRIGGERS,
    TextMatch,
    search_index_deferred,
)
from purchases.selectors import PurchaseFilters, purchase_list
from purchases.services import purchase_update
from purchases.tests.factories import PurchaseFactory
from spends.bulk import RowStream, insert_rows

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


# Writing many purchases at once: the index is brought up to date at the end -----------------


def sqlite_triggers() -> set[str]:
    """The search index's triggers there are (other tables' triggers left out)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall() if name.startswith(SQLITE_TABLE)}


def assert_the_index_keeps_following_writes(owner) -> None:
    """The search index is kept up to date as before: by its triggers, on SQLite."""
    if connection.vendor == "sqlite":
        assert sqlite_triggers() == {f"{SQLITE_TABLE}_{event}" for event in SQLITE_TRIGGERS}
    later = PurchaseFactory(owner=owner, product_name="Written afterwards, quince")
    assert "Written afterwards, quince" in found(owner, "quince")
    purchase_update(owner=owner, purchase_id=later.id, product_name="Renamed afterwards")
    assert found(owner, "quince") == set()
    assert found(owner, "renamed afterwards") == {"Renamed afterwards"}
    later.delete()
    assert found(owner, "renamed afterwards") == set()


def csv_import(owner, text: str, batch_size: int = imports.BATCH_SIZE, **options):
    return import_purchases(
        owner=owner, data=text.encode(), file_format="csv", options=ImportOptions(**options),
        batch_size=batch_size,
    )  # fmt: skip


def test_imported_purchases_are_found_and_updated_ones_found_by_their_new_text(user):
    lamp = PurchaseFactory(owner=user, product_name="Walnut lamp", notes="")
    PurchaseFactory(owner=user, product_name="Kept as it was", notes="walnut veneer")
    text = (
        "id,product_name,price,purchase_date,notes,serial_number\n"
        f"{lamp.id},Walnut lamp,3,2026-01-01,now with a teak base,\n"
        ",Walnut desk,120,2026-01-02,,\n"
        ",Chair,40,2026-01-03,,SN-WALNUT-7\n"
        ",Chair,40,2026-01-03,repeated in the file: teak legs,SN-WALNUT-7\n"
    )

    # A batch a row: the repeated chair is written first as a new row, then as an update of it.
    report = csv_import(user, text, on_duplicate="update", batch_size=1)

    assert (report.created, report.updated) == (2, 2)
    assert found(user, "walnut") == {"Walnut lamp", "Walnut desk", "Chair", "Kept as it was"}
    assert found(user, "teak") == {"Walnut lamp", "Chair"}
    assert_the_index_keeps_following_writes(user)


def test_an_import_that_fails_while_writing_leaves_the_index_as_it_was(user, monkeypatch):
    PurchaseFactory(owner=user, product_name="Walnut lamp")
    real_write = RowStream.write

    def write_then_disk_full(stream, model, rows):
        real_write(stream, model, rows)
        if model is Purchase:
            raise OSError("No space left on device")

    monkeypatch.setattr(RowStream, "write", write_then_disk_full)
    text = "product_name,price,purchase_date,warranty_end\nWalnut desk,120,2026-01-02,2028-01-02\n"

    with pytest.raises(OSError):
        csv_import(user, text)

    assert found(user, "walnut") == {"Walnut lamp"}
    assert_the_index_keeps_following_writes(user)


def test_a_write_inside_the_deferred_block_that_fails_leaves_the_triggers(user):
    class Stop(Exception):
        pass

    with pytest.raises(Stop), search_index_deferred():
        PurchaseFactory(owner=user, product_name="Walnut desk")
        raise Stop

    assert found(user, "walnut") == set()
    assert_the_index_keeps_following_writes(user)


def test_a_rebuilt_index_holds_exactly_the_purchases_there_are(user, other_user):
    gone = PurchaseFactory(owner=user, product_name="Walnut lamp")
    kept = PurchaseFactory(owner=other_user, product_name="Walnut chair")

    with search_index_deferred(rebuild=True):
        gone.delete()
        Purchase.objects.filter(pk=kept.pk).update(notes="teak")
        PurchaseFactory(owner=user, product_name="Walnut desk")

    assert found(user, "walnut") == {"Walnut desk"}
    assert found(other_user, "walnut teak") == set()
    assert found(other_user, "teak") == {"Walnut chair"}
    assert_the_index_keeps_following_writes(user)
