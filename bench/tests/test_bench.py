"""The benchmark's own parts: the data it generates, the floors it compares against (they must
compute what the application shows, or the comparison means nothing), the measurements, the
load run and the table."""

import datetime
import json
import random
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from accounts.selectors import today_for
from bench import data, floor, load, measure, median_and_p95
from bench.run import load_row, markdown_table, table_row
from catalog.models import Brand, Retailer
from purchases.models import Attachment, Purchase
from warranties.models import Warranty
from warranties.status import shown_status

SIZE = 2000


@pytest.fixture
def bench_user(db, uploads_dir):
    user = get_user_model().objects.create_user(data.MAIN_USER, password=data.PASSWORD)
    data.populate(user, SIZE, seed=3)
    return user


@pytest.fixture
def bench_api(bench_user):
    _, api_client = measure.clients(bench_user)
    return api_client


def test_the_generated_account_has_the_shape_the_issue_asks_for(bench_user):
    purchases = Purchase.objects.filter(owner=bench_user)
    assert purchases.count() == SIZE
    assert Retailer.objects.filter(owner=bench_user).count() == 50
    assert Brand.objects.filter(owner=bench_user).count() == 300
    currencies = Counter(purchases.values_list("currency_code", flat=True))
    assert set(currencies) == {"USD", "EUR", "GBP"}
    assert currencies["USD"] > currencies["EUR"] > currencies["GBP"]
    today = today_for(bench_user)
    dates = purchases.values_list("purchase_date", flat=True)
    assert min(dates) >= today - datetime.timedelta(days=5 * 365)
    assert max(dates) <= today
    # Five years of history: every year has purchases.
    assert {day.year for day in dates} >= {today.year - year for year in range(5)}
    warranties = Warranty.objects.filter(owner=bench_user)
    assert 0.66 < warranties.count() / SIZE < 0.74
    states = Counter(
        "LIFETIME" if w.warranty_end is None and not w.voided
        else shown_status(voided=w.voided, warranty_end=w.warranty_end, today=today)
        for w in warranties
    )  # fmt: skip
    assert set(states) == {"ACTIVE", "EXPIRING_SOON", "EXPIRED", "VOIDED", "LIFETIME"}
    assert purchases.filter(status="ORDERED").exists()
    assert purchases.exclude(notes="").count() > SIZE / 3
    assert Attachment.objects.filter(owner=bench_user).count() == SIZE // 100


def test_generated_rows_pass_the_models_own_rules(bench_user):
    sample = random.Random(1).sample(list(Purchase.objects.filter(owner=bench_user)), 200)
    for purchase in sample:
        purchase.full_clean()
    for warranty in Warranty.objects.filter(purchase__in=sample):
        warranty.full_clean()


def test_the_same_seed_gives_the_same_data_and_each_account_its_own(db, uploads_dir):
    def names(user) -> list[str]:
        purchases = Purchase.objects.filter(owner=user).order_by("id")
        return list(purchases.values_list("product_name", flat=True))

    users = get_user_model().objects
    first, second = users.create_user("one"), users.create_user("two")
    for user in (first, second):
        data.populate(user, 100, seed=5, receipts=False)
    generated = names(first)
    Warranty.objects.filter(owner=first).delete()
    Purchase.objects.filter(owner=first).delete()
    Retailer.objects.filter(owner=first).delete()
    Brand.objects.filter(owner=first).delete()
    data.populate(first, 100, seed=5, receipts=False)

    assert names(first) == generated
    assert names(second) != generated


# The floors compute what the application shows ------------------------------------------------


