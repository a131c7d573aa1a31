"""Logging to the app's log file, including llama.cpp's own log lines."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_configured: Path | None = None


class _QuietRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A log file that cannot be written (full disk, read-only) must not print
    Python's "--- Logging error ---" tracebacks over the app's one-line messages."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging API
        pass


def setup_logging(log_file: Path, level: int = logging.INFO) -> None:
    """Send the ``aigc_desktop`` logger (and llama.cpp's log) to ``log_file``.

    Idempotent per file: tests and the CLI may call it more than once.
    """
    global _configured
    if _configured == log_file:
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("aigc_desktop")
    for handler in list(root.handlers):
        if getattr(handler, "_aigc_owned", False):
            root.removeHandler(handler)
            handler.close()
    handler = _QuietRotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler._aigc_owned = True  # type: ignore[attr-defined]
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
    _configured = log_file
    # llama.cpp's log is routed when the engine first loads a model (Engine.load),
    # so that importing llama_cpp does not slow the window's first appearance.
