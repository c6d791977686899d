"""A purchase's attachments on its detail page: upload (several files, refusals, size limits,
with and without htmx), the preview dialog, the inline and download responses, delete, and that
nobody reaches another user's files. Files go through the real content-addressed store."""

import re
import uuid
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from purchases import services
from purchases.models import Attachment
from purchases.tests.factories import AttachmentFactory, PurchaseFactory
from purchases.tests.files import HEIC, HTML_AS_PNG, files_on_disk, stored_path, tiny_png

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def page(response) -> str:
    return response.content.decode()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def attach(owner, purchase, name: str, content: bytes, kind: str = "receipt") -> Attachment:
    return services.attachment_add(
        owner=owner, purchase_id=purchase.id, stream=BytesIO(content), filename=name, kind=kind
    )


def row_names(body: str) -> list[str]:
    return re.findall(r'data-testid="attachment-name"[^>]*>([^<]*)<', body)


def errors_shown(body: str) -> str:
    match = re.search(r'data-testid="attachment-errors">(.*?)</div>', body, re.S)
    assert match, "no error alert in the region"
    return match.group(1)


@pytest.fixture
def purchase(user):
    return PurchaseFactory(owner=user, product_name="Camera")


@pytest.fixture
def other_purchase(other_user):
    return PurchaseFactory(owner=other_user, product_name="Mallory's laptop")


# The region on the detail page -----------------------------------------------------------------


def test_detail_page_offers_the_upload_form_with_its_limits(user_client, purchase, settings):
    settings.SPENDS_MAX_ATTACHMENT_BYTES = 25 * 2**20
    body = page(user_client.get(f"/inventory/{purchase.id}"))

    upload_url = f"/inventory/{purchase.id}/attachments"
    form = re.search(r'<form class="attachment-upload"[^>]*>', body).group(0)
    for attribute in (
        'method="post"',
        f'action="{upload_url}"',
        'enctype="multipart/form-data"',
        f'hx-post="{upload_url}"',
        'hx-encoding="multipart/form-data"',
        'hx-target="#attachments"',
        'hx-swap="outerHTML"',
    ):
        assert attribute in form, attribute
    file_input = re.search(r'<input type="file"[^>]*>', body).group(0)
    assert 'name="files"' in file_input and "multiple" in file_input
    assert 'accept=".pdf,.jpg,.jpeg,.png,.webp,.heic,.heif,.gif,.txt,' in file_input
    assert '<label class="form-label" for="id_files">Files</label>' in body
    assert '<label class="form-label" for="id_kind">Kind</label>' in body
    assert '<option value="receipt" selected>Receipt</option>' in body
    assert "PDF, JPEG, PNG, WebP, HEIC, GIF or plain text, up to 25 MB each" in body
    assert 'role="progressbar"' in body and "data-upload-progress hidden" in body
    assert "js/attachments.js" in body
    assert "No attachments yet." in body


def test_hint_follows_the_configured_limit(user_client, purchase, settings):
    settings.SPENDS_MAX_ATTACHMENT_BYTES = 5 * 2**20
    assert "plain text, up to 5 MB each" in page(user_client.get(f"/inventory/{purchase.id}"))


def test_rows_show_a_thumbnail_or_an_icon_and_their_actions(user_client, user, purchase):
    image = attach(user, purchase, "shelf.png", tiny_png(), kind="photo")
    pdf = attach(user, purchase, "invoice.pdf", PDF, kind="invoice")
    heic = attach(user, purchase, "IMG_0001.heic", HEIC, kind="photo")
    text = attach(user, purchase, "notes.txt", b"Serial: 123\n", kind="other")

    body = page(user_client.get(f"/inventory/{purchase.id}"))
    assert row_names(body) == ["shelf.png", "invoice.pdf", "IMG_0001.heic", "notes.txt"]
    assert body.count('data-testid="attachment-row"') == 4
    thumbnail = re.search(r'<img class="attachment-thumb"[^>]*>', body).group(0)
    assert f'src="/inventory/attachments/{image.id}/inline"' in thumbnail
    assert 'loading="lazy"' in thumbnail and 'alt="Thumbnail of shelf.png"' in thumbnail
    assert body.count('<img class="attachment-thumb"') == 1
    assert "bi-file-earmark-pdf" in body and "bi-file-earmark-text" in body
    assert "bi-file-earmark-image" in body  # the HEIC's icon
    for shown in ("Photo", "Invoice", "Other", "76\xa0bytes", "12\xa0bytes"):
        assert shown in body, shown

    # Previewable files and text open the preview; HEIC has none, so its name downloads.
    for previewable in (image, pdf, text):
        assert f'hx-get="/inventory/attachments/{previewable.id}"' in body
    assert f'hx-get="/inventory/attachments/{heic.id}"' not in body
    assert (
        f'<a href="/inventory/attachments/{heic.id}/download" download '
        'data-testid="attachment-name">IMG_0001.heic</a>'
    ) in body
    assert body.count('data-testid="attachment-preview"') == 3
    assert body.count('data-testid="attachment-download"') == 4
    assert f'href="/inventory/attachments/{pdf.id}/download" download' in body
    assert f'href="/inventory/attachments/{pdf.id}/delete"' in body
    assert f'hx-get="/inventory/attachments/{pdf.id}/delete" hx-target="#dialog-content"' in body


