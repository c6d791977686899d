import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from purchases.models import Purchase
from spends.dates import add_months
from warranties.models import Warranty, WarrantyType

WARRANTY_FIELDS = ("warranty_start", "warranty_end", "warranty_type", "provider", "notes", "voided")
MAX_DURATION_MONTHS = 1200


def warranty_end_from(
    *, start: datetime.date, warranty_end: datetime.date | None, duration_months: int | None
) -> datetime.date | None:
    """The end date a person gave, directly or as a duration in months from the start."""
    if duration_months is None:
        return warranty_end
    if isinstance(duration_months, bool) or not isinstance(duration_months, int):
        raise ValidationError({"duration_months": "Give a whole number of months."})
    if not 1 <= duration_months <= MAX_DURATION_MONTHS:
        raise ValidationError(
            {"duration_months": f"Give between 1 and {MAX_DURATION_MONTHS} months."}
        )
    if warranty_end is not None:
        raise ValidationError(
            {"duration_months": "Give either an end date or a duration, not both."}
        )
    return add_months(start, duration_months)


@transaction.atomic
def warranty_set(*, purchase: Purchase, data: dict) -> Warranty:
    """Create the purchase's warranty, or change the given fields of the existing one.

    `data` holds any of WARRANTY_FIELDS and `duration_months`. The start defaults to the
    purchase date; a LIFETIME warranty has no end.
    """
    data = dict(data)
    unknown = set(data) - set(WARRANTY_FIELDS) - {"duration_months"}
    if unknown:
        raise ValidationError({key: "Unknown field." for key in sorted(unknown)})
    warranty = Warranty.objects.filter(purchase=purchase).first() or Warranty(
        purchase=purchase, owner_id=purchase.owner_id, warranty_start=purchase.purchase_date
    )
    duration_months = data.pop("duration_months", None)
    for key, value in data.items():
        if key in ("provider", "notes") and value is None:
            value = ""
        if key == "warranty_start" and value is None:
            value = purchase.purchase_date
        setattr(warranty, key, value)
    if warranty.warranty_start is None:
        warranty.warranty_start = purchase.purchase_date
    if duration_months is not None or "warranty_end" in data:
        warranty.warranty_end = warranty_end_from(
            start=warranty.warranty_start,
            warranty_end=data.get("warranty_end"),
            duration_months=duration_months,
        )
    if warranty.warranty_type == WarrantyType.LIFETIME:
        warranty.warranty_end = None
    warranty.full_clean(exclude=["purchase", "owner"], validate_constraints=False)
    warranty.save()
    return warranty


@transaction.atomic
def warranty_delete(*, warranty: Warranty) -> None:
    warranty.delete()


@transaction.atomic
def warranty_set_voided(*, warranty: Warranty, voided: bool) -> Warranty:
    warranty.voided = voided
    warranty.save(update_fields=["voided", "updated_at"])
    return warranty


@transaction.atomic
def warranty_update(*, owner, warranty_id, data: dict) -> Warranty:
    """Change a warranty's fields; `status` VOIDED or ACTIVE sets `voided` (EXPIRED is derived
    from the end date and cannot be set)."""
    from warranties.selectors import warranty_get

    data = dict(data)
    warranty = warranty_get(owner, warranty_id)
    status = data.pop("status", None)
    if status is not None:
        if status not in ("VOIDED", "ACTIVE"):
            raise ValidationError(
                {"status": "Only VOIDED or ACTIVE can be set; EXPIRED is derived."}
            )
        voided = status == "VOIDED"
        if data.get("voided", voided) != voided:
            raise ValidationError({"status": "Contradicts the value given for voided."})
        data["voided"] = voided
    warranty_set(purchase=warranty.purchase, data=data)
    return warranty_get(owner, warranty_id)
