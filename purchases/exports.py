"""Exports (SPEC section 6): an owner's purchases, with their warranties and their attachments'
metadata, as a JSON document or as CSV.

Each export is an iterator of text chunks made in one pass over the purchase list (the same
selector and filters as the inventory), fetched a few thousand rows at a time, so that a
download or a file of any size is written with flat memory. The format's name, version, CSV
columns, file names and formula escaping live in purchases.dataformat, shared with the
importer. Only `export_response` knows about HTTP.
"""

import csv
import datetime
import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import content_disposition_header

from accounts.schemas import API_PREFERENCE_KEYS
from accounts.selectors import preferences_for, today_for
from catalog.models import Brand, CatalogEntry, Retailer
from catalog.selectors import catalog_list
from purchases.dataformat import (
    CSV_COLUMNS,
    FORMAT_NAME,
    FORMAT_VERSION,
    escape_cell,
    export_filename,
)
from purchases.models import Attachment
from purchases.selectors import PurchaseFilters, purchase_list
from spends.queries import StoredText, uuid_as_text, uuid_text
from warranties.status import days_remaining, warranty_status

# Purchases fetched per query, with one more query for their attachments: all the rows an
# export holds in memory at once.
ROWS_PER_QUERY = 2000
# Text gathered before it is handed on, so that a response or a file is not written a row at
# a time.
CHUNK_CHARS = 64 * 1024

# Told how many purchases have been exported so far, each time a chunk is handed on.
Progress = Callable[[int], None]


