import datetime
import hashlib
import json
import os
import shutil
import threading
import time
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from backups import services
from backups.archive import ArchiveError, ArchiveWriter
from backups.models import Backup, BackupFrequency, BackupKind, BackupSchedule, BackupState
from backups.selectors import backup_list, backup_path
from backups.services import (
    archive_check,
    archive_open,
    archive_restore,
    archive_write,
    backup_create,
    backup_restore,
    backup_run_schedule,
    schedule_update,
)
from backups.tests.conftest import all_rows, store, stored_files
from conftest import OTHER_ENGINE
from jobs.models import Job, JobKind, JobState
from purchases import filestore
from purchases.models import Attachment, Purchase
from purchases.services import attachment_delete, release_stored_file
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty


def test_a_backup_holds_every_row_and_file_with_a_manifest(populated, backups_dir):
    before = all_rows()

    backup = backup_create(created_by="admin")

    assert backup.state == BackupState.COMPLETE
    assert backup.kind == BackupKind.MANUAL
    assert backup.created_by == "admin"
    path = backups_dir / backup.filename
    assert path.is_file()
    assert backup.size == path.stat().st_size
    assert backup.sha256 == services.file_sha256(path)
    assert backup.file_count == 2  # the PDF (shared by both users) and the PNG
    assert backup.row_counts["purchases.purchase"] == 6
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
    assert manifest["format"] == "spends-tracker-backup"
    assert manifest["version"] == 1
    assert manifest["database"] == connections["default"].vendor
    assert manifest["counts"] == {table: len(rows) for table, rows in before.items()}
    listed = {member["path"]: member for member in manifest["members"]}
    assert names == set(listed) | {"manifest.json"}
    for sha256 in Attachment.objects.values_list("sha256", flat=True):
        assert f"uploads/{sha256[:2]}/{sha256[2:4]}/{sha256}" in names
    # Only the finished archive is there: no temporary file stays.
    assert sorted(p.name for p in backups_dir.iterdir()) == [backup.filename]


def test_a_backup_restored_brings_back_every_row_and_file(populated, uploads_dir):
    before, files_before = all_rows(), stored_files()
    backup = backup_create()
    # Everything changes after the backup: an edit, a new purchase, a deleted account's data,
    # a lost file.
    Purchase.objects.filter(product_name="Laptop a").update(price=Decimal("1.00"))
    PurchaseFactory(owner=populated, product_name="Bought after the backup")
    Warranty.objects.filter(owner__username="mallory").delete()
    shutil.rmtree(uploads_dir)

    outcome = backup_restore(backup_path(backup), restored_by="admin")

    assert all_rows() == before
    assert stored_files() == files_before
    assert outcome["counts"]["purchases.purchase"] == 6
    restore_point = Backup.objects.get(pk=outcome["restore_point_id"])
    assert restore_point.kind == BackupKind.RESTORE_POINT
    assert restore_point.row_counts["purchases.purchase"] == 7  # the state just before


def test_the_restore_point_holds_the_state_before_the_restore(populated):
    backup = backup_create()
    PurchaseFactory(owner=populated, product_name="Only in the restore point")
    changed = all_rows()
    outcome = backup_restore(backup_path(backup))

    backup_restore(backup_path(Backup.objects.get(pk=outcome["restore_point_id"])))

    assert all_rows() == changed


def test_an_interrupted_backup_leaves_no_archive(populated, backups_dir, monkeypatch):
    def fail_before_the_rename(temporary, final):
        raise OSError("disk pulled out")

    monkeypatch.setattr(services, "_publish", fail_before_the_rename)

    with pytest.raises(OSError, match="disk pulled out"):
        backup_create()

    assert list(backups_dir.iterdir()) == []
    assert not Backup.objects.exists()


def test_a_backup_stopped_while_copying_files_leaves_nothing(populated, backups_dir, monkeypatch):
    def stop(sha256):
        raise KeyboardInterrupt

    monkeypatch.setattr(services, "_stored_chunks", stop)

    with pytest.raises(KeyboardInterrupt):
        backup_create()

    assert list(backups_dir.iterdir()) == []
    assert not Backup.objects.exists()


