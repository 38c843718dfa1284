"""Fitting a power law y = a * x^b by least squares on the logarithms (a straight line on log-log axes).

Scaling studies report how the loss falls with parameters or compute as such an exponent
(Kaplan et al. 2020, arXiv:2001.08361: L(N) = (N_c / N)^0.076, L(C) with exponent 0.050;
Hoffmann et al. 2022, arXiv:2203.15556, add an irreducible loss E: L = E + A / N^0.34 + B / D^0.28).
This fits the plain two-parameter form with numpy; it leaves out the irreducible term,
which a handful of toy points cannot pin down.

    >>> fit = fit_power_law([1e3, 1e4, 1e5], [4.0, 2.0, 1.0])
    >>> round(fit.exponent, 4), round(fit.r2, 4)
    (-0.301, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KAPLAN_PARAMS_EXPONENT = -0.076  # Kaplan et al. 2020, eq. 1.1: L(N) = (N_c / N)^0.076 (non-embedding parameters)
KAPLAN_COMPUTE_EXPONENT = -0.050  # Kaplan et al. 2020, eq. 1.3: L(C_min) = (C_c / C_min)^0.050
CHINCHILLA_PARAMS_EXPONENT = -0.34  # Hoffmann et al. 2022, eq. 10: the A / N^0.34 term (above an irreducible E)


@dataclass(frozen=True)
class PowerLaw:
    prefactor: float  # a
    exponent: float  # b: negative when y falls as x grows
    r2: float  # share of the variance of log y the line explains (1 = every point on it)

    def __call__(self, x) -> np.ndarray:
        return self.prefactor * np.asarray(x, dtype=float) ** self.exponent


def fit_power_law(xs, ys) -> PowerLaw:
    """Least-squares line through (log x, log y); needs at least two distinct positive x and positive y."""
    x, y = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if x.shape != y.shape or x.size < 2:
        raise ValueError("A power law needs at least two (x, y) points.")
    if (x <= 0).any() or (y <= 0).any():
        raise ValueError("A power law is fitted on logarithms: every x and y must be positive.")
    if np.unique(x).size < 2:
        raise ValueError("A power law needs at least two different x values.")
    lx, ly = np.log(x), np.log(y)
    slope, intercept = np.polyfit(lx, ly, 1)
    residual = ly - (slope * lx + intercept)
    spread = ((ly - ly.mean()) ** 2).sum()
    r2 = 1.0 - (residual**2).sum() / spread if spread > 0 else 1.0
    return PowerLaw(float(np.exp(intercept)), float(slope), float(r2))
