"""Request and response bodies of the backups API (SPEC section 8)."""

import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from backups.models import BackupFrequency, BackupKind, BackupSchedule

BackupKindName = Literal[tuple(BackupKind.values)]  # type: ignore[valid-type]
FrequencyName = Literal[tuple(BackupFrequency.values)]  # type: ignore[valid-type]


class BackupOut(Schema):
    """A finished backup: `size` and `sha256` are the archive file's own, `file_count` the
    stored files inside it."""

    id: UUID
    filename: str
    created_at: datetime.datetime
    kind: BackupKindName
    size: int
    file_count: int
    sha256: str


class RestoreIn(Schema):
    """The JSON form of a restore: one of the listed backups. (The other form is a multipart
    upload of an archive as `file`.)"""

    model_config = ConfigDict(extra="forbid")

    backup_id: UUID


class ScheduleOut(Schema):
    """`last_error` says why the last automatic backup failed, until one succeeds."""

    frequency: FrequencyName
    keep: int
    last_error: str | None

    @staticmethod
    def resolve_last_error(obj: BackupSchedule) -> str | None:
        return obj.last_error or None


class ScheduleIn(Schema):
    """Either or both; an omitted one keeps its value."""

    model_config = ConfigDict(extra="forbid")

    # A default of None means "not given"; an explicit null is refused as not a valid value.
    frequency: FrequencyName = Field(None, description="off, daily, weekly or monthly.")
    keep: int = Field(
        None, ge=1, le=365, description="How many automatic backups to keep (1 to 365)."
    )
