"""After a restore, PostgreSQL's tables are vacuumed and analysed at once rather than a minute
later by autovacuum (backups.services._refresh_statistics), so that the first requests after it
are as fast as any."""

import pytest
from django.db import connection

from backups.selectors import backup_path
from backups.services import backup_create, backup_restore
from purchases.tests.factories import PurchaseFactory


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="VACUUM and its statistics are PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_a_restore_leaves_the_purchases_vacuumed_and_analysed(user):
    PurchaseFactory.create_batch(3, owner=user)
    backup = backup_create()

    backup_restore(backup_path(backup), restored_by="admin")

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables"
            " WHERE relname = 'purchases_purchase'"
        )
        last_vacuum, last_analyze = cursor.fetchone()
        # Every page of the table marked all-visible, so that index-only scans skip it (its
        # count of dead rows is no test: the restore's deletions may be counted after the
        # vacuum is).
        cursor.execute(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'purchases_purchase'"
        )
        pages, all_visible = cursor.fetchone()
    assert last_vacuum is not None
    assert last_analyze is not None
    assert pages > 0
    assert all_visible == pages
