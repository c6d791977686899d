"""Taking, restoring, pruning and scheduling backups of the whole instance (SPEC section 8).

A backup is written under a temporary name, re-read and checked member by member, and only then
renamed to its real name: an interrupted backup never leaves an archive under a real name. A
restore checks the whole archive before it touches anything, takes a restore point, puts the
files in place, replaces the data in one transaction and checks the outcome before committing;
any failure leaves the data as they were."""

import datetime
import hashlib
import logging
import os
import secrets
import shutil
import tomllib
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.utils import timezone

from accounts.versions import versions_bumped_at_end
from backups import dump
from backups.archive import (
    FORMAT_NAME,
    FORMAT_VERSION,
    Archive,
    ArchiveError,
    ArchiveWriter,
    DirectoryWriter,
    data_member,
    file_sha256,
    upload_member,
)
from backups.models import Backup, BackupFrequency, BackupKind, BackupSchedule, BackupState
from backups.selectors import (
    BACKUP_STALL_AFTER,
    backup_directory,
    backup_path,
    backup_running,
    schedule_get,
)
from jobs.models import INSTANCE_KINDS, STALL_AFTER, Job, JobKind, JobState
from jobs.selectors import job_latest, job_list, job_unfinished
from jobs.services import job_enqueue, job_status
from purchases import filestore
from purchases.models import Attachment
from purchases.search import search_index_deferred
from spends.bulk import bulk_writing
from spends.errors import ApplicationError, Conflict, Forbidden, NotFound

logger = logging.getLogger(__name__)

Progress = Callable[..., None]
FILENAME_FORMAT = "spends-backup-%Y%m%d-%H%M%S.zip"
TEMPORARY_SUFFIX = ".part"
# Uploaded archives wait here for their restore job, which deletes them when it ends.
INCOMING = "incoming"
UPLOAD_FORGOTTEN_AFTER = datetime.timedelta(days=1)
# An automatic backup that failed is tried again after this long, not at every tick.
SCHEDULE_RETRY_AFTER = datetime.timedelta(hours=1)


def _no_progress(done: int, total: int, *, stage: str | None = None) -> None:
    return None


def app_version() -> str:
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


# Writing -------------------------------------------------------------------------------------


def archive_write(
    writer: ArchiveWriter | DirectoryWriter,
    *,
    kind: str,
    backup_id: str,
    using: str = "default",
    progress: Progress,
) -> dict:
    """Writes the backup of the database `using` and the stored files with `writer` (an
    archive, or a folder), and answers its manifest. The data are read in one snapshot; then
    the files the snapshot names are copied (none of them is deleted meanwhile: see
    filestore.unnamed_deletions_held).

    A stored file that is missing or damaged fails a backup, so that the person who relies on
    it learns of it now. A restore point is taken anyway, without such files (listed in the
    manifest's `missing_files`): a restore is often the very repair of lost files."""
    hashes: set[str] = set()
    counts: dict[str, int] = {}
    try:
        progress(0, 0, stage="Saving the data")
        with dump.snapshot(using):
            for model in dump.dumped_models():
                table = dump.label(model)
                rows = dump.TableDump(model, using)
                if model is Attachment:
                    rows.on_row = lambda row: hashes.add(row["sha256"])
                writer.write_chunks(data_member(table), rows.chunks(), compress=True)
                counts[table] = rows.count
        ordered, missing = sorted(hashes), []
        for done, sha256 in enumerate(ordered, start=1):
            if kind == BackupKind.RESTORE_POINT and not filestore.matches(sha256):
                missing.append(sha256)
                continue
            writer.write_chunks(upload_member(sha256), _stored_chunks(sha256), compress=False)
            progress(done, len(ordered), stage="Copying the files")
        manifest = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "app_version": app_version(),
            "created_at": timezone.now().astimezone(datetime.UTC).isoformat(),
            "database": connections[using].vendor,
            "kind": kind,
            "backup_id": backup_id,
            "counts": counts,
            "tables": {dump.label(model): dump.columns(model) for model in dump.dumped_models()},
            "missing_files": missing,
        }
        writer.finish(manifest)
    except BaseException:
        writer.abandon()
        raise
    return {**manifest, "file_count": len(ordered) - len(missing)}


