"""Streamlit glue for the images tab: a picture cut into patches, its patch vectors, a tiny ViT trained live.

A digit from scikit-learn's set (or an upload, checked and turned into an 8 x 8 picture) is drawn
with its patch grid; its patches are listed like a text's tokens, each with its pixels and the
first numbers of its vector. Training runs as a background job (seconds); the trained model then
gives its guess and its attention over the patches. Leaves out the model and the patching
(`frontier/vit.py`, `frontier/patches.py`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from explain.core.limits import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS
from explain.frontier import figures, patches, vit
from ui import jobs
from ui.page import file_upload, show_error
from ui.text import localise, num, t

JOB_KEY = "frontier_vit_job"
SHOWN_DIMS = 6  # numbers of each patch vector listed


@st.cache_resource(show_spinner=False)
def untrained():
    """The model before training (seeded): its patch embedding is still random."""
    return vit.build(vit.VitConfig()).eval()


def picture() -> np.ndarray | None:
    """The chosen 8 x 8 picture (0..1): a digit from the set, or the upload; None when the upload is refused."""
    source = st.radio(t("frontier.im_source"), ["digits", "upload"], key="fr_im_source", horizontal=True,
                      format_func=lambda s: t(f"frontier.im_source_{s}"))  # fmt: skip
    if source == "digits":
        images, labels = patches.digits()
        index = st.slider(t("frontier.im_pick"), 0, len(labels) - 1, 0, key="fr_im_index")
        st.caption(t("frontier.im_label", digit=int(labels[index])))
        return images[index]
    help_text = t(
        "frontier.im_upload_help", mb=num(MAX_IMAGE_BYTES / 1e6, ".0f"), mp=num(MAX_IMAGE_PIXELS / 1e6, ".0f")
    )
    upload = file_upload(t("frontier.im_upload"), type=["png", "jpg", "jpeg", "gif", "webp", "bmp"], key="fr_im_file",
                         help=help_text)  # fmt: skip
    if upload is None:
        st.info(help_text)
        return None
    try:
        original = patches.read_image(upload.name, upload.getvalue())
    except patches.ImageError as exc:
        show_error(exc)
        return None
    st.image(patches.preview(original), caption=t("frontier.im_original"))
    return patches.as_digit(original)


def sequence(image: np.ndarray, model) -> None:
    """The patches as a sequence: index, place, pixels and the first numbers of each vector."""
    size = vit.VitConfig.patch
    flat = patches.to_patches(image, size)
    vectors = vit.patch_vectors(model, image)
    side = image.shape[1] // size
    rows = [
        {
            t("frontier.im_col_patch"): i,
            t("frontier.im_col_place"): f"{i // side + 1}, {i % side + 1}",
            t("frontier.im_col_pixels"): " ".join(num(v, ".2f") for v in flat[i]),
            t("frontier.im_col_vector"): " ".join(num(v, "+.3f") for v in vectors[i, :SHOWN_DIMS]) + " …",
        }
        for i in range(len(flat))
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=250)


def trained_view(image: np.ndarray, values: dict) -> None:
    result, model = values["result"], values["model"]
    st.success(
        t(
            "frontier.im_result",
            acc=num(result["heldout_accuracy"], ".1%"), n=result["heldout"], steps=vit.VitConfig.steps,
            seconds=num(result["seconds"], ".1f"), params=num(result["params"], ","),
        )
    )  # fmt: skip
    left, right = st.columns(2)
    curve = figures.curve_figure(
        values.get("curve", []), {"step": t("frontier.im_step"), "accuracy": t("frontier.st_accuracy")}
    )
    left.plotly_chart(localise(curve), key="fr_vit_curve")
    seen = vit.look(model, image)
    digit = int(seen["probs"].argmax())
    right.markdown(t("frontier.im_guess", digit=digit, prob=num(float(seen["probs"][digit]), ".0%")))
    right.plotly_chart(
        figures.attention_figure(vit.cls_attention(seen["attentions"]), t("frontier.im_weight")), key="fr_att"
    )
    right.caption(t("frontier.im_attention"))


def render() -> None:
    st.markdown(t("frontier.im_intro"))
    image = picture()
    values = jobs.finished(JOB_KEY)
    model = values.get("model") or untrained()
    if image is not None:
        left, right = st.columns([1, 2])
        left.plotly_chart(figures.image_figure(image, vit.VitConfig.patch), key="fr_img")
        with right:
            st.markdown(
                t("frontier.im_patches", n=vit.VitConfig().patches, p=vit.VitConfig.patch, w=vit.VitConfig.width)
            )
            sequence(image, model)
    if st.button(t("frontier.im_train"), key="fr_vit_train", type="primary"):
        jobs.start(JOB_KEY, jobs.board_job(lambda board: vit.train_work(vit.VitConfig(), board)))
    jobs.follow(JOB_KEY, jobs.bar(t("frontier.im_training")), keep=True)
    if values.get("model") is None:
        st.caption(t("frontier.im_untrained"))
    elif image is not None:
        trained_view(image, values)
    st.markdown(t("frontier.im_join"))
