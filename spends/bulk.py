"""Writing many rows at once, fast, on either database engine."""

import contextlib
import decimal
import json
import queue
import threading
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connections, models, router

# SQLite's page cache, in KiB, while a connection writes many rows (bulk_writing). With the
# default 2 MB, the pages of the tables' indexes that the rows go into keep falling out of it:
# they are read back from the file, and written pages spill to the log to be written again.
# The ids' indexes take new rows all over (ids are random): at 200,000 purchases and more, a
# 100,000-row import took 0.9x as long with 48 MB as with 32.
SQLITE_BULK_CACHE_KIB = 48 * 1024


@contextlib.contextmanager
def bulk_writing(using: str | None = None) -> Iterator[None]:
    """Sets the connection up for writing many rows (an import, a restore) while the block
    lasts. SQLite: a page cache large enough for the indexes' pages that the writing touches
    (up to 48 MB more memory), which made the rows of a 100,000-row import go in about a
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

        # SQLite (RowStream): the rows as one parameter, a JSON array of arrays of their values.
        # One statement for any number of rows (a statement with a placeholder a value would be
        # prepared, and kept in the connection's cache, for every number of rows).
        values = ", ".join(f"json_extract(value, '$[{place}]')" for place in range(len(fields)))
        self.json_insert_sql = f"INSERT INTO {table} ({columns}) SELECT {values} FROM json_each(?)"

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


def _json_value(value):
    """A prepared value JSON has no type for: a decimal, as the sqlite3 adapter Django registers
    writes it (text, which the column's numeric affinity reads as a number)."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} values cannot be written by RowStream on SQLite.")


class RowStream:
    """Batches of new rows, written as insert_rows writes them, inside a transaction (a block),
    while the caller works out the next batch: the database inserts them (with their indexes,
    about half of what a 100,000-row import takes) on another core.

    - PostgreSQL: a batch's COPY is left open once its rows are sent. One table at a time: a
      batch of another table ends it first.
    - SQLite: a thread of the stream's own runs each batch as one statement on the same
      connection, its rows a JSON array: the sqlite3 module lets go of Python's lock while
      SQLite runs a statement. A statement a row (executemany) would not do: the thread would
      wait for the lock again after every row.

    The rows written so far are waited for at `end()`, before any statement Django runs on the
    connection meanwhile (a query, a progress report), and at the end of the block (where an
    error drops what is still waiting). A row the database refuses raises its error there, or
    at the next `write`. What bypasses Django's cursors must come after `end()`: psycopg holds
    the connection's lock while a COPY is open, and SQLite's thread may be using it."""

    # SQLite: batches waiting for the thread, at most.
    SQLITE_QUEUE = 4

    def __init__(self, *, using: str | None = None):
        self.using = using
        self.tables: dict[type, _Table] = {}
        # PostgreSQL: the COPY left open, and the model it is for.
        self.open_copy: contextlib.ExitStack | None = None
        self.copy_model = None
        # SQLite: the thread, what it is to run, and the error that stopped it.
        self.writer: threading.Thread | None = None
        self.statements: queue.Queue = queue.Queue(maxsize=self.SQLITE_QUEUE)
        self.failure: BaseException | None = None
        # After an error, the statements still waiting are not run.
        self.dropping = False

    def __enter__(self) -> "RowStream":
        self.db = connections[self.using or DEFAULT_DB_ALIAS]
        self.wrapper = self.db.execute_wrapper(self._end_first)
        self.wrapper.__enter__()
        return self

    def __exit__(self, *error) -> None:
        self.wrapper.__exit__(None, None, None)
        try:
            if error[0] is None:
                self.end()
        finally:
            self._stop_writer()
            self._end_copy(error)

    def _table(self, model) -> "_Table":
        if model not in self.tables:
            self.tables[model] = _Table(model, self.using)
        return self.tables[model]

    def write(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        table = self._table(model)
        if self.db.vendor == "sqlite":
            self._sqlite_write(table, rows)
        elif self.db.vendor == "postgresql":
            self._copy_write(model, table, rows)
        else:
            insert_rows(model, rows, using=self.using)

    def end(self) -> None:
        """Waits for the rows written so far to be in."""
        self._wait_for_writer()
        self._end_copy((None, None, None))

    def _end_first(self, execute, sql, params, many, context):
        self.end()
        return execute(sql, params, many, context)

    # PostgreSQL ------------------------------------------------------------------------------

    def _copy_write(self, model, table: "_Table", rows: list[dict]) -> None:
        if self.copy_model is not model:
            self.end()
        if self.open_copy is None:
            self.open_copy = contextlib.ExitStack()
            cursor = self.open_copy.enter_context(self.db.cursor())
            self.copy = self.open_copy.enter_context(cursor.copy(table.copy_sql))
            self.copy_model = model
        for row in table.params(rows):
            self.copy.write_row(row)

    def _end_copy(self, error: tuple) -> None:
        if self.open_copy is not None:
            open_copy, self.open_copy, self.copy_model = self.open_copy, None, None
            open_copy.__exit__(*error)

    # SQLite ----------------------------------------------------------------------------------

    def _sqlite_write(self, table: "_Table", rows: list[dict]) -> None:
        self._raise_failure()
        # Prepared here: that is Python's work.
        values = json.dumps(table.params(rows), ensure_ascii=False, default=_json_value)
        if self.writer is None:
            self.db.ensure_connection()
            self.writer = threading.Thread(target=self._run_statements, daemon=True)
            self.writer.start()
        self.statements.put((table.json_insert_sql, [values]))

    def _run_statements(self) -> None:
        """The thread: runs the statements in order, until told to stop (None). After an error
        it runs no more of them; the caller's thread raises it."""
        cursor = self.db.connection.cursor()
        while True:
            statement = self.statements.get()
            try:
                if statement is None:
                    cursor.close()
                    return
                if self.failure is None and not self.dropping:
                    with self.db.wrap_database_errors:
                        cursor.execute(*statement)
            except BaseException as error:  # noqa: BLE001 - raised in the caller's thread
                self.failure = error
            finally:
                self.statements.task_done()

    def _stop_writer(self) -> None:
        """Ends the thread, dropping the statements it has not run yet (after an error)."""
        if self.writer is not None:
            self.dropping = True
            self.statements.put(None)
            self.writer.join()
            self.writer, self.failure, self.dropping = None, None, False

    def _wait_for_writer(self) -> None:
        if self.writer is not None:
            self.statements.join()
            self._raise_failure()

    def _raise_failure(self) -> None:
        # Raised again at every later wait: the rows after it were not written.
        if self.failure is not None:
            raise self.failure
