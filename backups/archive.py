"""The backup archive: a zip holding `manifest.json`, the data (`data/<table>.jsonl`) and the
stored files (`uploads/<hashed path>`). This module writes and reads that format, and refuses
any archive it would not have written itself; it knows nothing of HTTP or of the database.

Reading is defensive, because an archive to restore may come from anywhere: member names are
checked against the few this format uses (no absolute path, no `..`, no link, no duplicate),
declared sizes against the manifest and against the instance's limit before anything is
unpacked, and while unpacking no member yields more bytes than it declared (zipfile stops at
the declared size and then checks the CRC) or bytes that do not match its SHA-256."""

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import stat
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.conf import settings

from purchases import filestore
from spends.errors import ApplicationError
from spends.uploads import size_limit_text

FORMAT_NAME = "spends-tracker-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATA_PREFIX = "data/"
DATA_SUFFIX = ".jsonl"
UPLOADS_PREFIX = "uploads/"
# A manifest lists every member in about 150 bytes: this is room for a few hundred thousand.
MAX_MANIFEST_BYTES = 64 * 2**20
# Deflated JSON lines shrink about 8 times and stored files not at all; an archive that would
# unpack to a hundred times its size, and to more than a little, is a zip bomb.
MAX_EXPANSION = 100
EXPANSION_CHECKED_ABOVE = 100 * 2**20
CHUNK_SIZE = 1024 * 1024
DATA_MEMBER = re.compile(r"data/([a-z0-9_]+\.[a-z0-9_]+)\.jsonl")


class ArchiveError(ApplicationError):
    """An archive that cannot be restored, and why, in words for the person restoring it."""

    status_code = 422


@dataclasses.dataclass(frozen=True)
class Member:
    path: str
    size: int
    sha256: str

    def as_dict(self) -> dict:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


def data_member(label: str) -> str:
    return f"{DATA_PREFIX}{label}{DATA_SUFFIX}"


def upload_member(sha256: str) -> str:
    return UPLOADS_PREFIX + filestore.storage_name(sha256)


def upload_hash(path: str) -> str | None:
    """The SHA-256 an `uploads/` member's name says it holds; None for any other name."""
    if not path.startswith(UPLOADS_PREFIX):
        return None
    return filestore.hash_of(path[len(UPLOADS_PREFIX) :])


class _HashingWriter:
    """A writable member that counts and hashes what goes through it."""

    def __init__(self, target: IO[bytes]):
        self.target = target
        self.hasher = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.hasher.update(data)
        self.size += len(data)
        return self.target.write(data)


class ArchiveWriter:
    """Writes an archive to `path` member by member; `finish(manifest)` adds the manifest with
    every member's size and SHA-256. The caller writes to a temporary name and renames it."""

    def __init__(self, path: str | os.PathLike):
        self._zip = zipfile.ZipFile(path, "w", allowZip64=True)
        self.members: list[Member] = []

    def write_chunks(self, path: str, chunks: Iterable[bytes], *, compress: bool) -> Member:
        info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = (stat.S_IFREG | 0o600) << 16
        with self._zip.open(info, "w", force_zip64=True) as target:
            writer = _HashingWriter(target)
            for chunk in chunks:
                writer.write(chunk)
        member = Member(path, writer.size, writer.hasher.hexdigest())
        self.members.append(member)
        return member

    def finish(self, manifest: dict) -> None:
        manifest = {**manifest, "members": [member.as_dict() for member in self.members]}
        self._zip.writestr(
            zipfile.ZipInfo(MANIFEST_NAME, date_time=(1980, 1, 1, 0, 0, 0)),
            json.dumps(manifest, indent=1).encode(),
            compress_type=zipfile.ZIP_DEFLATED,
        )
        self._zip.close()

    def abandon(self) -> None:
        self._zip.close()


