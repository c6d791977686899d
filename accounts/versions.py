"""Reads of an account's data remembered between requests (the analytics figures, the purchase
list's totals, the retailer and brand names of the choice lists), and the version of the
account's data that tells when they are stale.

The figures of the dashboard and of /api/analytics add up every purchase or warranty of the
owner: at 100,000 purchases a retailers or brands breakdown reads 60,000 index entries (about
0.1 s), and the dashboard runs ten such queries. They change only when the owner's data does,
so a selector marked `@remembered` is answered from a cache, filed under the owner's data
version (accounts.models.DataVersion) and today's date in the owner's time zone (warranty
statuses and "this month" move with the date), and computed again only when either changed.
Only reads of the WATCHED tables may be remembered.

The version is kept by triggers in the database, on every table the figures read (WATCHED):
any insert, update or delete of an owner's rows, by whatever path (the pages, the API, the
admin, an import, a restore, a shell), adds one to that owner's version in the same
transaction (on PostgreSQL at its commit, see PENDING). Each process keeps its own cache
(settings.CACHES["figures"]); the version is read from the database on every call (one indexed
row), so a change made through one process is seen by all at once.

Figures are remembered only outside transactions (in autocommit). Inside one, the figures may
include writes that are not committed yet and may be rolled back, after which the version
number they were filed under would be given again to another state; outside one, every version
read is a committed one, and figures computed after reading it are of that state or a newer
one, never an older one.

On PostgreSQL the triggers run once per statement (with its changed rows as transition tables),
so the 100 batches of a 100,000-row import add 100, not 100,000. SQLite has only row triggers;
a block that writes many rows at once (a restore) runs inside `versions_bumped_at_end`.
"""

import contextlib
import functools
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import QuerySet

from accounts.models import DataVersion
from accounts.selectors import today_for

FIGURES_CACHE = "figures"
# Figures are computed again at least this often (they are filed under today's date anyway).
FIGURES_TIMEOUT = 24 * 60 * 60

# The tables that remembered reads may read, with the column that names the owner of each row.
WATCHED = (
    ("purchases_purchase", "owner_id"),
    ("warranties_warranty", "owner_id"),
    ("catalog_retailer", "owner_id"),
    ("catalog_brand", "owner_id"),
    ("accounts_preferences", "user_id"),
)
VERSIONS = DataVersion._meta.db_table
EVENTS = ("insert", "update", "delete")


# The version's one indexed row, read by every remembered read (three on an inventory page):
# written as SQL once rather than by the ORM each time, which took twice as long as the read.
VERSION_SQL = f"SELECT version FROM {VERSIONS} WHERE owner_id = %s"


def data_version(owner) -> int:
    """The version of the owner's data: 0 until their first change."""
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(VERSION_SQL, [owner.pk])
        row = cursor.fetchone()
    return row[0] if row else 0


def _remembered(owner, name: str, arguments: str, compute: Callable[[], Any]) -> Any:
    """What `compute()` answers, from the cache when it was computed under the same owner's data
    version and date (see the module's description), `name` and `arguments` (a text that tells
    apart everything else the answer depends on). An answer of None is never remembered."""
    if transaction.get_connection().in_atomic_block:
        return compute()
    key = ":".join(
        (
            name,
            str(owner.pk),
            str(data_version(owner)),
            today_for(owner).isoformat(),
            hashlib.sha256(arguments.encode()).hexdigest()[:32],
        )
    )
    cache = caches[FIGURES_CACHE]
    answer = cache.get(key)
    if answer is None:
        answer = compute()
        cache.set(key, answer, FIGURES_TIMEOUT)
    return answer


def remembered(selector):
    """Answers `selector(owner, ...)` from the figures cache (`_remembered`)."""
    name = f"{selector.__module__}.{selector.__qualname__}"

    @functools.wraps(selector)
    def answer(owner, *args, **kwargs):
        arguments = repr((args, sorted(kwargs.items())))
        return _remembered(owner, name, arguments, lambda: selector(owner, *args, **kwargs))

    return answer


def remembered_count(owner, rows: QuerySet) -> int:
    """How many rows the query `rows` finds (a list's total, for its pages), from the figures
    cache (`_remembered`), told apart by the SQL and parameters of the ids it finds (the dates
    of a warranty-status filter among them; its columns, related rows and order, which do not
    change the count, left out: they took longer to write as SQL than the rest of the lookup).
    Only for queries that read nothing but the WATCHED tables. Counting a list of 100,000
    purchases took 4-8 ms of each page of it."""
    try:
        sql, params = rows.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a query that finds nothing by its very shape, with no SQL to run
        return rows.count()
    return _remembered(owner, "count", repr((sql, params)), rows.count)


