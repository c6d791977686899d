"""Reading uploaded files: a cap on each file's size while the request is read, and the limits
in words a person reads."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat

OVERSIZED_ATTRIBUTE = "oversized_uploads"
CAP_ATTRIBUTE = "upload_cap"


def upload_cap(request) -> int:
    """No upload may be larger than this; each kind then checks its own limit. A view that
    takes larger files (a backup to restore, for staff) raises the cap with `allow_uploads_up_to`
    before it reads the request's files."""
    default = max(settings.SPENDS_MAX_ATTACHMENT_BYTES, settings.SPENDS_MAX_IMPORT_BYTES)
    return getattr(request, CAP_ATTRIBUTE, default)


def allow_uploads_up_to(request, size: int) -> None:
    setattr(request, CAP_ATTRIBUTE, size)


class SizeCappedUploadHandler(FileUploadHandler):
    """Drops a file part as soon as it grows past the cap, instead of writing it all to a
    temporary file first, and notes its name on the request (see `oversized_uploads`)."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > upload_cap(self.request):
            oversized = getattr(self.request, OVERSIZED_ATTRIBUTE, None)
            if oversized is None:
                oversized = []
                setattr(self.request, OVERSIZED_ATTRIBUTE, oversized)
            if self.file_name not in oversized:
                oversized.append(self.file_name)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def oversized_uploads(request) -> list[str]:
    """Names of the files that this request's reading dropped for being too large."""
    return list(getattr(request, OVERSIZED_ATTRIBUTE, []))


def size_words(size: int) -> str:
    """ "25 MB", "2.5 KB": Django's file size words without a needless ".0", their no-break
    space kept (a page never breaks "12 MB" across lines)."""
    return filesizeformat(size).replace(".0\xa0", "\xa0")


def size_limit_text(size: int) -> str:
    """The same words with a plain space, for messages and the API."""
    return size_words(size).replace("\xa0", " ")
