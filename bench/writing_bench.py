"""The writing studio on the real model: drafting 5 sections through ``DocumentService`` vs raw llama-cpp-python.

The app path is ``DocumentService.draft`` on ``LlamaEngine`` (chat template, SQLite
version checkpoints, the document's cache key). The raw path is a second ``Llama`` on
the same file answering the same 5 prompts (``service.prompt_for``) with
``Llama.generate`` on the same prompt tokens (the app's chat template applied once,
outside the timing), with the same seed, temperature, sampler and max_tokens. The two alternate section by section (app 1, raw 1, app 2, raw 2, …) so a
busy machine slows both alike; each keeps its own KV cache, so both reuse whatever
prefix the previous section's prompt shares with the next.

Reported: app ÷ raw decode speed (goal ≥ 0.95), and the app's section 5 ÷ section 1
time to first token (goal ≤ 1.0: the prompts share the document's prefix, so later
sections should not start slower). Each figure is the median over ``rounds`` documents.
"""

from __future__ import annotations

import time

from common import THREADS, fresh_home, median, model_path, report

TITLE = "AIGC：从入门到精通"
FIVE = ["基本概念", "技术实现", "优势与不足", "潜在问题", "未来发展"]
MAX_TOKENS = 128
SEED = 3
TEMPERATURE = 0.7


def _raw_section(raw, tokens: list[int], s) -> dict:
    """One raw generation on the app's own prompt tokens: time to first token, decode speed after it.

    ``Llama.generate`` counts tokens, as the app's stats do (counting streamed chat
    chunks would not: a Chinese character split over two tokens arrives as one chunk),
    and it reuses the prefix its KV cache shares with the prompt, as the app does.
    """
    import llama_cpp

    vocab = llama_cpp.llama_model_get_vocab(raw.model)
    raw.set_seed(s.seed)
    started = time.perf_counter()
    first = last = None
    count = 0
    for tok in raw.generate(tokens, top_k=s.top_k, top_p=s.top_p, min_p=s.min_p, temp=s.temperature,
                            repeat_penalty=s.repeat_penalty):
        if llama_cpp.llama_vocab_is_eog(vocab, tok):
            break
        now = time.perf_counter()
        first = first or now
        last = now
        count += 1
        if count >= s.max_tokens:
            break
    return {"time_to_first_token": (first - started) if first else None,
            "tokens_per_second": (count - 1) / (last - first) if count > 1 and last > first else None,
            "tokens": count}


def drafting(rounds: int = 2, max_tokens: int = MAX_TOKENS) -> None:
    from llama_cpp import Llama

    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.runtime import open_runtime
    from aigc_desktop.store.documents import DocumentStore
    from aigc_desktop.writing.service import DocumentService

    fresh_home()
    rt = open_runtime()
    rt.engine.load(model_path(), n_ctx=2048, n_threads=THREADS)
    raw = Llama(str(model_path()), n_ctx=2048, n_threads=THREADS, n_threads_batch=THREADS, seed=SEED, verbose=False)
    docs = DocumentStore(rt.db)
    service = DocumentService(docs, rt.engine)
    s = SamplingParams(max_tokens=max_tokens, temperature=TEMPERATURE, seed=SEED)
    # The first generation after a load pays one-off set-up, on both sides.
    warm = service.new("warm-up", "", ["a"])
    service.draft(warm.id, sampling=s.merged(max_tokens=8))
    _raw_section(raw, rt.engine.format_prompt([{"role": "user", "content": "Hello."}]), s.merged(max_tokens=8))

    app_rates, raw_rates, app_ttft, raw_ttft, ratios = [], [], {1: [], 5: []}, {1: [], 5: []}, []
    for _round in range(rounds):
        doc = service.new(TITLE, "面向初学者", FIVE)
        prompts = [service.prompt_for(doc, sec) for sec in doc.sections]
        for i, prompt in enumerate(prompts, start=1):
            sec = service.draft(doc.id, i, sampling=s)[0]
            app = docs.versions(sec.id)[-1].stats
            assert sec.prompt == prompt, "the app drafted another prompt than the raw side gets"
            base = _raw_section(raw, rt.engine.format_prompt([{"role": "user", "content": prompt}]), s)
            app_rates.append(app["tokens_per_second"])
            raw_rates.append(base["tokens_per_second"])
            if i in (1, 5):
                app_ttft[i].append(app["time_to_first_token"])
                raw_ttft[i].append(base["time_to_first_token"])
        ratios.append(app_ttft[5][-1] / app_ttft[1][-1])
    app_rates = [x for x in app_rates if x]
    raw_rates = [x for x in raw_rates if x]
    report("writing_tokens_per_s_app", median(app_rates), "tok/s", "info")
    report("writing_tokens_per_s_raw", median(raw_rates), "tok/s", "info")
    report("writing_decode_ratio_app_over_raw", median(app_rates) / median(raw_rates), "x", ">= 0.95")
    report("writing_ttft_section1_app", median(app_ttft[1]), "s", "info")
    report("writing_ttft_section5_app", median(app_ttft[5]), "s", "info")
    report("writing_ttft_section1_raw", median(raw_ttft[1]), "s", "info")
    report("writing_ttft_section5_raw", median(raw_ttft[5]), "s", "info")
    report("writing_ttft_section5_over_section1_app", median(ratios), "x", "<= 1.0")
    raw.close()
    rt.close()


if __name__ == "__main__":
    import sys

    # writing_bench.py [ROUNDS [MAX_TOKENS]]: fewer, shorter rounds on a slow or busy machine.
    drafting(*(int(a) for a in sys.argv[1:3]))