def _stored_chunks(sha256: str):
    """A stored file's bytes, checked against its name as they are copied: a damaged or missing
    file fails the backup with a sentence, rather than going into it unnoticed."""
    try:
        stored = filestore.open(sha256)
    except FileNotFoundError:
        raise ApplicationError(_damaged_file_message(sha256, "is missing")) from None
    with stored:
        hasher = hashlib.sha256()
        while chunk := stored.read(filestore.CHUNK_SIZE):
            hasher.update(chunk)
            yield chunk
    if hasher.hexdigest() != sha256:
        raise ApplicationError(_damaged_file_message(sha256, "no longer matches its checksum"))


def _damaged_file_message(sha256: str, problem: str) -> str:
    attachment = Attachment.objects.filter(sha256=sha256).select_related("purchase").first()
    named = f" (“{attachment.filename}” of “{attachment.purchase}”)" if attachment else ""
    return (
        f"The stored file {sha256[:12]}…{named} {problem}, so the backup was not taken. "
        "`python manage.py check_files` lists such files; restore the file, or delete its "
        "attachment, then back up again."
    )


def backup_create(
    *,
    kind: str = BackupKind.MANUAL,
    created_by: str = "",
    slot: str | None = None,
    progress: Progress = _no_progress,
) -> Backup | None:
    """Takes a backup of the instance into the backups directory and answers its record; for a
    scheduled backup, None when its `slot` was already taken (by another run of the schedule).
    """
    backup_clean_stale()
    record = _claim(kind=kind, created_by=created_by, slot=slot)
    if record is None:
        return None
    directory = backup_directory()
    temporary = directory / f".{record.filename}.{secrets.token_hex(4)}{TEMPORARY_SUFFIX}"
    final = directory / record.filename
    published = False
    beat = _Heartbeat(record, progress)
    try:
        manifest = archive_write(
            ArchiveWriter(temporary), kind=kind, backup_id=str(record.pk), progress=beat
        )
        beat(0, 0, stage="Checking the archive")
        with Archive.open(temporary, known_tables=dump.dumped_labels()) as archive:
            archive.verify(beat)
        sha256 = file_sha256(temporary)
        size = temporary.stat().st_size
        _sync(temporary)
        _publish(temporary, final)
        published = True
        Backup.objects.filter(pk=record.pk).update(
            state=BackupState.COMPLETE, sha256=sha256, size=size,
            file_count=manifest["file_count"], row_counts=manifest["counts"],
            updated_at=timezone.now(),
        )  # fmt: skip
    except BaseException:
        temporary.unlink(missing_ok=True)
        if published:
            final.unlink(missing_ok=True)
        Backup.objects.filter(pk=record.pk).delete()
        raise
    record.refresh_from_db()
    return record


def backup_to_directory(
    directory: Path, *, created_by: str = "", progress: Progress = _no_progress
) -> dict:
    """Writes a backup unpacked into `directory` (`backup --to DIR`), copying only the stored
    files that an earlier backup into it did not already copy; answers its manifest, with
    `copied`, the number of files copied now, and `size`, the backup's in all. While it runs,
    a backup record marked running holds back the deletion of stored files, as for any backup;
    it is removed at the end, since the folder is not one of the listed archives."""
    backup_ensure_idle()
    backup_clean_stale()
    record = _claim(kind=BackupKind.MANUAL, created_by=created_by, slot=None)
    writer = DirectoryWriter(directory)
    try:
        manifest = archive_write(
            writer, kind=BackupKind.MANUAL, backup_id=str(record.pk),
            progress=_Heartbeat(record, progress),
        )  # fmt: skip
    finally:
        Backup.objects.filter(pk=record.pk).delete()
    size = sum(member.size for member in writer.members)
    return {**manifest, "copied": writer.copied, "size": size}


def _claim(*, kind: str, created_by: str, slot: str | None) -> Backup | None:
    """The record of a backup about to be written, under a file name not yet used."""
    directory = backup_directory()
    moment = timezone.localtime()
    for _ in range(120):
        filename = moment.strftime(FILENAME_FORMAT)
        moment += datetime.timedelta(seconds=1)
        if (directory / filename).exists():
            continue
        try:
            with transaction.atomic():
                return Backup.objects.create(
                    filename=filename, kind=kind, created_by=created_by[:150], slot=slot
                )
        except IntegrityError:
            if slot is not None and Backup.objects.filter(slot=slot).exists():
                return None
    raise Conflict("Could not find a free name for the backup; try again in a minute.")


