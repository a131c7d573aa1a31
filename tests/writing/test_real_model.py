"""The writing studio on the real starter model: outline, draft, export, continue, through the CLI too."""

from __future__ import annotations

import json

import pytest

from aigc_desktop.llm.sampling import SamplingParams


FIVE = ["基本概念", "技术实现", "优势与不足", "潜在问题", "未来发展"]
TITLE = "AIGC：从入门到精通"
SHORT = SamplingParams(max_tokens=12, seed=7, temperature=0.7)


@pytest.fixture
def service(docs, real_engine):
    from aigc_desktop.writing.service import DocumentService

    return DocumentService(docs, real_engine)


def test_five_sections_drafted_and_exported_in_order(service, docs):
    """An outline of 5, all drafted (each a done version, its prompt excluding the 4 others), assembled in order."""
    doc = service.new(TITLE, "面向初学者", FIVE)
    started: list[int] = []
    streamed: dict[int, str] = {}

    def on_delta(sec, text):
        streamed[sec.index] = streamed.get(sec.index, "") + text

    written = service.draft(doc.id, on_start=lambda s: started.append(s.index), on_delta=on_delta, sampling=SHORT)
    assert started == [1, 2, 3, 4, 5] and [s.status for s in written] == ["done"] * 5
    doc = docs.get(doc.id)
    for sec in doc.sections:
        assert sec.text and sec.text == streamed[sec.index]
        others = [t for t in FIVE if t != sec.title]
        exclusion = sec.prompt.split("不能涉及到", 1)[1].split("，因为", 1)[0]
        assert exclusion == "、".join(others[:-1]) + "和" + others[-1]
    article = service.assemble(doc.id)
    assert article.startswith(f"# {TITLE}\n")
    positions = [article.index(f"## {i}. {t}\n") for i, t in enumerate(FIVE, start=1)]
    assert positions == sorted(positions)
    assert all(sec.text.strip() in article for sec in doc.sections)


def test_regenerate_keeps_the_old_version(service, docs):
    """Drafting a section that has text adds a version; the first one is still there."""
    doc = service.new("Local models", "", ["Why", "How"])
    service.draft(doc.id, 1, sampling=SHORT)
    service.draft(doc.id, 1, sampling=SHORT.merged(seed=8))
    sec = docs.section(doc.id, 1)
    assert sec.version_count == 2 and len(docs.versions(sec.id)) == 2 and sec.status == "done"


def test_continue_appends_raw_text_without_a_chat_template(service, docs, real_engine):
    """续写 keeps the section's text as the start of a new version and sends no chat-template tokens."""
    doc = service.new("A story", "", ["The lighthouse"])
    docs.add_version(doc.sections[0].id, "The old keeper climbed the stairs", status="done")
    sec = service.continue_section(doc.id, 1, max_tokens=12, sampling=SamplingParams(seed=3))
    assert sec.status == "done" and sec.version_count == 2
    assert sec.text.startswith("The old keeper climbed the stairs") and len(sec.text) > len(
        "The old keeper climbed the stairs")
    assert "<|im_start|>" not in sec.prompt and sec.prompt.endswith("The old keeper climbed the stairs")
    stats = docs.versions(sec.id)[-1].stats
    assert stats["mode"] == "continue"
    tokens = real_engine._require().tokenize(sec.prompt.encode(), add_bos=True, special=False)
    assert stats["prompt_tokens"] == len(tokens)  # the raw text's own tokens, nothing around them


def test_cli_new_draft_show_export(app_home, starter_model, tmp_path, capsys):
    """write new --outline / draft / show --json / export: the contract's names and JSON keys."""
    from aigc_desktop.cli import main

    assert main(["write", "new", TITLE, "--outline", "|".join(FIVE), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [s["title"] for s in doc["sections"]] == FIVE
    assert main(["write", "draft", str(doc["id"]), "--section", "2", "--max-tokens", "8", "--seed", "1"]) == 0
    assert "## 2. 技术实现" in capsys.readouterr().out
    assert main(["write", "show", str(doc["id"]), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert set(shown) >= {"id", "title", "brief", "sections"}
    second = shown["sections"][1]
    assert set(second) >= {"index", "title", "status", "text", "prompt", "versions"}
    assert second["status"] == "done" and second["versions"] == 1 and "不能涉及到基本概念" in second["prompt"]
    out = tmp_path / "a.md"
    assert main(["write", "export", str(doc["id"]), "-o", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    md = out.read_text(encoding="utf-8")
    assert md.startswith(f"# {TITLE}") and second["text"].strip() in md
    assert main(["write", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["id"] == doc["id"]
    assert main(["write", "show", "999"]) == 1
