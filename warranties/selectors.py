import datetime

from django.db.models import DurationField, ExpressionWrapper, F, QuerySet, Value

from accounts.selectors import today_for
from spends.errors import NotFound
from warranties.models import Warranty
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
