"""Chapter 5, training: a tiny GPT trained from scratch on a corpus, live, one step at a time.

`corpora` (the texts), `char_tokenizer`, `tiny_gpt` (the model and its presets), `trainer` (the loop,
reporting through callbacks), `figures`. The background thread is `explain.core.jobs`.
"""
