"""From text predictor to assistant: self-supervision, base vs chat, preference tuning (DPO) with LoRA,
a small reward model for RLHF's best-of-n, the weights a chat never changes, bias measured, knowledge cut-off."""
