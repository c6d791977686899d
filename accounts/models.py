import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from spends.currencies import CURRENCY_CHOICES, DEFAULT_CURRENCY
from spends.models import TimestampedModel


class DateFormat(models.TextChoices):
    SHORT = "short", "Jan 30, 2026"
    US = "MM/DD/YYYY", "01/30/2026"
    EUROPEAN = "DD/MM/YYYY", "30/01/2026"
    ISO = "YYYY-MM-DD", "2026-01-30"
    GERMAN = "DD.MM.YYYY", "30.01.2026"


def default_time_zone() -> str:
    return settings.TIME_ZONE


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "%(value)s is not a known time zone.", code="invalid_timezone", params={"value": value}
        ) from None


REMINDER_DAYS_RULE = "Choose from 1 to 365 days ahead."


class Preferences(TimestampedModel):
    """A user's preferences. A user without a row has the defaults (see selectors)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    currency_code = models.CharField(
        max_length=3, choices=CURRENCY_CHOICES, default=DEFAULT_CURRENCY
    )
    date_format = models.CharField(max_length=10, choices=DateFormat.choices, default=DateFormat.US)
    timezone = models.CharField(
        max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    reminders_enabled = models.BooleanField(default=False)
    reminder_days_ahead = models.PositiveSmallIntegerField(
        default=30,
        validators=[
            MinValueValidator(1, message=REMINDER_DAYS_RULE),
            MaxValueValidator(365, message=REMINDER_DAYS_RULE),
        ],
    )
    # Where reminders go; empty: the account's own address (reminder_address()).
    reminder_email = models.EmailField(blank=True)

    class Meta:
        verbose_name_plural = "preferences"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_format__in=DateFormat.values),
                name="preferences_date_format_known",
            ),
            models.CheckConstraint(
                condition=models.Q(reminder_days_ahead__gte=1, reminder_days_ahead__lte=365),
                name="preferences_reminder_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Preferences of {self.user}"

    @property
    def reminder_address(self) -> str:
        """The address reminders go to: the one chosen for them, else the account's."""
        return self.reminder_email or self.user.email


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the token, so that a person can tell their tokens apart.
    prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="apitoken_owner_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class DataVersion(models.Model):
    """A number that changes whenever any of an owner's purchases, warranties, retailers, brands
    or preferences change: what the reads remembered between requests (accounts/versions.py)
    are filed under. Database triggers keep it (accounts/versions.py), so every way of writing
    counts: the pages, the API, the admin, an import, a restore, a shell.

    `owner_id` is a plain number, not a foreign key: the rows of a deleted account stay (the
    triggers write one while its purchases are deleted, after the account may be gone), and a
    number never goes back, so figures remembered for an old state are never taken for a new
    one. Not in backups: a restore counts as a change like any other."""

    owner_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.owner_id}: {self.version}"
