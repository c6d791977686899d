"""Attachments through the services and the API: stored once, released with the last one
naming them, limited in size and kind, and only ever their owner's."""

import hashlib
import io
import re

import pytest
from django.db import transaction

from purchases import filestore, services
from purchases.models import Attachment
from purchases.tests.factories import PurchaseFactory
from purchases.tests.files import files_on_disk
from spends.errors import PayloadTooLarge

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PDF = b"%PDF-1.7\n" + b"Invoice 2026-0042: 1 coffee grinder\n" * 40


def on_disk(uploads_dir) -> list[str]:
    return [path.name for path in files_on_disk(uploads_dir)]


def upload(name: str, data: bytes) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def attach(owner, purchase, data: bytes = PNG, filename: str = "receipt.png", kind="receipt"):
    return services.attachment_add(
        owner=owner, purchase_id=purchase.id, stream=io.BytesIO(data), filename=filename, kind=kind
    )


# --- The file store as the attachments use it ---------------------------------------------


def test_identical_files_are_stored_once_across_purchases_and_users(user, other_user, uploads_dir):
    mine, also_mine = PurchaseFactory(owner=user), PurchaseFactory(owner=user)
    theirs = PurchaseFactory(owner=other_user)
    attachments = [
        attach(user, mine),
        attach(user, also_mine, filename="copy.png"),
        attach(other_user, theirs, filename="their scan.png"),
    ]
    digest = hashlib.sha256(PNG).hexdigest()
    assert {a.sha256 for a in attachments} == {digest}
    assert on_disk(uploads_dir) == [digest]
    assert Attachment.objects.count() == 3


def test_the_stored_file_goes_with_the_last_attachment_naming_it(
    user, other_user, uploads_dir, django_capture_on_commit_callbacks
):
    first, second = PurchaseFactory(owner=user), PurchaseFactory(owner=user)
    theirs = PurchaseFactory(owner=other_user)
    one = attach(user, first)
    attach(user, second)
    attach(other_user, theirs)
    digest = one.sha256

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(owner=user, attachment_id=one.id)
    assert filestore.exists(digest)
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_delete(owner=user, purchase_id=second.id)  # with its attachments
    assert filestore.exists(digest)
    with django_capture_on_commit_callbacks(execute=True):
        other_user.delete()  # an account's deletion takes its attachments along
    assert not filestore.exists(digest)
    assert on_disk(uploads_dir) == []


def test_bulk_deleting_purchases_releases_their_files(
    user, uploads_dir, django_capture_on_commit_callbacks
):
    purchases = [PurchaseFactory(owner=user) for _ in range(3)]
    for index, purchase in enumerate(purchases):
        attach(user, purchase, data=PDF + str(index).encode(), filename=f"{index}.pdf")
    assert len(on_disk(uploads_dir)) == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_bulk_delete(owner=user, purchase_ids=[p.id for p in purchases[:2]])
    assert len(on_disk(uploads_dir)) == 1


def test_a_delete_that_is_rolled_back_keeps_the_file(
    user, uploads_dir, django_capture_on_commit_callbacks
):
    attachment = attach(user, PurchaseFactory(owner=user))
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.attachment_delete(owner=user, attachment_id=attachment.id)
        raise RuntimeError("something later in the same transaction failed")
    assert Attachment.objects.filter(id=attachment.id).exists()
    assert filestore.exists(attachment.sha256)


def test_a_failed_record_does_not_leave_its_new_file_behind(user, uploads_dir, monkeypatch):
    purchase = PurchaseFactory(owner=user)

    def database_gone(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Attachment, "save", database_gone)
    with pytest.raises(RuntimeError):
        attach(user, purchase)
    assert on_disk(uploads_dir) == []


def test_a_file_removed_by_a_concurrent_delete_is_stored_again(user, uploads_dir, monkeypatch):
    # Another request deleting the last other attachment with the same bytes may remove the
    # file between this upload finding it stored and recording its attachment.
    purchase = PurchaseFactory(owner=user)
    filestore.put(io.BytesIO(PNG))
    real_save = Attachment.save

    def save_while_the_file_is_released(self, *args, **kwargs):
        filestore.delete(self.sha256)
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", save_while_the_file_is_released)
    attachment = attach(user, purchase)
    assert filestore.matches(attachment.sha256)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/receipt.pdf", "receipt.pdf"),
        ("C:\\Users\\ana\\Scans\\invoice.pdf", "invoice.pdf"),
        ("bad\x00na\x1bme\n.pdf", "badname.pdf"),
        ("   ", "file"),
        ("..", "file"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
        ("Kaffeemühle – Quittung.pdf", "Kaffeemühle – Quittung.pdf"),
    ],
)
def test_the_file_name_keeps_no_folder_and_no_control_characters(user, sent, kept):
    attachment = attach(user, PurchaseFactory(owner=user), data=PDF, filename=sent)
    assert attachment.filename == kept


