"""`manage.py check_files`: missing, corrupted and orphaned files, against a real file store."""

import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connection
from django.test.utils import CaptureQueriesContext

from purchases import filecheck, filestore
from purchases.models import Attachment
from purchases.services import attachment_add
from purchases.tests.factories import AttachmentFactory, PurchaseFactory
from purchases.tests.files import stored_path

pytestmark = pytest.mark.django_db

TWO_HOURS = 2 * 3600


@pytest.fixture
def purchase(user):
    return PurchaseFactory(owner=user, product_name="Kettle")


def attach(purchase, content: bytes, filename: str = "receipt.txt") -> Attachment:
    return attach_for(purchase.owner, purchase, content, filename)


def attach_for(owner, purchase, content: bytes, filename: str = "receipt.txt") -> Attachment:
    return attachment_add(
        owner=owner, purchase_id=purchase.id, stream=io.BytesIO(content), filename=filename
    )


def temporary_file(uploads_dir: Path, beside_sha256: str, age_seconds: int) -> Path:
    """A leftover of an interrupted write, in the folder where the write was going on."""
    folder = stored_path(uploads_dir, beside_sha256).parent
    path = folder / f".{beside_sha256}.x7k2q{filestore.TEMPORARY_SUFFIX}"
    path.write_bytes(b"half a fi")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def check(*args: str) -> str:
    """The command's output when it finds nothing wrong (it exits with status 0)."""
    out = io.StringIO()
    call_command("check_files", *args, stdout=out)
    return out.getvalue()


def check_failing(*args: str) -> tuple[str, str]:
    """The command's output and its error when problems remain (it exits with status 1)."""
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("check_files", *args, stdout=out)
    return out.getvalue(), str(error.value)


def test_an_empty_store_is_in_order(db):
    output = check()

    assert "Checked 0 attachments and 0 stored files: 0 missing, 0 corrupted, 0 orphans." in output
    assert "All files are in order." in output


def test_a_clean_store_reports_nothing(purchase):
    attach(purchase, b"Receipt: kettle, 39.99\n")
    attach(purchase, b"Warranty card: two years\n", "warranty.txt")

    output = check()

    assert "Checked 2 attachments and 2 stored files: 0 missing, 0 corrupted, 0 orphans." in output
    assert "Missing" not in output
    assert "Corrupted" not in output
    assert "Orphaned" not in output


def test_a_missing_file_is_listed(purchase, uploads_dir):
    kept = attach(purchase, b"Receipt: kettle, 39.99\n")
    lost = attach(purchase, b"Warranty card: two years\n", "warranty.txt")
    stored_path(uploads_dir, lost.sha256).unlink()

    output, error = check_failing()

    assert "Missing files (1):" in output
    line = next(line for line in output.splitlines() if lost.sha256 in line)
    assert f"attachment {lost.id} of alice" in line
    assert f"purchase {purchase.id} “Kettle”" in line
    assert "“warranty.txt”" in line
    assert kept.sha256 not in output
    assert "Corrupted" not in output
    assert "Checked 2 attachments and 1 stored file: 1 missing, 0 corrupted, 0 orphans." in output
    assert "1 attachment needs its file restored from a backup" in output
    assert error == "Problems remain: 1 missing."


def test_a_corrupted_file_is_listed(purchase, uploads_dir):
    attach(purchase, b"Receipt: kettle, 39.99\n")
    damaged = attach(purchase, b"Warranty card: two years\n", "warranty.txt")
    stored_path(uploads_dir, damaged.sha256).write_bytes(b"Warranty card: one year!\n")

    output, error = check_failing()

    assert "Corrupted files (content no longer matches the hash) (1):" in output
    line = next(line for line in output.splitlines() if damaged.sha256 in line)
    assert f"attachment {damaged.id} of alice" in line
    assert "Missing" not in output
    assert "Checked 2 attachments and 2 stored files: 0 missing, 1 corrupted, 0 orphans." in output
    assert error == "Problems remain: 1 corrupted."


def test_orphans_are_listed_but_not_a_write_in_progress(purchase, uploads_dir):
    referenced = attach(purchase, b"Receipt: kettle, 39.99\n")
    unreferenced = filestore.put(io.BytesIO(b"A file whose attachment is gone\n"))
    junk = uploads_dir / "ab" / "notes.txt"
    junk.parent.mkdir(parents=True, exist_ok=True)
    junk.write_bytes(b"not part of the store")
    stale = temporary_file(uploads_dir, referenced.sha256, age_seconds=TWO_HOURS)
    fresh = temporary_file(uploads_dir, unreferenced.sha256, age_seconds=60)

    output, error = check_failing()

    orphans = {line.strip() for line in output.splitlines() if line.startswith("  ")}
    assert orphans == {
        filestore.storage_name(unreferenced.sha256),
        "ab/notes.txt",
        stale.relative_to(uploads_dir).as_posix(),
    }
    assert fresh.name not in output
    assert "Orphaned files (3):" in output
    assert "Checked 1 attachment and 5 stored files: 0 missing, 0 corrupted, 3 orphans." in output
    assert "Skipped 1 upload still being written." in output
    assert error == "Problems remain: 3 orphans. Run with --fix to delete the orphans."
    # Without --fix nothing is deleted.
    assert all(path.exists() for path in (junk, stale, fresh))
    assert stored_path(uploads_dir, unreferenced.sha256).exists()


