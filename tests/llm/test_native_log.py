"""llama.cpp's log callback: lines reach the log file, and a re-entrant call does not deadlock."""

from __future__ import annotations

import logging
import threading

from aigc_desktop.llm import native_log


class _ReenteringHandler(logging.Handler):
    """Logs like a garbage-collected ``Llama`` would: by calling the callback again, mid-emit."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())
        if record.getMessage() == "outer":
            native_log._handle(2, b"inner\n", None)


def test_reentrant_callback_logs_both_lines_without_deadlock():
    logger = logging.getLogger("aigc_desktop.llama_cpp")
    handler = _ReenteringHandler()
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        worker = threading.Thread(target=native_log._handle, args=(3, b"outer\n", None), daemon=True)
        worker.start()
        worker.join(30)  # a bounded wait: before the fix this thread never ended
        assert not worker.is_alive()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert handler.lines == ["outer", "inner"]
    assert "outer" in native_log.recent_errors()


def test_partial_lines_are_joined_and_aborts_are_debug(caplog):
    caplog.set_level(logging.DEBUG, logger="aigc_desktop.llama_cpp")
    native_log._handle(4, b"load failed: bad ", None)
    native_log._handle(5, b"tensor\n", None)
    native_log._handle(4, b"llama_decode: failed to decode, ret = 2\n", None)
    recs = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "aigc_desktop.llama_cpp"]
    assert (logging.ERROR, "load failed: bad tensor") in recs
    assert any(lvl == logging.DEBUG and "aborted on request" in msg for lvl, msg in recs)
