"""`providers add|list|models|remove`: named OpenAI-compatible endpoints and their keys.

The key is read from standard input (``--api-key-stdin``), never from the
command line, where it would stay in the shell's history and show in ``ps``.
"""

from __future__ import annotations

import json
import sys

from aigc_desktop.cli.args import int_in
from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _


def add_parsers(sub) -> None:
    from aigc_desktop.providers.config import PRESETS

    p = sub.add_parser("providers", help=_("OpenAI-compatible servers (llama.cpp server, vLLM, Ollama, …)"))
    psub = p.add_subparsers(dest="providers_command", required=True, parser_class=type(p))

    a = psub.add_parser("add", help=_("add (or replace) a provider"))
    a.add_argument("name")
    a.add_argument("--base-url", required=True, help=_("e.g. http://127.0.0.1:11434/v1 (Ollama)"))
    a.add_argument("--api-key-stdin", action="store_true", help=_("read the API key from standard input"))
    a.add_argument("--kind", choices=tuple(PRESETS), help=_("server type (default: guessed from the port)"))
    a.add_argument("--context-length", type=int_in(256, 10_000_000),
                   help=_("tokens to assume when the server does not report its context (default 8192)"))
    a.set_defaults(handler=cmd_add)

    ls = psub.add_parser("list", help=_("configured providers"))
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)

    m = psub.add_parser("models", help=_("the models a provider serves (GET /v1/models)"))
    m.add_argument("name")
    m.add_argument("--json", action="store_true")
    m.set_defaults(handler=cmd_models)

    r = psub.add_parser("remove", help=_("remove a provider and its key"))
    r.add_argument("name")
    r.set_defaults(handler=cmd_remove)


def _dump(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def read_key_from_stdin() -> str:
    if sys.stdin is None or sys.stdin.closed:
        raise UserError(_("--api-key-stdin needs the key on standard input."))
    key = sys.stdin.readline().strip()
    if not key:
        raise UserError(_("No API key arrived on standard input."))
    return key


def cmd_add(args) -> int:
    from aigc_desktop.providers.config import DEFAULT_CONTEXT, ProviderStore, guess_kind, normalise_base_url, \
        unencrypted_warning
    from aigc_desktop.providers.secrets import SecretStore, mask

    key = read_key_from_stdin() if args.api_key_stdin else None
    mask(key)
    store = ProviderStore()
    kind = args.kind or guess_kind(normalise_base_url(args.base_url))
    provider = store.add(args.name, args.base_url, kind=kind, context_length=args.context_length or DEFAULT_CONTEXT,
                         replace=True)
    secrets = SecretStore()
    if key:
        secrets.set(provider.key, key)
    else:
        secrets.delete(provider.key)  # a replaced provider must not keep an old key
    print(_("added {name} ({kind}, {url})").format(name=provider.name, kind=provider.kind, url=provider.base_url))
    if key:
        where = secrets.where()
        print(_("the API key is kept in {where}").format(where=where), file=sys.stderr)
    warning = unencrypted_warning(provider)
    if warning:
        print(_("warning: {message}").format(message=warning), file=sys.stderr)
    return 0


def cmd_list(args) -> int:
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.secrets import SecretStore

    providers = ProviderStore().list()
    secrets = SecretStore() if providers else None
    rows = [{"name": p.name, "kind": p.kind, "base_url": p.base_url, "context_length": p.context_length,
             "has_key": bool(secrets.get(p.key)), "loopback": p.is_loopback, "key": p.key} for p in providers]
    if args.json:
        _dump(rows)
        return 0
    for row in rows:
        key = _("key") if row["has_key"] else _("no key")
        print(f"{row['name']:<16} {row['kind']:<10} {row['base_url']}  ({key})")
    if not rows:
        print(_("no providers; add one with `providers add NAME --base-url URL`"))
    return 0


def cmd_models(args) -> int:
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.model_cache import ModelCache

    provider = ProviderStore().get(args.name)
    models = ModelCache().refresh(provider)  # remembered, so the window's model list shows them too
    if args.json:
        _dump(models)
        return 0
    for m in models:
        ctx = _(" (context {n:,})").format(n=m["context_length"]) if m["context_length"] else ""
        print(f"{provider.key}/{m['id']}{ctx}")
    if not models:
        print(_("{name} serves no models").format(name=provider.name))
    return 0


def cmd_remove(args) -> int:
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.model_cache import ModelCache
    from aigc_desktop.providers.secrets import SecretStore

    provider = ProviderStore().remove(args.name)
    SecretStore().delete(provider.key)
    ModelCache().remember(provider.key, None)
    print(_("removed {name}").format(name=provider.name))
    return 0
