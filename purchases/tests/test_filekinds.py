"""Which files may be attached, recognised by their content alone."""

import pytest

from purchases.filekinds import Refusal, content_type_of, previewable

# The first bytes of each allowed kind, as real files start.
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 "
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
HEIC_MIF1 = b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heicmiaf"
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
TEXT = "Receipt\r\nCoffee grinder\t€89.00\n".encode()


def kind(head: bytes, filename: str = "file") -> str | Refusal:
    return content_type_of(head, filename=filename, complete=True)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF, "application/pdf"),
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (GIF, "image/gif"),
        (b"GIF87a\x01\x00", "image/gif"),
        (WEBP, "image/webp"),
        (HEIC, "image/heic"),
        (HEIC_MIF1, "image/heic"),
        (TEXT, "text/plain"),
        (b"\xef\xbb\xbfWith a byte-order mark\n", "text/plain"),
    ],
)
def test_each_allowed_kind_is_recognised_by_content(head, expected):
    assert kind(head) == expected


@pytest.mark.parametrize("name", ["photo.png", "scan.pdf", "notes.txt", "noextension"])
def test_the_name_does_not_decide(name):
    assert kind(PNG, name) == "image/png"
    assert isinstance(kind(b"MZ\x90\x00\x03\x00\x00\x00", name), Refusal)


@pytest.mark.parametrize(
    "markup",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"  \n<html><body>hi</body></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"Looks like text\n<script>fetch('/api/purchases')</script>",
    ],
)
def test_html_or_svg_under_an_image_name_is_refused_with_a_clear_message(markup):
    refusal = kind(markup, "holiday.png")
    assert isinstance(refusal, Refusal)
    assert "“holiday.png”" in refusal.message and "HTML or SVG" in refusal.message


@pytest.mark.parametrize(
    ("head", "why"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "a Windows program"),
        (b"PK\x03\x04\x14\x00\x00\x00", "a zip archive"),
        (b"\x7fELF\x02\x01\x01", "a Linux program"),
        (AVIF, "an AVIF image"),
        (MP4, "a video"),
        (b"text with a NUL \x00 inside", "binary data"),
        (b"caf\xe9 in Latin-1", "text that is not UTF-8"),
    ],
)
def test_other_kinds_are_refused(head, why):
    refusal = kind(head, "upload.bin")
    assert isinstance(refusal, Refusal), why
    assert "PDF, JPEG, PNG, WebP, HEIC, GIF or plain text" in refusal.message


def test_an_empty_file_is_refused():
    assert kind(b"", "empty.txt") == Refusal("“empty.txt” is empty.")


def test_text_cut_inside_a_character_is_text_when_the_file_goes_on():
    head = "é".encode() * 10 + "é".encode()[:1]
    assert content_type_of(head, filename="long.txt", complete=False) == "text/plain"
    assert isinstance(content_type_of(head, filename="short.txt", complete=True), Refusal)


def test_only_images_a_browser_draws_and_pdfs_are_previewed():
    assert all(
        previewable(t) for t in ("image/png", "image/jpeg", "image/gif", "image/webp")
    ) and previewable("application/pdf")
    assert not previewable("image/heic") and not previewable("text/plain")
