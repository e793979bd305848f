"""Assertions in log space, with stated tolerances and messages that print the case; and one
for error messages (an error raised ``from None``, so that its message stands alone)."""

from __future__ import annotations

import numpy as np

EPS = float(np.finfo(np.float64).eps)


def rounding_tolerance(lag, n):
    """Log-space tolerance for a float64 ℓ-step product of n×n matrices: 4(ℓ+1)·n·u.

    Why: each backward step is one matrix product whose norm-wise relative error is at most
    about n·u (u = 2⁻⁵³; Higham 2002, "Accuracy and Stability of Numerical Algorithms",
    §3.5), accumulated over ℓ steps to first order; the two SVDs (measurement and theory)
    add about n·u each. A relative error δ is an absolute error ≈ δ in log space. The factor
    4 covers the second-order terms and the SVDs with room; a real violation of a bound is
    far larger than this (see tests/test_meta.py).
    """
    return 4.0 * (np.asarray(lag, dtype=float) + 1.0) * max(int(n), 1) * EPS


def derivative_rounding_tolerance(activation, preactivations, reduce):
    """Per k, Σ_{t>k} 4u/|φ'(a_t)|, the reduce ("max" or "min") over units: autograd's φ'.

    Why: torch's backward forms tanh' = 1 − tanh² and σ' = σ(1 − σ), with an *absolute*
    error of a few u (the subtraction), so each step's diagonal factor is off by a relative
    4u/|φ'|, large where a unit saturates. The trajectory bounds use the exact φ', so they
    can be exceeded by that much. relu' and identity' are exact (0). A step with |φ'| ≤ 8u
    makes the comparison meaningless there (+inf).
    """
    import theory

    phi = theory.activation(activation)
    T = preactivations.shape[0]
    out = np.zeros(T + 1)
    if phi.name in ("relu", "identity") or T == 0:
        return out
    logs = getattr(phi.log_derivative(preactivations), reduce)(axis=1)
    with np.errstate(over="ignore"):
        per_step = np.where(logs > np.log(8 * EPS), 4 * EPS * np.exp(-logs), np.inf)
    out[:-1] = np.cumsum(per_step[::-1])[::-1]
    return out


def describe(case):
    if hasattr(case, "params"):
        return ", ".join(f"{k}={v!r}" for k, v in case.params().items())
    return repr(case)


def log_evaluation_tolerance(*log_values):
    """4u·max|L|: a natural log of size L (ℓ·log x, or log of a product) carries an absolute
    rounding error of about u·|L| from the logarithm and the multiplication by ℓ."""
    magnitude = np.zeros(np.broadcast(*[np.asarray(v) for v in log_values]).shape)
    for value in log_values:
        magnitude = np.maximum(magnitude, np.where(np.isfinite(value), np.abs(value), 0.0))
    return 4.0 * EPS * magnitude


def assert_log_le(measured, bound, tolerance, case, what, index_name="k"):
    """Assert measured ≤ bound + tolerance elementwise (log space); −inf ≤ anything.

    ``log_evaluation_tolerance`` of the two sides is added to ``tolerance``.
    """
    measured, bound = np.broadcast_arrays(np.asarray(measured, float), np.asarray(bound, float))
    tolerance = np.broadcast_to(np.asarray(tolerance, float), measured.shape)
    tolerance = tolerance + log_evaluation_tolerance(measured, bound)
    with np.errstate(invalid="ignore"):
        excess = np.where(measured == -np.inf, -np.inf, measured - bound - tolerance)
    assert not np.isnan(measured).any(), f"{what}: NaN in measured log norms for case {describe(case)}"
    if (excess > 0).any():
        i = int(np.argmax(excess))
        raise AssertionError(
            f"{what} violated at {index_name}={i}: measured log-norm {measured.flat[i]:.12g} > "
            f"bound {bound.flat[i]:.12g} + tolerance {tolerance.flat[i]:.3g} "
            f"(excess {excess.flat[i]:.3g}); case: {describe(case)}"
        )


def worst_tightness(measured, bound, skip_trivial=True):
    """max over entries of (measured − bound) in log space, ignoring J(T,T) = I."""
    measured = np.asarray(measured, float)
    bound = np.asarray(bound, float)
    if skip_trivial and measured.size > 1:
        measured, bound = measured[:-1], bound[:-1]
    with np.errstate(invalid="ignore"):
        gap = np.where(np.isneginf(measured), -np.inf, measured - bound)
    gap = gap[~np.isnan(gap)]
    return float(gap.max()) if gap.size else -np.inf


def lags_by_k(T):
    """The lag ℓ = T − k for k = 0..T, aligned with ``LagProfile.log_norms``."""
    return np.arange(T, -1, -1)


def finite_target(value, label):
    """hypothesis.target() on a finite observation (−inf means 'bound far from tight')."""
    from hypothesis import target

    if np.isfinite(value):
        target(float(value), label=label)


def check_le_by_lag(measured, bound, tol, what, case):
    """Assert measured ≤ bound + tol (arrays indexed by lag); return max over lags ≥ 1 of
    measured − bound, the tightness (lag 0 is the trivial J = I)."""
    measured, bound = np.asarray(measured, float), np.asarray(bound, float)
    tol = np.broadcast_to(np.asarray(tol, float), measured.shape)
    excess = measured - bound - tol
    i = int(np.argmax(excess))
    assert (excess <= 0).all(), (
        f"{what} violated at lag {i}: measured {measured[i]:.8g} > bound {bound[i]:.8g} "
        f"+ {tol[i]:.2g}; case {case}"
    )
    return float(np.max(measured[1:] - bound[1:])) if len(measured) > 1 else -np.inf


def assert_not_chained(error):
    """`error` was raised with ``raise ... from None``: no cause, its context suppressed, so
    the traceback shows one clear message and not the internal error behind it."""
    assert error.__cause__ is None, f"__cause__ is {error.__cause__!r}, expected None"
    assert error.__suppress_context__ is True, (
        f"__suppress_context__ is {error.__suppress_context__!r}, expected True (raise ... from None)")
