import csv
import datetime
import io
import json
import zoneinfo
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from accounts.selectors import today_for
from accounts.services import preferences_update
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases import exports
from purchases.dataformat import CSV_COLUMNS, unescape_cell
from purchases.models import PurchaseStatus
from purchases.schemas import PurchaseOut
from purchases.selectors import PurchaseFilters, purchase_list
from purchases.tests.factories import AttachmentFactory, PurchaseFactory
from warranties.models import WarrantyType
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

JSON_URL = "/api/export/json"
CSV_URL = "/api/export/csv"
MOMENT = datetime.datetime(2025, 3, 4, 5, 6, 7, 891234, tzinfo=datetime.UTC)


def body_of(response) -> str:
    assert response.status_code == 200, response.content if not response.streaming else ""
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def json_export(client, **params) -> dict:
    return json.loads(body_of(client.get(JSON_URL, params)), parse_float=Decimal)


def csv_export(client, **params) -> list[dict]:
    text = body_of(client.get(CSV_URL, params))
    return list(csv.DictReader(io.StringIO(text, newline="")))


def ms(timestamp: str) -> datetime.datetime:
    """An instant to the millisecond, the precision of the API's timestamps."""
    value = datetime.datetime.fromisoformat(timestamp)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


@pytest.fixture
def laptop(user):
    retailer = RetailerFactory(owner=user, name="MediaMarkt", url="https://www.mediamarkt.de")
    brand = BrandFactory(owner=user, name="Lenovo")
    purchase = PurchaseFactory(
        owner=user,
        product_name="ThinkPad X1",
        price=Decimal("1234.56"),
        currency_code="EUR",
        status=PurchaseStatus.RECEIVED,
        purchase_date=datetime.date(2025, 3, 1),
        retailer=retailer,
        brand=brand,
        serial_number="SN-42",
        model_number="21KC",
        order_number="ORD-7",
        notes="Bought for work.\nSecond line, with a comma.",
        created_at=MOMENT,
    )
    WarrantyFactory(
        purchase=purchase,
        warranty_start=datetime.date(2025, 3, 1),
        warranty_end=datetime.date(2099, 3, 1),
        warranty_type=WarrantyType.EXTENDED,
        provider="Lenovo Premier",
        notes="Call first.",
        created_at=MOMENT,
    )
    AttachmentFactory(
        purchase=purchase,
        kind="receipt",
        filename="receipt.pdf",
        content_type="application/pdf",
        size=2048,
        sha256="ab" * 32,
        created_at=MOMENT,
    )
    purchase.refresh_from_db()
    return purchase


# The JSON export


def test_the_json_export_is_a_download_of_the_format_with_settings_and_catalog(
    api_client, user, laptop
):
    preferences_update(user=user, currency_code="EUR", date_format="DD.MM.YYYY")
    before = datetime.datetime.now(datetime.UTC)
    response = api_client.get(JSON_URL)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="spends-export-{today_for(user).isoformat()}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    document = json.loads(body_of(response))

    assert list(document) == [
        "format", "version", "exported_at", "settings", "retailers", "brands", "purchases",
    ]  # fmt: skip
    assert document["format"] == "spends-tracker" and document["version"] == 1
    assert document["exported_at"].endswith("Z")
    assert before <= datetime.datetime.fromisoformat(document["exported_at"])
    assert document["settings"] == {
        "currency_code": "EUR",
        "date_format": "DD.MM.YYYY",
        "timezone": "UTC",
    }
    retailer = laptop.retailer
    assert document["retailers"] == [
        {
            "id": str(retailer.id),
            "name": "MediaMarkt",
            "url": "https://www.mediamarkt.de",
            "created_at": retailer.created_at.isoformat().replace("+00:00", "Z"),
            "updated_at": retailer.updated_at.isoformat().replace("+00:00", "Z"),
        }
    ]
    assert [brand["name"] for brand in document["brands"]] == ["Lenovo"]
    assert document["brands"][0]["url"] == ""


