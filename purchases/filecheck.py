"""The file store's consistency check (SPEC section 7): attachments whose stored file is
missing or no longer matches its hash, and stored files that no attachment names (orphans).

Every stored file is reached through `purchases.filestore`; this module does not know the
store's layout.
"""

import dataclasses
import uuid
from collections.abc import Iterable

from django.contrib.auth import get_user_model

from purchases import filestore
from purchases.models import Attachment

# Attachments are read from the database in chunks of this many rows, never all at once.
ITERATOR_CHUNK_SIZE = 2000
# Problem hashes are looked up this many at a time: SQLite limits the parameters of a query.
LOOKUP_BATCH_SIZE = 500


@dataclasses.dataclass(frozen=True)
class AttachmentProblem:
    """An attachment whose stored file is missing or damaged."""

    attachment_id: uuid.UUID
    owner_username: str
    purchase_id: uuid.UUID
    purchase_name: str
    filename: str
    sha256: str


@dataclasses.dataclass
class FileCheckReport:
    missing: list[AttachmentProblem] = dataclasses.field(default_factory=list)
    corrupted: list[AttachmentProblem] = dataclasses.field(default_factory=list)
    # Names in the storage, as `filestore.stored_names` gives them.
    orphans: list[str] = dataclasses.field(default_factory=list)
    attachments_checked: int = 0
    # Distinct hashes the attachments name, each read and hashed once however many share it.
    files_verified: int = 0
    # Every name found in the storage, temporary and unexpected files included.
    stored_files_checked: int = 0
    # Temporary files young enough to belong to a write going on now, left alone.
    writes_in_progress: int = 0

    @property
    def has_problems(self) -> bool:
        return bool(self.missing or self.corrupted or self.orphans)


def check_files() -> FileCheckReport:
    """Compare the attachments with the stored files. Reads every referenced file once."""
    report = FileCheckReport()
    # The attachments are read before the store is listed: a file uploaded meanwhile then
    # shows as an orphan at worst (which `remove_orphans` checks again), never as missing.
    referenced: set[str] = set()
    hashes = Attachment.objects.order_by().values_list("sha256", flat=True)
    for sha256 in hashes.iterator(chunk_size=ITERATOR_CHUNK_SIZE):
        report.attachments_checked += 1
        referenced.add(sha256)

    # Hashed after the query is done, so no database cursor stays open while files are read.
    missing_hashes: set[str] = set()
    corrupted_hashes: set[str] = set()
    for sha256 in sorted(referenced):
        report.files_verified += 1
        if filestore.matches(sha256):
            continue
        if filestore.exists(sha256):
            corrupted_hashes.add(sha256)
        else:
            missing_hashes.add(sha256)
    if missing_hashes or corrupted_hashes:
        # Only attachments that still exist are reported: one deleted during the check took its
        # file with it and is no problem.
        for problem in _attachments_naming(missing_hashes | corrupted_hashes):
            if problem.sha256 in missing_hashes:
                report.missing.append(problem)
            else:
                report.corrupted.append(problem)

    for name in filestore.stored_names():
        report.stored_files_checked += 1
        if filestore.is_write_in_progress(name):
            report.writes_in_progress += 1
            continue
        # A name outside the layout (a stale temporary file, a stray file) is never referenced.
        if filestore.hash_of(name) not in referenced:
            report.orphans.append(name)
    return report


def remove_orphans(report: FileCheckReport) -> int:
    """Delete the report's orphans and answer how many were deleted. Each is checked again
    just before it goes: an upload may have named it since the check. None goes while a backup
    is being written (its snapshot may still name them)."""
    removed = 0
    if filestore.unnamed_deletions_held():
        return removed
    for name in report.orphans:
        if filestore.is_write_in_progress(name):
            continue
        sha256 = filestore.hash_of(name)
        if sha256 is not None and Attachment.objects.filter(sha256=sha256).exists():
            continue
        filestore.delete_name(name)
        removed += 1
    return removed


def _attachments_naming(hashes: Iterable[str]) -> list[AttachmentProblem]:
    """The attachments that name any of these hashes, by owner, purchase and file name; one
    query per batch of hashes, never one per attachment."""
    owner_username = f"owner__{get_user_model().USERNAME_FIELD}"
    ordered = sorted(hashes)
    problems: list[AttachmentProblem] = []
    for start in range(0, len(ordered), LOOKUP_BATCH_SIZE):
        rows = (
            Attachment.objects.filter(sha256__in=ordered[start : start + LOOKUP_BATCH_SIZE])
            .order_by()
            .values_list(
                "id", owner_username, "purchase_id", "purchase__product_name", "filename", "sha256"
            )
        )
        problems.extend(AttachmentProblem(*row) for row in rows.iterator(ITERATOR_CHUNK_SIZE))
    problems.sort(
        key=lambda problem: (
            problem.owner_username,
            problem.purchase_name,
            str(problem.purchase_id),
            problem.filename,
            str(problem.attachment_id),
        )
    )
    return problems
