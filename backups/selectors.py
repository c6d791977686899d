import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from backups.models import Backup, BackupSchedule, BackupState
from spends.errors import NotFound

# A backup being written records its progress at least this often; one silent for longer was
# cut off (its worker killed) and is cleaned away.
BACKUP_STALL_AFTER = datetime.timedelta(minutes=10)


def backup_directory() -> Path:
    directory = Path(settings.SPENDS_BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def backup_path(backup: Backup) -> Path:
    return backup_directory() / backup.filename


def backup_list() -> QuerySet[Backup]:
    """The finished backups, newest first."""
    return Backup.objects.filter(state=BackupState.COMPLETE).order_by("-created_at", "id")


def backup_get(backup_id) -> Backup:
    backup = backup_list().filter(pk=backup_id).first()
    if backup is None:
        raise NotFound("Backup not found.")
    return backup


def backup_running() -> Backup | None:
    """The backup being written now, if any (a stalled one does not count)."""
    alive_since = timezone.now() - BACKUP_STALL_AFTER
    return (
        Backup.objects.filter(state=BackupState.RUNNING, updated_at__gte=alive_since)
        .order_by("-created_at")
        .first()
    )


def backup_in_progress() -> bool:
    """Whether a backup is being written: stored files are not deleted meanwhile (the
    backup's snapshot may still name them)."""
    return backup_running() is not None


def backup_last() -> Backup | None:
    return backup_list().first()


def schedule_get() -> BackupSchedule:
    """The schedule of automatic backups: the stored one, or the defaults (off, keep 7)."""
    return BackupSchedule.objects.filter(pk=1).first() or BackupSchedule()
