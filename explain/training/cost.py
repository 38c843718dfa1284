"""What training a model costs, from the rule C = 6 N D: FLOPs, time on this computer and on a GPU, energy.

N (parameters) and D (training tokens) come from the history timeline, each with its source;
where D was never published the cost is not computed. For a mixture of experts N is the
parameters *used per token*, which the timeline does not list (Mixtral's 12.9 B of 46.7 B),
so 6 x all its parameters would overcount. Time = C / (peak FLOP/s x utilisation): the
computer's peak is measured live with a matmul (the bench's `matmul_flops`), the GPU's is its
data sheet's. Energy = power x time. Every assumption is a field of `Assumptions`, shown on the page.

    >>> c = training_cost(175e9, 300e9, flops_per_s=1e12)
    >>> c["flops"], round(c["gpu_days"])
    (3.15e+23, 9216)

Leaves out measuring this computer (see `bench/reference_train.py`) and the timeline itself
(see `classroom/history.py`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from explain.classroom import history

SECONDS_PER_DAY = 86_400
SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY


@dataclass(frozen=True)
class Assumptions:
    gpu_name: str = "NVIDIA H100 SXM"  # the GPU the time is computed for
    gpu_peak_flops: float = 989e12  # its dense BF16 peak (data sheet: 989 TFLOP/s; 1,979 is with 2:4 sparsity)
    gpu_utilisation: float = (
        0.40  # share of the peak a large run achieves (model FLOPs utilisation; 35-50 % is typical)
    )
    gpu_watts: float = 700.0  # the GPU's maximum power (data sheet), cooling and the rest of the server left out
    here_utilisation: float = 1.0  # this computer is credited with its full measured matmul speed: a best case
    here_watts: float = 30.0  # a laptop's processor under full load, roughly

    def as_dict(self) -> dict:
        return asdict(self)


SOURCES = {
    "rule": "C = 6 N D: Kaplan et al. 2020, arXiv:2001.08361, §2.1; Hoffmann et al. 2022, arXiv:2203.15556",
    "gpu": "NVIDIA H100 Tensor Core GPU data sheet (SXM: 989 TFLOP/s dense BF16, up to 700 W), nvidia.com",
    "utilisation": "Chowdhery et al. 2022 (PaLM), arXiv:2204.02311, Table 3: model FLOPs utilisation 46.2 %",
}


def training_flops(params: float, tokens: float) -> float:
    """C = 6 N D: 2 FLOPs per parameter per token forward, 4 backward.

    >>> training_flops(70e9, 1.4e12)
    5.88e+23
    """
    return 6.0 * float(params) * float(tokens)


def training_cost(params: float, tokens: float, flops_per_s: float, assume: Assumptions = Assumptions()) -> dict:
    """FLOPs, seconds / days / years here and on one GPU, GPU-days, and energy in kWh for N params and D tokens."""
    if flops_per_s <= 0:
        raise ValueError("The computer's speed must be a positive number of FLOP/s.")
    flops = training_flops(params, tokens)
    here = flops / (flops_per_s * assume.here_utilisation)
    gpu = flops / (assume.gpu_peak_flops * assume.gpu_utilisation)
    return {
        "flops": flops,
        "seconds_here": here,
        "years_here": here / SECONDS_PER_YEAR,
        "gpu_seconds": gpu,
        "gpu_days": gpu / SECONDS_PER_DAY,
        "gpu_kwh": gpu * assume.gpu_watts / 3.6e6,
        "here_kwh": here * assume.here_watts / 3.6e6,
    }


def costable_models() -> list[history.Milestone]:
    """The timeline's models with a published parameter count (oldest first); D may still be None."""
    return [m for m in history.load_timeline() if m.parameters]


def find_model(name: str) -> history.Milestone:
    """A timeline model by id or name, case-insensitive ('gpt3', 'GPT-3'); ValueError naming the choices."""
    wanted = name.strip().lower()
    for m in costable_models():
        if wanted in (m.id.lower(), m.name.lower()):
            return m
    known = ", ".join(m.id for m in costable_models())
    raise ValueError(f"No model '{name[:60]}' with a published size in the timeline; choose one of: {known}.")


def model_cost(m: history.Milestone, flops_per_s: float, assume: Assumptions = Assumptions()) -> dict:
    """The cost of timeline model `m`, or only its size when its training tokens were never published."""
    result = {"model": m.name, "params": m.parameters, "tokens": m.training_tokens, "source": m.source}
    if not m.training_tokens:
        return {**result, "flops": None, "seconds_here": None, "note": "training tokens not published"}
    return {**result, **training_cost(m.parameters, m.training_tokens, flops_per_s, assume)}
