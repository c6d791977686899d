from django.db.models import Q, QuerySet

from jobs.models import INSTANCE_KINDS, Job, JobState
from spends.errors import NotFound


def job_list(owner) -> QuerySet[Job]:
    """The jobs `owner` may see: their own, and for staff the instance's backups and restores,
    whoever started them."""
    visible = Q(owner=owner)
    if owner.is_staff:
        visible |= Q(kind__in=INSTANCE_KINDS)
    return Job.objects.filter(visible).order_by("-created_at", "id")


def job_get(owner, job_id) -> Job:
    job = job_list(owner).filter(pk=job_id).first()
    if job is None:
        raise NotFound("Job not found.")
    return job


def job_unfinished(owner, kind: str) -> Job | None:
    """The owner's newest job of this kind that is still queued or running."""
    unfinished = (JobState.QUEUED, JobState.RUNNING)
    return job_list(owner).filter(kind=kind, state__in=unfinished).first()


def job_latest(owner, kinds) -> Job | None:
    """The newest job of these kinds that `owner` may see."""
    return job_list(owner).filter(kind__in=kinds).first()
