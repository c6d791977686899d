"""Importing purchases from a CSV or JSON export (SPEC section 6).

An import reads its rows once. Each row is checked, then written in batches, all inside one
transaction: the first invalid row (unless `partial`) stops the writing and rolls back what was
written, so an import that stops half way leaves no trace, and the rest of the file is only
checked, so that the report still lists every problem. A dry run only checks. Rows are never
all held as objects at once: memory stays near the size of the file itself.

Each row goes through the conversions once (tens of microseconds a row, so 100,000 rows take
seconds; checking the whole file before writing it made an import a third slower): what is
worked out once per file (the columns' places, the fields' rules, the ids other users have) is
not worked out again per row. The rows are written with the connection set up for many rows
(spends.bulk.bulk_writing), and the search index takes in the new purchases once, at the end
(purchases.search.search_index_deferred). On PostgreSQL the server inserts a batch's purchases
while the next batch is read (spends.bulk.RowStream): with their indexes, they are most of its
work.
"""

import csv
import dataclasses
import datetime
import functools
import io
import json
import math
import re
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.selectors import preferences_for
from catalog.models import Brand, CatalogEntry, Retailer
from purchases.dataformat import CSV_COLUMNS, FORMAT_NAME, FORMAT_VERSION, unescape_cell
from purchases.models import Purchase, PurchaseStatus
from purchases.search import search_index_deferred
from spends.bulk import RowStream, bulk_writing, insert_rows
from spends.dates import DATE_FORMAT_PATTERNS, format_date, parse_date
from spends.errors import ApplicationError, PayloadTooLarge
from spends.uploads import size_limit_text
from warranties.models import Warranty, WarrantyType
from warranties.status import WarrantyStatus

IMPORT_FORMATS = ("csv", "json")
DUPLICATE_POLICIES = ("skip", "update")
BATCH_SIZE = 1000
# A report lists at most this many problems (the counts stay exact), so that a file of 100,000
# bad rows answers with a readable report rather than megabytes of it.
MAX_LISTED_ERRORS = 1000
REQUIRED_COLUMNS = ("product_name", "price", "purchase_date")
CSV_WARRANTY_COLUMNS = {
    "warranty_start": "warranty_start",
    "warranty_end": "warranty_end",
    "warranty_type": "warranty_type",
    "warranty_status": "voided",
    "warranty_provider": "provider",
    "warranty_notes": "notes",
}
PURCHASE_TEXT_FIELDS = ("serial_number", "model_number", "order_number", "notes")
# The fields a row may set; `warranty` is a dict of warranty fields, or None for "no warranty".
PURCHASE_VALUE_FIELDS = (
    "product_name", "price", "currency_code", "status", "purchase_date", "retailer_id",
    "brand_id", *PURCHASE_TEXT_FIELDS,
)  # fmt: skip
# Choice fields are checked against their choices once per row here (a set lookup) instead of
# by Field.validate, which walks the whole currency list for every row.
PURCHASE_CHOICES = {
    name: frozenset(value for value, _ in Purchase._meta.get_field(name).flatchoices)
    for name in ("currency_code", "status")
}
WARRANTY_TYPES = frozenset(WarrantyType.values)
# The fields whose model rules (lengths, digits, ranges) the first pass checks on every row.
CHECKED_PURCHASE_FIELDS = ("product_name", "price", "purchase_date", *PURCHASE_TEXT_FIELDS)
WARRANTY_VALUE_FIELDS = (
    "warranty_start", "warranty_end", "warranty_type", "voided", "provider", "notes",
)  # fmt: skip
CHECKED_WARRANTY_FIELDS = ("warranty_start", "provider", "notes")
# Prices as people write them: 1234.56, or with thousands separated by commas, 1,234.56.
PRICE_PATTERN = re.compile(r"-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?")


class ImportFileError(ApplicationError):
    """The file as a whole cannot be read as an export of this kind."""

    status_code = 422


