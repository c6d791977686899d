"""The inventory's search (SPEC 3): case-insensitive "contains" over a purchase's product name,
notes, serial and model number, and its retailer's and brand's names, answered by an index.

Scanning every purchase for LIKE '%term%' in six columns took 0.2 s at 100,000 purchases on
either engine. Instead:
- the four columns of the purchase are one text (a line each, so a term never matches across
  two of them), indexed by trigrams: PostgreSQL's pg_trgm GIN index serves LIKE on it, and on
  SQLite an FTS5 table with the trigram tokenizer (one row per purchase, under its rowid) finds
  the purchases whose text holds the term as a phrase of its trigrams, which is exactly "holds
  the term";
- the retailers and brands whose name holds the term are looked up first (a few dozen rows), and
  the purchases of those are found by their indexes.
A term shorter than three characters has no trigram to look up; it falls back to the scan.
Migration 0007 creates the indexes; this module owns their definitions.

On SQLite triggers keep the FTS table up to date, a row at a time. A write of many purchases at
once (an import, a restore) runs inside `search_index_deferred` instead, which indexes them all
at its end, in one statement.
"""

import contextlib
from collections.abc import Iterator

from django.db import connections, router, transaction
from django.db.models import BooleanField, Expression, Q

from catalog.models import Brand, Retailer

SEARCHED_COLUMNS = ("product_name", "notes", "serial_number", "model_number")
# Trigrams: a term needs at least this many characters for the index to find it.
MIN_INDEXED_LENGTH = 3
POSTGRES_INDEX = "purchase_search_trgm"
SQLITE_TABLE = "purchases_search"


def _text_sql(table: str, newline: str) -> str:
    """The purchase's searched text as SQL: its columns (of `table`) a line each."""
    return f" || {newline} || ".join(f"{table}.{column}" for column in SEARCHED_COLUMNS)


def _postgres_text_sql(table: str) -> str:
    # Lowered, as the index holds it and as LIKE compares it.
    return f"lower({_text_sql(table, 'chr(10)')})"


def search_condition(owner, search: str) -> Q:
    """The purchases of `owner` that `search` finds (an empty Q for a blank one)."""
    from purchases.models import Purchase

    term = search.strip()
    if not term:
        return Q()
    if "\x00" in term:
        # No stored text holds a NUL character (PostgreSQL refuses one, and FTS5 queries cannot
        # carry one), so nothing is found.
        return Q(pk__in=[])
    retailer_ids = _catalog_ids(owner, Retailer, term)
    brand_ids = _catalog_ids(owner, Brand, term)
    vendor = connections[router.db_for_read(Purchase)].vendor
    if len(term) < MIN_INDEXED_LENGTH or vendor not in ("postgresql", "sqlite"):
        text = Q()
        for column in SEARCHED_COLUMNS:
            text |= Q(**{f"{column}__icontains": term})
    else:
        text = Q(TextMatch(term))
    condition = text
    if retailer_ids:
        condition |= Q(retailer_id__in=retailer_ids)
    if brand_ids:
        condition |= Q(brand_id__in=brand_ids)
    return condition


class TextMatch(Expression):
    """The purchase's text holds `term`, found through the search index of the engine. The
    purchases table must be the query's own (base) table, under whatever alias it has."""

    output_field = BooleanField()

    def __init__(self, term: str):
        super().__init__()
        self.term = term

    def _table(self, compiler) -> str:
        return compiler.quote_name(compiler.query.base_table)

    def as_postgresql(self, compiler, connection):
        # The same expression as the index (the planner matches the two), and LIKE, which the
        # trigram index serves.
        pattern = f"%{connection.ops.prep_for_like_query(self.term.lower())}%"
        return f"{_postgres_text_sql(self._table(compiler))} LIKE %s", [pattern]

    def as_sqlite(self, compiler, connection):
        # By rowid, which every index of the table holds, so that counting the matches reads no
        # purchase row (naming them by id read every one: 0.17 s at 100,000). FTS5 phrase
        # syntax: the term in double quotes, a double quote doubled.
        phrase = '"' + self.term.replace('"', '""') + '"'
        matches = f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s"
        return f"{self._table(compiler)}.rowid IN ({matches})", [phrase]


def _catalog_ids(owner, model, term: str) -> list:
    matching = model.objects.filter(owner=owner, name__icontains=term)
    return list(matching.values_list("id", flat=True))


# The indexes (migration 0007) -------------------------------------------------------------------