def test_a_json_purchase_has_every_field_with_its_warranty_and_attachments(
    api_client, user, laptop
):
    [exported] = json_export(api_client)["purchases"]
    warranty, attachment = laptop.warranty, laptop.attachments.get()
    today = today_for(user)
    assert exported == {
        "id": str(laptop.id),
        "product_name": "ThinkPad X1",
        "price": Decimal("1234.56"),
        "currency_code": "EUR",
        "status": "RECEIVED",
        "purchase_date": "2025-03-01",
        "retailer_id": str(laptop.retailer_id),
        "retailer_name": "MediaMarkt",
        "brand_id": str(laptop.brand_id),
        "brand_name": "Lenovo",
        "serial_number": "SN-42",
        "model_number": "21KC",
        "order_number": "ORD-7",
        "notes": "Bought for work.\nSecond line, with a comma.",
        "warranty": {
            "id": str(warranty.id),
            "purchase_id": str(laptop.id),
            "product_name": "ThinkPad X1",
            "warranty_start": "2025-03-01",
            "warranty_end": "2099-03-01",
            "warranty_type": "EXTENDED",
            "status": "ACTIVE",
            "voided": False,
            "provider": "Lenovo Premier",
            "notes": "Call first.",
            "days_remaining": (datetime.date(2099, 3, 1) - today).days,
            "created_at": "2025-03-04T05:06:07.891234Z",
            "updated_at": warranty.updated_at.isoformat().replace("+00:00", "Z"),
        },
        "attachment_count": 1,
        "created_at": "2025-03-04T05:06:07.891234Z",
        "updated_at": laptop.updated_at.isoformat().replace("+00:00", "Z"),
        "attachments": [
            {
                "id": str(attachment.id),
                "kind": "receipt",
                "filename": "receipt.pdf",
                "content_type": "application/pdf",
                "size": 2048,
                "sha256": "ab" * 32,
                "created_at": "2025-03-04T05:06:07.891234Z",
            }
        ],
    }


def test_a_json_purchase_says_what_the_api_says_about_it(api_client, user, laptop):
    PurchaseFactory(owner=user, product_name="No warranty, no shop")
    exported = {item["id"]: item for item in json_export(api_client)["purchases"]}
    assert len(exported) == 2
    for purchase_id, item in exported.items():
        shown = api_client.get(f"/api/purchases/{purchase_id}").json()
        # The same keys as the API's purchase, plus the attachments' metadata.
        assert set(item) == set(PurchaseOut.model_fields) | {"attachments"}
        assert item.pop("attachments") is not None
        # The API writes timestamps to the millisecond; the export keeps every microsecond.
        for record, api_record in [(item, shown), (item["warranty"], shown["warranty"])]:
            if record is None:
                assert api_record is None
                continue
            for key in ("created_at", "updated_at"):
                assert ms(record.pop(key)) == ms(api_record.pop(key))
        assert json.loads(json.dumps(item, default=float)) == shown


def test_times_on_the_whole_second_and_dates_are_written_in_both_exports(api_client, user):
    whole_second = datetime.datetime(2025, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)
    purchase = PurchaseFactory(owner=user, purchase_date=datetime.date(2025, 1, 31),
                               created_at=whole_second)  # fmt: skip
    WarrantyFactory(purchase=purchase, warranty_start=datetime.date(2025, 2, 1),
                    created_at=whole_second + datetime.timedelta(microseconds=1))  # fmt: skip

    [item] = json_export(api_client)["purchases"]
    [row] = csv_export(api_client)
    assert (item["purchase_date"], item["created_at"]) == ("2025-01-31", "2025-03-04T05:06:07Z")
    assert (item["warranty"]["warranty_start"], item["warranty"]["created_at"]) == (
        "2025-02-01", "2025-03-04T05:06:07.000001Z",
    )  # fmt: skip
    assert (row["purchase_date"], row["warranty_start"], row["created_at"]) == (
        "2025-01-31", "2025-02-01", "2025-03-04T05:06:07Z",
    )  # fmt: skip


@pytest.mark.parametrize(
    "stored, written",
    [
        ("2025-03-04 05:06:07", "2025-03-04T05:06:07Z"),
        ("2025-03-04 05:06:07.000100", "2025-03-04T05:06:07.000100Z"),
        # Not as Django writes it, but still the same instant.
        ("2025-03-04T07:06:07+02:00", "2025-03-04T05:06:07Z"),
        ("2025-03-04 05:06", "2025-03-04T05:06:00Z"),
    ],
)
def test_a_timestamp_read_as_stored_text_is_written_as_the_same_instant(stored, written):
    assert exports.utc_timestamp(stored) == written


