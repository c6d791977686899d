"""Export one user's data, as the API's export does (SPEC section 6):

    python manage.py export_data USERNAME --format json|csv [--output FILE]

Without --output the export goes to standard output. With it, the file appears only once the
export is complete (it is written to FILE.part and renamed), and a terminal shows a progress
bar on standard error.
"""

import contextlib
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import user_named
from purchases.exports import EXPORT_FORMATS, export_chunks
from purchases.selectors import purchase_count
from spends.errors import NotFound
from spends.terminal import ProgressBar


class Command(BaseCommand):
    help = (
        "Export USERNAME's purchases, warranties, retailers, brands and settings as JSON, or "
        "their purchases as CSV, in the format the import reads. Writes to standard output "
        "unless --output is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="The user whose data is exported.")
        parser.add_argument(
            "--format",
            dest="file_format",
            required=True,
            choices=sorted(EXPORT_FORMATS),
            help="json: everything, with warranties and attachments' metadata nested; csv: one "
            "purchase a row.",
        )
        parser.add_argument(
            "--output",
            help="The file to write. It appears only when the export is complete.",
        )

    def handle(self, *args, username: str, file_format: str, output: str | None, **options):
        try:
            owner = user_named(username)
        except NotFound as error:
            raise CommandError(error.message) from None

        if output is None:
            for chunk in export_chunks(owner, file_format):
                self.stdout.write(chunk, ending="")
            self.stdout.flush()
            return

        target = Path(output)
        if target.is_dir():
            raise CommandError(f"{target} is a folder; give a file name.")
        # Draws only on a terminal; the count is not even asked for otherwise.
        bar = (
            ProgressBar(self.stderr, purchase_count(owner), noun="purchases")
            if self.stderr.isatty()
            else None
        )
        partial = target.with_name(target.name + ".part")
        written = 0

        def progress(count: int) -> None:
            nonlocal written
            written = count
            if bar:
                bar.update(count)

        try:
            # newline="": the CSV's CRLF line ends are written as they are, on every system.
            with (
                open(partial, "w", encoding="utf-8", newline="") as file,
                # Closed at once on failure, releasing the database cursor while connected.
                contextlib.closing(export_chunks(owner, file_format, progress=progress)) as chunks,
            ):
                for chunk in chunks:
                    file.write(chunk)
            os.replace(partial, target)
        except OSError as error:
            raise CommandError(f"Could not write {target}: {error.strerror or error}") from None
        finally:
            # A failed or interrupted export leaves no half-written file behind.
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
        if bar:
            bar.finish()
        noun = "purchase" if written == 1 else "purchases"
        self.stdout.write(self.style.SUCCESS(f"Exported {written:,} {noun} to {target}."))
