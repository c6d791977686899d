"""The backups API under /api/backup (SPEC section 8), as a script or the settings page calls
it: staff only, every operation; jobs run inside the call (the immediate tasks backend)."""

import datetime
import hashlib
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from backups.models import Backup, BackupFrequency, BackupKind, BackupSchedule
from backups.selectors import backup_path
from backups.services import backup_create, backup_delete
from backups.tests.factories import RECEIPT, damaged_copy, purchase_with_receipt, token_client
from jobs.models import Job, JobKind, JobState
from jobs.tests.factories import JobFactory
from purchases import filestore
from purchases.models import Attachment, Purchase
from spends import uploads
from warranties.models import Warranty

pytestmark = pytest.mark.django_db

URL = "/api/backup"
JOB_KEYS = {
    "id", "kind", "state", "progress", "created_at", "started_at", "finished_at", "result",
    "error",
}  # fmt: skip
BACKUP_KEYS = {"id", "filename", "created_at", "kind", "size", "file_count", "sha256"}
STAFF_ONLY = {"detail": "Only staff may back up or restore the instance."}
NOT_AN_ARCHIVE = "This file is not a backup archive: it is not a zip file, or it is truncated."
NEITHER = 'Send a backup archive as the multipart field "file", or {"backup_id": "<id>"} as JSON.'


def iso(value: datetime.datetime) -> str:
    """A time as the API writes it: UTC, to the millisecond."""
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def upload(data: bytes, name: str = "spends-backup.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def incoming(backups_dir) -> list:
    """Uploaded archives kept for a restore (each is deleted once its restore has ended)."""
    folder = backups_dir / "incoming"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def staff_api(staff_user) -> Client:
    return token_client(staff_user)


@pytest.fixture
def kettle(user):
    return purchase_with_receipt(user, product_name="Kettle", price="24.99")


# Who may call it ------------------------------------------------------------------------------

ENDPOINTS = [
    ("post", "/create", None),
    ("get", "/status", None),
    ("get", f"/status?job_id={uuid.uuid4()}", None),
    ("get", "/list", None),
    ("get", "/{backup}/download", None),
    ("delete", "/{backup}", None),
    ("post", "/restore", "json"),
    ("post", "/restore", "file"),
    ("get", "/schedule", None),
    ("put", "/schedule", "schedule"),
]


def call(client: Client, method: str, path: str, body: str | None, backup: Backup):
    url = URL + path.format(backup=backup.pk)
    if body == "json":
        return client.post(url, {"backup_id": str(backup.pk)}, content_type="application/json")
    if body == "file":
        return client.post(url, {"file": upload(backup_path(backup).read_bytes())})
    if body == "schedule":
        return client.put(url, {"frequency": "daily"}, content_type="application/json")
    return getattr(client, method)(url)


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_every_endpoint_asks_for_credentials(method, path, body, kettle):
    backup = backup_create()

    response = call(Client(), method, path, body, backup)

    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)
    assert Backup.objects.count() == 1 and not Job.objects.exists()


@pytest.mark.parametrize("by", ["token", "session"])
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_every_endpoint_refuses_a_user_who_is_not_staff_and_does_nothing(
    method, path, body, by, user, user_client, api_client, kettle
):
    backup = backup_create()
    client = api_client if by == "token" else user_client
    Purchase.objects.filter(pk=kettle.pk).update(price=Decimal("99.00"))

    response = call(client, method, path, body, backup)

    assert response.status_code == 403
    assert response.json() == STAFF_ONLY
    assert list(Backup.objects.values_list("pk", flat=True)) == [backup.pk]
    assert backup_path(backup).exists()
    assert not Job.objects.exists()
    assert not BackupSchedule.objects.exists()
    assert Purchase.objects.get(pk=kettle.pk).price == Decimal("99.00")


def csrf_client(user) -> Client:
    """A browser's session with a CSRF cookie and its token in the header, checked for real."""
    client = Client(enforce_csrf_checks=True, headers={"X-CSRFToken": "a" * 32})
    client.force_login(user)
    client.cookies["csrftoken"] = "a" * 32
    return client


def test_a_session_upload_of_a_user_who_is_not_staff_is_never_read(
    user, kettle, monkeypatch, backups_dir
):
    # The CSRF check reads a POST's body; staff is checked before it.
    archive = backup_path(backup_create()).read_bytes()
    received = []
    monkeypatch.setattr(
        uploads.SizeCappedUploadHandler,
        "receive_data_chunk",
        lambda self, raw_data, start: received.append(len(raw_data)) or raw_data,
    )

    response = csrf_client(user).post(f"{URL}/restore", {"file": upload(archive)})

    assert (response.status_code, response.json()) == (403, STAFF_ONLY)
    assert received == []
    assert not Job.objects.exists() and incoming(backups_dir) == []


