"""Our DPO loss against TRL's `DPOTrainer` on the same batch: the oracle for `assistant/dpo_loss.py`.

A tiny random Llama (SmolLM2's tokenizer, 2 layers) with LoRA adapters whose B matrices are set
non-zero, so the policy differs from the reference (adapters off) and the loss is not log 2.
"""

from __future__ import annotations

import pytest
import torch

from explain.assistant.dpo import encode_pair
from explain.assistant.dpo_loss import BETA, collate, dpo_loss, sequence_logps
from explain.assistant.pairs import read_pairs


def tiny_llama(vocab_size: int):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=vocab_size, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
    )  # fmt: skip
    return LlamaForCausalLM(config)


def test_dpo_loss_equals_trl_on_the_same_batch(smollm, tmp_path):
    from datasets import Dataset
    from peft import LoraConfig
    from trl import DPOConfig, DPOTrainer

    pairs = read_pairs()[:4]
    conversational = [
        {
            "prompt": [{"role": "user", "content": p["prompt"]}],
            "chosen": [{"role": "assistant", "content": p["chosen"]}],
            "rejected": [{"role": "assistant", "content": p["rejected"]}],
        }
        for p in pairs
    ]
    args = DPOConfig(output_dir=str(tmp_path), beta=BETA, report_to=[], use_cpu=True, bf16=False, max_length=None)
    lora = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM")
    trainer = DPOTrainer(
        model=tiny_llama(len(smollm.tokenizer)),
        args=args,
        train_dataset=Dataset.from_list(conversational),
        processing_class=smollm.tokenizer,
        peft_config=lora,  # a new adapter: TRL's reference is the model with it switched off, as ours
    )
    tiny_policy = trainer.model.eval()
    with torch.no_grad():  # move the policy away from the reference (B starts at zero)
        for name, param in tiny_policy.named_parameters():
            if "lora_B" in name:
                param.normal_(0, 0.5)
    keys = ("prompt_ids", "chosen_ids", "rejected_ids")
    theirs_encoded = [{k: row[k] for k in keys} for row in trainer.train_dataset]
    examples = [encode_pair(smollm.tokenizer, p, 96) for p in pairs]
    assert examples == theirs_encoded  # the same tokens as TRL's own tokenization of the pairs
    batch = collate(examples, smollm.tokenizer.pad_token_id)
    trl_batch = trainer.data_collator(theirs_encoded)
    assert torch.equal(trl_batch["input_ids"], batch["input_ids"])
    assert torch.equal(trl_batch["completion_mask"], batch["completion_mask"])
    with torch.no_grad():
        theirs = float(trainer.compute_loss(trainer.model, {k: v for k, v in trl_batch.items()}))
        policy = sequence_logps(tiny_policy, batch)
        with tiny_policy.disable_adapter():
            reference = sequence_logps(tiny_policy, batch)
        ours = float(dpo_loss(policy, reference, BETA)[0])
    assert abs(ours - 0.6931) > 1e-3  # the policy really differs from the reference
    assert ours == pytest.approx(theirs, abs=1e-5)
