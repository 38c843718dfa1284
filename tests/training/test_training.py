"""The tiny GPT, its char tokenizer, corpora, the training loop, its guard, the background runner and the CLI.

Small configs and bounded steps on one CPU thread: the whole file runs in well under a minute.
"""

from __future__ import annotations

import json
import math
import time

import pytest
import torch

from explain.core import registry
from explain.core.job_gate import JobGate
from explain.core.limits import TRAIN_MAX_CORPUS_BYTES
from explain.training import char_tokenizer, corpora, tiny_gpt
from explain.training.data import prepare_data, split_ids
from explain.training.trainer import TrainConfig, Trainer, lr_at, trainer_for_text
from explain.training.work import training_job
from tests.core.test_jobs import pause_resume_stop, slowest_poll

SMALL = tiny_gpt.preset("tiny", block_size=32)


@pytest.fixture(autouse=True, scope="module")
def one_thread(torch_one_thread):
    """Every test here trains: one torch thread (see conftest)."""


def quick_config(**overrides) -> TrainConfig:
    base = dict(max_steps=20, batch_size=16, learning_rate=1e-2, eval_every=10, sample_every=0, snapshot_every=0)
    return TrainConfig(**{**base, "device": "cpu", **overrides})


def test_char_tokenizer_round_trip_and_unknown():
    tok = char_tokenizer.build_char_tokenizer("hello world\nciao 😀")
    text = "hello\n ciao😀"
    assert char_tokenizer.decode(tok, char_tokenizer.encode(tok, text)) == text
    assert len(char_tokenizer.encode(tok, text)) == len(text)
    assert char_tokenizer.encode(tok, "z") == [0]  # unseen character -> <unk>


def test_char_tokenizer_loads_with_autotokenizer(tmp_path):
    from transformers import AutoTokenizer

    tok = char_tokenizer.build_char_tokenizer("abc def")
    tok.save_pretrained(tmp_path)
    again = AutoTokenizer.from_pretrained(tmp_path)
    assert char_tokenizer.encode(again, "fed cab") == char_tokenizer.encode(tok, "fed cab")


@pytest.mark.parametrize("name", [preset for preset in tiny_gpt.PRESETS])
def test_presets_sizes_match_estimate(name):
    cfg = tiny_gpt.preset(name)
    model = tiny_gpt.build_model(cfg, vocab_size=80)
    assert tiny_gpt.count_parameters(model) == tiny_gpt.estimate_parameters(cfg, 80)
    target = {"tiny": 0.2e6, "small": 1e6, "medium": 5e6}[name]
    assert 0.7 * target < tiny_gpt.count_parameters(model) < 1.3 * target


def test_config_bounds_are_enforced():
    assert tiny_gpt.preset("tiny", n_head=3).problems()  # 64 is not a multiple of 6
    assert tiny_gpt.preset("tiny", n_layer=99).problems()
    with pytest.raises(ValueError, match="between"):
        tiny_gpt.build_model(tiny_gpt.preset("tiny", block_size=4096), 50)


def test_initial_loss_is_near_uniform():
    """GPT-2 init: the untrained model's loss is about ln(V), not the ~75 of PyTorch's default init."""
    data = prepare_data(corpora.load_corpus("pizza"))
    trainer = Trainer(tiny_gpt.build_model(SMALL, data.vocab_size), data, quick_config())
    assert abs(trainer.evaluate().val_loss - math.log(data.vocab_size)) < 0.3


def test_corpora_listed_and_valid():
    names = [info.name for info in corpora.list_corpora()]
    assert {"toy", "pizza", "explainer"} <= set(names)
    for info in corpora.list_corpora():
        assert corpora.validate_text(corpora.load_corpus(info.name))
        assert info.title["en"] and info.title["it"] and info.description["it"]


@pytest.mark.parametrize(
    "raw, code",
    [("", "empty"), ("   \n ", "empty"), ("short text", "too_short"), (b"\x00\x01binary" * 200, "binary"),
     (b"\xff\xfe\xfa" * 500, "binary"), ("x" * (TRAIN_MAX_CORPUS_BYTES + 1), "too_large")],
)  # fmt: skip
def test_bad_corpus_text_is_refused_with_a_reason(raw, code):
    with pytest.raises(corpora.CorpusError) as info:
        corpora.validate_text(raw)
    assert info.value.code == code and str(info.value)


def test_unknown_corpus_names_the_builtin_ones():
    with pytest.raises(corpora.CorpusError, match="toy"):
        corpora.resolve("no-such-corpus")


