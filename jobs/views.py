"""A job's page: its progress bar, which fetches itself again every second until the job has
ended, then the outcome (an import's report, or why it failed)."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_http_methods

from jobs.services import job_status
from spends.errors import NotFound
from spends.htmx import HtmxHttpRequest, render_page


@require_http_methods(["GET"])
def job_detail(request: HtmxHttpRequest, job_id) -> HttpResponse:
    try:
        job = job_status(request.user, job_id)
    except NotFound:
        raise Http404("Job not found.") from None
    return render_page(request, "jobs/job.html", {"job": job}, partial="job")
