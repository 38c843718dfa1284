"""The most minimal training loop in plain PyTorch: the yardstick `explain.training.trainer.Trainer` is measured by.

No schedule, no clipping, no guard, no callbacks: forward, cross-entropy,
backward, AdamW step, on batches prepared in advance; in float32, or with `--bf16` under
bf16 autocast (float32 master weights), the same mixed precision as the Trainer's. `python bench/reference_train.py
--preset tiny --steps 20` prints its tokens per second as JSON. Also holds the
machine's matmul FLOP/s measurement, so both loops are compared with the same ceiling.
"""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def train_reference(model: torch.nn.Module, batches: list, lr: float = 3e-3, bf16: bool = False) -> dict:
    """Train `model` on `batches` [(x (B, T), y (B, T)), ...] already on its device; time all but the first 2 steps.

    `bf16`: the forward pass under bf16 autocast (float32 weights and optimiser), as the Trainer's "bf16".
    """
    device = next(model.parameters()).device.type
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    losses, start = [], None
    for i, (x, y) in enumerate(batches):
        if i == 2:  # the first steps allocate and warm caches: not timed
            sync(device)
            start = time.perf_counter()
        with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=bf16):
            logits = model(input_ids=x).logits
        loss = F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), y.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    sync(device)
    seconds = time.perf_counter() - start
    tokens = sum(x.numel() for x, _ in batches[2:])
    return {"tokens_per_s": tokens / seconds, "seconds": seconds, "losses": losses}


def matmul_flops(
    device: str, size: int | None = None, repeats: int = 10, dtype=torch.float32, rounds: int = 3
) -> float:
    """Measured FLOP/s of a square matmul on `device` (2 n^3 per product): the ceiling for utilisation.

    Best of `rounds`, at a size big enough to reach the BLAS kernel's steady speed (a 1024 matmul
    on 2 CPU cores read as little as half of it, which made utilisation look above 100 %).
    """
    size = size or (8192 if device == "cuda" else 2048)
    a = torch.randn(size, size, device=device, dtype=dtype)
    b = torch.randn(size, size, device=device, dtype=dtype)
    for _ in range(2):
        a @ b
    best = 0.0
    for _ in range(rounds):
        sync(device)
        start = time.perf_counter()
        for _ in range(repeats):
            a @ b
        sync(device)
        best = max(best, 2 * size**3 * repeats / (time.perf_counter() - start))
    return best


if __name__ == "__main__":
    import argparse
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from explain.core.device import pick_device
    from explain.training import corpora, tiny_gpt
    from explain.training.trainer import get_batch, prepare_data

    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="tiny", choices=list(tiny_gpt.PRESETS))
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--bf16", action="store_true", help="forward pass under bf16 autocast")
    args = parser.parse_args()
    device = pick_device()
    data = prepare_data(corpora.load_corpus("pizza"))
    cfg = tiny_gpt.preset(args.preset)
    model = tiny_gpt.build_model(cfg, data.vocab_size).to(device)
    gen = torch.Generator().manual_seed(0)
    batches = [get_batch(data.train_ids, args.batch_size, cfg.block_size, gen) for _ in range(args.steps + 2)]
    batches = [(x.to(device), y.to(device)) for x, y in batches]
    result = train_reference(model, batches, bf16=args.bf16)
    print(json.dumps({"device": device, "bf16": args.bf16, "tokens_per_s": round(result["tokens_per_s"], 1)}))
