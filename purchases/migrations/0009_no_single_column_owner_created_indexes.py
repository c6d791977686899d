"""The purchases table loses its indexes on owner_id and on created_at alone (spends.models.
BulkOwnedModel says why)."""

from django.conf import settings
from django.db import migrations

from spends.migration_ops import owner_and_created_at_indexes_drop


class Migration(migrations.Migration):
    dependencies = [
        ("purchases", "0008_status_filter_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = owner_and_created_at_indexes_drop(
        "purchase",
        table="purchases_purchase",
        owner_index="purchases_purchase_owner_id_4e99599c",
        created_at_index="purchases_purchase_created_at_80fc9588",
    )
