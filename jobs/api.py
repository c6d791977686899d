from uuid import UUID

from ninja import Router
from ninja.pagination import paginate

from jobs.schemas import JobOut
from jobs.selectors import job_list
from jobs.services import job_status
from spends.pagination import SkipLimitPagination

router = Router(tags=["jobs"])


@router.get("", response={200: list[JobOut], 401: dict, 422: dict}, summary="List your jobs")
@paginate(SkipLimitPagination)
def list_jobs(request):
    """Your imports and other long operations, newest first."""
    return job_list(request.auth)


@router.get(
    "/{job_id}", response={200: JobOut, 401: dict, 404: dict, 422: dict}, summary="Get a job"
)
def get_job(request, job_id: UUID):
    """A job's state and progress; poll it until `state` is `succeeded` or `failed`."""
    return job_status(request.auth, job_id)
