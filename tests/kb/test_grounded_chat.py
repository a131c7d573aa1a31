"""`chat --kb`: the reply is given numbered passages and records them as citations that resolve back to
the exact text at their offsets; a changed file makes its citation stale."""

from __future__ import annotations

import json

import pytest

from aigc_desktop.cli import main

pytestmark = pytest.mark.real


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_chat_with_a_knowledge_base_records_citations(capsys, corpus, starter_model):
    from aigc_desktop.kb.citations import is_stale, passage_context
    from aigc_desktop.kb.parse import parse_file

    assert run(capsys, "kb", "create", "资料")[0] == 0
    code, out, _err = run(capsys, "kb", "add", "资料", str(corpus), "--json")
    assert code == 0 and json.loads(out)["added"] == 5
    code, out, _err = run(capsys, "chat", "--kb", "资料", "--max-tokens", "8", "--seed", "1", "--temperature", "0",
                          "长城和敦煌壁画在哪里？")
    assert code == 0, _err
    assert "[1] " in out or "1. book.pdf" in out  # the references follow the reply
    shown = json.loads(run(capsys, "show", "1", "--json")[1])
    reply = shown["messages"][-1]
    cites = reply["citations"]
    assert cites and [c["n"] for c in cites] == list(range(1, len(cites) + 1))
    first = cites[0]
    assert first["file"].endswith("book.pdf") and first["page"] == 2
    assert set(first) == {"n", "kb", "kb_name", "file", "page", "heading", "text", "start", "end", "sha256", "mtime"}
    for c in cites:
        assert parse_file(c["file"]).text[c["start"]:c["end"]] == c["text"]
        assert not is_stale(c)
    before, passage, after = passage_context(first, chars=10)
    assert passage == first["text"] and len(before) <= 10
    code, out, _err = run(capsys, "show", "1")
    assert "References" in out and "[1] book.pdf, page 2" in out
    from aigc_desktop.runtime import open_runtime

    rt = open_runtime()
    assert rt.store.get(1).kbs == [rt.kb.get("资料").uid]
    # a file changed since: stale, never silently wrong
    (corpus / "book.pdf").write_bytes((corpus / "book.pdf").read_bytes() + b"\n% changed\n")
    assert is_stale(first)
    (corpus / "book.pdf").unlink()
    assert is_stale(first)


def test_an_unknown_knowledge_base_is_refused_before_anything_is_stored(capsys):
    code, _out, err = run(capsys, "chat", "--kb", "没有", "你好")
    assert code == 1 and "没有" in err
    assert json.loads(run(capsys, "list", "--json")[1]) == []
