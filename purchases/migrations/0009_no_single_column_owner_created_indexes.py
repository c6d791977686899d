"""The purchases table loses its indexes on owner_id and on created_at alone (spends.models.
BulkOwnedModel says why)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from spends.migration_ops import field_index_drop


class Migration(migrations.Migration):
    dependencies = [
        ("purchases", "0008_status_filter_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        field_index_drop(
            "purchase",
            "created_at",
            models.DateTimeField(default=django.utils.timezone.now, editable=False),
            table="purchases_purchase",
            column="created_at",
            index="purchases_purchase_created_at_80fc9588",
        ),
        field_index_drop(
            "purchase",
            "owner",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
            table="purchases_purchase",
            column="owner_id",
            index="purchases_purchase_owner_id_4e99599c",
        ),
    ]
