"""Preference tuning of SmolLM2 with DPO and LoRA, one step at a time, and its before/after measures.

A fresh private copy of SmolLM2 gets LoRA adapters (rank 4 on the query and value projections);
the reference model of DPO is the same copy with the adapters switched off, so no second model is
loaded. Each step: a batch of pairs through the policy (adapters on) and, once per pair, the
reference (adapters off, remembered), then DPO's loss (`assistant/dpo_loss.py`) and an AdamW step
on the adapters only. The frozen weights never change (their fingerprint is checked).

Measured on held-out pairs before and after: the *preference accuracy* (the share of pairs where
the model gives the chosen answer a higher log-probability than the rejected one, i.e. it would
rather say it) and the *margin*, the mean of log p(chosen) - log p(rejected) in nats. The gain in
margin times beta is DPO's implicit reward margin. Leaves out the background job (see
`assistant/dpo_work.py`), saving adapters and DPO's variants.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import torch

from explain.assistant.dpo_loss import BETA, collate, dpo_loss, sequence_logps
from explain.assistant.fingerprint import fingerprint
from explain.core import registry
from explain.core.cache import LRU
from explain.core.chat import greedy_reply
from explain.core.device import pick_device
from explain.core.limits import PREFER_MAX_TOKENS
from explain.core.loading import LoadedModel, load_model
from explain.finetune.lora import adapter_step, training_dtype


@dataclass
class DpoConfig:
    steps: int = 10  # gradient steps, at most PREFER_MAX_STEPS
    batch_size: int = 4  # pairs per step (8 sequences: each pair's chosen and rejected answer)
    learning_rate: float = 2e-3  # AdamW on the adapters only; high because the run is short
    beta: float = BETA  # how far the policy may drift from the reference
    rank: int = 4  # r of each LoRA B @ A
    alpha: int = 8  # the change is scaled by alpha / r
    max_tokens: int = PREFER_MAX_TOKENS  # prompt + answer cut to this many tokens
    dtype: str = "auto"  # "float32", "bfloat16" or "auto" (bf16 where the CPU has it natively)
    device: str = "auto"  # "cpu", "cuda", "mps" or "auto"
    seed: int = 0  # LoRA's initial A and the batch order


def encode_pair(tokenizer, pair: dict, max_tokens: int) -> dict:
    """{"prompt_ids", "chosen_ids", "rejected_ids"} of a pair rendered by the chat template, as TRL does for
    conversational pairs: the prompt is the user's turn with the reply opened, each answer what follows."""
    user = [{"role": "user", "content": pair["prompt"]}]
    prompt = tokenizer.apply_chat_template(user, add_generation_prompt=True, tokenize=False)
    prompt_ids = list(tokenizer(prompt, add_special_tokens=False)["input_ids"])[: max_tokens - 8]
    out = {"prompt_ids": prompt_ids}
    for key in ("chosen", "rejected"):
        full = tokenizer.apply_chat_template(user + [{"role": "assistant", "content": pair[key]}], tokenize=False)
        ids = list(tokenizer(full, add_special_tokens=False)["input_ids"])
        out[f"{key}_ids"] = ids[len(prompt_ids) : max_tokens]
    return out


