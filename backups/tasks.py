"""Background tasks of the backups app: they take ids and paths, and call services."""

from pathlib import Path

from django.tasks import task

from backups.models import BackupKind
from backups.services import backup_create, backup_restore
from jobs.models import Job
from jobs.services import JobProgress, job_run


def _username(job: Job) -> str:
    return job.owner.get_username() if job.owner is not None else ""


@task
def create_backup_task(*, job_id: str) -> None:
    def work(job: Job, progress: JobProgress) -> dict:
        backup = backup_create(kind=BackupKind.MANUAL, created_by=_username(job), progress=progress)
        return {
            "backup_id": str(backup.pk), "filename": backup.filename, "size": backup.size,
            "file_count": backup.file_count,
        }  # fmt: skip

    job_run(job_id, work)


@task
def restore_backup_task(*, job_id: str, archive_path: str, uploaded: bool) -> None:
    """Restores from `archive_path`: a listed backup, or an uploaded archive (`uploaded`), which
    is deleted once the restore has ended, whatever its outcome."""

    def work(job: Job, progress: JobProgress) -> dict:
        return backup_restore(
            archive_path, restored_by=_username(job), progress=progress, job_id=job_id
        )

    try:
        job_run(job_id, work)
    finally:
        if uploaded:
            Path(archive_path).unlink(missing_ok=True)
