"""Restore the whole instance from a backup archive (SPEC section 8):

    python manage.py restore FILE [--yes]

Every account's data and stored files are replaced by the archive's. The archive is checked
completely first, and a restore point (a backup of the current state) is taken before anything
changes; any failure leaves the data as they were. Without --yes it says what will happen and
asks to type "yes". A terminal shows a progress bar on standard error. Exits with status 1 when
the restore was cancelled or refused, having changed nothing.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.management import StagedProgressBar, number, table_name
from backups.services import archive_open, backup_restore
from spends.errors import ApplicationError

RESTORED_BY = "command line"


def counts_text(counts: dict) -> str:
    return ", ".join(f"{number(count)} {table_name(table)}" for table, count in counts.items())


class Command(BaseCommand):
    help = (
        "Replace every account's data and stored files with those of a backup archive. The "
        "archive is checked first, and a restore point of the current state is taken before "
        "anything changes."
    )
    # Tests answer the question through call_command(..., stdin=...).
    stealth_options = ("stdin",)

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file", help="A backup archive (spends-backup-*.zip), or a folder of `backup --to`."
        )
        parser.add_argument(
            "--yes", action="store_true", help="Restore without asking first (for scripts)."
        )

    def handle(self, *args, file: str, yes: bool, **options) -> None:
        path = Path(file).expanduser()
        # A folder is a backup written by `backup --to DIR`.
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        # Its structure is checked before the question, so that nobody confirms a restore
        # that cannot happen (the restore checks the whole archive again, member by member).
        try:
            with archive_open(path) as archive:
                manifest = archive.manifest
                file_count = len(archive.upload_hashes)
        except ApplicationError as error:
            raise CommandError(error.message) from None

        if not yes and not self._confirmed(path, manifest, file_count, options):
            raise CommandError("Restore cancelled; nothing was changed.")

        bar = StagedProgressBar(self.stderr)
        try:
            outcome = backup_restore(path, restored_by=RESTORED_BY, progress=bar)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        finally:
            bar.finish()

        self.stdout.write(f"Restore point (the state before): {outcome['restore_point']}")
        self.stdout.write("Restored:")
        for table, count in outcome["counts"].items():
            self.stdout.write(f"  {table_name(table)}: {number(count)}")
        self.stdout.write(f"  stored files: {outcome['file_count']:,}")
        self.stdout.write(self.style.SUCCESS(f"Restored from {path}."))

    def _confirmed(self, path: Path, manifest: dict, file_count: int, options: dict) -> bool:
        created_at = manifest.get("created_at") or "an unknown time"
        self.stdout.write(
            f"This replaces every account's data and every stored file with those of {path}, "
            f"taken at {created_at}: {counts_text(manifest['counts'])}, and {file_count:,} "
            "stored files. Whatever is not in the archive is deleted.\n"
            "A restore point (a backup of the current state) is taken first, in the backups "
            "directory; restore it to undo this."
        )
        self.stdout.write('Type "yes" to restore: ', ending="")
        self.stdout.flush()
        answer = options.get("stdin", sys.stdin).readline()
        return answer.strip() == "yes"