def postgres_search_index_create(schema_editor) -> None:
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {POSTGRES_INDEX} ON purchases_purchase"
        f" USING gin (({_postgres_text_sql('purchases_purchase')}) gin_trgm_ops)"
    )


SQLITE_PURCHASES = "purchases_purchase"
# The triggers that keep the FTS table up to date, by the event on the purchases table.
SQLITE_TRIGGERS = {
    "insert": f"AFTER INSERT ON {SQLITE_PURCHASES} BEGIN INSERT INTO {SQLITE_TABLE}(rowid, body)"
    f" VALUES (new.rowid, {_text_sql('new', 'char(10)')}); END",
    "delete": f"AFTER DELETE ON {SQLITE_PURCHASES} BEGIN"
    f" DELETE FROM {SQLITE_TABLE} WHERE rowid = old.rowid; END",
    "update": f"AFTER UPDATE OF {', '.join(SEARCHED_COLUMNS)} ON {SQLITE_PURCHASES} BEGIN"
    f" UPDATE {SQLITE_TABLE} SET body = {_text_sql('new', 'char(10)')} WHERE rowid = new.rowid;"
    " END",
}


def _sqlite_trigger(event: str) -> str:
    return f"{SQLITE_TABLE}_{event}"


def _sqlite_fill(after_rowid: int | None = None) -> str:
    """Indexes the purchases whose rowid is above `after_rowid` (all of them without it)."""
    where = "" if after_rowid is None else f" WHERE rowid > {int(after_rowid)}"
    return (
        f"INSERT INTO {SQLITE_TABLE}(rowid, body) SELECT rowid,"
        f" {_text_sql(SQLITE_PURCHASES, 'char(10)')} FROM {SQLITE_PURCHASES}{where}"
    )


def _sqlite_create_statements() -> list[str]:
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5(body, tokenize='trigram')",
        f"DELETE FROM {SQLITE_TABLE}",
        _sqlite_fill(),
        *(
            f"CREATE TRIGGER IF NOT EXISTS {_sqlite_trigger(event)} {body}"
            for event, body in SQLITE_TRIGGERS.items()
        ),
    ]


def _sqlite_drop_statements() -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {_sqlite_trigger(event)}" for event in SQLITE_TRIGGERS),
        f"DROP TABLE IF EXISTS {SQLITE_TABLE}",
    ]


def sqlite_search_index_create(schema_editor) -> None:
    """The FTS5 table, filled from the purchases there are, and the triggers that keep it so."""
    for statement in _sqlite_create_statements():
        schema_editor.execute(statement)


def search_index_drop(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {POSTGRES_INDEX}")
    elif schema_editor.connection.vendor == "sqlite":
        for statement in _sqlite_drop_statements():
            schema_editor.execute(statement)


@contextlib.contextmanager
def search_index_deferred(using: str = "default", *, rebuild: bool = False) -> Iterator[None]:
    """A block that writes many purchases at once (an import, a restore), run in a transaction
    (a savepoint inside one already open), whose purchases are indexed at its end rather than
    one by one.

    SQLite: the trigger that indexes each inserted purchase is suspended inside the block, and
    the purchases inserted are indexed at its end in one statement; the trigger run a row made
    an import of 100,000 rows twice as slow. The inserted purchases are those whose rowid is
    above the largest there was (all of them when there was none): nobody else inserts
    meanwhile, since the block holds SQLite's one write lock from its first statement (dropping
    the trigger) to the end of the transaction. Updates stay indexed by their trigger. With
    `rebuild` (the block replaces every purchase: a restore), deletions are not indexed one by
    one either: the index is built again at the end. Dropping a trigger is transactional, so a
    block that fails leaves the triggers and the index as they were.

    PostgreSQL maintains its index itself, and needs nothing here (a larger GIN pending list
    for the block, merged once at its end, measured no faster).
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor != "sqlite":
            yield
            return
        suspended = list(SQLITE_TRIGGERS) if rebuild else ["insert"]
        with connection.cursor() as cursor:
            for event in suspended:
                cursor.execute(f"DROP TRIGGER {_sqlite_trigger(event)}")
            cursor.execute(f"SELECT max(rowid) FROM {SQLITE_PURCHASES}")
            (last_rowid,) = cursor.fetchone()
        yield
        with connection.cursor() as cursor:
            if rebuild:
                for statement in [*_sqlite_drop_statements(), *_sqlite_create_statements()]:
                    cursor.execute(statement)
                return
            cursor.execute(_sqlite_fill(last_rowid))
            for event in suspended:
                cursor.execute(f"CREATE TRIGGER {_sqlite_trigger(event)} {SQLITE_TRIGGERS[event]}")
