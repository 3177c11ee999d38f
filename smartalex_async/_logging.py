"""Logging setup: the `smartalex` logger tree, switched on without code by SMARTALEX_LOG.

Records never contain the API key, request bodies or contact data. At DEBUG there is one
record per HTTP attempt, at INFO one per retry and per rate-limit wait.
"""

from __future__ import annotations

import logging
import os
import warnings

__all__ = ["LOG_ENV_VAR", "configure_from_environment"]

LOG_ENV_VAR = "SMARTALEX_LOG"
"""Environment variable that turns on logging to stderr: debug, info, warning or error."""

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


def configure_from_environment() -> None:
    """Attach a stderr handler to the `smartalex` logger when SMARTALEX_LOG names a level.

    The level is debug, info, warning or error, in any case. Does nothing when the variable
    is unset or empty, or when the logger already has a handler, so an application's own
    logging configuration wins. Any other value raises a warning naming the valid ones.
    """
    value = os.environ.get(LOG_ENV_VAR, "").strip().lower()
    logger = logging.getLogger("smartalex")
    if not value or logger.handlers:
        return
    level = _LEVELS.get(value)
    if level is None:
        warnings.warn(
            f"{LOG_ENV_VAR}={value!r} is not a log level; use one of {', '.join(_LEVELS)}.",
            stacklevel=3,
        )
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
