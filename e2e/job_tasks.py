"""Tasks for trying the background worker out: they count slowly, reporting progress in steps,
like an import over many rows. Used by the browser tests (e2e/test_jobs.py) and handy by hand,
to see that a running `make run` really completes jobs:

    .venv/bin/python manage.py shell -c "
    from django.contrib.auth import get_user_model
    from e2e.job_tasks import count_slowly
    from jobs.services import job_enqueue
    print(job_enqueue(owner=get_user_model().objects.first(), kind='import', task=count_slowly).pk)"

django.tasks runs only module-level functions, found by their import path, so these live in a
module of their own rather than inside a test."""

import time

from django.tasks import task

from jobs.models import Job
from jobs.services import JobProgress, job_run
from spends.errors import ApplicationError


def _count(job: Job, progress: JobProgress, *, steps: int, pause: float) -> int:
    progress(0, steps, stage="Counting")
    for done in range(1, steps + 1):
        time.sleep(pause)
        progress(done, steps)
    return steps


@task
def count_slowly(job_id: str, steps: int = 5, pause: float = 0.2) -> None:
    """Succeeds after `steps` pauses; its result says how far it counted."""
    job_run(
        job_id, lambda job, progress: {"counted": _count(job, progress, steps=steps, pause=pause)}
    )


@task
def fail_after_counting(job_id: str, message: str, steps: int = 5, pause: float = 0.2) -> None:
    """Counts like `count_slowly`, then fails with `message`, the way an import fails on a
    file it cannot read."""

    def work(job: Job, progress: JobProgress) -> None:
        _count(job, progress, steps=steps, pause=pause)
        raise ApplicationError(message)

    job_run(job_id, work)
