"""What the shareable exporters (HTML, DOCX, PDF) take: a title, metadata in words, blocks.

The exporters never see a conversation. They take an :class:`ExportDoc`: a title, a
list of (label, value) metadata lines already in the reader's language, and a list of
:class:`Block` — a heading (a role such as "Assistant", or a section title of a
document) with its Markdown text. A conversation becomes one with
:func:`from_conversation`; a writing-studio document will become one the same way
(title, brief, one block per section), so HTML, Word and PDF need no change for it.

Every string a reader sees in an export is here, marked for translation, and dates are
written with Babel in the current language ("2026年1月2日 11:04" / "Jan 2, 2026, 11:04 AM").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from aigc_desktop import __version__
from aigc_desktop.export.markdown import fence_for
from aigc_desktop.i18n import N_, _, current_language
from aigc_desktop.store.conversations import ConversationRecord, MessageRecord

ROLE_LABELS = {"user": N_("User"), "assistant": N_("Assistant"), "system": N_("System")}
THINKING_LABEL = N_("The model's thinking")  # the title of a reply's reasoning box
STATUS_LABELS = {"stopped": N_("stopped"), "error": N_("error"), "interrupted": N_("interrupted"),
                 "streaming": N_("unfinished")}


@dataclass(frozen=True)
class Block:
    """One unit of the document: a heading over Markdown text.

    ``role`` ("user", "assistant", "system") styles a chat turn; ``None`` is a plain
    section of a document. ``meta`` is a small line under the heading (time, model).
    ``reasoning`` is a reply's thinking (Markdown), shown before ``text`` in a shaded box
    labelled :data:`THINKING_LABEL`; it is "" unless the export asked for it."""

    heading: str  # "" for a block with no heading (a document's lead paragraph)
    text: str
    role: str | None = None
    meta: str = ""
    reasoning: str = ""


@dataclass(frozen=True)
class ExportDoc:
    title: str
    meta: list[tuple[str, str]] = field(default_factory=list)  # (label, value), both in words
    blocks: list[Block] = field(default_factory=list)
    created: datetime | None = None  # for the file's own properties (DOCX, PDF)
    modified: datetime | None = None
    subject: str = ""  # e.g. the model, for the document properties
    language: str = "en"  # "zh_CN" or "en": the HTML lang attribute, DOCX language
    thinking_label: str = "Thinking"  # the title of a block's reasoning box, in the reader's language

    @property
    def generator(self) -> str:
        return f"AIGC Desktop {__version__}"

    def meta_lines(self) -> list[str]:
        """The metadata as lines of text: "模型：…" in Chinese (a full-width colon, no space), "Model: …"
        in English."""
        colon = "：" if self.language == "zh_CN" else ": "
        return [f"{label}{colon}{value}" for label, value in self.meta]


def format_datetime(dt: datetime | None, language: str | None = None) -> str:
    """A date and time as people write it in ``language`` (the current one by default)."""
    if dt is None:
        return ""
    from babel.dates import format_datetime as babel_format

    lang = language or current_language()
    return babel_format(dt.astimezone(), "medium" if lang == "en" else "yyyy年M月d日 HH:mm",
                        locale="zh_CN" if lang == "zh_CN" else "en")


def _short_time(dt: datetime | None, language: str) -> str:
    if dt is None:
        return ""
    from babel.dates import format_datetime as babel_format

    return babel_format(dt.astimezone(), "short", locale="zh_CN" if language == "zh_CN" else "en")


def message_meta(msg: MessageRecord, language: str) -> str:
    parts = [_short_time(msg.created_at, language)]
    if msg.role == "assistant" and msg.model:
        parts.append(msg.model)
    if msg.status in STATUS_LABELS:
        parts.append(_(STATUS_LABELS[msg.status]))
    return " · ".join(p for p in parts if p)


def from_conversation(conv: ConversationRecord, messages: list[MessageRecord],
                      language: str | None = None, reasoning: bool = False) -> ExportDoc:
    """The current branch of a conversation (``messages``) as an export document: the answers
    only, unless ``reasoning`` asks for each reply's thinking too."""
    lang = language or current_language()
    models = sorted({m.model for m in messages if m.model}) or ([conv.model] if conv.model else [])
    meta = [
        (_("Model"), ", ".join(models) if models else _("unknown")),
        (_("Created"), format_datetime(conv.created_at, lang)),
        (_("Updated"), format_datetime(conv.updated_at, lang)),
        (_("Messages"), str(len(messages))),
        (_("Exported by"), f"AIGC Desktop {__version__}"),
    ]
    blocks = []
    if conv.system_prompt:
        fence = fence_for(conv.system_prompt)  # shown as written, not as Markdown
        blocks.append(Block(_("System prompt"), f"{fence}\n{conv.system_prompt.rstrip()}\n{fence}", role="system"))
    for m in messages:
        label = ROLE_LABELS.get(m.role)
        if m.tool_calls:  # the calls it made, each in a marked block before the answer (export/tool_calls.py)
            from aigc_desktop.export.tool_calls import tool_calls_markdown

            m = replace(m, content=tool_calls_markdown(m.tool_calls) + "\n\n" + m.content)
        text = m.content
        if m.citations:  # a grounded reply's sources (kb/citations.py)
            from aigc_desktop.kb.citations import references_markdown

            text += "\n\n" + references_markdown(m.citations)
        blocks.append(Block(_(label) if label else m.role.title(), text, role=m.role,
                            meta=message_meta(m, lang), reasoning=m.reasoning.strip() if reasoning else ""))
    return ExportDoc(
        title=conv.title or _("Untitled conversation"),
        meta=meta,
        blocks=blocks,
        created=conv.created_at,
        modified=conv.updated_at,
        subject=", ".join(models),
        language=lang,
        thinking_label=_(THINKING_LABEL),
    )
