import os
import unicodedata
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.selectors import preferences_for
from catalog.models import Brand, Retailer
from catalog.services import catalog_resolve
from purchases import filestore
from purchases.filekinds import HEAD_SIZE, Refusal, content_type_of
from purchases.models import Attachment, AttachmentKind, Purchase, PurchaseStatus
from purchases.selectors import attachment_get, purchase_get
from spends.errors import NotFound, PayloadTooLarge
from spends.uploads import size_limit_text
from warranties.models import Warranty
from warranties.services import warranty_set

# The purchase's own fields a person can set directly.
PURCHASE_FIELDS = (
    "product_name", "price", "currency_code", "status", "purchase_date",
    "serial_number", "model_number", "order_number", "notes",
)  # fmt: skip
# Fields that name a retailer or brand, by id or by name (a new name creates it).
RELATION_FIELDS = {
    "retailer_id": ("retailer", Retailer, "id"),
    "retailer_name": ("retailer", Retailer, "name"),
    "brand_id": ("brand", Brand, "id"),
    "brand_name": ("brand", Brand, "name"),
}
TEXT_FIELDS = ("serial_number", "model_number", "order_number", "notes")


def _prefixed(error: ValidationError, prefix: str) -> ValidationError:
    return ValidationError({f"{prefix}.{key}": value for key, value in error.message_dict.items()})


def _apply_changes(purchase: Purchase, changes: dict) -> None:
    unknown = set(changes) - set(PURCHASE_FIELDS) - set(RELATION_FIELDS) - {"warranty"}
    if unknown:
        raise ValidationError({key: "Unknown field." for key in sorted(unknown)})
    for key in PURCHASE_FIELDS:
        if key in changes:
            value = changes[key]
            if key in TEXT_FIELDS and value is None:
                value = ""
            setattr(purchase, key, value)
    for key, (relation, model, how) in RELATION_FIELDS.items():
        if key not in changes:
            continue
        value = changes[key]
        try:
            entry = catalog_resolve(
                owner=purchase.owner,
                model=model,
                **({"entry_id": value} if how == "id" else {"name": value}),
            )
        except NotFound:
            raise ValidationError({key: f"Unknown {model._meta.verbose_name}."}) from None
        except ValidationError as error:
            raise _prefixed(error, key.removesuffix("_name")) from None
        setattr(purchase, relation, entry)


@transaction.atomic
def purchase_create(*, owner, **fields) -> Purchase:
    """A new purchase, with its warranty when `warranty` (a dict of warranty fields) is given.

    The retailer and brand are named by `retailer_id` or `retailer_name` (likewise for brand).
    """
    warranty_data = fields.get("warranty")
    purchase = Purchase(owner=owner, currency_code=preferences_for(owner).currency_code)
    _apply_changes(purchase, fields)
    purchase.full_clean(validate_constraints=False)
    purchase.save()
    if warranty_data is not None:
        try:
            warranty_set(purchase=purchase, data=warranty_data)
        except ValidationError as error:
            raise _prefixed(error, "warranty") from None
    return purchase_get(owner, purchase.id)


@transaction.atomic
def purchase_update(*, owner, purchase_id, **changes) -> Purchase:
    """Change the given fields; `warranty=None` removes the warranty, a dict sets it."""
    purchase = purchase_get(owner, purchase_id)
    _apply_changes(purchase, changes)
    purchase.full_clean(validate_constraints=False)
    purchase.save()
    if "warranty" in changes:
        if changes["warranty"] is None:
            Warranty.objects.filter(purchase=purchase).delete()
        else:
            try:
                warranty_set(purchase=purchase, data=changes["warranty"])
            except ValidationError as error:
                raise _prefixed(error, "warranty") from None
    return purchase_get(owner, purchase.id)


@transaction.atomic
def purchase_delete(*, owner, purchase_id) -> None:
    """Delete a purchase with its warranty and attachments."""
    purchase_get(owner, purchase_id).delete()


@transaction.atomic
def purchase_bulk_delete(*, owner, purchase_ids: list) -> int:
    deleted = Purchase.objects.filter(owner=owner, id__in=purchase_ids)
    count = deleted.count()
    deleted.delete()
    return count


