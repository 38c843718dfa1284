"""Chapter 6, beyond pretraining: LoRA fine-tuning, retrieval-augmented generation and distillation.

`lora` (fine-tuning SmolLM2 on the pizza dialogues), `rag` (answering from retrieved chunks, with the
retrieval core of `explain.embeddings`), `distill` (a tiny student learns from the teacher's text), `figures`.
"""
