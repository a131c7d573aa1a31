"""RemoteEngine against a real llama_cpp.server on loopback: models, chat, store, Stop, cuts, keys."""

from __future__ import annotations

import threading
import time

import pytest

from aigc_desktop.llm.protocol import collect
from aigc_desktop.llm.sampling import SamplingParams
from tests.llama_server import MODEL_ALIAS

pytestmark = pytest.mark.real


def _provider(server, name="lab"):
    from aigc_desktop.providers.config import ProviderStore

    return ProviderStore().add(name, server.base_url, kind="llama.cpp", context_length=4096)


def _service(store):
    from aigc_desktop.chat.service import ChatService
    from aigc_desktop.providers.router import EngineRouter

    router = EngineRouter(local=None)
    return ChatService(store, None, router=router), router


def test_models_are_listed_and_a_chat_streams(llama_server):
    """GET /v1/models names the served model; a Chinese prompt streams text and stats with client TTFT."""
    from aigc_desktop.providers.remote import RemoteEngine

    engine = RemoteEngine(_provider(llama_server))
    assert [m["id"] for m in engine.list_models()] == [MODEL_ALIAS]
    model = engine.load(MODEL_ALIAS)
    assert model.name == f"lab/{MODEL_ALIAS}" and model.n_ctx == 4096  # the setting: this server reports none
    text, stats = collect(engine.stream_chat([{"role": "user", "content": "你好，请介绍一下你自己。"}],
                                             SamplingParams(max_tokens=12, seed=7)))
    assert text and "\ufffd" not in text
    assert stats.finish_reason in ("stop", "length") and stats.completion_tokens >= 1
    assert stats.time_to_first_token is not None and stats.time_to_first_token > 0
    assert stats.to_dict()["unsupported_sampling"] == []  # llama.cpp takes top_k, min_p, repeat_penalty
    engine.close()


def test_sampling_a_server_does_not_take_is_reported(llama_server):
    """Against a 'custom' server top_k, min_p and repeat_penalty are not sent, and the stats say so."""
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.remote import RemoteEngine

    engine = RemoteEngine(ProviderStore().add("plain", llama_server.base_url, kind="custom"))
    engine.load(MODEL_ALIAS)
    _text, stats = collect(engine.stream_chat([{"role": "user", "content": "Hi"}], SamplingParams(max_tokens=3)))
    assert stats.to_dict()["unsupported_sampling"] == ["top_k", "min_p", "repeat_penalty"]
    engine.close()


def test_a_remote_chat_is_saved_searched_and_exported(llama_server, store, tmp_path):
    """ChatService over provider/model: the reply records lab/smollm2, is found by search and exported."""
    from aigc_desktop.export.files import export_one
    from aigc_desktop.store.search import search

    _provider(llama_server)
    service, router = _service(store)
    conv = service.new_conversation(model=f"lab/{MODEL_ALIAS}")
    result = service.send(conv.id, "Name three colours of the rainbow, zebrafinch.",
                          sampling=SamplingParams(max_tokens=16, seed=1))
    assert result.error is None, result.error
    assert result.reply.status == "done" and result.reply.content
    assert result.reply.model == f"lab/{MODEL_ALIAS}"
    assert result.reply.stats["provider"] == "lab"
    hits = search(store.db, "zebrafinch")
    assert any(h.conversation_id == conv.id for h in hits)
    out = tmp_path / "chat.md"
    export_one(store, conv.id, out, "md")
    assert result.reply.content.strip()[:20] in out.read_text()
    router.close()


def test_stop_ends_the_stream_within_100_ms(llama_server):
    """Stop pressed while the server is busy returns from the stream within 100 ms."""
    from aigc_desktop.providers.remote import RemoteEngine

    engine = RemoteEngine(_provider(llama_server))
    engine.load(MODEL_ALIAS)
    cancel = threading.Event()
    stream = engine.stream_chat([{"role": "user", "content": "Write a very long story about the sea."}],
                                SamplingParams(max_tokens=2000), cancel)
    first = next(stream)
    assert first.text
    pressed = time.perf_counter()
    cancel.set()
    rest = list(stream)
    latency = time.perf_counter() - pressed
    assert rest[-1].done and rest[-1].stats.finish_reason == "cancelled"
    assert latency < 0.1, f"Stop took {latency * 1000:.0f} ms"
    engine.close()


