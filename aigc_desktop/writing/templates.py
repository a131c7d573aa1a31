"""Prompt templates (提示词模板): built-ins in Chinese and English, variables, filling.

A template is prompt text for the model with ``{name}`` variables, such as the
blog post's three techniques: a plain question (「{topic}是什么？」), a
structured request (「…请从{n}个方面进行介绍…」) and a precise request with
exclusions (「…不能涉及到{exclude}…」); plus polish, expand, shorten, summarise,
translate and title ideas. The bodies are data in the model's language, not
interface strings, so they are not marked for translation; a template's display
name is an interface string and is (``N_`` here, ``_()`` where shown).

Variables are found with :class:`string.Formatter`'s parser (the grammar of
``str.format``), but filling is not ``str.format``: only plain ``{name}`` fields
are variables, and everything else is kept exactly as written, because a
person's template may hold JSON (``{"a": 1}``), ``{}``, ``{0}``, ``{{…}}`` or a
lone brace in a code sample. ``str.format`` would raise on those or rewrite
them. :func:`_pieces` therefore walks the parser's output and rebuilds each
piece's original text (a small amount of hand-written code for that reason); a
brace the parser rejects is kept as a literal and parsing resumes after it.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _, current_language

LANGUAGES = ("zh", "en")
DEFAULT_N = 3  # "从三个方面": the post's structured request


class MissingVariable(UserError, ValueError):
    """A template was filled without a value for one of its variables; the message is fit to show."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(names)
        super().__init__(_("The template needs a value for {names}.").format(
            names=", ".join("{" + n + "}" for n in self.names)))


def _pieces(body: str) -> list[tuple[str, str | None]]:
    """``body`` as (original text, variable name or None) pieces; joined they give ``body`` back."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    while pos < len(body):
        try:
            for literal, name, spec, conv in string.Formatter().parse(body[pos:]):
                if literal:
                    # A brace in a literal can only come from an escape ({{ or }}), so doubling
                    # them gives the text as it was written.
                    raw = literal.replace("{", "{{").replace("}", "}}")
                    out.append((raw, None))
                    pos += len(raw)
                if name is None:
                    continue
                length = 1 + len(name) + (1 + len(conv) if conv else 0)
                plain = not conv and body[pos + length] == "}"
                if body[pos + length] == ":":
                    length += 1 + len(spec)
                length += 1
                raw = body[pos:pos + length]
                out.append((raw, name if plain and name.isidentifier() else None))
                pos += length
            break
        except ValueError:
            # A brace that does not pair up: keep it as it is and go on after it.
            rest = body[pos:]
            cut = min(i for i in (rest.find("{"), rest.find("}")) if i >= 0) + 1
            out.append((rest[:cut], None))
            pos += cut
    return out


def variables(body: str) -> tuple[str, ...]:
    """The ``{name}`` variables of ``body``, each once, in order of first use."""
    seen: dict[str, None] = {}
    for _raw, name in _pieces(body):
        if name is not None:
            seen.setdefault(name, None)
    return tuple(seen)


def fill(body: str, values: Mapping[str, object]) -> str:
    """``body`` with each variable replaced by its value; other braces stay as written.

    Raises :class:`MissingVariable` when a variable has no value (or a blank one).
    """
    missing = [n for n in variables(body) if values.get(n) is None or not str(values[n]).strip()]
    if missing:
        raise MissingVariable(missing)
    return "".join(raw if name is None else str(values[name]) for raw, name in _pieces(body))


def substitute(body: str, values: Mapping[str, object]) -> str:
    """``body`` with the variables ``values`` names replaced (blank values allowed); every
    other brace stays as written. For prompts the app fills itself, such as a document's
    section prompt, where an empty brief line is normal."""
    return "".join(str(values[name]) if name is not None and name in values else raw for raw, name in _pieces(body))


@dataclass(frozen=True)
class Template:
    """A built-in (``id`` None, ``key`` like ``"polish.zh"``) or one of the person's (``key`` is its id)."""

    key: str
    name: str  # as shown, already translated
    body: str
    language: str  # "zh" | "en"
    id: int | None = None
    defaults: Mapping[str, object] = field(default_factory=dict)  # a form's starting values

    @property
    def builtin(self) -> bool:
        return self.id is None

    @property
    def variables(self) -> tuple[str, ...]:
        return variables(self.body)

    def fill(self, values: Mapping[str, object]) -> str:
        return fill(self.body, values)

    def to_json(self) -> dict:
        return {"key": self.key, "id": self.id, "name": self.name, "language": self.language,
                "builtin": self.builtin, "variables": list(self.variables), "body": self.body}