def test_the_content_type_comes_from_the_content_not_the_name(user):
    attachment = attach(user, PurchaseFactory(owner=user), data=PDF, filename="scan.png")
    assert attachment.content_type == "application/pdf"


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(user, uploads_dir, settings):
    settings.SPENDS_MAX_ATTACHMENT_BYTES = len(PNG)
    purchase = PurchaseFactory(owner=user)
    assert attach(user, purchase).size == len(PNG)  # exactly at the limit is fine
    with pytest.raises(PayloadTooLarge, match="attachments may be at most"):
        attach(user, purchase, data=PNG + b"!")
    assert Attachment.objects.count() == 1 and len(on_disk(uploads_dir)) == 1


# --- The API ---------------------------------------------------------------------------------


@pytest.fixture
def purchase(user):
    return PurchaseFactory(owner=user, product_name="Coffee grinder")


def test_upload_answers_201_with_the_attachment(api_client, purchase, uploads_dir):
    response = api_client.post(
        f"/api/purchases/{purchase.id}/attachments",
        {"file": upload("grinder receipt.pdf", PDF), "kind": "invoice"},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id", "purchase_id", "kind", "filename", "content_type", "size", "sha256", "created_at",
    }  # fmt: skip
    assert body["purchase_id"] == str(purchase.id)
    assert body["kind"] == "invoice" and body["filename"] == "grinder receipt.pdf"
    assert body["content_type"] == "application/pdf" and body["size"] == len(PDF)
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["created_at"].endswith("Z")
    assert on_disk(uploads_dir) == [body["sha256"]]
    purchase_body = api_client.get(f"/api/purchases/{purchase.id}").json()
    assert purchase_body["attachment_count"] == 1


def test_the_kind_defaults_to_other(api_client, purchase):
    response = api_client.post(
        f"/api/purchases/{purchase.id}/attachments", {"file": upload("a.png", PNG)}
    )
    assert response.status_code == 201 and response.json()["kind"] == "other"


def test_list_is_a_plain_array_oldest_first(api_client, purchase, user):
    first = attach(user, purchase, filename="first.png")
    second = attach(user, purchase, data=PDF, filename="second.pdf")
    response = api_client.get(f"/api/purchases/{purchase.id}/attachments")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == [str(first.id), str(second.id)]
    other = PurchaseFactory(owner=user)
    assert api_client.get(f"/api/purchases/{other.id}/attachments").json() == []


def test_download_is_byte_identical_with_download_headers(api_client, purchase, user):
    attachment = attach(user, purchase, data=PDF, filename="grinder receipt.pdf")
    response = api_client.get(f"/api/attachments/{attachment.id}/download")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["Content-Disposition"] == 'attachment; filename="grinder receipt.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_a_name_beyond_ascii_is_kept_in_the_download(api_client, purchase, user):
    attachment = attach(user, purchase, data=PDF, filename="Quittung Kaffeemühle.pdf")
    response = api_client.get(f"/api/attachments/{attachment.id}/download")
    assert "filename*=utf-8''Quittung%20Kaffeem%C3%BChle.pdf" in response["Content-Disposition"]


def test_text_downloads_say_their_encoding(api_client, purchase, user):
    text = "Total: 89,00 €\n".encode()
    attachment = attach(user, purchase, data=text, filename="note.txt")
    response = api_client.get(f"/api/attachments/{attachment.id}/download")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"".join(response.streaming_content) == text


def test_delete_answers_204_and_removes_the_file(
    api_client, purchase, user, uploads_dir, django_capture_on_commit_callbacks
):
    attachment = attach(user, purchase)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(f"/api/attachments/{attachment.id}")
    assert response.status_code == 204
    assert not Attachment.objects.exists() and on_disk(uploads_dir) == []
    assert api_client.get(f"/api/attachments/{attachment.id}/download").status_code == 404


def test_deleting_a_purchase_through_the_api_removes_its_files(
    api_client, purchase, user, uploads_dir, django_capture_on_commit_callbacks
):
    attach(user, purchase)
    attach(user, purchase, data=PDF, filename="b.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(f"/api/purchases/{purchase.id}").status_code == 204
    assert on_disk(uploads_dir) == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("holiday.png", b"<html><script>alert(document.cookie)</script></html>", "HTML or SVG"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "HTML"),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "not a kind of file that can be attached"),
        ("empty.txt", b"", "is empty"),
    ],
)
def test_a_refused_kind_answers_422_naming_the_file_and_stores_nothing(
    api_client, purchase, uploads_dir, name, data, message
):
    response = api_client.post(
        f"/api/purchases/{purchase.id}/attachments", {"file": upload(name, data)}
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "file"]
    assert message in problem["msg"] and f"“{name}”" in problem["msg"]
    assert not Attachment.objects.exists() and on_disk(uploads_dir) == []