@pytest.mark.parametrize(
    "price", ["0.10", "0.00", "1234.50", "19.99", "99999999.99", "12345678.91", "0.01"]
)
def test_json_prices_are_numbers_that_keep_every_cent(api_client, user, price):
    PurchaseFactory(owner=user, price=Decimal(price))
    text = body_of(api_client.get(JSON_URL))
    [item] = json.loads(text, parse_float=Decimal)["purchases"]
    assert item["price"] == Decimal(price)
    # A JSON number, not a string.
    assert isinstance(json.loads(text)["purchases"][0]["price"], float | int)


def test_a_lifetime_and_a_voided_warranty_show_their_status(api_client, user):
    lifetime = WarrantyFactory(
        purchase__owner=user, warranty_type=WarrantyType.LIFETIME, warranty_end=None
    )
    voided = WarrantyFactory(purchase__owner=user, voided=True)
    expired = WarrantyFactory(
        purchase__owner=user,
        warranty_start=datetime.date(2019, 1, 1),
        warranty_end=datetime.date(2020, 1, 1),
    )
    exported = {item["id"]: item["warranty"] for item in json_export(api_client)["purchases"]}
    assert exported[str(lifetime.purchase_id)]["warranty_end"] is None
    assert exported[str(lifetime.purchase_id)]["days_remaining"] is None
    assert exported[str(lifetime.purchase_id)]["status"] == "ACTIVE"
    assert exported[str(voided.purchase_id)]["status"] == "VOIDED"
    assert exported[str(expired.purchase_id)]["status"] == "EXPIRED"


def test_an_empty_account_exports_a_valid_document(api_client):
    document = json_export(api_client)
    assert document["purchases"] == [] and document["retailers"] == []


# The CSV export