def test_a_damaged_stored_file_fails_the_backup_with_a_sentence(populated, backups_dir):
    sha256 = Attachment.objects.get(filename="box.png").sha256
    with open(filestore.storage().path(filestore.storage_name(sha256)), "r+b") as handle:
        handle.write(b"X")

    with pytest.raises(services.ApplicationError, match="no longer matches its checksum"):
        backup_create()

    assert list(backups_dir.iterdir()) == []


def test_a_restore_that_fails_after_loading_leaves_data_and_files_as_before(
    populated, uploads_dir, monkeypatch
):
    backup = backup_create()
    Attachment.objects.all().delete()  # their files go too (purchases.signals)
    PurchaseFactory(owner=populated, product_name="Bought after the backup")
    before, files_before = all_rows(), stored_files()
    loaded = []

    def fail_after_loading(archive, using, progress):
        loaded.append(Purchase.objects.count())
        raise ArchiveError("Injected failure after the data were loaded.")

    monkeypatch.setattr(services, "_check_restored", fail_after_loading)

    with pytest.raises(ArchiveError, match="Injected failure"):
        backup_restore(backup_path(backup))

    assert loaded == [6]  # the archive's data had been loaded when it failed
    assert all_rows() == before
    assert stored_files() == files_before


def test_a_restore_removes_only_the_files_it_added_when_it_fails(populated, monkeypatch):
    backup = backup_create()
    kept = store(b"a file that was there before")
    monkeypatch.setattr(
        services, "_check_restored", lambda *args: (_ for _ in ()).throw(ArchiveError("No."))
    )

    with pytest.raises(ArchiveError):
        backup_restore(backup_path(backup))

    assert filestore.exists(kept.sha256)
    for sha256 in Attachment.objects.values_list("sha256", flat=True):
        assert filestore.matches(sha256)


def test_a_restore_repairs_a_damaged_file_that_has_the_same_name(populated):
    backup = backup_create()
    sha256 = Attachment.objects.get(filename="box.png").sha256
    with open(filestore.storage().path(filestore.storage_name(sha256)), "r+b") as handle:
        handle.write(b"X")

    backup_restore(backup_path(backup))

    assert filestore.matches(sha256)


def test_the_restoring_persons_job_survives_a_restore_that_replaces_their_account(
    populated, staff_user
):
    backup = backup_create()
    newcomer = type(staff_user).objects.create_superuser("newcomer", "n@example.com", "x")
    job = Job.objects.create(owner=newcomer, kind=JobKind.RESTORE, state=JobState.RUNNING)
    own_import = Job.objects.create(owner=newcomer, kind=JobKind.IMPORT)
    staff_import = Job.objects.create(owner=staff_user, kind=JobKind.IMPORT)

    backup_restore(backup_path(backup), job_id=str(job.pk))

    job.refresh_from_db()
    assert job.owner is None  # the account is gone, the restore's record is not
    assert not Job.objects.filter(pk=own_import.pk).exists()
    # The staff account was in the backup as it is now: its jobs stay its own.
    assert Job.objects.get(pk=staff_import.pk).owner_id == staff_user.pk
    assert not type(staff_user).objects.filter(username="newcomer").exists()


def test_a_new_account_after_a_restore_gets_a_fresh_id(populated, django_user_model):
    backup = backup_create()
    highest = django_user_model.objects.order_by("-pk").first().pk

    backup_restore(backup_path(backup))
    created = django_user_model.objects.create_user("after-the-restore")

    assert created.pk > highest


def test_a_file_whose_last_attachment_goes_during_a_backup_stays_until_it_ends(populated):
    attachment = Attachment.objects.get(filename="box.png")
    running = Backup.objects.create(filename="spends-backup-running.zip", kind="manual")

    attachment_delete(owner=attachment.owner, attachment_id=attachment.pk)
    # What the delete's commit runs (the test's transaction never commits).
    release_stored_file(attachment.sha256)
    assert filestore.exists(attachment.sha256)

    running.delete()
    release_stored_file(attachment.sha256)
    assert not filestore.exists(attachment.sha256)


# The schedule --------------------------------------------------------------------------------