def test_a_file_over_the_attachment_limit_answers_413(api_client, purchase, settings, uploads_dir):
    settings.SPENDS_MAX_ATTACHMENT_BYTES = 1024
    response = api_client.post(
        f"/api/purchases/{purchase.id}/attachments", {"file": upload("big.png", PNG)}
    )
    assert response.status_code == 413
    assert re.fullmatch(
        r"“big\.png” is 2 KB; attachments may be at most 1 KB\.", response.json()["detail"]
    )
    assert on_disk(uploads_dir) == []


def test_a_file_over_every_upload_limit_is_dropped_while_reading_and_answers_413(
    api_client, purchase, settings, uploads_dir, tmp_path
):
    settings.SPENDS_MAX_ATTACHMENT_BYTES = 1024
    settings.SPENDS_MAX_IMPORT_BYTES = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # would spill to a temporary file if read
    huge = PNG * 64
    response = api_client.post(
        f"/api/purchases/{purchase.id}/attachments", {"file": upload("huge.png", huge)}
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "“huge.png” is larger than the upload limit."}
    assert on_disk(uploads_dir) == []
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".upload")] == []


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        (lambda: {"kind": "receipt"}, ["body", "file"]),
        (lambda: {"file": "not a file"}, ["body", "file"]),
        (lambda: {"file": upload("a.png", PNG), "kind": "selfie"}, ["body", "kind"]),
    ],
    ids=["no file", "text instead of a file", "unknown kind"],
)
def test_a_malformed_upload_answers_422_naming_the_field(api_client, purchase, payload, loc):
    response = api_client.post(f"/api/purchases/{purchase.id}/attachments", payload())
    assert response.status_code == 422
    assert loc in [problem["loc"] for problem in response.json()["detail"]]
    assert not Attachment.objects.exists()


def test_a_missing_stored_file_answers_404_not_500(api_client, purchase, user, uploads_dir):
    attachment = attach(user, purchase)
    filestore.delete(attachment.sha256)
    response = api_client.get(f"/api/attachments/{attachment.id}/download")
    assert response.status_code == 404
    assert response.json() == {"detail": "This attachment's file is missing from the store."}


def test_without_credentials_the_attachment_endpoints_answer_401(client, purchase, user):
    attachment = attach(user, purchase)
    calls = [
        client.post(f"/api/purchases/{purchase.id}/attachments", {"file": upload("a.png", PNG)}),
        client.get(f"/api/purchases/{purchase.id}/attachments"),
        client.get(f"/api/attachments/{attachment.id}/download"),
        client.delete(f"/api/attachments/{attachment.id}"),
    ]
    assert [response.status_code for response in calls] == [401] * 4
    assert Attachment.objects.count() == 1


def test_another_users_purchase_and_attachments_answer_404_like_missing_ones(
    api_client, other_user, uploads_dir, django_capture_on_commit_callbacks
):
    theirs = PurchaseFactory(owner=other_user)
    their_attachment = attach(other_user, theirs)
    missing = "00000000-0000-4000-8000-000000000000"
    for purchase_id in (theirs.id, missing):
        answers = [
            api_client.post(
                f"/api/purchases/{purchase_id}/attachments", {"file": upload("a.png", PNG)}
            ),
            api_client.get(f"/api/purchases/{purchase_id}/attachments"),
        ]
        assert [(r.status_code, r.json()) for r in answers] == [
            (404, {"detail": "Purchase not found."})
        ] * 2
    for attachment_id in (their_attachment.id, missing):
        with django_capture_on_commit_callbacks(execute=True):
            answers = [
                api_client.get(f"/api/attachments/{attachment_id}/download"),
                api_client.delete(f"/api/attachments/{attachment_id}"),
            ]
        assert [(r.status_code, r.json()) for r in answers] == [
            (404, {"detail": "Attachment not found."})
        ] * 2
    assert list(Attachment.objects.all()) == [their_attachment]
    assert filestore.matches(their_attachment.sha256)


def test_a_bad_id_answers_422(api_client):
    assert api_client.get("/api/purchases/not-a-uuid/attachments").status_code == 422
    assert api_client.get("/api/attachments/not-a-uuid/download").status_code == 422