class _VerifyingReader:
    """A member being unpacked: it may yield no more bytes than declared, and at its end its
    size and SHA-256 must be the manifest's."""

    def __init__(self, stream: IO[bytes], member: Member):
        self.stream = stream
        self.member = member
        self.hasher = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        try:
            data = self.stream.read(size)
        except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as error:
            raise ArchiveError(
                f"The archive is damaged or truncated: {self.member.path} cannot be read ({error})."
            ) from None
        self.size += len(data)
        if self.size > self.member.size:
            raise ArchiveError(
                f"{self.member.path} holds more than the {self.member.size} bytes the manifest "
                "declares; the archive was refused."
            )
        self.hasher.update(data)
        if not data and (size != 0):
            self._check_end()
        return data

    def _check_end(self) -> None:
        if self.size != self.member.size:
            raise ArchiveError(
                f"{self.member.path} holds {self.size} bytes, not the {self.member.size} the "
                "manifest declares; the archive is damaged or was altered."
            )
        if self.hasher.hexdigest() != self.member.sha256:
            raise ArchiveError(
                f"{self.member.path} does not match its checksum in the manifest; the archive "
                "is damaged or was altered."
            )

    def chunks(self) -> Iterator[bytes]:
        while chunk := self.read(CHUNK_SIZE):
            yield chunk

    def lines(self) -> Iterator[bytes]:
        """The member's lines, each checked as it comes and the whole at the end."""
        pending = b""
        for chunk in self.chunks():
            pending += chunk
            *complete, pending = pending.split(b"\n")
            yield from complete
        if pending:
            yield pending


class Archive:
    """An archive opened for reading. `open` checks its structure (names, manifest, declared
    sizes, limits) without unpacking anything; `verify` then unpacks every member to check its
    size and SHA-256; `member` unpacks one again, checking it once more as it is read."""

    def __init__(self, path: str | os.PathLike, zip_file: zipfile.ZipFile, manifest: dict):
        self.path = path
        self._zip = zip_file
        self.manifest = manifest
        self.members = {
            entry["path"]: Member(entry["path"], entry["size"], entry["sha256"])
            for entry in manifest["members"]
        }

    @classmethod
    def open(cls, path: str | os.PathLike, *, known_tables: Iterable[str]) -> "Archive":
        if os.path.isdir(path):
            return DirectoryArchive.open_directory(path, known_tables=known_tables)
        try:
            zip_file = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise ArchiveError("The backup archive is not there any more.") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise ArchiveError(
                "This file is not a backup archive: it is not a zip file, or it is truncated."
            ) from None
        try:
            infos = zip_file.infolist()
            _check_names(infos, set(known_tables))
            manifest = _read_manifest(
                zip_file.getinfo(MANIFEST_NAME).file_size, lambda: zip_file.open(MANIFEST_NAME)
            )
            archive = cls(path, zip_file, manifest)
            archive._check_members(infos, packed=os.path.getsize(path))
        except BaseException:
            zip_file.close()
            raise
        return archive

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def upload_hashes(self) -> list[str]:
        return sorted(h for path in self.members if (h := upload_hash(path)) is not None)

    @property
    def missing_files(self) -> list[str]:
        """Files that were missing or damaged when the archive was made (a restore point may
        be taken without them)."""
        return self.manifest["missing_files"]

    @property
    def unpacked_size(self) -> int:
        return sum(member.size for member in self.members.values())

    def member(self, path: str) -> _VerifyingReader:
        member = self.members[path]
        try:
            stream = self._zip.open(path)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
            raise ArchiveError(
                f"The archive is damaged or truncated: {path} cannot be read ({error})."
            ) from None
        return _VerifyingReader(stream, member)

    def verify(self, progress=None) -> None:
        """Unpack every member (to nowhere) and check its size and checksum."""
        total = self.unpacked_size
        done = 0
        for path in self.members:
            reader = self.member(path)
            for chunk in reader.chunks():
                done += len(chunk)
                if progress is not None:
                    progress(done, total)

    def _check_members(self, infos: list[zipfile.ZipInfo], *, packed: int | None) -> None:
        """The members present are those the manifest lists, of the sizes it declares, within
        the limits. `packed` is the archive's own size (None when nothing is compressed)."""
        listed = set(self.members)
        present = {info.filename for info in infos} - {MANIFEST_NAME}
        if missing := sorted(listed - present):
            raise ArchiveError(
                f"The archive lacks {len(missing)} member(s) its manifest lists, such as "
                f"{missing[0]}; it is truncated or incomplete."
            )
        if extra := sorted(present - listed):
            raise ArchiveError(
                f"The archive holds {extra[0]}, which its manifest does not list; it was refused."
            )
        for info in infos:
            if info.filename == MANIFEST_NAME:
                continue
            declared = self.members[info.filename].size
            if info.file_size != declared:
                raise ArchiveError(
                    f"{info.filename} unpacks to {info.file_size} bytes but the manifest "
                    f"declares {declared}; the archive was refused."
                )
        limit = settings.SPENDS_MAX_BACKUP_BYTES
        total = self.unpacked_size
        if total > limit:
            raise ArchiveError(
                f"The archive would unpack to {size_limit_text(total)}, more than the "
                f"{size_limit_text(limit)} a restore accepts (SPENDS_MAX_BACKUP_GB); it was "
                "refused."
            )
        if packed is None:
            return
        packed = max(packed, 1)
        if total > EXPANSION_CHECKED_ABOVE and total > packed * MAX_EXPANSION:
            raise ArchiveError(
                f"The archive would unpack to {size_limit_text(total)} from "
                f"{size_limit_text(packed)}, more than {MAX_EXPANSION} times its size: it looks "
                "like a zip bomb and was refused."
            )


