"""Chapter 5, training: a tiny GPT trained from scratch on a corpus, live, one step at a time.

`corpora` (the texts), `char_tokenizer`, `data` (ids and batches), `tiny_gpt` (the model and its presets),
`trainer` (the loop, reporting through callbacks), `records` (what it reports), `probes` (samples, attention,
embedding map), `work` (the loop as a background job), `figures`. The background thread is `explain.core.jobs`.
Bigger models (the scale page): `moe` (a Mixtral mixture of experts and its dense Mistral twin), `routing`
(reading the router), `moe_run` (both trained side by side), `moe_figures`; `scaling` (a sweep of sizes),
`power_law` (the fit), `scaling_figures`; `cost` (training cost from 6 N D).
"""
