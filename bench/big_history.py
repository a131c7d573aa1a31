"""A large chat history for benchmarks: 2,000 chats × 50 messages of mixed Chinese and English.

``write_chatgpt_export`` writes a ChatGPT-format ``conversations.json`` (message
trees, some with an edited prompt as a second branch); ``make_history`` imports
it into a fresh ``AIGC_DESKTOP_HOME`` folder, the way a person would, so a bench
of the window (typing into the search box over 100,000 messages) can start from
the same data:

    from big_history import make_history
    db_path = make_history(home)          # then AIGC_DESKTOP_HOME=home

The text is deterministic (a seeded generator). Words the search bench looks for:
``model generates`` (common phrase), ``模型`` (common two-character word),
``自然语言`` (four-character phrase), ``龘靐`` (a rare two-character word, in one
message in 10,000), and ``ref-<chat>`` tags (one per chat, in its first prompt).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EN_WORDS = (
    "the model generates a short answer from the prompt and the context window of tokens "
    "we measure latency throughput memory quality when the system runs offline on a laptop "
    "every layer of the network attends to previous positions so longer history costs more time "
    "people ask about travel cooking code reviews databases music history physics and gardens "
    "please explain why this function fails with an error after the update of the library"
).split()
ZH_WORDS = (
    "模型 生成 回答 问题 上下文 窗口 我们 测量 速度 内存 质量 系统 离线 运行 笔记本 "
    "自然语言 处理 机器学习 数据库 查询 索引 天气 公园 散步 周末 计划 旅行 做饭 代码 审查 "
    "音乐 历史 物理 花园 函数 错误 更新 版本 用户 助手 今天 明天 因为 所以 但是 非常 可以"
).split()
EN_TEMPLATES = (
    "Can you tell me how the model generates {w} when {w} is {w}?",
    "I think {w} {w} matters more than {w}.",
    "Here is a detailed explanation of {w} and {w}, step by step.",
    "The {w} depends on {w}; in practice {w} {w} is fine.",
    "Why does the {w} model {w} so slowly on {w}?",
    "Try {w} first, then {w} {w} again.",
)
RARE_CJK = "龘靐"
RARE_EVERY = 10_000  # messages


def _zh_sentence(rnd: random.Random, n: int) -> str:
    return "".join(rnd.choice(ZH_WORDS) for _ in range(n)) + rnd.choice("。，！？")


def _en_sentence(rnd: random.Random) -> str:
    template = rnd.choice(EN_TEMPLATES)
    while "{w}" in template:
        template = template.replace("{w}", rnd.choice(EN_WORDS), 1)
    return template


def message_text(rnd: random.Random, role: str, serial: int) -> str:
    """One message: a user prompt of a sentence or two, an assistant reply of a few paragraphs."""
    parts = []
    sentences = rnd.randint(1, 3) if role == "user" else rnd.randint(5, 12)
    for _ in range(sentences):
        parts.append(_zh_sentence(rnd, rnd.randint(3, 9)) if rnd.random() < 0.55 else _en_sentence(rnd))
    if serial % RARE_EVERY == RARE_EVERY // 2:
        parts.append(f"{RARE_CJK}是很少见的字。")
    sep = " " if role == "user" else rnd.choice((" ", "\n\n"))
    return sep.join(parts)


def chatgpt_conversations(chats: int = 2000, per_chat: int = 50, seed: int = 7) -> list[dict]:
    """ChatGPT export objects. Every 10th chat (i % 10 == 3) has an edited prompt: its
    message 10 gets a sibling with its own reply (two of the ``per_chat`` messages);
    in every 20th (i % 20 == 3) that edited branch is the current one."""
    rnd = random.Random(seed)
    base = 1_700_000_000.0
    serial = 0
    out = []
    for i in range(chats):
        created = base + i * 3600.0
        mapping: dict[str, dict] = {"root": {"id": "root", "parent": None, "children": [], "message": None}}
        branched = i % 10 == 3 and per_chat >= 14
        main_len = per_chat - 2 if branched else per_chat

        def add(node_id: str, parent: str, role: str, t: float, text: str | None = None) -> None:
            nonlocal serial
            body = text if text is not None else message_text(rnd, role, serial)
            serial += 1
            mapping[node_id] = {  # noqa: B023 - add() only runs within this iteration
                "id": node_id, "parent": parent, "children": [],
                "message": {"id": node_id, "author": {"role": role}, "create_time": t,
                            "content": {"content_type": "text", "parts": [body]},
                            "metadata": {"model_slug": "gpt-4o"} if role == "assistant" else {}},
            }
            mapping[parent]["children"].append(node_id)  # noqa: B023 - as above

        parent = "root"
        for j in range(main_len):
            role = "user" if j % 2 == 0 else "assistant"
            text = None
            if j == 0:
                text = f"ref-{i:05d}: " + message_text(rnd, role, serial)
            add(f"{i}-{j}", parent, role, created + j * 10, text)
            parent = f"{i}-{j}"
        current = parent
        if branched:  # an edited version of prompt 10, answered too
            add(f"{i}-e10", f"{i}-9", "user", created + 1000)
            add(f"{i}-e11", f"{i}-e10", "assistant", created + 1010)
            if i % 20 == 3:
                current = f"{i}-e11"
        out.append({
            "title": f"Chat {i:05d} · " + rnd.choice(ZH_WORDS) + " " + rnd.choice(EN_WORDS),
            "create_time": created,
            "update_time": created + main_len * 10,
            "current_node": current,
            "mapping": mapping,
        })
    return out


def write_chatgpt_export(path: Path, chats: int = 2000, per_chat: int = 50) -> Path:
    """Write ``conversations.json`` with ``chats`` × ``per_chat`` messages; returns its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(chatgpt_conversations(chats, per_chat), ensure_ascii=False), encoding="utf-8")
    return path


def make_history(home: Path, chats: int = 2000, per_chat: int = 50) -> Path:
    """Build a history of ``chats`` × ``per_chat`` messages in the AIGC_DESKTOP_HOME folder
    ``home`` by importing a generated export; returns the database file."""
    import os

    from aigc_desktop.importers import import_file
    from aigc_desktop.paths import HOME_ENV, app_paths
    from aigc_desktop.store.conversations import ConversationStore
    from aigc_desktop.store.db import Database

    home = Path(home)
    previous = os.environ.get(HOME_ENV)
    os.environ[HOME_ENV] = str(home)
    try:
        paths = app_paths().ensure()
    finally:
        if previous is None:
            os.environ.pop(HOME_ENV)
        else:
            os.environ[HOME_ENV] = previous
    export = write_chatgpt_export(home / "big-history.json", chats, per_chat)
    db = Database(paths.database)
    try:
        import_file(ConversationStore(db), export)
    finally:
        db.close()
    export.unlink()
    return paths.database