class RowError(Exception):
    """A problem with one value of one row; `field` is the name the file uses for it."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclasses.dataclass(frozen=True)
class ImportOptions:
    on_duplicate: str = "skip"
    dry_run: bool = False
    partial: bool = False

    def __post_init__(self):
        if self.on_duplicate not in DUPLICATE_POLICIES:
            raise ValidationError({"on_duplicate": "Choose skip or update."})


@dataclasses.dataclass
class ImportReport:
    """What an import did, or would do (a dry run, or one stopped by invalid rows)."""

    dry_run: bool
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[dict] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    # Invalid rows stopped it: nothing was (or would be) written.
    stopped: bool = False

    def add_error(self, row: int, field: str | None, message: str) -> None:
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append({"row": row, "field": field, "message": message})

    def as_dict(self) -> dict:
        warnings = list(self.warnings)
        if self.failed and len(self.errors) >= MAX_LISTED_ERRORS:
            warnings.append(f"Only the first {MAX_LISTED_ERRORS:,} problems are listed.")
        return {
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "failed": self.failed,
            "errors": self.errors,
            "warnings": warnings,
        }


@dataclasses.dataclass
class SourceRow:
    """One purchase as the file gives it: `number` is what the report calls its row, `values`
    the raw values by canonical name (only those the file has), `error` why the row cannot be
    read at all."""

    number: int
    values: dict
    error: str | None = None


Progress = Callable[..., None]


def import_check_size(size: int) -> None:
    limit = settings.SPENDS_MAX_IMPORT_BYTES
    if size > limit:
        raise PayloadTooLarge(
            f"The file is {size_limit_text(size)}; imports may be at most {size_limit_text(limit)}."
        )


def import_detect_format(filename: str, data: bytes) -> str:
    """`json` or `csv`, for a page where a person picks any export file."""
    if filename.lower().endswith(".json"):
        return "json"
    if filename.lower().endswith(".csv"):
        return "csv"
    return "json" if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" else "csv"


def import_open(data: bytes, file_format: str) -> "CsvSource | JsonSource":
    """The file read as an export of `file_format`, or ImportFileError saying why not."""
    if file_format not in IMPORT_FORMATS:
        raise ImportFileError("Choose csv or json.")
    try:
        # Decoded whole once to know it is text; a CSV is then decoded again as it is read
        # rather than kept as a string beside its bytes.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            f"This is not a {file_format.upper()} file: it is not UTF-8 text."
        ) from None
    if "\x00" in text:
        raise ImportFileError(f"This is not a {file_format.upper()} file: it contains binary data.")
    if file_format == "csv":
        del text
        return CsvSource(data)
    return JsonSource(text)


def import_purchases(
    *,
    owner,
    data: bytes,
    file_format: str,
    options: ImportOptions,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import the owner's purchases (with their warranties, retailers and brands) from `data`,
    an export in `file_format`. `progress(done, total, stage=...)` hears how far it has got:
    rows done of the file's rows, and whether they are being imported or only checked. The
    size limit is the uploads' (import_check_size, called where a file is uploaded); a command
    reading a file already on the server may import a larger one."""
    source = import_open(data, file_format)
    rows = source.count()
    report_progress = progress or (lambda *args, **kwargs: None)
    return _Import(owner, source, options, batch_size=batch_size).run(
        lambda done, stage: report_progress(done, rows, stage=stage)
    )


# Reading the file --------------------------------------------------------------------------


class CsvSource:
    """A CSV export, or any CSV whose header names at least the required columns (in any case,
    order and spacing). Row numbers are the line on which a record starts; the header is 1."""

    def __init__(self, data: bytes):
        self.data = data
        reader = self._reader()
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise ImportFileError(f"This is not a CSV file: {error}.") from None
        if header is None:
            raise ImportFileError("The file is empty.")
        names = [cell.strip().lower() for cell in header]
        seen = set()
        for name in names:
            if name and name in seen:
                raise ImportFileError(f"The column “{name}” appears twice in the header.")
            seen.add(name)
        missing = [name for name in REQUIRED_COLUMNS if name not in seen]
        if missing:
            raise ImportFileError(
                "This is not a CSV of purchases: its first line must name the columns, with at "
                f"least {', '.join(REQUIRED_COLUMNS)} (missing: {', '.join(missing)})."
            )
        self.columns = names
        self.unknown_columns = [name for name in names if name and name not in CSV_COLUMNS]
        self.has_warranty = any(name in CSV_WARRANTY_COLUMNS for name in names)
        # Where each known column's cell goes, worked out once rather than for every cell: the
        # purchase's values by column, the warranty's by its field.
        self.purchase_cells = [
            (position, name) for position, name in enumerate(names)
            if name in CSV_COLUMNS and name not in CSV_WARRANTY_COLUMNS
        ]  # fmt: skip
        self.warranty_cells = [
            (position, CSV_WARRANTY_COLUMNS[name]) for position, name in enumerate(names)
            if name in CSV_WARRANTY_COLUMNS
        ]  # fmt: skip

    def _reader(self):
        text = io.TextIOWrapper(io.BytesIO(self.data), encoding="utf-8-sig", newline="")
        return csv.reader(text, strict=True)

    def labels(self) -> dict:
        return {
            "retailer": "retailer",
            "brand": "brand",
            **{f"warranty.{field}": column for column, field in CSV_WARRANTY_COLUMNS.items()},
        }

    def warnings(self) -> list[str]:
        return [
            f"The column “{name}” is not one this application knows; it was ignored."
            for name in self.unknown_columns
        ]

    def catalog_entries(self, kind: str) -> list[dict]:
        return []

    def count(self) -> int:
        return self._survey[0]

    def given_ids(self) -> dict[str, list]:
        """The ids the file gives its purchases, as written (a CSV gives warranties none)."""
        return {"purchase": self._survey[1], "warranty": []}

    @functools.cached_property
    def _survey(self) -> tuple[int, list[str]]:
        """The count of records and the ids they give: one pass for both, read before the rows
        (parsing the file is about a tenth of an import's Python work)."""
        position = self.columns.index("id") if "id" in self.columns else None
        count, ids = 0, []
        for _, cells in self._records():
            count += 1
            if position is not None and len(cells) > position:
                ids.append(cells[position])
        return count, ids

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader()
        try:
            next(reader)
            line = reader.line_num
            for cells in reader:
                start, line = line + 1, reader.line_num
                if any(map(str.strip, cells)):
                    yield start, cells
        except csv.Error as error:
            raise ImportFileError(
                f"This is not a CSV file that can be read: line {reader.line_num}: {error}."
            ) from None

    def rows(self) -> Iterator[SourceRow]:
        width = len(self.columns)
        for number, cells in self._records():
            if len(cells) > width:
                problem = f"This row has {len(cells)} cells; the header names {width} columns."
                yield SourceRow(number, {}, error=problem)
                continue
            purchase_cells, warranty_cells = self.purchase_cells, self.warranty_cells
            if len(cells) < width:  # the cells it lacks are absent, not blank
                purchase_cells = [cell for cell in purchase_cells if cell[0] < len(cells)]
                warranty_cells = [cell for cell in warranty_cells if cell[0] < len(cells)]
            values = {name: unescape_cell(cells[position]) for position, name in purchase_cells}
            if self.has_warranty:
                warranty = {}
                for position, field in warranty_cells:
                    if (cell := unescape_cell(cells[position])).strip():
                        warranty[field] = cell
                values["warranty"] = warranty or None
            yield SourceRow(number, values)


