"""Operations that more than one app's migrations use."""

from django.db import migrations


def field_index_drop(
    model_name: str, field_name: str, field, *, table: str, column: str, index: str
):
    """Alters a field to `field`, whose only change is `db_index=False`, by dropping the field's
    index (`index`, the name Django gave it on either engine). Django's own AlterField would
    rebuild the whole table on SQLite, dropping the triggers that the table's search index and
    the analytics' data versions depend on."""
    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AlterField(model_name=model_name, name=field_name, field=field)
        ],
        database_operations=[
            migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{index}"',
                reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
            )
        ],
    )
