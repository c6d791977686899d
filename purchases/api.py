from uuid import UUID

import pydantic
from django.core.exceptions import ValidationError
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.errors import ValidationError as SchemaValidationError
from ninja.pagination import paginate

from jobs.schemas import JobOut
from purchases.dataformat import FORMAT_NAME, FORMAT_VERSION
from purchases.downloads import attachment_response
from purchases.exports import export_response
from purchases.imports import (
    ImportFileError,
    ImportOptions,
    import_check_size,
    import_in_background,
    import_purchases,
)
from purchases.schemas import (
    AttachmentKindName,
    AttachmentOut,
    ImportOptionsIn,
    ImportReportOut,
    PurchaseFields,
    PurchaseFilterQuery,
    PurchaseIn,
    PurchaseOut,
)
from purchases.selectors import (
    PurchaseFilters,
    attachment_get,
    attachment_list,
    purchase_get,
    purchase_list,
    purchase_list_total,
)
from purchases.services import (
    attachment_add,
    attachment_delete,
    purchase_create,
    purchase_delete,
    purchase_update,
)
from spends.pagination import SkipLimitPagination

router = Router(tags=["purchases"])
attachments_router = Router(tags=["attachments"])
# Mounted at /export; the import endpoints live on their own router at /import.
export_router = Router(tags=["export and import"])

ERRORS = {401: dict, 404: dict, 422: dict}


def filters_from(query: PurchaseFilterQuery) -> PurchaseFilters:
    return PurchaseFilters(**query.model_dump())


class PurchaseListPagination(SkipLimitPagination):
    """The list's total from purchase_list_total (remembered)."""

    def total(self, queryset, request) -> int:
        return purchase_list_total(request.auth, queryset)


@router.get("", response={200: list[PurchaseOut], 401: dict, 422: dict}, summary="List purchases")
@paginate(PurchaseListPagination)
def list_purchases(request, filters: Query[PurchaseFilterQuery]):
    """The user's purchases, filtered (all filters combine with AND) and sorted; ties are broken
    by newest `created_at` then `id`, so paging never repeats or skips a row."""
    return purchase_list(request.auth, filters_from(filters))


@router.post("", response={201: PurchaseOut, 401: dict, 422: dict}, summary="Create a purchase")
def create_purchase(request, payload: PurchaseIn):
    """Creates the purchase, and its warranty when `warranty` is given, in one transaction. A
    `retailer_name` or `brand_name` that does not exist yet creates it."""
    fields = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return Status(201, purchase_create(owner=request.auth, **fields))


@router.get("/{purchase_id}", response={200: PurchaseOut, **ERRORS}, summary="Get a purchase")
def get_purchase(request, purchase_id: UUID):
    return purchase_get(request.auth, purchase_id)


def _update(request, purchase_id: UUID, payload: PurchaseFields):
    return purchase_update(
        owner=request.auth, purchase_id=purchase_id, **payload.model_dump(exclude_unset=True)
    )


@router.put("/{purchase_id}", response={200: PurchaseOut, **ERRORS}, summary="Update a purchase")
def put_purchase(request, purchase_id: UUID, payload: PurchaseFields):
    """Any subset of the create fields; omitted fields keep their values. `"warranty": null`
    removes the warranty; a `warranty` object creates or updates it."""
    return _update(request, purchase_id, payload)


@router.patch("/{purchase_id}", response={200: PurchaseOut, **ERRORS}, summary="Update a purchase")
def patch_purchase(request, purchase_id: UUID, payload: PurchaseFields):
    """The same as PUT: any subset of the fields."""
    return _update(request, purchase_id, payload)


@router.delete("/{purchase_id}", response={204: None, 401: dict, 404: dict}, summary="Delete")
def delete_purchase(request, purchase_id: UUID):
    """Deletes the purchase with its warranty and attachments."""
    purchase_delete(owner=request.auth, purchase_id=purchase_id)
    return Status(204, None)


@router.post(
    "/{purchase_id}/attachments",
    response={201: AttachmentOut, 401: dict, 404: dict, 413: dict, 422: dict},
    summary="Attach a file",
)
def upload_attachment(
    request,
    purchase_id: UUID,
    file: File[UploadedFile],
    kind: Form[AttachmentKindName] = "other",
):
    """Multipart upload: `file`, and optionally its `kind`. PDF, JPEG, PNG, WebP, HEIC, GIF or
    plain text, recognised by content; larger than the limit (25 MB by default) answers 413.
    Identical files are stored once."""
    attachment = attachment_add(
        owner=request.auth, purchase_id=purchase_id, stream=file, filename=file.name, kind=kind
    )
    return Status(201, attachment)


@router.get(
    "/{purchase_id}/attachments",
    response={200: list[AttachmentOut], **ERRORS},
    summary="List a purchase's attachments",
)
def list_attachments(request, purchase_id: UUID):
    """A plain array, oldest first."""
    return list(attachment_list(request.auth, purchase_id))


