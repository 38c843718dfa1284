"""What comes next, measured: long context, step-by-step reasoning and images as tokens, each a small live experiment.

`needle` hides a fact in a long text and asks for it back; `kv_cache` is the memory that costs;
`decode` is the timed greedy loop both use; `problems` and `reasoning` answer word problems
directly and "step by step"; `patches` and `vit` turn pictures into a sequence of vectors and train
a tiny vision transformer on them; `figures` draws the results. Retrieval, the other way past the
window, lives in the fine-tuning chapter (`finetune/rag.py`).
"""