def at(day: int, hour: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, tzinfo=datetime.UTC)


def scheduled() -> list[str]:
    return list(backup_list().filter(kind=BackupKind.SCHEDULED).values_list("slot", flat=True))


def test_no_automatic_backup_while_the_schedule_is_off(populated):
    assert backup_run_schedule(at(2)) is None
    assert not Backup.objects.exists()


def test_each_day_gets_one_automatic_backup_however_often_the_schedule_runs(populated):
    schedule_update(frequency=BackupFrequency.DAILY, keep=7)

    first = backup_run_schedule(at(2, 0))
    again = backup_run_schedule(at(2, 12))
    late = backup_run_schedule(at(2, 23))

    assert first is not None and first.kind == BackupKind.SCHEDULED
    assert again is None and late is None
    assert scheduled() == ["daily:2026-11-02"]


def test_a_missed_period_is_made_up_at_the_next_run(populated):
    schedule_update(frequency=BackupFrequency.WEEKLY, keep=7)
    backup_run_schedule(at(2))  # Monday of week 45
    # Nothing ran in week 46; the next run, in week 47, takes that week's backup.
    backup_run_schedule(at(18))
    backup_run_schedule(at(19))

    assert sorted(scheduled()) == ["weekly:2026-W45", "weekly:2026-W47"]


def test_a_monthly_backup_is_taken_once_a_month(populated):
    schedule_update(frequency=BackupFrequency.MONTHLY, keep=7)
    for day in (1, 15, 30):
        backup_run_schedule(at(day))
    backup_run_schedule(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC))

    assert sorted(scheduled()) == ["monthly:2026-11", "monthly:2026-12"]


def test_retention_keeps_exactly_the_newest_automatic_backups(populated, backups_dir):
    manual = backup_create()
    schedule_update(frequency=BackupFrequency.DAILY, keep=3)

    for day in range(1, 7):
        backup_run_schedule(at(day))

    kept = scheduled()
    assert sorted(kept) == ["daily:2026-11-04", "daily:2026-11-05", "daily:2026-11-06"]
    files = sorted(p.name for p in backups_dir.iterdir())
    assert files == sorted(
        [
            manual.filename,
            *backup_list().filter(kind="scheduled").values_list("filename", flat=True),
        ]
    )
    assert Backup.objects.filter(pk=manual.pk).exists()  # manual backups are kept


def test_a_failed_automatic_backup_is_recorded_and_tried_again_later(populated, monkeypatch):
    schedule_update(frequency=BackupFrequency.DAILY, keep=7)

    def broken(*args, **kwargs):
        raise services.ApplicationError("The disk is full.")

    monkeypatch.setattr(services, "archive_write", broken)
    now = timezone.now()
    assert backup_run_schedule(now) is None
    schedule = BackupSchedule.objects.get()
    assert schedule.last_error == "The disk is full."
    monkeypatch.undo()

    # Not at every tick: after an hour.
    assert backup_run_schedule(now + datetime.timedelta(minutes=5)) is None
    assert backup_run_schedule(now + datetime.timedelta(minutes=61)) is not None
    assert BackupSchedule.objects.get().last_error == ""


