"""The anatomy figures: one clickable point per stage, escaped labels, Italian separators."""

from explain.anatomy import figures as figs
from explain.anatomy.diagram import ModelShape, stages

SHAPE = ModelShape(2, 4, 2, 8, 32, 64, 49152, "RMSNorm", "SwiGLU", "rotary", True)


def test_diagram_has_one_clickable_point_per_stage_and_escapes_values():
    steps = stages(SHAPE)
    names = {s.key: s.key for s in steps}
    fig = figs.diagram(steps, names, {"ids": "<b>x</b>"}, "attn", "× 2", lang="it")
    (trace,) = fig.data
    assert list(trace.customdata) == [s.key for s in steps]
    assert "&lt;b&gt;x&lt;/b&gt;" in trace.text[0] and "<b>x</b>" not in trace.text[0]
    assert "(T, 49.152)" in trace.text[-1]
    assert sum(1 for s in fig.layout.shapes if s.fillcolor == figs.SELECTED) == 1


def test_layer_shares_and_before_after():
    layers = [{"layer": n, "dla_attn": 0.5 * n, "dla_mlp": -n} for n in range(3)]
    labels = {"dla_attn": "a", "dla_mlp": "m", "embedding": "e", "layer": "l", "logit": "g"}
    fig = figs.layer_shares(layers, 0.25, labels)
    assert [list(tr.y) for tr in fig.data] == [[0, 0.5, 1.0], [0, -1, -2], [0.25]]
    before = [{"token": " <a>", "prob": 0.7}, {"token": " b", "prob": 0.1}]
    after = [{"token": " b", "prob": 0.4}]
    fig = figs.before_after(before, after, {"before": "b", "after": "a", "prob": "p"})
    assert list(fig.data[0].y) == ["·&lt;a&gt;", "·b"] and list(fig.data[1].x) == [0.0, 0.4]
