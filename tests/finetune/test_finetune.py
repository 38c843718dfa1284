"""LoRA fine-tuning on the real SmolLM2: only adapters train, the loss falls, held-out answers change.

Kept small for 2 shared cores: 4 short dialogues, 4 steps, float32 on the CPU (so every run is
the same), answers of a few greedy tokens.
"""

import dataclasses
import json
import time

import pytest
import torch

from explain.finetune import adapters
from explain.finetune import data as ft_data
from explain.finetune import lora as ft


def test_the_dataset_is_big_enough_and_split_the_same_way_every_time():
    dialogues = ft_data.read_dialogues()
    train, held = ft_data.split_dialogues(dialogues)
    assert len(dialogues) >= 100 and len(held) == len(dialogues) // 5
    assert train == ft_data.split_dialogues(ft_data.read_dialogues())[0]
    assert not {json.dumps(d) for d in train} & {json.dumps(d) for d in held}


def test_only_assistant_tokens_are_labelled(smollm):
    messages = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Ciao! Margherita?"}]
    ids, labels = ft_data.encode_dialogue(smollm.tokenizer, messages, max_tokens=200)
    learned = smollm.tokenizer.decode([i for i, y in zip(ids, labels) if y != ft_data.IGNORE])
    assert learned == "Ciao! Margherita?<|im_end|>\n"
    first = next(i for i, y in enumerate(labels) if y != ft_data.IGNORE)
    assert smollm.tokenizer.decode(ids[:first]).endswith("Hi<|im_end|>\n<|im_start|>assistant\n")


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"text": "hi"}', "expected"),
        ('{"messages": [{"role": "user", "content": "x"}]}', "assistant"),
        ("{", "line 1"),
        ('{"messages": [{"role": "user", "content": 5}, {"role": "assistant", "content": "x"}]}', "string"),
        ('{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": null}]}', "string"),
        ('{"messages": "not a list"}', "list"),
    ],
)
def test_bad_dialogue_files_say_which_line(tmp_path, line, message):
    path = tmp_path / "d.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(ValueError, match=message):
        ft_data.read_dialogues(path)


def test_a_lone_surrogate_in_a_dialogue_becomes_a_replacement_character(tmp_path):
    path = tmp_path / "d.jsonl"
    turns = [{"role": "user", "content": "a\ud800b"}, {"role": "assistant", "content": "ok"}]
    path.write_text(json.dumps({"messages": turns}) + "\n")  # json writes the surrogate as \\ud800
    (dialogue,) = ft_data.read_dialogues(path)
    assert dialogue[0]["content"] == "a\ufffdb"
    dialogue[0]["content"].encode("utf-8")  # what the tokenizer needs


def test_a_binary_dialogue_file_is_refused(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_bytes(b"\x00\x01" * 100)
    with pytest.raises(ValueError, match="looks binary"):
        ft_data.read_dialogues(path)


@pytest.fixture(scope="module")
def trained():
    """A fine-tuner after 4 steps on 4 short dialogues, with what it said and weighed before."""
    train, held = ft_data.split_dialogues(ft_data.read_dialogues())
    short = sorted(train, key=lambda d: len(json.dumps(d)))[:4]
    config = ft.FinetuneConfig(steps=4, batch_size=4, learning_rate=3e-3, max_tokens=96, dtype="float32", device="cpu")
    tuner = ft.LoraFinetuner.create(config, short)
    question = held[1][:1]
    before = {
        "base": tuner.reply(question, adapted=False, max_new_tokens=8),
        "adapted": tuner.reply(question, adapted=True, max_new_tokens=8),
        "weights": {n: p.detach().clone() for n, p in tuner.lm.model.named_parameters() if "layers.3." in n},
    }
    tuner.run()
    return tuner, question, before


def test_only_adapter_parameters_train_and_base_weights_do_not_change(trained):
    tuner, _, before = trained
    trainable = [n for n, p in tuner.lm.model.named_parameters() if p.requires_grad]
    assert trainable and all("lora_A" in n or "lora_B" in n for n in trainable)
    counts = tuner.parameter_counts()
    assert counts["trainable"] == 30 * 8 * ((576 + 576) + (576 + 192))  # q and v in each of 30 layers, r = 8
    for name, old in before["weights"].items():
        now = dict(tuner.lm.model.named_parameters())[name]
        if "lora_B" in name:
            assert not torch.equal(now, old), name  # the adapters moved...
        elif "lora_" not in name:
            assert torch.equal(now, old), name  # ...and the frozen weights did not


def test_training_loss_falls(trained):
    tuner, _, _ = trained
    losses = [r.loss for r in tuner.history]
    assert len(losses) == 4 and losses[-1] < losses[0] - 0.2, losses
    assert tuner.history[-1].eta_seconds == 0 and all(r.tokens > 0 for r in tuner.history)


def test_held_out_answer_changes_after_fine_tuning(trained):
    tuner, question, before = trained
    assert before["adapted"] == before["base"]  # B starts at zero: step 0 is the base model exactly
    assert tuner.reply(question, adapted=False, max_new_tokens=8) == before["base"]
    assert tuner.reply(question, adapted=True, max_new_tokens=8) != before["base"]


def test_adapters_save_and_reload(trained):
    tuner, question, _ = trained
    folder = tuner.save("test run/1")
    assert folder.name == "test-run-1" and "test-run-1" in adapters.saved_adapters()
    assert len(adapters.saved_history("test-run-1")) == 4
    again = ft.load_finetuned("test-run-1", device="cpu", dtype="float32")
    mine = {n: p for n, p in tuner.lm.model.named_parameters() if "lora_B" in n}
    theirs = {n: p for n, p in again.lm.model.named_parameters() if "lora_B" in n}
    assert mine.keys() == theirs.keys() and all(torch.equal(mine[n], theirs[n]) for n in mine)


def test_missing_adapter_is_a_clear_error():
    with pytest.raises(ValueError, match="No saved adapter"):
        ft.load_finetuned("never-saved", device="cpu", dtype="float32")


def test_the_background_job_trains_saves_and_compares_then_a_stopped_one_keeps_its_adapters():
    from explain.core.jobs import BackgroundJob
    from explain.finetune.lora_work import LoraSpec, lora_job

    train, held = ft_data.split_dialogues(ft_data.read_dialogues())
    short = sorted(train, key=lambda d: len(json.dumps(d)))[:2]
    config = ft.FinetuneConfig(steps=2, batch_size=2, max_tokens=64, dtype="float32", device="cpu")
    job: BackgroundJob = lora_job(LoraSpec(config, short, held[:1], save_as="job-test", answer_tokens=4)).start()
    job.join(300)
    view = job.view()
    assert view.status == "finished", view.message
    assert view.phase == "comparing" and view.step == view.total == 2 and len(view.records["history"]) == 2
    assert len(view.records["rows"]) == 1 and view.values["model"]["trainable"] > 0
    assert view.values["saved"].endswith("job-test") and len(adapters.saved_history("job-test")) == 2

    longer = dataclasses.replace(config, steps=400)
    job = lora_job(LoraSpec(longer, short, held[:1], save_as="job-stopped")).start()
    deadline = time.monotonic() + 300
    while job.view().step < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    job.stop()
    job.join(60)
    view = job.view()
    assert view.status == "stopped" and "rows" not in view.records, view.message
    assert len(adapters.saved_history("job-stopped")) == len(view.records["history"]) >= 1
