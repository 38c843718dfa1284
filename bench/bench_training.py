"""Training speed of each tiny-GPT preset: our Trainer beside the minimal plain-PyTorch loop in bench/.

For each preset, the same initial weights and the same batches are trained by
`explain.training.trainer.Trainer` (schedule, clipping, NaN guard, callbacks; no
evaluation or samples during the timed steps) and by `bench/reference_train.py`
(forward, loss, backward, AdamW, nothing else). Reported: tokens per second,
model FLOPs utilisation (achieved FLOP/s over this machine's matmul FLOP/s,
measured in the same run) and their ratio (ours / reference; >= 1 means ours is
not slower). Runs alternate, and each loop's best of two is kept, so a noisy
neighbour does not decide the ratio.
"""

from __future__ import annotations

import copy
import importlib.util
import time

import torch

from explain.core.device import pick_device
from explain.core.paths import PROJECT_ROOT
from explain.training import corpora, tiny_gpt
from explain.training.trainer import TrainConfig, Trainer, get_batch, prepare_data

BATCH = 32


def _reference_module():
    spec = importlib.util.spec_from_file_location("reference_train", PROJECT_ROOT / "bench" / "reference_train.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ours(model, data, steps: int, device: str, sync) -> float:
    """Tokens per second of Trainer.step over `steps` steps after 2 untimed ones."""
    config = TrainConfig(max_steps=steps + 10, batch_size=BATCH, eval_every=10**6, sample_every=0, snapshot_every=0,
                         seed=0, device=device)  # fmt: skip
    trainer = Trainer(model, data, config)
    trainer.step(), trainer.step()  # untimed warm-up (the first also evaluates once)
    sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        trainer.step()
    sync(device)
    return steps * BATCH * trainer.block_size / (time.perf_counter() - start)


def _preset(name: str, steps: int, data, device: str, ref, peak: float) -> dict:
    cfg = tiny_gpt.preset(name)
    base = tiny_gpt.build_model(cfg, data.vocab_size, seed=0).to(device)
    gen = torch.Generator().manual_seed(0)  # the same draws as the Trainer's batch generator (seed 0)
    batches = [get_batch(data.train_ids, BATCH, cfg.block_size, gen) for _ in range(steps + 2)]
    batches = [(x.to(device), y.to(device)) for x, y in batches]
    ours, reference = [], []
    for _ in range(2):
        reference.append(ref.train_reference(copy.deepcopy(base), batches)["tokens_per_s"])
        ours.append(_ours(copy.deepcopy(base), data, steps, device, ref.sync))
    params = tiny_gpt.count_parameters(base)
    flops = tiny_gpt.flops_per_token(cfg, params, data.vocab_size, cfg.block_size)
    best_ours, best_ref = max(ours), max(reference)
    return {
        "params": params,
        "batch": [BATCH, cfg.block_size],
        "ours_tokens_per_s": round(best_ours, 1),
        "reference_tokens_per_s": round(best_ref, 1),
        "ours_mfu": round(best_ours * flops / peak, 4),
        "reference_mfu": round(best_ref * flops / peak, 4),
        "ratio_ours_over_reference": round(best_ours / best_ref, 3),
    }


def run(quick: bool) -> dict:
    device = pick_device()
    ref = _reference_module()
    peak = ref.matmul_flops(device)
    data = prepare_data(corpora.load_corpus("pizza"))
    steps = 4 if quick else 30
    out = {"device": device, "threads": torch.get_num_threads(), "matmul_gflops_fp32": round(peak / 1e9, 1),
           "timed_steps": steps}  # fmt: skip
    for name in tiny_gpt.PRESETS:
        out[name] = _preset(name, steps, data, device, ref, peak)
    return out
