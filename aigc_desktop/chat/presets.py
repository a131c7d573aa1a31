"""Presets (personas): a system prompt plus sampling settings, built-in or the person's own.

The person's presets live in ``presets.json`` in the config folder; built-ins
cannot be overwritten or deleted, so a bad edit never loses them. A built-in's
name is its id (saved in settings as the default preset) and stays English;
windows show it through :func:`display_name`, which translates built-ins only.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.paths import app_paths

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preset:
    name: str
    system_prompt: str = ""
    sampling: dict = field(default_factory=dict)
    builtin: bool = False


BUILTINS = (
    Preset(N_("Default"), "", {}, True),
    Preset(
        N_("中文写作 Chinese writer"),
        "你是一位经验丰富的中文写作助手。请用简洁、流畅、准确的中文回答。"
        "写文章时按步骤进行：先拟定标题，再给出提纲，然后逐节展开；每一步完成后等待用户确认再继续。",
        {"temperature": 0.7, "top_p": 0.9, "repeat_penalty": 1.1, "max_tokens": 2048},
        True,
    ),
    Preset(
        N_("Coder"),
        "You are an expert programmer. Answer with correct, idiomatic code in fenced code blocks "
        "with the language named, followed by a short explanation.",
        {"temperature": 0.2, "top_p": 0.95, "max_tokens": 2048},
        True,
    ),
    Preset(
        N_("翻译 Translator"),
        "You are a professional translator between Chinese and English. Translate the user's text "
        "into the other language faithfully and naturally. Output only the translation.",
        {"temperature": 0.3, "max_tokens": 2048},
        True,
    ),
    Preset(N_("Precise"), "Answer accurately and concisely.", {"temperature": 0.0, "seed": 0}, True),
)


def display_name(name: str) -> str:
    """The name to show: a built-in's in the current language, the person's own as typed."""
    return _(name) if any(p.name == name for p in BUILTINS) else name


def _file():
    return app_paths().config / "presets.json"


def _load_user() -> list[Preset]:
    path = _file()
    if not path.exists():
        return []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [Preset(str(p["name"]), str(p.get("system_prompt") or ""), dict(p.get("sampling") or {}))
                for p in raw]
    except (OSError, ValueError, KeyError, TypeError):
        log.exception("presets file %s unreadable; ignoring it", path)
        return []


def _save_user(presets: list[Preset]) -> None:
    path = _file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    data = [{k: v for k, v in asdict(p).items() if k != "builtin"} for p in presets]
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise UserError(_("Could not save presets to {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from exc


def list_presets() -> list[Preset]:
    return list(BUILTINS) + _load_user()


def get_preset(name: str) -> Preset:
    for p in list_presets():
        if p.name == name:
            return p
    raise UserError(_("No preset named “{name}”.").format(name=name))


def save_preset(preset: Preset) -> Preset:
    """Add or replace one of the person's presets; sampling values are validated first."""
    name = preset.name.strip()
    if not name:
        raise UserError(_("A preset needs a name."))
    if any(b.name == name for b in BUILTINS):
        raise UserError(_("“{name}” is a built-in preset; choose another name.").format(name=name))
    sampling = SamplingParams.from_dict(preset.sampling).to_dict()
    clean = Preset(name, preset.system_prompt or "", sampling)
    others = [p for p in _load_user() if p.name != name]
    _save_user(others + [clean])
    return clean


def delete_preset(name: str) -> None:
    if any(b.name == name for b in BUILTINS):
        raise UserError(_("“{name}” is a built-in preset and cannot be deleted.").format(name=name))
    user = _load_user()
    if not any(p.name == name for p in user):
        raise UserError(_("No preset named “{name}”.").format(name=name))
    _save_user([p for p in user if p.name != name])


def new_chat_fields(default_preset: str) -> dict:
    """The fields a new chat starts with: the default preset's system prompt and sampling
    (settings.default_preset), or nothing when none is set or it was deleted."""
    if not default_preset:
        return {}
    try:
        preset = get_preset(default_preset)
    except UserError:
        return {}
    fields: dict = {"sampling": dict(preset.sampling)}
    if preset.system_prompt:
        fields["system_prompt"] = preset.system_prompt
    return fields
