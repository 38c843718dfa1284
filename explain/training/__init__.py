"""Chapter 5, training: a tiny GPT trained from scratch on a corpus, live, one step at a time.

`corpora` (the texts), `char_tokenizer`, `data` (ids and batches), `tiny_gpt` (the model and its presets),
`trainer` (the loop, reporting through callbacks), `records` (what it reports), `probes` (samples, attention,
embedding map), `work` (the loop as a background job), `figures`. The background thread is `explain.core.jobs`.
"""