# Consistency while the application goes on ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_another_thread_writes_is_consistent_and_no_write_fails(
    django_user_model,
):
    owner = django_user_model.objects.create_user("writer")
    Purchase.objects.bulk_create(
        Purchase(owner=owner, product_name=f"Old {n}", price=Decimal("1.00"),
                 purchase_date=datetime.date(2025, 1, 1))
        for n in range(3000)
    )  # fmt: skip
    stop = threading.Event()
    written, failures, during = [], [], []
    backup_running = threading.Event()

    def write() -> None:
        # Each write is a purchase and its warranty in one transaction: a consistent backup
        # holds both or neither.
        try:
            while not stop.is_set():
                with transaction.atomic():
                    purchase = Purchase.objects.create(
                        owner=owner, product_name=f"New {len(written)}", price=Decimal("2.00"),
                        purchase_date=datetime.date(2026, 1, 1),
                    )  # fmt: skip
                    Warranty.objects.create(
                        owner=owner, purchase=purchase, warranty_start=datetime.date(2026, 1, 1),
                        warranty_end=datetime.date(2027, 1, 1),
                    )  # fmt: skip
                written.append(purchase.pk)
                if backup_running.is_set():
                    during.append(purchase.pk)
                time.sleep(0.002)
        except Exception as error:  # reported below
            failures.append(error)
        finally:
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        backup_running.set()
        backup = backup_create()
        backup_running.clear()
    finally:
        stop.set()
        writer.join(timeout=60)

    assert failures == []
    assert len(during) > 0  # writers went on while the backup was taken
    assert Purchase.objects.count() == 3000 + len(written)
    with archive_open(backup_path(backup)) as archive:
        purchases = [
            json.loads(line)
            for line in archive.member("data/purchases.purchase.jsonl").lines()
            if line
        ]
        warranties = [
            json.loads(line)
            for line in archive.member("data/warranties.warranty.jsonl").lines()
            if line
        ]
    columns = services.dump.columns(Purchase)
    id_at, name_at = columns.index("id"), columns.index("product_name")
    purchase_at = services.dump.columns(Warranty).index("purchase_id")
    new = {row[id_at] for row in purchases if row[name_at].startswith("New ")}
    assert {row[purchase_at] for row in warranties} == new
    assert len(purchases) == backup.row_counts["purchases.purchase"] >= 3005


# Between engines ------------------------------------------------------------------------------


# The other engine's database exists when TEST_OTHER_DATABASE_URL names one (see conftest.py).
ACROSS_ENGINES = ["default", OTHER_ENGINE] if OTHER_ENGINE in settings.DATABASES else ["default"]


@pytest.fixture
def other_engine():
    if OTHER_ENGINE not in settings.DATABASES:
        message = (
            "These tests need a database of the other engine: on SQLite, TEST_OTHER_DATABASE_URL "
            "names a PostgreSQL (make test-sqlite passes it when PostgreSQL answers)."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return OTHER_ENGINE


@pytest.mark.django_db(databases=ACROSS_ENGINES)
@pytest.mark.parametrize("direction", ["from this engine", "into this engine"])
def test_a_backup_restores_across_engines_with_every_row_and_file_identical(
    populated, other_engine, direction, tmp_path, settings, uploads_dir
):
    source, target = ("default", other_engine)
    if direction == "into this engine":
        # Move the data to the other engine first, through a backup, then back from there.
        path = tmp_path / "seed.zip"
        archive_write(
            ArchiveWriter(path), kind="manual", backup_id="seed", using="default", progress=_quiet
        )
        with archive_open(path) as archive:
            archive_restore(archive, using=other_engine, progress=_quiet)
        source, target = other_engine, "default"
        for model in reversed(services.dump.dumped_models()):
            model._default_manager.using("default").all()._raw_delete("default")
    before, files_before = all_rows(source), stored_files()
    assert sum(len(rows) for rows in before.values()) > 10
    path = tmp_path / "across.zip"
    manifest = archive_write(
        ArchiveWriter(path), kind="manual", backup_id="x", using=source, progress=_quiet
    )
    assert manifest["database"] == connections[source].vendor
    # The files arrive in an empty store, as on a new machine.
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            **settings.STORAGES["attachments"],
            "OPTIONS": {"location": tmp_path / "new-uploads"},
        },
    }

    with archive_open(path) as archive:
        archive_restore(archive, using=target, progress=_quiet)

    assert connections[source].vendor != connections[target].vendor
    assert all_rows(target) == before
    assert {name: data for name, data in stored_files().items()} == files_before


def _quiet(done, total, *, stage=None):
    return None


