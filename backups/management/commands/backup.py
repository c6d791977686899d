"""Back up the whole instance (SPEC section 8):

    python manage.py backup [--output DIR]
    python manage.py backup --to DIR
    python manage.py backup --scheduled

Without options, takes a manual backup into the backups directory, where the settings page and
the API list it. With --output the finished archive is moved to DIR instead (and is not listed).
With --to the backup is written unpacked into DIR (manifest.json, data/, uploads/), copying
only the stored files that an earlier `--to DIR` did not already copy: an incremental backup
for a mounted share or a folder that rsync carries off. With --scheduled it takes the
automatic backup if one is due, as the schedule on the settings page says, and deletes the
automatic backups beyond the number to keep: for cron, at any interval. A terminal shows a
progress bar on standard error. Exits with status 1 when the backup failed; a failed backup
leaves no archive behind.
"""

import contextlib
import errno
import os
import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.management import StagedProgressBar
from backups.models import Backup, BackupFrequency, BackupKind
from backups.selectors import backup_path, schedule_get
from backups.services import (
    backup_create,
    backup_ensure_idle,
    backup_run_schedule,
    backup_to_directory,
)
from spends.errors import ApplicationError
from spends.uploads import size_limit_text

CREATED_BY = "command line"


def _summary(path: Path, backup: Backup) -> str:
    files = "file" if backup.file_count == 1 else "files"
    return f"{path} ({size_limit_text(backup.size)}, {backup.file_count:,} {files})"


def _move(source: Path, target: Path) -> None:
    """Moves a finished archive so that it never shows under its real name half written: a
    rename where it can be one, else a copy to a temporary name in the target folder, flushed
    and renamed."""
    try:
        os.replace(source, target)
        return
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
    partial = target.with_name(f".{target.name}.part")
    try:
        with open(source, "rb") as reading, open(partial, "wb") as writing:
            shutil.copyfileobj(reading, writing, 1024 * 1024)
            writing.flush()
            os.fsync(writing.fileno())
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    source.unlink()


class Command(BaseCommand):
    help = (
        "Back up the whole instance (every account's data and every stored file) into the "
        "backups directory, or into --output DIR. With --scheduled, take the automatic backup "
        "if one is due (for cron)."
    )

    def add_arguments(self, parser) -> None:
        choice = parser.add_mutually_exclusive_group()
        choice.add_argument(
            "--output",
            metavar="DIR",
            help="The folder to leave the archive in, instead of the backups directory (where "
            "it would be listed).",
        )
        choice.add_argument(
            "--to",
            metavar="DIR",
            help="Write the backup unpacked into this folder, copying only the stored files "
            "not already there (restore and verify_backup take the folder as they take an "
            "archive).",
        )
        choice.add_argument(
            "--scheduled",
            action="store_true",
            help="Take the automatic backup if one is due, and delete those beyond the number "
            "to keep; print that none is due otherwise.",
        )

    def handle(self, *args, output: str | None, to: str | None, scheduled: bool, **options) -> None:
        if scheduled:
            self._scheduled()
            return
        if to is not None:
            self._to_directory(Path(to).expanduser())
            return
        target_folder = None
        if output is not None:
            target_folder = Path(output).expanduser()
            if not target_folder.is_dir():
                raise CommandError(f"{target_folder} is not a folder; create it first.")

        bar = StagedProgressBar(self.stderr)
        try:
            backup_ensure_idle()
            backup = backup_create(kind=BackupKind.MANUAL, created_by=CREATED_BY, progress=bar)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        finally:
            bar.finish()
        path = backup_path(backup)

        if target_folder is not None and target_folder.resolve() != path.parent.resolve():
            target = target_folder / backup.filename
            if target.exists():
                raise CommandError(
                    f"{target} already exists; the backup stays in the backups directory: {path}."
                )
            try:
                _move(path, target)
            except OSError as error:
                raise CommandError(
                    f"Could not move the backup to {target_folder} "
                    f"({error.strerror or error}); it stays in the backups directory: {path}."
                ) from None
            # Its record would list an archive that is not in the backups directory; the file
            # was moved, so the record goes alone (backup_delete would delete the file).
            backup.delete()
            path = target
        self.stdout.write(self.style.SUCCESS(f"Backup written: {_summary(path, backup)}."))

    def _to_directory(self, folder: Path) -> None:
        if not folder.parent.is_dir():
            raise CommandError(f"{folder.parent} is not a folder; create it first.")
        bar = StagedProgressBar(self.stderr)
        try:
            manifest = backup_to_directory(folder, created_by=CREATED_BY, progress=bar)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        finally:
            bar.finish()
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {folder} ({size_limit_text(manifest['size'])}, "
                f"{manifest['file_count']:,} files, {manifest['copied']:,} of them copied now)."
            )
        )

    def _scheduled(self) -> None:
        before = schedule_get()
        backup = backup_run_schedule()
        after = schedule_get()
        if backup is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Automatic backup written: {_summary(backup_path(backup), backup)}."
                )
            )
            return
        failed_now = (after.last_error, after.last_error_at) != (
            before.last_error,
            before.last_error_at,
        )
        if after.last_error and failed_now:
            raise CommandError(f"The automatic backup failed: {after.last_error}")
        if after.frequency == BackupFrequency.OFF:
            self.stdout.write("No automatic backup is due: automatic backups are off.")
            return
        self.stdout.write("No automatic backup is due.")
        if after.last_error:
            # Recorded by an earlier run; it is tried again a while after it failed.
            self.stderr.write(f"The last automatic backup failed: {after.last_error}")
