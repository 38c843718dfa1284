"""The DPO loss (Rafailov et al., 2023), written out for reading, on TRL's batch layout.

A pair's implicit reward for an answer y is r(y) = beta * (log pi(y | x) - log pi_ref(y | x)): how
much more likely the tuned policy makes the answer than the frozen reference does. DPO's loss per
pair is -log sigmoid(r(chosen) - r(rejected)): it pushes the chosen answer up and the rejected one
down *relative to the reference*, with no reward model and no sampling. Equal to TRL's
`DPOTrainer` "sigmoid" loss on the same batch (tested). Batches follow TRL's
`DataCollatorForPreference`: 2B rows, the B chosen sequences then the B rejected ones, right-padded,
with a `completion_mask` marking the answer's tokens. Leaves out the model, LoRA and the loop
(see `assistant/dpo.py`) and DPO's variants (IPO, hinge, ...).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

BETA = 0.1  # how far the policy may move from the reference: TRL's and the paper's default


def collate(examples: list[dict], pad_id: int) -> dict[str, torch.Tensor]:
    """TRL's layout from [{"prompt_ids", "chosen_ids", "rejected_ids"}]: input_ids, attention_mask and
    completion_mask, each (2B, T), chosen rows first.

    >>> collate([{"prompt_ids": [1, 2], "chosen_ids": [3], "rejected_ids": [4, 5]}], 0)["completion_mask"].tolist()
    [[0, 0, 1, 0], [0, 0, 1, 1]]
    """
    rows = [e["prompt_ids"] + e["chosen_ids"] for e in examples] + [
        e["prompt_ids"] + e["rejected_ids"] for e in examples
    ]
    marks = [[0] * len(e["prompt_ids"]) + [1] * len(e[k]) for k in ("chosen_ids", "rejected_ids") for e in examples]
    width = max(len(r) for r in rows)
    return {
        "input_ids": torch.tensor([r + [pad_id] * (width - len(r)) for r in rows]),
        "attention_mask": torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows]),
        "completion_mask": torch.tensor([m + [0] * (width - len(m)) for m in marks]),
    }


def sequence_logps(model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """(2B,) log p(answer | prompt): the sum of the answer tokens' log-probabilities, in float32.

    Logits at position t predict token t + 1, so scores (2B, T-1, V) are matched with ids[:, 1:].
    """
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], use_cache=False).logits
    logprobs = torch.log_softmax(logits[:, :-1].float(), dim=-1)  # (2B, T-1, V)
    targets = batch["input_ids"][:, 1:]
    token_logps = logprobs.gather(2, targets.unsqueeze(-1)).squeeze(-1)  # (2B, T-1)
    return (token_logps * batch["completion_mask"][:, 1:]).sum(dim=1)


def dpo_loss(
    policy: torch.Tensor, reference: torch.Tensor, beta: float = BETA
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(mean loss, chosen rewards (B,), rejected rewards (B,)) from (2B,) sequence log-probs, chosen first.

    >>> loss, c, r = dpo_loss(torch.tensor([-1.0, -3.0]), torch.tensor([-2.0, -2.0]), beta=1.0)
    >>> round(float(loss), 4), float(c[0]), float(r[0])
    (0.1269, 1.0, -1.0)
    """
    policy_c, policy_r = policy.chunk(2)
    ref_c, ref_r = reference.chunk(2)
    chosen_rewards = beta * (policy_c - ref_c)
    rejected_rewards = beta * (policy_r - ref_r)
    loss = -F.logsigmoid(chosen_rewards - rejected_rewards).mean()
    return loss, chosen_rewards.detach(), rejected_rewards.detach()
