"""Concurrent generation: several sessions streaming at once, their decode steps batched or each alone.

Ten threads (four with `quick`) each stream a greedy continuation of its own prompt, all started
together, as a class pressing "generate" at the same moment. Measured twice: with the decode
batcher (`core/decode_batching.py`: steps queued while a pass runs share the next one) and with it
forced to one step per pass (`max_batch = 1`, the behaviour before it). Reports wall seconds,
tokens per second over all sessions, the batcher's passes and steps, and the machine's load. Leaves out sampling
(greedy keeps the two runs' tokens identical) and the Streamlit side (see `bench/loadtest.py`).
"""

from __future__ import annotations

import threading
import time

from bench import load_average
from explain.core import registry
from explain.core.generation import stream
from explain.core.loading import load_model
from explain.core.sampling import SamplingConfig

GREEDY = SamplingConfig(temperature=0)
TOPICS = ["rivers", "volcanoes", "bees", "the moon", "bread", "chess", "rain", "trains", "maps", "music"]


def prompts(sessions: int) -> list[str]:
    """Distinct questions of different lengths, one per session."""
    return [f"Tell me one fact about {TOPICS[i % len(TOPICS)]}." + " Please." * (i % 4) for i in range(sessions)]


def _concurrent(lm, texts: list[str], tokens: int) -> dict:
    """Stream every text at once; wall seconds, tokens made, passes the decoder ran."""
    made = [0] * len(texts)
    passes, steps = lm.decoder.passes, lm.decoder.steps

    def worker(i: int) -> None:
        ids = lm.tokenizer(texts[i])["input_ids"]
        made[i] = sum(1 for _ in stream(lm, ids, GREEDY, tokens, stop_ids=set()))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(texts))]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    return {
        "wall_seconds": round(seconds, 2),
        "tokens_per_s": round(sum(made) / seconds, 1),
        "batcher_passes": lm.decoder.passes - passes,  # 0 when forced alone: every step is its own pass
        "batcher_steps": lm.decoder.steps - steps,
    }


def run(quick: bool) -> dict:
    lm = load_model(registry.DEFAULT_CAUSAL_LM)
    sessions, tokens = (4, 8) if quick else (10, 20)
    texts = prompts(sessions)
    out = {"model": lm.name, "dtype": lm.dtype_name, "sessions": sessions, "tokens_each": tokens}
    _concurrent(lm, texts[:2], 2)  # warm-up
    default = lm.decoder.max_batch
    for label, max_batch in (("unbatched", 1), ("batched", default)):
        lm.decoder.max_batch = max_batch
        try:
            out[label] = {"loadavg_before": load_average(), **_concurrent(lm, texts, tokens)}
        finally:
            lm.decoder.max_batch = default
    out["speedup"] = round(out["unbatched"]["wall_seconds"] / out["batched"]["wall_seconds"], 2)
    return out
