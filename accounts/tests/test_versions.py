"""Remembered analytics figures (accounts/versions.py): answered from the cache while the
owner's data and date stay the same, computed again as soon as either changes, whatever wrote
the change. These tests run outside a test transaction (figures are only remembered in
autocommit), on each engine the suite runs on."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import DataVersion
from accounts.services import preferences_update
from accounts.versions import WATCHED, data_version, trigger_name
from analytics import selectors
from catalog.models import Brand, Retailer
from catalog.tests.factories import RetailerFactory
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def total(owner) -> Decimal:
    return selectors.summary(owner, currency="USD").total_spent


def queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def test_every_table_the_figures_read_has_its_triggers():
    """A migration that rebuilds one of these tables on SQLite drops its triggers; this fails
    until the migration makes them again."""
    events = ("insert", "update", "delete")
    expected = {trigger_name(table, event) for table, _ in WATCHED for event in events}
    assert expected <= watched_triggers()


def test_a_second_read_is_answered_from_the_cache_with_one_query(user):
    PurchaseFactory(owner=user, price=Decimal("10.00"))
    assert total(user) == Decimal("10.00")
    # One query: the version (the preferences were read once, with the first).
    assert queries(lambda: total(user)) == 1
    assert total(user) == Decimal("10.00")


def test_inside_a_transaction_nothing_is_remembered(user):
    PurchaseFactory(owner=user, price=Decimal("10.00"))
    with transaction.atomic():
        total(user)
        assert queries(lambda: total(user)) > 1
    assert queries(lambda: total(user)) > 1  # computed: nothing was remembered inside


def test_a_change_through_the_api_shows_at_once(user, api_client):
    PurchaseFactory(owner=user, price=Decimal("10.00"))
    assert api_client.get("/api/analytics/summary").json()["total_spent"] == 10.0
    response = api_client.post(
        "/api/purchases",
        {"product_name": "Kettle", "price": "5.50", "purchase_date": "2026-01-02"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert api_client.get("/api/analytics/summary").json()["total_spent"] == 15.5
    purchase_id = response.json()["id"]
    api_client.patch(
        f"/api/purchases/{purchase_id}", {"price": "1.00"}, content_type="application/json"
    )
    assert api_client.get("/api/analytics/summary").json()["total_spent"] == 11.0
    api_client.delete(f"/api/purchases/{purchase_id}")
    assert api_client.get("/api/analytics/summary").json()["total_spent"] == 10.0


def test_changes_that_bypass_the_models_show_at_once(user):
    """A queryset update and raw SQL send no signal; the database's triggers still count them."""
    purchase = PurchaseFactory(owner=user, price=Decimal("10.00"))
    assert total(user) == Decimal("10.00")
    Purchase.objects.filter(pk=purchase.pk).update(price=Decimal("12.00"))
    assert total(user) == Decimal("12.00")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Purchase._meta.db_table} SET price = 13 WHERE id = %s",
            [Purchase._meta.pk.get_db_prep_value(purchase.pk, connection)],
        )
    assert total(user) == Decimal("13.00")


def test_a_retailer_renamed_shows_under_its_new_name(user):
    store = RetailerFactory(owner=user, name="Old Name")
    PurchaseFactory(owner=user, retailer=store)
    assert [row.retailer_name for row in selectors.by_retailer(user)] == ["Old Name"]
    Retailer.objects.filter(pk=store.pk).update(name="New Name")
    assert [row.retailer_name for row in selectors.by_retailer(user)] == ["New Name"]


def test_a_warranty_voided_shows_in_the_warranty_figures(user):
    warranty = WarrantyFactory(
        owner=user, purchase=PurchaseFactory(owner=user), warranty_end=datetime.date(2099, 1, 1)
    )
    assert selectors.warranty_summary(user).active == 1
    Warranty.objects.filter(pk=warranty.pk).update(voided=True)
    summary = selectors.warranty_summary(user)
    assert (summary.active, summary.voided) == (0, 1)


def test_a_new_preferred_currency_is_reported_at_once(user):
    PurchaseFactory(owner=user, price=Decimal("10.00"), currency_code="USD")
    PurchaseFactory(owner=user, price=Decimal("7.00"), currency_code="EUR")
    assert selectors.summary(user).total_spent == Decimal("10.00")
    preferences_update(user=user, currency_code="EUR")
    assert selectors.summary(user).total_spent == Decimal("7.00")


