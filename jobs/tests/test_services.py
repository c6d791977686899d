"""Starting and running jobs: what a job records as it is queued, runs, succeeds or fails, and how
often its progress is written."""

import logging
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jobs.models import Job, JobInput, JobKind, JobState
from jobs.services import WAITING_STAGE, JobProgress, job_enqueue, job_run, job_status
from jobs.tests.factories import JobFactory, JobInputFactory
from jobs.tests.tasks import read_input
from spends.errors import ApplicationError

pytestmark = pytest.mark.django_db

UNEXPECTED = (
    "The import stopped because of an unexpected error, and nothing was changed. "
    "The server's log has the details."
)


def reload(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


@pytest.fixture
def queued_job(user):
    """A queued job with its uploaded file, as `job_enqueue` leaves it for a worker."""
    return JobInputFactory(job__owner=user).job


# --- Enqueueing --------------------------------------------------------------------------------


def test_enqueue_hands_the_file_and_arguments_to_the_task_which_runs_at_once(user):
    # The tests' tasks backend is the immediate one: the job has run when job_enqueue returns.
    job = job_enqueue(
        owner=user,
        kind=JobKind.IMPORT,
        task=read_input,
        input_file=("purchases.csv", b"product_name\nKettle\n"),
        note="from the settings page",
    )

    assert job.owner == user
    assert job.state == JobState.SUCCEEDED
    assert job.result == {
        "filename": "purchases.csv",
        "content": "product_name\nKettle\n",
        "note": "from the settings page",
        "task_id": job.task_id,
    }
    assert job.task_id
    assert job.error == ""
    # The file was kept for the task only: it is gone once the job has ended.
    assert not JobInput.objects.filter(job_id=job.pk).exists()


def test_enqueue_without_a_worker_keeps_the_job_queued_with_its_file(user, settings):
    # The dummy backend queues and never runs, like a database queue with no worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

    job = job_enqueue(
        owner=user, kind=JobKind.IMPORT, task=read_input, input_file=("rows.csv", b"a,b\n")
    )

    job = reload(job)
    assert (job.state, job.stage) == (JobState.QUEUED, WAITING_STAGE)
    assert job.task_id
    assert job.started_at is None and job.finished_at is None
    stored = JobInput.objects.get(job_id=job.pk)
    assert (stored.filename, bytes(stored.content)) == ("rows.csv", b"a,b\n")


# --- Running -------------------------------------------------------------------------------------


def test_a_job_that_succeeds_keeps_its_result_and_ends_complete(queued_job):
    def work(job, progress):
        assert job.state == JobState.RUNNING
        progress(1, 4, stage="Checking rows")
        # The last write is not the end: the work is done when it returns.
        return {"created": 4}

    job_run(str(queued_job.pk), work)

    job = reload(queued_job)
    assert job.state == JobState.SUCCEEDED
    assert job.result == {"created": 4}
    assert (job.progress_done, job.progress_total) == (4, 4)
    assert job.percent == 100
    assert job.error == ""
    assert job.stage == "Done"
    assert job.started_at is not None
    assert job.created_at <= job.started_at <= job.finished_at
    assert not JobInput.objects.filter(job_id=job.pk).exists()


def test_an_application_error_fails_the_job_with_its_message(queued_job):
    def work(job, progress):
        progress(2, 10)
        raise ApplicationError("Row 3: the price “twelve” is not a number.")

    job_run(str(queued_job.pk), work)

    job = reload(queued_job)
    assert job.state == JobState.FAILED
    assert job.error == "Row 3: the price “twelve” is not a number."
    assert job.result is None
    assert job.stage == "Failed"
    assert job.finished_at is not None
    assert not JobInput.objects.filter(job_id=job.pk).exists()


def test_a_validation_error_fails_the_job_with_its_messages(queued_job):
    def work(job, progress):
        raise ValidationError(["The file is empty.", "It has no header row."])

    job_run(str(queued_job.pk), work)

    job = reload(queued_job)
    assert job.state == JobState.FAILED
    assert job.error == "The file is empty. It has no header row."


def test_an_unexpected_error_fails_the_job_with_a_plain_sentence_and_is_logged(queued_job, caplog):
    def work(job, progress):
        raise KeyError("internal detail")

    with caplog.at_level(logging.ERROR, logger="jobs.services"):
        job_run(str(queued_job.pk), work)

    job = reload(queued_job)
    assert job.state == JobState.FAILED
    # The person who started it reads a sentence, not the exception.
    assert job.error == UNEXPECTED
    assert "internal detail" not in job.error
    assert not JobInput.objects.filter(job_id=job.pk).exists()
    # The server's log has the details, as the sentence promises.
    [record] = [r for r in caplog.records if r.name == "jobs.services"]
    assert str(job.pk) in record.getMessage()
    assert record.exc_info and record.exc_info[0] is KeyError


@pytest.mark.parametrize(
    "state", [JobState.RUNNING, JobState.SUCCEEDED, JobState.FAILED], ids=lambda s: s.value
)
def test_a_job_that_is_not_queued_is_not_run_again(user, state):
    # A task delivered twice finds its job already claimed (or done) and leaves it alone.
    job = JobFactory(owner=user, state=state, result={"created": 1}, progress_total=1)
    calls = []

    job_run(str(job.pk), lambda job, progress: calls.append(job))

    assert calls == []
    after = reload(job)
    assert (after.state, after.result, after.started_at) == (state, {"created": 1}, None)


def test_running_the_same_task_twice_runs_the_work_once(user):
    job = job_enqueue(owner=user, kind=JobKind.IMPORT, task=read_input, input_file=("a.csv", b"x"))
    calls = []

    job_run(str(job.pk), lambda job, progress: calls.append(job))

    assert calls == []
    assert reload(job).result["filename"] == "a.csv"


def test_a_job_that_is_gone_is_ignored(user):
    # Its owner was deleted (and the job with them) before a worker got to it.
    job = JobFactory(owner=user)
    job_id = str(job.pk)
    job.delete()
    calls = []

    job_run(job_id, lambda job, progress: calls.append(job))

    assert calls == []
    assert not Job.objects.filter(pk=job_id).exists()


# --- Progress ------------------------------------------------------------------------------------


def stored_progress(job: Job) -> tuple[int, int, str]:
    job = reload(job)
    return job.progress_done, job.progress_total, job.stage


# An hour: far longer than these calls take.
INTERVAL = 3600


def test_progress_writes_at_most_once_per_interval(user):
    job = JobFactory(owner=user, state=JobState.RUNNING)
    progress = JobProgress(job, interval=INTERVAL)

    progress(1, 10, stage="Checking rows")
    progress(2, 10)
    progress(3, 10)

    # A loop may report every row; only the first report within the interval is written.
    assert stored_progress(job) == (1, 10, "Checking rows")


def test_progress_always_writes_a_new_stage_and_the_end(user):
    job = JobFactory(owner=user, state=JobState.RUNNING)
    progress = JobProgress(job, interval=INTERVAL)
    progress(1, 10, stage="Checking rows")

    progress(2, 10, stage="Saving purchases")
    assert stored_progress(job) == (2, 10, "Saving purchases")

    progress(10, 10)
    assert stored_progress(job) == (10, 10, "Saving purchases")


def test_progress_writes_again_once_the_interval_has_passed(user):
    job = JobFactory(owner=user, state=JobState.RUNNING)
    progress = JobProgress(job, interval=0)

    progress(1, 10, stage="Checking rows")
    progress(2, 10)

    assert stored_progress(job) == (2, 10, "Checking rows")


def test_progress_never_goes_beyond_its_total(user):
    job = JobFactory(owner=user, state=JobState.RUNNING)
    progress = JobProgress(job, interval=0)

    progress(12, 10)
    assert stored_progress(job)[:2] == (10, 10)

    progress(-1, 5)
    assert stored_progress(job)[:2] == (0, 5)


# --- A worker that stops mid-job ---------------------------------------------------------------

INTERRUPTED = (
    "The import was cut off before it finished (the background worker stopped), and nothing was "
    "changed. Start it again."
)


def test_a_worker_shutting_down_mid_job_fails_the_job_and_still_shuts_down(queued_job):
    def work(job, progress):
        raise KeyboardInterrupt  # what a second Ctrl-C does to db_worker

    with pytest.raises(KeyboardInterrupt):
        job_run(str(queued_job.pk), work)

    job = reload(queued_job)
    assert (job.state, job.error) == (JobState.FAILED, INTERRUPTED)
    assert job.finished_at is not None


def test_a_running_job_silent_for_longer_than_any_step_is_recorded_as_failed(user):
    lost = JobFactory(owner=user, state=JobState.RUNNING)
    alive = JobFactory(owner=user, state=JobState.RUNNING)
    Job.objects.filter(pk=lost.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    Job.objects.filter(pk=alive.pk).update(updated_at=timezone.now() - timedelta(minutes=9))

    assert (job_status(user, lost.pk).state, reload(lost).error) == (JobState.FAILED, INTERRUPTED)
    assert job_status(user, alive.pk).state == JobState.RUNNING


def test_progress_is_the_running_jobs_heartbeat(user):
    job = JobFactory(owner=user, state=JobState.RUNNING)
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=11))

    JobProgress(reload(job))(1, 10)

    assert job_status(user, job.pk).state == JobState.RUNNING
