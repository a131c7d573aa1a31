"""Two (or three) data folders and one shared folder, in process: the merge rules of issue 24."""

from __future__ import annotations

import gzip
import shutil

import pytest
from sqlalchemy import text

from aigc_desktop.store.search import search
from aigc_desktop.sync import layout
from aigc_desktop.sync.apply import Applier
from aigc_desktop.sync.rows import Schema
from tests.sync.devices import DAY_MS, Device, exchange


@pytest.fixture
def shared(tmp_path):
    folder = tmp_path / "Dropbox"
    folder.mkdir()
    return folder


@pytest.fixture
def pair(tmp_path, shared):
    a, b = Device(tmp_path, "A", shared), Device(tmp_path, "B", shared)
    yield a, b
    a.close()
    b.close()


def _chat(device, title, *texts):
    conv = device.store.create(title)
    for i, t in enumerate(texts):
        device.store.add_message(conv.id, "user" if i % 2 == 0 else "assistant", t)
    return conv


def _own_files(device):
    return sorted(p.name for p in (device.transport.root / "devices" / device.id).iterdir())


def test_new_chats_on_both_sides_end_up_on_both(pair):
    a, b = pair
    _chat(a, "在杭州的周末", "周末去杭州玩什么？", "可以去西湖。")
    _chat(b, "Laptop chat", "hello from the laptop", "hi")
    exchange(a, b)
    assert sorted(c.title for c in a.store.list()) == sorted(c.title for c in b.store.list()) \
        == ["Laptop chat", "在杭州的周末"]
    assert a.state() == b.state()
    conv_b = next(c for c in b.store.list() if c.title == "在杭州的周末")
    msgs = b.store.messages(conv_b.id)
    assert [m.content for m in msgs] == ["周末去杭州玩什么？", "可以去西湖。"]
    assert msgs[1].parent_id == msgs[0].id and b.store.current_leaf(conv_b.id) == msgs[1].id
    # Merged messages are in the search index like local ones (its triggers fire on our inserts).
    assert [h.conversation_id for h in search(b.db, "去杭州玩") if h.message_id] == [conv_b.id]
    assert any(h.message_id for h in search(a.db, "laptop"))


def test_both_retitle_and_the_later_title_wins_on_both(pair):
    a, b = pair
    conv = _chat(a, "draft", "question")
    exchange(a, b)
    conv_b = b.conv_by_uid(a.uid_of("conversations", conv.id))
    a.store.rename(conv.id, "A's title")
    b.set_clock(1000)  # B's rename is a second later
    b.store.rename(conv_b.id, "B 的标题")
    a.store.update(conv.id, pinned=True)  # another field of the same row: both changes kept
    exchange(a, b)
    assert a.store.get(conv.id).title == b.store.get(conv_b.id).title == "B 的标题"
    assert a.store.get(conv.id).pinned and b.store.get(conv_b.id).pinned
    assert a.state() == b.state()


def test_a_newer_delete_wins_over_an_older_append_and_nothing_comes_back(pair):
    a, b = pair
    conv = _chat(a, "to delete", "one", "two")
    exchange(a, b)
    conv_b = b.conv_by_uid(a.uid_of("conversations", conv.id))
    b.store.add_message(conv_b.id, "user", "appended on B")  # B appends first...
    a.set_clock(60_000)
    a.store.delete(conv.id)  # ...A deletes a minute later
    exchange(a, b, rounds=3)
    assert a.store.list() == [] and b.store.list() == []
    assert a.state() == b.state()
    with b.db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM messages")).scalar() == 0
    exchange(a, b)  # later passes bring nothing back
    assert a.store.list() == [] and b.store.list() == []


def test_a_newer_append_wins_over_an_older_delete_and_the_chat_is_back_whole(pair):
    a, b = pair
    conv = _chat(a, "keep me", "one", "two")
    exchange(a, b)
    conv_b = b.conv_by_uid(a.uid_of("conversations", conv.id))
    a.store.delete(conv.id)  # A deletes first...
    b.set_clock(60_000)
    b.store.add_message(conv_b.id, "user", "appended on B later")  # ...B appends a minute later
    exchange(a, b, rounds=3)
    assert [c.title for c in a.store.list()] == [c.title for c in b.store.list()] == ["keep me"]
    back = a.store.list()[0]
    assert a.contents(back.id) == b.contents(conv_b.id) == ["appended on B later", "one", "two"]
    assert a.state() == b.state()


