"""The local OpenAI-compatible API over the app's engine (FastAPI; served by uvicorn in ``local.py``).

Routes: ``GET /v1/models``, ``POST /v1/chat/completions`` (streamed as SSE or
not), ``POST /v1/completions`` (a raw continuation of the prompt), and
``POST /v1/embeddings`` when the loaded model was loaded for embeddings; the
app loads chat models without it, so that route answers a clear 404.

Every generation is a job on the :class:`~aigc_desktop.server.gate.EngineGate`
(one engine thread, first come first served; past its bounded queue a request gets
429 with ``Retry-After``). A streamed reply crosses from
that thread to the event loop through an ``asyncio.Queue`` fed with
``call_soon_threadsafe``; a client that disconnects sets the job's cancel
event, so the engine stops within a token. The SSE lines are written here
(``data: {json}`` and ``data: [DONE]``, three lines of code) rather than
through sse-starlette, which would add a dependency for them.

Chat replies use the cache key ``serve``: the engine saves the state of the
conversation the window had open before the server's prompt takes the
context, and restores it when the window's turn comes (llm/state_cache.py).

What a request may ask is bounded by the model: ``max_tokens`` is clamped to its
context, ``n`` must be 1, and an image given by URL is refused, never fetched
(llama-cpp-python's vision handlers would open any non-``data:`` URL). Host, Origin
and body size are checked before this app sees a request (``server/guard.py``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import uuid

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse

from aigc_desktop.errors import UserError
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.server.gate import EngineGate, QueueFull
from aigc_desktop.server.schemas import ChatRequest, CompletionRequest, EmbeddingRequest, error_body

log = logging.getLogger(__name__)

DEFAULT_CHAT_MAX = 1024
DEFAULT_COMPLETION_MAX = 16  # OpenAI's default for /v1/completions
MAX_STOPS = 16  # each is searched for after every token
_END = object()


class ApiError(Exception):
    def __init__(self, status: int, message: str, kind: str = "invalid_request_error", code: str | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.kind, self.code = status, message, kind, code
        self.headers = headers


def queue_full(exc: QueueFull) -> ApiError:
    return ApiError(429, f"The server is busy: {exc.waiting} requests are waiting. Try again in a moment.",
                    "rate_limit_error", "queue_full", {"Retry-After": str(exc.retry_after)})


class StopText:
    """Cuts the text at the first of the request's ``stop`` strings, holding back a possible start of one."""

    def __init__(self, stops: list[str]) -> None:
        self.stops, self.pending, self.hit = stops, "", False

    def feed(self, text: str) -> str:
        if not self.stops:
            return text
        self.pending += text
        cuts = [self.pending.find(s) for s in self.stops if s in self.pending]
        if cuts:
            out, self.pending, self.hit = self.pending[:min(cuts)], "", True
            return out
        keep = max((n for s in self.stops for n in range(min(len(s) - 1, len(self.pending)), 0, -1)
                    if s.startswith(self.pending[-n:])), default=0)
        out, self.pending = self.pending[:len(self.pending) - keep], self.pending[len(self.pending) - keep:]
        return out

    def flush(self) -> str:
        out, self.pending = ("" if self.hit else self.pending), ""
        return out


