"""The benchmark runner: `make bench` (SIZE=100000 ENGINE=both by default).

    python -m bench.run [--size N] [--engine sqlite|postgres|both] [--repeat 30]
                        [--heavy-repeat 3] [--load-seconds 20] [--clients 16] [--no-load]
                        [--markdown FILE]

For each engine it makes a fresh database (a SQLite file in a temporary data directory, or the
PostgreSQL database `spends_bench`, dropped and created again), migrates it, fills it
(bench/data.py), measures every read against its hand-written SQL floor and the long operations
(bench/measure.py, each long one in a process of its own for its peak memory), then serves the
application as `make run` does (scripts/serve: gunicorn and the worker) and runs the load
(bench/load.py) against it. At the end it prints one table, each figure beside its target.
Nothing of it is kept: the data directory and the database are removed.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench import median_and_p95
from bench.data import MAIN_USER

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DATABASE = "spends_bench"
ENGINES = ("sqlite", "postgres")


@dataclass(frozen=True)
class Target:
    """What a row must show: a 95th percentile (or, for long operations, a median) under a
    number of milliseconds, and for reads at most `max_ratio` times the floor's median."""

    ms: float | None = None
    max_ratio: float | None = 3.0
    peak_mb: float | None = None
    use_median: bool = False


LIST_TARGET = Target(ms=50)
TARGETS = {
    "GET /api/purchases": LIST_TARGET,
    "GET /inventory?page=2 (htmx partial)": LIST_TARGET,
    "GET /inventory (full page)": Target(),
    "GET / (dashboard": Target(ms=250),
    "GET /api/analytics/": Target(ms=100),
    "GET /api/warranties/expiring": LIST_TARGET,
    "POST /api/import/csv": Target(ms=15_000, max_ratio=None, peak_mb=400, use_median=True),
    "GET /api/export/": Target(ms=5_000, max_ratio=None, use_median=True),
    "Backup": Target(max_ratio=None),
    "Restore": Target(max_ratio=None),
}


def target_for(name: str) -> Target:
    for prefix, target in TARGETS.items():
        if name.startswith(prefix):
            return target
    return Target()


# Running the pieces ---------------------------------------------------------------------------


class Step(Exception):
    """A step of the run failed; its message says which and why."""


