"""Fine-tuning and RAG speed on the current device.

LoRA: seconds per step and training tokens per second on pizza dialogues (batch 4), in float32
and bfloat16 frozen weights (the adapters are float32 in both). RAG: end-to-end latency of one
question split into retrieve (embed the question, search the index) and generate (SmolLM2's
greedy answer of up to 60 tokens). `quick` means fewer steps and one question, same code.
"""

from __future__ import annotations

import time

from explain.core.chat import greedy_reply
from explain.core.loading import load_model
from explain.finetune import data as ft_data
from explain.finetune import lora as ft
from explain.finetune import rag


def _lora(dtype: str, steps: int) -> dict:
    train, _ = ft_data.split_dialogues(ft_data.read_dialogues())
    tuner = ft.LoraFinetuner.create(ft.FinetuneConfig(steps=steps + 1, dtype=dtype), train)
    tuner.step()  # warm-up: the first step allocates
    records = [tuner.step() for _ in range(steps)]
    seconds = sum(r.seconds for r in records)
    return {
        "device": tuner.lm.device,
        "seconds_per_step": round(seconds / steps, 3),
        "tokens_per_s": round(sum(r.tokens for r in records) / seconds, 1),
        "loss_first_last": [round(tuner.history[0].loss, 3), round(records[-1].loss, 3)],
    }


def _rag(questions: int) -> dict:
    encoder = load_model("minilm-l6")
    lm = load_model("smollm2-135m")
    start = time.perf_counter()
    index = rag.build_index(encoder, rag.builtin_documents())
    build = time.perf_counter() - start
    retrieve, generate = [], []
    for q in rag.seeded_questions()[:questions]:
        t0 = time.perf_counter()
        hits = rag.retrieve(encoder, index, q["question"], 3)
        t1 = time.perf_counter()
        greedy_reply(lm, rag.build_messages(q["question"], hits), 60)
        retrieve.append(t1 - t0)
        generate.append(time.perf_counter() - t1)
    return {
        "dtype": lm.dtype_name,
        "chunks": len(index.items),
        "index_build_s": round(build, 3),
        "retrieve_ms": round(1000 * sum(retrieve) / len(retrieve), 1),
        "generate_ms": round(1000 * sum(generate) / len(generate), 1),
        "questions": len(retrieve),
    }


def run(quick: bool) -> dict:
    steps = 2 if quick else 6
    return {
        "lora_float32": _lora("float32", steps),
        "lora_bfloat16": _lora("bfloat16", steps),
        "rag": _rag(1 if quick else 5),
    }
