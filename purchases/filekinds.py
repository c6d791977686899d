"""Which files may be attached: recognised by their first bytes, never by their name or by the
content type a browser claims (SPEC section 7)."""

import codecs
import dataclasses
import re

# How much of a file is read to recognise it; text is judged on this much of its start.
HEAD_SIZE = 64 * 1024

ALLOWED_KINDS_TEXT = "PDF, JPEG, PNG, WebP, HEIC, GIF or plain text"
# What the browser's file picker offers; the server decides by content all the same.
ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp,.heic,.heif,.gif,.txt,application/pdf,image/*,text/plain"
# Content types a browser shows inside the page (HEIC and text are not among them: Chromium
# cannot draw HEIC, and text is shown escaped by the page itself).
PREVIEW_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
PREVIEW_DOCUMENT_TYPES = frozenset({"application/pdf"})

HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"})
# Text that a browser would run as a page or a drawing, wherever it starts.
MARKUP_PATTERN = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|script|iframe|svg|\?xml|meta|object|embed)\b",
    re.IGNORECASE,
)
# Control characters other than tab, line feed, form feed and carriage return: binary data.
BINARY_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


@dataclasses.dataclass(frozen=True)
class Refusal:
    message: str


def _iso_media_brands(head: bytes) -> set[bytes]:
    """The major and compatible brands of an ISO media file's `ftyp` box (HEIC, MP4, ...)."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return set()
    box_size = int.from_bytes(head[0:4], "big")
    end = min(max(box_size, 16), len(head))
    return {head[8:12]} | {head[i : i + 4] for i in range(16, end - 3, 4)}


def _image_or_document(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if _iso_media_brands(head) & HEIC_BRANDS:
        return "image/heic"
    return None


def _is_text(head: bytes, complete: bool) -> bool:
    if BINARY_CONTROL.search(head):
        return False
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        # A file cut at HEAD_SIZE may end inside a character; only a finished file must end
        # on a whole one.
        decoder.decode(head, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def content_type_of(head: bytes, *, filename: str, complete: bool) -> str | Refusal:
    """The content type of a file that starts with `head` (its first HEAD_SIZE bytes, or all
    of it when `complete`), or why it cannot be attached."""
    if not head:
        return Refusal(f"“{filename}” is empty.")
    detected = _image_or_document(head)
    if detected:
        return detected
    if MARKUP_PATTERN.search(head):
        return Refusal(
            f"“{filename}” holds HTML or SVG markup, which a browser could run as a page; "
            f"it is refused whatever its name says. Attach {ALLOWED_KINDS_TEXT} files."
        )
    if _is_text(head, complete):
        return "text/plain"
    return Refusal(
        f"“{filename}” is not a kind of file that can be attached (its content is not "
        f"{ALLOWED_KINDS_TEXT})."
    )


def preview_kind(content_type: str) -> str:
    """How a page shows a file: "image", "pdf" (both served inline), "text" (escaped in the
    page itself) or "" when a browser cannot show it (HEIC)."""
    if content_type in PREVIEW_IMAGE_TYPES:
        return "image"
    if content_type in PREVIEW_DOCUMENT_TYPES:
        return "pdf"
    if content_type == "text/plain":
        return "text"
    return ""


def previewable(content_type: str) -> bool:
    """Whether the file may be served inline, to be shown inside the page."""
    return preview_kind(content_type) in {"image", "pdf"}
