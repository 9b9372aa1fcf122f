"""Incident ids: one short id per failure, in the log line and in what the user or caller is
told, so IT can find the traceback from what staff read out (STYLE.md: one error boundary per
adapter)."""

from __future__ import annotations

import logging
import uuid


def log_incident(logger: logging.Logger, what: str, *args: object, exc_info=True) -> str:
    """Log `what` (a %-format for `args`) as an error under a fresh incident id, with the
    exception being handled (or `exc_info`), and return the id."""
    incident = uuid.uuid4().hex[:8]
    logger.error("incident %s " + what, incident, *args, exc_info=exc_info)
    return incident
