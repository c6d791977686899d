"""Import purchases into one user's account from an export (SPEC section 6):

    python manage.py import_data USERNAME FILE [--dry-run] [--on-duplicate skip|update] [--partial]

The file is JSON when its name ends in .json or it starts with "{", CSV otherwise. The report
goes to standard output; a terminal also shows a progress bar on standard error. Exits with
status 1 when invalid rows stopped the import (nothing was written) or the file cannot be read.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import user_named
from purchases.imports import (
    DUPLICATE_POLICIES,
    ImportOptions,
    import_detect_format,
    import_purchases,
)
from spends.errors import ApplicationError, NotFound
from spends.terminal import ProgressBar


class Command(BaseCommand):
    help = (
        "Import purchases (with warranties, retailers and brands) into USERNAME's account from "
        "a JSON or CSV export. Every row is checked before anything is written; one invalid "
        "row stops it unless --partial."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="The user whose account receives the purchases.")
        parser.add_argument("file", help="A JSON or CSV export.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )
        parser.add_argument(
            "--on-duplicate",
            choices=DUPLICATE_POLICIES,
            default="skip",
            help="What to do with a purchase that is already there (default: skip).",
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Import the valid rows even when others are invalid.",
        )

    def handle(self, *args, username: str, file: str, **options) -> None:
        try:
            owner = user_named(username)
        except NotFound as error:
            raise CommandError(error.message) from None
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from None

        bar = ProgressBar(self.stderr, 0)
        try:
            report = import_purchases(
                owner=owner,
                data=data,
                file_format=import_detect_format(path.name, data),
                options=ImportOptions(
                    on_duplicate=options["on_duplicate"],
                    dry_run=options["dry_run"],
                    partial=options["partial"],
                ),
                progress=lambda done, total, *, stage: bar.update(done, total, label=stage),
            )
        except ApplicationError as error:
            raise CommandError(error.message) from None
        bar.finish()

        problems = f"{report.failed:,} with problems."
        if report.dry_run:
            self.stdout.write(
                f"Dry run, nothing written: would create {report.created:,}, update "
                f"{report.updated:,}, skip {report.skipped:,}; {problems}"
            )
        else:
            self.stdout.write(
                f"Created {report.created:,}, updated {report.updated:,}, skipped "
                f"{report.skipped:,}; {problems}"
            )
        for warning in report.as_dict()["warnings"]:
            self.stdout.write(f"  {warning}")
        for error in report.errors:
            field = f" {error['field']}" if error["field"] else ""
            self.stdout.write(f"  row {error['row']}{field}: {error['message']}")
        if report.stopped:
            raise CommandError("Nothing was imported: fix the rows above, or use --partial.")
        if not report.dry_run:
            self.stdout.write(self.style.SUCCESS("Import finished."))
