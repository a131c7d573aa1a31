"""Export keeps formulas as their source: Markdown and JSON carry the $…$ text unchanged."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from aigc_desktop.export.markdown import is_self_contained, to_json, to_markdown
from aigc_desktop.store.conversations import ConversationRecord, MessageRecord

T0 = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
MATH = [
    ("user", "Is $e^{i\\pi}+1=0$ true? It costs $5 and $10."),
    ("assistant", "Yes:\n$$\n\\sum_{n=0}^{\\infty} \\frac{x^n}{n!} = e^x\n$$\nand $\\begin{pmatrix}a&b\\\\c&d\\end{pmatrix}$, $x < y$, $\\frac{1}{$."),
    ("assistant", "> quoted $\\sqrt{2}$\n\n$$\\href{http://127.0.0.1:9/}{x}$$"),
]


def _conv():
    conv = ConversationRecord(id=3, title="math", created_at=T0, updated_at=T0, model="m", system_prompt="",
                              sampling={}, pinned=False, current_leaf_id=len(MATH))
    recs = [MessageRecord(id=i + 1, conversation_id=3, parent_id=i or None, role=r, content=c, status="done",
                          created_at=T0, model=None, stats={}) for i, (r, c) in enumerate(MATH)]
    return conv, recs


def test_markdown_export_keeps_formula_source():
    """Every message with formulas appears verbatim in the Markdown, outside any fence."""
    conv, recs = _conv()
    out = to_markdown(conv, recs)
    for _, content in MATH:
        assert is_self_contained(content)
        assert content in out
    assert "math:" not in out and "<img" not in out


def test_json_export_keeps_formula_source():
    """The JSON export's message contents are the stored $…$ text, character for character."""
    conv, recs = _conv()
    data = json.loads(to_json(conv, recs, recs))
    assert [m["content"] for m in data["messages"]] == [c for _, c in MATH]
