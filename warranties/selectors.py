import datetime
import re

from django.db.models import DurationField, Exists, ExpressionWrapper, F, OuterRef, QuerySet, Value

from accounts.selectors import today_for
from spends.errors import NotFound
from warranties.models import CalendarFeed, Warranty, WarrantyReminder
from warranties.status import (
    EXPIRING_SOON_DAYS,
    expiring_condition,
    shown_status_expression,
    status_condition,
)


def warranty_list(
    owner,
    *,
    status: str | None = None,
    expiring_within_days: int | None = None,
    warranty_type: str | None = None,
    purchase_id=None,
    today: datetime.date | None = None,
) -> QuerySet[Warranty]:
    """The owner's warranties with their purchase, soonest end first, lifetime ones last."""
    today = today or today_for(owner)
    queryset = Warranty.objects.filter(owner=owner).select_related("purchase")
    if status:
        queryset = queryset.filter(status_condition(status, today))
    if expiring_within_days is not None:
        queryset = queryset.filter(expiring_condition(today, expiring_within_days))
    if warranty_type:
        queryset = queryset.filter(warranty_type=warranty_type)
    if purchase_id:
        queryset = queryset.filter(purchase_id=purchase_id)
    return queryset.order_by(F("warranty_end").asc(nulls_last=True), "created_at", "id")


def with_shown_status(queryset: QuerySet[Warranty], today: datetime.date) -> QuerySet[Warranty]:
    """Each row's shown status (warranties.status.shown_status) and the days it has left or has
    been over, computed by the database for a whole list rather than per row."""
    return queryset.annotate(
        shown_status=shown_status_expression(today),
        days_left=ExpressionWrapper(F("warranty_end") - Value(today), output_field=DurationField()),
        days_ago=ExpressionWrapper(Value(today) - F("warranty_end"), output_field=DurationField()),
    )


def warranty_expiring(owner, *, days: int = EXPIRING_SOON_DAYS) -> QuerySet[Warranty]:
    return warranty_list(owner, expiring_within_days=days)


def warranty_get(owner, warranty_id) -> Warranty:
    warranty = (
        Warranty.objects.filter(owner=owner, id=warranty_id).select_related("purchase").first()
    )
    if warranty is None:
        raise NotFound("Warranty not found.")
    return warranty


def warranty_count(owner) -> int:
    return Warranty.objects.filter(owner=owner).count()


def warranty_recent(owner, *, limit: int = 10) -> QuerySet[Warranty]:
    return (
        Warranty.objects.filter(owner=owner)
        .select_related("purchase")
        .order_by("-created_at", "-id")[:limit]
    )


def calendar_feed_for(owner) -> CalendarFeed | None:
    """The owner's calendar feed, or None before the settings page first made one."""
    return CalendarFeed.objects.filter(owner=owner).first()


# What a secret can look like (warranties.services.calendar_feed_secret makes them): anything
# else is unknown without asking the database, which may refuse some characters (PostgreSQL a
# NUL) rather than find nothing.
CALENDAR_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def calendar_feed_owner(secret: str):
    """The user whose calendar feed has this secret, or None: an unknown secret, one that was
    regenerated since, or an account that was deactivated."""
    if not CALENDAR_SECRET_PATTERN.fullmatch(secret):
        return None
    feed = (
        CalendarFeed.objects.select_related("owner")
        .filter(secret=secret, owner__is_active=True)
        .first()
    )
    return feed.owner if feed else None


# What a calendar event says about a warranty (warranties.calendar.warranty_event).
CALENDAR_FIELDS = (
    "id", "warranty_end", "warranty_type", "provider", "updated_at", "purchase_id",
    "purchase__product_name", "purchase__updated_at", "purchase__brand__name",
    "purchase__retailer__name",
)  # fmt: skip


def calendar_feed_warranties(owner) -> QuerySet:
    """The warranties the owner's calendar feed shows, one event each, by end date: plain rows
    (`CALENDAR_FIELDS`, by name) of what an event says, in one query whatever their number.
    Rows rather than model objects, since a feed may hold tens of thousands.

    Expired warranties stay, so that the calendar keeps its history rather than losing past
    events; voided ones go (they no longer end, they are over), and so do lifetime ones, which
    have no end date to put in a calendar."""
    return (
        Warranty.objects.filter(
            owner=owner, purchase__owner=owner, voided=False, warranty_end__isnull=False
        )
        .order_by("warranty_end", "id")
        .values_list(*CALENDAR_FIELDS, named=True)
    )


def reminders_due(owner, *, today: datetime.date, days_ahead: int) -> QuerySet[Warranty]:
    """The owner's warranties whose reminder (warranties.reminders) is due on `today`: in the
    window and not yet reminded of their present end date (nor being reminded by a run under
    way)."""
    reminded = WarrantyReminder.objects.filter(
        warranty=OuterRef("pk"), warranty_end=OuterRef("warranty_end")
    )
    return (
        Warranty.objects.filter(expiring_condition(today, days_ahead), owner=owner)
        .filter(~Exists(reminded))
        .select_related("purchase__brand", "purchase__retailer")
        .order_by("warranty_end", "purchase__product_name", "id")
    )


def digest_sent_on(owner, day: datetime.date) -> bool:
    return WarrantyReminder.objects.filter(owner=owner, sent_on=day).exists()
