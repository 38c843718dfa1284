"""Chapter 2, embeddings: token vectors, sentence vectors, maps of them, and vector search.

`token_table` (the LM's input-embedding rows), `sentences` (MiniLM vectors), `projection` (PCA / t-SNE / UMAP),
`analogies`, `figures`; the retrieval core RAG reuses: `chunking` (the one chunker), `index` (hnswlib and the
exact cosine oracle), `search` (embed, index, query).
"""
