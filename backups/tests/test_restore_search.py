"""The inventory's search after a restore, which replaces every purchase at once and builds the
search index again rather than keeping it up to date a row at a time (purchases/search.py)."""

import pytest
from django.db import connection

from backups import services
from backups.archive import ArchiveError
from backups.selectors import backup_path
from backups.services import backup_create, backup_restore
from purchases.models import Purchase
from purchases.search import SQLITE_TABLE, SQLITE_TRIGGERS
from purchases.selectors import PurchaseFilters, purchase_list
from purchases.services import purchase_update
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def found(owner, term: str) -> set[str]:
    return set(
        purchase_list(owner, PurchaseFilters(search=term)).values_list("product_name", flat=True)
    )


def assert_the_index_keeps_following_writes(owner) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            triggers = {name for (name,) in cursor.fetchall() if name.startswith(SQLITE_TABLE)}
        assert triggers == {f"{SQLITE_TABLE}_{event}" for event in SQLITE_TRIGGERS}
    later = PurchaseFactory(owner=owner, product_name="Written afterwards, quince")
    assert found(owner, "quince") == {"Written afterwards, quince"}
    purchase_update(owner=owner, purchase_id=later.id, product_name="Renamed afterwards")
    assert found(owner, "quince") == set()
    later.delete()
    assert found(owner, "renamed afterwards") == set()


def test_the_restored_purchases_and_only_they_are_found(populated, other_user):
    backup = backup_create()
    PurchaseFactory(owner=populated, product_name="Laptop bought after the backup")
    Purchase.objects.filter(product_name="Lamp a").update(notes="laptop stand")
    Purchase.objects.filter(product_name="Cable m").delete()

    backup_restore(backup_path(backup))

    assert found(populated, "laptop") == {"Laptop a"}
    assert found(populated, "stand") == set()
    assert found(populated, "ünïcode") == {"Laptop a"}  # in its notes
    assert found(other_user, "cable") == {"Cable m"}
    assert_the_index_keeps_following_writes(populated)


def test_a_restore_that_fails_leaves_the_index_as_it_was(populated, monkeypatch):
    backup = backup_create()
    PurchaseFactory(owner=populated, product_name="Laptop bought after the backup")
    monkeypatch.setattr(
        services, "_check_restored", lambda *args: (_ for _ in ()).throw(ArchiveError("No."))
    )

    with pytest.raises(ArchiveError):
        backup_restore(backup_path(backup))

    assert found(populated, "laptop") == {"Laptop a", "Laptop bought after the backup"}
    assert_the_index_keeps_following_writes(populated)