def cents(value) -> Decimal:
    """A sum as the floor fetched it: SQLite adds prices as binary floats."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def context_for(user) -> floor.Context:
    return measure.floor_context(user, connection.vendor)


def run_floor(function, user):
    with connection.cursor() as cursor:
        return function(cursor, context_for(user))


def ids(rows) -> list[str]:
    return [str(row[0]).replace("-", "") for row in rows]


@pytest.mark.parametrize(
    ("path", "function"),
    [
        ("/api/purchases", floor.purchases_default),
        (f"/api/purchases?search={measure.SEARCH_TERM}", floor.purchases_search),
        ("/api/purchases?status=RECEIVED&currency_code=EUR&warranty_status=ACTIVE&sort=-price",
         floor.purchases_filtered),
        ("/api/warranties/expiring?days=30", floor.expiring),
    ],
)  # fmt: skip
def test_list_floors_find_the_same_page_and_total(bench_api, bench_user, path, function):
    answer = bench_api.get(path).json()
    rows, total = run_floor(function, bench_user)

    assert total[0][0] == answer["total"] > 0
    assert ids(rows) == [item["id"].replace("-", "") for item in answer["items"]]


def test_the_inventory_floor_has_the_page_and_what_the_filters_offer(bench_user):
    client = Client(HTTP_HOST="localhost")
    client.force_login(bench_user)
    page = client.get("/inventory").content.decode()
    rows, total, retailers, brands, currencies = run_floor(floor.inventory_full, bench_user)

    assert f"of {total[0][0]}</div>" in page
    shown = re.findall(r'data-purchase-id="([^"]+)"', page)
    assert ids(rows) == [purchase_id.replace("-", "") for purchase_id in shown]
    for name, options in (("retailer", retailers), ("brand", brands), ("currency", currencies)):
        select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group()
        offered = re.findall(r'<option value="([^"]+)"', select)
        assert [str(option[0]).replace("-", "") for option in options] == [
            value.replace("-", "") for value in offered
        ], name


def test_the_spending_floor_has_the_same_months_and_amounts(bench_api, bench_user):
    answer = bench_api.get("/api/analytics/spending?months=12").json()
    (rows,) = run_floor(floor.spending, bench_user)

    found = {str(month)[:7]: (cents(total), count) for month, total, count in rows}
    expected = {
        row["month"]: (cents(row["total_amount"]), row["item_count"])
        for row in answer
        if row["item_count"]
    }
    assert found == expected


def test_the_summary_floors_have_the_same_figures(bench_api, bench_user):
    answer = bench_api.get("/api/analytics/summary").json()
    (figures,), by_currency = run_floor(floor.summary, bench_user)
    total, count, ordered, received, this_month, this_year = figures
    assert (cents(total), count, ordered, received) == (
        cents(answer["total_spent"]), answer["item_count"],
        answer["ordered_count"], answer["received_count"],
    )  # fmt: skip
    assert cents(this_year) == cents(answer["this_year_spent"])
    assert [(code, n) for code, _, n in by_currency] == [
        (row["currency_code"], row["item_count"]) for row in answer["by_currency"]
    ]

    warranties = bench_api.get("/api/analytics/warranties/summary").json()
    ((total, active, expired, voided, expiring),) = run_floor(floor.warranty_summary, bench_user)[0]
    assert (total, active, expired, voided, expiring) == (
        warranties["total"], warranties["active"], warranties["expired"], warranties["voided"],
        warranties["expiring_soon"],
    )  # fmt: skip


def test_the_timeline_floor_has_the_same_counts(bench_api, bench_user):
    answer = bench_api.get("/api/analytics/warranties/timeline?months=12").json()
    ((counts,),) = run_floor(floor.warranty_timeline, bench_user)

    expected = [value for row in answer for value in (row["active"], row["expired"],
                                                       row["expiring_soon"])]  # fmt: skip
    assert [int(value or 0) for value in counts] == expected


@pytest.mark.parametrize("relation", ["retailers", "brands"])
def test_the_share_floors_have_the_same_groups(bench_api, bench_user, relation):
    answer = bench_api.get(f"/api/analytics/{relation}").json()
    (rows,) = run_floor(getattr(floor, relation), bench_user)

    key = relation.removesuffix("s") + "_name"
    assert [(name, count) for _, name, count, _ in rows] == [
        (row[key], row["count"]) for row in answer
    ]


def test_the_top_products_floor_has_the_same_products(bench_api, bench_user):
    answer = bench_api.get("/api/analytics/top-products").json()
    (rows,) = run_floor(floor.top_products, bench_user)

    assert [(name, count) for _, name, count, _ in rows] == [
        (row["product_name"], row["count"]) for row in answer
    ]


def test_the_recent_floors_have_the_same_rows(bench_api, bench_user):
    purchases = bench_api.get("/api/analytics/recent-purchases").json()
    warranties = bench_api.get("/api/analytics/recent-warranties").json()

    assert ids(run_floor(floor.recent_purchases, bench_user)[0]) == [
        row["id"].replace("-", "") for row in purchases
    ]
    assert ids(run_floor(floor.recent_warranties, bench_user)[0]) == [
        row["id"].replace("-", "") for row in warranties
    ]


def test_the_dashboard_floor_runs_each_of_its_queries(bench_user):
    results = run_floor(floor.dashboard, bench_user)
    assert len(results) == 10
    assert all(result for result in results)


# Measurements and the table --------------------------------------------------------------------


def test_every_read_answers_200_and_is_measured_with_its_floor(bench_user):
    results = measure.measure_reads(repeat=2)

    assert len(results) == len(measure.reads(today_for(bench_user)))
    for result in results:
        assert len(result.times_ms) == len(result.floor_ms) == 2
        assert 1 <= result.queries <= 16, result.name
        assert result.floor_queries >= 1


def test_an_export_is_measured_with_its_rows_and_memory(bench_user):
    (result,) = measure.measure_export("csv", repeat=1)

    assert result.rows == SIZE + 1  # the header line
    assert result.peak_mb >= result.idle_mb - 1 > 0  # two counters of the same memory


def test_the_table_checks_each_figure_against_its_target():
    fast = table_row("sqlite", {
        "name": "GET /api/purchases (default page)", "times_ms": [10.0] * 19 + [60.0],
        "queries": 4, "floor_ms": [5.0] * 20, "floor_queries": 2, "peak_mb": None,
        "idle_mb": None, "rows": None,
    })  # fmt: skip
    slow_import = table_row("postgres", {
        "name": "POST /api/import/csv (100,000 rows)", "times_ms": [16_000.0], "queries": None,
        "floor_ms": [], "floor_queries": None, "peak_mb": 420.0, "idle_mb": 80.0, "rows": 100,
    })  # fmt: skip
    load_errors = load_row("sqlite", {
        "clients": 16, "seconds": 20.0, "requests": 900, "writes": 200,
        "requests_per_second": 45.0, "errors": 2, "error_kinds": {"create: HTTP 500": 2},
        "error_samples": [], "median_ms": 100.0, "p95_ms": 300.0,
    })  # fmt: skip

    assert median_and_p95([10.0] * 19 + [60.0]) == (10.0, 10.0)
    assert (fast["median"], fast["p95"], fast["ratio"]) == ("10.0 ms", "10.0 ms", "2.0×")
    assert fast["target"] == "✓ p95 < 50.0 ms; ✓ ≤ 3× floor"
    assert slow_import["target"] == "✗ median < 15.0 s; ✗ peak < 400 MB"
    assert load_errors["target"] == "✗ 45 req/s, 2 errors (create: HTTP 500: 2)"
    table = markdown_table([fast, slow_import, load_errors]).splitlines()
    assert len(table) == 5
    assert table[2].startswith("| GET /api/purchases (default page) | sqlite | 20 |")


@pytest.mark.django_db(transaction=True)
def test_the_load_run_reads_and_writes_without_errors(live_server, uploads_dir):
    from accounts.services import api_token_create

    user = get_user_model().objects.create_user(data.MAIN_USER)
    data.populate(user, 200, seed=1, receipts=False)
    _, token = api_token_create(owner=user, name="load")

    result = load.run(live_server.url, token, clients=4, seconds=3)

    assert result["errors"] == 0, result["error_samples"]
    assert result["writes"] > 0
    assert result["requests"] > result["writes"]
    assert Purchase.objects.filter(owner=user, product_name__startswith="Load test").exists()


def test_the_load_run_refuses_a_server_elsewhere():
    with pytest.raises(SystemExit, match="only targets this machine"):
        load.run("http://example.com", "token", clients=1, seconds=1)


def test_measure_prints_one_json_line(bench_user, capsys):
    measure.main(["export-json", "--repeat", "1"])

    (line,) = capsys.readouterr().out.strip().splitlines()
    (result,) = json.loads(line)
    assert result["name"] == "GET /api/export/json (every purchase)"
