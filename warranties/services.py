import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from purchases.models import Purchase
from spends.dates import add_months
from warranties.models import CalendarFeed, Warranty, WarrantyType
from warranties.selectors import calendar_feed_for

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


def calendar_feed_secret() -> str:
    """A new calendar secret: 256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def calendar_feed_get_or_create(*, owner) -> CalendarFeed:
    """The owner's calendar feed, made with a new secret the first time. Finding it is a plain
    read, outside any transaction (on SQLite a transaction takes the write lock), so that the
    settings page may ask on every view.

    Two first requests at once (two tabs opening the settings page) both find none; the
    database's unique constraint lets only one insert, and the other then answers the winner's
    feed rather than failing."""
    feed = calendar_feed_for(owner)
    if feed is not None:
        return feed
    feed = CalendarFeed(owner=owner, secret=calendar_feed_secret())
    # Uniqueness is left to the database, which alone can decide it for concurrent requests.
    feed.full_clean(exclude=["owner"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            feed.save(force_insert=True)
    except IntegrityError:
        winner = calendar_feed_for(owner)
        if winner is None:
            raise
        return winner
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, owner) -> CalendarFeed:
    """A new secret for the owner's calendar feed: the old address answers 404 from now on."""
    feed = calendar_feed_get_or_create(owner=owner)
    feed.secret = calendar_feed_secret()
    feed.full_clean(exclude=["owner"], validate_unique=False, validate_constraints=False)
    feed.save(update_fields=["secret"])
    return feed
