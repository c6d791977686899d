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
    table = _Table(model, using)
    with table.db.cursor() as cursor:
        if table.db.vendor == "postgresql":
            # COPY: one stream for the whole batch, where psycopg's executemany still sends (and
            # PostgreSQL plans) a statement a row.
            with cursor.copy(table.copy_sql) as copy:
                for row in table.params(rows):
                    copy.write_row(row)
        else:
            cursor.executemany(table.insert_sql, table.params(rows))


class _Table:
    """A model's table as insert_rows writes it: its statements, and its fields' preparation."""

    def __init__(self, model, using: str | None):
        # The connection itself, not the `django.db.connection` proxy, which looks it up again
        # on every use.
        self.db = db = connections[using or router.db_for_write(model)]
        fields = model._meta.concrete_fields
        columns = ", ".join(db.ops.quote_name(field.column) for field in fields)
        table = db.ops.quote_name(model._meta.db_table)
        placeholders = ", ".join(["%s"] * len(fields))
        self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        self.fields = fields

    def params(self, rows: list[dict]) -> list[list]:
        """The rows' values, prepared by their fields."""
        preparers = [(field.attname, _preparer(field, self.db)) for field in self.fields]
        return [
            [row[name] if prepare is None else prepare(row[name]) for name, prepare in preparers]
            for row in rows
        ]


def _preparer(field: models.Field, db):
    """A function preparing the field's values for `db`, or None for values written as they are
    (text: every database takes it as it is). It prepares each distinct value once, for the
    batch it is made for: many repeat from row to row (the owner, a retailer, a date), and
    preparing one takes microseconds (a batch's preparation took a quarter less). Values equal
    in Python (the same number, day or instant) are stored alike, so one stands for the other."""
    if isinstance(field, models.CharField | models.TextField):
        return None
    prepare = field.get_db_prep_save
    prepared = {}
    known = prepared.get

    def prepare_once(value):
        try:
            result = known(value, _UNKNOWN)
        except TypeError:  # unhashable, e.g. a JSON field's list
            return prepare(value, db)
        if result is _UNKNOWN:
            result = prepared[value] = prepare(value, db)
        return result

    return prepare_once


_UNKNOWN = object()


class RowStream:
    """Batches of new rows of one model, written as insert_rows writes them, inside a transaction
    (a block). On PostgreSQL a batch's COPY is left open once its rows are sent, rather than
    waited for: the server inserts them (with their indexes, about half of what a 100,000-row
    import took) while the caller works out the next batch, on another core. The COPY ends,
    waiting for the server, at `end()`, before any statement Django runs on the connection
    meanwhile (a query, a progress report) and at the end of the block (cancelled by an error).
    What bypasses Django's cursors (insert_rows' own COPY) must come after `end()`: psycopg
    holds the connection's lock while a COPY is open."""

    def __init__(self, model, *, using: str | None = None):
        self.model = model
        self.using = using
        self.open_copy: contextlib.ExitStack | None = None

    def __enter__(self) -> "RowStream":
        self.table = _Table(self.model, self.using)
        self.overlaps = self.table.db.vendor == "postgresql"
        self.wrapper = self.table.db.execute_wrapper(self._end_first)
        self.wrapper.__enter__()
        return self

    def __exit__(self, *error) -> None:
        self.wrapper.__exit__(None, None, None)
        self._end(error)

    def write(self, rows: list[dict]) -> None:
        if not self.overlaps:
            insert_rows(self.model, rows, using=self.using)
            return
        if not rows:
            return
        if self.open_copy is None:
            self.open_copy = contextlib.ExitStack()
            cursor = self.open_copy.enter_context(self.table.db.cursor())
            self.copy = self.open_copy.enter_context(cursor.copy(self.table.copy_sql))
        for row in self.table.params(rows):
            self.copy.write_row(row)

    def end(self) -> None:
        """Waits for the rows written so far to be in."""
        self._end((None, None, None))

    def _end(self, error: tuple) -> None:
        if self.open_copy is not None:
            open_copy, self.open_copy = self.open_copy, None
            open_copy.__exit__(*error)

    def _end_first(self, execute, sql, params, many, context):
        self.end()
        return execute(sql, params, many, context)
