"""The benchmark: `make bench` (bench/run.py) generates data (bench/data.py), measures each
operation and its hand-written SQL floor (bench/measure.py, bench/floor.py), runs a load test
against gunicorn (bench/load.py) and prints one table."""

import os
import statistics


def django_setup() -> None:
    """Django, configured from the environment as `manage.py` would be."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spends.settings")
    import django

    django.setup()


def median_and_p95(times: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile (nearest rank: the value 95% of the runs are at or
    under)."""
    ordered = sorted(times)
    rank = max(1, -(-95 * len(ordered) // 100))
    return statistics.median(ordered), ordered[rank - 1]
