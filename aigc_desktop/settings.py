"""App settings: a validated dataclass kept as JSON in the config folder, and its one writer.

Everything that changes a setting (the window, the Models window, ``hub/``, the
CLI) goes through :class:`SettingsStore`; :class:`Settings` is only a snapshot.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _

log = logging.getLogger(__name__)

THEMES = ("system", "light", "dark")
LANGUAGE_CHOICES = ("system", "zh_CN", "en")


@dataclass
class Settings:
    default_model: str = ""  # a path or an installed model's name; "" = starter model
    n_ctx: int = 4096
    n_threads: int = 0  # 0 = let the engine choose (physical cores)
    theme: str = "system"
    hub_endpoint: str = ""  # "" = huggingface.co (or HF_ENDPOINT from the environment)
    offline: bool = False
    # While offline, still reach providers on this machine (127.0.0.1, ::1, localhost): not "the network".
    allow_loopback_offline: bool = True
    default_preset: str = ""  # the preset new chats start with; "" = none
    language: str = "system"  # "system", "zh_CN" or "en" (AIGC_DESKTOP_LANG overrides it)
    extra: dict = field(default_factory=dict)
    # Layers llama.cpp puts on the GPU: "auto" (all, on a GPU build), "0" (CPU only) or "N" (llm/gpu.py).
    gpu_layers: str = "auto"
    model_gpu_layers: dict = field(default_factory=dict)  # a model's path → its own gpu_layers value
    window_geometry: str = ""  # the main window's last size and place (Qt's saveGeometry, base64)
    export_folder: str = ""  # where the last export (a chat, an article, an image) was saved
    export_format: str = ""  # the last export's file type, "format[:page]" ("md", "pdf:a4", …)
    # Web pages (origins, "http://localhost:3000") the window's Local API lets in (server/guard.py).
    local_api_origins: list = field(default_factory=list)
    # Search looks in the replies' answers; True also in their thinking (store/search.py).
    search_reasoning: bool = False
    # Sync between the person's computers (sync/): "folder", "webdav" or "" (off). The WebDAV
    # password and the encryption passphrase are in the keychain; the device id in the data folder.
    sync_target: str = ""
    sync_folder: str = ""
    sync_webdav_url: str = ""
    sync_webdav_user: str = ""
    sync_auto: bool = False  # at start, every sync_interval_minutes and after each reply
    sync_interval_minutes: int = 5
    sync_encrypt: bool = False
    sync_device_name: str = ""  # "" = the computer's name

    def __post_init__(self) -> None:
        self.problems: list[str] = []  # what load() had to replace by defaults (not saved)

    def validate(self) -> "Settings":
        if not 256 <= int(self.n_ctx) <= 1_048_576:
            raise UserError(_("Context length must be between 256 and 1048576, not {value}.").format(value=self.n_ctx))
        if int(self.n_threads) < 0:
            raise UserError(_("Thread count cannot be negative."))
        if self.theme not in THEMES:
            raise UserError(_("Theme must be one of {choices}.").format(choices=", ".join(THEMES)))
        if self.language not in LANGUAGE_CHOICES:
            raise UserError(_("Language must be one of {choices}.").format(choices=", ".join(LANGUAGE_CHOICES)))
        if not all(isinstance(o, str) and o.startswith(("http://", "https://")) for o in self.local_api_origins):
            raise UserError(_("Local API origins must be http:// or https:// addresses."))
        if self.sync_target not in ("", "folder", "webdav"):
            raise UserError(_("Sync target must be folder, webdav or empty, not {value}.").format(value=self.sync_target))
        if not 1 <= int(self.sync_interval_minutes) <= 1440:
            raise UserError(_("The sync interval must be between 1 and 1440 minutes."))
        for value in (self.gpu_layers, *self.model_gpu_layers.values()):
            if not _is_gpu_layers(value):
                raise UserError(_("GPU layers must be auto, 0 or a positive number, not {value}.").format(value=value))
        return self

    def gpu_layers_for(self, model_path) -> str:
        """The GPU layers a load of this model uses: its own value from the Models window, else the app's."""
        return self.model_gpu_layers.get(model_key(model_path), self.gpu_layers)

    @classmethod
    def load(cls, path: Path) -> "Settings":
        """Read settings; a broken file or a bad value is logged and replaced by the
        default (value by value, so one bad entry does not lose the others), never fatal."""
        try:
            if not path.exists():
                return cls()
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:  # RecursionError: nested past json's limit
            log.warning("settings file %s unreadable (%s); using defaults", path, exc)
            settings = cls()
            settings._unreadable = True
            settings.problems.append(_("{path} is unreadable ({reason}); defaults are used.").format(path=path, reason=exc))
            return settings
        if not isinstance(raw, dict):
            log.warning("settings file %s is not a JSON object; using defaults", path)
            settings = cls()
            settings._unreadable = True
            settings.problems.append(_("{path} is not a JSON object; defaults are used.").format(path=path))
            return settings
        settings = cls()
        for f in fields(cls):
            if f.name not in raw:
                continue
            value, default = raw[f.name], getattr(settings, f.name)
            if type(default) is int and isinstance(value, float) and value.is_integer():
                value = int(value)
            if type(value) is not type(default):
                log.warning("settings: %s=%r is not a %s; using %r", f.name, value, type(default).__name__, default)
                settings.problems.append(_("{key}={value} is not a {kind}; using {default}.").format(
                    key=f.name, value=repr(value), kind=type(default).__name__, default=repr(default)))
                continue
            setattr(settings, f.name, value)
            try:
                settings.validate()
            except UserError as exc:
                log.warning("settings: %s (%s); using %r", exc, f.name, default)
                settings.problems.append(_("{problem} Using {default}.").format(problem=exc, default=repr(default)))
                setattr(settings, f.name, default)
        return settings

    def _write(self, path: Path) -> None:
        """Atomic write; only :meth:`SettingsStore.update` calls it."""
        self.validate()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if getattr(self, "_unreadable", False) and path.is_file():
                # Keep the file we could not read rather than overwrite it silently (as at start).
                from aigc_desktop.local_files import keep_aside

                keep_aside(path)
                self._unreadable = False
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            path.with_suffix(".tmp").unlink(missing_ok=True)
            raise UserError(_("Could not save the settings to {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from exc


def model_key(model_path) -> str:
    """How ``model_gpu_layers`` names a model: its absolute path, so two spellings of one file agree."""
    return str(Path(model_path).expanduser().resolve())


def _is_gpu_layers(value) -> bool:
    """A stored GPU layers value is a string in its canonical form ("auto", "0", "12")."""
    from aigc_desktop.llm.gpu import canonical_gpu_layers

    try:
        return isinstance(value, str) and canonical_gpu_layers(value) == value
    except ValueError:
        return False


class SettingsStore:
    """The one writer of ``settings.json``.

    ``update(**changes)`` takes the file's lock, re-reads the file, applies only
    the changed fields, saves atomically and tells the listeners. Because it
    never writes back a copy loaded earlier, a change made elsewhere (the
    Models window, the CLI, a second window) is never undone by another field's
    change: turning the theme dark cannot turn offline mode off again.

    ``current()`` is the file as it is now (re-read when its mtime or size
    changed), so a value set by another process is seen at the next read.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._listeners: list = []
        self._cached: Settings | None = None
        self._stamp: tuple | None = None

    def _file_stamp(self) -> tuple | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def current(self) -> Settings:
        stamp = self._file_stamp()
        if self._cached is None or stamp != self._stamp:
            self._cached, self._stamp = Settings.load(self.path), stamp
        return self._cached

    def add_listener(self, callback) -> None:
        """``callback(settings, changed_names)`` after every successful update."""
        self._listeners.append(callback)

    def remove_listener(self, callback) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def update(self, **changes) -> Settings:
        """Apply ``changes`` to what is on disk now; raises :class:`UserError` on a bad value or a failed save."""
        unknown = set(changes) - _FIELD_NAMES
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        from filelock import FileLock, Timeout

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.path.with_name(self.path.name + ".lock")), timeout=10)
            with lock:
                settings = Settings.load(self.path)
                changed = {k for k, v in changes.items() if getattr(settings, k) != v}
                for key, value in changes.items():
                    setattr(settings, key, value)
                if changed:
                    settings._write(self.path)
        except Timeout as exc:
            raise UserError(_("The settings file {path} is locked by another program.").format(path=self.path)) from exc
        except OSError as exc:
            raise UserError(_("Could not save the settings to {path}: {reason}").format(path=self.path, reason=exc.strerror or exc)) from exc
        self._cached, self._stamp = settings, self._file_stamp()
        if changed:
            for callback in list(self._listeners):
                try:
                    callback(settings, frozenset(changed))
                except Exception:  # a listener's bug must not undo a saved setting
                    log.exception("settings listener failed")
        return settings


_FIELD_NAMES = frozenset(f.name for f in fields(Settings))
