"""Crash injection for recovery tests: `MC_FAILPOINT=exit_after:<state>` kills the process at that point.

The process exits with os._exit, skipping cleanup like a SIGKILL would, right after the named
pipeline state has been committed. Unset (the normal case) it does nothing.
"""

import logging
import os

log = logging.getLogger(__name__)

EXIT_CODE = 137


def hit(point: str) -> None:
    """Exit the process at once when MC_FAILPOINT names this point."""
    configured = os.environ.get("MC_FAILPOINT")
    if configured and configured == point:
        log.warning("failpoint hit, exiting", extra={"failpoint": point})
        os._exit(EXIT_CODE)
