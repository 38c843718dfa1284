"""LLM Explainer's model logic: everything the pages show, as plain data.

Nothing in this package imports Streamlit, so every function here is usable from
tests, the command line (`python -m explain`) and notebooks alike.

Importing it (before torch) makes torch's OpenMP threads wait passively: with the default
spin-waiting, two threads on 2 cores shared with other work burn their time spinning, and
a 64-token SmolLM2 pass measured 3-12x slower (float32 3.2 s against 0.98 s, bfloat16
11.6 s against 0.59 s, load average 16-18; CPU time 1,085 against 398 ms and 3,747
against 202 ms). An OMP_WAIT_POLICY already set is kept.
What it costs on an idle machine, measured (2026-11-30, 2 cores, bf16, `bench/bench_models.py`'s 64-token analysis):
a sleeping thread takes ~13 us to wake for each parallel operation (a 2-thread multiply of 64 x 576 floats: 20 us
passive, 7 us spinning), so the pass runs 85-93 ms passive against 67-69 ms with libgomp's default spin. A bounded
spin (`GOMP_SPINCOUNT=1000`) recovers most of it on an idle machine (69-80 ms) but with ONE busy process beside it
the pass took 158-162 ms against 108-122 ms passive, and 6 busy processes made `GOMP_SPINCOUNT=10000` 5x slower.
A laptop serving a class is rarely idle (its browser, the projector), so the passive policy stays.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
