"""Hostile chat exports: malformed ChatGPT and native JSON never crash, hang or half-import.

Hypothesis builds ChatGPT ``conversations.json`` trees and our own exports whose every
field may be of the wrong type, whose message trees have cycles, missing parents and
dangling children, with huge strings and lone surrogates; and raw files that are
truncated, deeply nested or not UTF-8. Each one given to the importer either imports
cleanly (every conversation it reports is in the database, readable) or raises a
:class:`UserError` of one line and leaves the row counts as they were.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from aigc_desktop.errors import UserError
from aigc_desktop.export.markdown import JSON_FORMAT, JSON_VERSION
from aigc_desktop.importers import import_file

FUZZ = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
COUNTS: Counter = Counter()
REASONS: Counter = Counter()

# -- values of every JSON type, some of them hostile -----------------------------------------
SURROGATES = st.sampled_from(["\ud800", "\udfff", "a\udc80b", "\ud83d"])  # lone halves: JSON allows them
TEXT = st.one_of(st.text(min_size=1, max_size=40), SURROGATES, st.just("x" * 300_000), st.just("<think>a</think>b"))
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT)
JUNK = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                    st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                    max_leaves=8)
TIMES = st.one_of(st.floats(), st.integers(), st.sampled_from(
    ["2024-01-02T03:04:05", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "nope", 1e300, -1e300]))
IDS = st.sampled_from(["a", "b", "c", "d", "e", "missing"])


def maybe(good):
    """The right kind of value most of the time (one in eight is anything at all)."""
    return st.one_of(*[good] * 7, JUNK)


def _node(ids):
    message = st.fixed_dictionaries({
        "author": maybe(st.fixed_dictionaries({"role": maybe(st.sampled_from(["user", "assistant", "user", "assistant", "system", "tool"]))})),
        "content": maybe(st.fixed_dictionaries({
            "content_type": maybe(st.sampled_from(["text", "multimodal_text", "code"])),
            "parts": maybe(st.lists(maybe(TEXT), min_size=1, max_size=3)),
        })),
        "create_time": maybe(TIMES),
        "metadata": maybe(st.fixed_dictionaries({}, optional={
            "model_slug": maybe(TEXT), "is_visually_hidden_from_conversation": maybe(st.booleans())})),
    })
    return st.fixed_dictionaries({
        "parent": maybe(st.one_of(st.none(), ids)),
        "children": maybe(st.lists(maybe(ids), max_size=3)),
        "message": maybe(message),
    })


CHATGPT_CONV = st.fixed_dictionaries({
    "title": maybe(TEXT),
    "mapping": maybe(st.dictionaries(IDS, _node(IDS), min_size=2, max_size=5)),
    "current_node": maybe(IDS),
    "create_time": maybe(TIMES),
    "update_time": maybe(TIMES),
})
GENERATED_CHATGPT = st.one_of(*[st.lists(CHATGPT_CONV, min_size=1, max_size=2)] * 5,
                              st.lists(maybe(CHATGPT_CONV), min_size=1, max_size=3))

NATIVE_MSG = st.fixed_dictionaries({
    "id": maybe(IDS),
    "parent_id": maybe(st.one_of(st.none(), IDS)),
    "role": maybe(st.sampled_from(["user", "assistant", "system", "tool"])),
    "content": maybe(TEXT),
    "status": maybe(st.sampled_from(["done", "streaming", "error", "weird"])),
    "created": maybe(TIMES),
    "model": maybe(TEXT),
    "stats": maybe(st.dictionaries(st.text(max_size=5), JUNK, max_size=3)),
})
NATIVE_CONV = st.fixed_dictionaries({
    "format": st.one_of(st.just(JSON_FORMAT), st.just(JSON_FORMAT), JUNK),
    "version": maybe(st.integers(1, JSON_VERSION)),
    "conversation": maybe(st.fixed_dictionaries({}, optional={
        "title": maybe(TEXT), "current_leaf_id": maybe(IDS), "created": maybe(TIMES), "updated": maybe(TIMES),
        "model": maybe(TEXT), "system_prompt": maybe(TEXT), "pinned": JUNK,
        "sampling": maybe(st.dictionaries(st.sampled_from(["temperature", "top_k", "seed", "n_ctx", "stop"]),
                                          JUNK, max_size=3)),
    })),
    "messages": maybe(st.lists(maybe(NATIVE_MSG), min_size=1, max_size=6)),
})
GENERATED_NATIVE = st.one_of(NATIVE_CONV, st.lists(NATIVE_CONV, min_size=1, max_size=3))


# -- well-formed exports with a few hostile edits ---------------------------------------------
def _chatgpt_tree(texts: list[str]) -> list:
    """A valid export: a root, a system node, then user/assistant turns, the last two as branches."""
    def node(parent, children, role=None, body=None):
        message = None if role is None else {
            "author": {"role": role}, "create_time": 1700000000.5,
            "content": {"content_type": "text", "parts": [body]}, "metadata": {"model_slug": "gpt-4o"}}
        return {"id": "", "parent": parent, "children": children, "message": message}
    ids = [f"n{i}" for i in range(len(texts))]
    mapping = {"root": node(None, ids[:1])}
    for i, (nid, body) in enumerate(zip(ids, texts)):
        parent = ids[i - 1] if i else "root"
        children = ids[i + 1:i + 2]
        mapping[nid] = node(parent, children, "user" if i % 2 == 0 else "assistant", body)
    return [{"title": texts[0][:30], "create_time": 1700000000, "update_time": 1700000100,
             "current_node": ids[-1], "mapping": mapping}]


def _native_export(texts: list[str]) -> dict:
    return {"format": JSON_FORMAT, "version": JSON_VERSION,
            "conversation": {"title": texts[0][:30], "current_leaf_id": len(texts), "created": "2024-05-01T10:00:00",
                             "model": "m.gguf", "system_prompt": "sys", "sampling": {"temperature": 0.3}},
            "messages": [{"id": i + 1, "parent_id": i or None, "role": "user" if i % 2 == 0 else "assistant",
                          "content": body, "status": "done", "created": 1714557600 + i, "stats": {}}
                         for i, body in enumerate(texts)]}


def _slots(value, out: list) -> list:
    """Every (container, key) in a JSON value, to pick one to spoil."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        out.append((value, key))
        _slots(child, out)
    return out


