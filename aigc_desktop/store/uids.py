"""Stable identities for rows that travel between devices (sync) or are named across tables.

A uid is a UUIDv7 (RFC 9562) as text: 48 bits of Unix milliseconds, then random bits, so
uids sort by creation time and never collide between devices. Python 3.11's ``uuid``
module has no ``uuid7`` (it arrives in 3.14), and the layout is twelve lines, so it is
written here rather than taking a dependency. Within one process, uids made in the same
millisecond still sort in the order they were made (the random tail is replaced by a
counter bumped from the previous one, as RFC 9562 §6.2 method 1 allows).
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last = (0, 0)  # (milliseconds, 74-bit tail) of the previous uid


def new_uid(now_ms: int | None = None) -> str:
    """A fresh UUIDv7 string such as ``0193a1f2-7c4e-7d3a-9f1b-2c5e8a7b6d10``."""
    global _last
    ms = int(time.time() * 1000) if now_ms is None else int(now_ms)
    with _lock:
        prev_ms, prev_tail = _last
        if ms <= prev_ms:  # the same millisecond, or the clock stepped back: keep the order
            ms, tail = prev_ms, (prev_tail + 1) & ((1 << 74) - 1)
        else:
            tail = int.from_bytes(os.urandom(10), "big") >> 6
        _last = (ms, tail)
    rand_a, rand_b = tail >> 62, tail & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def uid_time_ms(uid: str) -> int:
    """The Unix milliseconds a UUIDv7 was made at."""
    return uuid.UUID(uid).int >> 80