@transaction.atomic
def purchase_bulk_update(*, owner, purchase_ids: list, **changes) -> int:
    """Set the status, retailer or brand of several of the owner's purchases at once."""
    allowed = {"status", "retailer_id", "brand_id"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({key: "Cannot be changed for several purchases." for key in unknown})
    values = {}
    if "status" in changes:
        if changes["status"] not in PurchaseStatus.values:
            raise ValidationError({"status": "Choose ORDERED or RECEIVED."})
        values["status"] = changes["status"]
    for key, model in (("retailer_id", Retailer), ("brand_id", Brand)):
        if key in changes:
            entry_id = changes[key]
            if entry_id and not model.objects.filter(owner=owner, id=entry_id).exists():
                raise ValidationError({key: f"Unknown {model._meta.verbose_name}."})
            values[key] = entry_id or None
    if not values:
        return 0
    values["updated_at"] = timezone.now()
    return Purchase.objects.filter(owner=owner, id__in=purchase_ids).update(**values)


def purchase_mark_received(*, owner, purchase_id) -> Purchase:
    return purchase_update(owner=owner, purchase_id=purchase_id, status=PurchaseStatus.RECEIVED)


FILENAME_MAX_LENGTH = Attachment._meta.get_field("filename").max_length


def clean_filename(name: str | None) -> str:
    """The name a file is listed and downloaded under: without any folder a browser or script
    sent along, without control characters, at most 255 characters (keeping the extension)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if not base or base in {".", ".."}:
        return "file"
    if len(base) > FILENAME_MAX_LENGTH:
        stem, extension = os.path.splitext(base)
        extension = extension[:20]
        base = stem[: FILENAME_MAX_LENGTH - len(extension)] + extension
    return base


def _size_of(stream: IO[bytes]) -> int:
    size = getattr(stream, "size", None)
    if size is None:
        size = stream.seek(0, os.SEEK_END)
        stream.seek(0)
    return size


def attachment_check(*, stream: IO[bytes], filename: str) -> str:
    """The content type of a file that may be attached, or the reason it may not: too large
    (PayloadTooLarge) or not an allowed kind (ValidationError on `file`)."""
    limit = settings.SPENDS_MAX_ATTACHMENT_BYTES
    size = _size_of(stream)
    if size > limit:
        raise PayloadTooLarge(
            f"“{filename}” is {size_limit_text(size)}; "
            f"attachments may be at most {size_limit_text(limit)}."
        )
    stream.seek(0)
    head = stream.read(HEAD_SIZE)
    stream.seek(0)
    detected = content_type_of(head, filename=filename, complete=size <= HEAD_SIZE)
    if isinstance(detected, Refusal):
        raise ValidationError({"file": detected.message})
    return detected


def attachment_add(
    *, owner, purchase_id, stream: IO[bytes], filename: str, kind: str = AttachmentKind.OTHER
) -> Attachment:
    """Attach a file to one of the owner's purchases: checked (size, kind by content), stored
    once in the file store whoever else has the same bytes, and recorded."""
    purchase = purchase_get(owner, purchase_id)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(AttachmentKind.values)}."})
    filename = clean_filename(filename)
    content_type = attachment_check(stream=stream, filename=filename)
    stored = filestore.put(stream)
    try:
        with transaction.atomic():
            attachment = Attachment(
                owner=owner,
                purchase=purchase,
                kind=kind,
                filename=filename,
                content_type=content_type,
                size=stored.size,
                sha256=stored.sha256,
            )
            attachment.full_clean(validate_constraints=False)
            attachment.save()
    except BaseException:
        release_stored_file(stored.sha256)
        raise
    # A delete of the last other attachment with these bytes may have removed the file after
    # `put` found it there; store it again rather than leave this attachment without one.
    if not filestore.exists(stored.sha256):
        filestore.put(stream)
    return attachment


@transaction.atomic
def attachment_delete(*, owner, attachment_id) -> None:
    """Delete one of the owner's attachments; its stored file goes with the last attachment
    that names it (purchases.signals)."""
    attachment_get(owner, attachment_id).delete()


def release_stored_file(sha256: str) -> None:
    """Delete a stored file that no attachment names any more (unless a backup being written
    may still need it: see filestore.unnamed_deletions_held)."""
    if filestore.unnamed_deletions_held():
        return
    if not Attachment.objects.filter(sha256=sha256).exists():
        filestore.delete(sha256)
