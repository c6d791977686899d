"""`manage.py import_data USERNAME FILE` (SPEC section 6), as a script or cron runs it."""

import io

import pytest
from django.core.management import CommandError, call_command

from purchases.models import Purchase

pytestmark = pytest.mark.django_db

CSV = "product_name,price,purchase_date\nLamp,3.50,2026-01-01\nDesk,120,2026-01-02\n"


def import_data(*args) -> str:
    out = io.StringIO()
    call_command("import_data", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_imports_a_csv_and_prints_the_report(user, tmp_path):
    path = tmp_path / "things.csv"
    path.write_text(CSV)

    output = import_data("alice", str(path))

    assert "Created 2, updated 0, skipped 0; 0 with problems." in output
    assert Purchase.objects.filter(owner=user).count() == 2


def test_a_dry_run_writes_nothing(user, tmp_path):
    path = tmp_path / "things.csv"
    path.write_text(CSV)

    output = import_data("alice", str(path), "--dry-run")

    assert "Dry run, nothing written: would create 2" in output
    assert not Purchase.objects.filter(owner=user).exists()


def test_duplicates_are_updated_on_request(user, tmp_path):
    path = tmp_path / "things.csv"
    path.write_text(CSV)
    import_data("alice", str(path))
    path.write_text(CSV + "Chair,40,2026-01-03\n")

    assert "Created 1, updated 0, skipped 2" in import_data("alice", str(path))
    output = import_data("alice", str(path), "--on-duplicate", "update")
    assert "Created 0, updated 3, skipped 0" in output


def test_a_json_file_is_recognised_by_its_content(user, tmp_path):
    path = tmp_path / "export"
    path.write_text(
        '{"format": "spends-tracker", "version": 1, "purchases": '
        '[{"product_name": "Kettle", "price": 25, "purchase_date": "2026-03-01"}]}'
    )
    assert "Created 1" in import_data("alice", str(path))


def test_invalid_rows_are_listed_and_stop_the_import(user, tmp_path):
    path = tmp_path / "things.csv"
    path.write_text(CSV + "Chair,lots,2026-01-03\n")
    out = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_data", "alice", str(path), stdout=out, stderr=io.StringIO())

    assert "row 4 price: “lots” is not a price" in out.getvalue()
    assert not Purchase.objects.filter(owner=user).exists()
    assert "Created 2" in import_data("alice", str(path), "--partial")


@pytest.mark.parametrize(
    ("username", "content", "message"),
    [
        ("nobody", CSV, 'There is no user "nobody"'),
        ("alice", "just,some,words\n1,2,3\n", "not a CSV of purchases"),
    ],
)
def test_clear_errors_for_an_unknown_user_and_a_file_of_the_wrong_kind(
    user, tmp_path, username, content, message
):
    path = tmp_path / "things.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        import_data(username, str(path))


def test_a_missing_file_is_a_clear_error(user, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        import_data("alice", str(tmp_path / "absent.csv"))
