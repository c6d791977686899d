"""A purchase's attachments as a person uses them: upload a receipt photo, see its thumbnail,
preview it, download it, delete it; a PDF shown in the preview; refused and too large files
said in the page; the page at a phone's width."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.conftest import SCREENSHOT_DIR, open_dialog, screenshot, sign_in
from purchases import services
from purchases.models import Attachment
from purchases.tests.factories import PurchaseFactory
from purchases.tests.files import HEIC, HTML_AS_PNG, stored_path, tiny_png

# Chromium shows a PDF with its own viewer, an extension inside the browser; its pages are not
# another host, and the application still makes no request outside itself.
BROWSER_INTERNAL = re.compile(r"^chrome(-extension)?://")


def small_pdf() -> bytes:
    """A valid one-page PDF that says "Receipt 42.00"."""
    text = b"BT /F1 24 Tf 40 100 Td (Receipt 42.00) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


def attach(owner, purchase, name: str, content: bytes, kind: str = "receipt") -> Attachment:
    return services.attachment_add(
        owner=owner, purchase_id=purchase.id, stream=io.BytesIO(content), filename=name, kind=kind
    )


def file_part(name: str, content: bytes, mime_type: str) -> dict:
    return {"name": name, "mimeType": mime_type, "buffer": content}


def wait_until_drawn(page, image) -> None:
    """The image has loaded and decoded: the browser knows its real width."""
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=image.element_handle()
    )


def dialog_screenshot(page, name: str) -> None:
    """What the screen shows while the dialog is open: a full-page picture would draw the
    fixed backdrop over the first screen only."""
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"{name}.png")


def rows(page):
    return page.get_by_test_id("attachment-row")


def test_attach_a_receipt_photo_preview_download_and_delete_it(
    signed_in_page, e2e_user, uploads_dir
):
    page = signed_in_page
    purchase = PurchaseFactory(owner=e2e_user, product_name="Espresso machine")
    photo = tiny_png(2, 2)
    page.goto(f"/inventory/{purchase.id}")
    expect(page.get_by_test_id("no-attachments")).to_have_text("No attachments yet.")
    expect(page.get_by_test_id("attachment-hint")).to_have_text(
        "PDF, JPEG, PNG, WebP, HEIC, GIF or plain text, up to 25 MB each"
    )

    page.get_by_label("Files").set_input_files(file_part("receipt.png", photo, "image/png"))
    expect(page.get_by_label("Kind")).to_have_value("receipt")
    page.get_by_test_id("upload-attachments").click()

    expect(page.get_by_role("status").filter(has_text="Attached “receipt.png”.")).to_be_visible()
    expect(rows(page)).to_have_count(1)
    row = rows(page).first
    expect(row).to_contain_text("receipt.png")
    expect(row).to_contain_text("Receipt")
    thumbnail = row.get_by_test_id("attachment-thumbnail")
    wait_until_drawn(page, thumbnail)
    assert thumbnail.evaluate("image => image.naturalWidth") == 2
    # The upload's progress bar is gone with the old form; the new one waits hidden.
    expect(page.locator("[data-upload-progress]")).to_be_hidden()
    expect(page.get_by_test_id("upload-attachments")).to_be_enabled()
    attachment = Attachment.objects.get(purchase=purchase)
    assert attachment.kind == "receipt" and attachment.content_type == "image/png"
    assert stored_path(uploads_dir, attachment.sha256).read_bytes() == photo

    row.get_by_test_id("attachment-name").click()
    dialog = open_dialog(page)
    expect(dialog.get_by_role("heading")).to_contain_text("receipt.png")
    preview = dialog.get_by_test_id("attachment-preview-image")
    wait_until_drawn(page, preview)
    with page.expect_download() as from_preview:
        dialog.get_by_test_id("attachment-preview-download").click()
    assert from_preview.value.suggested_filename == "receipt.png"
    assert Path(from_preview.value.path()).read_bytes() == photo
    dialog.get_by_role("button", name="Close").first.click()
    expect(dialog).to_be_hidden()

    with page.expect_download() as from_row:
        row.get_by_test_id("attachment-download").click()
    assert from_row.value.suggested_filename == "receipt.png"
    assert Path(from_row.value.path()).read_bytes() == photo

    row.get_by_test_id("attachment-delete").click()
    dialog = open_dialog(page)
    expect(dialog).to_contain_text("Delete this attachment?")
    dialog.get_by_test_id("confirm-attachment-delete").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="Deleted “receipt.png”.")).to_be_visible()
    expect(page.get_by_test_id("no-attachments")).to_have_text("No attachments yet.")
    assert not Attachment.objects.exists()
    assert not stored_path(uploads_dir, attachment.sha256).exists()


def test_upload_shows_its_progress_and_holds_the_button_meanwhile(signed_in_page, e2e_user):
    page = signed_in_page
    purchase = PurchaseFactory(owner=e2e_user, product_name="Espresso machine")
    page.goto(f"/inventory/{purchase.id}")
    # Note what the bar says each time the upload reports progress (after attachments.js).
    page.evaluate(
        """() => { window.progressSeen = [];
        document.addEventListener('htmx:xhr:progress', () => {
          const bar = document.querySelector('[data-upload-progress-bar]');
          window.progressSeen.push([bar.getAttribute('aria-valuenow'),
                                    bar.firstElementChild.style.width]);
        }); }"""
    )
    held = []
    page.route(f"**/inventory/{purchase.id}/attachments", lambda route: held.append(route))
    manual = b"Step 1: descale the machine.\n" + b"x" * (2 * 2**20) + b"\n"
    page.get_by_label("Files").set_input_files(file_part("manual.txt", manual, "text/plain"))
    page.get_by_label("Kind").select_option("manual")
    page.get_by_test_id("upload-attachments").click()

    # While the request waits, the bar shows and the button cannot send it twice.
    expect(page.locator("[data-upload-progress]")).to_be_visible()
    expect(page.get_by_test_id("upload-attachments")).to_be_disabled()
    expect(page.locator("[data-upload-progress-bar]")).to_have_attribute("aria-valuenow", "0")
    page.wait_for_function("() => true")  # lets the route handler run
    assert len(held) == 1
    held[0].continue_()

    expect(rows(page)).to_have_count(1)
    expect(page.locator("[data-upload-progress]")).to_be_hidden()
    expect(page.get_by_test_id("upload-attachments")).to_be_enabled()
    seen = page.evaluate("window.progressSeen")
    assert ["100", "100%"] in seen, seen
    assert Attachment.objects.get().size == len(manual)


def test_a_pdf_shows_in_the_preview_dialog(signed_in_page, e2e_user):
    page = signed_in_page
    page.context.route(BROWSER_INTERNAL, lambda route: route.continue_())
    purchase = PurchaseFactory(owner=e2e_user, product_name="Espresso machine")
    pdf = attach(e2e_user, purchase, "invoice.pdf", small_pdf(), kind="invoice")
    page.goto(f"/inventory/{purchase.id}")

    rows(page).first.get_by_test_id("attachment-preview").click()
    dialog = open_dialog(page)
    pdf_frame = dialog.get_by_test_id("attachment-preview-pdf")
    expect(pdf_frame).to_have_attribute("title", "PDF preview of invoice.pdf")
    expect(pdf_frame).to_have_attribute("src", f"/inventory/attachments/{pdf.id}/inline")
    # The frame holds the PDF (its policy and SAMEORIGIN let our page frame it), and this
    # Chromium has a PDF viewer (false when it would only offer the download).
    page.wait_for_function(
        "() => document.querySelector('[data-testid=attachment-preview-pdf]')"
        ".contentDocument?.contentType === 'application/pdf'"
    )
    assert page.evaluate("navigator.pdfViewerEnabled")
    # The viewer titles its frame after the file once it has read it.
    for _ in range(100):
        if any(
            BROWSER_INTERNAL.match(frame.url) and frame.title() == "invoice.pdf"
            for frame in page.frames
        ):
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail("Chromium's PDF viewer never opened the PDF in the preview")
    page.wait_for_timeout(1000)  # it draws the page a moment after
    dialog_screenshot(page, "attachment-preview-pdf")


def test_refused_and_too_large_files_are_said_and_the_good_one_kept(
    signed_in_page, e2e_user, browser_problems, settings
):
    settings.SPENDS_MAX_ATTACHMENT_BYTES = 1000
    browser_problems.expected_statuses.add(413)  # the region answers 413 with its reasons
    page = signed_in_page
    purchase = PurchaseFactory(owner=e2e_user, product_name="Espresso machine")
    page.goto(f"/inventory/{purchase.id}")

    page.get_by_label("Files").set_input_files(
        [
            file_part("good.png", tiny_png(), "image/png"),
            file_part("evil.png", HTML_AS_PNG, "image/png"),
            file_part("scan.pdf", small_pdf() + b" " * 2000, "application/pdf"),
        ]
    )
    page.get_by_label("Kind").select_option("photo")
    page.get_by_test_id("upload-attachments").click()

    errors = page.get_by_test_id("attachment-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("“evil.png” holds HTML or SVG markup")
    expect(errors).to_contain_text("attachments may be at most 1000 bytes")
    expect(page.get_by_role("status").filter(has_text="Attached “good.png”.")).to_be_visible()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("good.png")
    expect(page.get_by_label("Kind")).to_have_value("photo")
    assert [a.filename for a in Attachment.objects.all()] == ["good.png"]
    screenshot(page, "attachment-upload-refused")


def attachments_for_screenshots(owner):
    purchase = PurchaseFactory(owner=owner, product_name="Mirrorless camera with kit lens")
    attach(owner, purchase, "receipt-2026-01-15.png", tiny_png(240, 160, square=20))
    attach(owner, purchase, "invoice.pdf", small_pdf(), kind="invoice")
    attach(owner, purchase, "IMG_20260115_120000_serial_number_sticker.heic", HEIC, kind="photo")
    attach(owner, purchase, "warranty-terms.txt", b"Two years from purchase.\n", kind="manual")
    return purchase


def test_attachments_look_finished_on_desktop(signed_in_page, e2e_user):
    page = signed_in_page
    purchase = attachments_for_screenshots(e2e_user)
    page.goto(f"/inventory/{purchase.id}")
    expect(rows(page)).to_have_count(4)
    wait_until_drawn(page, page.get_by_test_id("attachment-thumbnail"))
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "purchase-attachments-desktop")

    rows(page).first.get_by_test_id("attachment-preview").click()
    dialog = open_dialog(page)
    wait_until_drawn(page, dialog.get_by_test_id("attachment-preview-image"))
    dialog_screenshot(page, "attachment-preview-image-desktop")
    dialog.get_by_role("button", name="Close").first.click()
    expect(dialog).to_be_hidden()

    rows(page).nth(3).get_by_test_id("attachment-preview").click()
    dialog = open_dialog(page)
    expect(dialog.get_by_test_id("attachment-preview-text")).to_have_text(
        "Two years from purchase.\n"
    )
    dialog_screenshot(page, "attachment-preview-text-desktop")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_attachments_fit_a_phone(phone_page, e2e_user, live_server, theme):
    page = phone_page
    page.context.add_init_script(f"localStorage.setItem('spends-theme', '{theme}');")
    sign_in(page.context, e2e_user, live_server.url)
    purchase = attachments_for_screenshots(e2e_user)
    page.goto(f"/inventory/{purchase.id}")
    expect(rows(page)).to_have_count(4)
    wait_until_drawn(page, page.get_by_test_id("attachment-thumbnail"))
    # From the top, so the sticky top bar is not drawn across the middle of the full page.
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"purchase-attachments-{theme}-phone")
    for page_width, name in (
        ("document.documentElement.scrollWidth - document.documentElement.clientWidth", "page"),
        (
            "(() => { const s = document.querySelector('#attachments .table-responsive');"
            " return s.scrollWidth - s.clientWidth; })()",
            "attachment table",
        ),
    ):
        overflow = page.evaluate(page_width)
        assert overflow <= 0, f"the {name} scrolls sideways by {overflow}px on a phone"
    # Kind, size and date give way to the name on a phone; kind and size stand under it.
    first = rows(page).first
    for hidden_column in (2, 3, 4):
        expect(first.locator("td").nth(hidden_column)).to_be_hidden()
    expect(first.locator("td").nth(1)).to_contain_text("Receipt · 729 bytes")

    rows(page).first.get_by_test_id("attachment-preview").click()
    dialog = open_dialog(page)
    wait_until_drawn(page, dialog.get_by_test_id("attachment-preview-image"))
    dialog_screenshot(page, f"attachment-preview-image-{theme}-phone")
