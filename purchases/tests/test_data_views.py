"""Settings › Data and the inventory's export buttons: exports as downloads (everything, or what
the inventory's filters find), and imports from the settings page, always run as a job whose
progress and then report show beneath the form. Jobs run at once here (the immediate tasks
backend), so the answer to the upload already holds the report."""

import csv
import html
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import PreferencesFactory
from catalog.tests.factories import RetailerFactory
from jobs.models import Job, JobKind, JobState
from jobs.tests.factories import JobFactory
from purchases.models import PRICE_MESSAGES, Purchase, PurchaseStatus
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
IMPORT_URL = "/settings/data/import"
CSV = (
    "product_name,price,purchase_date,retailer,notes\n"
    "Lamp,3.50,2026-01-01,Shop,by the bed\n"
    'Desk,"1,234.56",2026-01-02,,\n'
)
BAD_ROW = "Chair,12.345,2026-01-03,,\n"


def body(response) -> str:
    return response.content.decode()


def post_import(client, content: str | bytes, name="purchases.csv", *, htmx=True, **options):
    data = content.encode() if isinstance(content, str) else content
    fields = {"import-file": SimpleUploadedFile(name, data), "import-on_duplicate": "skip"}
    fields.update({f"import-{key}": value for key, value in options.items()})
    return client.post(IMPORT_URL, fields, headers=HTMX if htmx else {})


def field_errors(content: str, field: str) -> list[str]:
    """The errors shown beside a field of the import form."""
    pattern = rf'<div class="invalid-feedback d-block" id="id_import-{field}_error">(.*?)</div>'
    return [html.unescape(error) for error in re.findall(pattern, content, re.S)]


def shown_text(content: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)<', content, re.S)
    assert match, f"no {testid} in the answer"
    return html.unescape(match.group(1)).strip()


def report_errors(content: str) -> list[tuple[str, str, str]]:
    """Each problem row of the report: row, field, message."""
    rows = re.findall(r'<tr data-testid="import-error">(.*?)</tr>', content, re.S)
    found = []
    for row in rows:
        cells = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td>(.*?)</td>", row)]
        found.append(tuple(html.unescape(cell).strip() for cell in cells))
    return found


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


# The section on the settings page ---------------------------------------------------------------


def test_settings_page_shows_the_data_section_with_exports_and_the_import_form(
    user_client, user, settings
):
    settings.SPENDS_MAX_IMPORT_BYTES = 50 * 2**20
    PreferencesFactory(user=user, date_format="DD.MM.YYYY")

    response = user_client.get("/settings")

    content = body(response)
    assert response.status_code == 200
    assert 'id="data"' in content and 'href="#data"' in content
    # After "Retailers and brands", before "API tokens".
    assert content.index('id="catalog"') < content.index('id="data"') < content.index('id="tokens"')
    assert 'href="/inventory/export/json" download data-testid="export-json"' in content
    assert 'href="/inventory/export/csv" download data-testid="export-csv"' in content
    form = re.search(r'<form [^>]*data-testid="import-form"[^>]*>', content, re.S).group(0)
    for attribute in (
        'method="post"',
        'action="/settings/data/import#data"',
        'enctype="multipart/form-data"',
        'hx-post="/settings/data/import"',
        'hx-encoding="multipart/form-data"',
        'hx-target="#data-import"',
        'hx-swap="outerHTML"',
    ):
        assert attribute in form, attribute
    file_input = re.search(r'<input type="file"[^>]*>', content).group(0)
    assert 'name="import-file"' in file_input
    assert 'accept=".csv,.json,text/csv,application/json"' in file_input
    assert '<label class="form-label" for="id_import-file">File</label>' in content
    assert "Dry run (check only, write nothing)" in content
    assert "Import valid rows even if some rows have problems" in content
    skip = re.search(r'<input type="radio" name="import-on_duplicate" value="skip"[^>]*>', content)
    assert skip and "checked" in skip.group(0)
    assert 'value="update"' in content and "Update duplicates" in content
    # The help: the columns, prices, dates in the user's own format, duplicates and the limit.
    assert "<code>product_name</code>, <code>price</code> and <code>purchase_date</code>" in content
    assert "<code>1,234.56</code>" in content
    assert shown_text(content, "import-date-hint") == "2026-01-30 or 30.01.2026"
    assert "same product name, purchase date, price, currency and retailer" in content
    assert "A CSV file or a JSON export, up to 50 MB." in content