# Taking a backup ------------------------------------------------------------------------------


def test_create_answers_202_with_the_job_whose_result_names_the_backup(staff_api, kettle):
    response = staff_api.post(f"{URL}/create")

    assert response.status_code == 202
    job = response.json()
    assert set(job) == JOB_KEYS
    assert (job["kind"], job["state"], job["error"]) == ("backup", "succeeded", None)
    backup = Backup.objects.get()
    assert job["result"] == {
        "backup_id": str(backup.pk), "filename": backup.filename, "size": backup.size,
        "file_count": 1,
    }  # fmt: skip
    assert job["progress"]["done"] == job["progress"]["total"]
    assert (backup.kind, backup.created_by) == (BackupKind.MANUAL, "admin")
    assert backup_path(backup).is_file()


def test_the_list_shows_each_backup_newest_first(staff_api, kettle):
    first = backup_create()
    staff_api.post(f"{URL}/create")
    second = Backup.objects.exclude(pk=first.pk).get()

    response = staff_api.get(f"{URL}/list")

    assert response.status_code == 200
    listed = response.json()
    assert [entry["id"] for entry in listed] == [str(second.pk), str(first.pk)]
    assert all(set(entry) == BACKUP_KEYS for entry in listed)
    archive = backup_path(second).read_bytes()
    assert listed[0] == {
        "id": str(second.pk),
        "filename": second.filename,
        "created_at": iso(second.created_at),
        "kind": "manual",
        "size": len(archive),
        "file_count": 1,
        "sha256": hashlib.sha256(archive).hexdigest(),
    }


def test_the_list_is_empty_before_any_backup(staff_api):
    response = staff_api.get(f"{URL}/list")

    assert (response.status_code, response.json()) == (200, [])


def test_a_backup_while_another_backup_or_restore_is_under_way_answers_409(
    staff_api, staff_user, kettle
):
    other_staff = type(staff_user).objects.create_user("operator", is_staff=True)
    JobFactory(owner=other_staff, kind=JobKind.RESTORE, state=JobState.RUNNING)

    created = staff_api.post(f"{URL}/create")
    restored = staff_api.post(
        f"{URL}/restore", {"backup_id": str(backup_create().pk)}, content_type="application/json"
    )

    assert created.status_code == 409
    assert created.json() == {
        "detail": "A restore is already under way; wait until it has finished, then try again."
    }
    assert restored.status_code == 409
    assert Job.objects.count() == 1
    assert Backup.objects.count() == 1


def test_a_backup_being_written_also_answers_409(staff_api):
    Backup.objects.create(filename="spends-backup-20260101-000000.zip", kind=BackupKind.MANUAL)

    response = staff_api.post(f"{URL}/create")

    assert response.status_code == 409
    assert "being taken right now" in response.json()["detail"]
    assert not Job.objects.exists()


# Following it ---------------------------------------------------------------------------------


def test_status_answers_the_latest_backup_or_restore_job(staff_api, staff_user, user):
    backup_job = JobFactory(owner=staff_user, kind=JobKind.BACKUP, state=JobState.SUCCEEDED)
    restore_job = JobFactory(owner=None, kind=JobKind.RESTORE, state=JobState.RUNNING)
    # Newer, but neither a backup nor a restore.
    JobFactory(owner=staff_user, kind=JobKind.IMPORT)

    response = staff_api.get(f"{URL}/status")

    assert response.status_code == 200
    assert set(response.json()) == JOB_KEYS
    assert (response.json()["id"], response.json()["kind"]) == (str(restore_job.pk), "restore")

    chosen = staff_api.get(f"{URL}/status", {"job_id": str(backup_job.pk)})
    assert (chosen.status_code, chosen.json()["id"]) == (200, str(backup_job.pk))
    assert chosen.json()["state"] == "succeeded"


def test_status_follows_a_backup_started_through_the_api(staff_api, kettle):
    job = staff_api.post(f"{URL}/create").json()

    response = staff_api.get(f"{URL}/status", {"job_id": job["id"]})

    assert response.json() == job


def test_status_before_any_backup_answers_404(staff_api, staff_user):
    JobFactory(owner=staff_user, kind=JobKind.IMPORT)

    response = staff_api.get(f"{URL}/status")

    assert response.status_code == 404
    assert response.json() == {"detail": "No backup or restore has been started yet."}