class _Heartbeat:
    """Passes progress on, and marks the backup's record as alive every few seconds (a record
    silent for long was cut off: see backup_clean_stale)."""

    def __init__(self, record: Backup, progress: Progress, interval: float = 5.0):
        self.record = record
        self.progress = progress
        self.interval = datetime.timedelta(seconds=interval)
        self.beaten_at = timezone.now()

    def __call__(self, done: int, total: int, *, stage: str | None = None) -> None:
        self.progress(done, total, stage=stage)
        now = timezone.now()
        if now - self.beaten_at >= self.interval:
            self.beaten_at = now
            Backup.objects.filter(pk=self.record.pk).update(updated_at=now)


def _sync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _publish(temporary: Path, final: Path) -> None:
    """The rename that makes a checked archive a backup."""
    os.replace(temporary, final)
    filestore._sync_directory(str(final.parent))


def backup_clean_stale() -> int:
    """Removes what backups that were cut off (their worker killed) left: their records and
    temporary files; and uploaded archives that no restore took in a day (their job never ran).
    Answers how many."""
    silent_since = timezone.now() - BACKUP_STALL_AFTER
    stale = Backup.objects.filter(state=BackupState.RUNNING, updated_at__lt=silent_since)
    count, _ = stale.delete()
    directory = backup_directory()
    count += _remove_older_than(directory.glob(f".spends-backup-*{TEMPORARY_SUFFIX}"), silent_since)
    count += _remove_older_than(
        (directory / INCOMING).glob("*"), timezone.now() - UPLOAD_FORGOTTEN_AFTER
    )
    return count


def _remove_older_than(paths, moment: datetime.datetime) -> int:
    removed = 0
    for path in paths:
        try:
            modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC)
        except FileNotFoundError:
            continue
        if modified < moment:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def backup_delete(backup: Backup) -> None:
    backup_path(backup).unlink(missing_ok=True)
    backup.delete()


def backup_prune_scheduled(keep: int) -> list[str]:
    """Deletes all but the newest `keep` automatic backups; answers the deleted file names.
    Manual backups and restore points stay until someone deletes them."""
    scheduled = Backup.objects.filter(kind=BackupKind.SCHEDULED, state=BackupState.COMPLETE)
    deleted = []
    for backup in scheduled.order_by("-created_at", "id")[keep:]:
        backup_delete(backup)
        deleted.append(backup.filename)
    return deleted


def backup_ensure_idle(*, job_id=None) -> None:
    """Refuses to start a backup or a restore while a backup is being written or a restore is
    running (other than the job `job_id`, the one asking)."""
    if backup_running() is not None:
        raise Conflict("A backup is being taken right now; wait until it has finished.")
    alive_since = timezone.now() - STALL_AFTER
    restoring = Job.objects.filter(
        kind=JobKind.RESTORE, state=JobState.RUNNING, updated_at__gte=alive_since
    ).exclude(pk=job_id)
    if restoring.exists():
        raise Conflict("A restore is running right now; wait until it has finished.")


# Restoring -----------------------------------------------------------------------------------


def archive_open(path: str | os.PathLike) -> Archive:
    """An archive whose structure has been checked (nothing unpacked yet)."""
    return Archive.open(path, known_tables=dump.dumped_labels())


def archive_check(archive: Archive, progress: Progress = _no_progress) -> None:
    """Everything a restore checks before it touches anything: every member unpacked and
    matched against its size and checksum, every row of the data readable into its fields,
    the row counts those of the manifest."""
    total = archive.unpacked_size
    done = 0

    def advance(size: int) -> None:
        nonlocal done
        done += size
        progress(done, total, stage="Checking the archive")

    tables = _tables(archive)
    for table, names in tables.items():
        member = archive.member(data_member(table))
        loader = _loader(table, names)
        rows = 0
        for line in member.lines():
            if line:
                rows += 1
                _load_step(lambda: loader.row(line, rows, check=True))  # noqa: B023 - used at once
            advance(len(line) + 1)
        if rows != archive.manifest["counts"].get(table):
            raise ArchiveError(
                f"The archive's {table} holds {rows} rows, not the "
                f"{archive.manifest['counts'].get(table)} its manifest says."
            )
    for sha256 in archive.upload_hashes:
        for chunk in archive.member(upload_member(sha256)).chunks():
            advance(len(chunk))


