"""Items 5, 6, 10 and 11 of issue 21: names that try to leave the cache, and caches that were killed,
truncated or corrupted. Each cache is hit by the same four faults: kill during write, truncation,
same-size corruption and NaN content. Works in `tmp_path` or on names of its own; never on the
session's converted SmolLM2 (other tests share it).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from explain.cli import main
from explain.core import cache, gguf_cache, registry
from explain.core.loading import load_model
from explain.core.registry import ModelUnavailable

ESCAPES = ["trained//etc", "trained/../models/smollm2-135m", "trained/x/../../..", "trained/..", "/etc", "../x", "."]


@pytest.mark.parametrize("name", ESCAPES)
def test_item5_names_never_resolve_outside_the_cache(name):
    with pytest.raises(ModelUnavailable):
        load_model(name, device="cpu")


def test_item5_hub_ids_never_load_a_folder_of_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "models" / "x").mkdir(parents=True)
    (tmp_path / "models" / "x" / "config.json").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from explain.tokenization.tokens import load_tokenizer

    with pytest.raises(ModelUnavailable):
        load_model("models/x", device="cpu")
    with pytest.raises(ValueError, match="Unknown or unavailable"):
        load_tokenizer("models/x")


def test_item5_a_folder_without_weights_is_a_message_that_names_no_path():
    folder = registry.trained_models_dir() / "hostile-empty"
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_text('{"model_type": "llama"}', encoding="utf-8")
    try:
        with pytest.raises(ModelUnavailable) as info:
            load_model("trained/hostile-empty", device="cpu")
        assert str(folder) not in str(info.value) and "/" not in str(info.value).replace("trained/", "")
        assert "trained/hostile-empty" not in registry.trained_model_names()  # the training page lists it not
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("name", ["..", "../x", "x/../../..", "/tmp/evil", "Bad Name", "x" * 41, "\udcff"])
def test_item6_train_refuses_a_bad_name_before_any_training(name, capsys, tmp_path):
    start = time.perf_counter()
    assert main(["train", "--corpus", "toy", "--steps", "500", "--save", name]) == 2
    assert "--save" in capsys.readouterr().err and time.perf_counter() - start < 2
    assert main(["finetune", "--steps", "1", "--save", name]) == 2
    assert not (tmp_path.parent / "x").exists()


# --- the .npy cache (UMAP layouts, word vectors) -----------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        lambda p: p.write_bytes(b""),  # 0 bytes
        lambda p: p.write_bytes(p.read_bytes()[:100]),  # truncated
        lambda p: p.write_bytes(p.read_bytes()[:128] + b"\xff" * (p.stat().st_size - 128)),  # same size: NaN
        lambda p: np.save(p, np.full((50, 2), np.nan, dtype=np.float32)),
        lambda p: np.save(p, np.zeros((50, 2), dtype=np.float32)),
        lambda p: np.save(p, np.ones((49, 2), dtype=np.float32)),  # wrong shape
        lambda p: np.save(p, np.array([{"pickle": 1}], dtype=object), allow_pickle=True),
    ],
)
def test_item10_a_damaged_array_is_recomputed_never_served(tmp_path, fault):
    path = tmp_path / "layout.npy"
    good = np.arange(100, dtype=np.float32).reshape(50, 2) + 1
    cache.save_array(path, good)
    fault(path)
    assert cache.load_array(path, (50, 2)) is None
    array, where = cache.cached_array(path, (50, 2), lambda: good)
    assert where == "computed" and np.array_equal(cache.load_array(path, (50, 2)), good)


KILLED_WRITER = """
import sys, time, numpy as np
from explain.core import cache
real_save = np.save
def slow_save(file, array, *a, **k):
    with open(file, "wb") as handle:
        handle.write(b"\\x93NUMPY half")
        handle.flush()
        print("writing", flush=True)
        time.sleep(60)
