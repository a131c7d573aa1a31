"""Incremental sync: edit one file, rename one, delete one; counts and embedding calls.

A rename embeds nothing; an edit re-embeds only the chunks whose text changed; an unchanged
file is not even read (size and modification time)."""

from __future__ import annotations

import os
import threading

import pytest

from tests.kb.fakes import HashEmbedder, service_with

PARAGRAPH = "第{i}段：这里记录了一些关于江南水乡的见闻和想法，每一段都不一样，编号是{i}。" * 6


def _long_md(title: str, n: int = 6) -> str:
    return f"# {title}\n\n" + "\n\n".join(PARAGRAPH.format(i=i) for i in range(n)) + "\n"


@pytest.fixture
def setup(db, tmp_path):
    folder = tmp_path / "笔记"
    folder.mkdir()
    (folder / "a.md").write_text(_long_md("甲"), encoding="utf-8")
    (folder / "b.md").write_text("# 乙\n\n熊猫喜欢吃竹子。\n", encoding="utf-8")
    (folder / "c.txt").write_bytes("中秋节吃月饼。".encode("gb18030"))
    emb = HashEmbedder()
    kb = service_with(db, emb)
    kb.create("笔记", embedding_model="test")
    first = kb.add_sources("笔记", [folder])
    return kb, emb, folder, first


def test_first_index_embeds_every_chunk_once(setup):
    kb, emb, _folder, first = setup
    assert (first.added, first.updated, first.unchanged, first.removed, first.renamed) == (3, 0, 0, 0, 0)
    chunks = kb.get("笔记").chunks
    assert chunks > 3 and first.embedded == len(set(emb.texts)) == len(emb.texts) <= chunks


def test_nothing_changed_reads_and_embeds_nothing(setup):
    kb, emb, _folder, _first = setup
    calls = emb.calls
    report = kb.sync("笔记")
    assert report.to_dict()["unchanged"] == 3 and report.embedded == 0 and emb.calls == calls


def test_edit_rename_delete(setup):
    kb, emb, folder, _first = setup
    before = kb.get("笔记").chunks
    # edit: one paragraph of a.md changes (its chunk changes; the others keep their text)
    a = folder / "a.md"
    a.write_text(_long_md("甲").replace("编号是5。", "编号是五。", 1), encoding="utf-8")
    os.utime(a, (a.stat().st_atime, a.stat().st_mtime + 5))
    (folder / "b.md").rename(folder / "b-改名.md")  # rename
    (folder / "c.txt").unlink()  # delete
    emb.texts.clear()
    calls = emb.calls
    report = kb.sync("笔记")
    assert report.to_dict() == {"added": 0, "updated": 1, "unchanged": 0, "removed": 1, "renamed": 1,
                                "failed": [], "embedded": report.embedded, "cancelled": False}
    assert 1 <= report.embedded < before - 1  # only the changed chunks of a.md
    assert all("编号是五" in t for t in emb.texts), emb.texts
    assert emb.calls == calls + 1
    assert kb.search("笔记", "熊猫")[0].file == str(folder / "b-改名.md")
    assert not [h for h in kb.search("笔记", "月饼") if h.file.endswith("c.txt")]
    assert kb.index.keyword([kb.get("笔记").id], "月饼") == []
    names = sorted(os.path.basename(f.path) for f in kb.files("笔记"))
    assert names == ["a.md", "b-改名.md"]


def test_a_touched_file_with_the_same_content_is_unchanged(setup):
    kb, emb, folder, _first = setup
    b = folder / "b.md"
    os.utime(b, (b.stat().st_atime, b.stat().st_mtime + 10))
    calls = emb.calls
    report = kb.sync("笔记")
    assert (report.unchanged, report.updated, report.embedded, emb.calls) == (3, 0, 0, calls)


def test_a_moved_file_into_a_subfolder_is_a_rename(setup):
    kb, emb, folder, _first = setup
    (folder / "sub").mkdir()
    (folder / "a.md").rename(folder / "sub" / "a.md")
    calls = emb.calls
    report = kb.sync("笔记")
    assert (report.renamed, report.added, report.removed, report.embedded, emb.calls) == (1, 0, 0, 0, calls)


def test_changing_the_model_re_embeds_everything_and_stop_keeps_what_was_done(db, setup):
    kb, emb, folder, _first = setup
    for i in range(40):
        (folder / f"n{i}.md").write_text(f"# 第{i}篇\n\n这是第{i}篇短文，内容各不相同：{i * 7}。\n", encoding="utf-8")
    kb.sync("笔记")
    chunks = len({h for h in kb.vectors.missing(kb.get("笔记").id, "other")})
    cancel = threading.Event()
    seen = []

    def progress(done, total, label):
        seen.append((done, total))
        if done >= 16:
            cancel.set()

    from pathlib import Path

    from aigc_desktop.kb.models import EmbeddingChoice

    kb.resolve = lambda name: EmbeddingChoice(name, Path(name), None)
    report = kb.set_embedding_model("笔记", "other", progress=progress, cancel=cancel)
    assert report.cancelled and 16 <= report.embedded < chunks
    assert kb.get("笔记").embedding_model == "other"
    rest = kb.sync("笔记")  # the next sync embeds the rest
    assert report.embedded + rest.embedded == chunks and not rest.cancelled
    assert seen and seen[0][1] == chunks


def test_warm_reads_the_matrices_before_the_first_search(setup):
    kb, _emb, _folder, _first = setup
    info = kb.get("笔记")
    assert kb.warm() == info.chunks
    stamp = kb.index.stamp(info.id)
    assert kb.vectors.matrix(info.id, info.embedding_model, stamp)[1] is kb.vectors.matrix(
        info.id, info.embedding_model, stamp)[1]
