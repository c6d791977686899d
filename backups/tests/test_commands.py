"""`manage.py backup`, `restore` and `verify_backup` (SPEC section 8), as an operator or cron
runs them."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from backups.models import Backup, BackupFrequency, BackupKind, BackupSchedule
from backups.selectors import backup_path
from backups.services import backup_create
from backups.tests.factories import RECEIPT, damaged_copy, purchase_with_receipt
from purchases import filestore
from purchases.models import Attachment, Purchase
from warranties.models import Warranty

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    """Standard error as a terminal, where the progress bar is drawn."""

    def isatty(self) -> bool:
        return True


def run(command: str, *args, stdin: str | None = None, stderr=None) -> str:
    out = io.StringIO()
    options = {"stdin": io.StringIO(stdin)} if stdin is not None else {}
    call_command(command, *args, stdout=out, stderr=stderr or io.StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def kettle(user):
    return purchase_with_receipt(user, product_name="Kettle", price="24.99")


def change_everything(kettle) -> None:
    Purchase.objects.filter(pk=kettle.pk).update(product_name="Teapot", price=Decimal("5.00"))
    Attachment.objects.filter(purchase=kettle).delete()
    purchase_with_receipt(kettle.owner, product_name="Toaster", receipt=RECEIPT + b"toaster")


# backup ---------------------------------------------------------------------------------------


def test_backup_takes_a_manual_backup_and_says_where(kettle, backups_dir):
    output = run("backup")

    backup = Backup.objects.get()
    assert (backup.kind, backup.created_by, backup.file_count) == (
        BackupKind.MANUAL, "command line", 1,
    )  # fmt: skip
    path = backups_dir / backup.filename
    assert path.is_file() and path.stat().st_size == backup.size
    assert re.fullmatch(
        rf"Backup written: {re.escape(str(path))} \([\d.]+ (bytes|KB)\, 1 file\)\.\n", output
    )


def test_backup_draws_its_progress_on_a_terminal(kettle):
    terminal = Terminal()

    run("backup", stderr=terminal)

    assert "Copying the files: [" in terminal.getvalue()
    assert "1 / 1 files" in terminal.getvalue()


def test_backup_to_another_folder_leaves_the_archive_there_unlisted(kettle, tmp_path, backups_dir):
    folder = tmp_path / "elsewhere"
    folder.mkdir()

    output = run("backup", "--output", str(folder))

    [archive] = folder.iterdir()
    assert re.fullmatch(r"spends-backup-\d{8}-\d{6}\.zip", archive.name)
    assert f"Backup written: {archive} (" in output
    assert not Backup.objects.exists()
    assert not any(path.suffix == ".zip" for path in backups_dir.iterdir())
    # It is a whole, sound archive.
    assert "OK" in run("verify_backup", str(archive))


def test_backup_to_a_folder_copies_only_new_files_and_verifies_and_restores(kettle, tmp_path):
    folder = tmp_path / "mirror"

    first = run("backup", "--to", str(folder))
    again = run("backup", "--to", str(folder))
    checked = run("verify_backup", str(folder))
    change_everything(kettle)
    run("restore", str(folder), "--yes")

    assert re.search(r"Backup written to .*mirror \(.*, 1 files, 1 of them copied now\)", first)
    assert "1 files, 0 of them copied now" in again
    assert checked.splitlines()[-1] == "OK"
    assert Purchase.objects.get().product_name == "Kettle"
    # The folder is not listed; the restore's restore point is.
    assert list(Backup.objects.values_list("kind", flat=True)) == [BackupKind.RESTORE_POINT]


def test_backup_refuses_an_output_folder_that_does_not_exist(kettle, tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        run("backup", "--output", str(tmp_path / "missing"))

    assert not Backup.objects.exists()


def test_backup_takes_either_output_or_scheduled(tmp_path):
    with pytest.raises(CommandError):
        run("backup", "--output", str(tmp_path), "--scheduled")


def test_a_backup_that_fails_exits_1_saying_why_and_leaves_nothing(kettle, uploads_dir):
    sha256 = Attachment.objects.get().sha256
    (uploads_dir / filestore.storage_name(sha256)).unlink()

    with pytest.raises(CommandError, match="is missing, so the backup was not taken"):
        run("backup")

    assert not Backup.objects.exists()


def test_backup_waits_for_a_backup_being_written(kettle):
    Backup.objects.create(filename="spends-backup-20260101-000000.zip", kind=BackupKind.MANUAL)

    with pytest.raises(CommandError, match="being taken right now"):
        run("backup")

    assert Backup.objects.count() == 1


# backup --scheduled ---------------------------------------------------------------------------


def test_scheduled_says_none_is_due_while_automatic_backups_are_off(kettle):
    output = run("backup", "--scheduled")

    assert output == "No automatic backup is due: automatic backups are off.\n"
    assert not Backup.objects.exists()


def test_scheduled_takes_the_backup_that_is_due_once(kettle, backups_dir):
    BackupSchedule.objects.create(frequency=BackupFrequency.DAILY, keep=7)

    output = run("backup", "--scheduled")

    backup = Backup.objects.get()
    assert backup.kind == BackupKind.SCHEDULED
    assert output.startswith(f"Automatic backup written: {backups_dir / backup.filename} (")
    assert run("backup", "--scheduled") == "No automatic backup is due.\n"
    assert Backup.objects.count() == 1


def test_scheduled_exits_1_with_the_failure_it_recorded(kettle, uploads_dir):
    BackupSchedule.objects.create(frequency=BackupFrequency.DAILY, keep=7)
    (uploads_dir / filestore.storage_name(Attachment.objects.get().sha256)).unlink()

    with pytest.raises(CommandError, match="The automatic backup failed: The stored file"):
        run("backup", "--scheduled")

    assert not Backup.objects.exists()
    assert "is missing" in BackupSchedule.objects.get().last_error
    # Run again at once, it waits before trying again, and only mentions the failure.
    stderr = io.StringIO()
    assert run("backup", "--scheduled", stderr=stderr) == "No automatic backup is due.\n"
    assert "The last automatic backup failed: The stored file" in stderr.getvalue()


def test_scheduled_tries_again_once_the_wait_is_over(kettle):
    BackupSchedule.objects.create(
        frequency=BackupFrequency.DAILY, keep=7, last_error="The disk was full.",
        last_error_at=timezone.now() - datetime.timedelta(days=1),
    )  # fmt: skip

    output = run("backup", "--scheduled")

    assert output.startswith("Automatic backup written: ")
    assert BackupSchedule.objects.get().last_error == ""


# verify_backup --------------------------------------------------------------------------------


def test_verify_backup_prints_the_summary_and_ok(kettle):
    backup = backup_create()

    output = run("verify_backup", str(backup_path(backup)))

    lines = output.splitlines()
    assert lines[0] == f"Archive:          {backup_path(backup)}"
    assert "Format version:   1" in lines
    assert "Kind:             manual" in lines
    assert any(re.fullmatch(r"Created at:       \d{4}-\d\d-\d\dT.*", line) for line in lines)
    assert any(re.fullmatch(r"Database engine:  (sqlite|postgresql)", line) for line in lines)
    assert any(line.startswith("App version:      ") for line in lines)
    assert "  purchases (purchases.purchase): 1" in lines
    assert "  warranties (warranties.warranty): 1" in lines
    assert "Stored files:     1" in lines
    assert any(line.startswith("Total size:       ") for line in lines)
    assert lines[-1] == "OK"


def test_verify_backup_refuses_a_damaged_archive(kettle, tmp_path):
    backup = backup_create()
    damaged = damaged_copy(backup_path(backup), tmp_path / "damaged.zip", inside=RECEIPT)

    with pytest.raises(CommandError, match="damaged|checksum"):
        run("verify_backup", str(damaged))


def test_verify_backup_refuses_what_is_no_archive(tmp_path):
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")

    with pytest.raises(CommandError, match="not a backup archive"):
        run("verify_backup", str(text))
    with pytest.raises(CommandError, match="does not exist"):
        run("verify_backup", str(tmp_path / "missing.zip"))


# restore --------------------------------------------------------------------------------------


def assert_as_backed_up(kettle) -> None:
    assert list(Purchase.objects.values_list("pk", "product_name", "price")) == [
        (kettle.pk, "Kettle", Decimal("24.99"))
    ]
    assert Warranty.objects.get().purchase_id == kettle.pk
    attachment = Attachment.objects.get()
    with filestore.open(attachment.sha256) as stored:
        assert stored.read() == RECEIPT


def test_restore_with_yes_brings_the_archive_back(kettle, backups_dir):
    archive = backup_path(backup_create())
    change_everything(kettle)

    output = run("restore", str(archive), "--yes")

    assert_as_backed_up(kettle)
    restore_point = Backup.objects.get(kind=BackupKind.RESTORE_POINT)
    assert restore_point.created_by == "command line"
    assert (backups_dir / restore_point.filename).is_file()
    assert f"Restore point (the state before): {restore_point.filename}\n" in output
    assert "  purchases: 1\n" in output and "  stored files: 1\n" in output
    assert output.endswith(f"Restored from {archive}.\n")


def test_restore_asks_first_and_goes_on_after_yes(kettle):
    archive = backup_path(backup_create())
    change_everything(kettle)

    output = run("restore", str(archive), stdin="yes\n")

    assert "This replaces every account's data and every stored file" in output
    assert "A restore point (a backup of the current state) is taken first" in output
    assert 'Type "yes" to restore: ' in output
    assert_as_backed_up(kettle)


@pytest.mark.parametrize("answer", ["no\n", "y\n", ""])
def test_restore_without_yes_changes_nothing(kettle, answer):
    archive = backup_path(backup_create())
    change_everything(kettle)

    with pytest.raises(CommandError, match="Restore cancelled; nothing was changed."):
        run("restore", str(archive), stdin=answer)

    assert Purchase.objects.get(pk=kettle.pk).product_name == "Teapot"
    assert Purchase.objects.count() == 2
    assert not Backup.objects.filter(kind=BackupKind.RESTORE_POINT).exists()


def test_restore_of_a_damaged_archive_exits_1_and_changes_nothing(kettle, tmp_path):
    backup = backup_create()
    change_everything(kettle)
    damaged = damaged_copy(backup_path(backup), tmp_path / "damaged.zip", inside=RECEIPT)

    with pytest.raises(CommandError, match="damaged|checksum"):
        run("restore", str(damaged), "--yes")

    assert Purchase.objects.get(pk=kettle.pk).product_name == "Teapot"
    assert Purchase.objects.count() == 2
    assert not Backup.objects.filter(kind=BackupKind.RESTORE_POINT).exists()


def test_restore_refuses_what_is_no_archive_before_asking(kettle, tmp_path):
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")

    with pytest.raises(CommandError, match="not a backup archive"):
        run("restore", str(text), stdin="yes\n")

    assert Purchase.objects.get(pk=kettle.pk).product_name == "Kettle"
