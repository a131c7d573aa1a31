"""llama.cpp's own log lines, routed into the app's log file.

With ``verbose=False`` llama-cpp-python throws these away and a failed load
says only "Failed to load model"; we keep them in the log file and remember the
last error lines so a load failure can say why (:func:`explain_load_failure`,
used by the engine's load and by the model check's child, ``llm/probe.py``).
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections import deque
from pathlib import Path

from aigc_desktop.i18n import _

log = logging.getLogger("aigc_desktop.llama_cpp")

_LEVELS = {0: logging.CRITICAL, 1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING, 4: logging.ERROR}
_recent_errors: deque[str] = deque(maxlen=20)
_lock = threading.RLock()
_callback = None  # keep the ctypes callback alive
_pending = ""
_last_level = logging.INFO


def _handle(level: int, text: bytes, _user_data) -> None:
    """Called by llama.cpp on whatever thread logs, and re-entrantly.

    Re-entrant because logging allocates, an allocation can run the garbage
    collector, and collecting an old ``Llama`` frees its context, which logs
    through this same callback on the same thread. So the lock is an RLock, and
    lines are handed to ``logging`` only after it is released: a plain Lock held
    across ``log.log`` deadlocked the CLI when an earlier model was collected.
    """
    global _pending, _last_level
    try:
        chunk = text.decode("utf-8", errors="replace") if text else ""
        ready: list[tuple[int, str]] = []
        with _lock:
            lvl = _last_level if level == 5 else _LEVELS.get(level, logging.INFO)
            _last_level = lvl
            _pending += chunk
            while "\n" in _pending:
                line, _pending = _pending.split("\n", 1)
                if not line.strip():
                    continue
                if "failed to decode, ret = 2" in line:
                    # ret 2 = aborted by our abort callback (Stop, or a cancelled
                    # evaluate-ahead): expected, not an error.
                    ready.append((logging.DEBUG, line + " (aborted on request)"))
                    continue
                if lvl >= logging.WARNING:
                    _recent_errors.append(line.strip())
                ready.append((lvl, line))
        for lvl, line in ready:
            if log.isEnabledFor(lvl):
                log.log(lvl, "%s", line)
    except Exception:  # never let an exception cross into C
        pass


def route_llama_log() -> None:
    """Install the callback (once per process)."""
    global _callback
    if _callback is not None:
        return
    import llama_cpp

    _callback = llama_cpp.llama_log_callback(_handle)
    llama_cpp.llama_log_set(_callback, ctypes.c_void_p(0))


def recent_errors(clear: bool = False) -> list[str]:
    with _lock:
        out = list(_recent_errors)
        if clear:
            _recent_errors.clear()
    return out


def explain_load_failure(path: Path, lines: list[str], exc: BaseException) -> str:
    """Turn llama.cpp's log lines about a failed load into a sentence a person can act on."""
    text = " ".join(lines).lower()
    if "not within the file bounds" in text or "incomplete" in text:
        return _("{name} is truncated or corrupted (its data ends early). Download it again.").format(name=path.name)
    if "key-value" in text or "failed to read" in text or "invalid magic" in text:
        return _("{name} is damaged: its GGUF header cannot be read.").format(name=path.name)
    if "unknown model architecture" in text:
        arch = next((l.split("'")[1] for l in lines if "unknown model architecture" in l and "'" in l), "")
        if arch:
            return _("{name} uses a model architecture this version of llama.cpp does not know ({arch}). "
                     "Update the app or pick another model.").format(name=path.name, arch=arch)
        return _("{name} uses a model architecture this version of llama.cpp does not know. "
                 "Update the app or pick another model.").format(name=path.name)
    if "alloc" in text or "memory" in text:
        return _("{name} could not be loaded: not enough memory.").format(name=path.name)
    detail = "; ".join(lines[-2:]) or str(exc)
    return _("{name} could not be loaded by llama.cpp: {detail}").format(name=path.name, detail=detail)