@attachments_router.get(
    "/{attachment_id}/download",
    response={200: None, **ERRORS},
    summary="Download an attachment",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file's bytes, with its stored content type.",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_attachment(request, attachment_id: UUID):
    """The file's bytes as a download (`Content-Disposition: attachment`, with
    `X-Content-Type-Options: nosniff`)."""
    return attachment_response(attachment_get(request.auth, attachment_id))


@attachments_router.delete(
    "/{attachment_id}", response={204: None, 401: dict, 404: dict}, summary="Delete an attachment"
)
def delete_attachment(request, attachment_id: UUID):
    """The stored file goes too once no other attachment has the same bytes."""
    attachment_delete(owner=request.auth, attachment_id=attachment_id)
    return Status(204, None)


EXPORT_DOCUMENT_KEYS = (
    "format", "version", "exported_at", "settings", "retailers", "brands", "purchases",
)  # fmt: skip


def _export_openapi(media_type: str, schema: dict, description: str) -> dict:
    return {
        "responses": {
            200: {"description": description, "content": {media_type: {"schema": schema}}}
        }
    }


@export_router.get(
    "/json",
    response={200: None, 401: dict, 422: dict},
    summary="Export as JSON",
    openapi_extra=_export_openapi(
        "application/json",
        {
            "type": "object",
            "required": list(EXPORT_DOCUMENT_KEYS),
            "properties": {
                "format": {"type": "string", "enum": [FORMAT_NAME]},
                "version": {"type": "integer", "enum": [FORMAT_VERSION]},
                "exported_at": {"type": "string", "format": "date-time"},
                "settings": {"type": "object"},
                "retailers": {"type": "array", "items": {"type": "object"}},
                "brands": {"type": "array", "items": {"type": "object"}},
                "purchases": {"type": "array", "items": {"type": "object"}},
            },
        },
        "A download, spends-export-YYYY-MM-DD.json: {format, version, exported_at, settings, "
        "retailers, brands, purchases}, each purchase as in the API plus its attachments' "
        "metadata.",
    ),
)
def export_json(request, filters: Query[PurchaseFilterQuery]):
    """The user's data as one JSON document, streamed: settings, every retailer and brand, and
    the purchases (with their warranties and attachments' metadata) that the purchase list's
    filters select, in its order. The files themselves travel in backups."""
    return export_response(request.auth, "json", filters_from(filters))


@export_router.get(
    "/csv",
    response={200: None, 401: dict, 422: dict},
    summary="Export as CSV",
    openapi_extra=_export_openapi(
        "text/csv",
        {"type": "string"},
        "A download, spends-export-YYYY-MM-DD.csv: UTF-8, RFC 4180, a header row, one "
        "purchase a row.",
    ),
)
def export_csv(request, filters: Query[PurchaseFilterQuery]):
    """The purchases that the purchase list's filters select, one a row (UTF-8, RFC 4180), in
    its order, streamed. A cell that a spreadsheet would run as a formula (beginning with =, +,
    -, @, a tab or a carriage return) is written with a leading apostrophe, which the import
    removes."""
    return export_response(request.auth, "csv", filters_from(filters))


# Import (SPEC section 6): the report, or with `background` a job whose result is the report.
import_router = Router(tags=["export and import"])


def _import_options(request, form: ImportOptionsIn) -> ImportOptionsIn:
    """The options as form fields beside the file, or (for scripts that prefer it) in the query
    string; a form field wins."""
    given = form.model_dump(exclude_none=True)
    from_query = {
        name: request.GET[name]
        for name in ImportOptionsIn.model_fields
        if name in request.GET and name not in given
    }
    if not from_query:
        return form
    try:
        query = ImportOptionsIn.model_validate(from_query)
    except pydantic.ValidationError as error:
        problems = [{**problem, "loc": ("query", *problem["loc"])} for problem in error.errors()]
        raise SchemaValidationError(problems) from None
    return form.model_copy(update=query.model_dump(exclude_none=True))


def _import(request, file_format: str, file: UploadedFile, form: ImportOptionsIn):
    chosen = _import_options(request, form)
    options = ImportOptions(
        on_duplicate=chosen.on_duplicate or "skip",
        dry_run=bool(chosen.dry_run),
        partial=bool(chosen.partial),
    )
    import_check_size(file.size)
    data = file.read()
    try:
        if chosen.background:
            job = import_in_background(
                owner=request.auth, filename=file.name or f"import.{file_format}", data=data,
                file_format=file_format, options=options,
            )  # fmt: skip
            return Status(202, job)
        report = import_purchases(
            owner=request.auth, data=data, file_format=file_format, options=options
        )
    except ImportFileError as error:
        raise ValidationError({"file": error.message}) from None
    return Status(422 if report.stopped else 200, report.as_dict())


IMPORT_RESPONSES = {
    200: ImportReportOut, 202: JobOut, 401: dict, 413: dict, 422: ImportReportOut | dict,
}  # fmt: skip
IMPORT_DESCRIPTION = """Multipart: `file`, and the options `on_duplicate` (skip or update),
`dry_run`, `partial` and `background` as form fields (or in the query string). Every row is
checked before anything is written; with an invalid row and `partial` false nothing is written
and the answer is 422 with the report. One transaction: an interrupted import leaves no trace.
A duplicate is a row whose `id` is already yours or, without an id, one with the same product
name (ignoring case), purchase date, price, currency and retailer. With `background=true` the
answer is 202 with a job (`GET /api/jobs/{{id}}`), whose `result` is the report. A file over the
import limit answers 413; one that is not a {kind} export answers 422."""


@import_router.post(
    "/csv",
    response=IMPORT_RESPONSES,
    summary="Import purchases from CSV",
    description=IMPORT_DESCRIPTION.format(kind="CSV")
    + " Columns are matched by header name in any case and order; only product_name, price "
    "and purchase_date are required. Rows are numbered by their line in the file (the header is "
    "line 1).",
)
def import_csv(request, file: File[UploadedFile], form: Form[ImportOptionsIn]):
    return _import(request, "csv", file, form)


@import_router.post(
    "/json",
    response=IMPORT_RESPONSES,
    summary="Import purchases from JSON",
    description=IMPORT_DESCRIPTION.format(kind="JSON")
    + " Rows are numbered by their index in the `purchases` list, from 0.",
)
def import_json(request, file: File[UploadedFile], form: Form[ImportOptionsIn]):
    return _import(request, "json", file, form)
