"""The load run: concurrent clients reading and writing through the API of a running server.

    python -m bench.load --url http://127.0.0.1:8765 --token spt_... [--clients 16] [--seconds 20]

Each client is a thread with its own keep-alive connection that sends requests one after
another, for a bounded time, drawn from a fixed mix: three in four read (the purchase list,
its search and filters, the summary, a month chart, expiring warranties) and one in four write
(create a purchase with its warranty, change one it created, delete one it created). An error
is any answer other than the one expected (200, 201, 204) or a failed connection; the run
prints one JSON line with the requests per second, the errors and the latencies.

Loopback only: the URL must name this machine.
"""

import argparse
import http.client
import json
import random
import threading
import time
import urllib.parse
from collections import Counter

from bench import median_and_p95

SEARCH_WORDS = ("espresso", "monitor", "laptop", "sony", "drill", "gift", "router", "tv")
# (weight, name) of each kind of request.
MIX = (
    (35, "list"), (10, "search"), (10, "filter"), (10, "summary"), (5, "spending"),
    (5, "expiring"), (15, "create"), (5, "update"), (5, "delete"),
)  # fmt: skip
EXPECTED = {"create": 201, "delete": 204}
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Client(threading.Thread):
    def __init__(self, number: int, url: urllib.parse.SplitResult, token: str, deadline: float):
        super().__init__(daemon=True)
        self.rng = random.Random(number)
        self.url = url
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.deadline = deadline
        self.connection = None
        self.created: list[str] = []
        self.latencies: dict[str, list[float]] = {name: [] for _, name in MIX}
        self.errors: Counter = Counter()
        self.error_samples: list[str] = []

    def connect(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                self.url.hostname, self.url.port or 80, timeout=60
            )
        return self.connection

    def send(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        payload = None if body is None else json.dumps(body)
        for attempt in (1, 2):
            connection = self.connect()
            try:
                connection.request(method, path, body=payload, headers=self.headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: open a new one and send the
                # request again, as HTTP client libraries do. A second failure is an error.
                connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def request_for(self, kind: str) -> tuple[str, str, dict | None] | None:
        rng = self.rng
        if kind == "list":
            return "GET", f"/api/purchases?skip={rng.randrange(0, 50) * 20}", None
        if kind == "search":
            return "GET", f"/api/purchases?search={rng.choice(SEARCH_WORDS)}", None
        if kind == "filter":
            return "GET", "/api/purchases?status=RECEIVED&currency_code=EUR&sort=-price", None
        if kind == "summary":
            return "GET", "/api/analytics/summary", None
        if kind == "spending":
            return "GET", "/api/analytics/spending?months=12", None
        if kind == "expiring":
            return "GET", "/api/warranties/expiring?days=30", None
        if kind == "create":
            price = f"{rng.randint(5, 2000)}.{rng.randint(0, 99):02d}"
            return (
                "POST",
                "/api/purchases",
                {
                    "product_name": f"Load test item {rng.randint(1, 10**6)}",
                    "price": price,
                    "currency_code": rng.choice(("USD", "EUR", "GBP")),
                    "purchase_date": "2026-01-15",
                    "retailer_name": rng.choice(("Amazon", "Best Buy", "IKEA")),
                    "notes": "Created by the load run.",
                    "warranty": {"duration_months": 24, "warranty_type": "MANUFACTURER"},
                },
            )
        if not self.created:
            return None
        if kind == "update":
            target = rng.choice(self.created)
            return "PATCH", f"/api/purchases/{target}", {"status": "RECEIVED", "notes": "Changed."}
        return "DELETE", f"/api/purchases/{self.created.pop()}", None

    def run(self) -> None:
        kinds = [name for _, name in MIX]
        weights = [weight for weight, _ in MIX]
        while time.monotonic() < self.deadline:
            kind = self.rng.choices(kinds, weights)[0]
            request = self.request_for(kind)
            if request is None:
                continue
            method, path, body = request
            started = time.perf_counter()
            try:
                status, content = self.send(method, path, body)
            except OSError as error:
                self.errors[type(error).__name__] += 1
                self.connection = None
                continue
            self.latencies[kind].append((time.perf_counter() - started) * 1000)
            if status != EXPECTED.get(kind, 200):
                self.errors[f"{kind}: HTTP {status}"] += 1
                if len(self.error_samples) < 3:
                    self.error_samples.append(f"{method} {path} → {status}: {content[:200]!r}")
            elif kind == "create":
                self.created.append(json.loads(content)["id"])


def run(url: str, token: str, *, clients: int, seconds: float) -> dict:
    parts = urllib.parse.urlsplit(url)
    if parts.hostname not in LOOPBACK:
        raise SystemExit(f"The load run only targets this machine, not {parts.hostname}.")
    deadline = time.monotonic() + seconds
    threads = [Client(number, parts, token, deadline) for number in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = [value for thread in threads for values in thread.latencies.values()
                 for value in values]  # fmt: skip
    writes = sum(len(thread.latencies[kind]) for thread in threads
                 for kind in ("create", "update", "delete"))  # fmt: skip
    errors = sum((thread.errors for thread in threads), Counter())
    median, p95 = median_and_p95(latencies or [0.0])
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies) + sum(errors.values()),
        "writes": writes,
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "error_samples": [sample for thread in threads for sample in thread.error_samples][:5],
        "median_ms": round(median, 1),
        "p95_ms": round(p95, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    arguments = parser.parse_args()
    result = run(arguments.url, arguments.token, clients=arguments.clients,
                 seconds=arguments.seconds)  # fmt: skip
    print(json.dumps(result))


if __name__ == "__main__":
    main()
