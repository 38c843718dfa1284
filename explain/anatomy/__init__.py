"""Chapter: anatomy, one forward pass of the real model taken apart, end to end.

`diagram` (the stages and shapes, read from the config), `stream` (the residual stream recorded
with hooks and checked to sum up), `dla` (each layer's share of the next token's logit),
`report` (the per-layer numbers the page and `anatomy --json` share), `neurons`, `ablation`,
`attribution` (which input words mattered) and `figures`.
"""
