"""The inventory's search index (purchases/search.py says how it is used).

PostgreSQL: a trigram GIN index (pg_trgm, a trusted extension: a database owner may create it)
on the lowered product name, notes, serial and model number, which serves LIKE '%term%'.
SQLite: an FTS5 table with the trigram tokenizer over the same text, one row per purchase under
the purchase's rowid, kept up to date by triggers. A later migration that makes Django rebuild
the purchases table on SQLite (it does so for many alterations) drops these triggers and
renumbers the rows: it must run `purchases.search.sqlite_search_index_create` again.
"""

from django.db import migrations


def create(apps, schema_editor):
    from purchases.search import postgres_search_index_create, sqlite_search_index_create

    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        postgres_search_index_create(schema_editor)
    elif vendor == "sqlite":
        sqlite_search_index_create(schema_editor)


def drop(apps, schema_editor):
    from purchases.search import search_index_drop

    search_index_drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("purchases", "0006_covering_indexes")]

    operations = [migrations.RunPython(create, drop)]