def test_leftovers_of_cut_off_backups_and_forgotten_uploads_are_cleaned(populated, backups_dir):
    import os

    stale = Backup.objects.create(filename="spends-backup-20260101-000000.zip", kind="manual")
    Backup.objects.filter(pk=stale.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    backups_dir.mkdir(exist_ok=True)
    (backups_dir / "incoming").mkdir()
    old_part = backups_dir / ".spends-backup-20260101-000000.zip.ab12.part"
    old_upload = backups_dir / "incoming" / "old.zip"
    new_upload = backups_dir / "incoming" / "new.zip"
    for path in (old_part, old_upload, new_upload):
        path.write_bytes(b"x")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old_part, (two_days_ago, two_days_ago))
    os.utime(old_upload, (two_days_ago, two_days_ago))

    backup = backup_create()

    assert not Backup.objects.filter(pk=stale.pk).exists()
    assert not old_part.exists() and not old_upload.exists()
    assert new_upload.exists()  # a restore may be about to take it
    assert sorted(p.name for p in backups_dir.iterdir()) == ["incoming", backup.filename]


def test_a_restore_is_refused_while_another_restore_runs(populated, staff_user):
    backup = backup_create()
    running = Job.objects.create(owner=staff_user, kind=JobKind.RESTORE, state=JobState.RUNNING)

    with pytest.raises(services.Conflict, match="A restore is running"):
        backup_restore(backup_path(backup))
    # The running restore itself goes on.
    backup_restore(backup_path(backup), job_id=str(running.pk))


# Backups unpacked into a folder (backup --to DIR) ---------------------------------------------


def test_a_backup_into_a_folder_copies_only_new_files_and_restores(populated, tmp_path):
    folder = tmp_path / "mirror"
    before, files_before = all_rows(), stored_files()

    first = services.backup_to_directory(folder)
    again = services.backup_to_directory(folder)
    new = store(b"a receipt added since")
    attachment = Attachment.objects.first()
    Attachment.objects.create(
        owner=attachment.owner, purchase=attachment.purchase, filename="new.txt",
        content_type="text/plain", size=new.size, sha256=new.sha256,
    )  # fmt: skip
    third = services.backup_to_directory(folder)

    assert (first["copied"], again["copied"], third["copied"]) == (2, 0, 1)
    assert not Backup.objects.exists()  # a folder is not one of the listed archives
    Attachment.objects.filter(filename="new.txt").delete()
    backup_restore(folder)  # the third backup's state: with the new attachment
    assert Attachment.objects.filter(filename="new.txt").exists()
    Attachment.objects.filter(filename="new.txt").delete()
    assert all_rows() == before
    assert {
        name: data for name, data in stored_files().items() if name in files_before
    } == files_before


def test_a_backup_folder_with_a_leftover_file_from_an_earlier_backup_still_restores(
    populated, tmp_path
):
    folder = tmp_path / "mirror"
    old = b"a file an earlier backup copied, since deleted"
    digest = hashlib.sha256(old).hexdigest()
    (folder / "uploads" / digest[:2] / digest[2:4]).mkdir(parents=True)
    (folder / "uploads" / digest[:2] / digest[2:4] / digest).write_bytes(old)
    services.backup_to_directory(folder)
    before = all_rows()
    PurchaseFactory(owner=populated)

    backup_restore(folder)

    assert all_rows() == before


@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda folder: (folder / "data" / "link.jsonl").symlink_to("/etc/passwd"), "a link"),
        (lambda folder: (folder / "notes.txt").write_text("hello"), "never contains"),
        (
            lambda folder: (folder / "data" / "purchases.purchase.jsonl").write_bytes(
                (folder / "data" / "purchases.purchase.jsonl")
                .read_bytes()
                .replace(b"1234.56", b"9234.56", 1)
            ),
            "does not match its checksum",
        ),
        (lambda folder: (folder / "manifest.json").unlink(), "no manifest.json"),
    ],
    ids=["link", "unexpected file", "altered data", "no manifest"],
)
def test_a_spoiled_backup_folder_is_refused_with_nothing_changed(
    populated, tmp_path, spoil, message
):
    folder = tmp_path / "mirror"
    services.backup_to_directory(folder)
    spoil(folder)
    before = all_rows()

    with pytest.raises(ArchiveError, match=message):
        backup_restore(folder)

    assert all_rows() == before


def test_a_backup_into_a_folder_removes_what_a_cut_off_one_left(populated, tmp_path):
    folder = tmp_path / "mirror"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "purchases.purchase.jsonl.123.part").write_bytes(b"half")

    services.backup_to_directory(folder)

    with archive_open(folder) as archive:
        archive_check(archive)
