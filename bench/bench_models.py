"""Load time, memory and forward latency of the default models.

Cold and warm loads run in fresh processes (an in-process reload would hit
Python's caches and flatter us): cold with an empty cache folder, so the GGUF
is converted; warm with the cache that run left behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from bench import median_ms
from explain.core import registry
from explain.core.analysis import analyze
from explain.core.loading import load_model

_LOAD_SCRIPT = """
import json, resource, time
t = time.perf_counter()
from explain.core.loading import import_libraries, load_model
imports = import_libraries()  # what the app does in the background at start (transformers imports lazily)
lm = load_model({name!r})
print(json.dumps({{"seconds": time.perf_counter() - t, "model_seconds": lm.load_seconds, "import_seconds": imports,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

LENGTHS = (16, 64, 256)


def _load_in_fresh_process(name: str, cache: str) -> dict:
    env = dict(os.environ, LLM_EXPLAINER_CACHE=cache, HF_HUB_OFFLINE="1")
    out = subprocess.run(
        [sys.executable, "-c", _LOAD_SCRIPT.format(name=name)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    return {k: round(v, 2) for k, v in figures.items()}


def _text_of_length(lm, n_tokens: int) -> str:
    """A natural English text cut to exactly `n_tokens` tokens of `lm`'s tokenizer."""
    base = (
        "The quick brown fox jumps over the lazy dog while the students watch the model "
        "predict one token after another, layer by layer, head by head. "
    ) * 40
    ids = lm.tokenizer(base, add_special_tokens=False)["input_ids"][:n_tokens]
    return lm.tokenizer.decode(ids)


def _latencies(name: str, repeats: int) -> dict:
    lm = load_model(name)
    result = {"device": lm.device, "dtype": lm.dtype_name}
    for n in LENGTHS:
        text = _text_of_length(lm, n)
        lm.results = type(lm.results)(1)

        def once(text=text):
            lm.results = type(lm.results)(1)  # defeat the analysis cache: time the forward pass
            analyze(lm, text)

        result[f"analysis_ms_{n}_tokens"] = median_ms(once, repeats)
    return result


def run(quick: bool) -> dict:
    repeats = 3 if quick else 9
    out = {}
    for name in (registry.DEFAULT_CAUSAL_LM, registry.DEFAULT_ENCODER):
        with tempfile.TemporaryDirectory() as cache:
            cold = _load_in_fresh_process(name, cache)
            warm = _load_in_fresh_process(name, cache)
        out[name] = {
            "cold_load_s": cold["seconds"],
            "warm_load_s": warm["seconds"],
            "warm_model_load_s": warm["model_seconds"],  # load_model alone, its libraries already imported
            "warm_import_s": warm["import_seconds"],  # importing them, once per process (the app does it at start)
            "peak_rss_mb": max(cold["peak_rss_mb"], warm["peak_rss_mb"]),
            **_latencies(name, repeats),
        }
    return out
