"""Every bound on user input, in one place, so pages and messages quote the same numbers.

Covers the limits themselves. Leaves out enforcing them (see `core/text_input.py`).
"""

MAX_TEXT_CHARS = 20_000  # characters accepted from any text box; longer text is cut
MAX_ANALYSIS_TOKENS = 256  # tokens one model analysis looks at (attention is T x T per head)
MAX_URL_TEXT_CHARS = 1_000  # characters of text mirrored into a shareable URL
MAX_TOP_K = 100  # candidates a next-token listing returns
