"""Chapter 3, attention: reading the model's attention weights and recomputing one row by hand.

`heads` (per-head statistics, presets, head-view lines), `recompute` (q·k/√d → mask → softmax from hooks
on the real modules), `figures` (heatmaps, small multiples, the layers × heads grid).
"""
