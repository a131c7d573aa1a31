"""Feedback kept on the person's own machine: 👍/👎 on replies, exported for training.

``export_feedback`` writes two JSONL files in widely used shapes:
- ``PATH``: preference pairs ``{"prompt": [messages…], "chosen": "…", "rejected": "…"}``
  from sibling replies (the same question answered again, or by another model in a
  compare) rated 👍 and 👎;
- ``PATH`` with ``.ratings`` before the suffix: every rated reply as
  ``{"prompt": [...], "completion": "…", "rating": 1|-1, "model": …}``.
The prompt is the conversation up to the question, with the system prompt first.
"""

from __future__ import annotations

import json
from pathlib import Path

from aigc_desktop.store.conversations import ConversationStore


def _prompt(store: ConversationStore, conv, question_id: int) -> list[dict]:
    msgs = [{"role": "system", "content": conv.system_prompt}] if conv.system_prompt else []
    for m in store.branch(conv.id, question_id):
        if m.role in ("user", "assistant") and m.content:
            msgs.append({"role": m.role, "content": m.content})
    return msgs


def collect(store: ConversationStore) -> tuple[list[dict], list[dict]]:
    """(pairs, ratings) over every conversation."""
    pairs: list[dict] = []
    ratings: list[dict] = []
    for conv in store.list():
        by_parent: dict[int | None, list] = {}
        for m in store.messages(conv.id):
            if m.role == "assistant" and m.rating is not None and m.parent_id is not None:
                by_parent.setdefault(m.parent_id, []).append(m)
        for question_id, replies in by_parent.items():
            prompt = _prompt(store, conv, question_id)
            for r in replies:
                ratings.append({"prompt": prompt, "completion": r.content, "rating": r.rating, "model": r.model})
            good = [r for r in replies if r.rating == 1]
            bad = [r for r in replies if r.rating == -1]
            pairs += [{"prompt": prompt, "chosen": g.content, "rejected": b.content} for g in good for b in bad]
    return pairs, ratings


def ratings_path(path: Path) -> Path:
    path = Path(path)
    return path.with_name(f"{path.stem}.ratings{path.suffix or '.jsonl'}")


def export_feedback(store: ConversationStore, path: Path) -> tuple[int, int, Path]:
    """Write the pairs to ``path`` and the ratings beside it; returns (pairs, ratings, ratings file)."""
    from aigc_desktop.export.files import write_text_atomic

    pairs, ratings = collect(store)
    lines = lambda rows: "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)  # noqa: E731
    write_text_atomic(Path(path), lines(pairs))
    other = ratings_path(path)
    write_text_atomic(other, lines(ratings))
    return len(pairs), len(ratings), other
