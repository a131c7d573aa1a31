"""The thread count follows the cores other programs leave free; the person's setting overrides it."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from aigc_desktop.llm.threads import RECHECK_S, CpuLoad, ThreadGovernor, _Snapshot


class ScriptedLoad:
    """CPU readings to order: each snapshot advances the clock and the others' busy time."""

    def __init__(self, logical: int = 2):
        self.logical = logical
        self.at = self.busy = self.ours = 0.0
        self.others = 0.0  # CPUs other programs keep busy from now on
        self.mine = 0.0

    def snapshot(self):
        self.at += 1.0
        self.busy += self.others + self.mine
        self.ours += self.mine
        return _Snapshot(self.at, self.busy, self.ours)


def governor(limit=2, fixed=None, logical=2):
    applied: list[int] = []
    load = ScriptedLoad(logical)
    gov = ThreadGovernor(limit, applied.append, fixed=fixed, load=load)
    return gov, load, applied


def test_busy_core_steps_down_and_a_free_one_steps_back_up():
    gov, load, applied = governor()
    assert gov.current == 2 and gov.adaptive
    load.others, load.mine = 1.0, 2.0  # one `yes` running; our own spinning threads never count
    assert gov.before_run() == 1 and applied == [1]
    load.others = 0.0
    assert gov.before_run() == 2 and applied == [1, 2]
    assert gov.chosen == {1, 2}


@pytest.mark.parametrize(("others", "expected"), [(0.0, 2), (0.3, 2), (0.7, 1), (1.0, 1), (2.0, 1), (5.0, 1)])
def test_choice_on_two_cores(others, expected):
    gov, _load, _applied = governor()
    assert gov.choose(others) == expected


def test_hyperthreads_scale_to_physical_cores():
    gov, _load, _applied = governor(limit=4, logical=8)
    assert gov.choose(0.0) == 4
    assert gov.choose(4.0) == 2  # half the logical CPUs busy: half the physical cores
    assert gov.choose(8.0) == 1


def test_the_persons_setting_is_never_changed():
    gov, load, applied = governor(fixed=2)
    load.others = 2.0
    assert gov.before_run() == 2 and applied == [] and not gov.adaptive


def test_tick_looks_again_only_every_recheck_interval(monkeypatch):
    gov, load, applied = governor()
    clock = [100.0]
    monkeypatch.setattr("aigc_desktop.llm.threads.time.monotonic", lambda: clock[0])
    gov.before_run()
    load.others = 1.5
    gov.tick()
    assert applied == []  # too soon
    clock[0] += RECHECK_S
    gov.tick()
    assert applied == [1]


def test_too_short_a_window_keeps_the_count():
    before, after = _Snapshot(0.0, 0.0, 0.0), _Snapshot(0.05, 0.1, 0.0)
    assert CpuLoad.others_busy(before, after) is None


def test_a_failing_setter_keeps_the_old_count():
    def broken(_n):
        raise RuntimeError("no")

    load = ScriptedLoad()
    gov = ThreadGovernor(2, broken, load=load)
    load.others = 2.0
    assert gov.before_run() == 2


def test_real_engine_uses_one_thread_beside_a_busy_process(starter_model):
    """On this machine, with `yes` spinning, the app's engine drops to one thread mid-reply."""
    from aigc_desktop.llm.engine import LlamaEngine, default_threads
    from aigc_desktop.llm.sampling import SamplingParams

    if default_threads() < 2:
        pytest.skip("one physical core: there is nothing to step down from")
    engine = LlamaEngine()
    engine.load(starter_model, n_ctx=1024, n_threads=0)
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        load = CpuLoad()
        first = load.snapshot()
        deadline = time.monotonic() + 30  # bounded: until the busy process shows up in the readings
        while time.monotonic() < deadline:
            time.sleep(0.3)
            others = CpuLoad.others_busy(first, load.snapshot())
            if others is not None and others >= 0.7:
                break
        else:
            pytest.fail("the busy process never showed in the CPU readings")
        messages = [{"role": "user", "content": "Tell me a long story about the sea."}]
        stats = None
        for delta in engine.stream_chat(messages, SamplingParams(max_tokens=48, temperature=0, seed=1)):
            if delta.done:
                stats = delta.stats
        assert stats is not None and stats.threads == 1
    finally:
        busy.kill()
        busy.wait(10)
        engine.unload()


def test_real_engine_keeps_an_explicit_thread_count(starter_model):
    from aigc_desktop.llm.engine import LlamaEngine
    from aigc_desktop.llm.sampling import SamplingParams

    engine = LlamaEngine()
    engine.load(starter_model, n_ctx=1024, n_threads=2)
    try:
        deltas = list(engine.stream_chat([{"role": "user", "content": "hi"}], SamplingParams(max_tokens=8, seed=1)))
        assert deltas[-1].stats.threads == 2
    finally:
        engine.unload()