def _tables(archive: Archive) -> dict[str, list[str]]:
    tables = archive.manifest["tables"]
    known = dump.dumped_labels()
    for table, names in tables.items():
        if table not in known or not isinstance(names, list):
            raise ArchiveError(f"The archive holds a table this version does not know: {table}.")
        if data_member(table) not in archive.members:
            raise ArchiveError(f"The archive lacks the data of {table}; it is incomplete.")
        if not isinstance(archive.manifest["counts"].get(table), int):
            raise ArchiveError(f"The archive's manifest does not count the rows of {table}.")
    return {table: tables[table] for table in known if table in tables}


def _loader(table: str, names: list) -> dump.TableLoader:
    return _load_step(lambda: dump.TableLoader(dump.model_for(table), names))


def _load_step(step):
    try:
        return step()
    except dump.LoadError as error:
        raise ArchiveError(f"The archive's data cannot be restored: {error}.") from None


def archive_restore(archive: Archive, *, using: str = "default", progress: Progress) -> dict:
    """Puts the archive's files in place and replaces the database's data with the archive's,
    in one transaction that commits only when the outcome checks out. Files that were not there
    before are removed again when it fails; the data stay as they were."""
    added = _place_files(archive, progress)
    # Said before the transaction: progress written inside it shows only once it commits.
    progress(0, 0, stage="Replacing the data")
    try:
        with bulk_writing(using), transaction.atomic(using=using):
            # Every purchase is replaced: the search index is built again once they all are, and
            # everyone's analytics figures are computed again.
            with search_index_deferred(using, rebuild=True), versions_bumped_at_end(using):
                _replace_data(archive, using, progress)
            _check_restored(archive, using, progress)
    except BaseException:
        for sha256 in added:
            filestore.delete(sha256)
        raise
    _refresh_statistics(using)
    return {"counts": archive.manifest["counts"], "file_count": len(archive.upload_hashes)}


