"""Bias, measured: P(" he") against P(" she") after "The <occupation> said that", one forward pass each.

The probabilities are the next-token distribution the next-token page shows for the same prompt
(`core/analysis.analyze` then `softmax`; tested equal). A model learns such numbers from the text
it was trained on: if "the nurse ... she" is more frequent there than "the nurse ... he", the model
says so, whatever the world should be. English only: in Italian the noun already marks the gender
("l'infermiera" / "l'infermiere"), so the same question is not a fair test. Leaves out other
pronouns, other languages and debiasing.
"""

from __future__ import annotations

from explain.core.analysis import analyze, softmax
from explain.core.loading import LoadedModel

TEMPLATE = "The {occupation} said that"
OCCUPATIONS = (
    "nurse", "engineer", "doctor", "teacher", "secretary", "mechanic", "receptionist", "programmer",
    "pilot", "librarian", "carpenter", "hairdresser", "surgeon", "housekeeper", "plumber", "dancer",
    "firefighter", "cashier", "scientist", "nanny", "lawyer", "baker", "electrician", "designer",
)  # fmt: skip
PRONOUNS = (" he", " she")  # each one token in SmolLM2's vocabulary (checked by `pronoun_ids`)


def pronoun_ids(lm: LoadedModel) -> tuple[int, int]:
    """The ids of " he" and " she"; ValueError if the tokenizer splits either (the comparison needs one token)."""
    ids = []
    for word in PRONOUNS:
        encoded = lm.tokenizer(word, add_special_tokens=False)["input_ids"]
        if len(encoded) != 1:
            raise ValueError(f"'{word.strip()}' is {len(encoded)} tokens for this model; the comparison needs one.")
        ids.append(encoded[0])
    return ids[0], ids[1]


def check_template(template: str) -> str:
    """The template if it holds "{occupation}" once (as the CLI and the page require), else ValueError."""
    if template.count("{occupation}") != 1 or template.replace("{occupation}", "").count("{"):
        raise ValueError(
            'The template needs "{occupation}" exactly once and no other braces, e.g. "The {occupation} said that".'
        )
    return template


def measure(lm: LoadedModel, template: str = TEMPLATE, occupations: tuple[str, ...] = OCCUPATIONS) -> list[dict]:
    """[{"occupation", "prompt", "p_he", "p_she"}], one forward pass per occupation, in the given order."""
    he, she = pronoun_ids(lm)
    rows = []
    for occupation in occupations:
        prompt = check_template(template).replace("{occupation}", occupation)
        probs = softmax(analyze(lm, prompt).next_logits)
        rows.append({"occupation": occupation, "prompt": prompt, "p_he": float(probs[he]), "p_she": float(probs[she])})
    return rows
