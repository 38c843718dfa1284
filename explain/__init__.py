"""LLM Explainer's model logic: everything the pages show, as plain data.

Nothing in this package imports Streamlit, so every function here is usable from
tests, the command line (`python -m explain`) and notebooks alike.

Importing it (before torch) makes torch's OpenMP threads wait passively: with the default
spin-waiting, two threads on 2 cores shared with other work burn their time spinning, and
a 64-token SmolLM2 pass measured 3-12x slower (float32 3.2 s against 0.98 s, bfloat16
11.6 s against 0.59 s, load average 16-18; CPU time 1,085 against 398 ms and 3,747
against 202 ms). An OMP_WAIT_POLICY already set is kept.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