def create_app(engine, *, api_key: str | None = None, gate: EngineGate | None = None) -> FastAPI:
    """The API over ``engine`` (an ``Engine``; completions and embeddings need the llama.cpp one)."""
    gate = gate or EngineGate()
    app = FastAPI(title="AIGC Desktop local API", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.gate = gate

    async def authorise(request: Request) -> None:
        if not api_key:
            return
        header = request.headers.get("authorization", "")
        given = header[7:].strip() if header.lower().startswith("bearer ") else ""
        # Constant time, and digests of equal length so the key's length does not show either.
        if not hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(api_key.encode()).digest()):
            raise ApiError(401, "Missing or wrong API key (send Authorization: Bearer <key>).",
                           "authentication_error", "invalid_api_key")

    @app.exception_handler(ApiError)
    async def _api_error(_request, exc: ApiError):
        return JSONResponse(error_body(exc.message, exc.kind, exc.code), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return JSONResponse(error_body(f"Invalid request: {where}: {first.get('msg', 'bad value')}"), status_code=400)

    def loaded_model():
        model = getattr(engine, "model", None)
        if model is None:
            raise ApiError(503, "No model is loaded in AIGC Desktop.", "server_error", "model_not_loaded")
        return model

    def sampling_of(body, default_max: int, model) -> SamplingParams:
        if body.n != 1:
            raise ApiError(400, "This server returns one choice per request (n must be 1).")
        if body.tools:
            raise ApiError(400, "This server does not call tools.")
        if len(body.stops) > MAX_STOPS:
            raise ApiError(400, f"Send at most {MAX_STOPS} stop strings.")
        values = body.sampling_values(default_max)
        values["max_tokens"] = max(1, min(values["max_tokens"], model.n_ctx))  # no reply outgrows the context
        try:
            return SamplingParams.from_dict(values)
        except UserError as exc:
            raise ApiError(400, str(exc)) from exc

    @app.get("/v1/models", dependencies=[Depends(authorise)])
    async def models():
        model = getattr(engine, "model", None)
        data = [] if model is None else [{
            "id": model.name, "object": "model", "created": 0, "owned_by": "aigc-desktop",
            "context_length": model.n_ctx,
        }]
        return {"object": "list", "data": data}

    @app.post("/v1/chat/completions", dependencies=[Depends(authorise)])
    async def chat_completions(body: ChatRequest):
        model = loaded_model()
        sampling = sampling_of(body, DEFAULT_CHAT_MAX, model)
        fetched = [url for m in body.messages for url in m.image_urls() if not url.startswith("data:")]
        if fetched:
            raise ApiError(400, f"Images given by URL are not fetched ({fetched[0][:100]}); send the image inline "
                                "as a data: URL.", code="image_url_not_allowed")
        messages = [{"role": m.role, "content": m.text()} for m in body.messages]
        if not messages:
            raise ApiError(400, "messages is empty.")

        def produce(emit, cancel):
            _relay(engine.stream_chat(messages, sampling, cancel, cache_key="serve"), body.stops, cancel, emit)

        return await _respond(gate, produce, body, model.name, "chat.completion")

    @app.post("/v1/completions", dependencies=[Depends(authorise)])
    async def completions(body: CompletionRequest):
        model = loaded_model()
        sampling = sampling_of(body, DEFAULT_COMPLETION_MAX, model)
        prompts = [body.prompt] if isinstance(body.prompt, str) else body.prompt
        if len(prompts) != 1:
            raise ApiError(400, "Send one prompt per request.")

        def produce(emit, cancel):
            # Its own cache key: the context is handed over as for a chat turn, so the
            # window's conversation state is saved, not overwritten.
            _relay(engine.complete(prompts[0], sampling, cancel, cache_key="serve:completions"), body.stops,
                   cancel, emit)

        return await _respond(gate, produce, body, model.name, "text_completion")

    @app.post("/v1/embeddings", dependencies=[Depends(authorise)])
    async def embeddings(body: EmbeddingRequest):
        model = loaded_model()
        if not getattr(engine, "embeddings", False):
            raise ApiError(404, f"The loaded model ({model.name}) was loaded for chat, not for embeddings, so "
                                "/v1/embeddings is not available. Use a server running an embedding model.",
                           "invalid_request_error", "embeddings_not_available")
        inputs = [body.input] if isinstance(body.input, str) else body.input

        try:
            cancel = gate.new_cancel()  # counted in the queue like a generation
        except QueueFull as exc:
            raise queue_full(exc) from None
        try:
            vectors, tokens = await asyncio.wrap_future(gate.submit(engine.embed, inputs))
        finally:
            gate.release(cancel)
        return {"object": "list", "model": model.name,
                "data": [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)],
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}

    return app