def test_an_import_shows_at_once(user):
    from purchases.imports import ImportOptions, import_purchases

    assert total(user) == Decimal("0.00")
    data = b"product_name,price,purchase_date\nLamp,4.00,2026-01-02\nDesk,6.00,2026-01-03\n"
    report = import_purchases(owner=user, data=data, file_format="csv", options=ImportOptions())
    assert report.created == 2
    assert total(user) == Decimal("10.00")


def test_a_new_day_computes_the_figures_again(user, monkeypatch):
    """Warranty statuses move with the date though no row changes."""
    now = timezone.now()
    WarrantyFactory(
        owner=user,
        purchase=PurchaseFactory(owner=user),
        warranty_start=now.date() - datetime.timedelta(days=30),
        warranty_end=now.date() + datetime.timedelta(days=1),
    )
    assert selectors.warranty_summary(user).active == 1
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(days=3))
    assert selectors.warranty_summary(user).expired == 1


def test_another_owners_changes_leave_the_owners_figures_remembered(user, other_user):
    PurchaseFactory(owner=user, price=Decimal("10.00"))
    assert total(user) == Decimal("10.00")
    version = data_version(user)
    PurchaseFactory(owner=other_user, price=Decimal("99.00"))
    Brand.objects.create(owner=other_user, name="Theirs")
    assert data_version(user) == version
    assert queries(lambda: total(user)) == 1
    assert total(other_user) == Decimal("99.00")


def test_each_write_to_a_watched_table_counts_for_its_owner_alone(user, other_user):
    """Insert, update and delete, on every table the figures read."""
    purchase = PurchaseFactory(owner=user)
    rows = {
        "purchases_purchase": lambda: PurchaseFactory(owner=user),
        "warranties_warranty": lambda: WarrantyFactory(owner=user, purchase=purchase),
        "catalog_retailer": lambda: RetailerFactory(owner=user),
        "catalog_brand": lambda: Brand.objects.create(owner=user, name="Brand"),
        "accounts_preferences": lambda: preferences_update(user=user, currency_code="EUR"),
    }
    assert set(rows) == {table for table, _ in WATCHED}
    for table, make in rows.items():
        before = data_version(user), data_version(other_user)
        row = make()
        inserted = data_version(user)
        assert inserted > before[0], table
        type(row).objects.filter(pk=row.pk).update(updated_at=timezone.now())
        updated = data_version(user)
        assert updated > inserted, table
        type(row).objects.filter(pk=row.pk).delete()
        assert data_version(user) > updated, table
        assert data_version(other_user) == before[1], table


def test_a_row_given_to_another_owner_counts_for_both(user, other_user):
    purchase = PurchaseFactory(owner=user)
    before = data_version(user), data_version(other_user)
    Purchase.objects.filter(pk=purchase.pk).update(owner=other_user)
    assert data_version(user) > before[0]
    assert data_version(other_user) > before[1]


def watched_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall() if "_version_" in name}


def test_a_restore_shows_the_backups_figures_at_once_and_changes_count_after_it(user):
    from backups.selectors import backup_path
    from backups.services import backup_create, backup_restore

    PurchaseFactory(owner=user, price=Decimal("10.00"))
    backup = backup_create()
    PurchaseFactory(owner=user, price=Decimal("5.00"))
    assert total(user) == Decimal("15.00")
    triggers = watched_triggers()
    backup_restore(backup_path(backup))
    assert total(user) == Decimal("10.00")
    assert watched_triggers() == triggers
    PurchaseFactory(owner=user, price=Decimal("1.00"))
    assert total(user) == Decimal("11.00")


def test_a_restore_counts_for_an_account_with_no_version_yet(user):
    """As on an instance where the account never had data (its figures remembered empty under
    version 0) when a backup brings some."""
    from backups.selectors import backup_path
    from backups.services import backup_create, backup_restore

    purchase = PurchaseFactory(owner=user, price=Decimal("10.00"))
    backup = backup_create()
    purchase.delete()
    DataVersion.objects.all().delete()
    assert (data_version(user), total(user)) == (0, Decimal("0.00"))
    backup_restore(backup_path(backup))
    assert total(user) == Decimal("10.00")