def test_the_csv_export_is_a_utf8_download_with_the_header_and_a_row_per_purchase(
    api_client, user, laptop
):
    response = api_client.get(CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="spends-export-{today_for(user).isoformat()}.csv"'
    )
    raw = b"".join(response.streaming_content)
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.startswith(",".join(CSV_COLUMNS).encode() + b"\r\n")
    assert raw.endswith(b"\r\n")

    rows = list(csv.reader(io.StringIO(raw.decode(), newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    assert dict(zip(rows[0], rows[1], strict=True)) == {
        "id": str(laptop.id),
        "product_name": "ThinkPad X1",
        "price": "1234.56",
        "currency_code": "EUR",
        "status": "RECEIVED",
        "purchase_date": "2025-03-01",
        "retailer": "MediaMarkt",
        "brand": "Lenovo",
        "serial_number": "SN-42",
        "model_number": "21KC",
        "order_number": "ORD-7",
        "notes": "Bought for work.\nSecond line, with a comma.",
        "warranty_start": "2025-03-01",
        "warranty_end": "2099-03-01",
        "warranty_type": "EXTENDED",
        "warranty_status": "ACTIVE",
        "warranty_provider": "Lenovo Premier",
        "warranty_notes": "Call first.",
        "created_at": "2025-03-04T05:06:07.891234Z",
        "updated_at": laptop.updated_at.isoformat().replace("+00:00", "Z"),
    }
    assert len(rows) == 2


def test_csv_prices_are_plain_decimals_and_a_purchase_without_extras_has_empty_cells(
    api_client, user
):
    PurchaseFactory(owner=user, price=Decimal("1234.50"))
    PurchaseFactory(owner=user, price=Decimal("99999999.99"))
    PurchaseFactory(owner=user, price=Decimal("0.10"))
    rows = csv_export(api_client, sort="price")
    assert [row["price"] for row in rows] == ["0.10", "1234.50", "99999999.99"]
    for column in ("retailer", "brand", "warranty_start", "warranty_end", "warranty_type"):
        assert rows[0][column] == ""
    assert rows[0]["warranty_status"] == rows[0]["warranty_provider"] == ""


def test_csv_warranty_status_is_judged_against_the_owners_today(api_client, user):
    WarrantyFactory(
        purchase__owner=user,
        purchase__product_name="Old",
        warranty_start=datetime.date(2019, 1, 1),
        warranty_end=datetime.date(2020, 1, 1),
    )
    WarrantyFactory(purchase__owner=user, purchase__product_name="Void", voided=True)
    WarrantyFactory(
        purchase__owner=user,
        purchase__product_name="Forever",
        warranty_type=WarrantyType.LIFETIME,
        warranty_end=None,
    )
    rows = {row["product_name"]: row for row in csv_export(api_client)}
    assert rows["Old"]["warranty_status"] == "EXPIRED"
    assert rows["Void"]["warranty_status"] == "VOIDED"
    assert rows["Forever"]["warranty_status"] == "ACTIVE"
    assert rows["Forever"]["warranty_end"] == "" and rows["Forever"]["warranty_type"] == "LIFETIME"


FORMULAS = ["=SUM(1)", "+1", "-2", "@x", "'=already", "\t=tab", "\rcarriage", "=1\n=2"]


def test_csv_cells_a_spreadsheet_would_run_are_escaped_and_unescape_exactly(api_client, user):
    retailer = RetailerFactory(owner=user, name="=HYPERLINK(1)")
    for index, text in enumerate(FORMULAS):
        PurchaseFactory(
            owner=user,
            product_name=f"Item {index}",
            notes=text,
            serial_number=text,
            retailer=retailer,
            purchase_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=index),
        )
    rows = csv_export(api_client, sort="purchase_date")
    assert [row["notes"] for row in rows] == [
        "'=SUM(1)", "'+1", "'-2", "'@x", "''=already", "'\t=tab", "'\rcarriage", "'=1\n=2",
    ]  # fmt: skip
    assert [unescape_cell(row["notes"]) for row in rows] == FORMULAS
    assert [unescape_cell(row["serial_number"]) for row in rows] == FORMULAS
    assert {row["retailer"] for row in rows} == {"'=HYPERLINK(1)"}
    # Ordinary text is written as it is.
    assert rows[0]["product_name"] == "Item 0"


def test_the_json_export_keeps_formula_like_text_as_it_is(api_client, user):
    PurchaseFactory(owner=user, notes="=SUM(1)")
    assert json_export(api_client)["purchases"][0]["notes"] == "=SUM(1)"


# Both exports


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_the_file_is_dated_in_the_owners_time_zone(url, api_client, other_api_client, user):
    from django.contrib.auth import get_user_model

    other = get_user_model().objects.get(username="mallory")
    # UTC+14 and UTC-11: always a different date, whatever the time of day.
    preferences_update(user=user, timezone="Pacific/Kiritimati")
    preferences_update(user=other, timezone="Pacific/Pago_Pago")
    ahead = datetime.datetime.now(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    behind = datetime.datetime.now(zoneinfo.ZoneInfo("Pacific/Pago_Pago")).date()
    extension = url.rsplit("/", 1)[1]
    for client, date in [(api_client, ahead), (other_api_client, behind)]:
        disposition = client.get(url)["Content-Disposition"]
        assert disposition == f'attachment; filename="spends-export-{date}.{extension}"'


def test_both_exports_honour_the_purchase_lists_filters(api_client, user):
    PurchaseFactory(owner=user, product_name="Ordered desk", status=PurchaseStatus.ORDERED)
    PurchaseFactory(owner=user, product_name="Received chair", status=PurchaseStatus.RECEIVED)
    PurchaseFactory(owner=user, product_name="Received lamp", status=PurchaseStatus.RECEIVED)

    ordered = json_export(api_client, status="ORDERED")["purchases"]
    assert [item["product_name"] for item in ordered] == ["Ordered desk"]
    assert [row["product_name"] for row in csv_export(api_client, status="ORDERED")] == [
        "Ordered desk"
    ]
    searched = json_export(api_client, search="chair")["purchases"]
    assert [item["product_name"] for item in searched] == ["Received chair"]
    assert [row["product_name"] for row in csv_export(api_client, search="LAMP")] == [
        "Received lamp"
    ]
    # Filtered purchases do not narrow the catalog: the document has all retailers and brands.
    RetailerFactory(owner=user, name="Unused")
    assert [r["name"] for r in json_export(api_client, search="x")["retailers"]] == ["Unused"]


def test_rows_come_in_the_purchase_lists_order(api_client, user):
    for day, price in [(3, "5.00"), (1, "9.00"), (2, "1.00")]:
        PurchaseFactory(owner=user, purchase_date=datetime.date(2025, 1, day), price=price)
    dates = [item["purchase_date"] for item in json_export(api_client)["purchases"]]
    assert dates == ["2025-01-03", "2025-01-02", "2025-01-01"]
    prices = [row["price"] for row in csv_export(api_client, sort="-price")]
    assert prices == ["9.00", "5.00", "1.00"]


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
@pytest.mark.parametrize(
    "params",
    [
        {"status": "LOST"},
        {"sort": "colour"},
        {"min_price": "-1"},
        {"date_from": "yesterday"},
        {"retailer_id": "not-a-uuid"},
        {"warranty_status": "SOMETIMES"},
    ],
)
def test_a_bad_filter_answers_422_naming_it(url, params, api_client):
    response = api_client.get(url, params)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"][-1] == next(iter(params))


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_text_with_nul_characters_is_not_a_server_error(url, api_client, user):
    PurchaseFactory(owner=user)
    response = api_client.get(url, {"search": "a\x00b"})
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        b"".join(response.streaming_content)


def test_another_users_purchases_never_appear(api_client, other_api_client, user, other_user):
    WarrantyFactory(purchase__owner=user, purchase__product_name="Alice's laptop")
    RetailerFactory(owner=user, name="Alice's shop")
    WarrantyFactory(purchase__owner=other_user, purchase__product_name="Mallory's phone")
    RetailerFactory(owner=other_user, name="Mallory's shop")

    alice = json_export(api_client)
    assert [item["product_name"] for item in alice["purchases"]] == ["Alice's laptop"]
    assert [retailer["name"] for retailer in alice["retailers"]] == ["Alice's shop"]
    assert [row["product_name"] for row in csv_export(api_client)] == ["Alice's laptop"]

    mallory = json_export(other_api_client)
    assert [item["product_name"] for item in mallory["purchases"]] == ["Mallory's phone"]
    assert [retailer["name"] for retailer in mallory["retailers"]] == ["Mallory's shop"]
    assert [row["product_name"] for row in csv_export(other_api_client)] == ["Mallory's phone"]


def test_another_users_retailer_as_a_filter_selects_nothing(api_client, user, other_user):
    PurchaseFactory(owner=user)
    theirs = PurchaseFactory(owner=other_user, retailer=RetailerFactory(owner=other_user))
    assert json_export(api_client, retailer_id=str(theirs.retailer_id))["purchases"] == []
    assert csv_export(api_client, retailer_id=str(theirs.retailer_id)) == []


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_the_browser_session_can_export(url, user_client, user):
    PurchaseFactory(owner=user, product_name="Kettle")
    assert "Kettle" in body_of(user_client.get(url))


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_without_credentials_the_export_answers_401(url, client, user):
    PurchaseFactory(owner=user)
    response = client.get(url)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_the_exports_are_in_the_api_schema(api_client):
    paths = api_client.get("/api/openapi.json").json()["paths"]
    json_answer = paths[JSON_URL]["get"]["responses"]["200"]
    assert "application/json" in json_answer["content"]
    assert "text/csv" in paths[CSV_URL]["get"]["responses"]["200"]["content"]
    parameters = {parameter["name"] for parameter in paths[CSV_URL]["get"]["parameters"]}
    assert {"status", "search", "sort", "warranty_status"} <= parameters


def make_purchases(owner, count: int) -> None:
    retailer, brand = RetailerFactory(owner=owner), BrandFactory(owner=owner)
    for index in range(count):
        purchase = PurchaseFactory(
            owner=owner,
            retailer=retailer if index % 2 else None,
            brand=brand if index % 3 else None,
            purchase_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=index),
        )
        if index % 2:
            WarrantyFactory(purchase=purchase)
        if index % 3 == 0:
            AttachmentFactory(purchase=purchase, filename=f"file-{index}.pdf")
            AttachmentFactory(purchase=purchase, filename=f"photo-{index}.png")


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
@pytest.mark.parametrize("count", [5, 40])
def test_the_query_count_does_not_grow_with_the_rows(
    url, count, api_client, user, django_assert_max_num_queries
):
    make_purchases(user, count)
    with django_assert_max_num_queries(8):
        response = api_client.get(url)
        text = body_of(response)
    assert text.count("ThinkPad") == 0 and text.count("Product") >= count


def test_rows_fetched_in_several_queries_keep_their_order_and_attachments(
    user, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(exports, "ROWS_PER_QUERY", 4)
    make_purchases(user, 15)
    expected = list(purchase_list(user, PurchaseFilters()))

    document = json.loads("".join(exports.export_json_chunks(user)))
    assert [item["id"] for item in document["purchases"]] == [str(p.id) for p in expected]
    for item, purchase in zip(document["purchases"], expected, strict=True):
        filenames = list(purchase.attachments.values_list("filename", flat=True))
        assert [attachment["filename"] for attachment in item["attachments"]] == filenames
        assert item["attachment_count"] == len(filenames)
    rows = list(csv.DictReader(io.StringIO("".join(exports.export_csv_chunks(user)))))
    assert [row["id"] for row in rows] == [str(p.id) for p in expected]


def test_large_exports_are_handed_on_in_several_chunks_with_progress(user, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_CHARS", 1000)
    make_purchases(user, 30)
    told = []
    chunks = list(exports.export_csv_chunks(user, progress=told.append))
    assert len(chunks) > 3
    assert told == sorted(told) and told[-1] == 30
    assert len(list(csv.reader(io.StringIO("".join(chunks))))) == 31


# The management command


def test_the_command_writes_a_complete_file(user, other_user, laptop, tmp_path):
    PurchaseFactory(owner=other_user, product_name="Not alice's")
    target = tmp_path / "alice.json"
    out = io.StringIO()
    call_command("export_data", "alice", "--format", "json", "--output", str(target), stdout=out)
    document = json.loads(target.read_text(encoding="utf-8"), parse_float=Decimal)
    assert [item["product_name"] for item in document["purchases"]] == ["ThinkPad X1"]
    assert document["purchases"][0]["price"] == Decimal("1234.56")
    assert "Exported 1 purchase to" in out.getvalue()
    assert list(tmp_path.iterdir()) == [target]


def test_the_command_writes_csv_with_crlf_line_ends_to_a_file(user, laptop, tmp_path):
    target = tmp_path / "alice.csv"
    call_command(
        "export_data", "alice", "--format", "csv", "--output", str(target), stdout=io.StringIO()
    )
    raw = target.read_bytes()
    assert raw.startswith(",".join(CSV_COLUMNS).encode() + b"\r\n")
    rows = list(csv.DictReader(io.StringIO(raw.decode(), newline="")))
    assert rows[0]["notes"] == "Bought for work.\nSecond line, with a comma."


def test_the_command_writes_the_same_export_to_standard_output(user, laptop):
    out = io.StringIO()
    call_command("export_data", "alice", "--format", "csv", stdout=out)
    text = out.getvalue()
    assert text.startswith(",".join(CSV_COLUMNS) + "\r\n")
    [row] = list(csv.DictReader(io.StringIO(text, newline="")))
    assert row["product_name"] == "ThinkPad X1" and row["price"] == "1234.56"

    out = io.StringIO()
    call_command("export_data", "alice", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["purchases"][0]["id"] == str(laptop.id)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_command_shows_a_progress_bar_on_a_terminal_only(user, tmp_path):
    make_purchases(user, 3)
    terminal = Terminal()
    target = tmp_path / "x.csv"
    call_command(
        "export_data", "alice", "--format", "csv", "--output", str(target), stderr=terminal
    )
    assert "3 / 3 purchases" in terminal.getvalue() and "[######" in terminal.getvalue()

    pipe = io.StringIO()
    call_command("export_data", "alice", "--format", "csv", "--output", str(target), stderr=pipe)
    assert pipe.getvalue() == ""


def test_the_command_refuses_an_unknown_user(db, tmp_path):
    with pytest.raises(CommandError, match='no user "nobody"'):
        call_command("export_data", "nobody", "--format", "json", "--output", str(tmp_path / "x"))
    assert list(tmp_path.iterdir()) == []


def test_the_command_refuses_an_unknown_format(user):
    with pytest.raises(CommandError, match="xml"):
        call_command("export_data", "alice", "--format", "xml")


def test_the_command_leaves_no_file_when_it_cannot_write(user, tmp_path):
    with pytest.raises(CommandError, match="Could not write"):
        call_command(
            "export_data", "alice", "--format", "json", "--output", str(tmp_path / "no" / "x.json")
        )
    assert list(tmp_path.iterdir()) == []
