"""The data inside a backup, independent of the database engine: one JSON Lines member per
table, one row per line as an array of values in the order of the manifest's `tables` entry.
Decimals, UUIDs, dates and timestamps are written as text (timestamps in UTC), so a backup taken
on SQLite restores into PostgreSQL and back, value for value.

Reading happens inside one consistent snapshot of the database (`snapshot`) that never blocks
the application's writers; loading inserts in batches, as the import does."""

import contextlib
import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Iterator

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connections, models, transaction

from accounts.models import ApiToken, Preferences
from catalog.models import Brand, Retailer
from purchases.models import Attachment, Purchase
from spends.bulk import insert_rows
from warranties.models import CalendarFeed, Warranty, WarrantyReminder

BATCH_SIZE = 2000


def dumped_models() -> tuple[type[models.Model], ...]:
    """Every table of the instance's data, each after the tables it refers to."""
    return (
        get_user_model(), Preferences, ApiToken, CalendarFeed, Retailer, Brand, Purchase,
        Warranty, WarrantyReminder, Attachment,
    )  # fmt: skip


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def model_for(table: str) -> type[models.Model]:
    return {label(model): model for model in dumped_models()}[table]


def dumped_labels() -> list[str]:
    return [label(model) for model in dumped_models()]


def columns(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


@contextlib.contextmanager
def snapshot(using: str = "default") -> Iterator[None]:
    """Everything read inside sees the database as it was at one moment, while the
    application's readers and writers go on. PostgreSQL: a read-only repeatable-read
    transaction. SQLite: a deferred read transaction, which WAL mode serves from the moment of
    its first read without taking the write lock (the connection's usual transactions are
    IMMEDIATE, which would hold writers back for the whole backup). Inside a transaction that
    is already open (a caller's, or a test's), that transaction is the snapshot."""
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("COMMIT")


def _encode(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


class TableDump:
    """A table's rows as JSON lines, in primary-key order, read in batches; `count` is how many
    were written once `chunks` is exhausted. `on_row`, when set, sees each row's values by
    column (the attachments' hashes are collected so)."""

    def __init__(self, model: type[models.Model], using: str):
        self.model = model
        self.using = using
        self.count = 0
        self.on_row: Callable[[dict], None] | None = None

    def chunks(self) -> Iterator[bytes]:
        names = columns(self.model)
        rows = self.model._default_manager.using(self.using).order_by("pk").values_list(*names)
        batch: list[bytes] = []
        for values in rows.iterator(chunk_size=BATCH_SIZE):
            if self.on_row is not None:
                self.on_row(dict(zip(names, values, strict=True)))
            batch.append(json.dumps([_encode(value) for value in values], separators=(",", ":")))
            if len(batch) >= BATCH_SIZE:
                yield self._flush(batch)
        if batch:
            yield self._flush(batch)

    def _flush(self, batch: list[str]) -> bytes:
        self.count += len(batch)
        chunk = ("\n".join(batch) + "\n").encode()
        batch.clear()
        return chunk


class LoadError(Exception):
    pass


class TableLoader:
    """Turns a table's lines back into rows for the database, field by field. A backup made
    before a column existed restores with that column's default; a column this version does
    not know is refused (the archive comes from another program or a newer version)."""

    def __init__(self, model: type[models.Model], names: list[str]):
        fields = {field.attname: field for field in model._meta.concrete_fields}
        if unknown := [name for name in names if name not in fields]:
            raise LoadError(
                f"its {label(model)} rows have columns this version does not know "
                f"({', '.join(unknown[:5])})"
            )
        self.model = model
        self.fields = [fields[name] for name in names]
        # Each field's allowed values, worked out once rather than a row.
        self.choices = {
            field.attname: {choice for choice, _ in field.flatchoices} if field.choices else None
            for field in self.fields
        }
        self.defaults = {
            attname: field.get_default()
            for attname, field in fields.items()
            if attname not in names
        }

    def row(self, line: bytes, number: int, *, check: bool = False) -> dict:
        """The row on `line` (1-based `number`), by attname. With `check`, every value must also
        pass its field's rules (length, decimal places, choices), as the archive is checked
        before a restore; loading it again after that check need not repeat them."""
        try:
            values = json.loads(line)
        except ValueError:
            raise LoadError(f"line {number} of {label(self.model)} is not valid JSON") from None
        if not isinstance(values, list) or len(values) != len(self.fields):
            raise LoadError(f"line {number} of {label(self.model)} has the wrong shape")
        row = dict(self.defaults)
        try:
            for field, value in zip(self.fields, values, strict=True):
                row[field.attname] = converted = None if value is None else field.to_python(value)
                if check:
                    self._check(field, converted)
        except (ValidationError, TypeError, ValueError) as error:
            detail = " ".join(error.messages) if isinstance(error, ValidationError) else error
            raise LoadError(
                f"line {number} of {label(self.model)} holds an invalid {field.attname} ({detail})"
            ) from None
        return row

    def _check(self, field: models.Field, value) -> None:
        if value is None:
            if not field.null:
                raise ValidationError("it may not be empty")
            return
        # Relations are checked by the database when the rows go in; a lookup a row is too slow.
        if field.is_relation:
            return
        choices = self.choices[field.attname]
        if choices is not None and value not in choices:
            raise ValidationError(f"{value!r} is not one of its choices")
        field.run_validators(value)

    def insert(self, rows: list[dict], using: str) -> None:
        insert_rows(self.model, rows, using=using)


def delete_all(using: str, kept_user_ids: set) -> None:
    """Empties the backed-up tables (inside the restore's transaction), and settles the rows of
    other tables that refer to accounts: those of an account that is restored as it was keep
    it; an instance-wide job (a backup, this very restore) loses its owner; anything else of an
    account that goes is deleted with it."""
    connection = connections[using]
    user_model = get_user_model()
    with connection.cursor() as cursor:
        for model in reversed(dumped_models()):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    _settle_references(using, user_model, kept_user_ids)


def _settle_references(using: str, user_model, kept_user_ids: set) -> None:
    from jobs.models import INSTANCE_KINDS, Job

    dumped = set(dumped_models())
    kept = list(kept_user_ids)
    # Every table that refers to accounts, those with a hidden reverse relation ("+") included.
    relations = [
        field
        for field in user_model._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    ]
    for relation in relations:
        model = relation.related_model
        if model in dumped:
            continue
        name = relation.field.name
        rows = model._default_manager.using(using).filter(
            models.Q(**{f"{name}__isnull": False}) & ~models.Q(**{f"{name}__in": kept})
        )
        if model is Job:
            rows.filter(kind__in=INSTANCE_KINDS).update(owner=None)
            rows = rows.exclude(kind__in=INSTANCE_KINDS)
        rows.delete()
    # The group and permission grants of accounts that go (the many-to-many tables).
    for through in (user_model.groups.through, user_model.user_permissions.through):
        through._default_manager.using(using).exclude(user_id__in=kept).delete()


def reset_sequences(using: str) -> None:
    """PostgreSQL hands out integer ids (the accounts') from a sequence that restored rows did
    not advance; move it past them. SQLite needs nothing."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(dumped_models()))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
