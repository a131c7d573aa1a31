"""The kb commands' contract: names, JSON shapes, counts, clear errors (no model needed)."""

from __future__ import annotations

import json
import os

from aigc_desktop.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_create_add_sync_search_list_remove(capsys, corpus):
    assert run(capsys, "kb", "create", "资料")[0] == 0
    code, out, _ = run(capsys, "kb", "add", "资料", str(corpus), "--json")
    assert code == 0 and {k: v for k, v in json.loads(out).items() if k in
                          ("added", "updated", "unchanged", "removed", "renamed")} == \
        {"added": 5, "updated": 0, "unchanged": 0, "removed": 0, "renamed": 0}
    (corpus / "page.html").unlink()
    md = corpus / "notes.md"
    md.write_text(md.read_text(encoding="utf-8") + "\n新的一段：西湖。\n", encoding="utf-8")
    os.utime(md, (md.stat().st_atime, md.stat().st_mtime + 5))
    code, out, _ = run(capsys, "kb", "sync", "资料", "--json")
    counts = json.loads(out)
    assert (counts["updated"], counts["removed"], counts["unchanged"]) == (1, 1, 3)
    code, out, _ = run(capsys, "kb", "sync", "资料")
    assert code == 0 and "unchanged 4" in out
    code, out, _ = run(capsys, "kb", "search", "资料", "长城", "--k", "2", "--json")
    hits = json.loads(out)
    assert len(hits) <= 2 and {"file", "page", "heading", "text", "score"} <= set(hits[0])
    assert hits[0]["file"].endswith("book.pdf") and hits[0]["page"] == 2
    code, out, _ = run(capsys, "kb", "search", "资料", "西湖")
    assert code == 0 and out.startswith("[1] ") and "notes.md" in out
    code, out, _ = run(capsys, "kb", "list", "--json")
    (info,) = json.loads(out)
    assert (info["name"], info["files"], info["embedding_model"], info["sources"]) == ("资料", 4, None, [str(corpus)])
    assert run(capsys, "kb", "remove", "资料")[0] == 0
    assert json.loads(run(capsys, "kb", "list", "--json")[1]) == []


def test_errors_are_one_line(capsys, tmp_path):
    code, _out, err = run(capsys, "kb", "search", "没有", "x")
    assert code == 1 and err.count("\n") == 1 and "没有" in err
    run(capsys, "kb", "create", "a")
    code, _out, err = run(capsys, "kb", "add", "a", str(tmp_path / "missing"))
    assert code == 1 and "does not exist" in err
    code, _out, err = run(capsys, "kb", "create", "b", "--embedding-model", "bge-m3")
    assert code == 1 and "models download rbehzadan/bge-m3-gguf bge-m3-Q8_0.gguf" in err
