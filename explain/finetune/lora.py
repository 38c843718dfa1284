"""Fine-tuning SmolLM2 with LoRA on a small chat dataset (the pizza shop), one step at a time.

LoRA (Hu et al., 2021) freezes every pretrained weight W and learns a low-rank change
B @ A beside some of them (here the attention's query and value projections), so the layer
computes W x + (alpha / r) B A x. With r = 8 that is 0.46 M trainable numbers against 134.5 M
frozen ones. B starts at zero, so step 0 is exactly the base model; `disable_adapter()` gives the
base model back at any time, which is how the page compares answers before and after on one copy.

The loss is next-token cross-entropy on the assistant's tokens only: the user's words and the
template are context, not something to learn to say. The model is loaded fresh here (never the
shared, read-only copy the other pages use). Leaves out the dialogues and their labels (see
`finetune/data.py`), adapter folders (see `finetune/adapters.py`), the background job (see
`finetune/lora_work.py`), merging the adapter into the weights, and full fine-tuning.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch

from explain.core import registry
from explain.core.cache import LRU
from explain.core.callbacks import Callbacks
from explain.core.chat import greedy_reply
from explain.core.device import cpu_has_native_bf16, pick_device
from explain.core.limits import LORA_MAX_STEPS
from explain.core.loading import LoadedModel, load_model
from explain.finetune import adapters
from explain.finetune.data import encode_dialogue, make_batch

EVENTS = ("on_step", "on_stop")


@dataclass
class FinetuneConfig:
    steps: int = 30  # gradient steps, at most LORA_MAX_STEPS
    batch_size: int = 4  # dialogues per step
    learning_rate: float = 1e-3  # AdamW on the adapters only; high because the run is short
    rank: int = 8  # r: the inner size of each B @ A
    alpha: int = 16  # the change is scaled by alpha / r
    target_modules: tuple[str, ...] = ("q_proj", "v_proj")  # which linear layers get an adapter
    max_tokens: int = 160  # each dialogue is cut to this many tokens (template included)
    dtype: str = "auto"  # "float32", "bfloat16" or "auto" (see training_dtype)
    device: str = "auto"  # "cpu", "cuda", "mps" or "auto"
    seed: int = 0  # batch order


PRESETS = {
    "quick": FinetuneConfig(steps=60),  # about a minute on 2 quiet CPU cores in bf16 (0.75 s a step)
    "full": FinetuneConfig(steps=200, learning_rate=5e-4),  # about 9 passes over the 88 training dialogues
}


def training_dtype(device: str, requested: str = "auto") -> str:
    """The number format of the frozen weights while fine-tuning: bf16 on a GPU and on CPUs with
    native bf16 (AVX512-BF16/AMX), else float32.

    Measured on a quiet 2-core CPU with AMX: 0.74 s per step in bf16 against 1.22 s in float32
    (batch 4, `bench --only finetune`); under heavy CPU contention we saw the opposite, so the page
    lets one choose. The adapters themselves always stay float32 (peft casts them up), so AdamW's
    small updates are not rounded away.
    """
    if requested != "auto":
        return requested
    return "bfloat16" if device == "cuda" or (device == "cpu" and cpu_has_native_bf16()) else "float32"


def adapter_step(lm: LoadedModel, optimizer: torch.optim.Optimizer, loss_of: Callable, what: str = "loss") -> tuple:
    """One optimiser step on the trainable weights (the adapters) of `lm.model`, under the model's lock.

    `loss_of(model)` runs the forward pass in training mode and returns a tuple whose first item is the
    scalar loss. Then backward, the step, the gradients cleared, and the model back in eval mode. Returns
    (the loss as a float, loss_of's tuple); raises FloatingPointError when the loss is NaN or infinite.
    Used by LoRA fine-tuning (cross-entropy) and by DPO (`assistant/dpo.py`).
    """
    model = lm.model
    with lm.lock:
        model.train()
        try:
            out = loss_of(model)
            out[0].backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
        finally:
            model.eval()
    value = float(out[0].detach())
    if not math.isfinite(value):
        raise FloatingPointError(f"The {what} became NaN or infinite: lower the learning rate.")
    return value, out


# ---- the run ----------------------------------------------------------------------------------


@dataclass
class StepRecord:
    step: int  # 1-based step number
    loss: float  # mean cross-entropy over the batch's assistant tokens (nats)
    tokens: int  # tokens in the batch, padding excluded
    seconds: float  # wall time of this step
    elapsed: float  # wall time since the first step began
    eta_seconds: float  # time left at the recent pace

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class LoraFinetuner(Callbacks):
    """Owns a fresh copy of SmolLM2 wrapped with LoRA adapters, its optimiser and the data.

    `step()` does one AdamW step on a batch of training dialogues and returns a StepRecord;
    callbacks "on_step" and "on_stop" let a page listen without the loop knowing about it.
    """

    config: FinetuneConfig
    train: list[list[dict]]  # training dialogues
    lm: LoadedModel  # the model with adapters (model is a peft PeftModel)
    history: list[StepRecord] = field(default_factory=list)

    EVENTS = EVENTS

    @classmethod
    def create(cls, config: FinetuneConfig, train: list[list[dict]], model_name: str = "") -> LoraFinetuner:
        """Load SmolLM2 afresh in the training dtype and wrap it with new adapters."""
        from peft import LoraConfig, get_peft_model

        device = pick_device(None if config.device == "auto" else config.device)
        dtype = training_dtype(device, config.dtype)
        base = load_model(model_name or registry.DEFAULT_CAUSAL_LM, device=device, dtype=dtype)
        lora = LoraConfig(
            r=config.rank,
            lora_alpha=config.alpha,
            lora_dropout=0.0,
            target_modules=list(config.target_modules),
            task_type="CAUSAL_LM",
        )
        torch.manual_seed(config.seed)  # A's random init
        model = get_peft_model(base.model, lora)
        lm = dataclasses.replace(base, model=model, results=LRU(4))
        return cls(config, train, lm)

    def __post_init__(self) -> None:
        tok = self.lm.tokenizer
        self.examples = [encode_dialogue(tok, m, self.config.max_tokens) for m in self.train]
        self.pad_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        params = [p for p in self.lm.model.parameters() if p.requires_grad]
        lr = self.config.learning_rate  # no optimiser for reloaded (frozen) adapters: they only answer
        self.optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.0) if params else None
        self.generator = torch.Generator().manual_seed(self.config.seed)
        self.order: list[int] = []
        self.started = 0.0

    def parameter_counts(self) -> dict:
        """{"trainable": the adapters' numbers, "total": all numbers} of the wrapped model."""
        named = list(self.lm.model.named_parameters())
        adapters = sum(p.numel() for n, p in named if "lora_" in n)  # frozen too once reloaded
        return {"trainable": adapters, "total": sum(p.numel() for _, p in named)}

    def _next_batch(self) -> list[tuple[list[int], list[int]]]:
        picked = []
        while len(picked) < self.config.batch_size:
            if not self.order:  # a new shuffled pass over the data
                self.order = torch.randperm(len(self.examples), generator=self.generator).tolist()
            picked.append(self.examples[self.order.pop()])
        return picked

    def step(self) -> StepRecord:
        """One gradient step on the adapters; the frozen weights never change."""
        if not self.started:
            self.started = time.perf_counter()
        t0 = time.perf_counter()
        batch = {k: v.to(self.lm.device) for k, v in make_batch(self._next_batch(), self.pad_id).items()}
        value, _ = adapter_step(self.lm, self.optimizer, lambda model: (model(**batch).loss,))
        now = time.perf_counter()
        recent = [r.seconds for r in self.history[-4:]] + [now - t0]
        remaining = self.config.steps - len(self.history) - 1
        record = StepRecord(
            len(self.history) + 1,
            value,
            int(batch["attention_mask"].sum()),
            now - t0,
            now - self.started,
            max(0, remaining) * sum(recent) / len(recent),
        )
        self.history.append(record)
        self.fire("on_step", record)
        return record

    def run(self, should_stop: Callable[[], bool] = lambda: False) -> str:
        """Steps until `config.steps` or `should_stop()`; returns "done" or "stopped"."""
        reason = "done"
        while len(self.history) < min(self.config.steps, LORA_MAX_STEPS):
            if should_stop():
                reason = "stopped"
                break
            self.step()
        self.fire("on_stop", reason)
        return reason

    def reply(self, messages: list[dict], adapted: bool, max_new_tokens: int = 40) -> str:
        """The greedy reply with the adapters on (fine-tuned) or off (the base model, same weights)."""
        if adapted:
            return greedy_reply(self.lm, messages, max_new_tokens)
        with self.lm.model.disable_adapter():
            return greedy_reply(self.lm, messages, max_new_tokens)

    def save(self, name: str) -> Path:
        """Save only the adapters (about 1.8 MB at r=8) under the cache's adapters/<name>."""
        return adapters.write(self.lm.model, name, _config_dict(self.config), [r.as_dict() for r in self.history])


def _config_dict(config: FinetuneConfig) -> dict:
    out = dataclasses.asdict(config)
    out["target_modules"] = list(config.target_modules)
    return out


def load_finetuned(name: str, device: str = "auto", dtype: str = "auto") -> LoraFinetuner:
    """A fresh SmolLM2 with the saved adapters `name` attached (frozen), ready to compare."""
    from peft import PeftModel

    folder = adapters.folder_of(name)
    if not (folder / "adapter_config.json").is_file():
        raise ValueError(f"No saved adapter '{name}': fine-tune and save one first.")
    config = FinetuneConfig(device=device, dtype=dtype)
    resolved = pick_device(None if device == "auto" else device)
    base = load_model(registry.DEFAULT_CAUSAL_LM, device=resolved, dtype=training_dtype(resolved, dtype))
    model = PeftModel.from_pretrained(base.model, str(folder))
    return LoraFinetuner(config, [], dataclasses.replace(base, model=model.eval(), results=LRU(4)))


def compare_answers(tuner: LoraFinetuner, dialogues: list[list[dict]], max_new_tokens: int = 40) -> list[dict]:
    """For each held-out dialogue's first user message: the base reply, the fine-tuned reply and the
    reference answer written in the dataset. [{"user", "base", "finetuned", "reference"}]
    """
    rows = []
    for messages in dialogues:
        first_user = next(i for i, m in enumerate(messages) if m["role"] == "user")
        prompt = messages[: first_user + 1]
        reference = next((m["content"] for m in messages[first_user + 1 :] if m["role"] == "assistant"), "")
        rows.append(
            {
                "user": prompt[-1]["content"],
                "base": tuner.reply(prompt, adapted=False, max_new_tokens=max_new_tokens),
                "finetuned": tuner.reply(prompt, adapted=True, max_new_tokens=max_new_tokens),
                "reference": reference,
            }
        )
    return rows
