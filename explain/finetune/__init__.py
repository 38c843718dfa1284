"""Chapter 6, beyond pretraining: LoRA fine-tuning, retrieval-augmented generation and distillation.

`data` (the pizza dialogues and their labels), `lora` (fine-tuning SmolLM2 on them), `adapters` (saved
adapter folders), `lora_work` (the fine-tuning as a background job), `rag` (answering from retrieved
chunks, with the retrieval core of `explain.embeddings`), `distill` (a tiny student learns from the
teacher's text), `figures`. The background thread is `explain.core.jobs`.
"""
