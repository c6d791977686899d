"""The content-addressed file store: names by SHA-256, one copy per content, atomic writes."""

import hashlib
import io
import os

import pytest
from django.core.files.storage import storages

from purchases import filestore

RECEIPT = b"%PDF-1.7\n" + b"receipt line\n" * 500


def on_disk(uploads_dir) -> list[str]:
    return sorted(
        str(path.relative_to(uploads_dir)) for path in uploads_dir.rglob("*") if path.is_file()
    )


class Unseekable(io.RawIOBase):
    """A stream that can only be read forward, like a socket or a pipe."""

    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_put_names_the_file_by_its_sha256_in_two_levels_of_folders(uploads_dir):
    stored = filestore.put(io.BytesIO(RECEIPT))
    digest = hashlib.sha256(RECEIPT).hexdigest()
    assert stored == filestore.StoredFile(digest, len(RECEIPT))
    assert on_disk(uploads_dir) == [f"{digest[:2]}/{digest[2:4]}/{digest}"]
    assert (uploads_dir / digest[:2] / digest[2:4] / digest).read_bytes() == RECEIPT


def test_open_exists_and_delete_by_hash(uploads_dir):
    digest = filestore.put(io.BytesIO(RECEIPT)).sha256
    assert filestore.exists(digest)
    with filestore.open(digest) as stored:
        assert stored.read() == RECEIPT
    filestore.delete(digest)
    assert not filestore.exists(digest)
    assert on_disk(uploads_dir) == []
    with pytest.raises(FileNotFoundError):
        filestore.open(digest)
    filestore.delete(digest)  # deleting what is not there is harmless


def test_identical_content_is_stored_once(uploads_dir):
    first = filestore.put(io.BytesIO(RECEIPT))
    second = filestore.put(io.BytesIO(RECEIPT))
    assert first == second
    assert len(on_disk(uploads_dir)) == 1


def test_put_reads_the_stream_from_its_start(uploads_dir):
    stream = io.BytesIO(RECEIPT)
    stream.read(100)
    assert filestore.put(stream).size == len(RECEIPT)


def test_a_stream_that_cannot_seek_is_stored_whole(uploads_dir):
    stored = filestore.put(Unseekable(RECEIPT))
    assert stored.sha256 == hashlib.sha256(RECEIPT).hexdigest()
    with filestore.open(stored.sha256) as handle:
        assert handle.read() == RECEIPT


def test_a_damaged_stored_file_is_repaired_by_storing_its_bytes_again(uploads_dir):
    digest = filestore.put(io.BytesIO(RECEIPT)).sha256
    [name] = on_disk(uploads_dir)
    (uploads_dir / name).write_bytes(RECEIPT[:10])
    assert not filestore.matches(digest)
    filestore.put(io.BytesIO(RECEIPT))
    assert filestore.matches(digest)


def test_a_crash_between_write_and_rename_leaves_no_file_under_a_real_name(
    uploads_dir, monkeypatch
):
    def power_cut(source, target):
        raise OSError("simulated crash before the rename")

    monkeypatch.setattr(filestore.os, "replace", power_cut)
    with pytest.raises(OSError, match="simulated crash"):
        filestore.put(io.BytesIO(RECEIPT))
    digest = hashlib.sha256(RECEIPT).hexdigest()
    assert not filestore.exists(digest)
    # Neither the real name nor the temporary file is left behind.
    assert on_disk(uploads_dir) == []


def test_the_write_goes_to_a_temporary_file_in_the_target_folder_then_is_renamed(
    uploads_dir, monkeypatch
):
    renames = []
    real_replace = os.replace

    def watching_replace(source, target):
        renames.append((source, target, open(source, "rb").read()))  # noqa: SIM115
        real_replace(source, target)

    monkeypatch.setattr(filestore.os, "replace", watching_replace)
    digest = filestore.put(io.BytesIO(RECEIPT)).sha256
    [(source, target, content)] = renames
    assert os.path.dirname(source) == os.path.dirname(target)
    assert os.path.basename(source).startswith(f".{digest}.")
    assert source.endswith(filestore.TEMPORARY_SUFFIX)
    assert target == str(uploads_dir / digest[:2] / digest[2:4] / digest)
    assert content == RECEIPT  # complete and flushed before the rename


def test_stored_names_list_every_file_and_hash_of_recognises_the_layout(uploads_dir):
    digest = filestore.put(io.BytesIO(RECEIPT)).sha256
    (uploads_dir / "stray.txt").write_text("not ours")
    names = list(filestore.stored_names())
    assert sorted(names) == sorted([f"{digest[:2]}/{digest[2:4]}/{digest}", "stray.txt"])
    assert filestore.hash_of(f"{digest[:2]}/{digest[2:4]}/{digest}") == digest
    assert filestore.hash_of("stray.txt") is None
    assert filestore.hash_of(f"00/00/{digest}") is None  # in the wrong folder


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ABC", "0" * 63, "g" * 64])
def test_only_a_sha256_names_a_file(uploads_dir, bad):
    with pytest.raises(ValueError):
        filestore.exists(bad)


def test_the_store_works_through_any_django_storage(settings):
    # Nothing assumes a local folder: the same calls work on another storage backend (as
    # S3-compatible storage would be configured), here Django's in-memory one.
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    stored = filestore.put(io.BytesIO(RECEIPT))
    assert filestore.put(io.BytesIO(RECEIPT)) == stored
    assert filestore.exists(stored.sha256) and filestore.matches(stored.sha256)
    assert list(filestore.stored_names()) == [filestore.storage_name(stored.sha256)]
    filestore.delete(stored.sha256)
    assert not filestore.exists(stored.sha256)
    assert not isinstance(storages["attachments"], filestore.AtomicFileSystemStorage)
