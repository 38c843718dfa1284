"""Images as tokens: patches against brute force, the tiny ViT's accuracy and attention, uploads checked."""

import io

import numpy as np
import pytest
import torch
from PIL import Image

from explain.core.limits import MAX_IMAGE_BYTES
from explain.frontier import patches, vit


def test_patches_row_by_row_against_brute_force():
    image = np.random.default_rng(0).random((8, 8, 3))
    got = patches.to_patches(image, 2)
    expected = [image[r : r + 2, c : c + 2].reshape(-1) for r in range(0, 8, 2) for c in range(0, 8, 2)]
    assert got.shape == (16, 12) and np.array_equal(got, np.array(expected))
    with pytest.raises(ValueError, match="does not split"):
        patches.to_patches(image, 3)


def test_the_default_run_reaches_90_percent_on_held_out_digits(trained_vit):
    _, result = trained_vit
    assert result["heldout_accuracy"] >= 0.90, result
    assert (result["patches"], result["patch_size"], result["heldout"]) == (16, 2, 359)
    assert result["params"] < 100_000


def test_flatten_and_project_is_the_models_own_patch_embedding(trained_vit):
    model, _ = trained_vit
    image = patches.digits()[0][5]
    with torch.inference_mode():
        ref = model.vit.embeddings.patch_embeddings(vit.pixels(image[None]))[0].numpy()  # (16, 64)
    assert np.allclose(vit.patch_vectors(model, image), ref, atol=1e-5)


def test_attention_over_patches_is_a_distribution(trained_vit):
    model, _ = trained_vit
    seen = vit.look(model, patches.digits()[0][0])
    assert len(seen["attentions"]) == 2 and seen["attentions"][0].shape == (4, 17, 17)
    assert all(np.allclose(a.sum(-1), 1, atol=1e-5) for a in seen["attentions"])
    grid = vit.cls_attention(seen["attentions"])
    assert grid.shape == (4, 4) and grid.sum() <= 1 + 1e-5
    assert abs(seen["probs"].sum() - 1) < 1e-5


def _png(size=(40, 30), colour=(255, 255, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("notes.txt", b"hello, not a picture", "not a picture"),
        ("big.png", b"\x89PNG" + b"0" * MAX_IMAGE_BYTES, "the limit is 2,000,000 bytes"),
        ("wide.png", _png((3000, 2000)), "the limit is 4,000,000 pixels"),
        ("cut.png", _png()[:60], "not a picture"),
    ],
)
def test_bad_uploads_get_a_one_line_error(name, data, message):
    with pytest.raises(patches.ImageError, match=message) as info:
        patches.read_image(name, data)
    assert "\n" not in str(info.value) and name in str(info.value)


def test_a_good_upload_becomes_an_8x8_digit_with_bright_ink():
    picture = Image.new("L", (64, 64), 255)
    picture.paste(0, (24, 8, 40, 56))  # a dark bar on white paper
    out = io.BytesIO()
    picture.save(out, format="PNG")
    digit = patches.as_digit(patches.read_image("one.png", out.getvalue()))
    assert digit.shape == (8, 8) and 0 <= digit.min() and digit.max() <= 1
    assert digit[1:7, 3:5].mean() > 0.9 and digit[:, 0].max() < 0.1  # ink bright, paper dark