np.save = slow_save
cache.save_array(__import__("pathlib").Path(sys.argv[1]), np.ones((4, 2)))
"""


def test_item11_a_writer_killed_mid_write_leaves_the_old_file_and_no_leftover(tmp_path):
    path = tmp_path / "vectors.npy"
    cache.save_array(path, np.full((4, 2), 2.0))
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "writing"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(10)
    assert len(list(tmp_path.iterdir())) == 2  # the old file and the killed writer's temporary
    assert np.array_equal(cache.load_array(path, (4, 2)), np.full((4, 2), 2.0))
    cache.save_array(path, np.full((4, 2), 3.0))
    assert [p.name for p in tmp_path.iterdir()] == ["vectors.npy"]


# --- the converted model (GGUF -> safetensors) -------------------------------------------------------------


def _fake_conversion(source: Path, target: Path) -> None:
    target.mkdir(parents=True)
    (target / "model.safetensors").write_bytes(np.arange(1000, dtype=np.float32).tobytes())
    (target / "config.json").write_text("{}", encoding="utf-8")
    gguf_cache.write_manifest(target, source)


@pytest.fixture
def fake_gguf(tmp_path, monkeypatch):
    source = tmp_path / "model.gguf"
    source.write_bytes(b"GGUF" * 100)
    monkeypatch.setattr(gguf_cache, "_convert", _fake_conversion)
    monkeypatch.setattr(gguf_cache, "converted_dir", lambda name: tmp_path / "models" / name)
    return source


def _same_size_ff(path: Path) -> None:
    path.write_bytes(b"\xff" * path.stat().st_size)


@pytest.mark.parametrize(
    "fault",
    [
        _same_size_ff,
        lambda p: p.write_bytes(p.read_bytes()[:-1] + b"\x00"),  # one byte changed
        lambda p: p.write_bytes(p.read_bytes()[:10]),  # truncated
        lambda p: p.unlink(),
    ],
)
def test_item10_a_corrupt_conversion_is_detected_and_rebuilt(fake_gguf, fault):
    folder = gguf_cache.ensure_converted("hostile", fake_gguf)
    assert gguf_cache.is_complete(folder, fake_gguf)
    fault(folder / "model.safetensors")
    assert not gguf_cache.is_complete(folder, fake_gguf)
    assert gguf_cache.ensure_converted("hostile", fake_gguf) == folder and gguf_cache.is_complete(folder, fake_gguf)
    manifest = json.loads((folder / gguf_cache.MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["sha256"]) == {"model.safetensors", "config.json"}


def test_a_verified_conversion_is_hashed_once_per_process_until_its_manifest_changes(fake_gguf, monkeypatch):
    folder = gguf_cache.ensure_converted("hostile", fake_gguf)
    hashed = []
    real = gguf_cache.checksum
    monkeypatch.setattr(gguf_cache, "checksum", lambda path: hashed.append(path.name) or real(path))
    assert all(gguf_cache.is_complete_once(folder, fake_gguf) for _ in range(5))
    assert len(hashed) == 2  # both files, the first time only: pages ask on every rerun
    (folder / gguf_cache.MANIFEST).write_text("{}", encoding="utf-8")  # a new manifest is checked again
    assert not gguf_cache.is_complete_once(folder, fake_gguf)


def test_item11_partials_of_killed_conversions_are_removed_at_start(fake_gguf):
    models = fake_gguf.parent / "models"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = [models / f"hostile.partial-{dead.stdout.strip()}-1", models / "hostile.partial-1712345678901234567"]
    live = models / f"hostile.partial-{os.getpid()}-2"  # a conversion still running in a live process
    for folder in (*stale, live):
        folder.mkdir(parents=True)
    gguf_cache.ensure_converted("hostile", fake_gguf)
    assert sorted(p.name for p in models.iterdir()) == sorted(["hostile", live.name])


def test_item10_weights_that_are_not_finite_are_refused():
    from explain.training import corpora, tiny_gpt
    from explain.training.trainer import TrainConfig, trainer_for_text

    config = TrainConfig(max_steps=1, batch_size=4, eval_every=1, sample_every=0, snapshot_every=0, device="cpu")
    trainer = trainer_for_text(corpora.load_corpus("toy"), tiny_gpt.preset("tiny", block_size=16), config)
    name = tiny_gpt.save_trained(trainer.model, trainer.data.tokenizer, "hostile-nan")
    weights = registry.trained_models_dir() / "hostile-nan" / "model.safetensors"
    header = 8 + int.from_bytes(weights.read_bytes()[:8], "little")
    weights.write_bytes(weights.read_bytes()[:header] + b"\xff" * (weights.stat().st_size - header))
    with pytest.raises(ModelUnavailable, match="not finite"):
        load_model(name, device="cpu", dtype="float32")
