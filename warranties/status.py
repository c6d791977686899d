"""A warranty's derived status: the one definition, for one object and for a queryset.

VOIDED if voided; otherwise EXPIRED if it ended before today; otherwise ACTIVE. EXPIRING_SOON is
an ACTIVE warranty whose end lies from today to today + EXPIRING_SOON_DAYS (both included),
the same window as GET /api/warranties/expiring?days=30.
"Today" is always the owner's local date, passed in by the caller (accounts.selectors.today_for).

`warranty_status` and `status_condition` state the same rule twice, once in Python and once as
SQL; tests/test_status.py checks that they agree at every boundary.
"""

import datetime

from django.db import models
from django.db.models import Q

EXPIRING_SOON_DAYS = 30
# What the pages show for an ACTIVE warranty within the expiring-soon window.
EXPIRING_SOON = "EXPIRING_SOON"


class WarrantyStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    EXPIRED = "EXPIRED", "Expired"
    VOIDED = "VOIDED", "Voided"


def warranty_status(
    *, voided: bool, warranty_end: datetime.date | None, today: datetime.date
) -> WarrantyStatus:
    if voided:
        return WarrantyStatus.VOIDED
    if warranty_end is not None and warranty_end < today:
        return WarrantyStatus.EXPIRED
    return WarrantyStatus.ACTIVE


def is_expiring_soon(
    *, voided: bool, warranty_end: datetime.date | None, today: datetime.date,
    days: int = EXPIRING_SOON_DAYS,
) -> bool:  # fmt: skip
    if warranty_status(voided=voided, warranty_end=warranty_end, today=today) != "ACTIVE":
        return False
    return warranty_end is not None and warranty_end <= today + datetime.timedelta(days=days)


def shown_status(*, voided: bool, warranty_end: datetime.date | None, today: datetime.date) -> str:
    """The status a page shows: EXPIRING_SOON for an active warranty in the window, else the
    status itself."""
    if is_expiring_soon(voided=voided, warranty_end=warranty_end, today=today):
        return EXPIRING_SOON
    return warranty_status(voided=voided, warranty_end=warranty_end, today=today)


def days_remaining(*, warranty_end: datetime.date | None, today: datetime.date) -> int | None:
    return None if warranty_end is None else (warranty_end - today).days


def status_condition(status: str, today: datetime.date, prefix: str = "") -> Q:
    """The filter for warranties in `status` on `today`; `prefix` reaches them through a
    relation (for purchases: "warranty__")."""
    voided, end = f"{prefix}voided", f"{prefix}warranty_end"
    if status == WarrantyStatus.VOIDED:
        return Q(**{voided: True})
    if status == WarrantyStatus.EXPIRED:
        return Q(**{voided: False, f"{end}__lt": today})
    if status == WarrantyStatus.ACTIVE:
        return Q(**{voided: False}) & (Q(**{f"{end}__gte": today}) | Q(**{f"{end}__isnull": True}))
    raise ValueError(f"Unknown warranty status {status!r}")


def expiring_condition(today: datetime.date, days: int = EXPIRING_SOON_DAYS, prefix: str = "") -> Q:
    """ACTIVE warranties ending from today to today + days, both included."""
    last_day = today + datetime.timedelta(days=days)
    return Q(**{f"{prefix}voided": False, f"{prefix}warranty_end__range": (today, last_day)})


def status_expression(today: datetime.date, prefix: str = "") -> models.Case:
    """The status as a query expression, for annotating a list."""
    return models.Case(
        *(
            models.When(status_condition(status, today, prefix), then=models.Value(status.value))
            for status in (WarrantyStatus.VOIDED, WarrantyStatus.EXPIRED)
        ),
        default=models.Value(WarrantyStatus.ACTIVE.value),
        output_field=models.CharField(),
    )


def shown_status_expression(today: datetime.date, prefix: str = "") -> models.Case:
    """`shown_status` as a query expression, for annotating a list."""
    return models.Case(
        models.When(expiring_condition(today, prefix=prefix), then=models.Value(EXPIRING_SOON)),
        default=status_expression(today, prefix),
        output_field=models.CharField(),
    )
