"""The owners' data versions and the triggers that keep them (accounts/versions.py).

A later migration that makes Django rebuild one of the watched tables on SQLite (it does so for
many alterations) drops that table's triggers: it must run `accounts.versions.triggers_create`
again (accounts/tests/test_versions.py fails until it does).
"""

from django.db import migrations, models


def create(apps, schema_editor):
    from accounts.versions import triggers_create

    triggers_create(schema_editor)


def drop(apps, schema_editor):
    from accounts.versions import triggers_drop

    triggers_drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_preferences_reminder_email"),
        ("catalog", "0002_timestamps_kept_on_import"),
        ("purchases", "0008_status_filter_indexes"),
        ("warranties", "0006_status_filter_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("owner_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create, drop),
    ]