def test_htmx_detail_fragment_still_holds_the_region(user_client, user, purchase):
    attach(user, purchase, "a.pdf", PDF)
    fragment = page(user_client.get(f"/inventory/{purchase.id}", headers=HTMX))
    assert fragment.lstrip().startswith('<div id="purchase-detail"')
    assert 'id="attachments"' in fragment and row_names(fragment) == ["a.pdf"]


def test_detail_never_lists_another_users_attachments(
    user_client, user, other_user, purchase, other_purchase
):
    attach(other_user, other_purchase, "secret.pdf", PDF)
    # A row naming this purchase but owned by someone else is not this user's either.
    AttachmentFactory(purchase=purchase, owner=other_user, filename="planted.pdf")
    attach(user, purchase, "mine.pdf", PDF)
    body = page(user_client.get(f"/inventory/{purchase.id}"))
    assert row_names(body) == ["mine.pdf"]
    assert "secret.pdf" not in body and "planted.pdf" not in body


# Upload ------------------------------------------------------------------------------------


def test_uploading_several_files_stores_each_with_the_kind(
    user_client, user, purchase, uploads_dir
):
    files = [
        upload("front.png", tiny_png(), "image/png"),
        upload("invoice.pdf", PDF, "application/pdf"),
        upload("serial.txt", "Seriennummer: ÄÖÜ-42\n".encode(), "text/plain"),
    ]
    response = user_client.post(
        f"/inventory/{purchase.id}/attachments", {"files": files, "kind": "invoice"}, headers=HTMX
    )

    assert response.status_code == 200
    body = page(response)
    assert body.lstrip().startswith('<section class="card" id="attachments"')
    assert row_names(body) == ["front.png", "invoice.pdf", "serial.txt"]
    assert "Attached 3 files." in body  # the toast, out of band
    assert 'data-testid="attachment-errors"' not in body
    # The kind chosen stays chosen for the next upload.
    assert '<option value="invoice" selected>Invoice</option>' in body

    attachments = list(Attachment.objects.filter(purchase=purchase).order_by("filename"))
    assert [(a.filename, a.kind, a.content_type) for a in attachments] == [
        ("front.png", "invoice", "image/png"),
        ("invoice.pdf", "invoice", "application/pdf"),
        ("serial.txt", "invoice", "text/plain"),
    ]
    for attachment, content in zip(
        attachments, [tiny_png(), PDF, "Seriennummer: ÄÖÜ-42\n".encode()], strict=True
    ):
        assert attachment.owner == user and attachment.size == len(content)
        assert stored_path(uploads_dir, attachment.sha256).read_bytes() == content


