"""The classroom: the guided tour, the history timeline, myths vs facts, and ELIZA.

`tour` (steps, quizzes, live-widget maths), `tour_figures`, `history`, `myths`, `eliza`. The load test of a
whole class lives in `bench/` because it speaks Streamlit's protocol.
"""
