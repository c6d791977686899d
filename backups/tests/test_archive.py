"""Archives a restore must refuse, each before anything is touched: the data, the files and the
list of backups stay exactly as they were, and the error says what was wrong."""

import hashlib
import json
import stat
import warnings
import zipfile

import pytest

from backups.archive import MANIFEST_NAME, ArchiveError
from backups.models import Backup
from backups.selectors import backup_path
from backups.services import archive_check, archive_open, backup_create, backup_restore
from backups.tests.conftest import all_rows, stored_files


@pytest.fixture
def good_archive(populated, tmp_path):
    """A real backup's members and manifest, to build altered archives from."""
    backup = backup_create()
    with zipfile.ZipFile(backup_path(backup)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    Backup.objects.all().delete()  # only the list entry; the refusals below must add none
    manifest = json.loads(members.pop(MANIFEST_NAME))
    return members, manifest


def write_archive(path, members: dict, manifest: dict | None, *, infos=()) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name on purpose
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                archive.writestr(name, data)
            for info, data in infos:
                archive.writestr(info, data)
            if manifest is not None:
                archive.writestr(MANIFEST_NAME, json.dumps(manifest))


def listed(manifest: dict, members: dict) -> dict:
    """The manifest with every member's true size and checksum."""
    entries = [
        {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in members.items()
    ]
    return {**manifest, "members": entries}


def refused(path, match: str) -> None:
    """Restoring the archive at `path` is refused with a message matching `match`, and nothing
    changed: rows, files, the list of backups (no restore point was taken)."""
    rows, files = all_rows(), stored_files()
    with pytest.raises(ArchiveError, match=match):
        backup_restore(path)
    assert all_rows() == rows
    assert stored_files() == files
    assert not Backup.objects.exists()


def a_data_member(members: dict) -> str:
    return next(name for name in members if name.startswith("data/purchases.purchase"))


def test_the_unaltered_archive_restores(good_archive, tmp_path):
    members, manifest = good_archive
    path = tmp_path / "good.zip"
    write_archive(path, members, manifest)

    backup_restore(path)


def test_a_member_that_climbs_out_of_the_folder_is_refused(good_archive, tmp_path):
    members, manifest = good_archive
    members["../../etc/cron.d/evil"] = b"* * * * * root rm -rf /"
    path = tmp_path / "climb.zip"
    write_archive(path, members, listed(manifest, members))

    refused(path, "leaves its folder")


def test_an_uploads_member_that_climbs_out_is_refused(good_archive, tmp_path):
    members, manifest = good_archive
    members["uploads/../../settings.py"] = b"DEBUG = True"
    path = tmp_path / "climb.zip"
    write_archive(path, members, listed(manifest, members))

    refused(path, "leaves its folder")


def test_an_absolute_path_is_refused(good_archive, tmp_path):
    members, manifest = good_archive
    members["/etc/passwd"] = b"root::0:0::/:/bin/sh"
    path = tmp_path / "absolute.zip"
    write_archive(path, members, listed(manifest, members))

    refused(path, "absolute path")


def test_a_symbolic_link_member_is_refused(good_archive, tmp_path):
    members, manifest = good_archive
    name = next(n for n in members if n.startswith("uploads/"))
    data = members.pop(name)
    link = zipfile.ZipInfo(name)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = tmp_path / "link.zip"
    write_archive(path, members, {**manifest}, infos=[(link, b"/etc/shadow")])
    del data

    refused(path, "a link")


def test_a_duplicate_name_is_refused(good_archive, tmp_path):
    members, manifest = good_archive
    name = a_data_member(members)
    path = tmp_path / "duplicate.zip"
    write_archive(path, members, manifest, infos=[(zipfile.ZipInfo(name), members[name])])

    refused(path, "twice")


def test_a_member_the_format_never_has_is_refused(good_archive, tmp_path):
    members, manifest = good_archive
    members["data/auth.group.jsonl"] = b""
    path = tmp_path / "unknown.zip"
    write_archive(path, members, listed(manifest, members))

    refused(path, "never contains")


def test_a_checksum_mismatch_is_refused(good_archive, tmp_path):
    members, manifest = good_archive
    name = a_data_member(members)
    # Same size, one price changed: only the checksum tells.
    members[name] = members[name].replace(b'"1234.56"', b'"9234.56"', 1)
    path = tmp_path / "altered.zip"
    write_archive(path, members, manifest)

    refused(path, "does not match its checksum")


def test_an_upload_whose_bytes_are_not_its_name_is_refused(good_archive, tmp_path):
    members, manifest = good_archive
    name = next(n for n in members if n.startswith("uploads/"))
    members[name] = b"other bytes"
    path = tmp_path / "swapped.zip"
    write_archive(path, members, listed(manifest, members))

    refused(path, "named for other bytes")


def test_a_size_that_differs_from_the_manifest_is_refused(good_archive, tmp_path):
    members, manifest = good_archive
    name = a_data_member(members)
    manifest = listed(manifest, members)
    entry = next(e for e in manifest["members"] if e["path"] == name)
    entry["size"] -= 10
    path = tmp_path / "size-lie.zip"
    write_archive(path, members, manifest)

    refused(path, "declares")


def test_an_archive_larger_than_the_limit_is_refused_before_unpacking(
    good_archive, tmp_path, settings
):
    members, manifest = good_archive
    settings.SPENDS_MAX_BACKUP_BYTES = 1000
    path = tmp_path / "large.zip"
    write_archive(path, members, listed(manifest, members))

    refused(path, "more than the 1000 bytes a restore accepts")


def test_a_zip_bomb_is_refused_before_unpacking(good_archive, tmp_path):
    members, manifest = good_archive
    # 200 MB of zeros deflate to about 200 KB: a thousand times smaller. The name and checksum
    # are right, so only the expansion gives it away.
    bomb = bytes(200 * 2**20)
    digest = hashlib.sha256(bomb).hexdigest()
    members[f"uploads/{digest[:2]}/{digest[2:4]}/{digest}"] = bomb
    path = tmp_path / "bomb.zip"
    write_archive(path, members, listed(manifest, members))
    assert path.stat().st_size < 2 * 2**20

    refused(path, "zip bomb")


def test_a_member_that_unpacks_to_more_than_its_header_says_is_stopped(good_archive, tmp_path):
    members, manifest = good_archive
    name = a_data_member(members)
    path = tmp_path / "header-lie.zip"
    write_archive(path, members, listed(manifest, members))
    # Make the central directory (and local header) claim a smaller size than the data
    # inflates to: zipfile then stops at the declared size and the checksum check fails.
    raw = bytearray(path.read_bytes())
    true_size = len(members[name]).to_bytes(4, "little")
    smaller = (len(members[name]) - 7).to_bytes(4, "little")
    assert raw.count(true_size) >= 2
    path.write_bytes(bytes(raw).replace(true_size, smaller))

    with pytest.raises(ArchiveError):
        backup_restore(path)
    assert not Backup.objects.exists()


def test_a_truncated_archive_is_refused(good_archive, tmp_path):
    members, manifest = good_archive
    whole = tmp_path / "whole.zip"
    write_archive(whole, members, manifest)
    path = tmp_path / "truncated.zip"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])

    refused(path, "not a zip file, or it is truncated")


