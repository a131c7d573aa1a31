"""续写 with a base model (Gemma 3 270M, no chat template): raw completion through the service, the CLI and Stop."""

from __future__ import annotations

import re
import threading


from aigc_desktop.llm.sampling import SamplingParams


TITLE, SECTION, START = "AIGC：从入门到精通", "基本概念", "AIGC，即人工智能生成内容，是指"
TEMPLATE_TOKENS = ("<start_of_turn>", "<end_of_turn>", "<|im_start|>", "<|im_end|>", "<bos>", "<eos>")


def _chinese_doc(docs, model: str | None = None):
    doc = docs.create(TITLE, outline=[SECTION, "技术实现"], model=model)
    docs.add_version(doc.sections[0].id, START, status="done")
    return doc


def _check_continued(text: str) -> None:
    assert text.startswith(START)
    added = text[len(START):]
    assert len(added) >= 20, added
    assert re.search(r"[\u4e00-\u9fff]", added), added
    assert "\ufffd" not in text
    assert not any(t in text for t in TEMPLATE_TOKENS), text


def test_base_model_continues_a_chinese_section(docs, base_engine):
    """continue_section on Gemma appends ≥ 20 characters of Chinese to the old text, as a new continue version."""
    from aigc_desktop.writing.service import DocumentService

    doc = _chinese_doc(docs)
    sec = DocumentService(docs, base_engine).continue_section(doc.id, 1, max_tokens=40,
                                                              sampling=SamplingParams(seed=1, temperature=0.7))
    assert sec.status == "done" and sec.version_count == 2
    _check_continued(sec.text)
    version = docs.versions(sec.id)[-1]
    assert version.stats["mode"] == "continue" and version.stats["prefix_chars"] == len(START)
    assert version.prompt == f"{TITLE}\n\n{SECTION}\n\n{START}"  # raw text, nothing of a chat template
    assert docs.versions(sec.id)[0].text == START  # the old version is kept


def test_cancel_mid_way_stops_a_completion(base_engine):
    """Setting cancel after the first text delta ends Engine.complete at once, finish_reason "cancelled"."""
    cancel = threading.Event()
    texts, last = [], None
    for delta in base_engine.complete(START, SamplingParams(seed=2, max_tokens=200), cancel):
        if delta.done:
            last = delta
            break
        texts.append(delta.text)
        cancel.set()  # after the first piece: event-driven, no timing involved
    assert texts and last is not None
    assert last.stats.finish_reason == "cancelled"
    assert last.stats.completion_tokens <= 2 and len(texts) <= 2


def test_cli_write_continue_with_the_base_model(app_home, base_model, capsys):
    """`write continue DOC --section 1 --max-tokens 64` on a document whose model is Gemma prints and stores the continuation."""
    from aigc_desktop.cli import main
    from aigc_desktop.paths import app_paths
    from aigc_desktop.store.db import Database
    from aigc_desktop.store.documents import DocumentStore

    db = Database(app_paths().ensure().database)
    doc = _chinese_doc(DocumentStore(db), model=str(base_model))
    db.close()
    assert main(["write", "continue", str(doc.id), "--section", "1", "--max-tokens", "64"]) == 0
    out = capsys.readouterr().out
    _check_continued(out.strip())
    assert main(["write", "show", str(doc.id), "--json"]) == 0
    import json

    first = json.loads(capsys.readouterr().out)["sections"][0]
    assert first["versions"] == 2 and first["status"] == "done" and first["text"].strip() == out.strip()
    _check_continued(first["text"])