def test_a_restore_that_fails_leaves_the_triggers_working(user, monkeypatch):
    from backups import services
    from backups.archive import ArchiveError
    from backups.selectors import backup_path

    PurchaseFactory(owner=user, price=Decimal("10.00"))
    backup = services.backup_create()
    triggers = watched_triggers()
    monkeypatch.setattr(
        services, "_check_restored", lambda *args: (_ for _ in ()).throw(ArchiveError("No."))
    )
    with pytest.raises(ArchiveError):
        services.backup_restore(backup_path(backup))
    assert watched_triggers() == triggers
    assert total(user) == Decimal("10.00")
    PurchaseFactory(owner=user, price=Decimal("1.00"))
    assert total(user) == Decimal("11.00")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_two_writers_of_one_owner_wait_for_each_other_rather_than_deadlock(user):
    """One deletes a purchase (its warranty first), the other edits the purchase meanwhile: the
    edit waits for nothing, and the delete waits for the edit's commit. Had the versions been
    bumped at once, the delete would hold the owner's version row that the edit waits for, and
    wait itself for the edited purchase: a deadlock, and one of them failed."""
    import threading

    import psycopg

    purchase = PurchaseFactory(owner=user)
    warranty = WarrantyFactory(owner=user, purchase=purchase)
    version = data_version(user)
    settings = connection.settings_dict
    params = {
        "dbname": settings["NAME"], "user": settings["USER"], "host": settings["HOST"],
        "port": settings["PORT"] or None, "password": settings["PASSWORD"] or None,
    }  # fmt: skip
    errors = []

    def edit():
        try:
            with psycopg.connect(**params) as editor:
                editor.execute(
                    "UPDATE purchases_purchase SET notes = 'edited' WHERE id = %s", [purchase.pk]
                )
        except psycopg.Error as error:
            errors.append(error)

    with psycopg.connect(**params) as deleter:
        deleter.execute("DELETE FROM warranties_warranty WHERE id = %s", [warranty.pk])
        editing = threading.Thread(target=edit)
        editing.start()
        editing.join(timeout=5)
        deleter.execute("DELETE FROM purchases_purchase WHERE id = %s", [purchase.pk])
    assert errors == []
    assert not editing.is_alive()
    assert not Purchase.objects.filter(pk=purchase.pk).exists()
    assert data_version(user) > version


def test_the_purchase_lists_totals_follow_changes_and_filters(user, api_client, client):
    PurchaseFactory(owner=user, status="RECEIVED")
    PurchaseFactory(owner=user, status="ORDERED")
    client.force_login(user)

    def totals():
        listed = api_client.get("/api/purchases").json()["total"]
        ordered = api_client.get("/api/purchases?status=ORDERED").json()["total"]
        page = client.get("/inventory").context["page_obj"].paginator.count
        return listed, ordered, page

    assert totals() == (2, 1, 2)
    first = queries(lambda: api_client.get("/api/purchases?currency_code=USD"))
    # The total remembered: its count is not run again, for any page of the same list.
    assert queries(lambda: api_client.get("/api/purchases?currency_code=USD&skip=1")) == first - 1
    PurchaseFactory(owner=user, status="ORDERED")
    assert totals() == (3, 2, 3)
    Purchase.objects.filter(owner=user, status="ORDERED").delete()
    assert totals() == (1, 0, 1)


def test_the_choice_lists_names_follow_new_and_renamed_retailers(user, api_client):
    from catalog.selectors import catalog_names

    store = RetailerFactory(owner=user, name="Corner Shop")
    assert [name for _, name in catalog_names(user, Retailer)] == ["Corner Shop"]
    assert queries(lambda: catalog_names(user, Retailer)) == 1  # the version alone
    response = api_client.post(
        "/api/retailers", {"name": "Big Store"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert [name for _, name in catalog_names(user, Retailer)] == ["Big Store", "Corner Shop"]
    Retailer.objects.filter(pk=store.pk).update(name="Another Shop")
    assert [name for _, name in catalog_names(user, Retailer)] == ["Another Shop", "Big Store"]
    assert catalog_names(user, Brand) == []
