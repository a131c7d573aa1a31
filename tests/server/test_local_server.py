"""The local OpenAI-compatible API over the real engine, driven by the official openai client."""

from __future__ import annotations

import pytest

from aigc_desktop.errors import UserError

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def served(real_engine):
    """The session's SmolLM2 engine served on a free loopback port with a key."""
    from aigc_desktop.server.local import LocalServer

    server = LocalServer(real_engine, port=0, api_key="serve-key-7781")
    url = server.start()
    yield server, url
    server.stop()
    assert not server.running


def _client(url, key="serve-key-7781"):
    import openai

    return openai.OpenAI(base_url=url, api_key=key, max_retries=0)


def test_the_openai_client_streams_a_chat_from_serve(served):
    """A streamed Chinese chat arrives in pieces with usage at the end and no U+FFFD."""
    server, url = served
    client = _client(url)
    pieces, usage = [], None
    for chunk in client.chat.completions.create(
            model="any", messages=[{"role": "user", "content": "用一句话介绍北京。"}], max_tokens=16, seed=2,
            stream=True, stream_options={"include_usage": True}):
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        if chunk.usage:
            usage = chunk.usage
    assert len(pieces) > 1 and "\ufffd" not in "".join(pieces)
    assert usage is not None and usage.completion_tokens >= 1 and usage.prompt_tokens > 5
    models = client.models.list().data
    assert models[0].id == server.engine.model.name


def test_plain_chat_completions_and_stop_strings(served):
    """A non-streamed reply is whole; a stop string cuts it before the string."""
    _server, url = served
    client = _client(url)
    reply = client.chat.completions.create(model="any", messages=[{"role": "user", "content": "Count: 1, 2, 3"}],
                                           max_tokens=12, seed=4, temperature=0)
    text = reply.choices[0].message.content
    assert text and reply.usage.completion_tokens >= 1
    cut = client.chat.completions.create(model="any", messages=[{"role": "user", "content": "Count: 1, 2, 3"}],
                                         max_tokens=12, seed=4, temperature=0, stop=[text[3:5]])
    assert text[3:5] not in cut.choices[0].message.content
    assert text.startswith(cut.choices[0].message.content)


def test_raw_completions_continue_the_prompt(served):
    """/v1/completions continues the text it was given."""
    _server, url = served
    reply = _client(url).completions.create(model="any", prompt="The capital of France is", max_tokens=6, seed=1)
    assert reply.choices[0].text and reply.usage.prompt_tokens >= 4


def test_raw_completions_cut_at_a_stop_string(served):
    """/v1/completions (the engine's own complete()) stops before a stop string, as chat does."""
    _server, url = served
    client = _client(url)
    text = client.completions.create(model="any", prompt="1, 2, 3, 4,", max_tokens=12, seed=4,
                                     temperature=0).choices[0].text
    assert len(text) >= 5, text
    cut = client.completions.create(model="any", prompt="1, 2, 3, 4,", max_tokens=12, seed=4, temperature=0,
                                    stop=[text[3:5]])
    assert text.startswith(cut.choices[0].text) and text[3:5] not in cut.choices[0].text
    assert cut.choices[0].finish_reason == "stop"


def test_embeddings_are_a_clear_404_for_a_chat_model(served):
    """The app loads chat models without embeddings, so /v1/embeddings says so with a 404."""
    import openai

    _server, url = served
    with pytest.raises(openai.NotFoundError) as err:
        _client(url).embeddings.create(model="any", input="hello")
    assert "embeddings" in str(err.value)


def test_a_wrong_key_is_refused(served):
    """Without the server's key the API answers 401."""
    import openai

    _server, url = served
    with pytest.raises(openai.AuthenticationError):
        _client(url, "wrong").models.list()


def test_a_non_loopback_bind_without_a_key_is_refused(real_engine):
    """0.0.0.0 without a key is refused before any socket is opened; the CLI says so in one line."""
    from aigc_desktop.server.local import LocalServer

    with pytest.raises(UserError, match="API key"):
        LocalServer(real_engine, host="0.0.0.0", port=0).start()


def test_serve_cli_refuses_a_public_bind_without_a_key(capsys):
    """`serve --host 0.0.0.0` without --api-key-stdin: exit 1 with one line, before loading a model."""
    from aigc_desktop.cli import main

    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "API key" in err


def test_the_remote_engine_reads_serve(served, store):
    """The app's own RemoteEngine talks to `serve` and learns the context length it reports."""
    from aigc_desktop.llm.protocol import collect
    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.remote import RemoteEngine

    server, url = served
    engine = RemoteEngine(ProviderStore().add("self", url, kind="llama.cpp"), "serve-key-7781")
    model = engine.load(server.engine.model.name)
    assert model.n_ctx == server.engine.model.n_ctx and model.metadata["context_from"] == "server"
    text, stats = collect(engine.stream_chat([{"role": "user", "content": "Hi"}], SamplingParams(max_tokens=5)))
    assert text and stats.usage_from_server
    engine.close()


def test_a_foreign_host_gets_403_and_loopback_names_work(served):
    """DNS rebinding on the real model: Host attacker.example is refused; localhost:PORT is served."""
    import requests

    server, url = served
    auth = {"Authorization": "Bearer serve-key-7781"}
    chat = {"model": "any", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 3}
    r = requests.post(f"{url}/chat/completions", json=chat, timeout=30,
                      headers={**auth, "Host": f"attacker.example:{server.port}"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "host_not_allowed"
    local = f"http://localhost:{server.port}/v1"
    assert requests.post(f"{local}/chat/completions", json=chat, headers=auth, timeout=60).status_code == 200
    assert requests.get(f"{url}/models", headers=auth, timeout=10).status_code == 200


def test_a_burst_of_40_clients_gets_200_or_429_and_the_server_goes_on(served):
    """40 concurrent chats: each answered 200 or 429 (with Retry-After), none fails; then a chat works."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    server, url = served
    auth = {"Authorization": "Bearer serve-key-7781"}
    chat = {"model": "any", "messages": [{"role": "user", "content": "Say hi"}], "max_tokens": 4, "seed": 1}

    def one(_i):
        r = requests.post(f"{url}/chat/completions", json=chat, headers=auth, timeout=120)
        return r.status_code, r.headers.get("retry-after")

    with ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(one, range(40)))
    codes = [code for code, _retry in answers]
    print(f"burst of 40: {codes.count(200)} x 200, {codes.count(429)} x 429")
    assert set(codes) <= {200, 429} and codes.count(200) >= 1
    assert all(retry for code, retry in answers if code == 429)
    assert server.running
    reply = _client(url).chat.completions.create(model="any", messages=[{"role": "user", "content": "Hi"}],
                                                 max_tokens=3)
    assert reply.choices[0].message.content
