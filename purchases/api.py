from uuid import UUID

from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from purchases.downloads import attachment_response
from purchases.schemas import (
    AttachmentKindName,
    AttachmentOut,
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

ERRORS = {401: dict, 404: dict, 422: dict}


def filters_from(query: PurchaseFilterQuery) -> PurchaseFilters:
    return PurchaseFilters(**query.model_dump())


@router.get("", response={200: list[PurchaseOut], 401: dict, 422: dict}, summary="List purchases")
@paginate(SkipLimitPagination)
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