EDIT = st.tuples(st.integers(0, 10**6), st.sampled_from(["junk", "delete", "id", "self", "surrogate"]), JUNK)


def _spoil(data, edits):
    """Apply each edit to a slot: a value of any type, the key gone, another node's id
    (a missing parent, a cycle), the slot's own key, or a lone surrogate."""
    for pick, how, junk in edits:
        slots = _slots(data, [])
        if not slots:
            break
        container, key = slots[pick % len(slots)]
        if how == "delete" and isinstance(container, dict):
            del container[key]
        elif how == "id":
            container[key] = ["n0", "n1", "root", "missing", 1, 2][pick % 6]
        elif how == "self":
            container[key] = key
        elif how == "surrogate":
            container[key] = "\ud800 broken \udfff"
        else:
            container[key] = junk
    return data


BODIES = st.lists(st.one_of(st.text(min_size=1, max_size=30), SURROGATES, st.just("<think>t</think>answer")),
                  min_size=1, max_size=5)
EDITS = st.lists(EDIT, max_size=3)
CHATGPT = st.one_of(st.builds(_spoil, st.builds(_chatgpt_tree, BODIES), EDITS),
                    st.builds(_spoil, st.builds(_chatgpt_tree, BODIES), EDITS), GENERATED_CHATGPT)
