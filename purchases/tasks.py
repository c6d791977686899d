"""Background tasks of the purchases app: they take ids and options, and call services."""

from django.tasks import task

from jobs.models import Job
from jobs.services import JobProgress, job_input, job_run
from purchases.imports import ImportOptions, import_purchases


@task
def import_purchases_task(
    *, job_id: str, file_format: str, on_duplicate: str, dry_run: bool, partial: bool
) -> None:
    def work(job: Job, progress: JobProgress) -> dict:
        _, data = job_input(job)
        options = ImportOptions(on_duplicate=on_duplicate, dry_run=dry_run, partial=partial)
        report = import_purchases(
            owner=job.owner, data=data, file_format=file_format, options=options,
            progress=progress,
        )  # fmt: skip
        return report.as_dict()

    job_run(job_id, work)
