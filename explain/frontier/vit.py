"""A tiny vision transformer trained live on 8 x 8 digits: patches in, attention over patches, a digit out.

transformers' own `ViTForImageClassification` with a tiny config: the 8 x 8 picture becomes 16
patches of 2 x 2 pixels, each projected to a 64-number vector (its patch embedding, a linear map,
see `patches.project`), a [CLS] vector is put in front, two attention layers mix the 17 vectors,
and the [CLS] vector's final state picks the digit. About 70 k parameters; seeded, so the same
settings train the same model. Leaves out data augmentation, larger pictures and the text side of
image+text models (the page says how LLaVA joins the two sequences).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from explain.core.job_board import Board
from explain.frontier.patches import DIGIT_SIDE, digits

CHUNK_STEPS = 25  # gradient steps per piece of background work (one progress update)


@dataclass
class VitConfig:
    steps: int = 400  # gradient steps; about 5-15 s on 2 CPU cores
    seed: int = 0  # model initialisation, split and batches
    patch: int = 2  # patch side in pixels: 8 x 8 / (2 x 2) = 16 patches
    width: int = 64  # numbers per patch vector (hidden size)
    layers: int = 2  # attention layers
    heads: int = 4  # attention heads per layer
    batch: int = 64  # pictures per step
    lr: float = 4e-3  # peak learning rate (one-cycle schedule)
    heldout: float = 0.2  # share of the 1,797 digits never trained on

    @property
    def patches(self) -> int:
        return (DIGIT_SIDE // self.patch) ** 2


def build(cfg: VitConfig):
    """A fresh ViTForImageClassification for 8 x 8 one-channel pictures, eager attention (weights come back)."""
    from transformers import ViTConfig, ViTForImageClassification

    torch.manual_seed(cfg.seed)
    config = ViTConfig(
        image_size=DIGIT_SIDE, patch_size=cfg.patch, num_channels=1, hidden_size=cfg.width,
        num_hidden_layers=cfg.layers, num_attention_heads=cfg.heads, intermediate_size=2 * cfg.width,
        num_labels=10, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, attn_implementation="eager",
    )  # fmt: skip
    return ViTForImageClassification(config)


def split(cfg: VitConfig) -> tuple[np.ndarray, np.ndarray]:
    """(train indices, held-out indices) of the digits, a seeded shuffle."""
    order = np.random.default_rng(cfg.seed).permutation(len(digits()[1]))
    cut = int(len(order) * cfg.heldout)
    return order[cut:], order[:cut]


def pixels(images: np.ndarray) -> torch.Tensor:
    """(N, 8, 8) -> (N, 1, 8, 8): the model's pixel_values."""
    return torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32)).unsqueeze(1)


def accuracy(model, idx: np.ndarray) -> float:
    images, labels = digits()
    model.eval()
    with torch.inference_mode():
        guess = model(pixel_values=pixels(images[idx])).logits.argmax(-1).numpy()
    model.train()
    return float((guess == labels[idx]).mean())


def train_work(cfg: VitConfig, board: Board) -> Iterator[None]:
    """Training as background work, CHUNK_STEPS steps a piece; "curve" gets (step, loss, held-out accuracy),
    and "model" and "result" are set at the end."""
    images, labels = digits()
    train, held = split(cfg)
    model = build(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.steps, pct_start=0.1)
    rng, start, step = np.random.default_rng(cfg.seed), time.perf_counter(), 0
    board.set(total=cfg.steps, step=0, phase="vision")
    while step < cfg.steps:
        torch.set_num_threads(1)  # 70 k parameters: one thread is as fast, and never fights others for the cores
        for _ in range(min(CHUNK_STEPS, cfg.steps - step)):
            batch = rng.choice(train, cfg.batch)
            loss = model(pixel_values=pixels(images[batch]), labels=torch.from_numpy(labels[batch])).loss
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
        board.append("curve", (step, float(loss.detach()), accuracy(model, held)))
        board.set(step=step)
        yield
    model.eval()
    result = {
        "patches": cfg.patches,
        "patch_size": cfg.patch,
        "params": sum(p.numel() for p in model.parameters()),
        "heldout_accuracy": round(accuracy(model, held), 4),
        "heldout": len(held),
        "seconds": round(time.perf_counter() - start, 2),
    }
    board.set(model=model.eval(), result=result)


def train(cfg: VitConfig) -> tuple[object, dict]:
    """(trained model, result) at once (the CLI and tests)."""
    board = Board()
    for _ in train_work(cfg, board):
        pass
    return board.get("model"), board.get("result")


def patch_vectors(model, image: np.ndarray) -> np.ndarray:
    """(patches, width): each patch of `image` (8, 8) flattened and projected with the model's own patch
    embedding, written as the matrix product it is (the model stores it as a convolution)."""
    from explain.frontier.patches import project, to_patches

    conv = model.vit.embeddings.patch_embeddings.projection  # Conv2d(1, width, kernel=stride=patch)
    weight = conv.weight.detach().reshape(conv.out_channels, -1).numpy()  # (width, P * P * C)
    return project(to_patches(image, conv.kernel_size[0]), weight, conv.bias.detach().numpy())


def look(model, image: np.ndarray) -> dict:
    """The model on one picture: probabilities per digit, and each layer's attention (heads, 1 + P, 1 + P)."""
    with torch.inference_mode():
        out = model(pixel_values=pixels(image[None]), output_attentions=True)
    return {
        "probs": torch.softmax(out.logits[0].float(), -1).numpy(),
        "attentions": [a[0].numpy() for a in out.attentions],
    }


def cls_attention(attentions: list[np.ndarray], layer: int = -1) -> np.ndarray:
    """How much [CLS] attends to each patch in `layer`, averaged over heads, as the patch grid (side, side)."""
    row = attentions[layer].mean(0)[0, 1:]  # [CLS]'s row, patches only
    side = int(round(len(row) ** 0.5))
    return row.reshape(side, side)
