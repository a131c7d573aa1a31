"""Property: random writes on three replicas, synced in random order; once everything is exchanged,
the replicas are identical and no finished message is lost (unless its chat was deleted)."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aigc_desktop.store.db import Database
from tests.sync.devices import DAY_MS, Device, exchange

KINDS = ("new", "reply", "branch", "rename", "pin", "rate", "delete", "sync", "sync", "sync")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A migrated empty database, copied for each replica (migrating three per example is slow)."""
    path = tmp_path_factory.mktemp("template") / "conversations.sqlite3"
    Database(path).close()
    return path


def _device(root, name, shared, template):
    (root / name).mkdir(parents=True)
    shutil.copy(template, root / name / "conversations.sqlite3")
    return Device(root, name, shared)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_random_writes_on_three_replicas_converge(tmp_path_factory, template, data):
    root = tmp_path_factory.mktemp("replicas")
    shared = root / "shared"
    shared.mkdir()
    devs = [_device(root, n, shared, template) for n in "ABC"]
    kept: set[str] = set()  # uids of finished messages whose chat nobody deleted
    doomed: set[str] = set()  # conversation uids someone deleted
    msg_conv: dict[str, str] = {}
    try:
        for d in devs:
            d.set_clock(data.draw(st.integers(-DAY_MS, DAY_MS), label=f"clock {d.name}"))
        for step in range(data.draw(st.integers(4, 30), label="steps")):
            d = data.draw(st.sampled_from(devs), label="device")
            kind = data.draw(st.sampled_from(KINDS), label="kind")
            m = None
            convs = d.store.list()
            if kind == "sync" or (kind != "new" and not convs):
                if kind == "sync":
                    d.sync()
                    continue
                kind = "new"
            if kind == "new":
                conv = d.store.create(f"chat {step} on {d.name}")
                m = d.store.add_message(conv.id, "user", f"first {step}")
                convs = [conv]
            conv = data.draw(st.sampled_from(convs), label="conversation")
            cuid = d.uid_of("conversations", conv.id)
            msgs = d.store.messages(conv.id)
            if kind == "reply":
                m = d.store.add_message(conv.id, "assistant", f"reply {step} from {d.name}")
            elif kind == "branch" and msgs:
                parent = data.draw(st.sampled_from(msgs), label="parent")
                m = d.store.add_message(conv.id, "user", f"branch {step} from {d.name}", parent_id=parent.id)
            elif kind == "rename":
                d.store.rename(conv.id, f"title {step} by {d.name}")
            elif kind == "pin":
                d.store.update(conv.id, pinned=not conv.pinned)
            elif kind == "rate" and msgs:
                rated = data.draw(st.sampled_from(msgs), label="rated")
                d.store.rate(rated.id, data.draw(st.sampled_from([1, -1, None]), label="rating"))
            elif kind == "delete":
                d.store.delete(conv.id)
                doomed.add(cuid)
            if m is not None:
                muid = d.uid_of("messages", m.id)
                kept.add(muid)
                msg_conv[muid] = cuid
        exchange(*devs, rounds=3)
        states = [d.state() for d in devs]
        assert states[0] == states[1] == states[2]
        survivors = set(states[0]["messages"])
        assert {u for u in kept if msg_conv[u] not in doomed} <= survivors
    finally:
        for d in devs:
            d.close()
