"""Logging setup: the `smartalex` logger tree, switched on without code by SMARTALEX_LOG.

Records never contain the API key, request bodies or contact data. At DEBUG there is one
record per HTTP attempt, at INFO one per retry and per rate-limit wait.
"""

from __future__ import annotations

import logging
import os

__all__ = ["LOG_ENV_VAR", "configure_from_environment"]

LOG_ENV_VAR = "SMARTALEX_LOG"

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


def configure_from_environment() -> None:
    """Attach a stderr handler to the `smartalex` logger when SMARTALEX_LOG is debug or info.

    Does nothing when the variable is unset, or when the logger already has a handler, so
    an application's own logging configuration wins.
    """
    level = _LEVELS.get(os.environ.get(LOG_ENV_VAR, "").strip().lower())
    logger = logging.getLogger("smartalex")
    if level is None or logger.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
