"""Chapter 4, next token: the distribution, the logit lens, perplexity and confident wrong answers.

The decoding loop itself (`sampling`, `generation`, `chat`) is in `explain.core`, since later chapters use it.
"""