def test_both_continue_one_chat_and_both_messages_stay_as_branches(pair):
    a, b = pair
    conv = _chat(a, "shared", "question", "answer")
    exchange(a, b)
    conv_b = b.conv_by_uid(a.uid_of("conversations", conv.id))
    a.store.add_message(conv.id, "user", "follow-up written on A")
    b.store.add_message(conv_b.id, "user", "follow-up written on B")
    exchange(a, b)
    for d, cid in ((a, conv.id), (b, conv_b.id)):
        msgs = d.store.messages(cid)
        follow = [m for m in msgs if m.content.startswith("follow-up")]
        answer = next(m for m in msgs if m.content == "answer")
        assert sorted(m.content for m in follow) == ["follow-up written on A", "follow-up written on B"]
        assert {m.parent_id for m in follow} == {answer.id}  # siblings: two branches of one reply
    assert a.state() == b.state()


def test_the_same_op_file_applied_twice_makes_no_duplicates(pair, tmp_path):
    a, b = pair
    _chat(a, "once", "only one of me", "and me")
    a.sync()
    b.sync()
    before = b.state()
    # The same ops again, directly…
    path = next(p for p in (a.transport.root / "devices" / a.id).iterdir()
                if layout.OPS.match(p.name) or layout.INITIAL.match(p.name))
    _header, ops = layout.decode(path.read_bytes())
    with b.db.transaction() as s:
        conn = s.connection()
        from aigc_desktop.sync import capture

        capture.set_applying(conn, True)
        Applier(conn, Schema(conn), b.id).apply([(op, None) for op in ops])
        capture.set_applying(conn, False)
    # …and as a second file (a copy the sync program made).
    shutil.copy(path, path.with_name(layout.ops_name(900, 901)))
    assert b.sync().files_read == 1
    assert b.state() == before
    with b.db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM messages")).scalar() == 2
        assert conn.execute(text("SELECT count(*) FROM sync_outbox")).scalar() == 0  # nothing echoed back