def _check_names(infos: list[zipfile.ZipInfo], known_tables: set[str]) -> None:
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        shown = name[:120]
        if name in seen:
            raise ArchiveError(f"The archive holds {shown} twice; it was refused.")
        seen.add(name)
        parts = name.split("/")
        if name.startswith("/") or "\\" in name or re.match(r"[A-Za-z]:", name):
            raise ArchiveError(f"The archive holds an absolute path ({shown}); it was refused.")
        if ".." in parts:
            raise ArchiveError(
                f"The archive holds a path that leaves its folder ({shown}); it was refused."
            )
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ArchiveError(f"The archive holds a link ({shown}); it was refused.")
        if info.flag_bits & 0x1:
            raise ArchiveError(f"The archive holds an encrypted member ({shown}); it was refused.")
        if name == MANIFEST_NAME or upload_hash(name) is not None:
            continue
        table = DATA_MEMBER.fullmatch(name)
        if table and table.group(1) in known_tables:
            continue
        raise ArchiveError(
            f"The archive holds {shown}, which a Spends Tracker backup never contains; it was "
            "refused."
        )
    if MANIFEST_NAME not in seen:
        raise ArchiveError("The archive has no manifest.json: it is not a Spends Tracker backup.")


def _read_manifest(size: int, opener) -> dict:
    """The manifest, `size` bytes as declared, read from the stream `opener()` gives."""
    if size > MAX_MANIFEST_BYTES:
        raise ArchiveError("The archive's manifest is too large to be real; it was refused.")
    try:
        with opener() as stream:
            raw = stream.read(MAX_MANIFEST_BYTES + 1)
        manifest = json.loads(raw)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ArchiveError(
            "The archive's manifest cannot be read: the archive is damaged or truncated."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ArchiveError("The archive's manifest is not a Spends Tracker backup manifest.")
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ArchiveError("The archive's manifest has no valid format version.")
    if version > FORMAT_VERSION:
        raise ArchiveError(
            f"This backup was made by a newer version of Spends Tracker (backup format "
            f"{version}; this version reads format {FORMAT_VERSION}). Upgrade Spends Tracker, "
            "then restore it."
        )
    members = manifest.get("members")
    if not isinstance(members, list) or not all(_valid_entry(entry) for entry in members):
        raise ArchiveError("The archive's manifest does not list its members properly.")
    paths = [entry["path"] for entry in members]
    if len(paths) != len(set(paths)):
        raise ArchiveError("The archive's manifest lists a member twice; it was refused.")
    for entry in members:
        expected = upload_hash(entry["path"])
        if expected is not None and expected != entry["sha256"]:
            raise ArchiveError(
                f"{entry['path']} is named for other bytes than its checksum says; the archive "
                "was refused."
            )
    if not isinstance(manifest.get("tables"), dict) or not isinstance(manifest.get("counts"), dict):
        raise ArchiveError("The archive's manifest does not describe its data.")
    missing = manifest.setdefault("missing_files", [])
    if not isinstance(missing, list) or not all(
        isinstance(h, str) and filestore.SHA256_PATTERN.fullmatch(h) for h in missing
    ):
        raise ArchiveError("The archive's manifest lists its missing files wrongly.")
    return manifest


def _valid_entry(entry) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and isinstance(entry.get("size"), int)
        and not isinstance(entry.get("size"), bool)
        and entry["size"] >= 0
        and isinstance(entry.get("sha256"), str)
        and filestore.SHA256_PATTERN.fullmatch(entry["sha256"]) is not None
    )


def file_sha256(path: str | os.PathLike) -> str:
    with open(path, "rb") as handle:
        return filestore.digest(handle).sha256


# The same backup unpacked in a folder (`manage.py backup --to DIR`) ------------------------


