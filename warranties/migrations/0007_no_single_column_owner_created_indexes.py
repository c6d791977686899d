"""The warranties table loses its indexes on owner_id and on created_at alone (spends.models.
BulkOwnedModel says why)."""

from django.conf import settings
from django.db import migrations

from spends.migration_ops import owner_and_created_at_indexes_drop


class Migration(migrations.Migration):
    dependencies = [
        ("warranties", "0006_status_filter_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = owner_and_created_at_indexes_drop(
        "warranty",
        table="warranties_warranty",
        owner_index="warranties_warranty_owner_id_440c25c8",
        created_at_index="warranties_warranty_created_at_b8051b3d",
    )
