"""Sampling parameters, validated once so that llama.cpp never sees nonsense."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _


LABELS = {  # shown in messages as _(LABELS[key])
    "temperature": N_("Temperature"), "top_p": "Top-p", "top_k": "Top-k", "min_p": "Min-p",
    "repeat_penalty": N_("Repeat penalty"), "max_tokens": N_("Max tokens"), "seed": N_("Seed"),
    "thinking": N_("Thinking"),
}


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int = 1024
    seed: int | None = None  # None = a fresh random seed each reply
    # A hybrid model (Qwen3) thinks first or not: True / False, None = the model's own default (llm/thinking.py).
    thinking: bool | None = None

    def __post_init__(self) -> None:
        checks = [
            (0.0 <= self.temperature <= 5.0, _("Temperature must be between 0 and 5.")),
            (0.0 < self.top_p <= 1.0, _("Top-p must be greater than 0 and at most 1.")),
            (0 <= self.top_k <= 1000, _("Top-k must be between 0 (off) and 1000.")),
            (0.0 <= self.min_p < 1.0, _("Min-p must be at least 0 and below 1.")),
            (0.5 <= self.repeat_penalty <= 2.5, _("Repeat penalty must be between 0.5 and 2.5.")),
            (1 <= self.max_tokens <= 131072, _("Max tokens must be between 1 and 131072.")),
            (self.seed is None or 0 <= self.seed < 2**32, _("Seed must be empty or -1 (random), or between 0 and 4294967295.")),
        ]
        for ok, message in checks:
            if not ok:
                raise UserError(message)

    @classmethod
    def from_dict(cls, data: dict | None) -> "SamplingParams":
        """Build from stored/user values; unknown keys are ignored, bad types rejected."""
        data = dict(data or {})
        known = {f.name: f for f in fields(cls)}
        kwargs = {}
        for key, value in data.items():
            if key not in known or value is None and key != "seed":
                continue
            try:
                if key in ("top_k", "max_tokens"):
                    kwargs[key] = int(value)
                elif key == "thinking":
                    kwargs[key] = _flag(value)
                elif key == "seed":
                    seed = None if value in (None, "") else int(value)
                    kwargs[key] = None if seed == -1 else seed  # -1 means random, as in llama.cpp
                else:
                    kwargs[key] = float(value)
            except (TypeError, ValueError, OverflowError) as exc:
                if key == "thinking":
                    raise UserError(_("Thinking must be on or off, not {value}.").format(value=repr(value))) from exc
                raise UserError(_("{setting} must be a number, not {value}.").format(
                    setting=_(LABELS.get(key, key)), value=repr(value))) from exc
        return cls(**kwargs)

    def to_dict(self) -> dict:
        """The values to store; ``thinking`` only when set (None is every model's own default)."""
        values = asdict(self)
        if values["thinking"] is None:
            del values["thinking"]
        return values

    def merged(self, **overrides) -> "SamplingParams":
        values = self.to_dict()
        values.update({k: v for k, v in overrides.items() if v is not None})
        return SamplingParams.from_dict(values)


def _flag(value) -> bool | None:
    """A stored on/off switch: a JSON boolean, or the words a settings file or a CLI may hold."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "on", "yes", "0", "false", "off", "no"):
        return value.strip().lower() in ("1", "true", "on", "yes")
    raise ValueError(value)
