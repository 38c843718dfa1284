"""Chapter 1, tokenization: text to tokens with real tokenizers, side by side, and BPE trained step by step.

`tokens` (load and run a tokenizer), `compare` (several at once), `ids` (ids back to text and bytes),
`tax` (the same message in ten languages), `letter_count` (why letters are hard), `bpe` (training merges).
"""
