"""Operations that more than one app's migrations use."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def owner_and_created_at_indexes_drop(
    model_name: str, *, table: str, owner_index: str, created_at_index: str
) -> list:
    """Takes away the indexes of an OwnedModel's `owner` and `created_at` alone (the fields
    become those of spends.models.BulkOwnedModel), by dropping each index (given by the name
    Django gave it, the same on either engine) and nothing else: Django's own AlterField would
    rebuild the whole table on SQLite, dropping the triggers that the table's search index and
    the analytics' data versions depend on. The fields are written out as they stand at this
    change, as a migration's are, rather than taken from spends.models' field functions, so
    that a later change to those cannot alter what these migrations did."""
    unindexed = {
        "created_at": (
            models.DateTimeField(default=django.utils.timezone.now, editable=False),
            "created_at",
            created_at_index,
        ),
        "owner": (
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
            "owner_id",
            owner_index,
        ),
    }
    return [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(model_name=model_name, name=name, field=field)],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
            ],
        )
        for name, (field, column, index) in unindexed.items()
    ]
