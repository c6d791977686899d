"""A background job as a person watches it: its page shows a progress bar that moves while a real
worker runs the job, then the outcome, in place, without reloading the page; without JavaScript,
the page reloads itself until the job has ended."""

import re

from playwright.sync_api import expect

from e2e.conftest import sign_in
from e2e.job_tasks import fail_after_counting
from jobs.models import Job, JobKind
from jobs.services import job_enqueue

FAILURE = "Row 7: the price “twelve” is not a number, so nothing was imported."


def slow_failing_job(owner) -> Job:
    """About four seconds of work in ten steps: long enough to watch the bar move a few times
    (the page asks again a second after each answer). It fails in the end, the way an import of
    a bad file does."""
    return job_enqueue(
        owner=owner,
        kind=JobKind.IMPORT,
        task=fail_after_counting,
        message=FAILURE,
        steps=10,
        pause=0.4,
    )


def test_a_job_page_follows_the_job_until_it_ends(signed_in_page, e2e_user, task_worker):
    page = signed_in_page
    job = slow_failing_job(e2e_user)
    job_url = f"/jobs/{job.pk}"
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    asked: list[str] = []
    page.on("request", lambda request: job_url in request.url and asked.append(request.url))

    page.goto(job_url)

    bar = page.locator("progress[data-testid=job-progress]")
    expect(bar).to_be_visible()
    first_value = bar.get_attribute("value")
    # The bar moves while the job runs: the region fetched again carries the new progress.
    expect(bar).not_to_have_attribute("value", first_value, timeout=10_000)
    expect(page.get_by_test_id("job-stage")).to_have_text("Counting…")
    expect(page.get_by_test_id("job-count")).to_have_text(re.compile(r"^\d+ of 10$"))

    # Then the outcome replaces the bar, and the page stops asking.
    expect(page.get_by_test_id("job-error")).to_have_text(FAILURE, timeout=15_000)
    expect(bar).to_have_count(0)
    expect(page.get_by_test_id("job")).to_have_attribute("data-state", "failed")
    asked_until_the_end = len(asked)
    page.wait_for_timeout(2_500)
    assert len(asked) == asked_until_the_end, "The page went on asking after the job ended."

    # All of it in one page: loaded once, never reloaded.
    assert loads == [page.url]


def test_without_javascript_the_page_reloads_itself_until_the_job_ends(
    browser, live_server, browser_problems, e2e_user, task_worker
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    sign_in(context, e2e_user, live_server.url)
    page = context.new_page()
    browser_problems.watch(page)
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    job = slow_failing_job(e2e_user)

    page.goto(f"/jobs/{job.pk}")
    expect(page.locator("progress[data-testid=job-progress]")).to_be_visible()

    expect(page.get_by_test_id("job-error")).to_have_text(FAILURE, timeout=15_000)
    assert len(loads) >= 2
    # The finished page no longer reloads.
    loads_until_the_end = len(loads)
    page.wait_for_timeout(3_000)
    assert len(loads) == loads_until_the_end
    context.close()
    assert browser_problems.problems == [], "\n".join(browser_problems.problems)