def test_split_keeps_the_end_for_validation():
    assert split_ids(list(range(10)), 0.2) == ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
    data = prepare_data(corpora.load_corpus("toy"))
    assert len(data.val_ids) == pytest.approx(0.1 * (len(data.train_ids) + len(data.val_ids)), abs=2)


def test_lr_schedule_warms_up_then_decays():
    cfg = TrainConfig(max_steps=100, learning_rate=1.0, warmup_steps=10, min_lr_ratio=0.1)
    assert lr_at(0, cfg) == pytest.approx(0.1) and lr_at(9, cfg) == pytest.approx(1.0)
    assert lr_at(100, cfg) == pytest.approx(0.1) and lr_at(50, cfg) < lr_at(20, cfg)


def test_toy_language_is_learned_on_cpu():
    """Validation loss falls well below the uniform baseline ln(V) within 100 CPU steps."""
    trainer = trainer_for_text(corpora.load_corpus("toy"), SMALL, quick_config(max_steps=100, eval_every=50))
    evals = []
    trainer.add_callback("on_eval", lambda _t, rec: evals.append(rec))
    trainer.run()
    baseline = math.log(trainer.data.vocab_size)
    assert evals[0].val_loss > 0.8 * baseline
    assert evals[-1].val_loss < 0.4 * baseline
    assert evals[-1].perplexity == pytest.approx(math.exp(evals[-1].val_loss))
    assert trainer.state.stop_reason == "finished" and trainer.state.step == 100


