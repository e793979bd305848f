"""Products of random matrices: the exact top Lyapunov exponent of untied Gaussian products
(Newman 1986) and its contrast with the tied product W^ℓ (Gelfand's formula).

Untied: P_N = G_N ⋯ G_1 with G_t independent, entries i.i.d. N(0, σ²/n). For any fixed
unit vector v, rotational invariance makes the ratios r_t = ‖G_t u_{t−1}‖ (u the normalised
running vector) independent with r_t² ~ (σ²/n)·χ²_n, so log‖P_N v‖ = Σ_t log r_t is a sum of
N i.i.d. terms with

    E log r_t = log σ + ½[ψ(n/2) + log(2/n)] = λ₁,      Var log r_t = ψ'(n/2)/4,

ψ the digamma and ψ' the trigamma function. Hence E log‖P_N v‖ = N·λ₁ and
Var log‖P_N v‖ = N·ψ'(n/2)/4, exactly, at every finite n.

Tied: a linear RNN multiplies by the same W every step and log‖W^ℓ‖₂/ℓ → log ρ(W)
(Gelfand; see :func:`theory.log_power_norm_bounds`). For Gaussian W the two rates differ at
small n: λ₁ < log σ always, while log ρ(W) is a random variable that does not average over
steps, and whose mean exceeds λ₁ for n ≥ 2: E log ρ(W) − λ₁ = 0.092 ± 0.004 at n = 2,
0.107 ± 0.001 at n = 8 (20 000 draws each) and 0.063 ± 0.001 at n = 64 (5000 draws), by
simulation (numpy eigenvalues, ± one standard error). The tied rate after ℓ = 200 steps,
log‖W^200‖₂/200, which tests/test_tied_untied.py measures, is larger by an O(1/ℓ) transient:
0.067 ± 0.001 above λ₁ at n = 64 (5000 draws). At n = 1 the two means coincide.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import digamma, polygamma

from ._validation import as_lags, as_positive_float

__all__ = ["lyapunov_exponent_gaussian", "log_norm_moments_gaussian"]


def _as_count(n, name="n", minimum=1):
    """An integer ≥ minimum (integral floats, 0-d arrays and tensors accepted), else ValueError."""
    what = "a positive integer" if minimum == 1 else f"an integer ≥ {minimum}"
    array = as_lags(n, name)
    if np.ndim(array) != 0:
        raise ValueError(f"{name} must be {what}, got an array of shape {np.shape(array)}")
    value = int(array)
    if value < minimum:
        raise ValueError(f"{name} must be {what}, got {n!r}")
    return value


def lyapunov_exponent_gaussian(n, sigma=1.0):
    """Top Lyapunov exponent of untied n×n Gaussian products: λ₁ = log σ + ½[ψ(n/2) + log(2/n)].

    Hypotheses: G_1, G_2, … independent n×n matrices with i.i.d. N(0, σ²/n) entries (an
    "untied" linear RNN: fresh weights every step). Conclusion: for every fixed v ≠ 0 and
    every N, E log(‖G_N ⋯ G_1 v‖/‖v‖) = N·λ₁ exactly, and (1/N) log‖G_N ⋯ G_1 v‖ → λ₁ almost
    surely. Since ψ(x) < log x, λ₁ < log σ: the typical growth rate is below the rate
    ½ log E‖G v‖² = log σ of the mean square, by ≈ 1/(2n) for large n (−0.635 + log σ at n = 1).

    Parameters
    ----------
    n : int
        Matrix size, n ≥ 1.
    sigma : float, optional
        σ > 0, the entry scale (entries N(0, σ²/n)); default 1.

    Returns
    -------
    float
        λ₁ (natural log per step).

    Raises
    ------
    ValueError
        If n is not a positive integer or σ ≤ 0 or non-finite.

    References
    ----------
    Newman (1986), "The distribution of Lyapunov exponents: exact results for random
    matrices", Commun. Math. Phys. 103, 121–126 (the exact spectrum of Gaussian products);
    Cohen & Newman (1984), "The stability of large random matrices and their products",
    Ann. Probab. 12(2), 283–310; Furstenberg & Kesten (1960), Ann. Math. Statist. 31.

    Examples
    --------
    >>> round(lyapunov_exponent_gaussian(2), 6)   # ½ψ(1) = −γ_Euler/2
    -0.288608
    >>> lyapunov_exponent_gaussian(256) < 0.0 < lyapunov_exponent_gaussian(256, sigma=1.01)
    True
    """
    n = _as_count(n)
    sigma = as_positive_float(sigma, "sigma")
    return math.log(sigma) + 0.5 * (float(digamma(n / 2.0)) + math.log(2.0 / n))


def log_norm_moments_gaussian(n, steps, sigma=1.0):
    """Exact mean and variance of log(‖G_N ⋯ G_1 v‖/‖v‖) for untied Gaussian products.

    Hypotheses: as in :func:`lyapunov_exponent_gaussian`, v fixed (or independent of the G_t).
    Conclusion: the log-norm is a sum of N i.i.d. terms ½ log(σ²χ²_n/n), so its mean is
    N·λ₁ and its variance N·ψ'(n/2)/4 (ψ' the trigamma function), exactly.

    Parameters
    ----------
    n : int
        Matrix size, n ≥ 1.
    steps : int
        N ≥ 0, the number of factors.
    sigma : float, optional
        σ > 0 (default 1).

    Returns
    -------
    (mean, variance) : tuple of float

    Raises
    ------
    ValueError
        If n is not a positive integer, steps negative or not an integer, or σ ≤ 0.

    References
    ----------
    Newman (1986), Commun. Math. Phys. 103 (the χ² decomposition); Abramowitz &
    Stegun (1964), 6.4.1 (trigamma).

    Examples
    --------
    >>> mean, var = log_norm_moments_gaussian(2, 10)
    >>> round(mean, 5), round(var, 5)
    (-2.88608, 4.11234)
    """
    n = _as_count(n)
    steps = _as_count(steps, "steps", minimum=0)
    sigma = as_positive_float(sigma, "sigma")
    lam = lyapunov_exponent_gaussian(n, sigma)
    return steps * lam, steps * float(polygamma(1, n / 2.0)) / 4.0
