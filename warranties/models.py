import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from purchases.models import Purchase
from spends.models import BulkOwnedModel, OwnedModel
from warranties.status import WarrantyStatus, days_remaining, warranty_status


class WarrantyType(models.TextChoices):
    MANUFACTURER = "MANUFACTURER", "Manufacturer"
    LIMITED = "LIMITED", "Limited"
    EXTENDED = "EXTENDED", "Extended"
    LIFETIME = "LIFETIME", "Lifetime"
    OTHER = "OTHER", "Other"


class Warranty(BulkOwnedModel):
    """At most one per purchase, deleted with it. Its status is derived (warranties.status)."""

    purchase = models.OneToOneField(Purchase, on_delete=models.CASCADE, related_name="warranty")
    warranty_start = models.DateField()
    warranty_end = models.DateField(null=True, blank=True)
    warranty_type = models.CharField(
        max_length=12, choices=WarrantyType.choices, default=WarrantyType.MANUFACTURER
    )
    voided = models.BooleanField(default=False)
    provider = models.CharField(max_length=200, blank=True)
    notes = models.TextField(max_length=10_000, blank=True, validators=[MaxLengthValidator(10_000)])

    class Meta:
        verbose_name_plural = "warranties"
        ordering = [models.F("warranty_end").asc(nulls_last=True), "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(warranty_end__isnull=True)
                | models.Q(warranty_end__gte=models.F("warranty_start")),
                name="warranty_end_not_before_start",
                violation_error_message="The warranty cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(warranty_type=WarrantyType.LIFETIME, warranty_end__isnull=True)
                    | (
                        ~models.Q(warranty_type=WarrantyType.LIFETIME)
                        & models.Q(warranty_end__isnull=False)
                    )
                ),
                name="warranty_end_iff_not_lifetime",
                violation_error_message="A lifetime warranty has no end date; any other needs one.",
            ),
            models.CheckConstraint(
                condition=models.Q(warranty_type__in=WarrantyType.values),
                name="warranty_type_known",
            ),
        ]
        indexes = [
            # Lists by end date, and the counts by state (summary, timeline), which read no
            # other column and so scan the index alone.
            models.Index(
                fields=["owner", "warranty_end", "voided", "warranty_start"],
                name="warranty_owner_end_state",
            ),
            models.Index(fields=["owner", "-created_at"], name="warranty_owner_created"),
            # A purchase list filtered by warranty status reads these columns of each purchase's
            # warranty: the index answers without the row.
            models.Index(
                fields=["purchase", "voided", "warranty_end"], name="warranty_state_by_purchase"
            ),
        ]

    def __str__(self) -> str:
        return f"Warranty for {self.purchase}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.warranty_type == WarrantyType.LIFETIME:
            self.warranty_end = None
        elif self.warranty_end is None:
            errors["warranty_end"] = "Give an end date or a duration in months."
        elif self.warranty_start and self.warranty_end < self.warranty_start:
            errors["warranty_end"] = "The warranty cannot end before it starts."
        if self.purchase_id and self.owner_id and self.purchase.owner_id != self.owner_id:
            errors["purchase"] = "Unknown purchase."
        if errors:
            raise ValidationError(errors)

    def status_on(self, today: datetime.date) -> WarrantyStatus:
        return warranty_status(voided=self.voided, warranty_end=self.warranty_end, today=today)

    def days_remaining_on(self, today: datetime.date) -> int | None:
        return days_remaining(warranty_end=self.warranty_end, today=today)


class WarrantyReminder(OwnedModel):
    """A warranty reminded of one end date: the record that lets each warranty be reminded once
    per window (warranties.reminders). A new end date is a new window, so it is reminded again.

    The row is written before its email is sent (`sent_at` still empty), so that two runs at
    once cannot both send it; it is deleted again when the email fails, and taken back by a
    later run when the run that wrote it died before sending (see CLAIM_TIMEOUT)."""

    warranty = models.ForeignKey(Warranty, on_delete=models.CASCADE, related_name="reminders")
    warranty_end = models.DateField()
    # The owner's own date when the digest went: at most one digest a day.
    sent_on = models.DateField()
    sent_to = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["warranty", "warranty_end"], name="warranty_reminder_once_per_end"
            ),
        ]
        indexes = [models.Index(fields=["owner", "sent_on"], name="warranty_reminder_owner_day")]

    def __str__(self) -> str:
        return f"Reminder of {self.warranty} ending {self.warranty_end}"


class CalendarFeed(OwnedModel):
    """A user's private calendar address, /calendar/<secret>.ics: whoever has the secret reads
    the feed without signing in, so it is long and random, and regenerating it ends the old
    one."""

    secret = models.CharField(max_length=64, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner"], name="calendar_feed_one_per_owner")
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.owner}"