def utc_timestamp(value: datetime.datetime | str) -> str:
    """ISO 8601 in UTC, to the microsecond, so that an import keeps the very same instant:
    2026-01-30T12:00:00.123456Z. `value` is an aware datetime, or a timestamp as SQLite stores
    it (spends.queries.StoredText)."""
    if isinstance(value, str):
        if len(value) in (19, 26) and value[10] == " ":  # "2026-01-30 12:00:00[.123456]", UTC
            return f"{value[:10]}T{value[11:]}Z"
        value = parse_datetime(value)
        if timezone.is_naive(value):
            value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _date(value: datetime.date | str | None) -> str | None:
    """ISO 8601 (2026-01-30); `value` may be a date as SQLite stores it (StoredText)."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


# What an export reads of each purchase and its warranty, as plain values rather than model
# instances: building four instances a row (purchase, retailer, brand, warranty) and prefetching
# attachments through related managers made an export three times slower (18 s against 5 s
# for 100,000 purchases).
PURCHASE_VALUES = (
    "product_name", "price", "currency_code", "status", "retailer__name", "brand__name",
    "serial_number", "model_number", "order_number", "notes",
)  # fmt: skip
WARRANTY_VALUES = tuple(
    f"warranty__{name}" for name in ("warranty_end", "warranty_type", "voided", "provider", "notes")
)
# The dates and times that are only written out, read as text where the database keeps them as
# text (spends.queries.StoredText), under these names. (A warranty's end stays a date: its
# status is worked out from it.)
STORED_TEXTS = {
    "purchase_day": "purchase_date",
    "created": "created_at",
    "updated": "updated_at",
    "warranty_start_day": "warranty__warranty_start",
    "warranty_created": "warranty__created_at",
    "warranty_updated": "warranty__updated_at",
}
# The ids, read as text (spends.queries.uuid_as_text), under these names.
PURCHASE_IDS = {
    "purchase_uuid": "id",
    "retailer_uuid": "retailer_id",
    "brand_uuid": "brand_id",
    "warranty_uuid": "warranty__id",
}
ATTACHMENT_VALUES = ("kind", "filename", "content_type", "size", "sha256", "created_at")

# A purchase as read for the export: PURCHASE_VALUES, WARRANTY_VALUES, STORED_TEXTS and
# PURCHASE_IDS by name (the ids as their canonical text), and for the JSON export its
# "attachments".
PurchaseRow = dict[str, Any]


def export_purchases(
    owner, filters: PurchaseFilters | None, *, attachments: bool
) -> Iterator[PurchaseRow]:
    """The purchase list (its filters and order), read a chunk of rows at a time, each with its
    warranty and, when asked, its attachments' metadata (one more query a chunk).

    The query runs now, not when the first chunk is read: a value the database refuses (NUL
    characters in a search, on PostgreSQL) then answers as an error response rather than
    cutting a download short after its headers were sent."""
    ids = {name: uuid_as_text(field) for name, field in PURCHASE_IDS.items()}
    texts = {name: StoredText(field) for name, field in STORED_TEXTS.items()}
    # The list's count of attachments says which purchases to look their attachments up for.
    counted = ("attachment_count",) if attachments else ()
    queryset = purchase_list(owner, filters).values(
        *PURCHASE_VALUES, *WARRANTY_VALUES, *counted, **ids, **texts
    )
    rows = map(_with_id_texts, queryset.iterator(chunk_size=ROWS_PER_QUERY))
    first = next(rows, None)
    if first is not None:
        rows = itertools.chain([first], rows)
    return _with_attachments(owner, rows) if attachments else rows


def _with_id_texts(row: PurchaseRow) -> PurchaseRow:
    for name in PURCHASE_IDS:
        row[name] = uuid_text(row[name])
    return row


def _with_attachments(owner, rows: Iterator[PurchaseRow]) -> Iterator[PurchaseRow]:
    for batch in itertools.batched(rows, ROWS_PER_QUERY):
        found: dict[uuid.UUID, list[dict]] = {}
        # Only the purchases with attachments (most have none): looking up every purchase of the
        # batch by id was a quarter of a JSON export's time.
        purchase_ids = [row["purchase_uuid"] for row in batch if row["attachment_count"]]
        for attachment in (
            Attachment.objects.filter(owner=owner, purchase_id__in=purchase_ids)
            .order_by("created_at", "id")
            .values(*ATTACHMENT_VALUES, purchase_uuid=uuid_as_text("purchase_id"),
                    attachment_uuid=uuid_as_text("id"))
        ):  # fmt: skip
            found.setdefault(uuid_text(attachment.pop("purchase_uuid")), []).append(attachment)
        for row in batch:
            row["attachments"] = found.get(row["purchase_uuid"], [])
            yield row


def warranty_record(row: PurchaseRow, today: datetime.date) -> dict | None:
    """The API's warranty (warranties.schemas.WarrantyOut), status judged on `today`; None for
    a purchase without one."""
    if row["warranty_uuid"] is None:
        return None
    voided, end = row["warranty__voided"], row["warranty__warranty_end"]
    return {
        "id": row["warranty_uuid"],
        "purchase_id": row["purchase_uuid"],
        "product_name": row["product_name"],
        "warranty_start": _date(row["warranty_start_day"]),
        "warranty_end": _date(end),
        "warranty_type": row["warranty__warranty_type"],
        "status": warranty_status(voided=voided, warranty_end=end, today=today).value,
        "voided": voided,
        "provider": row["warranty__provider"],
        "notes": row["warranty__notes"],
        "days_remaining": days_remaining(warranty_end=end, today=today),
        "created_at": utc_timestamp(row["warranty_created"]),
        "updated_at": utc_timestamp(row["warranty_updated"]),
    }


def purchase_record(row: PurchaseRow, today: datetime.date) -> dict:
    """A purchase in the JSON export: the keys and values of the API's purchase
    (purchases.schemas.PurchaseOut; the tests check that the two agree) plus its attachments'
    metadata (the files themselves travel in backups). `price` stays a Decimal for the encoder
    to write as an exact JSON number."""
    attachments = row["attachments"]
    return {
        "id": row["purchase_uuid"],
        "product_name": row["product_name"],
        "price": row["price"],
        "currency_code": row["currency_code"],
        "status": row["status"],
        "purchase_date": _date(row["purchase_day"]),
        "retailer_id": row["retailer_uuid"],
        "retailer_name": row["retailer__name"],
        "brand_id": row["brand_uuid"],
        "brand_name": row["brand__name"],
        "serial_number": row["serial_number"],
        "model_number": row["model_number"],
        "order_number": row["order_number"],
        "notes": row["notes"],
        "warranty": warranty_record(row, today),
        # Counted from the attachments listed beside it, so that the two always agree.
        "attachment_count": len(attachments),
        "created_at": utc_timestamp(row["created"]),
        "updated_at": utc_timestamp(row["updated"]),
        "attachments": [
            {
                "id": uuid_text(attachment["attachment_uuid"]),
                "kind": attachment["kind"],
                "filename": attachment["filename"],
                "content_type": attachment["content_type"],
                "size": attachment["size"],
                "sha256": attachment["sha256"],
                "created_at": utc_timestamp(attachment["created_at"]),
            }
            for attachment in attachments
        ],
    }


def catalog_record(entry: CatalogEntry) -> dict:
    return {
        "id": str(entry.id),
        "name": entry.name,
        "url": entry.url,
        "created_at": utc_timestamp(entry.created_at),
        "updated_at": utc_timestamp(entry.updated_at),
    }


def csv_row(row: PurchaseRow, today: datetime.date) -> list[str]:
    """A purchase as the CSV's cells, in the order of CSV_COLUMNS, each escaped against formula
    injection."""
    cells = [
        row["purchase_uuid"],
        row["product_name"],
        f"{row['price']:.2f}",
        row["currency_code"],
        row["status"],
        _date(row["purchase_day"]),
        row["retailer__name"] or "",
        row["brand__name"] or "",
        row["serial_number"],
        row["model_number"],
        row["order_number"],
        row["notes"],
    ]
    if row["warranty_uuid"] is None:
        cells += ["", "", "", "", "", ""]
    else:
        end = row["warranty__warranty_end"]
        status = warranty_status(voided=row["warranty__voided"], warranty_end=end, today=today)
        cells += [
            _date(row["warranty_start_day"]),
            _date(end) or "",
            row["warranty__warranty_type"],
            status.value,
            row["warranty__provider"],
            row["warranty__notes"],
        ]
    cells += [utc_timestamp(row["created"]), utc_timestamp(row["updated"])]
    return [escape_cell(cell) for cell in cells]


def _in_chunks(rows: Iterable[str], progress: Progress | None) -> Iterator[str]:
    batch: list[str] = []
    size = count = 0
    for row in rows:
        batch.append(row)
        size += len(row)
        count += 1
        if size >= CHUNK_CHARS:
            if progress:
                progress(count)
            yield "".join(batch)
            batch, size = [], 0
    if progress:
        progress(count)
    if batch:
        yield "".join(batch)


def export_json_chunks(
    owner, filters: PurchaseFilters | None = None, *, progress: Progress | None = None
) -> Iterator[str]:
    """The JSON document: format, version, export time, the owner's settings, all their
    retailers and brands, then the (filtered) purchases, one a line."""
    return _json_document(owner, export_purchases(owner, filters, attachments=True), progress)


def _json_document(
    owner, purchases: Iterator[PurchaseRow], progress: Progress | None
) -> Iterator[str]:
    # Imported here: spends.api imports every app's router when it loads, this module's too.
    from spends.api import MoneyJSONEncoder

    encoder = MoneyJSONEncoder(ensure_ascii=False)
    today = today_for(owner)
    preferences = preferences_for(owner)
    head = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": utc_timestamp(timezone.now()),
        "settings": {key: getattr(preferences, key) for key in API_PREFERENCE_KEYS},
        "retailers": [catalog_record(entry) for entry in catalog_list(owner, Retailer)],
        "brands": [catalog_record(entry) for entry in catalog_list(owner, Brand)],
    }
    # The purchases go last, one at a time: the document is left open after the head and
    # closed after them.
    yield encoder.encode(head).removesuffix("}") + ', "purchases": ['
    rows = (
        (",\n" if index else "\n") + encoder.encode(purchase_record(purchase, today))
        for index, purchase in enumerate(purchases)
    )
    yield from _in_chunks(rows, progress)
    yield "\n]}\n"


class _Echo:
    """A file whose write hands the text back, so that csv.writer returns each line."""

    def write(self, text: str) -> str:
        return text


def export_csv_chunks(
    owner, filters: PurchaseFilters | None = None, *, progress: Progress | None = None
) -> Iterator[str]:
    """RFC 4180 CSV (CRLF line ends, quoted where needed), a header row of CSV_COLUMNS, then one
    purchase a row. No byte-order mark: the importer accepts a file with or without one."""
    return _csv_document(owner, export_purchases(owner, filters, attachments=False), progress)


def _csv_document(
    owner, purchases: Iterator[PurchaseRow], progress: Progress | None
) -> Iterator[str]:
    writer = csv.writer(_Echo())
    today = today_for(owner)
    yield writer.writerow(CSV_COLUMNS)
    rows = (writer.writerow(csv_row(purchase, today)) for purchase in purchases)
    yield from _in_chunks(rows, progress)


EXPORT_FORMATS = {
    "json": (export_json_chunks, "application/json"),
    "csv": (export_csv_chunks, "text/csv; charset=utf-8"),
}


def export_chunks(
    owner,
    file_format: str,
    filters: PurchaseFilters | None = None,
    *,
    progress: Progress | None = None,
) -> Iterator[str]:
    if file_format not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {file_format!r}")
    chunks, _ = EXPORT_FORMATS[file_format]
    return chunks(owner, filters, progress=progress)


def export_response(
    owner, file_format: str, filters: PurchaseFilters | None = None
) -> StreamingHttpResponse:
    """The export as a download, streamed as it is made."""
    chunks = export_chunks(owner, file_format, filters)
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in chunks), content_type=EXPORT_FORMATS[file_format][1]
    )
    filename = export_filename(file_format, today_for(owner))
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Personal data: never kept by a shared cache, nor by the browser beyond the download.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