def test_fix_removes_only_the_orphans(purchase, other_user, uploads_dir):
    intact = attach(purchase, b"Receipt: kettle, 39.99\n")
    lost = attach(purchase, b"Warranty card: two years\n", "warranty.txt")
    damaged = attach(purchase, b"Manual: descale monthly\n", "manual.txt")
    stored_path(uploads_dir, lost.sha256).unlink()
    damaged_bytes = b"Manual: descale yearly!\n"
    stored_path(uploads_dir, damaged.sha256).write_bytes(damaged_bytes)
    unreferenced = filestore.put(io.BytesIO(b"A file whose attachment is gone\n"))
    junk = uploads_dir / "notes.txt"
    junk.write_bytes(b"not part of the store")
    stale = temporary_file(uploads_dir, intact.sha256, age_seconds=TWO_HOURS)
    fresh = temporary_file(uploads_dir, damaged.sha256, age_seconds=60)

    output, error = check_failing("--fix")

    assert "Deleted 3 orphaned files." in output
    assert "2 attachments need their file restored from a backup" in output
    assert error == "Problems remain: 1 missing, 1 corrupted."
    assert not stored_path(uploads_dir, unreferenced.sha256).exists()
    assert not junk.exists()
    assert not stale.exists()
    # The write in progress, the referenced files and the damaged attachments are untouched.
    assert fresh.exists()
    assert filestore.matches(intact.sha256)
    assert stored_path(uploads_dir, damaged.sha256).read_bytes() == damaged_bytes
    assert not stored_path(uploads_dir, lost.sha256).exists()
    assert Attachment.objects.count() == 3

    output, error = check_failing()
    assert "0 orphans" in output
    assert error == "Problems remain: 1 missing, 1 corrupted."


def test_fix_exits_zero_when_the_orphans_were_the_only_problem(purchase, uploads_dir):
    attach(purchase, b"Receipt: kettle, 39.99\n")
    unreferenced = filestore.put(io.BytesIO(b"A file whose attachment is gone\n"))

    output = check("--fix")

    assert "1 orphan." in output
    assert "Deleted 1 orphaned file." in output
    assert not stored_path(uploads_dir, unreferenced.sha256).exists()
    assert "0 orphans" in check()


def test_the_exit_status_tells_cron_that_problems_remain(purchase, uploads_dir, capsys):
    lost = attach(purchase, b"Receipt: kettle, 39.99\n")
    stored_path(uploads_dir, lost.sha256).unlink()

    # The system checks are not what this is about (on PostgreSQL they would query every
    # database alias, which a test alone may not).
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "check_files", "--skip-checks"])

    assert exit_info.value.code == 1
    assert "Problems remain: 1 missing." in capsys.readouterr().err


def test_a_shared_file_is_checked_once_and_is_no_orphan(
    purchase, other_user, uploads_dir, monkeypatch
):
    content = b"Receipt: kettle, 39.99\n"
    attach(purchase, content)
    attach_for(other_user, PurchaseFactory(owner=other_user), content, "kettle.txt")
    verified: list[str] = []
    real_matches = filestore.matches

    def counting_matches(sha256: str) -> bool:
        verified.append(sha256)
        return real_matches(sha256)

    monkeypatch.setattr(filestore, "matches", counting_matches)

    report = filecheck.check_files()

    assert len(verified) == 1
    assert report.attachments_checked == 2
    assert report.files_verified == 1
    assert report.stored_files_checked == 1
    assert not report.has_problems
    assert "Checked 2 attachments and 1 stored file: 0 missing" in check()


def test_remove_orphans_spares_a_file_an_upload_has_named_since(purchase, uploads_dir):
    content = b"Receipt: kettle, 39.99\n"
    stored = filestore.put(io.BytesIO(content))
    report = filecheck.check_files()
    assert report.orphans == [filestore.storage_name(stored.sha256)]

    attach(purchase, content)

    assert filecheck.remove_orphans(report) == 0
    assert filestore.matches(stored.sha256)


def test_remove_orphans_spares_a_file_deleted_meanwhile(uploads_dir):
    stored = filestore.put(io.BytesIO(b"A file whose attachment is gone\n"))
    report = filecheck.check_files()
    filestore.delete(stored.sha256)

    # Deleting what is already gone is no error.
    assert filecheck.remove_orphans(report) == 1


def queries_of_a_check() -> int:
    with CaptureQueriesContext(connection) as queries:
        filecheck.check_files()
    return len(queries)


@pytest.mark.parametrize("stored", [True, False], ids=["files stored", "files missing"])
def test_the_query_count_does_not_grow_with_the_attachments(user, stored):
    purchase = PurchaseFactory(owner=user)

    def add_attachments(count: int) -> None:
        for _ in range(count):
            if stored:
                # Distinct bytes, so each attachment has its own file to check.
                attach(purchase, f"Receipt {Attachment.objects.count()}\n".encode())
            else:
                AttachmentFactory(purchase=purchase, sha256=os.urandom(32).hex())

    add_attachments(3)
    few = queries_of_a_check()
    add_attachments(27)
    many = queries_of_a_check()

    assert many == few <= 2
    report = filecheck.check_files()
    assert report.attachments_checked == 30
    assert len(report.missing) == (0 if stored else 30)