def test_anonymous_visitors_are_sent_to_log_in(client, user):
    for response in (
        client.post(IMPORT_URL, {"import-file": SimpleUploadedFile("a.csv", CSV.encode())}),
        client.get("/inventory/export/csv"),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    assert not Job.objects.exists()


# Importing ----------------------------------------------------------------------------------


def test_a_dry_run_shows_its_report_beneath_the_form_and_writes_nothing(user_client, user):
    response = post_import(user_client, CSV, dry_run="on")

    content = body(response)
    assert response.status_code == 200
    # Only the region: the form again and the job beneath it.
    assert "<html" not in content
    assert content.lstrip().startswith('<div id="data-import"')
    assert 'data-testid="import-form"' in content
    job = Job.objects.get(owner=user)
    assert (job.kind, job.state, job.result["dry_run"]) == (
        JobKind.IMPORT,
        JobState.SUCCEEDED,
        True,
    )
    assert f'id="job-{job.id}"' in content
    assert shown_text(content, "import-job-title") == "Dry run of “purchases.csv”"
    assert "Dry run: nothing was written." in content
    assert "Would create" in content
    assert shown_text(content, "import-created") == "2"
    assert "Dry run of “purchases.csv” started." in content  # the toast
    # The options stay as they were chosen.
    assert re.search(r'<input type="checkbox" name="import-dry_run"[^>]*checked', content)
    assert not Purchase.objects.filter(owner=user).exists()


def test_an_import_writes_the_purchases_and_reports_what_it_did(user_client, user):
    response = post_import(user_client, CSV)

    content = body(response)
    assert response.status_code == 200
    assert "Import finished." in content
    assert shown_text(content, "import-created") == "2"
    assert shown_text(content, "import-failed") == "0"
    purchases = Purchase.objects.filter(owner=user).order_by("purchase_date")
    assert [(p.product_name, str(p.price)) for p in purchases] == [
        ("Lamp", "3.50"),
        ("Desk", "1234.56"),
    ]
    assert purchases[0].retailer.name == "Shop"


def test_without_htmx_the_import_goes_on_to_its_job_page(user_client, user):
    response = post_import(user_client, CSV, htmx=False)

    job = Job.objects.get(owner=user)
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.id}"
    page = user_client.get(response["Location"])
    content = body(page)
    assert "Import of “purchases.csv” started." in content
    assert "Import finished." in content
    assert shown_text(content, "import-created") == "2"
    assert Purchase.objects.filter(owner=user).count() == 2


def test_a_json_export_is_told_apart_by_its_name_and_imported(user_client, user):
    document = {"format": "spends-tracker", "version": 1, "purchases": [
        {"product_name": "Kettle", "price": 25, "purchase_date": "2026-03-01"},
    ]}  # fmt: skip

    response = post_import(user_client, json.dumps(document), name="export.json")

    assert response.status_code == 200
    assert shown_text(body(response), "import-created") == "1"
    assert Purchase.objects.get(owner=user).product_name == "Kettle"


def test_dates_in_the_users_own_format_are_read(user_client, user):
    PreferencesFactory(user=user, date_format="DD.MM.YYYY")

    post_import(user_client, "product_name,price,purchase_date\nFan,20,30.01.2026\n")

    assert str(Purchase.objects.get(owner=user).purchase_date) == "2026-01-30"


def test_invalid_rows_stop_the_import_and_each_is_listed_with_its_row_and_field(user_client, user):
    response = post_import(user_client, CSV + BAD_ROW)

    content = body(response)
    assert response.status_code == 200  # the upload was taken; the job's report says the rest
    assert Job.objects.get(owner=user).state == JobState.SUCCEEDED
    assert shown_text(content, "import-failed") == "1"
    assert report_errors(content) == [("4", "price", PRICE_MESSAGES["max_decimal_places"])]
    assert not Purchase.objects.filter(owner=user).exists()


