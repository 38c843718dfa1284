"""Writes `teacher_smollm2.txt`: what SmolLM2 (the teacher) wrote about LLMs, for the distillation tab.

Run `python assets/distill/make_teacher_text.py` (about a minute on 2 CPU cores). The prompts are
`explain.finetune.distill.TEACHER_PROMPTS`; sampling uses temperature 0.7, top-p 0.95 and seed 0, float32.
"""

import json
import time
from pathlib import Path

from explain.core.loading import load_model
from explain.finetune.distill import TEACHER_PROMPTS, teacher_text


def main() -> None:
    lm = load_model("smollm2-135m", device="cpu", dtype="float32")
    texts, start = [], time.perf_counter()
    for seed in range(3):  # three samples per prompt: about 3 x 16 answers
        texts.append(teacher_text(lm, TEACHER_PROMPTS, max_new_tokens=160, temperature=0.7, seed=seed))
    folder = Path(__file__).parent
    (folder / "teacher_smollm2.txt").write_text("\n".join(texts), encoding="utf-8")
    meta = {
        "prompts": TEACHER_PROMPTS,
        "samples_per_prompt": 3,
        "max_new_tokens": 160,
        "temperature": 0.7,
        "top_p": 0.95,
        "seeds": [0, 1, 2],
        "dtype": "float32",
        "seconds": round(time.perf_counter() - start, 1),
    }
    (folder / "teacher_smollm2.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    print(meta["seconds"], "s,", sum(len(t) for t in texts), "chars")


if __name__ == "__main__":
    main()