def test_truncated_files_and_tmp_leftovers_are_skipped_then_read_when_whole(pair):
    a, b = pair
    _chat(a, "arriving", "a long message " * 200)
    a.sync()
    folder = a.transport.root / "devices" / a.id
    whole = {p: p.read_bytes() for p in folder.iterdir()}
    for p, data in whole.items():
        p.write_bytes(data[: len(data) // 2])  # still arriving through the sync program
    (folder / "ops-000000000777-000000000778.jsonl.gz.1a2b3c4d.tmp").write_bytes(b"\x1f\x8b partial")
    result = b.sync()
    assert b.store.list() == [] and result.files_read == 0 and len(result.skipped) == len(whole)
    for p, data in whole.items():
        p.write_bytes(data)
    b.sync()
    assert [c.title for c in b.store.list()] == ["arriving"]
    # A file cut exactly at a line is caught by its end line, not only by gzip.
    lines = gzip.decompress(next(iter(whole.values()))).decode().splitlines()
    cut = gzip.compress(("\n".join(lines[:-2]) + "\n").encode())
    with pytest.raises(layout.BadFile):
        layout.decode(cut)


@pytest.mark.parametrize("skew", [DAY_MS, -DAY_MS])
def test_a_clock_a_day_off_still_merges_in_the_order_things_happened(pair, skew):
    a, b = pair
    b.set_clock(skew)
    conv = _chat(a, "first title", "hi")
    exchange(a, b)
    conv_b = b.conv_by_uid(a.uid_of("conversations", conv.id))
    b.store.rename(conv_b.id, "B renamed after seeing A's")  # B saw A's title: its rename is later
    exchange(a, b)
    assert a.store.get(conv.id).title == "B renamed after seeing A's"
    a.store.rename(conv.id, "A renamed after seeing B's")
    b.store.add_message(conv_b.id, "user", "B appends")
    exchange(a, b)
    assert b.store.get(conv_b.id).title == "A renamed after seeing B's"
    assert a.contents(conv.id) == b.contents(conv_b.id) == ["B appends", "hi"]
    assert a.state() == b.state()


def test_three_devices_in_a_ring(tmp_path, shared):
    devs = [Device(tmp_path, n, shared) for n in "ABC"]
    try:
        for round_ in range(3):
            for i, d in enumerate(devs):
                _chat(d, f"{d.name} round {round_}", f"message {round_} from {d.name}")
                devs[(i + 1) % 3].sync()  # each syncs after the one before it wrote
                d.sync()
        exchange(*devs)
        states = [d.state() for d in devs]
        assert states[0] == states[1] == states[2]
        assert len(states[0]["conversations"]) == 9 and len(states[0]["messages"]) == 9
    finally:
        for d in devs:
            d.close()


def test_a_new_device_starts_from_a_snapshot_plus_the_logs(tmp_path, shared, monkeypatch):
    from aigc_desktop.sync import replica

    monkeypatch.setattr(replica, "SNAPSHOT_EVERY", 3)
    a, b = Device(tmp_path, "A", shared), Device(tmp_path, "B", shared)
    for i in range(8):
        _chat(a if i % 2 else b, f"chat {i}", f"text {i}")
        exchange(a, b, rounds=1)
    a.store.delete(a.store.list()[-1].id)  # a tombstone the snapshot carries
    exchange(a, b, rounds=1)
    _chat(b, "after the snapshot", "only in a log")
    b.sync()
    c = Device(tmp_path, "C", shared)
    try:
        files = sum(1 for d in (a, b) for p in (d.transport.root / "devices" / d.id).iterdir()
                    if layout.OPS.match(p.name))
        result = c.sync()
        assert result.files_read < files  # a snapshot and the logs it does not cover, not every file
        assert c.state() == b.state()
        assert "after the snapshot" in [x.title for x in c.store.list()]
        exchange(a, b, c)
        assert a.state() == b.state() == c.state()
    finally:
        for d in (a, b, c):
            d.close()


def test_documents_sections_versions_and_templates_travel(pair):
    a, b = pair
    doc = a.documents.create("杭州游记", brief="写一篇游记", outline=["第一天", "第二天"])
    sec = a.documents.section(doc.id, 1)
    a.documents.add_version(sec.id, "西湖边散步。", status="done")
    a.templates.add("游记模板", "写一篇关于{主题}的游记", "zh")
    exchange(a, b)
    [doc_b] = b.documents.list()
    assert doc_b.title == "杭州游记"
    sec_b = b.documents.section(doc_b.id, 1)
    assert [v.text for v in b.documents.versions(sec_b.id)] == ["西湖边散步。"]
    assert sec_b.current_version_id == b.documents.versions(sec_b.id)[0].id
    assert [t.name for t in b.templates.list()] == ["游记模板"]
    assert a.state() == b.state()


def test_a_column_added_by_another_part_travels_without_sync_code_naming_it(pair):
    a, b = pair
    for d in pair:
        with d.db.transaction() as s:
            conn = s.connection()
            conn.execute(text("ALTER TABLE messages ADD COLUMN mood TEXT"))
            from aigc_desktop.sync import capture

            assert capture.install(conn)  # the triggers follow the new column
    conv = _chat(a, "moods", "hello")
    mid = a.store.messages(conv.id)[0].id
    with a.db.transaction() as s:
        s.connection().execute(text("UPDATE messages SET mood = '开心' WHERE id = :i"), {"i": mid})
    exchange(a, b)
    with b.db.connect() as conn:
        assert conn.execute(text("SELECT mood FROM messages")).scalar() == "开心"


def test_a_kill_between_writing_the_file_and_recording_it_loses_nothing(pair, monkeypatch):
    from aigc_desktop.sync import replica

    a, b = pair
    _chat(a, "killed", "first")
    real_sent = replica.sent
    monkeypatch.setattr(replica, "sent", lambda conn, seqs: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        a.sync()
    monkeypatch.setattr(replica, "sent", real_sent)
    a.sync()  # the same name again: taken as sent
    b.sync()
    assert [c.title for c in b.store.list()] == ["killed"]
    assert len(b.state()["messages"]) == 1
    with a.db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sync_outbox")).scalar() == 0


def test_a_streaming_reply_is_sent_once_it_is_finished(pair):
    a, b = pair
    conv = _chat(a, "streaming", "question")
    reply = a.store.add_message(conv.id, "assistant", "partial", status="streaming")
    exchange(a, b)
    conv_b = b.conv_by_uid(a.uid_of("conversations", conv.id))
    assert b.contents(conv_b.id) == ["question"]
    a.store.update_message(reply.id, content="the whole answer", status="done")
    exchange(a, b)
    assert b.contents(conv_b.id) == ["question", "the whole answer"]
    assert b.store.current_leaf(conv_b.id) == next(m.id for m in b.store.messages(conv_b.id)
                                                    if m.content == "the whole answer")


def test_tombstones_go_once_every_device_has_seen_them(pair):
    a, b = pair
    conv = _chat(a, "gone", "x")
    exchange(a, b)
    a.store.delete(conv.id)
    exchange(a, b)
    _chat(b, "B writes again", "so A learns what B has seen")
    exchange(a, b)
    with a.db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sync_tombstones")).scalar() == 0


def test_presets_travel_through_presets_json(pair):
    a, b = pair
    writer = {"name": "公文写作", "system_prompt": "用正式的公文语气。", "sampling": {"temperature": 0.3}}
    a.save_presets([writer])
    exchange(a, b)
    assert b.presets() == {"公文写作": writer}
    b.set_clock(1000)
    b.save_presets([{**writer, "system_prompt": "用正式、简洁的公文语气。"}, {"name": "Coder 2", "system_prompt": "",
                                                                  "sampling": {}}])
    exchange(a, b)
    assert a.presets() == b.presets() and a.presets()["公文写作"]["system_prompt"] == "用正式、简洁的公文语气。"
    a.save_presets([p for p in a.presets().values() if p["name"] != "Coder 2"])  # deleted on A
    exchange(a, b)
    assert sorted(a.presets()) == sorted(b.presets()) == ["公文写作"]
    # Both make a preset of one name: both kept, the later uid renamed, alike on both.
    a.save_presets([*a.presets().values(), {"name": "翻译", "system_prompt": "A", "sampling": {}}])
    b.save_presets([*b.presets().values(), {"name": "翻译", "system_prompt": "B", "sampling": {}}])
    exchange(a, b)
    assert a.presets() == b.presets()
    names = sorted(a.presets())
    assert len(names) == 3 and "翻译" in names and any(n.startswith("翻译 (") for n in names)
    assert a.state() == b.state()


def test_knowledge_base_definitions_travel_as_rows_and_their_sources_as_paths(pair):
    from aigc_desktop.kb.service import KnowledgeBaseService

    a, b = pair
    kb_a, kb_b = KnowledgeBaseService(a.db), KnowledgeBaseService(b.db)
    try:
        notes = kb_a.create("读书笔记")
        kb_a.index.add_sources(notes.id, ["/home/me/笔记", "/home/me/论文.pdf"])
        kb_b.create("论文")
        kb_a.create("论文")  # the same name on both: both kept, the later uid renamed on both
        exchange(a, b)
        assert sorted(k.name for k in kb_a.list()) == sorted(k.name for k in kb_b.list())
        assert sorted(kb_b.get("读书笔记").sources) == ["/home/me/笔记", "/home/me/论文.pdf"]
        assert kb_b.get("读书笔记").uid == notes.uid and kb_b.get("读书笔记").files == 0  # each device indexes
        kb_b.index.remove_source(kb_b.get("读书笔记").id, "/home/me/论文.pdf")
        exchange(a, b)
        assert kb_a.get("读书笔记").sources == ["/home/me/笔记"]
        assert a.state() == b.state()
    finally:
        kb_a.close()
        kb_b.close()


def test_one_source_path_added_on_both_devices_stays_one_row(pair):
    from aigc_desktop.kb.service import KnowledgeBaseService

    a, b = pair
    kb_a, kb_b = KnowledgeBaseService(a.db), KnowledgeBaseService(b.db)
    try:
        kb_a.create("资料")
        exchange(a, b)
        kb_a.index.add_sources(kb_a.get("资料").id, ["/data/同一个文件夹"])
        kb_b.index.add_sources(kb_b.get("资料").id, ["/data/同一个文件夹"])
        exchange(a, b)
        assert kb_a.get("资料").sources == kb_b.get("资料").sources == ["/data/同一个文件夹"]
        assert a.state() == b.state()
    finally:
        kb_a.close()
        kb_b.close()


def test_tombstones_older_than_180_days_go_even_if_a_device_never_came_back(pair):
    from aigc_desktop.sync import replica

    a, b = pair
    conv = _chat(a, "old", "x")
    exchange(a, b)
    a.store.delete(conv.id)
    a.sync()  # B never syncs again
    with a.db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sync_tombstones")).scalar() > 0
    assert a.replica.tidy() == 0  # B has not seen it
    with a.db.transaction() as s:
        s.connection().execute(text("UPDATE sync_tombstones SET deleted_at = deleted_at - :d"),
                               {"d": (replica.TOMBSTONE_DAYS + 1) * DAY_MS})
    assert a.replica.tidy() > 0
    with a.db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sync_tombstones")).scalar() == 0


def test_a_device_with_chats_from_before_sync_joins_a_place_already_in_use(tmp_path, shared):
    a, b = Device(tmp_path, "A", shared), Device(tmp_path, "B", shared)
    try:
        _chat(b, "B was here first", "b")
        b.sync()
        _chat(a, "A's chat from before sync", "written before the uids existed")
        with a.db.transaction() as s:  # as after migration 0016: the rows are there, no ops for them
            s.connection().execute(text("DELETE FROM sync_outbox"))
        a.sync()
        b.sync()
        assert sorted(c.title for c in b.store.list()) == ["A's chat from before sync", "B was here first"]
        c = Device(tmp_path, "C", shared)
        try:
            c.sync()
            exchange(a, b, c)
            assert a.state() == b.state() == c.state()
            assert len(c.store.list()) == 2
        finally:
            c.close()
    finally:
        a.close()
        b.close()


def test_ops_applied_in_short_transactions_give_the_same_result(pair, monkeypatch):
    from aigc_desktop.sync import replica

    monkeypatch.setattr(replica, "APPLY_CHUNK", 2)  # the window's writes never wait for a long apply
    a, b = pair
    conv = _chat(a, "分批", *(f"第{i}条" for i in range(7)))
    a.store.rename(conv.id, "分批应用")
    exchange(a, b)
    assert a.state() == b.state()
    assert b.contents(b.store.list()[0].id) == sorted(f"第{i}条" for i in range(7))