def test_partial_imports_the_valid_rows_and_lists_the_others(user_client, user):
    response = post_import(user_client, CSV + BAD_ROW, partial="on")

    content = body(response)
    assert shown_text(content, "import-created") == "2"
    assert shown_text(content, "import-failed") == "1"
    assert [(row, field) for row, field, _ in report_errors(content)] == [("4", "price")]
    assert Purchase.objects.filter(owner=user).count() == 2


def test_duplicates_are_skipped_or_updated_as_chosen(user_client, user):
    post_import(user_client, CSV)
    changed = CSV.replace("by the bed", "on the desk")

    skipped = body(post_import(user_client, changed))
    assert shown_text(skipped, "import-skipped") == "2"
    assert Purchase.objects.get(owner=user, product_name="Lamp").notes == "by the bed"

    updated = body(post_import(user_client, changed, on_duplicate="update"))
    assert shown_text(updated, "import-updated") == "2"
    assert shown_text(updated, "import-created") == "0"
    assert re.search(
        r'<input type="radio" name="import-on_duplicate" value="update"[^>]*checked', updated
    )
    assert Purchase.objects.get(owner=user, product_name="Lamp").notes == "on the desk"
    assert Purchase.objects.filter(owner=user).count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "photo.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00binary",
            "This is not a CSV file: it is not UTF-8 text.",
        ),
        (
            "list.csv",
            "name,cost\nLamp,3\n",
            "This is not a CSV of purchases: its first line must name the columns, with at least "
            "product_name, price, purchase_date (missing: product_name, price, purchase_date).",
        ),
        (
            "other.json",
            '{"format": "other"}',
            'This JSON is not a Spends Tracker export: it has no "format": "spends-tracker".',
        ),
        (
            # Readable at the top, broken further down: refused before any job starts too.
            "broken.csv",
            'product_name,price,purchase_date\nLamp,3,2026-01-01\n"Desk,4,2026-01-02\n',
            "This is not a CSV file that can be read: line 3: unexpected end of data.",
        ),
    ],
)
def test_a_file_that_is_not_an_export_answers_422_beside_the_file_and_starts_nothing(
    user_client, user, name, content, message
):
    response = post_import(user_client, content, name=name)

    assert response.status_code == 422
    assert field_errors(body(response), "file") == [message]
    assert 'id="data-import"' in body(response)
    assert not Job.objects.exists()
    assert not Purchase.objects.exists()


def test_without_htmx_a_refused_file_answers_the_whole_page_with_the_error(user_client):
    response = post_import(user_client, "name,cost\n", name="list.csv", htmx=False)

    content = body(response)
    assert response.status_code == 422
    assert "<html" in content and 'id="data"' in content
    assert "This is not a CSV of purchases" in field_errors(content, "file")[0]
    assert not Job.objects.exists()


def test_no_file_or_an_empty_one_answers_422(user_client):
    missing = user_client.post(IMPORT_URL, {"import-on_duplicate": "skip"}, headers=HTMX)
    assert missing.status_code == 422
    assert field_errors(body(missing), "file") == ["Choose a CSV or JSON file to import."]

    empty = post_import(user_client, b"")
    assert empty.status_code == 422
    assert field_errors(body(empty), "file") == ["The file is empty."]
    assert not Job.objects.exists()


def test_an_unknown_duplicate_policy_answers_422_beside_it(user_client):
    response = post_import(user_client, CSV, on_duplicate="replace")

    assert response.status_code == 422
    assert field_errors(body(response), "on_duplicate") == [
        "Choose to skip or to update duplicates."
    ]
    assert not Job.objects.exists()
    assert not Purchase.objects.exists()


def test_a_file_over_the_import_limit_answers_413(user_client, settings):
    # Attachments may be larger, so the request is read in full and the import refuses it.
    settings.SPENDS_MAX_IMPORT_BYTES = 100
    settings.SPENDS_MAX_ATTACHMENT_BYTES = 10_000

    response = post_import(user_client, CSV * 3)

    assert response.status_code == 413
    assert field_errors(body(response), "file") == [
        f"The file is {len(CSV * 3)} bytes; imports may be at most 100 bytes."
    ]
    assert not Job.objects.exists()


