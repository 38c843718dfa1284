"""Streamlit glue shared by the pages: words, URL state, cached models, sidebar.

`explain/` holds the logic and never imports Streamlit; this package is the
only other place, besides `pages/` and `app.py`, that does.
"""