def test_uploading_one_file_names_it_in_the_toast(user_client, purchase):
    response = user_client.post(
        f"/inventory/{purchase.id}/attachments",
        {"files": upload("a.pdf", PDF), "kind": "receipt"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Attached “a.pdf”." in page(response)
    assert Attachment.objects.get(purchase=purchase).kind == "receipt"


def test_html_named_png_is_refused_and_the_good_file_beside_it_is_kept(
    user_client, purchase, uploads_dir
):
    response = user_client.post(
        f"/inventory/{purchase.id}/attachments",
        {
            "files": [upload("evil.png", HTML_AS_PNG, "image/png"), upload("good.pdf", PDF)],
            "kind": "receipt",
        },
        headers=HTMX,
    )

    assert response.status_code == 422
    body = page(response)
    shown = errors_shown(body)
    assert "“evil.png” holds HTML or SVG markup" in shown
    assert 'role="alert"' in body
    assert "Attached “good.pdf”." in body
    assert row_names(body) == ["good.pdf"]
    [kept] = Attachment.objects.filter(purchase=purchase)
    assert kept.filename == "good.pdf"
    stored = files_on_disk(uploads_dir)
    assert stored == [stored_path(uploads_dir, kept.sha256)]


def test_file_over_the_attachment_limit_answers_413_and_says_so(
    user_client, purchase, settings, uploads_dir
):
    settings.SPENDS_MAX_ATTACHMENT_BYTES = 100
    settings.SPENDS_MAX_IMPORT_BYTES = 10_000  # the request is read; the service refuses
    response = user_client.post(
        f"/inventory/{purchase.id}/attachments",
        {
            "files": [upload("big.pdf", PDF + b"x" * 200), upload("small.txt", b"fits")],
            "kind": "receipt",
        },
        headers=HTMX,
    )

    assert response.status_code == 413
    shown = errors_shown(page(response))
    assert "“big.pdf” is 277 bytes; attachments may be at most 100 bytes." in shown
    assert [a.filename for a in Attachment.objects.filter(purchase=purchase)] == ["small.txt"]


def test_file_dropped_while_reading_the_request_is_reported_too_large(
    user_client, purchase, settings, uploads_dir
):
    settings.SPENDS_MAX_ATTACHMENT_BYTES = 1000
    settings.SPENDS_MAX_IMPORT_BYTES = 1000
    response = user_client.post(
        f"/inventory/{purchase.id}/attachments",
        {"files": upload("huge.pdf", PDF + b"x" * 5000), "kind": "receipt"},
        headers=HTMX,
    )

    assert response.status_code == 413
    shown = errors_shown(page(response))
    assert "“huge.pdf” is larger than the upload limit of 1000 bytes." in shown
    assert "Choose one or more files." not in shown
    assert not Attachment.objects.exists()
    assert not files_on_disk(uploads_dir)


def test_upload_without_a_file_asks_for_one(user_client, purchase):
    response = user_client.post(
        f"/inventory/{purchase.id}/attachments", {"kind": "receipt"}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Choose one or more files." in errors_shown(page(response))
    assert not Attachment.objects.exists()


def test_upload_with_an_unknown_kind_stores_nothing(user_client, purchase):
    response = user_client.post(
        f"/inventory/{purchase.id}/attachments",
        {"files": upload("a.pdf", PDF), "kind": "bribe"},
        headers=HTMX,
    )
    assert response.status_code == 422
    body = page(response)
    assert "Choose one of the kinds in the list." in body
    assert 'aria-invalid="true"' in body
    assert not Attachment.objects.exists()


def test_upload_without_htmx_redirects_back_with_messages(user_client, purchase):
    response = user_client.post(
        f"/inventory/{purchase.id}/attachments",
        {"files": [upload("a.pdf", PDF), upload("evil.png", HTML_AS_PNG)], "kind": "manual"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/inventory/{purchase.id}"
    body = page(user_client.get(response["Location"]))
    assert "Attached “a.pdf”." in body
    assert "“evil.png” holds HTML or SVG markup" in body
    assert row_names(body) == ["a.pdf"]
    assert Attachment.objects.get().kind == "manual"


def test_upload_without_htmx_and_without_a_file_says_so_on_the_page(user_client, purchase):
    response = user_client.post(f"/inventory/{purchase.id}/attachments", {}, follow=True)
    assert response.redirect_chain == [(f"/inventory/{purchase.id}", 302)]
    body = page(response)
    assert "Choose one or more files." in body
    assert "Choose what kind of file this is." in body


def test_upload_to_another_users_purchase_is_404_and_stores_nothing(
    user_client, other_purchase, uploads_dir
):
    response = user_client.post(
        f"/inventory/{other_purchase.id}/attachments",
        {"files": upload("a.pdf", PDF), "kind": "receipt"},
    )
    assert response.status_code == 404
    assert not Attachment.objects.exists()
    assert not files_on_disk(uploads_dir)


def test_upload_url_answers_only_post(user_client, purchase):
    assert user_client.get(f"/inventory/{purchase.id}/attachments").status_code == 405


# Preview -----------------------------------------------------------------------------------


def test_image_preview_in_the_dialog_and_as_a_page(user_client, user, purchase):
    image = attach(user, purchase, "shelf.png", tiny_png())

    fragment = page(user_client.get(f"/inventory/attachments/{image.id}", headers=HTMX))
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="attachment-preview"')
    assert 'id="dialog-title"' in fragment and "shelf.png" in fragment
    preview = re.search(r'<img class="attachment-preview-image"[^>]*>', fragment).group(0)
    assert f'src="/inventory/attachments/{image.id}/inline"' in preview
    assert 'alt="shelf.png"' in preview
    assert f'href="/inventory/attachments/{image.id}/download" download' in fragment
    assert 'data-bs-dismiss="modal">Close</button>' in fragment

    full = page(user_client.get(f"/inventory/attachments/{image.id}"))
    assert "<html" in full and 'data-testid="attachment-preview-image"' in full
    assert f'href="/inventory/{purchase.id}">Back to the purchase</a>' in full


def test_pdf_preview_is_a_titled_frame_with_a_download_beside_it(user_client, user, purchase):
    pdf = attach(user, purchase, "invoice.pdf", PDF)
    body = page(user_client.get(f"/inventory/attachments/{pdf.id}", headers=HTMX))
    frame = re.search(r"<iframe[^>]*>", body).group(0)
    assert f'src="/inventory/attachments/{pdf.id}/inline"' in frame
    assert 'title="PDF preview of invoice.pdf"' in frame
    assert 'data-testid="attachment-preview-pdf"' in frame
    assert 'data-testid="attachment-preview-download"' in body


def test_text_preview_shows_the_text_escaped(user_client, user, purchase):
    text = attach(user, purchase, "notes.txt", 'Größe < 5 & "fine"\nline two\n'.encode())
    body = page(user_client.get(f"/inventory/attachments/{text.id}", headers=HTMX))
    shown = re.search(r'data-testid="attachment-preview-text">(.*?)</pre>', body, re.S).group(1)
    assert shown == "Größe &lt; 5 &amp; &quot;fine&quot;\nline two\n"
    assert 'data-testid="attachment-preview-truncated"' not in body
    assert "/inline" not in body


def test_long_text_preview_shows_its_first_100_kb(user_client, user, purchase):
    # 3-byte characters, so the cut at 100 KB falls inside one: it is left out, not mangled.
    content = ("€" * 40_000).encode()
    text = attach(user, purchase, "long.txt", content)
    body = page(user_client.get(f"/inventory/attachments/{text.id}", headers=HTMX))
    shown = re.search(r'data-testid="attachment-preview-text">(.*?)</pre>', body, re.S).group(1)
    assert shown == "€" * (100 * 1024 // 3)
    assert "Showing the first 100 KB; download the file for the rest." in body


def test_heic_preview_says_there_is_none_and_offers_the_download(user_client, user, purchase):
    heic = attach(user, purchase, "IMG_0001.heic", HEIC)
    body = page(user_client.get(f"/inventory/attachments/{heic.id}", headers=HTMX))
    assert "There is no preview for this kind of file (browsers cannot show HEIC images)" in body
    assert "<img" not in body and "<iframe" not in body
    assert f'href="/inventory/attachments/{heic.id}/download" download' in body


def test_preview_of_an_attachment_whose_file_is_missing_says_so(user_client, purchase):
    lost = AttachmentFactory(purchase=purchase, filename="lost.pdf")
    body = page(user_client.get(f"/inventory/attachments/{lost.id}", headers=HTMX))
    assert "file is missing from the store" in body
    assert "<iframe" not in body and "/download" not in body


# Inline and download -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("shelf.png", tiny_png(), "image/png"), ("invoice.pdf", PDF, "application/pdf")],
)
def test_inline_serves_images_and_pdfs_framable_by_this_site_only(
    user_client, user, purchase, name, content, content_type
):
    attachment = attach(user, purchase, name, content)
    response = user_client.get(f"/inventory/attachments/{attachment.id}/inline")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("inline;")
    assert name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "default-src 'none'" in policy
    assert "script-src" not in policy  # nothing may run, whatever the file holds


@pytest.mark.parametrize(
    ("name", "content"), [("notes.txt", b"just text\n"), ("IMG_0001.heic", HEIC)]
)
def test_inline_refuses_what_a_browser_cannot_show_safely(
    user_client, user, purchase, name, content
):
    attachment = attach(user, purchase, name, content)
    assert user_client.get(f"/inventory/attachments/{attachment.id}/inline").status_code == 404


def test_download_is_byte_identical_and_never_sniffed(user_client, user, purchase):
    content = tiny_png(3, 3)
    attachment = attach(user, purchase, "Kassenbon März.png", content)
    response = user_client.get(f"/inventory/attachments/{attachment.id}/download")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Kassenbon%20M%C3%A4rz.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"  # only inline files may be framed


def test_download_of_a_missing_file_is_404(user_client, purchase):
    lost = AttachmentFactory(purchase=purchase)
    assert user_client.get(f"/inventory/attachments/{lost.id}/download").status_code == 404


# Delete ------------------------------------------------------------------------------------


def test_delete_asks_first_in_the_dialog_and_as_a_page(user_client, user, purchase):
    attachment = attach(user, purchase, "a.pdf", PDF)

    fragment = page(user_client.get(f"/inventory/attachments/{attachment.id}/delete", headers=HTMX))
    assert "<html" not in fragment and "Delete this attachment?" in fragment
    assert f'hx-post="/inventory/attachments/{attachment.id}/delete"' in fragment
    assert 'data-testid="confirm-attachment-delete"' in fragment

    full = page(user_client.get(f"/inventory/attachments/{attachment.id}/delete"))
    assert "<html" in full and "Delete this attachment?" in full
    assert "hx-post" not in re.search(r'<form id="attachment-delete"[^>]*>', full).group(0)
    assert f'href="/inventory/{purchase.id}">Cancel</a>' in full
    assert Attachment.objects.filter(id=attachment.id).exists()


def test_delete_with_htmx_closes_the_dialog_refreshes_the_detail_and_frees_the_file(
    user_client, user, purchase, uploads_dir, django_capture_on_commit_callbacks
):
    attachment = attach(user, purchase, "a.pdf", PDF)
    path = stored_path(uploads_dir, attachment.sha256)
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(f"/inventory/attachments/{attachment.id}/delete", headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Trigger"] == "dialog:close, purchases-changed"
    assert "Deleted “a.pdf”." in page(response)
    assert not Attachment.objects.exists()
    assert not path.exists()
    assert "No attachments yet." in page(user_client.get(f"/inventory/{purchase.id}"))


def test_delete_keeps_the_file_while_another_attachment_has_the_same_bytes(
    user_client, user, purchase, uploads_dir, django_capture_on_commit_callbacks
):
    first = attach(user, purchase, "a.pdf", PDF)
    second = attach(user, PurchaseFactory(owner=user), "copy.pdf", PDF)
    path = stored_path(uploads_dir, first.sha256)

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(f"/inventory/attachments/{first.id}/delete")

    assert response.status_code == 302
    assert response["Location"] == f"/inventory/{purchase.id}"
    assert list(Attachment.objects.all()) == [second]
    assert path.read_bytes() == PDF
    assert "Deleted “a.pdf”." in page(user_client.get(response["Location"]))


# Nobody reaches another user's attachment --------------------------------------------------

ATTACHMENT_URLS = [
    ("get", ""),
    ("get", "/inline"),
    ("get", "/download"),
    ("get", "/delete"),
    ("post", "/delete"),
]


@pytest.mark.parametrize(("method", "suffix"), ATTACHMENT_URLS)
def test_another_users_attachment_answers_404_like_a_missing_one(
    user_client, other_user, other_purchase, method, suffix, uploads_dir
):
    theirs = attach(other_user, other_purchase, "secret.png", tiny_png())
    for attachment_id in (theirs.id, uuid.uuid4()):
        response = getattr(user_client, method)(f"/inventory/attachments/{attachment_id}{suffix}")
        assert response.status_code == 404
        assert b"secret.png" not in response.content
    assert Attachment.objects.filter(id=theirs.id).exists()
    assert stored_path(uploads_dir, theirs.sha256).exists()


def test_upload_to_a_missing_purchase_is_404(user_client):
    response = user_client.post(
        f"/inventory/{uuid.uuid4()}/attachments",
        {"files": upload("a.pdf", PDF), "kind": "receipt"},
        headers=HTMX,
    )
    assert response.status_code == 404
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("method", "suffix"), [("post", ""), ("post", "/inline")])
def test_read_only_urls_refuse_other_methods(user_client, user, purchase, method, suffix):
    attachment = attach(user, purchase, "a.pdf", PDF)
    response = getattr(user_client, method)(f"/inventory/attachments/{attachment.id}{suffix}")
    assert response.status_code == 405


def test_the_detail_page_makes_the_same_queries_for_one_attachment_or_twelve(
    user_client, user, purchase
):
    def queries_for_detail() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = user_client.get(f"/inventory/{purchase.id}")
        assert response.status_code == 200
        return len(queries)

    attach(user, purchase, "first.pdf", PDF)
    with_one = queries_for_detail()
    for index in range(11):
        attach(user, purchase, f"page-{index}.png", tiny_png(2, 2 + index))
    assert queries_for_detail() == with_one
    assert with_one <= 10
