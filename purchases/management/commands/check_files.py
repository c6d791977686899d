"""Check the attachments against the file store (SPEC section 7).

    python manage.py check_files [--fix]

Lists attachments whose stored file is missing or no longer matches its hash, and stored files
that no attachment names (orphans: unknown hashes, stray files, temporary files left by a
crash). `--fix` deletes the orphans; missing and damaged files can only be restored from a
backup. Exits with status 1 while any problem remains, so cron reports it.
"""

from django.core.management.base import BaseCommand, CommandError

from purchases.filecheck import AttachmentProblem, FileCheckReport, check_files, remove_orphans


def counted(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


class Command(BaseCommand):
    help = (
        "List attachments whose stored file is missing or corrupted, and stored files no "
        "attachment names (orphans). --fix deletes the orphans; missing and corrupted files "
        "must be restored from a backup. Exit status: 0 when all is well (or the only problems "
        "were orphans that --fix deleted), 1 when problems remain."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--fix",
            action="store_true",
            help="Delete the orphaned stored files. Missing and corrupted files are left as "
            "they are.",
        )

    def handle(self, *args, fix: bool = False, **options) -> None:
        report = check_files()
        self.list_problems("Missing files", report.missing)
        self.list_problems("Corrupted files (content no longer matches the hash)", report.corrupted)
        if report.orphans:
            self.stdout.write(self.style.WARNING(f"Orphaned files ({len(report.orphans)}):"))
            for name in report.orphans:
                self.stdout.write(f"  {name}")
        self.stdout.write(self.summary(report))

        orphans_left = len(report.orphans)
        if fix and report.orphans:
            removed = remove_orphans(report)
            # Any not removed were named by an upload since the check: no longer orphans.
            orphans_left = 0
            self.stdout.write(self.style.SUCCESS(f"Deleted {counted(removed, 'orphaned file')}."))

        damaged = len(report.missing) + len(report.corrupted)
        if damaged:
            self.stdout.write(
                self.style.ERROR(
                    f"{counted(damaged, 'attachment needs its', 'attachments need their')} "
                    "file restored from a backup; --fix does not touch missing or corrupted files."
                )
            )
        if damaged or orphans_left:
            remaining = [
                text
                for count, text in [
                    (len(report.missing), f"{len(report.missing)} missing"),
                    (len(report.corrupted), f"{len(report.corrupted)} corrupted"),
                    (orphans_left, counted(orphans_left, "orphan")),
                ]
                if count
            ]
            hint = " Run with --fix to delete the orphans." if orphans_left else ""
            raise CommandError(f"Problems remain: {', '.join(remaining)}.{hint}")
        if not report.has_problems:
            self.stdout.write(self.style.SUCCESS("All files are in order."))

    def list_problems(self, heading: str, problems: list[AttachmentProblem]) -> None:
        if not problems:
            return
        self.stdout.write(self.style.ERROR(f"{heading} ({len(problems)}):"))
        for problem in problems:
            self.stdout.write(
                f"  attachment {problem.attachment_id} of {problem.owner_username}, "
                f"purchase {problem.purchase_id} “{problem.purchase_name}”, "
                f"“{problem.filename}”, sha256 {problem.sha256}"
            )

    def summary(self, report: FileCheckReport) -> str:
        checked = (
            f"Checked {counted(report.attachments_checked, 'attachment')} and "
            f"{counted(report.stored_files_checked, 'stored file')}: "
            f"{len(report.missing)} missing, {len(report.corrupted)} corrupted, "
            f"{counted(len(report.orphans), 'orphan')}."
        )
        if report.writes_in_progress:
            checked += (
                f" Skipped {counted(report.writes_in_progress, 'upload')} still being written."
            )
        return checked