# (key, display name, {language: body}, {language: defaults})
_BUILTINS = (
    ("what-is", N_("What is …?"), {
        "zh": "{topic}是什么？",
        "en": "What is {topic}?",
    }, {}),
    ("structured", N_("Introduce in N aspects"), {
        "zh": "请介绍{topic}，请从{n}个方面进行介绍，要求突出重点，表达清晰。",
        "en": "Please introduce {topic} in {n} aspects. Highlight the key points and express them clearly.",
    }, {}),
    ("precise", N_("Explain, leaving out …"), {
        "zh": "请为我阐述{topic}的概念是什么，注意在阐述的过程中不能涉及到{exclude}，"
              "因为我想要的是一篇层次分点鲜明的文章，而不是一大段的有关{topic}的报告！",
        "en": "Please explain what {topic} is. While explaining, do not touch on {exclude}, because I want "
              "an article with clear levels and points, not one long report about {topic}!",
    }, {}),
    ("polish", N_("Polish"), {
        "zh": "请润色下面这段文字，使表达更流畅、用词更准确，保持原意不变，只输出润色后的文字：\n\n{text}",
        "en": "Polish the following text so that it reads smoothly and the wording is precise. Keep its "
              "meaning and output only the polished text:\n\n{text}",
    }, {}),
    ("expand", N_("Expand"), {
        "zh": "请扩写下面这段文字，补充细节和例子，使内容更充实，保持原有的观点和风格：\n\n{text}",
        "en": "Expand the following text with details and examples, keeping its point of view and style:"
              "\n\n{text}",
    }, {}),
    ("shorten", N_("Shorten"), {
        "zh": "请缩写下面这段文字，保留要点，篇幅压缩到原来的一半左右：\n\n{text}",
        "en": "Shorten the following text to about half its length, keeping the main points:\n\n{text}",
    }, {}),
    ("summarise", N_("Summarise"), {
        "zh": "请用{n}句话总结下面这段文字的要点：\n\n{text}",
        "en": "Summarise the main points of the following text in {n} sentences:\n\n{text}",
    }, {}),
    ("translate", N_("Translate"), {
        "zh": "请把下面这段文字翻译成{target}，只输出译文，不要解释：\n\n{text}",
        "en": "Translate the following text into {target}. Output only the translation, without "
              "explanations:\n\n{text}",
    }, {"zh": {"target": "英文"}, "en": {"target": "Chinese"}}),
    ("titles", N_("Title ideas"), {
        "zh": "请为一篇关于{topic}的文章想{n}个标题，要求简洁、吸引人，每行一个。",
        "en": "Suggest {n} titles for an article about {topic}: short and engaging, one per line.",
    }, {}),
)

#: How the form labels the well-known variables (any other shows its own name).
VARIABLE_LABELS = {"topic": N_("Topic"), "n": N_("How many"), "exclude": N_("Leave out"),
                   "text": N_("Text"), "target": N_("Into (language)")}


def builtins(ui_language: str | None = None) -> list[Template]:
    """Every built-in; the UI language's first (Chinese first when the window speaks Chinese)."""
    first = "zh" if (ui_language or current_language()).startswith("zh") else "en"
    order = (first,) + tuple(lang for lang in LANGUAGES if lang != first)
    out = []
    for lang in order:
        for key, name, bodies, defaults in _BUILTINS:
            out.append(Template(key=f"{key}.{lang}", name=_(name), body=bodies[lang], language=lang,
                                defaults={"n": DEFAULT_N, **defaults.get(lang, {})}))
    return out


def other_language_start(templates: list[Template], ui_language: str | None = None) -> int | None:
    """Where the built-ins in the language the window does not speak begin in ``templates`` (as
    :func:`library` orders them), so a list can put them under a heading; None when there are none.
    They share their (translated) names with the UI language's, so without a heading each name
    showed twice in a row."""
    first = "zh" if (ui_language or current_language()).startswith("zh") else "en"
    return next((i for i, t in enumerate(templates) if t.builtin and t.language != first), None)


def other_language(ui_language: str | None = None) -> str:
    """The built-ins' language that is not the window's ("en" under a Chinese window, else "zh")."""
    return "en" if (ui_language or current_language()).startswith("zh") else "zh"


def from_record(record) -> Template:
    """One of the person's templates (a :class:`aigc_desktop.store.templates.TemplateRecord`)."""
    return Template(key=str(record.id), name=record.name, body=record.body, language=record.language,
                    id=record.id, defaults={"n": DEFAULT_N})


def library(store=None, ui_language: str | None = None) -> list[Template]:
    """What the picker and ``templates list`` show: the person's own first, then the built-ins."""
    own = [from_record(r) for r in store.list()] if store is not None else []
    return own + builtins(ui_language)


def find(key_or_id: str, store=None) -> Template:
    """A built-in by key (``polish.zh``) or one of the person's by id; UserError when there is none."""
    text = str(key_or_id).strip()
    if text.isdigit():
        if store is not None:
            return from_record(store.get(int(text)))
    else:
        for t in builtins():
            if t.key == text:
                return t
    raise UserError(_("No template {key}. `templates list` shows them.").format(key=text))


def guess_language(body: str) -> str:
    """zh when the text has Chinese characters, else en (the default for a new template)."""
    from aigc_desktop.writing.prompts import is_chinese

    return "zh" if is_chinese(body) else "en"
