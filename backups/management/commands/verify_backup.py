"""Check a backup archive completely, without restoring anything (SPEC section 8):

    python manage.py verify_backup FILE

Checks what a restore checks before it touches anything: the manifest, every member's name and
size, every checksum, every row readable. Prints the manifest's summary and "OK", or exits with
status 1 saying what is wrong. A terminal shows a progress bar on standard error.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.management import StagedProgressBar, number, table_name
from backups.services import archive_check, archive_open
from spends.errors import ApplicationError
from spends.uploads import size_limit_text


class Command(BaseCommand):
    help = (
        "Check a backup archive as a restore would (manifest, names, sizes, checksums, rows) "
        "without changing anything, and print its summary."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file", help="A backup archive (spends-backup-*.zip), or a folder of `backup --to`."
        )

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file).expanduser()
        # A folder is a backup written by `backup --to DIR`.
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        bar = StagedProgressBar(self.stderr)
        try:
            with archive_open(path) as archive:
                archive_check(archive, bar)
                manifest = archive.manifest
                file_count = len(archive.upload_hashes)
                unpacked = archive.unpacked_size
        except ApplicationError as error:
            raise CommandError(error.message) from None
        finally:
            bar.finish()

        def line(label: str, value) -> None:
            self.stdout.write(f"{label + ':':<18}{value}")

        line("Archive", path)
        line("Format version", manifest.get("version"))
        line("App version", manifest.get("app_version", "unknown"))
        line("Created at", manifest.get("created_at", "unknown"))
        line("Database engine", manifest.get("database", "unknown"))
        line("Kind", manifest.get("kind", "unknown"))
        self.stdout.write("Rows:")
        for table, count in manifest["counts"].items():
            self.stdout.write(f"  {table_name(table)} ({table}): {number(count)}")
        line("Stored files", f"{file_count:,}")
        if missing := manifest.get("missing_files"):
            # A restore point taken while files were already lost says so.
            line("Missing files", f"{len(missing):,} (already missing when it was taken)")
        if path.is_dir():
            line("Total size", size_limit_text(unpacked))
        else:
            packed = size_limit_text(path.stat().st_size)
            line("Total size", f"{packed} (unpacks to {size_limit_text(unpacked)})")
        self.stdout.write(self.style.SUCCESS("OK"))