def test_a_file_dropped_while_the_request_was_read_answers_413(user_client, settings):
    settings.SPENDS_MAX_IMPORT_BYTES = 100
    settings.SPENDS_MAX_ATTACHMENT_BYTES = 100

    response = post_import(user_client, CSV * 3, name="huge.csv")

    assert response.status_code == 413
    assert field_errors(body(response), "file") == [
        "“huge.csv” is larger than the import limit of 100 bytes."
    ]
    assert not Job.objects.exists()


def test_the_import_only_accepts_post(user_client):
    assert user_client.get(IMPORT_URL).status_code == 405


def test_an_import_still_running_shows_its_progress_when_the_page_is_opened_again(
    user_client, user, other_user
):
    JobFactory(owner=other_user, kind=JobKind.IMPORT, state=JobState.RUNNING)
    assert 'data-testid="import-job"' not in body(user_client.get("/settings"))

    running = JobFactory(owner=user, kind=JobKind.IMPORT, state=JobState.RUNNING,
                         progress_done=3, progress_total=10)  # fmt: skip
    content = body(user_client.get("/settings"))

    assert f'id="job-{running.id}"' in content
    assert 'data-state="running"' in content


def test_another_users_import_job_is_not_found(user_client, other_user):
    job = JobFactory(owner=other_user, kind=JobKind.IMPORT, state=JobState.SUCCEEDED)
    assert user_client.get(f"/jobs/{job.id}").status_code == 404


# Exporting ----------------------------------------------------------------------------------


@pytest.fixture
def purchases(user, other_user):
    shop = RetailerFactory(owner=user, name="Shop")
    return {
        "ordered": PurchaseFactory(
            owner=user, product_name="Ordered lamp", status=PurchaseStatus.ORDERED, retailer=shop
        ),
        "received": PurchaseFactory(
            owner=user, product_name="Received desk", status=PurchaseStatus.RECEIVED
        ),
        "other": PurchaseFactory(
            owner=other_user, product_name="Mallory's lamp", status=PurchaseStatus.ORDERED
        ),
    }


def test_the_inventory_export_follows_the_inventorys_filters(user_client, purchases):
    response = user_client.get("/inventory/export/csv?status=ORDERED&page=2&page_size=20")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="spends-export-\d{4}-\d{2}-\d{2}\.csv"',
        response["Content-Disposition"],
    )
    rows = csv_rows(response)
    assert [(row["product_name"], row["status"], row["retailer"]) for row in rows] == [
        ("Ordered lamp", "ORDERED", "Shop")
    ]

    searched = csv_rows(user_client.get("/inventory/export/csv?search=desk"))
    assert [row["product_name"] for row in searched] == ["Received desk"]


def test_the_export_without_filters_is_everything_of_the_users_own(user_client, user, purchases):
    response = user_client.get("/inventory/export/json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = json.loads(b"".join(response.streaming_content))
    assert document["format"] == "spends-tracker"
    assert {"settings", "retailers", "brands", "purchases"} <= set(document)
    assert sorted(p["product_name"] for p in document["purchases"]) == [
        "Ordered lamp",
        "Received desk",
    ]
    assert [r["name"] for r in document["retailers"]] == ["Shop"]
    assert "Mallory" not in json.dumps(document)
    every_row = csv_rows(user_client.get("/inventory/export/csv"))
    assert sorted(row["product_name"] for row in every_row) == ["Ordered lamp", "Received desk"]


def test_an_unknown_export_format_is_not_found(user_client, purchases):
    assert user_client.get("/inventory/export/xml").status_code == 404


def test_the_inventorys_export_links_carry_its_filters_after_a_swap(user_client, purchases):
    response = user_client.get(
        "/inventory?status=ORDERED&search=lamp&sort=price&page=1&page_size=20", headers=HTMX
    )

    content = body(response)
    assert content.lstrip().startswith('<div id="purchase-table"')
    query = "?status=ORDERED&amp;search=lamp&amp;sort=price"
    assert f'href="/inventory/export/csv{query}"' in content
    assert f'href="/inventory/export/json{query}"' in content

    unfiltered = body(user_client.get("/inventory"))
    assert 'href="/inventory/export/csv" download' in unfiltered
