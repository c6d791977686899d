"""POST /api/import/csv and /api/import/json (SPEC section 6), as a script calls them."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Retailer
from jobs.models import Job
from purchases.models import PRICE_MESSAGES, Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

CSV = "product_name,price,purchase_date,retailer\nLamp,3.50,2026-01-01,Shop\nDesk,120,2026-01-02,\n"
REPORT_KEYS = {"dry_run", "created", "updated", "skipped", "failed", "errors", "warnings"}


def upload(client, path: str, content: str | bytes, name="data.csv", **fields):
    data = content.encode() if isinstance(content, str) else content
    return client.post(path, {"file": SimpleUploadedFile(name, data), **fields})


def test_a_csv_import_answers_its_report(api_client, user):
    response = upload(api_client, "/api/import/csv", CSV)

    assert response.status_code == 200
    report = response.json()
    assert set(report) == REPORT_KEYS
    assert (report["dry_run"], report["created"], report["failed"], report["errors"]) == (
        False, 2, 0, [],
    )  # fmt: skip
    assert Purchase.objects.filter(owner=user).count() == 2


def test_options_come_as_form_fields_or_in_the_query_string(api_client, user):
    dry = upload(api_client, "/api/import/csv", CSV, dry_run="true")
    assert (dry.status_code, dry.json()["dry_run"], dry.json()["created"]) == (200, True, 2)
    assert not Purchase.objects.filter(owner=user).exists()

    dry = upload(api_client, "/api/import/csv?dry_run=true", CSV)
    assert (dry.status_code, dry.json()["dry_run"]) == (200, True)
    assert not Purchase.objects.filter(owner=user).exists()


def test_duplicates_are_skipped_or_updated(api_client, user):
    assert upload(api_client, "/api/import/csv", CSV).json()["created"] == 2
    again = upload(api_client, "/api/import/csv", CSV.replace("Desk,120", "desk,120.00"))
    assert (again.json()["created"], again.json()["skipped"]) == (0, 2)

    changed = CSV.replace(",Shop", ",Shop") + ""
    updated = upload(api_client, "/api/import/csv", changed, on_duplicate="update")
    assert (updated.status_code, updated.json()["updated"]) == (200, 2)
    assert Purchase.objects.filter(owner=user).count() == 2


def test_invalid_rows_stop_the_import_with_422_unless_partial(api_client, user):
    text = CSV + "Chair,12.345,2026-01-03,\n"
    stopped = upload(api_client, "/api/import/csv", text)

    assert stopped.status_code == 422
    assert stopped.json()["errors"] == [
        {
            "row": 4,
            "field": "price",
            "message": PRICE_MESSAGES["max_decimal_places"],
        }
    ]
    assert stopped.json()["created"] == 0
    assert not Purchase.objects.filter(owner=user).exists()
    assert not Retailer.objects.filter(owner=user).exists()

    partial = upload(api_client, "/api/import/csv", text, partial="true")
    assert (partial.status_code, partial.json()["created"], partial.json()["failed"]) == (200, 2, 1)
    assert Purchase.objects.filter(owner=user).count() == 2


def test_everything_skipped_is_a_200(api_client, user):
    upload(api_client, "/api/import/csv", CSV)
    response = upload(api_client, "/api/import/csv", CSV)
    assert (response.status_code, response.json()["skipped"]) == (200, 2)


def test_a_json_export_imports_through_its_endpoint(api_client, user):
    document = {"format": "spends-tracker", "version": 1, "purchases": [
        {"product_name": "Kettle", "price": 25, "purchase_date": "2026-03-01"},
    ]}  # fmt: skip
    response = upload(api_client, "/api/import/json", json.dumps(document), name="x.json")
    assert (response.status_code, response.json()["created"]) == (200, 1)


@pytest.mark.parametrize(
    ("path", "content", "message"),
    [
        ("/api/import/csv", b"\x89PNG\r\n\x1a\n\x00\x00binary", "not UTF-8 text"),
        ("/api/import/csv", '{"format": "spends-tracker", "version": 1}', "not a CSV"),
        ("/api/import/json", CSV, "not a JSON file"),
        ("/api/import/json", '{"format": "other"}', "not a Spends Tracker export"),
    ],
)
def test_a_file_that_is_not_csv_or_json_of_this_format_answers_422_saying_so(
    api_client, user, path, content, message
):
    response = upload(api_client, path, content)

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "file"]
    assert message in problem["msg"]


def test_a_file_over_the_import_limit_answers_413(api_client, user, settings):
    settings.SPENDS_MAX_IMPORT_BYTES = 100
    response = upload(api_client, "/api/import/csv", CSV * 5)

    assert response.status_code == 413
    assert "imports may be at most" in response.json()["detail"]
    assert not Purchase.objects.filter(owner=user).exists()


@pytest.mark.parametrize(
    ("fields", "location"),
    [
        ({"on_duplicate": "replace"}, ["body", "on_duplicate"]),
        ({"dry_run": "perhaps"}, ["body", "dry_run"]),
        ({}, ["body", "file"]),
    ],
)
def test_bad_options_and_a_missing_file_answer_422(api_client, fields, location):
    if "file" in location:
        response = api_client.post("/api/import/csv", fields)
    else:
        response = upload(api_client, "/api/import/csv", CSV, **fields)
    assert response.status_code == 422
    assert location in [problem["loc"] for problem in response.json()["detail"]]


def test_a_bad_option_in_the_query_string_answers_422(api_client):
    response = upload(api_client, "/api/import/csv?on_duplicate=replace", CSV)
    assert response.status_code == 422
    assert ["query", "on_duplicate"] in [problem["loc"] for problem in response.json()["detail"]]


def test_background_answers_202_with_the_job_whose_result_is_the_report(api_client, user):
    response = upload(api_client, "/api/import/csv", CSV, background="true")

    assert response.status_code == 202
    job = response.json()
    assert set(job) == {
        "id", "kind", "state", "progress", "created_at", "started_at", "finished_at", "result",
        "error",
    }  # fmt: skip
    assert job["kind"] == "import"
    # The tests run jobs at once; a worker would have answered "queued".
    status = api_client.get(f"/api/jobs/{job['id']}").json()
    assert status["state"] == "succeeded"
    assert status["result"]["created"] == 2
    assert status["progress"] == {"done": 2, "total": 2}
    assert Purchase.objects.filter(owner=user).count() == 2


def test_background_refuses_a_bad_file_at_once(api_client):
    response = upload(api_client, "/api/import/csv", b"\x00\x01", background="true")
    assert response.status_code == 422
    assert not Job.objects.exists()


def test_an_import_only_ever_touches_the_callers_own_data(api_client, user, other_user):
    theirs = PurchaseFactory(owner=other_user, product_name="Lamp")
    text = f"id,product_name,price,purchase_date\n{theirs.id},Lamp,3.50,2026-01-01\n"

    response = upload(api_client, "/api/import/csv", text, on_duplicate="update")

    assert (response.json()["created"], response.json()["updated"]) == (1, 0)
    theirs.refresh_from_db()
    assert (theirs.owner, theirs.price) == (other_user, theirs.price)
    assert Purchase.objects.filter(owner=other_user).count() == 1


def test_without_credentials_the_import_answers_401(client):
    response = upload(client, "/api/import/csv", CSV)
    assert response.status_code == 401