class JsonSource:
    """A JSON export of this application: `{"format": "spends-tracker", "version": 1, ...}`.
    Row numbers are indexes in its `purchases` array, from 0."""

    def __init__(self, text: str):
        try:
            document = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as error:
            raise ImportFileError(
                f"This is not a JSON file that can be read: line {error.lineno}, "
                f"column {error.colno}: {error.msg}."
            ) from None
        except RecursionError:
            raise ImportFileError("This JSON file is nested too deeply to be read.") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
            raise ImportFileError(
                f'This JSON is not a Spends Tracker export: it has no "format": "{FORMAT_NAME}".'
            )
        version = document.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise ImportFileError('This export has no valid "version" number.')
        if version > FORMAT_VERSION:
            raise ImportFileError(
                f"This export was written by a newer version of Spends Tracker (format version "
                f"{version}); this one reads version {FORMAT_VERSION}. Update first."
            )
        purchases = document.get("purchases", [])
        if not isinstance(purchases, list):
            raise ImportFileError('The export\'s "purchases" must be a list.')
        self.purchases = purchases
        self.catalogs = {
            kind: [entry for entry in document.get(kind) or [] if isinstance(entry, dict)]
            if isinstance(document.get(kind), list)
            else []
            for kind in ("retailers", "brands")
        }
        self.attachment_count = sum(
            len(item.get("attachments") or [])
            for item in purchases
            if isinstance(item, dict) and isinstance(item.get("attachments"), list)
        )

    def labels(self) -> dict:
        return {"retailer": "retailer_name", "brand": "brand_name"}

    def warnings(self) -> list[str]:
        if not self.attachment_count:
            return []
        return [
            f"The export lists {self.attachment_count:,} attachments; exports carry no files, so "
            "none were imported (files travel in backups)."
        ]

    def catalog_entries(self, kind: str) -> list[dict]:
        return self.catalogs[kind]

    def count(self) -> int:
        return len(self.purchases)

    def given_ids(self) -> dict[str, list]:
        """The ids the file gives its purchases and their warranties, as written."""
        items = [item for item in self.purchases if isinstance(item, dict)]
        warranties = [item["warranty"] for item in items if isinstance(item.get("warranty"), dict)]
        return {
            "purchase": [item.get("id") for item in items],
            "warranty": [warranty.get("id") for warranty in warranties],
        }

    def rows(self) -> Iterator[SourceRow]:
        names = {entry.get("id"): entry.get("name") for kind in self.catalogs.values()
                 for entry in kind}  # fmt: skip
        for index, item in enumerate(self.purchases):
            if not isinstance(item, dict):
                yield SourceRow(index, {}, error="A purchase must be an object.")
                continue
            values = {
                key: item[key]
                for key in (
                    "id", "product_name", "price", "currency_code", "status", "purchase_date",
                    *PURCHASE_TEXT_FIELDS, "created_at", "updated_at", "warranty",
                )
                if key in item
            }  # fmt: skip
            for relation in ("retailer", "brand"):
                name = item.get(f"{relation}_name", item.get(relation))
                if name is None and item.get(f"{relation}_id") is not None:
                    name = names.get(item[f"{relation}_id"])
                if f"{relation}_name" in item or relation in item or f"{relation}_id" in item:
                    values[relation] = name
            yield SourceRow(index, values)


# Checking and writing ------------------------------------------------------------------------