def test_status_of_an_unknown_job_or_one_that_is_no_backup_answers_404(staff_api, user):
    someone_elses_import = JobFactory(owner=user, kind=JobKind.IMPORT)

    for job_id in (uuid.uuid4(), someone_elses_import.pk):
        response = staff_api.get(f"{URL}/status", {"job_id": str(job_id)})
        assert (response.status_code, response.json()) == (404, {"detail": "Job not found."})


def test_status_with_a_job_id_that_is_no_uuid_answers_422(staff_api):
    response = staff_api.get(f"{URL}/status", {"job_id": "latest"})

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", "job_id"]


def test_status_reports_a_job_whose_worker_died_as_failed(staff_api, staff_user):
    job = JobFactory(owner=staff_user, kind=JobKind.BACKUP, state=JobState.RUNNING)
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=1))

    response = staff_api.get(f"{URL}/status")

    assert response.json()["state"] == "failed"
    assert "cut off" in response.json()["error"]
    assert Job.objects.get(pk=job.pk).state == JobState.FAILED


# Downloading and deleting ---------------------------------------------------------------------


def test_download_answers_the_archive_as_a_download(staff_api, kettle):
    backup = backup_create()

    response = staff_api.get(f"{URL}/{backup.pk}/download")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == backup_path(backup).read_bytes()
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{backup.filename}"'
    assert response["Content-Length"] == str(backup.size)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_download_of_an_unknown_backup_or_a_missing_archive_answers_404(staff_api, kettle):
    backup = backup_create()
    backup_path(backup).unlink()

    for backup_id in (uuid.uuid4(), backup.pk):
        response = staff_api.get(f"{URL}/{backup_id}/download")
        assert response.status_code == 404
        assert isinstance(response.json()["detail"], str)


def test_delete_removes_the_archive_and_its_record(staff_api, kettle):
    backup = backup_create()

    response = staff_api.delete(f"{URL}/{backup.pk}")

    assert response.status_code == 204
    assert not backup_path(backup).exists()
    assert not Backup.objects.exists()
    assert staff_api.delete(f"{URL}/{backup.pk}").status_code == 404


def test_paths_with_an_id_that_is_no_uuid_answer_422(staff_api):
    assert staff_api.get(f"{URL}/nope/download").status_code == 422
    assert staff_api.delete(f"{URL}/nope").status_code == 422


# Restoring ------------------------------------------------------------------------------------


def change_everything(kettle) -> None:
    """What happens after the backup: the kettle changes, its receipt and warranty go, and a new
    purchase comes."""
    Purchase.objects.filter(pk=kettle.pk).update(product_name="Teapot", price=Decimal("5.00"))
    Attachment.objects.filter(purchase=kettle).delete()
    Warranty.objects.filter(purchase=kettle).delete()
    purchase_with_receipt(kettle.owner, product_name="Toaster", receipt=RECEIPT + b"toaster")


def assert_as_backed_up(kettle) -> None:
    purchases = Purchase.objects.filter(owner=kettle.owner)
    assert list(purchases.values_list("pk", "product_name", "price")) == [
        (kettle.pk, "Kettle", Decimal("24.99"))
    ]
    assert Warranty.objects.get().purchase_id == kettle.pk
    attachment = Attachment.objects.get()
    assert attachment.purchase_id == kettle.pk
    with filestore.open(attachment.sha256) as stored:
        assert stored.read() == RECEIPT


def test_restore_of_a_listed_backup_brings_its_data_back(staff_api, kettle, backups_dir):
    backup = backup_create()
    change_everything(kettle)

    response = staff_api.post(
        f"{URL}/restore", {"backup_id": str(backup.pk)}, content_type="application/json"
    )

    assert response.status_code == 202
    job = response.json()
    assert set(job) == JOB_KEYS
    assert (job["kind"], job["state"], job["error"]) == ("restore", "succeeded", None)
    assert_as_backed_up(kettle)
    restore_point = Backup.objects.get(kind=BackupKind.RESTORE_POINT)
    assert job["result"]["restore_point_id"] == str(restore_point.pk)
    assert job["result"]["restore_point"] == restore_point.filename
    assert job["result"]["counts"]["purchases.purchase"] == 1
    listed = staff_api.get(f"{URL}/list").json()
    assert [entry["kind"] for entry in listed] == ["restore_point", "manual"]
    # The listed backup is still there to restore again.
    assert backup_path(backup).is_file()


def test_restore_of_an_uploaded_archive_brings_its_data_back(staff_api, kettle, backups_dir):
    backup = backup_create()
    archive = backup_path(backup).read_bytes()
    backup_delete(backup)
    change_everything(kettle)

    response = staff_api.post(f"{URL}/restore", {"file": upload(archive)})

    assert response.status_code == 202
    assert (response.json()["kind"], response.json()["state"]) == ("restore", "succeeded")
    assert_as_backed_up(kettle)
    assert Backup.objects.get().kind == BackupKind.RESTORE_POINT
    assert incoming(backups_dir) == []


