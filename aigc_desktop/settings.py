"""App settings: a validated dataclass kept as JSON in the config folder."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from aigc_desktop.errors import UserError

log = logging.getLogger(__name__)

THEMES = ("system", "light", "dark")


@dataclass
class Settings:
    default_model: str = ""  # a path or an installed model's name; "" = starter model
    n_ctx: int = 4096
    n_threads: int = 0  # 0 = let the engine choose (physical cores)
    theme: str = "system"
    hub_endpoint: str = ""  # "" = huggingface.co (or HF_ENDPOINT from the environment)
    offline: bool = False
    extra: dict = field(default_factory=dict)

    def validate(self) -> "Settings":
        if not 256 <= int(self.n_ctx) <= 1_048_576:
            raise UserError(f"Context length must be between 256 and 1048576, not {self.n_ctx}.")
        if int(self.n_threads) < 0:
            raise UserError("Thread count cannot be negative.")
        if self.theme not in THEMES:
            raise UserError(f"Theme must be one of {', '.join(THEMES)}.")
        return self

    @classmethod
    def load(cls, path: Path) -> "Settings":
        """Read settings; a broken file is logged and replaced by defaults, never fatal."""
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            known = {f.name for f in fields(cls)}
            return cls(**{k: v for k, v in raw.items() if k in known}).validate()
        except (OSError, ValueError, TypeError, UserError):
            log.exception("settings file %s unreadable; using defaults", path)
            return cls()

    def save(self, path: Path) -> None:
        self.validate()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