def _refresh_statistics(using: str) -> None:
    """PostgreSQL, after every row was replaced: VACUUM ANALYZE, as autovacuum would a minute
    later. Until then the old rows' dead copies fill the tables, the planner's statistics are
    stale and the new pages are not marked all-visible, so the index-only scans read the table
    too: the load run answered 26 requests a second right after a restore of 100,000 purchases
    and 33 once vacuumed.
    VACUUM cannot run inside a transaction; within one (a test's), ANALYZE alone."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def _place_files(archive: Archive, progress: Progress) -> list[str]:
    hashes = archive.upload_hashes
    _check_room(archive, hashes)
    added = []
    try:
        for done, sha256 in enumerate(hashes, start=1):
            present = filestore.exists(sha256)
            # A file already there with the right bytes is kept; a damaged one is replaced.
            if not present or not filestore.matches(sha256):
                filestore.put(archive.member(upload_member(sha256)), rewrite=True)
                if not present:
                    added.append(sha256)
            progress(done, len(hashes), stage="Putting the files in place")
    except BaseException:
        for sha256 in added:
            filestore.delete(sha256)
        raise
    return added


def _check_room(archive: Archive, hashes: list[str]) -> None:
    location = getattr(filestore.storage(), "location", None)
    if location is None:
        return
    needed = sum(archive.members[upload_member(h)].size for h in hashes)
    Path(location).mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(location).free
    if needed > free:
        raise ArchiveError(
            f"The archive's files need {needed // 2**20} MB but only {free // 2**20} MB are free "
            "where uploads are stored; nothing was restored."
        )


def _replace_data(archive: Archive, using: str, progress: Progress) -> None:
    tables = _tables(archive)
    total = sum(archive.manifest["counts"][table] for table in tables)
    done = 0
    progress(done, total, stage="Replacing the data")
    dump.delete_all(using, _kept_user_ids(archive, using))
    try:
        for table, names in tables.items():
            loader = _loader(table, names)
            batch: list[dict] = []
            number = 0
            for line in archive.member(data_member(table)).lines():
                if not line:
                    continue
                number += 1
                batch.append(_load_step(lambda: loader.row(line, number)))  # noqa: B023
                if len(batch) >= dump.BATCH_SIZE:
                    loader.insert(batch, using)
                    done += len(batch)
                    batch = []
                    progress(done, total, stage="Replacing the data")
            loader.insert(batch, using)
            done += len(batch)
        dump.reset_sequences(using)
    except DatabaseError as error:
        raise ArchiveError(
            f"The archive's data break a rule of the database, so nothing was restored ({error})."
        ) from None


def _kept_user_ids(archive: Archive, using: str) -> set:
    """The accounts restored as they are now (the same id and username): what refers to them
    from outside the backup (their jobs, the admin's log) stays theirs."""
    user_model = get_user_model()
    table = dump.label(user_model)
    names = _tables(archive).get(table, [])
    if "id" not in names or user_model.USERNAME_FIELD not in names:
        return set()
    id_at, name_at = names.index("id"), names.index(user_model.USERNAME_FIELD)
    restored = {}
    loader = _loader(table, names)
    for number, line in enumerate(archive.member(data_member(table)).lines(), start=1):
        if line:
            row = _load_step(lambda: loader.row(line, number))  # noqa: B023
            restored[row[names[id_at]]] = row[names[name_at]]
    current = user_model._default_manager.using(using).values_list("pk", user_model.USERNAME_FIELD)
    return {pk for pk, username in current if restored.get(pk) == username}


def _check_restored(archive: Archive, using: str, progress: Progress) -> None:
    progress(0, 0, stage="Checking the result")
    for table in _tables(archive):
        model = dump.model_for(table)
        count = model._default_manager.using(using).count()
        expected = archive.manifest["counts"][table]
        if count != expected:
            raise ArchiveError(
                f"After loading, {table} holds {count} rows instead of {expected}; nothing was "
                "restored."
            )
    hashes = Attachment.objects.using(using).order_by().values_list("sha256", flat=True).distinct()
    # Files already missing when the archive was made (a restore point's) cannot come back.
    already_missing = set(archive.missing_files)
    for sha256 in hashes.iterator():
        if sha256 not in already_missing and not filestore.matches(sha256):
            raise ArchiveError(
                f"After loading, the stored file {sha256[:12]}… of an attachment is missing or "
                "damaged; nothing was restored."
            )


def backup_restore(
    path: str | os.PathLike,
    *,
    restored_by: str = "",
    progress: Progress = _no_progress,
    job_id: str | None = None,
) -> dict:
    """Restores the instance from the archive at `path` (SPEC section 8) and answers what was
    restored, with the restore point taken first. `job_id` is the restore's own job, if it
    runs as one."""
    backup_ensure_idle(job_id=job_id)
    with archive_open(path) as archive:
        archive_check(archive, progress)
        restore_point = backup_create(
            kind=BackupKind.RESTORE_POINT, created_by=restored_by, progress=progress
        )
        outcome = archive_restore(archive, progress=progress)
    return {
        **outcome,
        "restore_point_id": str(restore_point.pk),
        "restore_point": restore_point.filename,
    }


# The schedule --------------------------------------------------------------------------------


def schedule_update(*, frequency: str | None = None, keep: int | None = None) -> BackupSchedule:
    """Changes the schedule; what is not given keeps its value."""
    schedule = schedule_get()
    if frequency is not None:
        schedule.frequency = frequency
    if keep is not None:
        schedule.keep = keep
    schedule.full_clean()
    schedule.save()
    return schedule


def schedule_slot(frequency: str, now: datetime.datetime) -> str | None:
    """The period an automatic backup taken `now` stands for (in the server's time zone), or
    None when automatic backups are off."""
    local = timezone.localtime(now)
    if frequency == BackupFrequency.DAILY:
        return f"daily:{local.date().isoformat()}"
    if frequency == BackupFrequency.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    if frequency == BackupFrequency.MONTHLY:
        return f"monthly:{local:%Y-%m}"
    return None


def backup_due(now: datetime.datetime | None = None) -> str | None:
    """The slot of the automatic backup due now, or None when none is."""
    now = now or timezone.now()
    schedule = schedule_get()
    slot = schedule_slot(schedule.frequency, now)
    if slot is None or Backup.objects.filter(slot=slot).exists():
        return None
    if schedule.last_error_at and now - schedule.last_error_at < SCHEDULE_RETRY_AFTER:
        return None
    return slot


def backup_run_schedule(now: datetime.datetime | None = None) -> Backup | None:
    """Takes the automatic backup that is due, if one is, then deletes the automatic backups
    beyond the number to keep. Safe to run at any time, late or twice: each period's backup is
    taken once (its slot is unique), and a period missed entirely is made up at the next run."""
    slot = backup_due(now)
    if slot is None:
        return None
    try:
        backup = backup_create(kind=BackupKind.SCHEDULED, slot=slot)
    except Exception as error:
        logger.exception("The automatic backup failed")
        message = (
            error.message
            if isinstance(error, ApplicationError)
            else "An unexpected error stopped it; the server's log has the details."
        )
        BackupSchedule.objects.update_or_create(
            pk=1, defaults={"last_error": message, "last_error_at": timezone.now()}
        )
        return None
    if backup is None:
        return None
    schedule = schedule_get()
    backup_prune_scheduled(schedule.keep)
    if schedule.pk and schedule.last_error:
        BackupSchedule.objects.filter(pk=1).update(last_error="", last_error_at=None)
    return backup


# Starting backups and restores as jobs (the page and the API) -------------------------------


def require_staff(user) -> None:
    if not user.is_staff:
        raise Forbidden("Only staff may back up or restore the instance.")


def _ensure_no_job_running(user) -> None:
    for kind in INSTANCE_KINDS:
        if job_unfinished(user, kind) is not None:
            raise Conflict(
                f"A {kind} is already under way; wait until it has finished, then try again."
            )
    backup_ensure_idle()


def backup_job_status(user, job_id=None) -> Job:
    """The backup or restore job `job_id` as it stands, or without it the latest one that
    `user` may see."""
    if job_id is None:
        latest = job_latest(user, INSTANCE_KINDS)
        if latest is None:
            raise NotFound("No backup or restore has been started yet.")
        job_id = latest.pk
    elif not job_list(user).filter(pk=job_id, kind__in=INSTANCE_KINDS).exists():
        raise NotFound("Job not found.")
    return job_status(user, job_id)


def backup_start(*, user) -> Job:
    """Starts a backup as a job (staff only); its result names the backup."""
    from backups.tasks import create_backup_task

    require_staff(user)
    _ensure_no_job_running(user)
    return job_enqueue(owner=user, kind=JobKind.BACKUP, task=create_backup_task)


def restore_start(*, user, backup: Backup | None = None, upload: UploadedFile | None = None) -> Job:
    """Starts a restore as a job (staff only) from a listed backup or an uploaded archive. An
    upload is kept in the backups directory's `incoming/` folder until the restore ends, and
    its structure is checked at once: a file that is no backup archive never starts a job."""
    from backups.tasks import restore_backup_task

    require_staff(user)
    _ensure_no_job_running(user)
    if (backup is None) == (upload is None):
        raise ApplicationError("Choose a backup to restore, or upload one.")
    if backup is not None:
        path, uploaded = backup_path(backup), False
        if not path.exists():
            raise NotFound("This backup's archive is no longer in the backups directory.")
    else:
        path, uploaded = _keep_upload(upload), True
        try:
            archive_open(path).close()
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    try:
        return job_enqueue(
            owner=user, kind=JobKind.RESTORE, task=restore_backup_task,
            archive_path=str(path), uploaded=uploaded,
        )  # fmt: skip
    except BaseException:
        if uploaded:
            path.unlink(missing_ok=True)
        raise


def _keep_upload(upload: UploadedFile) -> Path:
    folder = backup_directory() / INCOMING
    folder.mkdir(exist_ok=True)
    final = folder / f"{uuid.uuid4()}.zip"
    temporary = final.with_suffix(TEMPORARY_SUFFIX)
    try:
        with open(temporary, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return final
