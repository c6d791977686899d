"""A warranty's status at its boundaries, judged by the owner's date, in Python and in SQL."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from accounts.selectors import today_for
from accounts.services import preferences_update
from warranties.models import Warranty, WarrantyType
from warranties.selectors import warranty_list
from warranties.status import (
    days_remaining,
    expiring_condition,
    is_expiring_soon,
    shown_status,
    shown_status_expression,
    status_expression,
    warranty_status,
)
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
DAY = datetime.timedelta(days=1)

CASES = [
    # (name, end, voided, status, expiring soon, days remaining)
    ("ended yesterday", TODAY - DAY, False, "EXPIRED", False, -1),
    ("ends today", TODAY, False, "ACTIVE", True, 0),
    ("ends in 30 days", TODAY + 30 * DAY, False, "ACTIVE", True, 30),
    ("ends in 31 days", TODAY + 31 * DAY, False, "ACTIVE", False, 31),
    ("lifetime", None, False, "ACTIVE", False, None),
    ("voided, ends tomorrow", TODAY + DAY, True, "VOIDED", False, 1),
    ("voided, ended", TODAY - 90 * DAY, True, "VOIDED", False, -90),
]


@pytest.mark.parametrize(("name", "end", "voided", "status", "soon", "days"), CASES)
def test_status_in_python_and_in_sql_agree(user, name, end, voided, status, soon, days):
    warranty = WarrantyFactory(
        purchase__owner=user,
        purchase__purchase_date=TODAY - 400 * DAY,
        warranty_end=end,
        voided=voided,
        warranty_type=WarrantyType.LIFETIME if end is None else WarrantyType.MANUFACTURER,
    )
    assert warranty_status(voided=voided, warranty_end=end, today=TODAY) == status
    assert is_expiring_soon(voided=voided, warranty_end=end, today=TODAY) is soon
    assert days_remaining(warranty_end=end, today=TODAY) == days
    assert warranty.status_on(TODAY) == status
    in_sql = Warranty.objects.annotate(s=status_expression(TODAY)).get(id=warranty.id).s
    assert in_sql == status
    assert warranty_list(user, status=status, today=TODAY).filter(id=warranty.id).exists()
    assert Warranty.objects.filter(expiring_condition(TODAY), id=warranty.id).exists() is soon
    shown = "EXPIRING_SOON" if soon else status
    assert shown_status(voided=voided, warranty_end=end, today=TODAY) == shown
    annotated = Warranty.objects.annotate(s=shown_status_expression(TODAY)).get(id=warranty.id)
    assert annotated.s == shown


def test_today_is_the_owners_date_in_a_non_utc_time_zone(user):
    # Find a zone where it is already tomorrow or still yesterday compared to UTC right now,
    # then check a warranty ending on the UTC date is judged by the owner's date.
    utc_today = timezone.now().date()
    zone = next(
        name
        for name in ("Pacific/Kiritimati", "Pacific/Pago_Pago")
        if timezone.now().astimezone(zoneinfo.ZoneInfo(name)).date() != utc_today
    )
    preferences_update(user=user, timezone=zone)
    local_today = today_for(user)
    assert local_today != utc_today
    ends_utc_today = WarrantyFactory(
        purchase__owner=user, purchase__purchase_date=utc_today - 400 * DAY, warranty_end=utc_today
    )
    expected = "EXPIRED" if local_today > utc_today else "ACTIVE"
    assert ends_utc_today.status_on(today_for(user)) == expected
    assert list(warranty_list(user, status=expected)) == [ends_utc_today]
