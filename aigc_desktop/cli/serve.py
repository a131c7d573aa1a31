"""`serve`: the app's local model as an OpenAI-compatible API, until SIGINT or SIGTERM.

Prints the base URL (``http://127.0.0.1:8765/v1``) on stdout as its first
line, so a script can read it; everything else goes to stderr. Binding to a
non-loopback address needs ``--api-key-stdin``.

Only requests addressed to this computer are answered (``--allow-host NAME`` adds a
Host name), web pages are refused unless their origin is given with
``--allow-origin URL`` (both repeatable), and at most ``--max-waiting`` requests
wait for the model (429 past that). See ``server/guard.py``.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from aigc_desktop.cli.args import int_in
from aigc_desktop.i18n import _


def add_parsers(sub) -> None:
    from aigc_desktop.server.gate import DEFAULT_MAX_WAITING
    from aigc_desktop.server.local import DEFAULT_PORT

    p = sub.add_parser("serve", help=_("serve the local model over an OpenAI-compatible API"))
    p.add_argument("--host", default="127.0.0.1", help=_("address to listen on (default 127.0.0.1)"))
    p.add_argument("--port", type=int_in(0, 65535), default=DEFAULT_PORT, help=_("default {port}; 0 = any free port").format(port=DEFAULT_PORT))
    p.add_argument("--model", help=_("a .gguf path or an installed model's name (default: the default model)"))
    p.add_argument("--api-key-stdin", action="store_true", help=_("read the API key clients must send from stdin"))
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME", type=_host,
                   help=_("also answer requests addressed to this host name (repeatable)"))
    p.add_argument("--allow-origin", action="append", default=[], metavar="URL", type=_origin,
                   help=_("let web pages from this origin use the API, e.g. http://localhost:3000 (repeatable)"))
    p.add_argument("--max-waiting", type=int_in(0, 1000), default=DEFAULT_MAX_WAITING, metavar="N",
                   help=_("requests that may wait for the model; more get 429 (default {n})").format(
                       n=DEFAULT_MAX_WAITING))
    p.set_defaults(handler=cmd_serve)


def _origin(text: str) -> str:
    from aigc_desktop.server.guard import normalise_origin

    try:
        return normalise_origin(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _host(text: str) -> str:
    name = text.strip()
    if not name or any(c in name for c in "/ *@?#") or name.count(":") == 1:
        raise argparse.ArgumentTypeError(_("{name} is not a host name (give it without scheme, port or path).").format(
            name=repr(text)))
    return name


def cmd_serve(args) -> int:
    from aigc_desktop.cli.providers import read_key_from_stdin
    from aigc_desktop.hub.library import resolve_model
    from aigc_desktop.llm.engine import LlamaEngine
    from aigc_desktop.paths import app_paths
    from aigc_desktop.server.gate import EngineGate
    from aigc_desktop.server.local import LocalServer, check_bind
    from aigc_desktop.settings import Settings

    key = read_key_from_stdin() if args.api_key_stdin else None
    check_bind(args.host, key)  # refused before the model is loaded: no waiting to be told no
    settings = Settings.load(app_paths().settings_file)
    path = resolve_model(args.model or settings.default_model or None)
    engine = LlamaEngine()
    engine.load(path, n_ctx=settings.n_ctx, n_threads=settings.n_threads)
    server = LocalServer(engine, host=args.host, port=args.port, api_key=key, gate=EngineGate(args.max_waiting),
                         allow_hosts=args.allow_host, allow_origins=args.allow_origin)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_a: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        url = server.start()
        print(url, flush=True)
        print(_("serving {model} at {url}; stop with Ctrl+C").format(model=engine.model.name, url=url),
              file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            if not server.running:
                break
    finally:
        server.stop()
        engine.unload()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print(_("stopped"), file=sys.stderr)
    return 0
