"""Send the warranty reminders that are due (SPEC section 9), for running from cron:

    python manage.py send_reminders [--dry-run]

Does what the worker's clock does (warranties.reminders), at the hour cron starts it rather
than from SPENDS_REMINDER_HOUR. Safe to run as often as you like: each warranty is reminded once
per end date, and each user gets at most one digest a day. Exits with status 1 when an email
could not be sent (the reminders stay due and go at the next run).
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import preferences_for
from spends.dates import format_date
from warranties.reminders import Digest, reminders_send


def plural(count: int, word: str, words: str = "") -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


class Command(BaseCommand):
    help = (
        "Email each user with reminders on the warranties that newly entered their window "
        "(one digest a day). --dry-run shows what would be sent, and sends and records nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the digests that are due without sending or recording anything.",
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        run = reminders_send(dry_run=dry_run)
        for digest in run.sent:
            verb = "Would send" if dry_run else "Sent"
            self.stdout.write(
                f"{verb} {plural(len(digest.warranties), 'reminder')} to {self._who(digest)}:"
            )
            self._list(digest)
        for digest in run.waiting:
            self.stdout.write(
                f"{plural(len(digest.warranties), 'reminder')} for "
                f"{digest.owner.get_username()} wait for tomorrow's digest "
                "(today's has been sent)."
            )
        for digest in run.no_address:
            self.stdout.write(
                f"{plural(len(digest.warranties), 'reminder')} for "
                f"{digest.owner.get_username()} cannot be sent: the account has no email "
                "address (Settings › Reminders)."
            )
        for digest, error in run.failed:
            self.stderr.write(f"Could not send to {self._who(digest)}: {error}")
        listed = plural(sum(len(d.warranties) for d in run.sent), "warranty", "warranties")
        summary = f"{plural(len(run.sent), 'digest')} listing {listed}"
        if dry_run:
            self.stdout.write(f"Dry run: {summary} would be sent; nothing was sent or recorded.")
        else:
            self.stdout.write(f"{summary} sent.")
        if run.failed:
            raise CommandError(
                f"{plural(len(run.failed), 'digest')} could not be sent; they will be retried "
                "at the next run. Check the email settings (EMAIL_URL)."
            )

    def _who(self, digest: Digest) -> str:
        return f"{digest.address} ({digest.owner.get_username()})"

    def _list(self, digest: Digest) -> None:
        date_format = preferences_for(digest.owner).date_format
        for warranty in digest.warranties:
            days = digest.days_left(warranty)
            self.stdout.write(
                f"  {warranty.purchase.product_name}: ends "
                f"{format_date(warranty.warranty_end, date_format)} ({plural(days, 'day')} left)"
            )
