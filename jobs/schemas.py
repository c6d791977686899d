import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Schema

from jobs.models import Job, JobKind, JobState

JobStateName = Literal[tuple(JobState.values)]  # type: ignore[valid-type]
JobKindName = Literal[tuple(JobKind.values)]  # type: ignore[valid-type]


class JobProgressOut(Schema):
    done: int
    total: int


class JobOut(Schema):
    """SPEC section 5: `result` is the operation's answer once it succeeded, `error` a sentence
    once it failed; both null until then."""

    id: UUID
    kind: JobKindName
    state: JobStateName
    progress: JobProgressOut
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    result: dict[str, Any] | None
    error: str | None

    @staticmethod
    def resolve_progress(obj: Job) -> dict:
        return {"done": obj.progress_done, "total": obj.progress_total}

    @staticmethod
    def resolve_error(obj: Job) -> str | None:
        return obj.error or None