@dataclass
class StepRecord:
    step: int  # 1-based step number
    loss: float  # DPO loss of the batch (log 2 = 0.693 when policy = reference)
    reward_margin: float  # mean of r(chosen) - r(rejected) over the batch
    seconds: float  # wall time of this step
    elapsed: float  # wall time since the first step began

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class DpoTuner:
    """Owns a private SmolLM2 with LoRA adapters, its optimiser and the encoded training pairs."""

    config: DpoConfig
    train: list[dict]  # training pairs {"prompt", "chosen", "rejected"}
    lm: LoadedModel  # model is a peft PeftModel; adapters off = the reference
    history: list[StepRecord] = field(default_factory=list)

    @classmethod
    def create(cls, config: DpoConfig, train: list[dict]) -> DpoTuner:
        from peft import LoraConfig, get_peft_model

        device = pick_device(None if config.device == "auto" else config.device)
        base = load_model(registry.DEFAULT_CAUSAL_LM, device=device, dtype=training_dtype(device, config.dtype))
        lora = LoraConfig(r=config.rank, lora_alpha=config.alpha, lora_dropout=0.0, target_modules=["q_proj", "v_proj"])
        torch.manual_seed(config.seed)
        model = get_peft_model(base.model, lora)
        return cls(config, train, dataclasses.replace(base, model=model, results=LRU(4)))

    def __post_init__(self) -> None:
        tok = self.lm.tokenizer
        self.examples = [encode_pair(tok, p, self.config.max_tokens) for p in self.train]
        self.pad_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        params = [p for p in self.lm.model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(params, lr=self.config.learning_rate, weight_decay=0.0)
        self.generator = torch.Generator().manual_seed(self.config.seed)
        self.order: list[int] = []
        self.reference: dict[int, tuple[float, float]] = {}  # pair index -> reference (chosen, rejected) log-probs
        self.base_sha256 = self.base_fingerprint()
        self.started = 0.0

    def base_fingerprint(self) -> str:
        """SHA-256 of the frozen base weights (adapters left out)."""
        return fingerprint(self.lm.model, skip="lora_")

    def _batch(self) -> list[int]:
        picked = []
        while len(picked) < self.config.batch_size:
            if not self.order:
                self.order = torch.randperm(len(self.examples), generator=self.generator).tolist()
            picked.append(self.order.pop())
        return picked

    def _reference(self, indices: list[int], batch: dict) -> torch.Tensor:
        """(2B,) reference log-probs, computed once per pair with the adapters off, then remembered."""
        if any(i not in self.reference for i in indices):
            with torch.no_grad(), self.lm.model.disable_adapter():
                logps = sequence_logps(self.lm.model, batch).tolist()
            n = len(indices)
            for k, i in enumerate(indices):
                self.reference[i] = (logps[k], logps[n + k])
        chosen = [self.reference[i][0] for i in indices]
        rejected = [self.reference[i][1] for i in indices]
        return torch.tensor(chosen + rejected, device=self.lm.device)

    def step(self) -> StepRecord:
        """One AdamW step of DPO on the adapters; the frozen weights never change."""
        self.started = self.started or time.perf_counter()
        t0 = time.perf_counter()
        indices = self._batch()
        batch = {k: v.to(self.lm.device) for k, v in collate([self.examples[i] for i in indices], self.pad_id).items()}

        def loss_of(model) -> tuple:
            reference = self._reference(indices, batch)  # adapters off, no gradients, once per pair
            return dpo_loss(sequence_logps(model, batch), reference, self.config.beta)

        value, (_, chosen, rejected) = adapter_step(self.lm, self.optimizer, loss_of, what="DPO loss")
        now = time.perf_counter()
        margin = float((chosen - rejected).mean())
        record = StepRecord(len(self.history) + 1, value, margin, now - t0, now - self.started)
        self.history.append(record)
        return record

    def evaluate(self, pairs: list[dict], adapted: bool = True) -> dict:
        """{"accuracy", "margin", "logps"} on `pairs`: the share where log p(chosen) > log p(rejected), the mean
        gap in nats, and each pair's (chosen, rejected) log-probs; adapters on (tuned) or off (base)."""
        encoded = [encode_pair(self.lm.tokenizer, p, self.config.max_tokens) for p in pairs]
        logps = []
        with self.lm.lock, torch.no_grad():
            for start in range(0, len(encoded), 8):
                batch = {k: v.to(self.lm.device) for k, v in collate(encoded[start : start + 8], self.pad_id).items()}
                if adapted:
                    values = sequence_logps(self.lm.model, batch).tolist()
                else:
                    with self.lm.model.disable_adapter():
                        values = sequence_logps(self.lm.model, batch).tolist()
                half = len(values) // 2
                logps += list(zip(values[:half], values[half:]))
        gaps = [c - r for c, r in logps]
        return {"accuracy": sum(g > 0 for g in gaps) / len(gaps), "margin": sum(gaps) / len(gaps), "logps": logps}

    def reply(self, prompt: str, adapted: bool, max_new_tokens: int = 40) -> str:
        """The greedy reply to one user prompt with the adapters on (tuned) or off (base, same weights)."""
        messages = [{"role": "user", "content": prompt}]
        if adapted:
            return greedy_reply(self.lm, messages, max_new_tokens)
        with self.lm.model.disable_adapter():
            return greedy_reply(self.lm, messages, max_new_tokens)
