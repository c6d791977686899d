"""Long operations (SPEC section 5): one record per run of an import, a backup or a restore,
whichever kind it is, with its state, progress, times and outcome."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from spends.models import OwnedModel


class JobKind(models.TextChoices):
    IMPORT = "import", "Import"
    BACKUP = "backup", "Backup"
    RESTORE = "restore", "Restore"


# Jobs about the whole instance rather than one person's data: every staff user sees them, and
# they outlive the account that started them (a restore may replace that very account).
INSTANCE_KINDS = (JobKind.BACKUP, JobKind.RESTORE)


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


FINISHED_STATES = (JobState.SUCCEEDED, JobState.FAILED)


class Job(OwnedModel):
    """`owner` is the person who started it and the only one who sees it, except for the
    instance's jobs (INSTANCE_KINDS), which every staff user sees; those have no owner when
    started by the schedule or when a restore replaced the account that started them. `result`
    holds the operation's answer once it succeeded (an import's report, a backup's id); `error`
    a sentence once it failed."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # What it is doing now, in words ("Checking rows"), shown beside the progress bar.
    stage = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The task framework's id for the run, to find it in the worker's log.
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=JobState.values), name="job_state_known"
            ),
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total")),
                name="job_progress_within_total",
            ),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_state_display().lower()}"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def percent(self) -> int:
        if self.state == JobState.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def stalled(self) -> bool:
        return self.state == JobState.RUNNING and timezone.now() - self.updated_at > STALL_AFTER

    @property
    def waiting_long(self) -> bool:
        """Queued for longer than a worker takes to notice: likely no worker is running."""
        return self.state == JobState.QUEUED and timezone.now() - self.created_at > WORKER_GRACE


# A worker polls every second; a job still queued after this has most likely no worker.
WORKER_GRACE = datetime.timedelta(seconds=15)
# A running job records its progress at least this often (writes inside a transaction show
# only at its end, and the longest such step, saving an import of the largest file, takes well
# under a minute); one silent for longer lost its worker.
STALL_AFTER = datetime.timedelta(minutes=10)


class JobInput(models.Model):
    """The uploaded file a job works on, kept in the database so that a worker on another
    machine reads it as surely as one beside the web server; deleted when the job ends."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, primary_key=True, related_name="+")
    filename = models.CharField(max_length=255)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.filename