def run_python(args: list[str], env: dict, *, what: str) -> str:
    completed = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise Step(f"{what} failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    return completed.stdout


def measure(operation: str, env: dict, *extra: str) -> list[dict]:
    output = run_python(["-m", "bench.measure", operation, *extra], env, what=operation)
    return json.loads(output.strip().splitlines()[-1])


def postgres_url(base: str, database: str) -> str:
    head, _, _ = base.rpartition("/")
    return f"{head}/{database}"


def postgres_execute(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute("SHOW server_version").fetchone()[0].split()[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise Step(f"The server did not answer {url} within {seconds:.0f} s.")


def load_run(env: dict, data_dir: Path, *, clients: int, seconds: float) -> dict:
    """Serves the application as `make run` does and runs the load against it."""
    from bench.load import run as run_load

    token = run_python(
        ["manage.py", "create_api_token", MAIN_USER, "--name", "load run"], env,
        what="create_api_token",
    ).strip()  # fmt: skip
    port = free_port()
    log = open(data_dir / "serve.log", "w")  # noqa: SIM115 - closed below, after the server
    server = subprocess.Popen(
        ["bash", "scripts/serve", "--python", sys.executable, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", 60)
        return run_load(f"http://127.0.0.1:{port}", token, clients=clients, seconds=seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def bench_engine(engine: str, arguments, postgres_base: str) -> list[dict]:
    """Every measurement on one engine, as table rows."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"spends-bench-{engine}-"))
    env = {**os.environ, "SPENDS_DATA_DIR": str(data_dir), "DEBUG": "false"}
    env.pop("SPENDS_TASKS_BACKEND", None)
    database_url = ""
    if engine == "postgres":
        database_url = postgres_url(postgres_base, BENCH_DATABASE)
        postgres_execute(
            postgres_base,
            f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)",
            f"CREATE DATABASE {BENCH_DATABASE}",
        )
    env["DATABASE_URL"] = database_url
    rows: list[dict] = []
    try:
        say(engine, "migrating")
        run_python(["manage.py", "migrate", "--no-input", "-v0"], env, what="migrate")
        # As `make run` does: the pages name their static files by the collected manifest.
        run_python(["manage.py", "collectstatic", "--no-input", "-v0"], env, what="collectstatic")
        say(engine, f"generating {arguments.size:,} purchases")
        say(engine, run_python(["-m", "bench.data", "--size", str(arguments.size)], env,
                               what="bench.data").strip().replace("\n", "; "))  # fmt: skip
        if engine == "postgres":
            # What autovacuum does within a minute of a large insert on a running server.
            postgres_execute(database_url, "VACUUM ANALYZE")
        say(engine, "reads")
        results = measure("reads", env, "--repeat", str(arguments.repeat))
        heavy = ("export-csv", "export-json", "backup", "restore", "import-csv")
        for operation in heavy:
            say(engine, operation)
            results += measure(
                operation, env, "--repeat", str(arguments.heavy_repeat),
                "--size", str(arguments.size),
            )  # fmt: skip
        rows += [table_row(engine, result) for result in results]
        if arguments.load_seconds > 0:
            if engine == "postgres":
                # The imports have just added 300,000 rows: until a vacuum marks their pages
                # all-visible, the index-only scans read the table too (17 req/s against 33
                # after it). As after the data's generation: what autovacuum does in a minute.
                postgres_execute(database_url, "VACUUM ANALYZE")
            say(engine, f"load run: {arguments.clients} clients, {arguments.load_seconds:.0f} s")
            rows.append(
                load_row(
                    engine,
                    load_run(
                        env, data_dir, clients=arguments.clients, seconds=arguments.load_seconds
                    ),
                )
            )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if engine == "postgres":
            drop = f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"
            postgres_execute(postgres_base, drop)
    return rows


def say(engine: str, message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {engine}: {message}", file=sys.stderr, flush=True)


# The table ------------------------------------------------------------------------------------


def milliseconds(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:,.1f} s"
    if value >= 100:
        return f"{value:,.0f} ms"
    return f"{value:.1f} ms"


def table_row(engine: str, result: dict) -> dict:
    median, p95 = median_and_p95(result["times_ms"])
    target = target_for(result["name"])
    checks = []
    if target.ms is not None:
        figure = median if target.use_median else p95
        label = "median" if target.use_median else "p95"
        checks.append((figure < target.ms, f"{label} < {milliseconds(target.ms)}"))
    floor_text = ratio_text = "–"
    if result["floor_ms"]:
        floor_median, _ = median_and_p95(result["floor_ms"])
        ratio = median / floor_median if floor_median else float("inf")
        floor_text = f"{milliseconds(floor_median)} ({result['floor_queries']} q)"
        ratio_text = f"{ratio:.1f}×"
        if target.max_ratio is not None:
            checks.append((ratio <= target.max_ratio, f"≤ {target.max_ratio:g}× floor"))
    memory = "–"
    if result["peak_mb"] is not None:
        memory = f"{result['peak_mb']:.0f} MB (idle {result['idle_mb']:.0f})"
        if target.peak_mb is not None:
            checks.append((result["peak_mb"] < target.peak_mb, f"peak < {target.peak_mb:.0f} MB"))
    return {
        "operation": result["name"],
        "engine": engine,
        "runs": str(len(result["times_ms"])),
        "median": milliseconds(median),
        "p95": milliseconds(p95),
        "queries": "–" if result["queries"] is None else str(result["queries"]),
        "floor": floor_text,
        "ratio": ratio_text,
        "memory": memory,
        "target": "; ".join(f"{'✓' if met else '✗'} {text}" for met, text in checks) or "–",
    }


def load_row(engine: str, load: dict) -> dict:
    errors = load["errors"]
    detail = f"{load['requests_per_second']:,.0f} req/s, {errors} errors"
    if errors:
        detail += f" ({', '.join(f'{k}: {v}' for k, v in load['error_kinds'].items())})"
    return {
        "operation": f"Load: {load['clients']} clients, {load['seconds']:.0f} s, 3/4 reads "
        f"({load['writes']:,} writes)",
        "engine": engine,
        "runs": f"{load['requests']:,}",
        "median": milliseconds(load["median_ms"]),
        "p95": milliseconds(load["p95_ms"]),
        "queries": "–",
        "floor": "–",
        "ratio": "–",
        "memory": "–",
        "target": f"{'✓' if not errors else '✗'} {detail}",
    }


COLUMNS = (
    ("operation", "Operation"), ("engine", "Engine"), ("runs", "Runs"), ("median", "Median"),
    ("p95", "p95"), ("queries", "Queries"), ("floor", "SQL floor (median)"),
    ("ratio", "× floor"), ("memory", "Peak memory"), ("target", "Target"),
)  # fmt: skip


def markdown_table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(title for _, title in COLUMNS) + " |"]
    lines.append("|" + "|".join("---" for _ in COLUMNS) + "|")
    for row in rows:
        lines.append("| " + " | ".join(row[key] for key, _ in COLUMNS) + " |")
    return "\n".join(lines)


def machine_description(versions: dict[str, str]) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        memory_kb = 0
    parts = [
        f"{cpu}, {os.cpu_count()} cores, {memory_kb / 2**20:.0f} GiB",
        f"{platform.system()} {platform.release()}",
        f"Python {platform.python_version()}",
        *(f"{name} {version}" for name, version in versions.items()),
    ]
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="purchases (default 100000)")
    parser.add_argument("--engine", choices=(*ENGINES, "both"), default="both")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each read")
    parser.add_argument("--heavy-repeat", type=int, default=3,
                        help="runs of each export, import, backup and restore")  # fmt: skip
    parser.add_argument("--load-seconds", type=float, default=20, help="0: no load run")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL")
                        or DEFAULT_POSTGRES_URL)  # fmt: skip
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    arguments = parser.parse_args(argv)

    import sqlite3

    engines = ENGINES if arguments.engine == "both" else (arguments.engine,)
    versions = {"SQLite": sqlite3.sqlite_version}
    if "postgres" in engines:
        try:
            versions["PostgreSQL"] = postgres_version(arguments.postgres_url)
        except Exception as error:  # noqa: BLE001 - any failure to connect means the same
            print(f"PostgreSQL is not reachable at {arguments.postgres_url}: {error}",
                  file=sys.stderr)  # fmt: skip
            return 1
    started = time.monotonic()
    rows = []
    try:
        for engine in engines:
            rows += bench_engine(engine, arguments, arguments.postgres_url)
    except Step as failure:
        print(f"The benchmark stopped: {failure}", file=sys.stderr)
        return 1
    heading = (
        f"Spends Tracker benchmark, {datetime.date.today().isoformat()}: "
        f"{arguments.size:,} purchases; {arguments.repeat} runs per read, "
        f"{arguments.heavy_repeat} per long operation; "
        f"took {(time.monotonic() - started) / 60:.1f} min.\n"
        f"Machine: {machine_description(versions)}."
    )
    table = markdown_table(rows)
    print(f"\n{heading}\n\n{table}")
    if arguments.markdown:
        arguments.markdown.write_text(f"{heading}\n\n{table}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
