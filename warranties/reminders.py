"""Warranty reminders by email (SPEC section 9).

Once a day each user with reminders on and an email address receives one digest listing the
warranties that newly entered their window: not voided, ending from the user's today to today +
the days ahead they chose, and not yet reminded of that end date. The record of what was sent
(`WarrantyReminder`, one row per warranty and end date) is what makes it dependable:

- a warranty is reminded at most once per window, however often the job runs;
- a day the job did not run is caught up at the next run, since a warranty stays due until
  its reminder is recorded (or its end date has passed: an expired warranty is never reminded);
- a warranty whose end date changes is due again for the new date, being a new window;
- at most one digest goes to a user per day of their own time zone (`sent_on`), so what comes
  due later that day waits for the next day's digest.

A digest's rows are written before its email is sent, so that two runs at once (two machines,
or the worker's clock and cron) cannot both send it: the second one's rows collide with the
first's. Rows whose email failed are deleted again, so the next run retries them; rows left by a
run that died before sending are taken back after CLAIM_TIMEOUT.

`reminders_send_scheduled` is the worker clock's entry (settings.SPENDS_PERIODIC_WORK): it runs
every minute and sends each user's digest from SPENDS_REMINDER_HOUR of their day.
`manage.py send_reminders` runs `reminders_send` at whatever hour cron starts it.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import preferences_for, time_zone_for, today_for, users_with_reminders_on
from warranties.models import Warranty, WarrantyReminder
from warranties.selectors import digest_sent_on, reminders_due

logger = logging.getLogger(__name__)

# How long a digest's rows may wait for their email before a later run takes them back: far
# longer than sending one email can take (the mailer gives up after 30 s).
CLAIM_TIMEOUT = datetime.timedelta(minutes=15)


@dataclass
class Digest:
    """One user's reminder email: where it goes and the warranties it lists."""

    owner: object
    address: str
    today: datetime.date
    warranties: list[Warranty]

    def days_left(self, warranty: Warranty) -> int:
        return (warranty.warranty_end - self.today).days


def ends_in_words(days_left: int) -> str:
    if days_left == 0:
        return "today"
    if days_left == 1:
        return "tomorrow"
    return f"in {days_left} days"


@dataclass
class ReminderRun:
    """What one run did (or, dry, would do)."""

    sent: list[Digest] = field(default_factory=list)
    failed: list[tuple[Digest, str]] = field(default_factory=list)
    # Users with reminders due and no address to send them to.
    no_address: list[Digest] = field(default_factory=list)
    # Due, but the user's digest already went today: they wait for tomorrow's.
    waiting: list[Digest] = field(default_factory=list)


def reminders_send(
    *, now: datetime.datetime | None = None, dry_run: bool = False, from_hour: int | None = None
) -> ReminderRun:
    """Sends each user the digest that is due (module docstring). With `dry_run`, sends and
    records nothing and answers what it would send (in `sent`). With `from_hour`, a user whose
    own clock is before that hour is left for a later run."""
    now = now or timezone.now()
    if not dry_run:
        _take_back_abandoned_claims(now)
    run = ReminderRun()
    for owner in users_with_reminders_on():
        if from_hour is not None and timezone.localtime(now, time_zone_for(owner)).hour < from_hour:
            continue
        preferences = preferences_for(owner)
        today = today_for(owner, now)
        warranties = list(
            reminders_due(owner, today=today, days_ahead=preferences.reminder_days_ahead)
        )
        if not warranties:
            continue
        digest = Digest(owner, preferences.reminder_address, today, warranties)
        if not digest.address:
            run.no_address.append(digest)
        elif digest_sent_on(owner, today):
            run.waiting.append(digest)
        elif dry_run:
            run.sent.append(digest)
        else:
            _send(digest, now, run)
    return run


def reminders_send_scheduled() -> ReminderRun:
    """The worker clock's run (every minute): each user's digest from SPENDS_REMINDER_HOUR of
    their day."""
    return reminders_send(from_hour=settings.SPENDS_REMINDER_HOUR)


def _send(digest: Digest, now: datetime.datetime, run: ReminderRun) -> None:
    claimed = _claim(digest, now)
    if claimed is None:
        return  # another run is sending these now
    try:
        digest_message(digest).send()
    except Exception as error:
        WarrantyReminder.objects.filter(pk__in=claimed).delete()
        logger.exception("The warranty reminder to %s could not be sent", digest.address)
        run.failed.append((digest, str(error) or type(error).__name__))
        return
    WarrantyReminder.objects.filter(pk__in=claimed).update(sent_at=timezone.now())
    logger.info("Sent the warranty digest (%d listed) to %s", len(claimed), digest.address)
    run.sent.append(digest)


def _claim(digest: Digest, now: datetime.datetime) -> list | None:
    """Writes the digest's rows, or answers None when a run at the same time wrote one first."""
    rows = [
        WarrantyReminder(
            owner=digest.owner,
            warranty=warranty,
            warranty_end=warranty.warranty_end,
            sent_on=digest.today,
            sent_to=digest.address,
            created_at=now,
        )
        for warranty in digest.warranties
    ]
    try:
        with transaction.atomic():
            WarrantyReminder.objects.bulk_create(rows)
    except IntegrityError:
        return None
    return [row.pk for row in rows]


def _take_back_abandoned_claims(now: datetime.datetime) -> None:
    abandoned = WarrantyReminder.objects.filter(sent_at__isnull=True)
    abandoned.filter(created_at__lt=now - CLAIM_TIMEOUT).delete()


# The email ------------------------------------------------------------------------------------


def _brand_unless_named(purchase) -> str:
    """The brand, to tell the product apart, unless its name already says it ("Bosch drill")."""
    brand = purchase.brand.name if purchase.brand else ""
    return "" if brand.casefold() in purchase.product_name.casefold() else brand


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    """The digest as an email with a plain-text body and an HTML alternative."""
    base = settings.SPENDS_BASE_URL
    context = {
        "user": digest.owner,
        # The date filter writes dates in the format of the `preferences` it finds here.
        "preferences": preferences_for(digest.owner),
        "items": [
            {
                "warranty": warranty,
                "purchase": warranty.purchase,
                "brand": _brand_unless_named(warranty.purchase),
                "days_left": digest.days_left(warranty),
                "ends_in": ends_in_words(digest.days_left(warranty)),
                "url": base + reverse("purchase_detail", args=[warranty.purchase_id]),
            }
            for warranty in digest.warranties
        ],
        "settings_url": base + reverse("settings") + "#reminders",
        "warranties_url": base + reverse("warranties"),
    }
    subject = " ".join(render_to_string("warranties/email/reminder_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("warranties/email/reminder_digest.txt", context),
        to=[digest.address],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(
        render_to_string("warranties/email/reminder_digest.html", context), "text/html"
    )
    return message