def _relay(stream, stops, cancel, emit) -> None:
    """An engine's deltas out as ("text", …) items and one ("done", (finish, prompt, completion)),
    cut at the first of the request's ``stop`` strings (which then stops the engine too)."""
    stop = StopText(stops)
    for delta in stream:
        if delta.done:
            s = delta.stats
            finish = "stop" if stop.hit else {"cancelled": "stop"}.get(s.finish_reason, s.finish_reason)
            tail = stop.flush()
            if tail:
                emit(("text", tail))
            emit(("done", (finish, s.prompt_tokens, s.completion_tokens)))
            return
        text = stop.feed(delta.text)
        if text:
            emit(("text", text))
        if stop.hit:
            cancel.set()


async def _respond(gate: EngineGate, produce, body, model_name: str, kind: str):
    """Run ``produce(emit, cancel)`` on the engine thread; stream it as SSE or gather it into one body."""
    loop = asyncio.get_running_loop()
    items: asyncio.Queue = asyncio.Queue()
    try:
        cancel = gate.new_cancel()
    except QueueFull as exc:
        raise queue_full(exc) from None
    created = int(time.time())
    rid = ("chatcmpl-" if kind == "chat.completion" else "cmpl-") + uuid.uuid4().hex

    def emit(item) -> None:
        loop.call_soon_threadsafe(items.put_nowait, item)

    def job() -> None:
        try:
            if not cancel.is_set():
                produce(emit, cancel)
        except UserError as exc:
            emit(("error", ApiError(400, str(exc))))
        except Exception as exc:  # a bug: logged; the client gets a 500-style error
            log.exception("local API request failed")
            emit(("error", ApiError(500, f"The engine failed: {exc}", "server_error")))
        finally:
            emit(_END)
            gate.release(cancel)

    gate.submit(job)

    def chunk(text: str | None, finish: str | None) -> dict:
        if kind == "chat.completion":
            delta = {"content": text} if text is not None else {}
            return {"id": rid, "object": "chat.completion.chunk", "created": created, "model": model_name,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return {"id": rid, "object": "text_completion", "created": created, "model": model_name,
                "choices": [{"index": 0, "text": text or "", "finish_reason": finish}]}

    def usage(prompt: int, completion: int) -> dict:
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    if body.stream:
        async def events():
            try:
                if kind == "chat.completion":
                    first = chunk(None, None)
                    first["choices"][0]["delta"] = {"role": "assistant", "content": ""}
                    yield _sse(first)
                while (item := await items.get()) is not _END:
                    what, value = item
                    if what == "text":
                        yield _sse(chunk(value, None))
                    elif what == "done":
                        finish, prompt, completion = value
                        yield _sse(chunk(None, finish))
                        if body.include_usage:
                            yield _sse({**chunk(None, None), "choices": [], "usage": usage(prompt, completion)})
                    elif what == "error":
                        yield _sse(error_body(value.message, value.kind))
                yield "data: [DONE]\n\n"
            finally:
                cancel.set()  # the client went away (or we are done): the engine stops within a token

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    parts, finish, counts = [], "stop", (0, 0)
    try:
        while (item := await items.get()) is not _END:
            what, value = item
            if what == "text":
                parts.append(value)
            elif what == "done":
                finish, counts = value[0], value[1:]
            elif what == "error":
                raise value
    except asyncio.CancelledError:
        cancel.set()
        raise
    text = "".join(parts)
    if kind == "chat.completion":
        choice = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}
        obj = "chat.completion"
    else:
        choice = {"index": 0, "text": text, "finish_reason": finish, "logprobs": None}
        obj = "text_completion"
    return {"id": rid, "object": obj, "created": created, "model": model_name, "choices": [choice],
            "usage": usage(*counts)}


def _sse(obj: dict) -> str:
    return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n"

