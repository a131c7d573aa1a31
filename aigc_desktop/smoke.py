"""``aigc-desktop-cli --smoke-test``: does this installation chat offline, headless?

Run by ``packaging/smoke.sh`` against an installed bundle, where nothing of the build's
Python is on PATH. It goes through the same services as ``chat`` (runtime, starter
model, ChatService), then reads the reply back from the database, because "a reply was
printed" is not "a reply was saved". Prints ``OK`` and returns 0, or one line with the
reason and returns 1. No Qt here: the CLI's smoke must not need a display.
"""

from __future__ import annotations

import sys

#: The one message both smoke modes send.
SMOKE_MESSAGE = "Say hello in five words."
#: Enough tokens to prove generation works; a small model needs about a second.
SMOKE_TOKENS = 12


def check_reply(store, reply_id: int) -> str | None:
    """Why the saved reply is not a finished one with text, or None when it is."""
    saved = store.get_message(reply_id)
    if saved.role != "assistant":
        return f"message {reply_id} is a {saved.role} message, not a reply"
    if saved.status != "done":
        return f"the reply ended {saved.status}"
    if not saved.content.strip():
        return "the reply is empty"
    return None


def run() -> int:
    from aigc_desktop.errors import UserError
    from aigc_desktop.hub.library import starter_model_path
    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.runtime import open_runtime

    try:
        model = starter_model_path()
        if model is None:
            raise UserError("the starter model is not installed with this copy of the app")
        rt = open_runtime(hold_lock=True)
        try:
            rt.engine.load(model, n_ctx=2048, n_threads=rt.settings.n_threads)
            conv = rt.service.new_conversation(model=str(model))
            result = rt.service.send(conv.id, SMOKE_MESSAGE,
                                     sampling=SamplingParams(max_tokens=SMOKE_TOKENS, seed=1))
            problem = result.error or check_reply(rt.store, result.reply.id)
        finally:
            rt.close()
    except UserError as exc:
        problem = str(exc)
    if problem:
        print(f"smoke test failed: {problem}", file=sys.stderr)
        return 1
    print(f"OK: {model.name} replied and the reply was saved")
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
