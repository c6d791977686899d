"""The instance's backups (SPEC section 8): one record per archive in the backups directory, and
the schedule of automatic backups.

Neither table is part of a backup, and a restore leaves both alone: they describe the archives
on this machine, not the data inside them."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from spends.models import TimestampedModel


class BackupKind(models.TextChoices):
    MANUAL = "manual", "Manual"
    SCHEDULED = "scheduled", "Scheduled"
    RESTORE_POINT = "restore_point", "Restore point"


class BackupState(models.TextChoices):
    # Being written under a temporary name; `updated_at` is its heartbeat.
    RUNNING = "running", "Running"
    COMPLETE = "complete", "Complete"


class Backup(TimestampedModel):
    """An archive, `filename` in the backups directory. `sha256` and `size` are the archive
    file's own; `file_count` the stored files inside it. A scheduled backup names the period it
    stands for in `slot` ("daily:2026-11-21"), which is unique: the same due backup is never
    taken twice, however often or late the schedule runs."""

    filename = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=BackupKind.choices)
    state = models.CharField(
        max_length=10, choices=BackupState.choices, default=BackupState.RUNNING
    )
    size = models.PositiveBigIntegerField(default=0)
    file_count = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # Who took it (a username, kept as text: a restore may replace the accounts).
    created_by = models.CharField(max_length=150, blank=True)
    slot = models.CharField(max_length=40, null=True, blank=True, unique=True)
    # The rows it holds, per table ("purchases.purchase": 1200), from its manifest.
    row_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=BackupKind.values), name="backup_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=BackupState.values), name="backup_state_known"
            ),
        ]
        indexes = [models.Index(fields=["state", "-created_at"], name="backup_state_created")]

    def __str__(self) -> str:
        return self.filename


class BackupFrequency(models.TextChoices):
    OFF = "off", "Off"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


DEFAULT_KEEP = 7


class BackupSchedule(models.Model):
    """The one schedule of automatic backups (the row with id 1; the defaults when there is
    none). `last_error` says why the last automatic backup failed, until one succeeds."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    frequency = models.CharField(
        max_length=10, choices=BackupFrequency.choices, default=BackupFrequency.OFF
    )
    keep = models.PositiveSmallIntegerField(
        default=DEFAULT_KEEP, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="backup_schedule_single_row"),
            models.CheckConstraint(
                condition=models.Q(frequency__in=BackupFrequency.values),
                name="backup_schedule_frequency_known",
            ),
            models.CheckConstraint(
                condition=models.Q(keep__gte=1, keep__lte=365), name="backup_schedule_keep_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Automatic backups: {self.get_frequency_display().lower()}, keep {self.keep}"
