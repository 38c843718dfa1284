"""Images are tokens too: a picture cut into square patches, each flattened into one vector.

A vision transformer reads an image the way a language model reads text: as a sequence. The
picture is cut into P x P patches, row by row; each patch's pixels are flattened into P * P
numbers (times the colour channels) and a learned linear map turns them into a vector of the
model's width, one "token" per patch (Dosovitskiy et al. 2020, "An Image is Worth 16x16 Words").

    >>> import numpy as np
    >>> to_patches(np.arange(16.0).reshape(4, 4), 2)[0].tolist()
    [0.0, 1.0, 4.0, 5.0]

Pictures come from scikit-learn's bundled 8 x 8 handwritten digits, or from an upload that is
checked here (size, pixels, format) and turned into an 8 x 8 digit-like picture. Leaves out the
model (see `frontier/vit.py`).
"""

from __future__ import annotations

import io
from functools import cache

import numpy as np

from explain.core.limits import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS

DIGIT_SIDE = 8  # scikit-learn's digits are 8 x 8 pixels, values 0..16
PREVIEW_SIDE = 256  # an upload is shown at most this wide


class ImageError(ValueError):
    """An upload that cannot be used as a picture; the message is one line saying why."""


@cache
def digits() -> tuple[np.ndarray, np.ndarray]:
    """(images (1797, 8, 8) scaled to 0..1, labels (1797,)): the UCI handwritten digits bundled with scikit-learn."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return (data.images / 16.0).astype(np.float32), data.target.astype(np.int64)


def to_patches(image: np.ndarray, size: int) -> np.ndarray:
    """(H, W) or (H, W, C) -> (patches, size * size * C): square patches row by row, each flattened row-major."""
    pixels = image[..., None] if image.ndim == 2 else image
    h, w, c = pixels.shape
    if h % size or w % size:
        raise ValueError(f"a {h} x {w} image does not split into {size} x {size} patches")
    grid = pixels.reshape(h // size, size, w // size, size, c).transpose(0, 2, 1, 3, 4)  # (rows, cols, P, P, C)
    return grid.reshape(-1, size * size * c)


def project(patches: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """(patches, P*P*C) @ weight.T + bias -> (patches, width): each patch becomes one vector, a "token"."""
    return patches @ weight.T + bias


def read_image(name: str, data: bytes):
    """The upload as a PIL image (RGB), or ImageError: over MAX_IMAGE_BYTES, not an image, over MAX_IMAGE_PIXELS."""
    from PIL import Image, UnidentifiedImageError

    label = name[:80]
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError(f"'{label}' is {len(data):,} bytes; the limit is {MAX_IMAGE_BYTES:,} bytes.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ImageError(
                    f"'{label}' is {width:,} x {height:,} pixels; the limit is {MAX_IMAGE_PIXELS:,} pixels."
                )
            probe.load()
            return probe.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        if isinstance(exc, ImageError):
            raise
        raise ImageError(f"'{label}' is not a picture this page can read: upload a PNG, JPEG, GIF or WebP.") from None


def as_digit(picture) -> np.ndarray:
    """A PIL image as an 8 x 8 digit-like picture (0..1, bright ink on a dark ground, like the training digits)."""
    from PIL import Image

    small = np.asarray(picture.convert("L").resize((DIGIT_SIDE, DIGIT_SIDE), Image.Resampling.BOX), dtype=np.float32)
    small = small / 255.0
    return (1.0 - small) if small.mean() > 0.5 else small  # dark ink on paper becomes bright ink


def preview(picture) -> np.ndarray:
    """The upload scaled to at most PREVIEW_SIDE pixels wide, as an (H, W, 3) uint8 array."""
    copy = picture.copy()
    copy.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    return np.asarray(copy)