class _Catalog:
    """The owner's retailers (or brands) by lowered name, and the ones this import adds. A new
    name takes the id, url and times the export gave it, when it gave them."""

    def __init__(
        self, owner, model: type[CatalogEntry], file_entries: list[dict], report, *, write: bool
    ):
        self.owner = owner
        self.model = model
        self.report = report
        self.ids = {
            name.lower(): entry_id
            for entry_id, name in model.objects.filter(owner=owner).values_list("id", "name")
        }
        self.file_entries = {
            str(entry.get("name", "")).strip().lower(): entry for entry in file_entries
        }
        self.pending: list[CatalogEntry] = []
        self.added: list[str] = []
        self.valid_names: set[str] = set()
        given = [_uuid(entry.get("id")) for entry in file_entries]
        self.foreign_ids = _foreign_ids(owner, model, given) if write else set()

    def check(self, name, field: str) -> str:
        """The name as it will be used, or RowError when it cannot be one. Nothing is added
        yet: a row that turns out to be a skipped duplicate adds no retailer."""
        name = _text(name, field).strip()
        key = name.lower()
        if name and key not in self.ids and key not in self.valid_names:
            try:
                self.model(owner=self.owner, name=name).clean_fields(
                    exclude=["id", "owner", "url", "created_at", "updated_at"]
                )
            except ValidationError as error:
                raise RowError(field, " ".join(error.messages)) from None
            self.valid_names.add(key)
        return name

    def resolve(self, name: str) -> uuid.UUID | None:
        """The id of a name `check` accepted, adding the entry when the owner has none."""
        if not name:
            return None
        key = name.lower()
        if key in self.ids:
            return self.ids[key]
        entry = self.model(owner=self.owner, name=name)
        entry.updated_at = entry.created_at
        given = self.file_entries.get(key, {})
        given_id = _uuid(given.get("id"))
        if given_id is not None and given_id not in self.foreign_ids:
            entry.id = given_id
        url = given.get("url") or ""
        entry.url = url if isinstance(url, str) else ""
        try:
            entry.clean_fields(exclude=["id", "owner", "name", "created_at", "updated_at"])
        except ValidationError:
            self.report.warnings.append(f"The address of “{name}” is not valid; it was left out.")
            entry.url = ""
        for stamp in ("created_at", "updated_at"):
            if when := _timestamp_or_none(given.get(stamp)):
                setattr(entry, stamp, when)
        self.ids[key] = entry.id
        self.pending.append(entry)
        self.added.append(name)
        return entry.id

    def flush(self) -> None:
        if self.pending:
            self.model.objects.bulk_create(self.pending)
            self.pending = []

    def summary(self, write: bool) -> str | None:
        if not self.added:
            return None
        meta = self.model._meta
        label = meta.verbose_name if len(self.added) == 1 else meta.verbose_name_plural
        shown = ", ".join(self.added[:10]) + (f" and {len(self.added) - 10:,} more"
                                               if len(self.added) > 10 else "")  # fmt: skip
        verb = "Created" if write else "Will create"
        return f"{verb} {len(self.added):,} {label}: {shown}."


# Ids looked up per query by _foreign_ids on engines other than PostgreSQL (within every
# engine's limit on parameters).
FOREIGN_IDS_PER_QUERY = 10_000


def _foreign_ids(owner, model, ids) -> set[uuid.UUID]:
    """Of the ids an export gave (as written; those that are no id are left out), those another
    user's row in this instance already has: a row given one of them gets a new id instead
    (silently: whose it is must not show)."""
    ids = list({parsed for given in ids if (parsed := _uuid(given)) is not None})
    db = connections[router.db_for_read(model)]
    if ids and db.vendor == "postgresql":
        # The ids as one array: the queries of 10,000 placeholders each took four times as long
        # (2 s for an import of 100,000 rows, before its first row).
        quote, meta = db.ops.quote_name, model._meta
        with db.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote(meta.pk.column)} FROM {quote(meta.db_table)} "
                f"WHERE {quote(meta.pk.column)} = ANY(%s) "
                f"AND {quote(meta.get_field('owner').column)} <> %s",
                [ids, owner.pk],
            )
            return {foreign_id for (foreign_id,) in cursor.fetchall()}
    foreign = set()
    for start in range(0, len(ids), FOREIGN_IDS_PER_QUERY):
        chunk = ids[start : start + FOREIGN_IDS_PER_QUERY]
        foreign.update(
            model.objects.filter(id__in=chunk).exclude(owner=owner).order_by()
            .values_list("id", flat=True)
        )  # fmt: skip
    return foreign


class _Stopped(Exception):
    """An invalid row stopped an import (not `partial`): what it wrote is rolled back."""


