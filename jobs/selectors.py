from django.db.models import QuerySet

from jobs.models import Job, JobState
from spends.errors import NotFound


def job_list(owner) -> QuerySet[Job]:
    return Job.objects.filter(owner=owner).order_by("-created_at", "id")


def job_get(owner, job_id) -> Job:
    job = job_list(owner).filter(pk=job_id).first()
    if job is None:
        raise NotFound("Job not found.")
    return job


def job_unfinished(owner, kind: str) -> Job | None:
    """The owner's newest job of this kind that is still queued or running."""
    unfinished = (JobState.QUEUED, JobState.RUNNING)
    return job_list(owner).filter(kind=kind, state__in=unfinished).first()
