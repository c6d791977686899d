"""Importing a CSV from Settings › Data as a person does: a file of the wrong kind refused beside
the field, a dry run that writes nothing, then the import itself, its progress bar shown while a
real worker runs the job and its report replacing the bar in place, and the purchases in the
inventory afterwards."""

from playwright.sync_api import expect

from e2e.conftest import SCREENSHOT_DIR, close_toasts, sign_in
from jobs.models import Job
from purchases.models import Purchase

ROWS = 3000


def purchases_csv(rows: int = ROWS, extra: str = "") -> bytes:
    """Enough rows for the job to take a moment; each row a different purchase."""
    lines = ["product_name,price,purchase_date,retailer,brand,serial_number"]
    lines += [
        f"Imported item {n:05d},{10 + n % 900}.{n % 100:02d},"
        f"2025-{1 + n % 12:02d}-{1 + n % 28:02d},Store {n % 5},Brand {n % 7},SN-{n:06d}"
        for n in range(rows)
    ]
    return ("\n".join(lines) + "\n" + extra).encode()


def choose_file(form, name: str, content: bytes) -> None:
    form.get_by_label("File").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )


def section_screenshot(page, name: str) -> None:
    """The Data section alone, in a window tall enough to hold the whole page (so that the
    sticky top bar is not drawn across it), without the toasts in front of it."""
    close_toasts(page)
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": 100})
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    page.get_by_test_id("settings-data").screenshot(path=SCREENSHOT_DIR / f"{name}.png")


def test_import_a_csv_from_the_settings_page(
    signed_in_page, e2e_user, task_worker, browser_problems
):
    page = signed_in_page
    browser_problems.expected_statuses.add(422)  # the file of the wrong kind
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.goto("/settings#data")
    section = page.get_by_test_id("settings-data")
    form = section.get_by_test_id("import-form")
    expect(section.get_by_test_id("export-json")).to_have_attribute(
        "href", "/inventory/export/json"
    )

    # A file that is not a CSV of purchases: refused beside the field, nothing started.
    choose_file(form, "notes.csv", b"name,cost\nLamp,3\n")
    form.get_by_test_id("import-submit").click()
    error = section.locator("#id_import-file_error")
    expect(error).to_contain_text("This is not a CSV of purchases")
    expect(form.get_by_label("File")).to_have_class("form-control is-invalid")
    assert not Job.objects.exists()

    # A dry run: the report says what would happen; nothing is written.
    form = section.get_by_test_id("import-form")
    choose_file(form, "purchases.csv", purchases_csv())
    form.get_by_label("Dry run (check only, write nothing)").check()
    form.get_by_test_id("import-submit").click()
    # The toast comes with the answer (it hides itself after a few seconds).
    expect(
        page.get_by_role("status").filter(has_text="Dry run of “purchases.csv” started.")
    ).to_be_visible()
    report = section.get_by_test_id("import-report")
    expect(report).to_be_visible(timeout=30_000)
    expect(report.get_by_test_id("import-outcome")).to_contain_text("Dry run: nothing was written")
    expect(report.get_by_text("Would create")).to_be_visible()
    expect(report.get_by_test_id("import-created")).to_have_text("3,000")
    assert not Purchase.objects.exists()

    # The import itself: the progress bar shows while the worker runs it, then the report
    # takes its place, all in the same page.
    form = section.get_by_test_id("import-form")
    expect(form.get_by_label("Dry run (check only, write nothing)")).to_be_checked()
    form.get_by_label("Dry run (check only, write nothing)").uncheck()
    choose_file(form, "purchases.csv", purchases_csv())
    form.get_by_test_id("import-submit").click()
    bar = section.locator("[data-testid=job-progress]")
    expect(bar).to_be_visible()
    expect(section.get_by_test_id("import-job-title")).to_have_text("Import of “purchases.csv”")
    expect(report).to_be_visible(timeout=60_000)
    expect(bar).to_have_count(0)
    expect(report.get_by_test_id("import-outcome")).to_contain_text("Import finished.")
    expect(report.get_by_test_id("import-created")).to_have_text("3,000")
    expect(report.get_by_test_id("import-failed")).to_have_text("0")
    assert len(loads) == 1, f"the page was loaded again: {loads}"
    assert Purchase.objects.filter(owner=e2e_user).count() == ROWS
    section_screenshot(page, "settings-data-import-desktop")

    # The inventory shows the imported purchases.
    page.goto("/inventory?search=Imported+item+0004")
    rows = page.get_by_test_id("purchase-row")
    expect(rows).to_have_count(10)  # items 00040 to 00049
    expect(rows.first).to_contain_text("Imported item 0004")
    page.goto("/inventory")
    expect(page.get_by_test_id("page-summary")).to_have_text(f"1–20 of {ROWS}")


def test_a_report_with_problems_fits_a_phone(
    phone_page, e2e_user, live_server, task_worker, browser_problems
):
    page = phone_page
    sign_in(page.context, e2e_user, live_server.url)
    page.goto("/settings#data")
    section = page.get_by_test_id("settings-data")
    form = section.get_by_test_id("import-form")
    bad_rows = "Broken chair,12.345,2026-01-03,,,\nMystery box,9.99,30/02/2026,,,\n"
    choose_file(form, "purchases.csv", purchases_csv(rows=40, extra=bad_rows))
    form.get_by_test_id("import-submit").click()

    report = section.get_by_test_id("import-report")
    expect(report).to_be_visible(timeout=30_000)
    expect(report.get_by_test_id("import-outcome")).to_contain_text("Nothing was imported")
    problems = report.get_by_test_id("import-error")
    expect(problems).to_have_count(2)
    expect(problems.first).to_contain_text("42")
    expect(problems.first).to_contain_text("price")
    assert not Purchase.objects.exists()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the settings page scrolls sideways by {overflow}px on a phone"
    section_screenshot(page, "settings-data-import-phone")
