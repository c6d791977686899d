"""Settings › Backups as a staff member uses it, with a real worker running the jobs: back up
now and watch the progress bar give way to the finished backup, which joins the list; then
restore it from the list's dialog, and see the data as they were when it was taken, with a
restore point of the data as they were just before. All in one page, never reloaded."""

import datetime
import io
import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from backups.models import Backup, BackupKind
from conftest import PASSWORD
from e2e.conftest import SCREENSHOT_DIR, close_toasts, screenshot, sign_in
from purchases import filestore
from purchases.models import Attachment, AttachmentKind, Purchase

PURCHASES = 2000
FILES = 8


def some_data(owner) -> None:
    """Enough purchases and stored files for a backup to take a moment."""
    Purchase.objects.bulk_create(
        Purchase(
            owner=owner,
            product_name=f"Item {n:04d}",
            price=Decimal("9.99") + n,
            currency_code="EUR",
            purchase_date=datetime.date(2025, 1 + n % 12, 1 + n % 28),
        )  # fmt: skip
        for n in range(PURCHASES)
    )
    first = Purchase.objects.order_by("product_name").first()
    for number in range(FILES):
        stored = filestore.put(io.BytesIO(b"%PDF-1.4\n" + bytes([number]) * 300_000))
        Attachment.objects.create(
            owner=owner, purchase=first, kind=AttachmentKind.RECEIPT,
            filename=f"receipt-{number}.pdf", content_type="application/pdf",
            size=stored.size, sha256=stored.sha256,
        )  # fmt: skip


def test_back_up_then_restore_from_the_settings_page(
    page, context, live_server, transactional_db, task_worker
):
    staff = get_user_model().objects.create_superuser("admin", "admin@example.com", PASSWORD)
    some_data(staff)
    sign_in(context, staff, live_server.url)
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))

    page.goto("/settings#backups")
    page.get_by_test_id("settings-nav").get_by_role("link", name="Backups", exact=True).click()
    section = page.get_by_test_id("settings-backups")
    expect(section.get_by_test_id("backup-last")).to_have_text("No backup yet.")
    expect(section.get_by_test_id("backup-empty")).to_be_visible()

    # Back up now: the progress bar while the worker writes it, then the finished backup.
    section.get_by_role("button", name="Back up now").click()
    job_region = section.get_by_test_id("backup-job")
    expect(job_region.get_by_test_id("job-progress")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Backup started.").first).to_be_visible()
    outcome = job_region.get_by_test_id("backup-outcome")
    expect(outcome).to_be_visible(timeout=60_000)
    expect(job_region.get_by_test_id("job-progress")).to_have_count(0)
    backup = Backup.objects.get()
    expect(outcome).to_contain_text(f"Backup finished: {backup.filename}, {FILES} files")
    expect(outcome.get_by_role("link", name=f"Download {backup.filename}")).to_have_attribute(
        "href", f"/api/backup/{backup.pk}/download"
    )
    # The list and the status line follow without a reload.
    rows = section.get_by_test_id("backup-row")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_test_id("backup-kind")).to_have_text("Manual")
    expect(rows.first.get_by_test_id("backup-filename")).to_have_text(backup.filename)
    expect(section.get_by_test_id("backup-last")).to_have_text(
        re.compile(rf"Last backup: [^,]+, {FILES} files, [\d.]+\sMB\.")
    )

    # Something changes after the backup…
    Purchase.objects.filter(product_name="Item 0001").update(product_name="Renamed later")

    # …and the restore puts it back, once the person has said they understand.
    rows.first.get_by_role("link", name=f"Restore {backup.filename}").click()
    dialog = page.locator("#dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("restore-warning")).to_contain_text(
        "Every account’s data and stored files will be replaced by the backup’s"
    )
    confirm = dialog.get_by_label("I understand that every account’s data and files")
    confirm.check()
    dialog.get_by_role("button", name="Restore").click()
    expect(dialog).to_be_hidden()
    expect(
        page.get_by_role("status").filter(has_text=f"Restore from “{backup.filename}” started.")
    ).to_be_visible()
    expect(job_region.get_by_test_id("backup-job-title")).to_have_text(
        f"Restore from “{backup.filename}”"
    )
    restored = job_region.get_by_test_id("restore-outcome")
    expect(restored).to_be_visible(timeout=60_000)
    expect(restored).to_contain_text("Restore finished.")
    restore_point = Backup.objects.get(kind=BackupKind.RESTORE_POINT)
    expect(restored.get_by_test_id("restore-point")).to_contain_text(restore_point.filename)
    expect(rows).to_have_count(2)
    expect(section.get_by_test_id("backup-kind")).to_have_text(["Restore point", "Manual"])
    assert Purchase.objects.filter(product_name="Item 0001").exists()
    assert not Purchase.objects.filter(product_name="Renamed later").exists()
    assert Purchase.objects.count() == PURCHASES

    assert len(loads) == 1, f"the page was loaded again: {loads}"
    close_toasts(page)
    # A window as tall as the page, so that the sticky sidebar and top bar are drawn once.
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": 100})
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "settings-backups-desktop")
    section.screenshot(path=SCREENSHOT_DIR / "settings-backups-section.png")
