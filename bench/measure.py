"""Measures the application in this process, on the database the environment names.

    python -m bench.measure reads [--repeat 30]
    python -m bench.measure export-csv | export-json | import-csv | backup | restore [--repeat 3]

Each command prints one JSON line: a list of results, each with the name of the operation, its
times in milliseconds, the queries of one request and, for the reads, the same for the floor
(bench/floor.py); the long operations also give their peak memory. The runner (bench/run.py)
starts a fresh process for each long operation, so that its peak memory is its own.

Requests go through Django's test client: the whole middleware stack, the views and the API,
without an HTTP server (the load run in bench/load.py measures that part).
"""

import argparse
import datetime
import json
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench import floor
from bench.data import MAIN_USER

WARM_UP = 3
# The inventory's search box and the API's `search`: a word in about 2% of product names.
SEARCH_TERM = "espresso"


@dataclass
class Result:
    name: str
    times_ms: list[float]
    queries: int | None = None
    floor_ms: list[float] = field(default_factory=list)
    floor_queries: int | None = None
    peak_mb: float | None = None
    idle_mb: float | None = None
    rows: int | None = None


@dataclass(frozen=True)
class Read:
    name: str
    path: str
    floor: Callable
    kind: str = "api"  # "api": bearer token; "page": signed in; "htmx": a partial of a page
    # Each request right after a change to the owner's data, so that the analytics figures it
    # shows are computed again rather than remembered (accounts/versions.py).
    after_change: bool = False


def reads(today: datetime.date) -> list[Read]:
    year_ago = (today - datetime.timedelta(days=365)).isoformat()
    return [
        Read("GET /api/purchases (default page)", "/api/purchases", floor.purchases_default),
        Read(f"GET /api/purchases?search={SEARCH_TERM}", f"/api/purchases?search={SEARCH_TERM}",
             floor.purchases_search),
        Read("GET /api/purchases (3 filters, sort by price)",
             "/api/purchases?status=RECEIVED&currency_code=EUR&warranty_status=ACTIVE&sort=-price",
             floor.purchases_filtered),
        Read("GET /inventory (full page)", "/inventory", floor.inventory_full, "page"),
        Read("GET /inventory?page=2 (htmx partial)", "/inventory?page=2", floor.inventory_partial,
             "htmx"),
        Read("GET / (dashboard, 12 months)", "/", floor.dashboard, "page"),
        Read("GET / (dashboard, 12 months, after a change)", "/", floor.dashboard, "page",
             after_change=True),
        Read("GET /api/analytics/spending?months=12", "/api/analytics/spending?months=12",
             floor.spending),
        Read("GET /api/analytics/spending/by-period (a year)",
             f"/api/analytics/spending/by-period?start={year_ago}&end={today.isoformat()}",
             floor.spending_by_period),
        Read("GET /api/analytics/summary", "/api/analytics/summary", floor.summary),
        Read("GET /api/analytics/summary (after a change)", "/api/analytics/summary",
             floor.summary, after_change=True),
        Read("GET /api/analytics/warranties/timeline?months=12",
             "/api/analytics/warranties/timeline?months=12", floor.warranty_timeline),
        Read("GET /api/analytics/warranties/summary", "/api/analytics/warranties/summary",
             floor.warranty_summary),
        Read("GET /api/analytics/retailers", "/api/analytics/retailers", floor.retailers),
        Read("GET /api/analytics/retailers (after a change)", "/api/analytics/retailers",
             floor.retailers, after_change=True),
        Read("GET /api/analytics/brands", "/api/analytics/brands", floor.brands),
        Read("GET /api/analytics/brands (after a change)", "/api/analytics/brands", floor.brands,
             after_change=True),
        Read("GET /api/analytics/top-products", "/api/analytics/top-products", floor.top_products),
        Read("GET /api/analytics/top-products (after a change)", "/api/analytics/top-products",
             floor.top_products, after_change=True),
        Read("GET /api/analytics/recent-purchases", "/api/analytics/recent-purchases",
             floor.recent_purchases),
        Read("GET /api/analytics/recent-warranties", "/api/analytics/recent-warranties",
             floor.recent_warranties),
        Read("GET /api/warranties/expiring?days=30", "/api/warranties/expiring?days=30",
             floor.expiring),
    ]  # fmt: skip


def rss_mb() -> float:
    """This process's resident memory now."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def long_result(name: str, times: list[float], idle: float, rows: int | None) -> list[Result]:
    """A long operation's result, with this process's peak memory so far."""
    return [Result(name=name, times_ms=times, peak_mb=peak_rss_mb(), idle_mb=idle, rows=rows)]


def main_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=MAIN_USER)


def clients(user):
    """A client signed in to the pages, and one that calls the API with a bearer token."""
    from django.test import Client

    from accounts.services import api_token_create

    page_client = Client(HTTP_HOST="localhost")
    page_client.force_login(user)
    _, token = api_token_create(owner=user, name="benchmark")
    api_client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    return page_client, api_client


def floor_context(user, vendor: str) -> floor.Context:
    from accounts.selectors import preferences_for, today_for

    return floor.Context(
        vendor=vendor,
        owner_id=user.pk,
        today=today_for(user),
        currency=preferences_for(user).currency_code,
        search=SEARCH_TERM,
    )


def timed(
    action: Callable[[], object], repeat: int, before: Callable[[], object] | None = None
) -> list[float]:
    """How long `action` takes, `repeat` times (`before` runs before each, untimed)."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def changer(user) -> Callable[[], None]:
    """A change to the owner's data, as small as one can be (a purchase's notes written again
    as they are): the database counts it (accounts/versions.py), so the analytics figures
    read after it are computed again."""
    from django.db.models import F

    from purchases.models import Purchase

    purchases = Purchase.objects.filter(pk=Purchase.objects.filter(owner=user).first().pk)
    return lambda: purchases.update(notes=F("notes"))


