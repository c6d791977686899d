"""The content-addressed file store (SPEC section 7).

A stored file is named by the SHA-256 `h` of its bytes and kept at `h[0:2]/h[2:4]/h` in the
attachments storage (`uploads/` under the data directory by default), so identical files are
stored once, whoever uploads them. Nothing outside this module knows that layout.

The bytes go through Django's storage API (`STORAGES["attachments"]`), so a deployment can put
them on S3-compatible storage (django-storages) by configuration alone. The default backend,
`AtomicFileSystemStorage`, writes each file to a temporary name beside its final place, flushes
it to disk and renames it into place: a crash never leaves a half file under a real name.
"""

import contextlib
import dataclasses
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import IO

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

STORAGE_ALIAS = "attachments"
CHUNK_SIZE = 1024 * 1024
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
# Temporary files are hidden and end so; one older than this was left by a crash, not a
# write still going on.
TEMPORARY_SUFFIX = ".tmp"
STALE_TEMPORARY_SECONDS = 3600


# Checks that hold back the deletion of files that no attachment names any more: while a backup
# is being written (the backups app registers that check), its snapshot of the data may still
# name a file whose last attachment was deleted since. A held-back file stays as an orphan for
# `check_files --fix`.
_deletion_holds: list[Callable[[], bool]] = []


def hold_unnamed_deletions_while(check: Callable[[], bool]) -> None:
    if check not in _deletion_holds:
        _deletion_holds.append(check)


def unnamed_deletions_held() -> bool:
    return any(check() for check in _deletion_holds)


@dataclasses.dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int


def storage() -> Storage:
    return storages[STORAGE_ALIAS]


def _name(sha256: str) -> str:
    if not SHA256_PATTERN.fullmatch(sha256):
        raise ValueError(f"Not a SHA-256 hex digest: {sha256!r}")
    return f"{sha256[0:2]}/{sha256[2:4]}/{sha256}"


def storage_name(sha256: str) -> str:
    """The file's name within the storage; the backup archive keeps files under the same name
    (below `uploads/`)."""
    return _name(sha256)


def digest(stream: IO[bytes]) -> StoredFile:
    """The SHA-256 and size of a stream's bytes, read from where it stands to its end."""
    hasher = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        hasher.update(chunk)
        size += len(chunk)
    return StoredFile(hasher.hexdigest(), size)


def _seekable(stream: IO[bytes]) -> IO[bytes]:
    seekable = getattr(stream, "seekable", None)
    if seekable is not None and seekable():
        return stream
    # The caller's stream becomes this copy, closed when it is collected like the stream.
    spooled = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK_SIZE)  # noqa: SIM115
    while chunk := stream.read(CHUNK_SIZE):
        spooled.write(chunk)
    return spooled


def put(stream: IO[bytes], *, rewrite: bool = False) -> StoredFile:
    """Store a stream's bytes (from its start) and answer their hash and size. A file whose
    bytes are already stored is not written again, unless `rewrite` asks for it (a restore
    repairing a stored file that was damaged in place)."""
    stream = _seekable(stream)
    stream.seek(0)
    stored = digest(stream)
    name = _name(stored.sha256)
    target = storage()
    if not rewrite and target.exists(name) and target.size(name) == stored.size:
        return stored
    # A stored file of the wrong size is damaged; writing it again repairs it.
    stream.seek(0)
    target.save(name, File(stream, name=stored.sha256))
    return stored


def open(sha256: str) -> File:  # noqa: A001 - the store's verbs are put/open/exists/delete
    """The stored bytes, to read; FileNotFoundError when the file is not there."""
    name = _name(sha256)
    target = storage()
    if not target.exists(name):
        raise FileNotFoundError(f"No stored file {sha256}")
    return target.open(name, "rb")


def exists(sha256: str) -> bool:
    return storage().exists(_name(sha256))


def delete(sha256: str) -> None:
    """Remove the stored file; nothing happens when it is not there."""
    storage().delete(_name(sha256))


def matches(sha256: str) -> bool:
    """Whether the stored bytes still hash to their name (False when missing)."""
    try:
        with open(sha256) as stored:
            return digest(stored).sha256 == sha256
    except FileNotFoundError:
        return False


def stored_names() -> Iterator[str]:
    """Every file in the store, by its name in the storage, temporary and unexpected files
    included (a check lists what does not belong)."""
    target = storage()

    def walk(folder: str) -> Iterator[str]:
        try:
            folders, files = target.listdir(folder)
        except FileNotFoundError:
            return
        for name in sorted(files):
            yield f"{folder}/{name}" if folder else name
        for child in sorted(folders):
            yield from walk(f"{folder}/{child}" if folder else child)

    yield from walk("")


def hash_of(name: str) -> str | None:
    """The SHA-256 a stored file's name says it holds, or None for a name outside the layout."""
    sha256 = name.rsplit("/", 1)[-1]
    if SHA256_PATTERN.fullmatch(sha256) and name == _name(sha256):
        return sha256
    return None


def is_write_in_progress(name: str) -> bool:
    """A recent temporary file may belong to a write going on now; leave it alone."""
    if not name.rsplit("/", 1)[-1].endswith(TEMPORARY_SUFFIX):
        return False
    try:
        modified = storage().get_modified_time(name).timestamp()
    except (FileNotFoundError, NotImplementedError):
        return False
    return time.time() - modified < STALE_TEMPORARY_SECONDS


def delete_name(name: str) -> None:
    """Remove a file found by `stored_names` (an orphan or a leftover)."""
    storage().delete(name)


class AtomicFileSystemStorage(FileSystemStorage):
    """A file system storage whose files appear whole or not at all.

    Each file is written to a hidden temporary file in its target folder, flushed to disk and
    renamed over its final name. Overwriting is allowed: in a content-addressed store the same
    name always means the same bytes.
    """

    def __init__(self, **options):
        options.setdefault("allow_overwrite", True)
        super().__init__(**options)

    def _save(self, name, content) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        temporary_name = None
        try:
            with tempfile.NamedTemporaryFile(
                dir=directory,
                prefix=f".{os.path.basename(full_path)}.",
                suffix=TEMPORARY_SUFFIX,
                delete=False,
            ) as handle:
                temporary_name = handle.name
                for chunk in content.chunks():
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temporary_name, self.file_permissions_mode)
            os.replace(temporary_name, full_path)
        except BaseException:
            # Whatever stopped the write, no half file stays behind.
            if temporary_name is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary_name)
            raise
        _sync_directory(directory)
        return os.path.relpath(full_path, self.location).replace(os.sep, "/")


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable, so a power cut after it keeps the file."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