NATIVE = st.one_of(st.builds(_spoil, st.builds(_native_export, BODIES), EDITS),
                   st.builds(_spoil, st.builds(_native_export, BODIES), EDITS), GENERATED_NATIVE)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from aigc_desktop.store.conversations import ConversationStore
    from aigc_desktop.store.db import Database

    database = Database(tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3")
    yield ConversationStore(database)
    database.close()


def _rows(store) -> tuple[int, int]:
    with store.db.engine.connect() as conn:
        return (conn.execute(text("SELECT count(*) FROM conversations")).scalar_one(),
                conn.execute(text("SELECT count(*) FROM messages")).scalar_one())


def check_import(store, path, kind: str) -> None:
    """The property: a clean import, or one clear line and no change."""
    before = _rows(store)
    try:
        ids = import_file(store, path)
    except UserError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message, message
        assert _rows(store) == before, "a refused file changed the database"
        COUNTS[f"{kind} errors"] += 1
        REASONS[message[:50]] += 1
        return
    finally:
        COUNTS[f"{kind} examples"] += 1
    after = _rows(store)
    assert after[0] == before[0] + len(ids)
    for cid in ids:
        conv = store.get(cid)
        assert conv.title
        store.branch(cid)
        for m in store.messages(cid):
            m.content.encode("utf-8")  # no lone surrogate reached the database
    COUNTS[f"{kind} imports"] += 1


def _write(tmp_path, name: str, payload: bytes):
    path = tmp_path / name
    path.write_bytes(payload)
    return path


@FUZZ
@given(data=CHATGPT)
def test_malformed_chatgpt_exports(db, tmp_path, data):
    check_import(db, _write(tmp_path, "conversations.json", json.dumps(data).encode()), "chatgpt")


@FUZZ
@given(data=NATIVE)
def test_malformed_native_exports(db, tmp_path, data):
    check_import(db, _write(tmp_path, "export.json", json.dumps(data).encode()), "native")


@FUZZ
@given(data=st.one_of(CHATGPT, NATIVE), cut=st.floats(0, 1), junk=st.binary(max_size=8),
       how=st.sampled_from(["truncate", "insert", "latin1", "bom"]))
def test_damaged_bytes(db, tmp_path, data, cut, junk, how):
    """A real export's bytes cut short, with junk spliced in, re-encoded or behind a BOM."""
    raw = json.dumps(data, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")
    at = int(len(raw) * cut)
    if how == "truncate":
        raw = raw[:at]
    elif how == "insert":
        raw = raw[:at] + junk + raw[at:]
    elif how == "latin1":
        raw = raw.decode("utf-8", "replace").encode("latin-1", "replace") + b"\xff\xfe"
    else:
        raw = b"\xef\xbb\xbf" + raw
    check_import(db, _write(tmp_path, "damaged.json", raw), "bytes")


def _cycle_export() -> list:
    """A ChatGPT tree whose every node has a parent: a → b → a, and c under a missing node."""
    def node(parent, children, role="user"):
        return {"parent": parent, "children": children,
                "message": {"author": {"role": role}, "content": {"content_type": "text", "parts": ["hi"]}}}
    return [{"title": "loop", "mapping": {"a": node("b", ["b"]), "b": node("a", ["a"], "assistant"),
                                         "c": node("gone", [])}}]


def _native_loop() -> dict:
    return {"format": JSON_FORMAT, "version": JSON_VERSION, "conversation": {"title": "t"},
            "messages": [{"id": 1, "parent_id": 2, "role": "user", "content": "a"},
                         {"id": 2, "parent_id": 1, "role": "assistant", "content": "b"}]}


HOSTILE = {
    "deep_list": b"[" * 200_000 + b"]" * 200_000,
    "deep_object": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "deep_in_mapping": json.dumps([{"mapping": {}}]).encode()[:-2] + b', "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}]",
    "cycle_without_root": json.dumps(_cycle_export()).encode(),
    "native_loop": json.dumps(_native_loop()).encode(),
    "lone_surrogates": json.dumps([{"title": "\ud800", "mapping": {"r": {
        "parent": None, "children": [], "message": {"author": {"role": "user"},
                                                    "content": {"parts": ["\udfff x \ud83d"]}}}}}]).encode(),
    "raw_surrogate_bytes": b'[{"title": "\xed\xa0\x80", "mapping": {}}]',
    "huge_string": json.dumps([{"title": "big", "mapping": {"r": {"parent": None, "children": [], "message": {
        "author": {"role": "user"}, "content": {"parts": ["\u6a21" * 3_000_000]}}}}}]).encode(),
    "time_out_of_range": json.dumps({**_native_loop(), "messages": [
        {"id": 1, "role": "user", "content": "x", "created": "0001-01-01T00:00:00+14:00"}],
        "conversation": {"created": "9999-12-31T23:59:59-14:00", "title": "t"}}).encode(),
    "nan_sampling": json.dumps({**_native_loop(), "messages": [{"id": 1, "role": "user", "content": "x"}],
                                "conversation": {"sampling": {"temperature": float("inf"), "top_k": float("nan"),
                                                              "seed": 1e400}}}).encode(),
    "not_json": b"\x00\x01\x02 GGUF",
    "empty": b"",
    "a_number": b"42",
    "empty_list": b"[]",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_through_the_cli(name, tmp_path, capsys):
    """Through ``aigc-desktop-cli import``: exit 0 (imported) or 1 with one clear line, never a crash."""
    from aigc_desktop.cli import main
    from aigc_desktop.runtime import open_runtime

    path = _write(tmp_path, f"{name}.json", HOSTILE[name])
    rt = open_runtime()
    before = _rows(rt.store)
    code = main(["import", str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 1), (code, err)
    assert "unexpected" not in err and "Traceback" not in err, err
    if code == 1:
        assert err.startswith("error: ") and err.count("\n") == 1, err
        assert _rows(rt.store) == before
    else:
        assert _rows(rt.store)[0] > before[0]
    rt.close()


def test_zz_report_counts():
    """Prints the fuzz counts (run with -s to see them); the numbers are the ones the earlier tests reached."""
    if COUNTS:
        print("\nimport fuzz: " + ", ".join(f"{k} {v}" for k, v in sorted(COUNTS.items())))
        print("most common refusals:", REASONS.most_common(5))
