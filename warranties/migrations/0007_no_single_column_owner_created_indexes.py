"""The warranties table loses its indexes on owner_id and on created_at alone (spends.models.
BulkOwnedModel says why)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from spends.migration_ops import field_index_drop


class Migration(migrations.Migration):
    dependencies = [
        ("warranties", "0006_status_filter_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        field_index_drop(
            "warranty",
            "created_at",
            models.DateTimeField(default=django.utils.timezone.now, editable=False),
            table="warranties_warranty",
            column="created_at",
            index="warranties_warranty_created_at_b8051b3d",
        ),
        field_index_drop(
            "warranty",
            "owner",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
            table="warranties_warranty",
            column="owner_id",
            index="warranties_warranty_owner_id_440c25c8",
        ),
    ]
