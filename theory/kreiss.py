"""Transient growth of non-normal W: the Kreiss constant and the Kreiss matrix theorem.

For a linear RNN the Jacobian over ℓ steps is W^ℓ. When ρ(W) < 1 it decays eventually
(Gelfand), but a non-normal W can first make ‖W^ℓ‖₂ grow: the gradient grows before it
vanishes. The Kreiss matrix theorem brackets the peak by the resolvent:

    K(W) ≤ sup_{k≥0} ‖W^k‖₂ ≤ e·n·K(W),    K(W) = sup_{|z|>1} (|z| − 1)·‖(zI − W)^{−1}‖₂.

(The upper constant e·n is Spijker's 1991 sharpening of Kreiss's original bound.) For a
normal W with ρ(W) ≤ 1, K(W) = 1 and ‖W^k‖₂ = ρ(W)^k ≤ 1: no transient growth.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import as_square_matrix
from .spectra import spectral_norm, spectral_radius

__all__ = ["kreiss_constant", "log_kreiss_power_bounds"]

# Search grid: |z| − 1 log-spaced in [_S_MIN, R − 1], arg z uniform in [0, π] (a real W has
# a conjugation-symmetric resolvent norm) plus the arguments of the eigenvalues.
_S_MIN = 1e-10
_N_RADII = 32
_N_ANGLES = 64
_N_STARTS = 3
# Radii beyond R are skipped once their certified bound (R − 1)/(R − ‖W‖₂) is within this
# relative margin of the best value found.
_TAIL_RTOL = 1e-8


def _sigma_min_batch(z, W):
    """σ_min(z_k·I − W) for each entry z_k of the 1-d array z (W square)."""
    stack = z[:, None, None] * np.eye(len(W)) - W
    return np.linalg.svd(stack, compute_uv=False)[:, -1]


def kreiss_constant(W):
    """Kreiss constant K(W) = sup_{|z|>1} (|z| − 1)·‖(zI − W)^{−1}‖₂, by grid search and refinement.

    Hypotheses: W a finite real square matrix. Conclusion (Kreiss matrix theorem):
    K(W) ≤ sup_k ‖W^k‖₂ ≤ e·n·K(W); in particular a linear RNN whose W has ρ(W) < 1 but
    K(W) > 1 shows transient gradient growth of at least K(W) before decaying, and of at
    most e·n·K(W).

    Algorithm and accuracy: K = 1 if ‖W‖₂ ≤ 1 (then ‖(zI − W)^{−1}‖₂ ≤ 1/(|z| − 1) and the
    limit |z| → ∞ gives 1), but not only if: [[0, 2], [0, 0]] has K = 1 and ‖W‖₂ = 2;
    K = inf when ρ(W) > 1 (z approaching an eigenvalue outside the closed unit disk).
    Otherwise f(z) = (|z| − 1)/σ_min(zI − W) is
    evaluated on a grid of 32 radii (|z| − 1 log-spaced from 1e-10 to R − 1, with R large
    enough that f ≤ (R − 1)/(R − ‖W‖₂) ≤ (1 + 1e-8)·max f beyond it) times 64 angles plus the
    eigenvalue angles, and the best 3 grid points are refined by Nelder–Mead in
    (log(|z| − 1), arg z) to relative tolerance 1e-12. The result is the largest value of f
    evaluated, hence a lower estimate: K̂ ≤ K(1 + O(n·ε_mach·κ)) always (κ the condition
    number of zI − W where f is largest; 2e-6 relative for W = [[1, 1], [0, 0]], whose
    supremum is approached as |z| → 1), and K̂ ≥ K(1 − 1e-6) on every matrix checked against
    an exhaustive search or a closed form in tests/test_transient_growth.py. Radii beyond
    4‖W‖₂ are searched by a tail of 4 radii per factor 16 of R, whose best sample is refined
    too when it beats the main grid.
    Cost: a few thousand n×n complex SVDs (about 0.1 s for n = 8).

    Parameters
    ----------
    W : (n, n) array_like

    Returns
    -------
    float
        K(W) ≥ 1, or ``inf`` when ρ(W) > 1.

    Raises
    ------
    ValueError
        If W is not a finite, real, non-empty square matrix.

    References
    ----------
    Kreiss (1962), "Über die Stabilitätsdefinition für Differenzengleichungen die partielle
    Differentialgleichungen approximieren", BIT 2, 153–181; Spijker (1991), "On a
    conjecture by LeVeque and Trefethen related to the Kreiss matrix theorem", BIT 31,
    551–555 (the constant e·n); Trefethen & Embree (2005), "Spectra and Pseudospectra",
    Thm. 18.1 and §16.

    Examples
    --------
    >>> import numpy as np
    >>> kreiss_constant(0.5 * np.eye(3))
    1.0
    >>> k = kreiss_constant([[0.5, 4.0], [0.0, 0.5]])
    >>> 1.0 < k < 10.0
    True
    >>> kreiss_constant([[1.5]])
    inf
    """
    W = as_square_matrix(W)
    norm = spectral_norm(W)
    if norm <= 1.0:
        return 1.0
    rho = spectral_radius(W)
    if rho > 1.0:
        return math.inf

    best = 1.0

    def f_batch(s, theta):
        z = (1.0 + s) * np.exp(1j * theta)
        smin = _sigma_min_batch(np.atleast_1d(z), W)
        with np.errstate(divide="ignore"):
            return np.where(smin > 0, np.atleast_1d(s) / smin, np.inf)

    # Radii: the tail beyond R is bounded by (R − 1)/(R − ‖W‖₂); start with R = 4‖W‖₂ and
    # extend while that tail bound exceeds the best value found.
    eig_angles = np.abs(np.angle(np.linalg.eigvals(W)))
    angles = np.unique(np.concatenate([np.linspace(0.0, np.pi, _N_ANGLES), eig_angles]))
    R = 4.0 * norm
    log_s = np.linspace(math.log(_S_MIN), math.log(R - 1.0), _N_RADII)
    S, TH = np.meshgrid(np.exp(log_s), angles, indexing="ij")
    values = f_batch(S.ravel(), TH.ravel())
    if np.isinf(values).any():
        return math.inf
    best = max(best, float(values.max()))
    tail_start = None  # the best tail sample, refined too: it may beat every main-grid peak
    while (R - 1.0) / (R - norm) > best * (1.0 + _TAIL_RTOL):
        R *= 16.0
        extra = np.exp(np.linspace(math.log(R / 16.0 - 1.0), math.log(R - 1.0), 4))
        S2, TH2 = np.meshgrid(extra, angles, indexing="ij")
        tail = f_batch(S2.ravel(), TH2.ravel())
        i = int(np.argmax(tail))
        if tail[i] > best:
            best = float(tail[i])
            tail_start = (math.log(S2.ravel()[i]), TH2.ravel()[i])

    # Refine the best grid points (and the best tail sample, if it beat them).
    order = np.argsort(values)[::-1][:_N_STARTS]
    starts = [(math.log(S.ravel()[i]), TH.ravel()[i]) for i in order]
    if tail_start is not None:
        starts.append(tail_start)

    def neg(p):
        s = math.exp(min(p[0], 700.0))
        return -float(f_batch(np.array([s]), np.array([p[1]]))[0])

    # Imported here: scipy.optimize costs ~0.3 s, and `import theory` should not pay it.
    from scipy.optimize import minimize

    for x0 in starts:
        res = minimize(
            neg, np.array(x0), method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-12 * best, "maxiter": 600},
        )
        if np.isfinite(res.fun):
            best = max(best, -float(res.fun))
    return float(best)


def log_kreiss_power_bounds(W):
    """Kreiss bracket for the peak transient: log K ≤ log sup_k ‖W^k‖₂ ≤ log(e·n·K).

    Hypotheses: W real square. Conclusion: the Kreiss matrix theorem with Spijker's
    constant; for a linear RNN the largest gradient amplification over all lags,
    sup_ℓ ‖∂h_T/∂h_{T−ℓ}‖₂ = sup_ℓ ‖W^ℓ‖₂, lies in this bracket.

    Parameters
    ----------
    W : (n, n) array_like

    Returns
    -------
    (lower, upper) : tuple of float
        log K(W) and 1 + log n + log K(W) (both ``inf`` when ρ(W) > 1).

    Raises
    ------
    ValueError
        If W is not a finite, real, non-empty square matrix.

    References
    ----------
    Trefethen & Embree (2005), "Spectra and Pseudospectra", Thm. 18.1; Spijker (1991),
    BIT 31.

    Examples
    --------
    >>> import numpy as np
    >>> lo, hi = log_kreiss_power_bounds(0.9 * np.eye(4))
    >>> lo, round(hi, 6)
    (0.0, 2.386294)
    """
    W = as_square_matrix(W)
    k = kreiss_constant(W)
    lower = math.log(k)
    return lower, 1.0 + math.log(len(W)) + lower
