"""Starting, running and finishing jobs. A task (`<app>/tasks.py`) hands its work to `job_run`,
which moves the job through its states and turns any failure into a sentence for the person
who started it."""

import logging
import time
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import Task
from django.utils import timezone

from jobs.models import Job, JobInput, JobState
from jobs.selectors import job_get
from spends.errors import ApplicationError

logger = logging.getLogger(__name__)

WAITING_STAGE = "Waiting for the background worker"


class JobProgress:
    """Records how far a running job has got. Writes at most every `interval` seconds (and
    always when the stage changes or the work is complete), so a loop may call it per row."""

    def __init__(self, job: Job, *, interval: float = 0.5):
        self.job = job
        self.interval = interval
        self._written_at: float | None = None
        self._stage = job.stage

    def __call__(self, done: int, total: int, *, stage: str | None = None) -> None:
        stage = self._stage if stage is None else stage
        now = time.monotonic()
        recent = self._written_at is not None and now - self._written_at < self.interval
        if stage == self._stage and done < total and recent:
            return
        self._written_at, self._stage = now, stage
        total = max(total, 0)
        # updated_at doubles as the job's heartbeat (Job.stalled).
        Job.objects.filter(pk=self.job.pk).update(
            progress_done=min(max(done, 0), total), progress_total=total, stage=stage,
            updated_at=timezone.now(),
        )  # fmt: skip


def job_enqueue(
    *, owner, kind: str, task: Task, input_file: tuple[str, bytes] | None = None, **task_kwargs
) -> Job:
    """A new job for `owner`, handed to `task` (which receives `job_id` and `task_kwargs`).
    `input_file` (a name and its bytes) is kept with the job for the task to read."""
    with transaction.atomic():
        job = Job.objects.create(owner=owner, kind=kind, stage=WAITING_STAGE)
        if input_file is not None:
            filename, content = input_file
            JobInput.objects.create(job=job, filename=filename[:255], content=content)
    result = task.enqueue(job_id=str(job.pk), **task_kwargs)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def job_input(job: Job) -> tuple[str, bytes]:
    """The file the job was started with."""
    stored = JobInput.objects.get(job=job)
    return stored.filename, bytes(stored.content)


def job_run(job_id: str, work: Callable[[Job, JobProgress], dict | None]) -> None:
    """Runs `work(job, progress)` for a queued job, once: a job that already ran (a task
    delivered twice) or that is gone (its owner was deleted) is left alone. The work's return
    value becomes the job's result; an exception fails the job with a sentence."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=now, updated_at=now, stage="Starting"
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    try:
        result = work(job, JobProgress(job))
    except ApplicationError as error:
        _finish(job, JobState.FAILED, error=error.message)
    except ValidationError as error:
        _finish(job, JobState.FAILED, error=" ".join(error.messages))
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, JobState.FAILED, error=unexpected_error_message(job))
    except BaseException:
        # The worker is shutting down (Ctrl-C twice, SIGTERM): say so, then let it go.
        _finish(job, JobState.FAILED, error=interrupted_message(job))
        raise
    else:
        _finish(job, JobState.SUCCEEDED, result=result)
    finally:
        JobInput.objects.filter(job_id=job.pk).delete()


def job_status(owner, job_id) -> Job:
    """The owner's job as it stands. A job whose worker died while running it (killed, out of
    memory) would otherwise say "running" forever: once it has been silent for longer than any
    step takes, it is recorded as failed."""
    job = job_get(owner, job_id)
    if job.stalled:
        _finish(job, JobState.FAILED, error=interrupted_message(job))
        job.refresh_from_db()
    return job


def interrupted_message(job: Job) -> str:
    return (
        f"The {job.get_kind_display().lower()} was cut off before it finished (the background "
        "worker stopped), and nothing was changed. Start it again."
    )


def unexpected_error_message(job: Job) -> str:
    return (
        f"The {job.get_kind_display().lower()} stopped because of an unexpected error, and "
        "nothing was changed. The server's log has the details."
    )


def _finish(job: Job, state: str, *, result: dict | None = None, error: str = "") -> None:
    now = timezone.now()
    values = {
        "state": state, "finished_at": now, "updated_at": now, "result": result, "error": error,
    }  # fmt: skip
    if state == JobState.SUCCEEDED:
        # A finished job has done all it had to do, whatever its last progress write said.
        job.refresh_from_db(fields=["progress_total"])
        values.update(progress_done=job.progress_total, stage="Done")
    else:
        values["stage"] = "Failed"
    Job.objects.filter(pk=job.pk).update(**values)