def test_a_staff_session_may_upload_an_archive_larger_than_other_uploads(
    staff_user, kettle, settings
):
    backup = backup_create()
    archive = backup_path(backup).read_bytes()
    change_everything(kettle)
    # The CSRF check reads the body before the view: with the usual cap it would drop the file.
    settings.SPENDS_MAX_ATTACHMENT_BYTES = settings.SPENDS_MAX_IMPORT_BYTES = 1024
    assert len(archive) > 1024

    response = csrf_client(staff_user).post(f"{URL}/restore", {"file": upload(archive)})

    assert response.status_code == 202, response.json()
    assert response.json()["state"] == "succeeded"
    assert_as_backed_up(kettle)


def test_a_session_still_needs_its_csrf_token(staff_user, kettle):
    backup = backup_create()
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)

    response = client.post(
        f"{URL}/restore", {"backup_id": str(backup.pk)}, content_type="application/json"
    )

    assert response.status_code == 403
    assert not Job.objects.exists()


def test_an_upload_that_is_no_archive_answers_422_and_changes_nothing(
    staff_api, kettle, backups_dir
):
    backup_create()
    change_everything(kettle)

    response = staff_api.post(f"{URL}/restore", {"file": upload(b"just some text")})

    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["body", "file"], "msg": NOT_AN_ARCHIVE, "type": "value_error"}]
    }
    assert not Job.objects.exists()
    assert Purchase.objects.get(pk=kettle.pk).product_name == "Teapot"
    assert Purchase.objects.count() == 2
    assert Backup.objects.filter(kind=BackupKind.RESTORE_POINT).count() == 0
    assert incoming(backups_dir) == []


def test_a_damaged_archive_fails_the_restore_job_and_changes_nothing(
    staff_api, kettle, tmp_path, backups_dir
):
    backup = backup_create()
    change_everything(kettle)
    damaged = damaged_copy(backup_path(backup), tmp_path / "damaged.zip", inside=RECEIPT)

    response = staff_api.post(f"{URL}/restore", {"file": upload(damaged.read_bytes())})

    # Its structure is sound, so the job starts; the checksums stop it before anything changes.
    assert response.status_code == 202
    job = response.json()
    assert job["state"] == "failed"
    assert "damaged" in job["error"] or "checksum" in job["error"]
    assert Purchase.objects.get(pk=kettle.pk).product_name == "Teapot"
    assert Purchase.objects.count() == 2
    assert not Backup.objects.filter(kind=BackupKind.RESTORE_POINT).exists()
    assert incoming(backups_dir) == []


def test_restore_of_an_unknown_backup_answers_404(staff_api):
    response = staff_api.post(
        f"{URL}/restore", {"backup_id": str(uuid.uuid4())}, content_type="application/json"
    )

    assert (response.status_code, response.json()) == (404, {"detail": "Backup not found."})
    assert not Job.objects.exists()


def test_restore_of_a_backup_whose_archive_is_gone_answers_404(staff_api, kettle):
    backup = backup_create()
    backup_path(backup).unlink()

    response = staff_api.post(
        f"{URL}/restore", {"backup_id": str(backup.pk)}, content_type="application/json"
    )

    assert response.status_code == 404
    assert "no longer in the backups directory" in response.json()["detail"]
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("body", "loc", "kind"),
    [
        ({"backup_id": "nope"}, ["body", "backup_id"], "uuid_parsing"),
        ({"backup_id": str(uuid.uuid4()), "force": True}, ["body", "force"], "extra_forbidden"),
        ({"backup_id": None}, ["body", "backup_id"], "uuid_type"),
        ([], ["body"], "model_attributes_type"),
    ],
)
def test_an_invalid_json_body_answers_422_naming_the_field(staff_api, body, loc, kind):
    response = staff_api.post(f"{URL}/restore", body, content_type="application/json")

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (problem["loc"], problem["type"]) == (loc, kind)
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("", "application/json"),
        ("{}", "application/json"),
        # Multipart (the test client's default for a dict) without a file.
        ({}, None),
        ({"csrfmiddlewaretoken": "a" * 32}, None),
    ],
)
def test_neither_a_file_nor_a_backup_id_answers_422_naming_the_body(staff_api, data, content_type):
    extra = {"content_type": content_type} if content_type else {}

    response = staff_api.post(f"{URL}/restore", data, **extra)

    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body"], "msg": NEITHER, "type": "missing"}]}
    assert not Job.objects.exists()


