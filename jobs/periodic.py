"""Work that runs on a clock instead of on request: automatic backups and warranty reminder
emails. Each piece (settings.SPENDS_PERIODIC_WORK) decides for itself whether anything is due
and is safe to run late, or twice, or from two machines at once; so the clock may be the worker
(`manage.py worker` runs it every minute), a cron line (`manage.py run_periodic`), or both."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def run_periodic() -> list[str]:
    """Runs every piece of periodic work once; answers the names of those that failed (each
    failure is logged, and the others still run)."""
    failed = []
    for path in settings.SPENDS_PERIODIC_WORK:
        try:
            import_string(path)()
        except Exception:
            logger.exception("Periodic work %s failed", path)
            failed.append(path)
    return failed
