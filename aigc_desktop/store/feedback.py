"""Feedback kept on the person's own machine: 👍/👎 on replies and section versions, read for training.

This module only reads the database; ``export/feedback.export_feedback`` writes what
:func:`collect` returns as two JSONL files in widely used shapes:
- ``PATH``: preference pairs ``{"prompt": [messages…], "chosen": "…", "rejected": "…"}``
  from sibling replies (the same question answered again, or by another model in a
  compare) rated 👍 and 👎, then from versions of one document section rated 👍 and 👎;
- ``PATH`` with ``.ratings`` before the suffix: every rated reply as
  ``{"prompt": [...], "completion": "…", "rating": 1|-1, "model": …}``, then every rated
  section version in the same shape plus ``document_id``, ``section`` (1-based) and
  ``version_id``.
A reply's prompt is the conversation up to the question, with the system prompt first.
A version's prompt is ``[{"role": "user", "content": version.prompt}]``, the exact text
the model was given; two versions pair only when that text is the same (a section
redrafted after its outline changed was asked something else). A 续写 version's
completion is what the model added, not the text it was given to carry on.
"""

from __future__ import annotations

from aigc_desktop.store.conversations import ConversationStore
from aigc_desktop.store.documents import DocumentStore, VersionRecord

_SCORE = {"up": 1, "down": -1}


def _prompt(store: ConversationStore, conv, question_id: int) -> list[dict]:
    msgs = [{"role": "system", "content": conv.system_prompt}] if conv.system_prompt else []
    for m in store.branch(conv.id, question_id):
        if m.role in ("user", "assistant") and m.content:
            msgs.append({"role": m.role, "content": m.content})
    return msgs


def collect(store: ConversationStore) -> tuple[list[dict], list[dict]]:
    """(pairs, ratings) over every conversation, then every document's rated section versions."""
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
    more_pairs, more_ratings = collect_versions(DocumentStore(store.db))
    return pairs + more_pairs, ratings + more_ratings


def _completion(v: VersionRecord) -> str:
    """What the model wrote: a 续写 version starts with the text it was asked to carry on."""
    if v.stats.get("mode") == "continue":
        given = v.stats.get("prefix_chars")
        if given is None:  # written before prefix_chars was kept: the prompt ends with that text
            given = next((k for k in range(len(v.text), 0, -1) if v.prompt.endswith(v.text[:k])), 0)
        return v.text[given:]
    return v.text


def collect_versions(docs: DocumentStore) -> tuple[list[dict], list[dict]]:
    """(pairs, ratings) over every document's section versions."""
    pairs: list[dict] = []
    ratings: list[dict] = []
    for summary in docs.list():
        doc = docs.get(summary.id)
        for sec in doc.sections:
            by_prompt: dict[str, list[VersionRecord]] = {}
            for v in docs.versions(sec.id):
                if v.rating in _SCORE:
                    by_prompt.setdefault(v.prompt, []).append(v)
            for text, rated in by_prompt.items():
                prompt = [{"role": "user", "content": text}]
                for v in rated:
                    ratings.append({"prompt": prompt, "completion": _completion(v), "rating": _SCORE[v.rating],
                                    "model": v.stats.get("model") or doc.model, "document_id": doc.id,
                                    "section": sec.index, "version_id": v.id})
                good = [_completion(v) for v in rated if v.rating == "up"]
                bad = [_completion(v) for v in rated if v.rating == "down"]
                pairs += [{"prompt": prompt, "chosen": g, "rejected": b} for g in good for b in bad]
    return pairs, ratings
