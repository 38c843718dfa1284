"""LLM Explainer's model logic: everything the pages show, as plain data.

Nothing in this package imports Streamlit, so every function here is usable from
tests, the command line (`python -m explain`) and notebooks alike.
"""