def count_queries(action: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def measure_reads(repeat: int) -> list[Result]:
    from django.db import connection

    from accounts.selectors import today_for

    user = main_user()
    page_client, api_client = clients(user)
    context = floor_context(user, connection.vendor)
    change = changer(user)
    results = []
    for read in reads(today_for(user)):
        client = api_client if read.kind == "api" else page_client
        headers = {"HX-Request": "true"} if read.kind == "htmx" else {}

        def request(client=client, read=read, headers=headers):
            response = client.get(read.path, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{read.path} answered {response.status_code}")
            return response.content

        def floor_run(read=read):
            with connection.cursor() as cursor:
                return read.floor(cursor, context)

        before = change if read.after_change else None
        timed(request, WARM_UP, before)
        timed(floor_run, WARM_UP)
        if before is not None:
            before()
        queries = count_queries(request)
        floor_queries = count_queries(floor_run)
        results.append(
            Result(
                name=read.name,
                times_ms=timed(request, repeat, before),
                queries=queries,
                floor_ms=timed(floor_run, repeat),
                floor_queries=floor_queries,
            )
        )
    return results


def measure_export(file_format: str, repeat: int) -> list[Result]:
    user = main_user()
    _, api_client = clients(user)
    idle = rss_mb()
    rows = None

    def export():
        nonlocal rows
        response = api_client.get(f"/api/export/{file_format}")
        assert response.status_code == 200, response.status_code
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        rows = lines
        return size

    times = timed(export, repeat)
    return long_result(f"GET /api/export/{file_format} (every purchase)", times, idle, rows)


def measure_import(repeat: int, size: int) -> list[Result]:
    """Imports the main account's CSV export into a new account, `repeat` times (each into an
    account of its own, so each creates every row)."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from purchases.exports import export_chunks

    user = main_user()
    data = "".join(export_chunks(user, "csv")).encode()
    del user
    idle = rss_mb()
    times = []
    for attempt in range(repeat):
        account = get_user_model().objects.create_user(f"bench-import-{time.time_ns()}")
        _, api_client = clients(account)
        upload = SimpleUploadedFile("export.csv", data, content_type="text/csv")
        started = time.perf_counter()
        response = api_client.post("/api/import/csv", {"file": upload})
        times.append((time.perf_counter() - started) * 1000)
        report = response.json()
        if response.status_code != 200 or report["created"] != size:
            raise SystemExit(f"Import {attempt + 1} answered {response.status_code}: {report}")
    return long_result(f"POST /api/import/csv ({size:,} rows)", times, idle, size)


def measure_backup(repeat: int) -> list[Result]:
    from backups.services import backup_create, backup_delete

    idle = rss_mb()
    times, backup = [], None
    for _ in range(repeat):
        if backup is not None:
            backup_delete(backup)
        started = time.perf_counter()
        backup = backup_create(created_by="benchmark")
        times.append((time.perf_counter() - started) * 1000)
    rows = sum(backup.row_counts.values())
    return long_result(f"Backup ({rows:,} rows, {backup.file_count:,} files)", times, idle, rows)


def measure_restore(repeat: int) -> list[Result]:
    """Restores the newest backup, as the restore page does (with its restore point first)."""
    from backups.models import Backup, BackupKind
    from backups.selectors import backup_path
    from backups.services import backup_delete, backup_restore

    backup = Backup.objects.filter(kind=BackupKind.MANUAL).order_by("-created_at").first()
    if backup is None:
        raise SystemExit("No backup to restore: run `python -m bench.measure backup` first.")
    path = Path(backup_path(backup))
    idle = rss_mb()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        outcome = backup_restore(path, restored_by="benchmark")
        times.append((time.perf_counter() - started) * 1000)
        # Restore points would fill the disk over repeated runs.
        backup_delete(Backup.objects.get(pk=outcome["restore_point_id"]))
    rows = sum(backup.row_counts.values())
    return long_result(f"Restore ({rows:,} rows, {backup.file_count:,} files)", times, idle, rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "operation",
        choices=("reads", "export-csv", "export-json", "import-csv", "backup", "restore"),
    )
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--size", type=int, default=100_000, help="rows an import must create")
    arguments = parser.parse_args(argv)

    from bench import django_setup

    django_setup()
    operation = arguments.operation
    if operation == "reads":
        results = measure_reads(arguments.repeat or 30)
    elif operation.startswith("export-"):
        results = measure_export(operation.removeprefix("export-"), arguments.repeat or 3)
    elif operation == "import-csv":
        results = measure_import(arguments.repeat or 3, arguments.size)
    elif operation == "backup":
        results = measure_backup(arguments.repeat or 3)
    else:
        results = measure_restore(arguments.repeat or 3)
    sys.stdout.write(json.dumps([asdict(result) for result in results]) + "\n")


if __name__ == "__main__":
    main()
