"""How an attachment's bytes leave the application: only through these responses, to their
owner (the callers look the attachment up by owner), never from a public media URL."""

import codecs

from django.http import FileResponse

from purchases import filestore
from purchases.filekinds import previewable
from purchases.models import Attachment
from spends.errors import NotFound


def attachment_response(attachment: Attachment, *, inline: bool = False) -> FileResponse:
    """The file as a download, or shown in the page (`inline`) when it is an image or a PDF a
    browser can draw; a browser never guesses another type (nosniff)."""
    if inline and not previewable(attachment.content_type):
        raise NotFound("This file has no preview.")
    try:
        stored = filestore.open(attachment.sha256)
    except FileNotFoundError:
        raise NotFound("This attachment's file is missing from the store.") from None
    content_type = attachment.content_type
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"  # text is accepted only as UTF-8
    response = FileResponse(
        stored,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=content_type,
    )
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response


def attachment_text_start(attachment: Attachment, limit: int) -> str | None:
    """The first `limit` bytes of a text attachment, decoded to show in a page (which escapes
    them); None when its stored file is missing."""
    try:
        with filestore.open(attachment.sha256) as stored:
            head = stored.read(limit)
    except FileNotFoundError:
        return None
    # A cut inside a character is left out rather than shown as a replacement mark.
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    return decoder.decode(head, final=attachment.size <= limit)
