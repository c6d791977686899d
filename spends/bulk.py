"""Writing many rows at once, fast, on either database engine."""

import contextlib
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connections, models, router

# SQLite's page cache, in KiB, while a connection writes many rows (bulk_writing). With the
# default 2 MB, the pages of the tables' indexes that the rows go into keep falling out of it:
# they are read back from the file, and written pages spill to the log to be written again.
SQLITE_BULK_CACHE_KIB = 32 * 1024


@contextlib.contextmanager
def bulk_writing(using: str | None = None) -> Iterator[None]:
    """Sets the connection up for writing many rows (an import, a restore) while the block
    lasts. SQLite: a page cache large enough for the indexes' pages that the writing touches
    (up to 32 MB more memory), which made the rows of a 100,000-row import go in about a
    quarter faster. PostgreSQL needs nothing: its cache is the server's."""
    db = connections[using or DEFAULT_DB_ALIAS]
    if db.vendor != "sqlite":
        yield
        return
    with db.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with db.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(usual)}")


def insert_rows(model, rows: list[dict], *, using: str | None = None) -> None:
    """New rows (complete dicts of column values, keyed by attname) straight into the model's
    table. Each value is prepared for the database by its field, as bulk_create would;
    bulk_create's building of one long statement per batch costs more than the insert itself
    at the sizes of an import or a restore."""
    if not rows:
        return
    # The connection itself, not the `django.db.connection` proxy, which looks it up again on
    # every use: once per value here.
    db = connections[using or router.db_for_write(model)]
    fields = model._meta.concrete_fields
    columns = ", ".join(db.ops.quote_name(field.column) for field in fields)
    table = db.ops.quote_name(model._meta.db_table)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    # Text goes to every database as it is: no need to prepare it, value by value.
    prepared = [
        (field.attname, None if isinstance(field, models.CharField | models.TextField) else field)
        for field in fields
    ]
    params = [
        [
            row[name] if field is None else field.get_db_prep_save(row[name], db)
            for name, field in prepared
        ]
        for row in rows
    ]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # COPY: one stream for the whole batch, where psycopg's executemany still sends (and
            # PostgreSQL plans) a statement a row.
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
        else:
            cursor.executemany(sql, params)
