"""How many threads llama.cpp computes with: chosen from the CPU that is free now.

Why adapt instead of a fixed count: llama.cpp splits every matrix product of a
token across its threads and waits at a barrier for the slowest one. When another
program keeps a core busy, the thread that shares that core runs only part of the
time and every other thread spins at the barrier waiting for it. Measured on a
2-core machine with one ``yes > /dev/null`` running: 2 threads gave 39.6 tok/s,
1 thread 83.9 tok/s (idle: 130.5 and 81.1). So the right count is the number of
cores nobody else is using, and it changes while a writer works (a browser tab
wakes up, a build starts).

How: :class:`CpuLoad` compares two snapshots of the whole machine's CPU time and
of this process's own, and calls the difference "busy with other programs" (our
own threads, spinning or not, never count against us). :class:`ThreadGovernor`
turns that into a count before every prompt evaluation and generation, and again
every :data:`RECHECK_S` while a long reply decodes, and applies it to the live
context with ``llama_set_n_threads`` (no reload). Snapshots come from psutil
(``/proc/stat`` on Linux, which counts in 10 ms ticks, so a window shorter than
:data:`MIN_WINDOW_S` is too coarse and the previous choice stands).

The person's explicit thread setting (Settings → threads > 0) is an override: the
governor then always answers that number. Peers use a fixed count.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

RECHECK_S = 0.5  # while decoding, how often the load is looked at again
MIN_WINDOW_S = 0.2  # a shorter window holds too few of /proc/stat's 10 ms ticks to mean anything
ROUND_UP = 0.35  # 1.65 free cores -> 2 threads; 1.6 -> 1: a thread on a part-busy core stalls the rest


@dataclass(frozen=True)
class _Snapshot:
    at: float  # time.monotonic()
    busy: float  # seconds of CPU time the whole machine spent busy, all CPUs summed
    ours: float  # seconds of CPU time this process spent


class CpuLoad:
    """How many CPUs other programs kept busy between two looks."""

    def __init__(self) -> None:
        import psutil

        self._psutil = psutil
        self._me = psutil.Process()
        self.logical = psutil.cpu_count(logical=True) or os.cpu_count() or 1

    def snapshot(self) -> _Snapshot | None:
        try:
            times = self._psutil.cpu_times()
            mine = self._me.cpu_times()
        except Exception:  # a sandbox without /proc: no adapting, the fixed count stands
            log.debug("cannot read CPU times", exc_info=True)
            return None
        idle = times.idle + getattr(times, "iowait", 0.0)
        # On Linux, guest time is already inside user (and guest_nice inside nice): count it once.
        guest = getattr(times, "guest", 0.0) + getattr(times, "guest_nice", 0.0)
        busy = sum(times) - idle - guest
        return _Snapshot(time.monotonic(), busy, mine.user + mine.system)

    @staticmethod
    def others_busy(before: _Snapshot, after: _Snapshot) -> float | None:
        """CPUs' worth of work other programs did between the snapshots (None: window too short)."""
        wall = after.at - before.at
        if wall < MIN_WINDOW_S:
            return None
        others = (after.busy - before.busy) - (after.ours - before.ours)
        return max(0.0, others / wall)


class ThreadGovernor:
    """Chooses and applies the thread count; see the module docstring.

    ``apply(n)`` sets it on the context (``llama_set_n_threads``). ``fixed`` is the
    person's explicit setting (None: adapt). ``limit`` is the most worth using
    (the physical cores); ``load`` is injectable for tests.
    """

    def __init__(self, limit: int, apply: Callable[[int], None], *, fixed: int | None = None,
                 load: CpuLoad | None = None) -> None:
        self.limit = max(1, limit)
        self.fixed = fixed if fixed and fixed > 0 else None
        self._apply = apply
        self.current = self.fixed or self.limit
        self.chosen: set[int] = {self.current}  # every count used since the last reset_chosen(): for stats
        self._load = None if self.fixed else (load or _try_load())
        self._last = self._load.snapshot() if self._load else None
        self._next_check = 0.0

    @property
    def adaptive(self) -> bool:
        return self._load is not None

    def reset_chosen(self) -> None:
        self.chosen = {self.current}

    def choose(self, others_busy: float) -> int:
        """The count for this much busy-elsewhere CPU: the free cores, scaled to physical ones."""
        logical = self._load.logical if self._load else self.limit
        free = max(0.0, logical - others_busy) * self.limit / max(logical, 1)
        return max(1, min(self.limit, int(free + ROUND_UP)))

    def before_run(self) -> int:
        """Look at the load now (before a prompt evaluation or a reply) and set the count."""
        self._check(time.monotonic())
        return self.current

    def tick(self) -> None:
        """Called between tokens: cheap, and looks again every RECHECK_S."""
        now = time.monotonic()
        if now >= self._next_check:
            self._check(now)

    def _check(self, now: float) -> None:
        if self._load is None:
            return
        self._next_check = now + RECHECK_S
        snap = self._load.snapshot()
        if snap is None or self._last is None:
            self._last = snap or self._last
            return
        others = CpuLoad.others_busy(self._last, snap)
        if others is None:  # too soon after the last look: keep the count
            return
        self._last = snap
        count = self.choose(others)
        if count != self.current:
            log.info("threads %d -> %d (other programs busy on %.2f CPUs)", self.current, count, others)
            self._set(count)

    def _set(self, count: int) -> None:
        try:
            self._apply(count)
        except Exception:  # never lose a reply over a tuning knob
            log.warning("could not set %d threads", count, exc_info=True)
            return
        self.current = count
        self.chosen.add(count)


def _try_load() -> CpuLoad | None:
    try:
        return CpuLoad()
    except Exception:
        log.debug("no CPU load readings; thread count stays fixed", exc_info=True)
        return None


def llama_thread_setter(llm) -> Callable[[int], None]:
    """``apply`` for a ``llama_cpp.Llama``: both the decode and the batch (prompt) thread counts."""
    import llama_cpp

    def apply(count: int) -> None:
        llama_cpp.llama_set_n_threads(llm.ctx, count, count)

    return apply