def test_a_file_that_is_not_a_zip_is_refused(populated, tmp_path):
    path = tmp_path / "not-a-zip.zip"
    path.write_bytes(b"%PDF-1.4 definitely not an archive" * 100)

    refused(path, "not a zip file")


def test_an_archive_from_a_newer_version_is_refused_with_a_clear_message(good_archive, tmp_path):
    members, manifest = good_archive
    path = tmp_path / "newer.zip"
    write_archive(path, members, {**manifest, "version": 2})

    refused(path, r"newer version of Spends Tracker \(backup format 2.*Upgrade")


def test_an_archive_without_a_manifest_is_refused(good_archive, tmp_path):
    members, _ = good_archive
    path = tmp_path / "no-manifest.zip"
    write_archive(path, members, None)

    refused(path, "no manifest.json")


def test_a_member_missing_from_the_archive_is_refused(good_archive, tmp_path):
    members, manifest = good_archive
    del members[a_data_member(members)]
    path = tmp_path / "missing.zip"
    write_archive(path, members, manifest)

    refused(path, "lacks 1 member")


def test_a_member_the_manifest_does_not_list_is_refused(good_archive, tmp_path):
    members, manifest = good_archive
    extra = b"an extra file"
    digest = hashlib.sha256(extra).hexdigest()
    members[f"uploads/{digest[:2]}/{digest[2:4]}/{digest}"] = extra
    path = tmp_path / "extra.zip"
    write_archive(path, members, manifest)

    refused(path, "does not list")


def test_a_row_that_breaks_a_field_rule_is_refused_before_anything_changes(good_archive, tmp_path):
    members, manifest = good_archive
    name = a_data_member(members)
    members[name] = members[name].replace(b'"1234.56"', b'"12.345"', 1)
    path = tmp_path / "bad-row.zip"
    write_archive(path, members, listed(manifest, members))

    refused(path, "invalid price")


def test_a_row_count_unlike_the_manifest_is_refused(good_archive, tmp_path):
    members, manifest = good_archive
    counts = {
        **manifest["counts"],
        "purchases.purchase": manifest["counts"]["purchases.purchase"] + 1,
    }
    path = tmp_path / "count.zip"
    write_archive(path, members, {**manifest, "counts": counts})

    refused(path, "rows, not the")


def test_checking_an_archive_reads_every_member(good_archive, tmp_path):
    members, manifest = good_archive
    path = tmp_path / "good.zip"
    write_archive(path, members, manifest)
    seen = []

    with archive_open(path) as archive:
        archive_check(archive, lambda done, total, stage=None: seen.append((done, total)))

    assert seen[-1][0] == seen[-1][1] == sum(len(data) for data in members.values())
