"""Every on-disk location the app uses, from one place.

Set ``AIGC_DESKTOP_HOME`` to keep all state (database, settings, logs, models)
under one folder: tests, portable installs and a second profile use it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "aigc-desktop"
HOME_ENV = "AIGC_DESKTOP_HOME"


@dataclass(frozen=True)
class AppPaths:
    data: Path
    config: Path
    logs: Path
    models: Path

    @property
    def database(self) -> Path:
        return self.data / "conversations.sqlite3"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def log_file(self) -> Path:
        return self.logs / "aigc-desktop.log"

    def ensure(self) -> "AppPaths":
        for folder in (self.data, self.config, self.logs, self.models):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def app_paths() -> AppPaths:
    """Return the app's folders (created on demand by :meth:`AppPaths.ensure`)."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser().resolve()
        return AppPaths(
            data=root / "data", config=root / "config", logs=root / "logs", models=root / "models"
        )
    data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return AppPaths(
        data=data,
        config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        logs=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        models=data / "models",
    )