class _Import:
    """The pass over the file: it checks every row and, unless it is a dry run, writes them
    (until an invalid row stops the writing; see the module's description)."""

    def __init__(self, owner, source, options: ImportOptions, *, batch_size=BATCH_SIZE):
        self.owner = owner
        self.source = source
        self.options = options
        self.write = not options.dry_run
        self.batch_size = batch_size
        self.report = ImportReport(dry_run=options.dry_run)
        # The time of rows the file gives no times for.
        self.now = timezone.now()
        # Ids the file gives that another user's row has: the rows given them get new ids.
        self.foreign_ids: dict[type, set] = {Purchase: set(), Warranty: set()}
        if self.write:
            given = source.given_ids()
            for model, kind in ((Purchase, "purchase"), (Warranty, "warranty")):
                self.foreign_ids[model] = _foreign_ids(owner, model, given[kind])
        self.replaced_ids: dict[uuid.UUID, uuid.UUID] = {}
        self.labels = source.labels()
        preferences = preferences_for(owner)
        self.currency = preferences.currency_code
        self.date_format = preferences.date_format
        self.catalogs = {
            relation: _Catalog(
                owner, model, source.catalog_entries(f"{relation}s"), self.report,
                write=self.write,
            )
            for relation, model in (("retailer", Retailer), ("brand", Brand))
        }  # fmt: skip
        # The owner's purchases by id and by what makes two purchases the same (SPEC 6), kept
        # up to date as rows are added, so a row repeated in the file is a duplicate too.
        self.keys: dict[uuid.UUID, tuple] = {}
        self.by_key: dict[tuple, uuid.UUID] = {}
        existing = Purchase.objects.filter(owner=owner).values_list(
            "id", "product_name", "purchase_date", "price", "currency_code", "retailer__name"
        )
        for purchase_id, *fields in existing.iterator(chunk_size=5000):
            self._remember(purchase_id, _natural_key(*fields))
        self.creates: dict[uuid.UUID, tuple[dict, dict | None]] = {}
        # Where the new purchases and warranties go while the rows are written (run).
        self.new_rows: RowStream | None = None
        self.warranty_probe = Warranty(owner=owner)
        self.updates: dict[uuid.UUID, tuple[dict, dict | None | bool]] = {}

    def _remember(self, purchase_id, key) -> None:
        old = self.keys.get(purchase_id)
        if old is not None and self.by_key.get(old) == purchase_id:
            del self.by_key[old]
        self.keys[purchase_id] = key
        self.by_key.setdefault(key, purchase_id)

    def label(self, field: str) -> str:
        return self.labels.get(field, field)

    def run(self, progress: Callable[[int, str], None]) -> ImportReport:
        report = self.report
        report.warnings.extend(self.source.warnings())
        rows = enumerate(self.source.rows(), start=1)
        progress(0, "Importing rows" if self.write else "Checking rows")
        if self.write:
            try:
                with (
                    bulk_writing(),
                    transaction.atomic(),
                    search_index_deferred(),
                    RowStream() as self.new_rows,
                ):
                    self._rows(rows, lambda done: progress(done, "Importing rows"))
                    if report.stopped:
                        raise _Stopped
                    self._flush()
            except _Stopped:
                # Rolled back; the rest of the file is checked, for the report.
                self.write = False
        # A dry run's rows, or what is left after an invalid row stopped the writing (nothing,
        # once a whole file was written).
        self._rows(rows, lambda done: progress(done, "Checking rows"))
        if report.stopped:
            valid = report.created + report.updated + report.skipped
            report.created = report.updated = report.skipped = 0
            rows = "row has problems" if report.failed == 1 else "rows have problems"
            outcome = "nothing would be imported" if report.dry_run else "nothing was imported"
            message = f"{report.failed:,} {rows}, so {outcome}."
            if valid:
                message += f" Fix them, or import partially to import the other {valid:,} alone."
            report.warnings.append(message)
            return report
        for catalog in self.catalogs.values():
            if (summary := catalog.summary(self.write)) is not None:
                report.warnings.append(summary)
        return report

    def _rows(self, rows: Iterator[tuple[int, SourceRow]], progress: Callable[[int], None]):
        """Takes `rows` (numbered from 1) until the file ends or, while writing, an invalid row
        stops the import."""
        report = self.report
        for done, row in rows:
            try:
                self._row(row)
            except _RowErrors as errors:
                self._failed(row, errors.problems)
            if report.failed and not self.options.partial:
                report.stopped = True
            if self.write and report.stopped:
                return
            if len(self.creates) + len(self.updates) >= self.batch_size:
                self._flush()
                progress(done)
            elif done % 100 == 0:
                progress(done)
        if report.failed and not (report.created or report.updated or report.skipped):
            report.stopped = True

    def _failed(self, row: SourceRow, problems: list) -> None:
        self.report.failed += 1
        for field, message in problems:
            self.report.add_error(row.number, field, message)

    # One row ---------------------------------------------------------------------------------

    def _row(self, row: SourceRow) -> None:
        values = row.values
        if row.error:
            raise _RowErrors([(None, row.error)])
        purchase, warranty = self._purchase_from(values)
        if not _blank(values.get("id")):
            given_id = purchase["id"]
            if given_id in self.foreign_ids[Purchase]:
                purchase["id"] = self.replaced_ids.setdefault(given_id, uuid.uuid4())
                if warranty is not None:  # it was made for the id the file gave
                    warranty["purchase_id"] = purchase["id"]
            target = purchase["id"] if purchase["id"] in self.keys else None
        else:
            target = None
        key = _natural_key(
            purchase["product_name"], purchase["purchase_date"], purchase["price"],
            purchase["currency_code"], values.get("retailer"),
        )  # fmt: skip
        if target is None and _blank(values.get("id")):
            target = self.by_key.get(key)
        if warranty is not None and warranty["id"] in self.foreign_ids[Warranty]:
            warranty["id"] = uuid.uuid4()
        if target is not None and self.options.on_duplicate == "skip":
            self.report.skipped += 1
            return
        for relation, catalog in self.catalogs.items():
            purchase[f"{relation}_id"] = catalog.resolve(purchase[f"{relation}_id"])
        if target is None:
            self.report.created += 1
            self._remember(purchase["id"], key)
            if self.write:
                self.creates[purchase["id"]] = (purchase, warranty)
            return
        self.report.updated += 1
        self._remember(target, key)
        if not self.write:
            return
        changes = {field: purchase[field] for field in PURCHASE_VALUE_FIELDS
                   if _given(values, field)}  # fmt: skip
        # False: the file says nothing about the warranty; None: it has none.
        warranty_change = warranty if "warranty" in values else False
        if warranty_change:
            warranty_change["purchase_id"] = target
        if target in self.creates:  # a row repeating one added earlier in this batch
            created, created_warranty = self.creates[target]
            created.update(changes)
            if warranty_change is not False:
                created_warranty = warranty_change
            self.creates[target] = (created, created_warranty)
        else:
            self.updates[target] = (changes, warranty_change)

    def _purchase_from(self, values: dict) -> tuple[dict, dict | None]:
        """The purchase's column values (and its warranty's), or _RowErrors listing every
        problem of the row."""
        problems: list[tuple[str | None, str]] = []

        def take(field: str, convert: Callable, *args):
            try:
                return convert(*args)
            except RowError as error:
                problems.append((error.field or self.label(field), error.message))
                return None

        for field in REQUIRED_COLUMNS:
            if _blank(values.get(field)):
                problems.append((field, "This field is required."))
        currency = take("currency_code", _text, values.get("currency_code"), "currency_code")
        status = take("status", _text, values.get("status"), "status")
        purchase = {
            "id": take("id", _uuid_field, values.get("id"), "id") or uuid.uuid4(),
            "owner_id": self.owner.pk,
            "product_name": (
                take("product_name", _text, values.get("product_name"), "product_name") or ""
            ).strip(),
            "price": take("price", _price, values.get("price")),
            "purchase_date": take(
                "purchase_date", self._date, values.get("purchase_date"), "purchase_date"
            ),
            "currency_code": (currency or "").strip().upper() or self.currency,
            "status": (status or "").strip().upper() or PurchaseStatus.RECEIVED,
        }  # fmt: skip
        # Set one by one, in this order (that of the problems listed), rather than unpacked
        # from comprehensions into the dict: a row is read in a few tens of microseconds.
        for field in PURCHASE_TEXT_FIELDS:
            purchase[field] = take(field, _text, values.get(field), field) or ""
        # Names for now (checked); ids once the row is known to be written (_row).
        for relation, catalog in self.catalogs.items():
            purchase[f"{relation}_id"] = (
                take(relation, catalog.check, values[relation], self.label(relation))
                if relation in values else None
            )  # fmt: skip
        for stamp in ("created_at", "updated_at"):
            purchase[stamp] = take(stamp, _timestamp, values.get(stamp), stamp) or self.now
        for field, choices in PURCHASE_CHOICES.items():
            if purchase[field] not in choices:
                problems.append((field, _choice_message(field, purchase[field])))
        PURCHASE_RULES.check(purchase, problems, self.label)
        warranty = None
        raw_warranty = values.get("warranty")
        if raw_warranty is not None and purchase["purchase_date"] is not None:
            warranty = self._warranty_from(raw_warranty, purchase, problems)
        if problems:
            raise _RowErrors(problems)
        return purchase, warranty

    def _warranty_from(self, raw, purchase: dict, problems: list) -> dict | None:
        if not isinstance(raw, dict):
            problems.append((self.label("warranty"), "A warranty must be an object."))
            return None

        def label(field: str) -> str:
            return self.label(f"warranty.{field}")

        def take(field: str, convert: Callable, *args):
            try:
                return convert(*args)
            except RowError as error:
                problems.append((label(field), error.message))
                return None

        start, end = raw.get("warranty_start"), raw.get("warranty_end")
        kind = (take("warranty_type", _text, raw.get("warranty_type"), "") or "").strip().upper()
        warranty = {
            "id": take("id", _uuid_field, raw.get("id"), "id") or uuid.uuid4(),
            "owner_id": self.owner.pk,
            "purchase_id": purchase["id"],
            "warranty_start": (take("warranty_start", self._date, start, "") if not _blank(start)
                               else purchase["purchase_date"]),
            "warranty_end": take("warranty_end", self._date, end, "") if not _blank(end) else None,
            "warranty_type": kind or WarrantyType.MANUFACTURER,
            "voided": take("voided", _voided, raw.get("voided", raw.get("status"))) or False,
            "provider": take("provider", _text, raw.get("provider"), "") or "",
            "notes": take("notes", _text, raw.get("notes"), "") or "",
            **{stamp: take(stamp, _timestamp, raw.get(stamp), stamp) or self.now
               for stamp in ("created_at", "updated_at")},
        }  # fmt: skip
        if warranty["warranty_type"] not in WARRANTY_TYPES:
            problems.append(
                (
                    label("warranty_type"),
                    _choice_message("warranty_type", warranty["warranty_type"]),
                )
            )
        elif warranty["warranty_type"] == WarrantyType.LIFETIME:
            warranty["warranty_end"] = None
        if not any(field.startswith(label("")) for field, _ in problems):
            WARRANTY_RULES.check(warranty, problems, label)
            # The rules between fields (an end, not before the start) are the model's. One
            # instance serves every row (building a model instance per row is slow), and it
            # has no purchase: that is not in the database yet.
            probe = self.warranty_probe
            for field in WARRANTY_VALUE_FIELDS:
                setattr(probe, field, warranty[field])
            try:
                probe.clean()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    problems.extend((label(field), message) for message in messages)
        return warranty

    def _date(self, value, field: str) -> datetime.date:
        if isinstance(value, datetime.date):
            return value
        text = _text(value, field).strip()
        try:
            return parse_date(text, self.date_format)
        except ValueError:
            hint = date_format_hint(self.date_format)
            raise RowError(field, f"“{text}” is not a date: write it as {hint}.") from None

    # Writing ---------------------------------------------------------------------------------

    def _flush(self) -> None:
        if self.write and not self.report.stopped:
            for catalog in self.catalogs.values():
                catalog.flush()
            if self.creates:
                creates = self.creates.values()
                # The warranties before their purchases (foreign keys are checked at commit), so
                # that on PostgreSQL the purchases' COPY, the larger, is the one left open while
                # the next batch is read (RowStream).
                self.new_rows.write(Warranty, [warranty for _, warranty in creates if warranty])
                self.new_rows.write(Purchase, [purchase for purchase, _ in creates])
            if self.updates:
                self._write_updates()
        self.creates.clear()
        self.updates.clear()

    def _write_updates(self) -> None:
        now = timezone.now()
        purchases = Purchase.objects.in_bulk(list(self.updates))
        fields = {"updated_at"}
        existing_warranties = {
            warranty.purchase_id: warranty
            for warranty in Warranty.objects.filter(purchase_id__in=list(self.updates))
        }
        warranty_creates, warranty_updates, warranty_deletes = [], [], []
        for purchase_id, (changes, warranty) in self.updates.items():
            purchase = purchases[purchase_id]
            for field, value in changes.items():
                setattr(purchase, field, value)
            fields.update(changes)
            purchase.updated_at = now
            current = existing_warranties.get(purchase_id)
            if warranty is None and current is not None:
                warranty_deletes.append(current.id)
            elif warranty and current is None:
                warranty_creates.append(warranty)
            elif warranty:
                for field in WARRANTY_VALUE_FIELDS:
                    setattr(current, field, warranty[field])
                current.updated_at = now
                warranty_updates.append(current)
        Purchase.objects.bulk_update(list(purchases.values()), sorted(fields))
        if warranty_deletes:
            Warranty.objects.filter(id__in=warranty_deletes).delete()
        insert_rows(Warranty, warranty_creates)
        if warranty_updates:
            Warranty.objects.bulk_update(warranty_updates, [*WARRANTY_VALUE_FIELDS, "updated_at"])