def test_a_server_killed_mid_reply_keeps_the_partial_text(disposable_llama_server, store):
    """SIGKILL after a few tokens: the reply keeps them, status error, and the reason is one clear line."""
    _provider(disposable_llama_server, "doomed")
    service, router = _service(store)
    conv = service.new_conversation(model=f"doomed/{MODEL_ALIAS}")
    got = []

    def on_delta(text):
        got.append(text)
        if len(got) == 3:
            disposable_llama_server.kill()

    result = service.send(conv.id, "Write a long story about a lighthouse.", on_delta=on_delta,
                          sampling=SamplingParams(max_tokens=500))
    assert result.reply.status == "error"
    assert result.reply.content == "".join(got) and len(got) >= 3
    assert store.get_message(result.reply.id).content == "".join(got)
    assert "doomed" in result.error and "\n" not in result.error
    assert "cut" in result.error or "refused" in result.error, result.error
    router.close()


def test_a_wrong_key_gives_a_clear_401_line(llama_server_keyed):
    """A server started with --api_key refuses a wrong key with a line naming the provider and HTTP 401."""
    from aigc_desktop.providers.errors import ProviderError
    from aigc_desktop.providers.remote import RemoteEngine

    engine = RemoteEngine(_provider(llama_server_keyed, "keyed"), "wrong-key-000")
    with pytest.raises(ProviderError) as err:
        engine.list_models()
    assert err.value.kind == "auth" and "HTTP 401" in str(err.value) and "keyed" in str(err.value)
    ok = RemoteEngine(_provider(llama_server_keyed, "keyed2"), llama_server_keyed.api_key)
    assert ok.list_models()[0]["id"] == MODEL_ALIAS


def test_a_refused_connection_is_one_line(store):
    """Nothing listening: loading the model says the server refused the connection."""
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.errors import ProviderError
    from aigc_desktop.providers.remote import RemoteEngine
    from tests.llama_server import free_port

    engine = RemoteEngine(ProviderStore().add("gone", f"http://127.0.0.1:{free_port()}/v1"))
    with pytest.raises(ProviderError) as err:
        engine.load("x")
    assert err.value.kind == "refused" and "gone" in str(err.value)


def test_raw_continuation_streams_from_the_completions_endpoint(llama_server):
    """complete() carries raw text on through /v1/completions: text, stats, no U+FFFD."""
    from aigc_desktop.providers.remote import RemoteEngine

    engine = RemoteEngine(_provider(llama_server))
    engine.load(MODEL_ALIAS)
    text, stats = collect(engine.complete("Once upon a time, in a small village by the sea,",
                                          SamplingParams(max_tokens=8, seed=3)))
    assert text.strip() and "\ufffd" not in text
    assert stats.finish_reason in ("stop", "length") and 1 <= stats.completion_tokens <= 8
    assert stats.model == f"lab/{MODEL_ALIAS}" and stats.provider == "lab" and stats.time_to_first_token > 0
    engine.close()


def test_stop_ends_a_raw_continuation(llama_server):
    """Stop during complete() ends the stream with finish_reason "cancelled", as for a chat reply."""
    from aigc_desktop.providers.remote import RemoteEngine

    engine = RemoteEngine(_provider(llama_server))
    engine.load(MODEL_ALIAS)
    cancel = threading.Event()
    stream = engine.complete("The history of the lighthouse begins", SamplingParams(max_tokens=2000), cancel)
    assert next(stream).text
    cancel.set()
    assert list(stream)[-1].stats.finish_reason == "cancelled"
    engine.close()


def test_a_continuation_by_a_provider_is_stored_as_a_version(llama_server, store):
    """The writing studio's 续写 runs through a provider's model too (no "local model only" refusal)."""
    from aigc_desktop.providers.remote import RemoteEngine
    from aigc_desktop.store.documents import DocumentStore
    from aigc_desktop.writing.service import DocumentService

    engine = RemoteEngine(_provider(llama_server))
    engine.load(MODEL_ALIAS)
    docs = DocumentStore(store.db)
    doc = docs.create("Lighthouses", outline=["History"])
    docs.add_version(doc.sections[0].id, "The first lighthouse was built", status="done")
    sec = DocumentService(docs, engine).continue_section(doc.id, 1, max_tokens=6, sampling=SamplingParams(seed=2))
    assert sec.status == "done" and sec.text.startswith("The first lighthouse was built")
    assert len(sec.text) > len("The first lighthouse was built") and sec.version_count == 2
    engine.close()


def test_a_continuation_from_a_server_that_went_away_is_one_line(disposable_llama_server):
    """The server stopped after the model was chosen: complete() raises the same one-line error as chat."""
    from aigc_desktop.providers.errors import ProviderError
    from aigc_desktop.providers.remote import RemoteEngine

    engine = RemoteEngine(_provider(disposable_llama_server, "gone2"))
    engine.load(MODEL_ALIAS)
    disposable_llama_server.kill()
    with pytest.raises(ProviderError) as err:
        list(engine.complete("Hello", SamplingParams(max_tokens=4)))
    assert err.value.kind == "refused" and "gone2" in str(err.value) and "\n" not in str(err.value)
    engine.close()