@contextlib.contextmanager
def versions_bumped_at_end(using: str = "default") -> Iterator[None]:
    """A block that writes many rows at once (a restore), run in a transaction (a savepoint
    inside one already open), after which every owner's data counts as changed.

    SQLite: the triggers are suspended inside the block, and every version is bumped once at
    its end; with a trigger on a table SQLite also deletes its rows one by one rather than
    emptying it at once, which made a restore of 100,000 purchases 4 s (13%) slower. Every
    account gets a version row, so that an account that had none (no data yet, "version 0")
    does not keep figures remembered for when it had none. Dropping a trigger is transactional:
    a block that fails leaves them as they were. PostgreSQL's statement triggers cost little,
    and stay."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor != "sqlite":
            yield
            return
        with connection.cursor() as cursor:
            for statement in _sqlite_drop_statements():
                cursor.execute(statement)
        yield
        user_table = get_user_model()._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {VERSIONS} SET version = version + 1")
            cursor.execute(_bump_sql(f"SELECT id AS owner FROM {user_table}"))
            for statement in sqlite_statements():
                cursor.execute(statement)


# The triggers (analytics migration 0001) -------------------------------------------------------


def trigger_name(table: str, event: str) -> str:
    return f"{table}_version_{event}"


def _bump_sql(owners: str) -> str:
    """Adds one to the version of each owner that `owners` (a query of one column, `owner`)
    names; an owner's first change makes their row, at 1. In the owners' order, so that
    statements changing several owners at once take their rows' locks in the same order."""
    # "WHERE true": SQLite would otherwise read ON CONFLICT as the ON of a join.
    return (
        f"INSERT INTO {VERSIONS} (owner_id, version) SELECT owner, 1 FROM ({owners}) AS changed"
        f" WHERE true ORDER BY owner ON CONFLICT (owner_id) DO UPDATE"
        f" SET version = {VERSIONS}.version + 1"
    )


# PostgreSQL: the owners a statement changed are noted in this table, and their versions bumped
# by a deferred trigger on it, at the commit. Bumped at once, an owner's version row would stay
# locked from a transaction's first write to its end, so two transactions of one owner that
# each changed a row the other then wanted would deadlock (deleting a purchase, whose warranty
# goes first, while the purchase is edited); at the commit a transaction waits for nothing else.
PENDING = f"{VERSIONS}_pending"


def _postgres_function(column: str) -> str:
    return f"{VERSIONS}_note_by_{column}"


def _postgres_function_sql(column: str) -> str:
    """The statement triggers' function, for tables whose owner is in `column`: the owners of
    the rows the statement changed (its transition tables) are noted for the commit; after a
    TRUNCATE, whose rows went is unknown, so everyone's versions are bumped."""
    changed = {
        "INSERT": f"SELECT DISTINCT {column} FROM new_rows",
        "UPDATE": f"SELECT {column} FROM old_rows UNION SELECT {column} FROM new_rows",
        "DELETE": f"SELECT DISTINCT {column} FROM old_rows",
    }
    branches = " ELSIF ".join(
        f"TG_OP = '{operation}' THEN INSERT INTO {PENDING} (owner_id) {owners};"
        for operation, owners in changed.items()
    )
    return (
        f"CREATE OR REPLACE FUNCTION {_postgres_function(column)}() RETURNS trigger"
        f" LANGUAGE plpgsql AS $$ BEGIN IF {branches}"
        f" ELSE UPDATE {VERSIONS} SET version = version + 1; END IF; RETURN NULL; END $$"
    )


def postgres_statements() -> list[str]:
    """The table of owners noted and its deferred trigger, a trigger function per owner column,
    and the statement triggers of each watched table."""
    statements = [
        f"CREATE TABLE {PENDING} (owner_id bigint NOT NULL)",
        f"CREATE OR REPLACE FUNCTION {PENDING}_bump() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {_bump_sql('SELECT NEW.owner_id AS owner')};"
        f" DELETE FROM {PENDING} WHERE ctid = NEW.ctid; RETURN NULL; END $$",
        f"CREATE CONSTRAINT TRIGGER {PENDING}_bump AFTER INSERT ON {PENDING}"
        f" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {PENDING}_bump()",
        *(_postgres_function_sql(column) for column in _owner_columns()),
    ]
    transitions = {
        "insert": "REFERENCING NEW TABLE AS new_rows",
        "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "REFERENCING OLD TABLE AS old_rows",
        "truncate": "",
    }
    for table, column in WATCHED:
        for event, transition in transitions.items():
            statements.append(
                f"CREATE TRIGGER {trigger_name(table, event)} AFTER {event.upper()} ON {table}"
                f" {transition} FOR EACH STATEMENT EXECUTE FUNCTION {_postgres_function(column)}()"
            )
    return statements


def _owner_columns() -> list[str]:
    return sorted({column for _, column in WATCHED})


def sqlite_statements() -> list[str]:
    """The row triggers of each watched table (an update counts for the row's owner before and
    after it)."""
    statements = []
    for table, column in WATCHED:
        rows = {"insert": ["NEW"], "update": ["OLD", "NEW"], "delete": ["OLD"]}
        for event in EVENTS:
            bumps = " ".join(
                f"{_bump_sql(f'SELECT {row}.{column} AS owner')};" for row in rows[event]
            )
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {trigger_name(table, event)}"
                f" AFTER {event.upper()} ON {table} BEGIN {bumps} END"
            )
    return statements


def _sqlite_drop_statements() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {trigger_name(table, event)}"
            for table, _ in WATCHED for event in EVENTS]  # fmt: skip


def triggers_create(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": postgres_statements, "sqlite": sqlite_statements}
    for statement in statements.get(vendor, list)():
        schema_editor.execute(statement)


def triggers_drop(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in _sqlite_drop_statements():
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for table, _ in WATCHED:
            for event in (*EVENTS, "truncate"):
                schema_editor.execute(
                    f"DROP TRIGGER IF EXISTS {trigger_name(table, event)} ON {table}"
                )
        for column in _owner_columns():
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {_postgres_function(column)}()")
        schema_editor.execute(f"DROP TABLE IF EXISTS {PENDING}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {PENDING}_bump()")
