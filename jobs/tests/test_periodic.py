import threading

import pytest
from django.core.management import CommandError, call_command

from backups.models import Backup, BackupFrequency, BackupKind
from backups.services import schedule_update
from jobs.management.commands.worker import Clock
from jobs.periodic import run_periodic

CALLS: list[str] = []
TICKED = threading.Event()


def record_a_call() -> None:
    CALLS.append("called")
    TICKED.set()


def fail() -> None:
    raise RuntimeError("broken on purpose")


@pytest.fixture(autouse=True)
def _fresh_calls():
    CALLS.clear()
    TICKED.clear()


def test_periodic_work_runs_each_piece_and_goes_on_past_a_failure(settings):
    settings.SPENDS_PERIODIC_WORK = [f"{__name__}.fail", f"{__name__}.record_a_call"]

    failed = run_periodic()

    assert failed == [f"{__name__}.fail"]
    assert CALLS == ["called"]


def test_the_command_for_cron_fails_when_a_piece_fails(settings):
    settings.SPENDS_PERIODIC_WORK = [f"{__name__}.fail"]

    with pytest.raises(CommandError, match="fail"):
        call_command("run_periodic")


@pytest.mark.django_db
def test_the_command_for_cron_takes_the_automatic_backup_that_is_due(populated_instance):
    schedule_update(frequency=BackupFrequency.DAILY, keep=7)

    call_command("run_periodic", verbosity=0)
    call_command("run_periodic", verbosity=0)  # cron running it again: nothing twice

    assert Backup.objects.filter(kind=BackupKind.SCHEDULED).count() == 1


def test_the_workers_clock_runs_the_periodic_work_until_stopped(settings):
    settings.SPENDS_PERIODIC_WORK = [f"{__name__}.record_a_call"]
    clock = Clock(0.05)

    clock.start()
    assert TICKED.wait(timeout=10)
    clock.stop()
    clock.thread.join(timeout=10)

    assert not clock.thread.is_alive()
    assert len(CALLS) >= 1


@pytest.fixture
def populated_instance(user):
    from purchases.tests.factories import PurchaseFactory

    PurchaseFactory(owner=user)
    return user
