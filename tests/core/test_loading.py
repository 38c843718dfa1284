"""Loading: the safetensors cache of the GGUF, devices, and models that are not here."""

import os
import shutil

import pytest

from explain.core import gguf_cache, registry
from explain.core.device import pick_device, pick_dtype
from explain.core.loading import ModelUnavailable, load_model
from explain.core.text_input import EmptyTextError, clean_text, require_text


def test_registry_lists_the_embedded_models_as_available():
    specs = {s.name: s for s in registry.builtin_specs()}
    assert set(specs) == {"smollm2-135m", "minilm-l6", "cl100k", "o200k"}
    assert all(s.available for s in specs.values())
    assert specs["smollm2-135m"].kind == "causal-lm" and specs["minilm-l6"].kind == "encoder"


def test_conversion_is_complete_and_reused(smollm, cache_root, monkeypatch):
    folder = gguf_cache.converted_dir("smollm2-135m")
    assert str(folder).startswith(cache_root)
    assert gguf_cache.is_complete(folder, registry.smollm2_gguf_path())
    monkeypatch.setattr(gguf_cache, "_convert", lambda *a: pytest.fail("converted again"))
    assert gguf_cache.ensure_converted("smollm2-135m", registry.smollm2_gguf_path()) == folder


def test_a_truncated_cache_is_detected(smollm, tmp_path):
    source = registry.smollm2_gguf_path()
    copy = tmp_path / "copy"
    shutil.copytree(gguf_cache.converted_dir("smollm2-135m"), copy)
    assert gguf_cache.is_complete(copy, source)
    weights = copy / "model.safetensors"
    with open(weights, "r+b") as f:
        f.truncate(weights.stat().st_size // 2)
    assert not gguf_cache.is_complete(copy, source)
    (copy / gguf_cache.MANIFEST).write_text("{not json")
    assert not gguf_cache.is_complete(copy, source)


def test_a_corrupt_cache_of_the_right_size_is_rebuilt_on_load(smollm, tmp_path, monkeypatch):
    """Garbage in the safetensors header passes the size check, fails to load, and is converted again."""
    monkeypatch.setenv("LLM_EXPLAINER_CACHE", str(tmp_path))
    shared_copy = os.path.join(smollm.source.split("(cached as ")[-1].rstrip(")"))
    shutil.copytree(shared_copy, tmp_path / "models" / "smollm2-135m")
    weights = gguf_cache.converted_dir("smollm2-135m") / "model.safetensors"
    assert str(weights).startswith(str(tmp_path))
    with open(weights, "r+b") as f:
        f.write(b"\xff" * 64)
    lm = load_model("smollm2-135m", device="cpu", dtype="float32")
    assert lm.describe()["layers"] == 30
    with open(weights, "rb") as f:
        assert f.read(8) != b"\xff" * 8


def test_an_unknown_hub_model_gets_a_message_not_a_traceback():
    with pytest.raises(ModelUnavailable, match="not in the local Hugging Face cache"):
        load_model("no-such-owner/no-such-model")
    with pytest.raises(ModelUnavailable, match="is not a model name"):
        load_model("<script>alert(1)</script>")


def test_device_choice_falls_back_and_explains(monkeypatch):
    monkeypatch.delenv("LLM_EXPLAINER_DEVICE", raising=False)
    assert pick_device() in ("cuda", "mps", "cpu")
    assert pick_device("cpu") == "cpu"
    monkeypatch.setenv("LLM_EXPLAINER_DEVICE", "tpu")
    with pytest.raises(ValueError, match="not available"):
        pick_device()
    assert str(pick_dtype("cpu", "float32")) == "torch.float32"


def test_text_input_bounds_and_empty_text():
    cleaned = clean_text("x" * 100_000)
    assert cleaned.truncated and len(cleaned.text) == cleaned.limit
    with pytest.raises(EmptyTextError):
        require_text(" \n\t ")
    assert clean_text("مرحبا 🙂 東京").text == "مرحبا 🙂 東京"
    assert clean_text(b"\xff\xfeabc").text.endswith("abc")


def test_the_libraries_a_load_needs_are_imported_ahead_once_per_process():
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from explain.core import loading\n"
        "before = 'transformers.models.llama.modeling_llama' in sys.modules\n"
        "loading.import_libraries_once(); loading.import_libraries_once()\n"
        "print(before, len(loading._imports_done), 'transformers.models.llama.modeling_llama' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180, check=True)
    assert out.stdout.split() == ["False", "1", "True"]  # not imported by explain itself; imported once; then there