@dataclasses.dataclass(frozen=True)
class _Entry:
    """A file of a backup folder, described as a zip member is, for the same checks."""

    filename: str
    file_size: int
    external_attr: int = (stat.S_IFREG | 0o600) << 16
    flag_bits: int = 0


class DirectoryArchive(Archive):
    """A backup unpacked in a folder: the same members as in an archive, as files. Files under
    `uploads/` that the manifest does not list are left over from earlier backups into the same
    folder and are passed over; anything else that does not belong (a link, another name) is
    refused, as in an archive."""

    def __init__(self, path, manifest: dict):
        super().__init__(path, None, manifest)

    @classmethod
    def open_directory(cls, path, *, known_tables: Iterable[str]) -> "DirectoryArchive":
        root = os.fspath(path)
        entries = []
        for folder, folders, files in os.walk(root):
            for name in sorted(folders + files):
                full = os.path.join(folder, name)
                relative = os.path.relpath(full, root).replace(os.sep, "/")
                info = os.lstat(full)
                if stat.S_ISLNK(info.st_mode):
                    raise ArchiveError(f"The backup folder holds a link ({relative}); refused.")
                if stat.S_ISREG(info.st_mode):
                    entries.append(_Entry(relative, info.st_size))
                elif not stat.S_ISDIR(info.st_mode):
                    raise ArchiveError(f"The backup folder holds {relative}, not a file; refused.")
        _check_names(entries, set(known_tables))
        by_name = {entry.filename: entry for entry in entries}
        manifest = _read_manifest(
            by_name[MANIFEST_NAME].file_size,
            lambda: open(os.path.join(root, MANIFEST_NAME), "rb"),  # noqa: SIM115 - closed by `with`
        )
        directory = cls(path, manifest)
        listed = set(directory.members) | {MANIFEST_NAME}
        directory._check_members(
            [e for e in entries if e.filename in listed or upload_hash(e.filename) is None],
            packed=None,
        )
        return directory

    def close(self) -> None:
        return None

    def member(self, path: str) -> _VerifyingReader:
        return _VerifyingReader(open(os.path.join(self.path, path), "rb"), self.members[path])  # noqa: SIM115


class DirectoryWriter:
    """Writes a backup into a folder, as `ArchiveWriter` writes an archive. A stored file
    already in the folder (its name is its content) is not copied again: each backup into the
    same folder copies only the files added since. The data and the manifest are written under
    temporary names and renamed at the end, the manifest last; `verify_backup DIR` checks the
    whole folder."""

    def __init__(self, path: str | os.PathLike):
        self.root = os.fspath(path)
        self.members: list[Member] = []
        self.copied = 0
        self._pending: list[tuple[str, str]] = []
        os.makedirs(self.root, exist_ok=True)
        # What an earlier run cut off left behind.
        for folder, _, files in os.walk(self.root):
            for name in files:
                if name.endswith(".part"):
                    os.unlink(os.path.join(folder, name))

    def write_chunks(self, path: str, chunks: Iterable[bytes], *, compress: bool) -> Member:
        target = os.path.join(self.root, path)
        sha256 = upload_hash(path)
        if sha256 is not None and os.path.isfile(target):
            member = Member(path, os.path.getsize(target), sha256)
        else:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            temporary = f"{target}.{os.getpid()}.part"
            try:
                with open(temporary, "wb") as handle:
                    writer = _HashingWriter(handle)
                    for chunk in chunks:
                        writer.write(chunk)
                    handle.flush()
                    os.fsync(handle.fileno())
            except BaseException:
                os.unlink(temporary)
                raise
            member = Member(path, writer.size, writer.hasher.hexdigest())
            if sha256 is not None:
                os.replace(temporary, target)
                self.copied += 1
            else:
                self._pending.append((temporary, target))
        self.members.append(member)
        return member

    def finish(self, manifest: dict) -> None:
        manifest = {**manifest, "members": [member.as_dict() for member in self.members]}
        temporary = os.path.join(self.root, f"{MANIFEST_NAME}.{os.getpid()}.part")
        with open(temporary, "w") as handle:
            json.dump(manifest, handle, indent=1)
        for source, target in [*self._pending, (temporary, os.path.join(self.root, MANIFEST_NAME))]:
            os.replace(source, target)
        self._pending = []

    def abandon(self) -> None:
        for source, _ in self._pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(source)
        self._pending = []
