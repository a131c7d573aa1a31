"""Model files are untrusted input: a file's first load is tried in a child process first.

Models come from the Hub, a mirror or a download folder, and llama.cpp's GGUF parser
has had heap overflows. So before this process hands a file to llama.cpp for the first
time, :func:`probe_model_file` starts a child (``python -m aigc_desktop.llm.probe``, or
the frozen app with ``--probe-gguf``) that walks the header in Python and then loads
the file with ``vocab_only`` (llama.cpp parses the whole GGUF header and vocabulary,
but reads no weights). A crash (a signal), a hang (past ``PROBE_TIMEOUT``) or an error
there becomes a :class:`ModelLoadError` that names the file; this process, its window
and the chat being written are untouched.

The verdict is remembered, good or bad, by the file's size, mtime and a SHA-256 of its
first 16 MiB (the bytes the parser reads; a split set's first part carries the header),
in memory and in ``model-checks.json`` in the data folder, so a good model pays the
probe (about half a second) once, not on every start, and a bad one is not listed as
usable (``known_problem``). The path is not part of the key: a download keeps its
verdict when its ``.part`` is renamed, and the same file in two folders is probed once.

The child is a subprocess rather than ``multiprocessing``: it needs no pickling, works
the same from the window, the CLI and a frozen bundle, and a crash in it is just an
exit status. Its resource limits (no core file, bounded heap) are set in the child
itself, not with ``preexec_fn``, which is unsafe in a process with threads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import signal
import subprocess
import sys
import threading
from pathlib import Path

from aigc_desktop.errors import ModelLoadError
from aigc_desktop.i18n import _

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 60.0  # seconds: a healthy probe takes about half a second
HASHED_BYTES = 16 << 20
HEAP_LIMIT = 4 << 30  # the child's data segment: a header that asks for more is hostile
CACHE_NAME = "model-checks.json"
FROZEN_FLAG = "--probe-gguf"
_GOOD = ""

_lock = threading.Lock()
_verdicts: dict[str, str] = {}  # fingerprint → "" (good) or the message
_hashed: dict[tuple, str] = {}  # (path, size, mtime) → fingerprint: a model list reads no file twice


def fingerprint(path: Path) -> str:
    st = path.stat()
    seen = (str(path), st.st_size, st.st_mtime_ns)
    if seen not in _hashed:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            digest.update(fh.read(HASHED_BYTES))
        _hashed[seen] = f"{st.st_size}:{st.st_mtime_ns}:{digest.hexdigest()}"
    return _hashed[seen]


def _cache_file() -> Path:
    from aigc_desktop.paths import app_paths

    return app_paths().data / CACHE_NAME


def _read_cache(file: Path) -> dict[str, str]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("model check cache %s unreadable (%s); the checks will run again", file, exc)
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _remember(key: str, verdict: str) -> None:
    with _lock:
        _verdicts[key] = verdict
        file = _cache_file()
        try:
            known = _read_cache(file)
            known[key] = verdict
            file.parent.mkdir(parents=True, exist_ok=True)
            tmp = file.with_suffix(".tmp")
            tmp.write_text(json.dumps(known, ensure_ascii=False, indent=0), encoding="utf-8")
            tmp.replace(file)
        except OSError as exc:  # a read-only data folder: the verdict holds for this run only
            log.warning("cannot save the model check cache %s: %s", file, exc)


def _recall(key: str) -> str | None:
    with _lock:
        if key not in _verdicts:
            found = _read_cache(_cache_file()).get(key)
            if found is None:
                return None
            _verdicts[key] = found
        return _verdicts[key]


def known_problem(path: Path) -> str | None:
    """The remembered reason a file is unusable, or None (good, or never probed)."""
    try:
        return _recall(fingerprint(Path(path))) or None
    except OSError:
        return None


def forget_verdicts() -> None:
    """Forget what this process remembers (the file in the data folder stays): a new profile, tests."""
    with _lock:
        _verdicts.clear()


def remember_good(path: Path) -> None:
    """Record ``path`` as checked (an import's copy of a file that was just probed)."""
    _remember(fingerprint(Path(path)), _GOOD)


def probe_model_file(path: Path, *, timeout: float | None = None) -> None:
    """Raise :class:`ModelLoadError` unless ``path`` loads in a child process (or did before)."""
    path = Path(path)
    try:
        key = fingerprint(path)
    except OSError as exc:
        raise ModelLoadError(_("Cannot read model file {name}: {reason}").format(
            name=path.name, reason=exc.strerror or exc)) from exc
    verdict = _recall(key)
    if verdict is None:
        verdict = _run_child(path, PROBE_TIMEOUT if timeout is None else timeout)
        _remember(key, verdict)
    if verdict:
        raise ModelLoadError(verdict)


def child_command(path: Path) -> list[str]:
    from aigc_desktop.i18n import current_language

    if getattr(sys, "frozen", False):
        return [sys.executable, FROZEN_FLAG, str(path), current_language()]
    return [sys.executable, "-m", "aigc_desktop.llm.probe", str(path), current_language()]


def _run_child(path: Path, timeout: float) -> str:
    """The child's verdict: "" when the file loaded, else a message naming the file."""
    hostile = _("{name} is damaged or hostile: {what}. It was not loaded; the app and your chats are unaffected.")
    try:
        run = subprocess.run(child_command(path), capture_output=True, text=True, timeout=timeout,
                             stdin=subprocess.DEVNULL, creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except subprocess.TimeoutExpired:
        log.error("model check of %s did not finish within %.0f s", path, timeout)
        return hostile.format(name=path.name, what=_("checking it did not finish within {seconds:g} s").format(
            seconds=timeout))
    except OSError as exc:  # the child cannot start (no memory, no python): not the file's fault
        raise ModelLoadError(_("Could not check {name}: {reason}").format(name=path.name,
                                                                            reason=exc.strerror or exc)) from exc
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    try:
        answer = json.loads(lines[-1]) if lines else None
    except ValueError:
        answer = None
    if run.returncode == 0 and answer == {"ok": True}:
        log.info("model check passed: %s", path)
        return _GOOD
    if run.returncode == 1 and isinstance(answer, dict) and isinstance(answer.get("message"), str):
        log.warning("model check refused %s: %s", path, answer["message"])
        return answer["message"]
    if run.returncode < 0:
        try:
            how = signal.Signals(-run.returncode).name
        except ValueError:
            how = f"signal {-run.returncode}"
    else:
        how = f"exit status {run.returncode}"
    log.error("model check of %s crashed (%s): %s", path, how, run.stderr[-2000:])
    return hostile.format(name=path.name, what=_("reading it crashed the model check ({how})").format(how=how))


# -- the child ---------------------------------------------------------------------------


def _limit_resources() -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the timeout still bounds the child
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = HEAP_LIMIT if hard == resource.RLIM_INFINITY else min(HEAP_LIMIT, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))


def _vocab_only_load(path: Path) -> None:
    import llama_cpp

    from aigc_desktop.llm.native_log import explain_load_failure, recent_errors, route_llama_log

    route_llama_log()
    llama_cpp.llama_backend_init()
    params = llama_cpp.llama_model_default_params()
    params.vocab_only = True
    params.n_gpu_layers = 0
    model = llama_cpp.llama_model_load_from_file(str(path).encode(), params)
    if not model:
        raise ModelLoadError(explain_load_failure(path, recent_errors(), RuntimeError("vocab-only load failed")))
    if llama_cpp.llama_vocab_n_tokens(llama_cpp.llama_model_get_vocab(model)) <= 0:
        llama_cpp.llama_model_free(model)
        raise ModelLoadError(_("{name} has no vocabulary.").format(name=path.name))
    llama_cpp.llama_model_free(model)


def child_main(argv: list[str]) -> int:
    """The child: exit 0 with ``{"ok": true}``, or 1 with ``{"ok": false, "message": …}``; a crash is the parent's to name.

    ``argv`` is the path, the language, and optionally ``native``: only llama.cpp's
    load, without the Python walk first (the fuzz tests use it to reach llama.cpp's parser).
    """
    from aigc_desktop import i18n
    from aigc_desktop.llm.gguf_info import check_gguf_file

    path = Path(argv[0])
    i18n.install(argv[1] if len(argv) > 1 else None)
    _limit_resources()
    try:
        if argv[2:3] != ["native"]:
            check_gguf_file(path, deep=True)
        _vocab_only_load(path)
    except ModelLoadError as exc:
        message = str(exc) if path.name in str(exc) else f"{path.name}: {exc}"
        print(json.dumps({"ok": False, "message": message}), flush=True)  # ASCII: any console encoding
        return 1
    except MemoryError:
        print(json.dumps({"ok": False, "message": _("{name} is damaged or hostile: its header asks for more memory "
                                                    "than any model needs.").format(name=path.name)}), flush=True)
        return 1
    print(json.dumps({"ok": True}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(child_main(sys.argv[1:]))