def test_unknown_multipart_fields_answer_422_naming_each(staff_api, kettle, backups_dir):
    archive = backup_path(backup_create()).read_bytes()

    response = staff_api.post(
        f"{URL}/restore",
        {"file": upload(archive), "force": "yes", "second": upload(archive, "second.zip")},
    )

    assert response.status_code == 422
    assert [(problem["loc"], problem["type"]) for problem in response.json()["detail"]] == [
        (["body", "force"], "extra_forbidden"),
        (["body", "second"], "extra_forbidden"),
    ]
    assert not Job.objects.exists() and incoming(backups_dir) == []


def test_two_files_at_once_answer_422(staff_api, kettle):
    archive = backup_path(backup_create()).read_bytes()

    response = staff_api.post(
        f"{URL}/restore", {"file": [upload(archive), upload(archive, "again.zip")]}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"--x\r\nnot a multipart body", "multipart/form-data"),  # no boundary
        (b"<restore/>", "application/xml"),
    ],
)
def test_a_body_that_cannot_be_read_answers_422_not_500(staff_api, data, content_type):
    response = staff_api.post(f"{URL}/restore", data, content_type=content_type)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_an_upload_over_the_backup_limit_answers_413(staff_api, kettle, settings, backups_dir):
    archive = backup_path(backup_create()).read_bytes()
    settings.SPENDS_MAX_BACKUP_BYTES = 1024
    assert len(archive) > 1024

    response = staff_api.post(f"{URL}/restore", {"file": upload(archive, "big.zip")})

    assert response.status_code == 413
    assert response.json() == {
        "detail": "“big.zip” is larger than the 1 KB a restore accepts (SPENDS_MAX_BACKUP_GB)."
    }
    assert not Job.objects.exists()
    assert incoming(backups_dir) == []


# The schedule ---------------------------------------------------------------------------------


def test_the_schedule_is_off_until_set(staff_api):
    response = staff_api.get(f"{URL}/schedule")

    assert response.status_code == 200
    assert response.json() == {"frequency": "off", "keep": 7, "last_error": None}


def test_the_schedule_is_changed_whole_or_in_part(staff_api):
    response = staff_api.put(
        f"{URL}/schedule", {"frequency": "weekly", "keep": 3}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json() == {"frequency": "weekly", "keep": 3, "last_error": None}
    schedule = BackupSchedule.objects.get()
    assert (schedule.frequency, schedule.keep) == (BackupFrequency.WEEKLY, 3)

    response = staff_api.put(f"{URL}/schedule", {"keep": 30}, content_type="application/json")
    assert response.json() == {"frequency": "weekly", "keep": 30, "last_error": None}
    assert staff_api.get(f"{URL}/schedule").json() == response.json()


def test_the_schedule_says_why_the_last_automatic_backup_failed(staff_api):
    BackupSchedule.objects.create(
        frequency=BackupFrequency.DAILY,
        last_error="The disk is full.",
        last_error_at=timezone.now(),
    )

    response = staff_api.get(f"{URL}/schedule")

    assert response.json() == {"frequency": "daily", "keep": 7, "last_error": "The disk is full."}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"frequency": "hourly"}, "frequency"),
        ({"frequency": None}, "frequency"),
        ({"keep": 0}, "keep"),
        ({"keep": 366}, "keep"),
        ({"keep": "many"}, "keep"),
        ({"frequency": "daily", "hour": 3}, "hour"),
    ],
)
def test_an_invalid_schedule_answers_422_naming_the_field_and_changes_nothing(
    staff_api, body, field
):
    response = staff_api.put(f"{URL}/schedule", body, content_type="application/json")

    assert response.status_code == 422
    assert [problem["loc"] for problem in response.json()["detail"]] == [["body", field]]
    assert not BackupSchedule.objects.exists()


# The schema -----------------------------------------------------------------------------------


def test_the_schema_documents_both_forms_of_a_restore_and_the_403s(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    restore = paths["/api/backup/restore"]["post"]
    body = restore["requestBody"]["content"]
    assert body["multipart/form-data"]["schema"]["required"] == ["file"]
    assert body["application/json"]["schema"]["required"] == ["backup_id"]
    assert {"202", "404", "409", "413", "422"} <= set(restore["responses"])
    operations = [
        operation
        for path, methods in paths.items()
        if path.startswith("/api/backup/")
        for operation in methods.values()
    ]
    assert len(operations) == 8
    assert all({"401", "403"} <= set(operation["responses"]) for operation in operations)
    assert all(operation["tags"] == ["backups"] for operation in operations)
