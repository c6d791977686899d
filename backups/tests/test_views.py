"""Settings › Backups, for staff only: the status line and the list, "Back up now", deleting,
restoring a listed backup or an uploaded archive, and the schedule of automatic backups. Jobs
run at once here (the immediate tasks backend), so the answer that starts a backup or a restore
already shows its outcome."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import PreferencesFactory
from backups.forms import ARCHIVE_REQUIRED, CONFIRM_REQUIRED
from backups.models import Backup, BackupFrequency, BackupKind, BackupSchedule, BackupState
from backups.selectors import backup_path, schedule_get
from backups.services import backup_create, schedule_update
from backups.tests.factories import purchase_with_receipt
from conftest import PASSWORD
from jobs.models import Job, JobKind, JobState
from jobs.tests.factories import JobFactory
from purchases.models import Purchase

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}
NOT_A_ZIP = "This file is not a backup archive: it is not a zip file, or it is truncated."


class Page(HTMLParser):
    """The elements marked with data-testid: their attributes and the text inside them."""

    def __init__(self, content: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self._open: list[tuple[str, dict | None]] = []
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        element = None
        if "data-testid" in attributes:
            element = {"testid": attributes["data-testid"], "attrs": attributes, "text": []}
            self.elements.append(element)
        if tag not in VOID_TAGS:
            self._open.append((tag, element))

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data):
        for _, element in self._open:
            if element is not None:
                element["text"].append(data)

    def all(self, testid: str) -> list[dict]:
        return [element for element in self.elements if element["testid"] == testid]

    def has(self, testid: str) -> bool:
        return bool(self.all(testid))

    def texts(self, testid: str) -> list[str]:
        # str.split() also splits at the no-break spaces of naturaltime and filesizeformat.
        return [" ".join("".join(element["text"]).split()) for element in self.all(testid)]

    def text(self, testid: str) -> str:
        found = self.texts(testid)
        assert found, f"no {testid} in the answer"
        return found[0]

    def attrs(self, testid: str) -> dict:
        found = self.all(testid)
        assert found, f"no {testid} in the answer"
        return found[0]["attrs"]


def page(response) -> Page:
    return Page(response.content.decode())


def field_error(response, field: str) -> str:
    """The error shown beside a field (partials/form_field.html)."""
    match = re.search(
        rf'<div class="invalid-feedback d-block" id="id_{field}_error">(.*?)</div>',
        response.content.decode(),
        re.S,
    )
    assert match, f"no error beside {field}"
    return Page(f"<p data-testid='e'>{match.group(1)}</p>").text("e")


def toasts(response) -> list[str]:
    content = response.content.decode()
    return [
        " ".join(Page(f"<p data-testid='t'>{body}</p>").text("t").split())
        for body in re.findall(r'<div class="toast-body">(.*?)</div>', content, re.S)
    ]


def backup_record(*, kind=BackupKind.MANUAL, days_ago: float = 0, **fields) -> Backup:
    """A listed backup without writing an archive (for what the page shows of it)."""
    number = Backup.objects.count()
    backup = Backup.objects.create(
        filename=f"spends-backup-2026010{number}-120000.zip", kind=kind,
        state=BackupState.COMPLETE, **fields,
    )  # fmt: skip
    created = timezone.now() - datetime.timedelta(days=days_ago)
    Backup.objects.filter(pk=backup.pk).update(created_at=created)
    backup.refresh_from_db()
    return backup


def archive_upload(data: bytes, name: str = "spends-backup-20260101-120000.zip"):
    return SimpleUploadedFile(name, data, content_type="application/zip")


def settings_page(client) -> Page:
    response = client.get("/settings")
    assert response.status_code == 200
    return page(response)


@pytest.fixture
def backup(staff_user) -> Backup:
    """A real backup: an archive in the backups directory."""
    return backup_create(created_by=staff_user.get_username())


# Who sees the section --------------------------------------------------------------------------


def test_staff_see_the_backups_section_with_its_forms(staff_client):
    response = staff_client.get("/settings")
    content = response.content.decode()
    shown = page(response)

    assert 'id="backups"' in content and 'href="#backups"' in content
    assert shown.text("backup-last") == "No backup yet."
    assert shown.has("backup-create-form")
    assert shown.has("backup-empty")
    assert shown.has("backup-upload-form")
    assert shown.has("backup-schedule")
    assert shown.attrs("backup-create-form")["action"] == "/settings/backups/create#backups"


def test_the_section_is_absent_for_everyone_else(user_client):
    content = user_client.get("/settings").content.decode()

    assert 'id="backups"' not in content
    assert 'href="#backups"' not in content
    assert "/settings/backups" not in content
    assert "Back up now" not in content


def test_settings_page_of_staff_reads_the_backups_in_a_constant_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    staff_client.get("/settings")  # the first visit also makes the calendar feed's secret
    with django_assert_max_num_queries(13):
        staff_client.get("/settings")
    for days in range(15):
        backup_record(days_ago=days, size=1000, file_count=days)
    with django_assert_max_num_queries(13):
        response = staff_client.get("/settings")
    assert len(page(response).all("backup-row")) == 15


@pytest.fixture
def everything(user, staff_user, backup) -> dict:
    """What a refused request must leave as it was."""
    schedule_update(frequency=BackupFrequency.DAILY, keep=5)
    return {"backup": backup, "purchase": purchase_with_receipt(user, product_name="Kettle")}


def refused_requests(backup: Backup) -> list[tuple[str, str, dict]]:
    return [
        ("get", "/settings/backups", {}),
        ("post", "/settings/backups/create", {}),
        ("get", f"/settings/backups/{backup.pk}/delete", {}),
        ("post", f"/settings/backups/{backup.pk}/delete", {}),
        ("get", f"/settings/backups/{backup.pk}/restore", {}),
        ("post", f"/settings/backups/{backup.pk}/restore", {"restore-confirm": "on"}),
        ("post", "/settings/backups/schedule", {"schedule-frequency": "off", "schedule-keep": 1}),
    ]


@pytest.mark.parametrize("htmx", [False, True])
def test_every_view_answers_404_to_anyone_but_staff_and_changes_nothing(
    client, user, everything, backups_dir, htmx
):
    client.force_login(user)
    backup = everything["backup"]
    headers = HTMX if htmx else {}
    for method, url, data in refused_requests(backup):
        response = getattr(client, method)(url, data, headers=headers)
        assert response.status_code == 404, (method, url)
    archive = backup_path(backup).read_bytes()
    response = client.post(
        "/settings/backups/upload",
        {"upload-file": archive_upload(archive), "upload-confirm": "on"},
        headers=headers,
    )
    assert response.status_code == 404

    assert list(Backup.objects.all()) == [backup]
    assert backup_path(backup).is_file()
    assert not Job.objects.exists()
    assert not (backups_dir / "incoming").exists() or not any((backups_dir / "incoming").iterdir())
    schedule = schedule_get()
    assert (schedule.frequency, schedule.keep) == (BackupFrequency.DAILY, 5)
    assert Purchase.objects.get().product_name == "Kettle"


def test_signed_out_every_view_leads_to_the_login_page(client, backup):
    for method, url, data in refused_requests(backup) + [("post", "/settings/backups/upload", {})]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/login/?next=")
    assert not Job.objects.exists()


# The status line and the list ------------------------------------------------------------------


def test_status_line_says_when_the_last_backup_was_taken_and_what_it_holds(staff_client):
    backup_record(days_ago=5, size=3 * 2**20, file_count=3)
    backup_record(days_ago=2, size=12 * 2**20, file_count=45)

    shown = settings_page(staff_client)

    assert shown.text("backup-last") == "Last backup: 2 days ago, 45 files, 12 MB."
    assert not shown.has("backup-running")
    assert not shown.has("backup-schedule-status")


def test_status_line_says_when_a_backup_is_being_written_now(staff_client):
    Backup.objects.create(filename="spends-backup-20260101-000000.zip", kind=BackupKind.MANUAL)

    shown = settings_page(staff_client)

    assert shown.text("backup-last") == "No backup yet."
    assert "A backup is being written now" in shown.text("backup-running")


def test_status_line_tells_the_schedule_and_its_last_failure(staff_client):
    schedule_update(frequency=BackupFrequency.WEEKLY, keep=4)
    shown = settings_page(staff_client)
    assert shown.text("backup-schedule-status") == (
        "Automatic backups are on: weekly, keeping the newest 4."
    )
    assert not shown.has("backup-schedule-error")

    BackupSchedule.objects.filter(pk=1).update(
        last_error="The disk is full.", last_error_at=timezone.now() - datetime.timedelta(hours=3)
    )
    shown = settings_page(staff_client)
    assert shown.text("backup-schedule-error") == (
        "The last automatic backup failed 3 hours ago: The disk is full. It is tried again "
        "within the hour."
    )


def test_the_list_shows_every_backup_newest_first_in_the_users_date_format(
    staff_client, staff_user
):
    PreferencesFactory(user=staff_user, date_format="DD.MM.YYYY", timezone="Europe/Berlin")
    older = backup_record(kind=BackupKind.SCHEDULED, size=2048, file_count=1234)
    newer = backup_record(kind=BackupKind.RESTORE_POINT, size=5 * 2**20, file_count=0)
    Backup.objects.filter(pk=older.pk).update(
        created_at=datetime.datetime(2026, 1, 29, 8, 5, tzinfo=datetime.UTC)
    )
    # Half past eleven at night in UTC is the next day in Berlin.
    Backup.objects.filter(pk=newer.pk).update(
        created_at=datetime.datetime(2026, 1, 30, 23, 30, tzinfo=datetime.UTC)
    )
    Backup.objects.create(filename="spends-backup-20260201-000000.zip", kind=BackupKind.MANUAL)

    shown = settings_page(staff_client)

    assert shown.texts("backup-filename") == [newer.filename, older.filename]
    assert shown.texts("backup-date") == ["31.01.2026 00:30", "29.01.2026 09:05"]
    assert shown.texts("backup-kind") == ["Restore point", "Scheduled"]
    assert shown.texts("backup-size") == ["5 MB", "2 KB"]
    assert shown.texts("backup-files") == ["0", "1,234"]
    downloads = [element["attrs"]["href"] for element in shown.all("backup-download")]
    assert downloads == [f"/api/backup/{newer.pk}/download", f"/api/backup/{older.pk}/download"]


def test_the_overview_answers_htmx_with_the_status_and_the_list_out_of_band(staff_client):
    backup_record(size=10, file_count=1)

    response = staff_client.get("/settings/backups", headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.strip().startswith('<div id="backup-status"')
    assert '<div id="backup-list" data-testid="backup-list" hx-swap-oob="true">' in content
    assert len(page(response).all("backup-row")) == 1
    assert "<html" in staff_client.get("/settings/backups").content.decode()


# Back up now -----------------------------------------------------------------------------------


def test_back_up_now_with_htmx_shows_the_job_and_its_outcome_in_place(
    staff_client, staff_user, user, backups_dir
):
    purchase_with_receipt(user)

    response = staff_client.post("/settings/backups/create", headers=HTMX)

    assert response.status_code == 200
    content = response.content.decode()
    assert content.strip().startswith('<div id="backup-job"')
    backup = Backup.objects.get()
    assert backup.kind == BackupKind.MANUAL
    assert backup.created_by == staff_user.get_username()
    assert (backups_dir / backup.filename).is_file()
    shown = page(response)
    assert shown.text("backup-job-title") == "Backup"
    job = shown.attrs("job")
    assert job["data-state"] == "succeeded"
    # The list and the status line refresh themselves when it has ended.
    assert job["data-finished-event"] == "backups-changed"
    assert backup.filename in shown.text("backup-outcome")
    assert "1 file" in shown.text("backup-outcome")
    assert shown.attrs("backup-download")["href"] == f"/api/backup/{backup.pk}/download"
    assert toasts(response) == ["Backup started."]

    listed = settings_page(staff_client)
    assert listed.texts("backup-filename") == [backup.filename]
    assert listed.text("backup-last").startswith("Last backup: now, 1 file, ")


def test_back_up_now_without_javascript_goes_on_to_the_jobs_page(staff_client):
    response = staff_client.post("/settings/backups/create")

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}"
    job_page = staff_client.get(response["Location"])
    shown = page(job_page)
    backup = Backup.objects.get()
    assert backup.filename in shown.text("backup-outcome")
    assert shown.attrs("backup-download")["href"] == f"/api/backup/{backup.pk}/download"
    assert shown.attrs("job-back")["href"] == "/settings#backups"
    assert "Backup started." in job_page.content.decode()


def test_back_up_now_while_another_job_runs_is_refused_with_a_toast(staff_client, staff_user):
    JobFactory(owner=staff_user, kind=JobKind.RESTORE, state=JobState.RUNNING)

    response = staff_client.post("/settings/backups/create", headers=HTMX)

    assert response.status_code == 409
    assert response["HX-Reswap"] == "none"
    assert toasts(response) == [
        "A restore is already under way; wait until it has finished, then try again."
    ]
    assert not Backup.objects.exists()

    response = staff_client.post("/settings/backups/create", follow=True)
    assert response.redirect_chain == [("/settings#backups", 302)]
    assert "A restore is already under way" in response.content.decode()


def test_a_job_still_under_way_shows_its_progress_when_the_page_is_opened(staff_client, staff_user):
    other_staff = type(staff_user).objects.create_superuser("root", "root@example.com", PASSWORD)
    JobFactory(
        owner=other_staff, kind=JobKind.BACKUP, state=JobState.RUNNING, stage="Copying the files",
        progress_done=3, progress_total=12,
    )  # fmt: skip

    shown = settings_page(staff_client)

    assert shown.text("backup-job-title") == "Backup in progress"
    assert shown.attrs("job")["data-state"] == "running"
    assert "hx-get" in shown.attrs("job")
    assert shown.text("job-stage") == "Copying the files…"
    assert shown.text("job-count") == "3 of 12"


# Deleting --------------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_in_the_dialog(staff_client, backup):
    response = staff_client.get(f"/settings/backups/{backup.pk}/delete", headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.strip().startswith('<form id="backup-delete-form"')
    assert backup.filename in page(response).text("backup-summary")
    # Without JavaScript, the same confirmation is a page of its own.
    assert "<html" in staff_client.get(f"/settings/backups/{backup.pk}/delete").content.decode()
    assert Backup.objects.filter(pk=backup.pk).exists()


def test_delete_with_htmx_closes_the_dialog_and_refreshes_the_list(staff_client, backup):
    kept = backup_record(days_ago=3, size=10, file_count=0)
    path = backup_path(backup)

    response = staff_client.post(f"/settings/backups/{backup.pk}/delete", headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Trigger"] == "dialog:close"
    assert not path.exists()
    assert list(Backup.objects.all()) == [kept]
    shown = page(response)
    assert shown.texts("backup-filename") == [kept.filename]
    assert shown.text("backup-last").startswith("Last backup: 3 days ago")
    content = response.content.decode()
    assert '<div id="backup-list" data-testid="backup-list" hx-swap-oob="true">' in content
    assert toasts(response) == [f"Backup “{backup.filename}” deleted."]


def test_delete_without_javascript_goes_back_to_the_section(staff_client, backup):
    response = staff_client.post(f"/settings/backups/{backup.pk}/delete", follow=True)

    assert response.redirect_chain == [("/settings#backups", 302)]
    assert not Backup.objects.exists()
    assert f"Backup “{backup.filename}” deleted." in response.content.decode()


def test_delete_of_an_unknown_backup_answers_404(staff_client, backup):
    for method in ("get", "post"):
        response = getattr(staff_client, method)(
            "/settings/backups/00000000-0000-0000-0000-000000000000/delete", headers=HTMX
        )
        assert response.status_code == 404
    unfinished = Backup.objects.create(
        filename="spends-backup-20260101-000000.zip", kind=BackupKind.MANUAL
    )
    assert staff_client.post(f"/settings/backups/{unfinished.pk}/delete").status_code == 404
    assert Backup.objects.count() == 2


# Restoring a listed backup ---------------------------------------------------------------------


def test_restore_asks_for_confirmation_with_a_clear_warning(staff_client, backup):
    response = staff_client.get(f"/settings/backups/{backup.pk}/restore", headers=HTMX)

    shown = page(response)
    assert response.status_code == 200
    assert backup.filename in shown.text("backup-summary")
    warning = shown.text("restore-warning")
    assert "Every account’s data and stored files will be replaced by the backup’s" in warning
    assert "a restore point (a backup of the data as they are now) is taken" in warning
    assert 'name="restore-confirm"' in response.content.decode()


def test_restore_without_confirmation_is_refused_beside_the_checkbox(staff_client, user, backup):
    purchase = purchase_with_receipt(user, product_name="Kettle")
    Purchase.objects.filter(pk=purchase.pk).update(product_name="Changed")

    response = staff_client.post(f"/settings/backups/{backup.pk}/restore", {}, headers=HTMX)

    assert response.status_code == 422
    assert field_error(response, "restore-confirm") == CONFIRM_REQUIRED
    assert not Job.objects.exists()
    assert list(Backup.objects.all()) == [backup]
    assert Purchase.objects.get().product_name == "Changed"


def test_restore_from_the_list_puts_the_backups_data_back(staff_client, user, staff_user):
    purchase = purchase_with_receipt(user, product_name="Kettle")
    backup = backup_create(created_by="admin")
    Purchase.objects.filter(pk=purchase.pk).update(product_name="Renamed since")
    purchase_with_receipt(user, product_name="Bought since")

    response = staff_client.post(
        f"/settings/backups/{backup.pk}/restore", {"restore-confirm": "on"}, headers=HTMX
    )

    assert response.status_code == 200
    assert response["HX-Trigger"] == "dialog:close"
    assert list(Purchase.objects.values_list("product_name", flat=True)) == ["Kettle"]
    content = response.content.decode()
    assert content.strip().startswith('<div id="backup-job" data-testid="backup-job" hx-swap-oob')
    shown = page(response)
    assert shown.text("backup-job-title") == f"Restore from “{backup.filename}”"
    assert "Restore finished." in shown.text("restore-outcome")
    restore_point = Backup.objects.get(kind=BackupKind.RESTORE_POINT)
    assert restore_point.filename in shown.text("restore-point")
    assert shown.attrs("backup-download")["href"] == f"/api/backup/{restore_point.pk}/download"
    assert toasts(response) == [f"Restore from “{backup.filename}” started."]

    listed = settings_page(staff_client)
    assert listed.texts("backup-kind") == ["Restore point", "Manual"]


def test_restore_without_javascript_goes_on_to_the_jobs_page(staff_client, user, backup):
    response = staff_client.post(
        f"/settings/backups/{backup.pk}/restore", {"restore-confirm": "on"}
    )

    job = Job.objects.get(kind=JobKind.RESTORE)
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}"
    assert job.state == JobState.SUCCEEDED
    assert "Restore finished." in page(staff_client.get(response["Location"])).text(
        "restore-outcome"
    )


def test_restore_while_another_job_runs_is_refused_with_a_toast(staff_client, staff_user, backup):
    JobFactory(owner=staff_user, kind=JobKind.BACKUP, state=JobState.QUEUED)

    response = staff_client.post(
        f"/settings/backups/{backup.pk}/restore", {"restore-confirm": "on"}, headers=HTMX
    )

    assert response.status_code == 409
    assert response["HX-Trigger"] == "dialog:close"
    assert toasts(response) == [
        "A backup is already under way; wait until it has finished, then try again."
    ]
    assert not Job.objects.filter(kind=JobKind.RESTORE).exists()


def test_restore_of_a_backup_whose_archive_is_gone_says_so_in_the_dialog(staff_client, backup):
    backup_path(backup).unlink()

    response = staff_client.post(
        f"/settings/backups/{backup.pk}/restore", {"restore-confirm": "on"}, headers=HTMX
    )

    assert response.status_code == 422
    assert "no longer in the backups directory" in response.content.decode()
    assert not Job.objects.exists()


def test_restore_of_an_unknown_backup_answers_404(staff_client):
    url = "/settings/backups/00000000-0000-0000-0000-000000000000/restore"
    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url, {"restore-confirm": "on"}).status_code == 404
    assert not Job.objects.exists()


# Restoring an uploaded archive -----------------------------------------------------------------


@pytest.fixture
def archive_bytes(user) -> bytes:
    """A backup archive as one downloaded earlier, holding the purchase "Kettle"; the backup
    itself is gone from the list since."""
    purchase_with_receipt(user, product_name="Kettle")
    backup = backup_create(created_by="admin")
    data = backup_path(backup).read_bytes()
    backup_path(backup).unlink()
    backup.delete()
    return data


def test_upload_without_confirmation_is_refused_beside_the_checkbox(
    staff_client, archive_bytes, backups_dir
):
    Purchase.objects.update(product_name="Changed")

    response = staff_client.post(
        "/settings/backups/upload", {"upload-file": archive_upload(archive_bytes)}, headers=HTMX
    )

    assert response.status_code == 422
    assert field_error(response, "upload-confirm") == CONFIRM_REQUIRED
    assert response.content.decode().strip().startswith('<div id="backup-upload"')
    assert not Job.objects.exists()
    assert not Backup.objects.exists()
    assert Purchase.objects.get().product_name == "Changed"


def test_upload_of_a_file_that_is_no_archive_says_so_beside_the_field(staff_client, backups_dir):
    response = staff_client.post(
        "/settings/backups/upload",
        {"upload-file": archive_upload(b"just some notes\n", "notes.zip"), "upload-confirm": "on"},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert field_error(response, "upload-file") == NOT_A_ZIP
    assert not Job.objects.exists()
    assert not any((backups_dir / "incoming").iterdir())


def test_upload_without_a_file_asks_for_one(staff_client):
    response = staff_client.post("/settings/backups/upload", {"upload-confirm": "on"})

    assert response.status_code == 422
    assert field_error(response, "upload-file") == ARCHIVE_REQUIRED
    # Without JavaScript, the whole settings page with the error.
    assert "<html" in response.content.decode()


def test_upload_over_the_backup_limit_answers_413_beside_the_field(
    staff_client, settings, archive_bytes, backups_dir
):
    settings.SPENDS_MAX_BACKUP_BYTES = 1000
    Purchase.objects.update(product_name="Changed")

    response = staff_client.post(
        "/settings/backups/upload",
        {"upload-file": archive_upload(archive_bytes, "big.zip"), "upload-confirm": "on"},
        headers=HTMX,
    )

    assert response.status_code == 413
    assert field_error(response, "upload-file") == (
        "“big.zip” is larger than the backup limit of 1000 bytes."
    )
    assert not Job.objects.exists()
    assert Purchase.objects.get().product_name == "Changed"


def test_upload_of_a_good_archive_restores_it(staff_client, archive_bytes, user, backups_dir):
    Purchase.objects.update(product_name="Changed")

    response = staff_client.post(
        "/settings/backups/upload",
        {"upload-file": archive_upload(archive_bytes, "saved.zip"), "upload-confirm": "on"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert Purchase.objects.get().product_name == "Kettle"
    shown = page(response)
    assert shown.text("backup-upload-job-title") == "Restore from “saved.zip”"
    assert "Restore finished." in shown.text("restore-outcome")
    assert toasts(response) == ["Restore from “saved.zip” started."]
    # A fresh form, and the upload is not kept once restored.
    assert 'name="upload-confirm" class="form-check-input" required' in response.content.decode()
    assert not any((backups_dir / "incoming").iterdir())
    assert Backup.objects.get().kind == BackupKind.RESTORE_POINT


def test_upload_larger_than_other_uploads_is_read_with_csrf_still_checked(
    settings, staff_user, archive_bytes
):
    """The cap on uploads is raised before anything reads the request, CSRF's check included
    (which reads the form): an archive larger than any attachment or import still arrives."""
    settings.SPENDS_MAX_ATTACHMENT_BYTES = settings.SPENDS_MAX_IMPORT_BYTES = 1024
    assert len(archive_bytes) > 1024
    Purchase.objects.update(product_name="Changed")
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    client.get("/settings")
    token = client.cookies["csrftoken"].value

    refused = client.post(
        "/settings/backups/upload",
        {"upload-file": archive_upload(archive_bytes), "upload-confirm": "on"},
    )
    assert refused.status_code == 403
    assert not Job.objects.exists()

    response = client.post(
        "/settings/backups/upload",
        {
            "upload-file": archive_upload(archive_bytes),
            "upload-confirm": "on",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{Job.objects.get().pk}"
    assert Purchase.objects.get().product_name == "Kettle"


# The schedule ----------------------------------------------------------------------------------


def test_schedule_form_shows_the_stored_schedule(staff_client):
    schedule_update(frequency=BackupFrequency.MONTHLY, keep=12)

    content = staff_client.get("/settings").content.decode()

    assert '<option value="monthly" selected>Monthly</option>' in content
    assert 'name="schedule-keep" value="12"' in content
    assert "Manual backups and restore points are kept until you delete them." in content


def test_schedule_saved_with_htmx_updates_the_status_line(staff_client):
    response = staff_client.post(
        "/settings/backups/schedule",
        {"schedule-frequency": "daily", "schedule-keep": "14"},
        headers=HTMX,
    )

    assert response.status_code == 200
    schedule = schedule_get()
    assert (schedule.frequency, schedule.keep) == (BackupFrequency.DAILY, 14)
    content = response.content.decode()
    assert content.strip().startswith('<form id="backup-schedule"')
    assert '<option value="daily" selected>Daily</option>' in content
    shown = page(response)
    assert shown.text("backup-schedule-status") == (
        "Automatic backups are on: daily, keeping the newest 14."
    )
    assert toasts(response) == ["Automatic backups: daily, keeping the newest 14."]


def test_schedule_turned_off_without_javascript(staff_client):
    schedule_update(frequency=BackupFrequency.WEEKLY, keep=3)

    response = staff_client.post(
        "/settings/backups/schedule",
        {"schedule-frequency": "off", "schedule-keep": "3"},
        follow=True,
    )

    assert response.redirect_chain == [("/settings#backups", 302)]
    assert schedule_get().frequency == BackupFrequency.OFF
    assert "Automatic backups are off." in response.content.decode()
    assert not page(response).has("backup-schedule-status")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"schedule-frequency": "hourly", "schedule-keep": "7"}, "schedule-frequency",
         "Choose off, daily, weekly or monthly."),
        ({"schedule-frequency": "daily", "schedule-keep": "0"}, "schedule-keep",
         "Keep at least 1 automatic backup."),
        ({"schedule-frequency": "daily", "schedule-keep": "366"}, "schedule-keep",
         "Keep at most 365 automatic backups."),
        ({"schedule-frequency": "daily", "schedule-keep": "many"}, "schedule-keep",
         "Write a whole number from 1 to 365."),
        ({"schedule-frequency": "daily"}, "schedule-keep",
         "Say how many automatic backups to keep (1 to 365)."),
    ],
)  # fmt: skip
def test_schedule_with_a_mistake_is_refused_beside_the_field(staff_client, data, field, message):
    schedule_update(frequency=BackupFrequency.WEEKLY, keep=3)

    response = staff_client.post("/settings/backups/schedule", data, headers=HTMX)

    assert response.status_code == 422
    assert field_error(response, field) == message
    schedule = schedule_get()
    assert (schedule.frequency, schedule.keep) == (BackupFrequency.WEEKLY, 3)
    assert toasts(response) == []
