"""The jobs API (SPEC section 5): a job's state, progress, times and outcome, only to its owner."""

import datetime
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from jobs.models import JobState
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db

URL = "/api/jobs"
KEYS = {
    "id", "kind", "state", "progress", "created_at", "started_at", "finished_at", "result",
    "error",
}  # fmt: skip
SECOND = datetime.timedelta(seconds=1)


def iso(value: datetime.datetime) -> str:
    """A time as the API writes it: UTC, to the millisecond."""
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_a_running_job_answers_its_state_and_progress(api_client, user):
    started = timezone.now()
    job = JobFactory(
        owner=user, state=JobState.RUNNING, progress_done=30, progress_total=120,
        started_at=started, stage="Checking rows",
    )  # fmt: skip

    response = api_client.get(f"{URL}/{job.pk}")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == KEYS
    assert body["id"] == str(job.pk)
    assert (body["kind"], body["state"]) == ("import", "running")
    assert body["progress"] == {"done": 30, "total": 120}
    assert body["created_at"] == iso(job.created_at)
    assert body["started_at"] == iso(started)
    # Neither outcome exists before the job has ended.
    assert (body["finished_at"], body["result"], body["error"]) == (None, None, None)


def test_a_queued_job_has_no_times_beyond_its_creation(api_client, user):
    job = JobFactory(owner=user)

    body = api_client.get(f"{URL}/{job.pk}").json()

    assert body["state"] == "queued"
    assert body["progress"] == {"done": 0, "total": 0}
    assert body["started_at"] is None and body["finished_at"] is None


def test_a_succeeded_job_answers_its_result_and_no_error(api_client, user):
    now = timezone.now()
    job = JobFactory(
        owner=user, state=JobState.SUCCEEDED, progress_done=3, progress_total=3,
        started_at=now - SECOND, finished_at=now, result={"created": 3, "skipped": 0},
    )  # fmt: skip

    body = api_client.get(f"{URL}/{job.pk}").json()

    assert body["state"] == "succeeded"
    assert body["result"] == {"created": 3, "skipped": 0}
    assert body["error"] is None
    assert body["finished_at"] == iso(now)


def test_a_failed_job_answers_its_error_and_no_result(api_client, user):
    job = JobFactory(
        owner=user, state=JobState.FAILED, progress_done=1, progress_total=3,
        started_at=timezone.now(), finished_at=timezone.now(),
        error="Row 2: the date “31/02/2026” does not exist.",
    )  # fmt: skip

    body = api_client.get(f"{URL}/{job.pk}").json()

    assert body["state"] == "failed"
    assert body["error"] == "Row 2: the date “31/02/2026” does not exist."
    assert body["result"] is None
    assert body["progress"] == {"done": 1, "total": 3}


def test_another_users_job_is_not_found_exactly_like_a_missing_one(api_client, other_user):
    theirs = JobFactory(owner=other_user)

    response = api_client.get(f"{URL}/{theirs.pk}")
    missing = api_client.get(f"{URL}/{uuid.uuid4()}")

    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json() == {"detail": "Job not found."}


def test_the_list_holds_only_your_jobs_newest_first(api_client, user, other_user):
    now = timezone.now()
    older = JobFactory(owner=user, created_at=now - 60 * SECOND)
    newer = JobFactory(owner=user, created_at=now, state=JobState.FAILED, error="No rows.")
    JobFactory(owner=other_user)

    response = api_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "total", "skip", "limit"}
    assert body["total"] == 2
    assert [item["id"] for item in body["items"]] == [str(newer.pk), str(older.pk)]
    assert set(body["items"][0]) == KEYS
    assert body["items"][0]["error"] == "No rows."


def test_the_list_pages(api_client, user):
    JobFactory.create_batch(3, owner=user)

    body = api_client.get(URL, {"skip": 2, "limit": 1}).json()

    assert (body["total"], body["skip"], body["limit"], len(body["items"])) == (3, 2, 1, 1)


@pytest.mark.parametrize("path", [URL, f"{URL}/{uuid.uuid4()}"])
def test_without_credentials_the_answer_is_401(user, path):
    JobFactory(owner=user)

    response = Client().get(path)

    assert response.status_code == 401
    assert "detail" in response.json()


def test_an_id_that_is_not_a_uuid_is_refused(api_client):
    response = api_client.get(f"{URL}/not-a-uuid")

    assert response.status_code == 422
    assert "detail" in response.json()


def test_the_signed_in_browser_session_may_read_its_jobs(user_client, user):
    # The job page's script-free fallback and any page script poll with the session.
    job = JobFactory(owner=user)

    response = user_client.get(f"{URL}/{job.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == str(job.pk)
