"""`manage.py worker`: the background worker (django-tasks-db's `db_worker`, with all its
options) and, in a thread beside it, the clock that runs the periodic work (jobs.periodic) every
minute. `make run`, scripts/serve and docker-compose.yml run this."""

import logging
import os
import threading

from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.management.commands.db_worker import valid_interval

from jobs.periodic import run_periodic

logger = logging.getLogger(__name__)


class Clock:
    """Runs the periodic work every `interval` seconds until stopped. A daemon thread: when the
    worker stops, so does the clock; an automatic backup cut off so leaves only a temporary
    file, removed by the next backup (backups.services.backup_clean_stale)."""

    def __init__(self, interval: float):
        self.interval = interval
        # The first run comes soon after start, so that a backup due while the worker was down
        # is taken at once.
        self.first_after = min(interval, 5.0)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="periodic clock", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()

    def _run(self) -> None:
        wait = self.first_after
        while not self.stopped.wait(wait):
            try:
                run_periodic()
            except Exception:  # run_periodic logs each failure; this is the clock's own
                logger.exception("The periodic clock failed")
            finally:
                # This thread's own connections, so that none stays open between ticks.
                connections.close_all()
            wait = self.interval


class Command(DatabaseWorkerCommand):
    help = (
        "Runs the background worker (imports, backups, restores) and the clock of the "
        "periodic work (automatic backups)."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--clock-interval",
            type=valid_interval,
            default=60,
            help="Seconds between runs of the periodic work; 0 turns the clock off (default 60).",
        )

    def handle(self, *args, clock_interval: float, reload: bool, **options) -> None:
        # With --reload, this runs in the reloading parent too; only the child that works
        # (marked by Django's reloader) keeps a clock.
        works_here = not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if clock_interval and works_here:
            Clock(clock_interval).start()
        super().handle(*args, reload=reload, **options)