class _RowErrors(Exception):
    def __init__(self, problems: list[tuple[str | None, str]]):
        super().__init__(problems)
        self.problems = problems


# Values ------------------------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _given(values: dict, field: str) -> bool:
    if field in ("retailer_id", "brand_id"):
        return field.removesuffix("_id") in values
    return field in values


def _text(value, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RowError(field or None, "Give text.")
    if "\x00" in value:
        raise RowError(field or None, "Text cannot contain NUL characters.")
    return value


def _price(value) -> Decimal | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise RowError("price", "Give a price such as 1234.56.")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    text = _text(value, "price").strip()
    if not PRICE_PATTERN.fullmatch(text):
        raise RowError("price", f"“{text}” is not a price: write it as 1234.56 or 1,234.56.")
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise RowError("price", f"“{text}” is not a price.") from None


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if not _blank(value) else None
    except ValueError:
        return None


def _uuid_field(value, field: str) -> uuid.UUID | None:
    if _blank(value):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise RowError(field, f"“{value}” is not an id (a UUID).") from None


def _timestamp_or_none(value) -> datetime.datetime | None:
    try:
        return _timestamp(value, "")
    except RowError:
        return None


def _timestamp(value, field: str) -> datetime.datetime | None:
    if _blank(value):
        return None
    text = _text(value, field).strip()
    try:
        parsed = parse_datetime(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise RowError(field, f"“{text}” is not a date and time such as 2026-01-30T12:00:00Z.")
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def _voided(value) -> bool:
    if isinstance(value, bool):
        return value
    if _blank(value):
        return False
    word = str(value).strip().upper()
    if word == WarrantyStatus.VOIDED:
        return True
    if word in (WarrantyStatus.ACTIVE, WarrantyStatus.EXPIRED, "EXPIRING_SOON"):
        return False
    raise RowError(None, f"“{value}” is not a warranty status: give ACTIVE, EXPIRED or VOIDED.")


def _choice_message(field: str, value) -> str:
    if field == "currency_code":
        return f"“{value}” is not a currency: give an ISO 4217 code such as USD or EUR."
    if field == "status":
        return f"“{value}” is not a status: give ORDERED or RECEIVED."
    return f"“{value}” is not a warranty type: give one of {', '.join(WarrantyType.values)}."


def _natural_key(name, purchase_date, price, currency, retailer_name) -> tuple:
    """What makes two purchases the same (SPEC 6), of a valid row or a stored purchase. The keys
    of every purchase of the file and of the account are kept while it is read: the price is
    kept as a whole number of cents (a Decimal took four times the memory; prices have two
    places at most) and a retailer's folded name is one string for all its rows."""
    return (
        (name or "").strip().lower(),
        purchase_date,
        None if price is None else int(price * 100),
        currency,
        _folded(retailer_name) if isinstance(retailer_name, str) else "",
    )


@functools.lru_cache(maxsize=4096)
def _folded(name: str) -> str:
    return name.strip().lower()


class _FieldRules:
    """The model's own rules (lengths, digits, ranges, required) for some of its fields: one
    place for them. A value that certainly passes a field's `clean` is let through without it
    (_passes), which says the same at a fraction of the cost (a file has 100,000 rows); a value
    it refuses still gets its messages from `clean`."""

    def __init__(self, model: type[models.Model], names: tuple[str, ...]):
        self.fields = []
        for name in names:
            field = model._meta.get_field(name)
            self.fields.append((name, field, _passes(field)))

    def check(self, values: dict, problems: list, label) -> None:
        """Adds the problems of `values`; a field that already has a problem is not checked
        again."""
        already = {field for field, _ in problems}
        for name, field, passes in self.fields:
            value = values[name]
            if (passes is not None and passes(value)) or (already and label(name) in already):
                continue
            try:
                field.clean(value, None)
            except ValidationError as error:
                problems.extend((label(name), message) for message in error.messages)


def _passes(field: models.Field) -> Callable[[object], bool] | None:
    """A quick test that a value passes the field's `clean`, for the fields whose rules it can
    tell at a glance; None for the others. A text field whose only rule is a maximum length
    (most are) asks a text within it (and given, unless it may be blank); a date field with no
    rules of its own asks a date (its `clean` then changes and checks nothing)."""
    if type(field) is models.DateField and not field.validators and field.choices is None:
        return lambda value: type(value) is datetime.date
    if not isinstance(field, models.CharField | models.TextField) or field.choices is not None:
        return None
    limits = []
    for validator in field.validators:
        if type(validator) is not MaxLengthValidator or not isinstance(validator.limit_value, int):
            return None
        limits.append(validator.limit_value)
    limit = min(limits, default=math.inf)
    return lambda value: type(value) is str and len(value) <= limit and bool(value or field.blank)


PURCHASE_RULES = _FieldRules(Purchase, CHECKED_PURCHASE_FIELDS)
WARRANTY_RULES = _FieldRules(Warranty, CHECKED_WARRANTY_FIELDS)


def date_format_hint(date_format: str) -> str:
    """How a date may be written in an import: the page's help text and the row errors."""
    if date_format == "YYYY-MM-DD" or date_format not in DATE_FORMAT_PATTERNS:
        return "2026-01-30"
    return f"2026-01-30 or {format_date(datetime.date(2026, 1, 30), date_format)}"


def import_in_background(
    *, owner, filename: str, data: bytes, file_format: str, options: ImportOptions
):
    """Starts the import as a job (its result is the report) once the file is known to be
    readable, so that a file of the wrong kind is refused at once rather than by the job."""
    # Imported here: the task module imports this one to run the import.
    from jobs.models import JobKind
    from jobs.services import job_enqueue
    from purchases.tasks import import_purchases_task

    import_check_size(len(data))
    # Read through once (quick: no row is checked), so that a file that cannot be read to its
    # end is refused now rather than by the job.
    import_open(data, file_format).count()
    return job_enqueue(
        owner=owner,
        kind=JobKind.IMPORT,
        task=import_purchases_task,
        input_file=(filename, data),
        file_format=file_format,
        on_duplicate=options.on_duplicate,
        dry_run=options.dry_run,
        partial=options.partial,
    )
