from django.core.management.base import BaseCommand, CommandError

from jobs.periodic import run_periodic


class Command(BaseCommand):
    help = (
        "Runs the periodic work that is due (automatic backups), once, for cron. Safe to run "
        "as often as you like: nothing is done twice."
    )

    def handle(self, *args, **options) -> None:
        failed = run_periodic()
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)} (see the log above).")
        if options["verbosity"] > 0:
            self.stdout.write("Periodic work done.")