def test_same_seed_same_losses_other_seed_other_losses():
    text = corpora.load_corpus("toy")
    runs = [trainer_for_text(text, SMALL, quick_config(max_steps=8, seed=s)).run().train_losses for s in (3, 3, 4)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_absurd_learning_rate_trips_the_guard():
    trainer = trainer_for_text(corpora.load_corpus("toy"), SMALL, quick_config(learning_rate=1000.0, warmup_steps=1))
    stops = []
    trainer.add_callback("on_stop", lambda _t, state: stops.append(state.stop_reason))
    state = trainer.run()
    assert state.stop_reason == "diverged" and stops == ["diverged"]
    assert "learning rate" in state.message and state.step < 20


def test_samples_and_snapshots_have_the_right_shapes():
    trainer = trainer_for_text(
        corpora.load_corpus("toy"), SMALL, quick_config(max_steps=4, sample_every=2, snapshot_every=2)
    )
    samples, snaps = [], []
    trainer.add_callback("on_sample", lambda _t, rec: samples.append(rec))
    trainer.add_callback("on_snapshot", lambda _t, rec: snaps.append(rec))
    trainer.run()
    assert [s.step for s in samples] == [1, 2, 4] and len(samples[-1].text) == trainer.config.sample_tokens
    snap = snaps[-1]
    L, H, T = SMALL.n_layer, SMALL.n_head, len(snap.tokens)
    assert snap.attentions.shape == (L, H, T, T)
    assert torch.allclose(torch.tensor(snap.attentions.sum(-1)), torch.ones(L, H, T), atol=1e-5)
    assert snap.attentions[0, 0, 0, 1:].max() == 0  # causal: the first token sees only itself
    assert snap.embedding_2d.shape == (trainer.data.vocab_size, 2) and len(snap.vocab) == trainer.data.vocab_size
    assert trainer.model.config._attn_implementation == "sdpa"  # switched back after the snapshot


def test_save_then_load_gives_identical_logits(tmp_path):
    trainer = trainer_for_text(corpora.load_corpus("pizza"), SMALL, quick_config(max_steps=3))
    trainer.run()
    tiny_gpt.save(trainer.model, trainer.data.tokenizer, tmp_path / "m", {"corpus": "pizza"})
    model, tokenizer, meta = tiny_gpt.load(tmp_path / "m")
    ids = torch.tensor([char_tokenizer.encode(tokenizer, "CUSTOMER: one diavola")])
    trainer.model.eval()
    with torch.no_grad():
        assert torch.allclose(trainer.model(input_ids=ids).logits, model(input_ids=ids).logits, atol=1e-5)
    assert meta == {"corpus": "pizza"} and tiny_gpt.config_of(model) == SMALL


def test_saved_model_is_listed_and_loads_for_the_other_pages():
    from explain.core.analysis import analyze
    from explain.core.loading import load_model

    trainer = trainer_for_text(corpora.load_corpus("toy"), SMALL, quick_config(max_steps=2, precision="bf16"))
    trainer.run()  # bf16 steps on a CPU train with the project's bf16 attention (training/precision.py)
    assert trainer.model.config._attn_implementation == "explain_bf16_train"
    name = tiny_gpt.save_trained(trainer.model, trainer.data.tokenizer, "test-toy")
    assert trainer.model.config._attn_implementation == "explain_bf16_train"  # saving midway keeps the run's own
    saved = json.loads((registry.trained_models_dir() / "test-toy" / "config.json").read_text())
    assert "explain" not in json.dumps(saved)  # the file names no attention only this process knows
    assert name == "trained/test-toy" and name in registry.trained_model_names()
    lm = load_model(name, device="cpu", dtype="float32")
    result = analyze(lm, "the red cat")
    assert result.attentions.shape[:2] == (SMALL.n_layer, SMALL.n_head) and len(result.tokens) == 11
    with pytest.raises(ValueError, match="lowercase"):
        tiny_gpt.check_name("../evil")


def wait_until(condition, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def test_background_run_pauses_resumes_and_stops():
    trainer = trainer_for_text(corpora.load_corpus("toy"), SMALL, quick_config(max_steps=5000))
    run = training_job(trainer)
    pause_resume_stop(run, still=0.3, join=30)
    view = run.view()
    assert len(view.records["steps"]) == view.step and view.records["evals"]


def test_background_run_stops_when_heartbeat_goes_stale():
    trainer = trainer_for_text(corpora.load_corpus("toy"), SMALL, quick_config(max_steps=5000))
    run = training_job(trainer, stale_after=0.5).start()
    run.join(60)
    assert run.view().status == "stale" and run.view().step < 5000


def test_the_page_can_poll_a_training_run_without_waiting_for_its_steps():
    """Issue 21: the page froze while its own run trained (the step held the lock view() needs)."""
    trainer = trainer_for_text(corpora.load_corpus("toy"), SMALL, quick_config(max_steps=5000, batch_size=64))
    run = training_job(trainer).start()
    wait_until(lambda: run.view().step >= 1)
    slowest = slowest_poll(run, polls=30, gap=0.03)
    run.stop()
    run.join(30)
    assert run.view().status == "stopped" and slowest < 0.5, slowest


def test_gate_queues_the_second_run_until_the_first_leaves():
    gate = JobGate(1)
    text = corpora.load_corpus("toy")
    first = training_job(trainer_for_text(text, SMALL, quick_config(max_steps=5000)), gate=gate)
    second = training_job(trainer_for_text(text, SMALL, quick_config(max_steps=2)), gate=gate)
    first.start()
    wait_until(lambda: first.view().status == "running")
    second.start()
    wait_until(lambda: second.view().status == "queued")
    assert second.view().queue_position == 1 and second.view().gate == {"capacity": 1, "running": 1, "waiting": 1}
    first.pause()  # a paused run gives its slot to the queue
    second.join(60)
    assert second.view().status == "finished" and first.view().status == "paused"
    first.resume()
    wait_until(lambda: first.view().status == "running")
    first.stop()
    first.join(30)
    assert gate.status() == {"capacity": 1, "running": 0, "waiting": 0}


def test_cli_train_and_corpora(tmp_path, capsys):
    import json

    from explain.cli import main

    assert main(["corpora", "--json"]) == 0
    assert {c["name"] for c in json.loads(capsys.readouterr().out)["corpora"]} >= {"toy", "pizza", "explainer"}
    args = ["train", "--corpus", "toy", "--steps", "5", "--context", "32", "--batch-size", "8", "--json"]
    assert main([*args, "--save", "test-cli"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"params", "losses", "val_losses", "vocab_size", "sample", "tokens_per_s"} <= set(out)
    assert len(out["losses"]) == 5 and out["saved"] == "trained/test-cli"
    assert (registry.trained_models_dir() / "test-cli" / "model.safetensors").is_file()
    own = tmp_path / "own.txt"
    own.write_text("hello there, how are you? " * 100, encoding="utf-8")
    assert main(["train", "--corpus", str(own), "--steps", "2", "--context", "16", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["vocab_size"] < 20
    (tmp_path / "bin.txt").write_bytes(b"\x00" * 3000)
    assert main(["train", "--corpus", str(tmp_path / "bin.txt"), "--steps", "2"]) == 2
    assert "binary" in capsys.readouterr().err
