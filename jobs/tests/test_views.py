"""A job's page: a progress bar that fetches itself again while the job runs, then the outcome;
only for the person who started it."""

import datetime
import uuid
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from jobs.models import JobState
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
WAITING_HINT = "No background worker has picked this up yet."


class Elements(HTMLParser):
    """Each element's tag and attributes, by its data-testid, and where the page asks the
    browser to reload it (a <meta http-equiv="refresh">)."""

    def __init__(self, html: str):
        super().__init__()
        self.by_testid: dict[str, tuple[str, dict]] = {}
        self.refreshes: list[str] = []
        self._in_noscript = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-testid" in attributes:
            self.by_testid[attributes["data-testid"]] = (tag, attributes)
        if tag == "noscript":
            self._in_noscript = True
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.refreshes.append("without JavaScript" if self._in_noscript else "always")

    def handle_endtag(self, tag):
        if tag == "noscript":
            self._in_noscript = False


def url(job) -> str:
    return f"/jobs/{job.pk}"


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def running_job(user):
    return JobFactory(
        owner=user, state=JobState.RUNNING, progress_done=30, progress_total=120,
        started_at=timezone.now(), stage="Checking rows",
    )  # fmt: skip


def test_a_running_job_shows_its_progress_and_fetches_itself_again(user_client, running_job):
    response = user_client.get(url(running_job))

    assert response.status_code == 200
    elements = Elements(text(response))
    tag, region = elements.by_testid["job"]
    assert region["data-state"] == "running"
    # htmx fetches the region again a second after each answer and puts the answer in its place.
    assert region["hx-get"] == url(running_job)
    assert region["hx-trigger"] == "load delay:1s"
    assert region["hx-swap"] == "outerHTML"
    tag, bar = elements.by_testid["job-progress"]
    assert (tag, bar["value"], bar["max"]) == ("progress", "25", "100")
    assert "Checking rows…" in text(response)
    assert "30 of 120" in text(response)
    # Without JavaScript the whole page reloads itself instead; with it, only the region.
    assert elements.refreshes == ["without JavaScript"]


def test_htmx_gets_the_region_alone(user_client, running_job):
    response = user_client.get(url(running_job), headers=HTMX)

    assert response.status_code == 200
    body = text(response).strip()
    assert body.startswith(f'<div class="job" id="job-{running_job.pk}"')
    assert "<html" not in body and "<nav" not in body
    assert Elements(body).by_testid["job-progress"][1]["value"] == "25"


def test_a_failed_job_shows_why_and_stops_polling(user_client, user):
    job = JobFactory(
        owner=user, state=JobState.FAILED, progress_done=2, progress_total=10,
        started_at=timezone.now(), finished_at=timezone.now(),
        error="Row 3: the price “twelve” is not a number.",
    )  # fmt: skip

    for response in (user_client.get(url(job)), user_client.get(url(job), headers=HTMX)):
        assert response.status_code == 200
        elements = Elements(text(response))
        tag, alert = elements.by_testid["job-error"]
        assert alert["role"] == "alert"
        assert "Row 3: the price “twelve” is not a number." in text(response)
        region = elements.by_testid["job"][1]
        assert region["data-state"] == "failed"
        assert not {"hx-get", "hx-trigger"} & set(region)
        assert "job-progress" not in elements.by_testid
        assert elements.refreshes == []


def test_a_job_queued_for_long_says_that_no_worker_has_picked_it_up(user_client, user):
    job = JobFactory(owner=user, created_at=timezone.now() - datetime.timedelta(seconds=20))

    response = user_client.get(url(job))

    assert WAITING_HINT in text(response)
    assert "python manage.py worker" in text(response)
    # It is still waiting, so the page goes on asking.
    assert "hx-get" in Elements(text(response)).by_testid["job"][1]


def test_a_job_queued_a_moment_ago_does_not_worry_anyone(user_client, user):
    job = JobFactory(owner=user)

    response = user_client.get(url(job))

    assert response.status_code == 200
    assert Elements(text(response)).by_testid["job-progress"][1]["value"] == "0"
    assert WAITING_HINT not in text(response)


def test_another_users_job_is_not_found(user_client, other_user):
    theirs = JobFactory(owner=other_user)

    assert user_client.get(url(theirs)).status_code == 404
    assert user_client.get(f"/jobs/{uuid.uuid4()}").status_code == 404


def test_signing_in_comes_first(client, user):
    job = JobFactory(owner=user)

    response = client.get(url(job))

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url(job)}"
