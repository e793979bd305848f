"""Transient growth of non-normal W and the Kreiss matrix theorem (claims K1–K3).

Tolerances: kreiss_constant is a lower estimate accurate to relative 1e-6 (checked below
against an exhaustive grid), so log K carries an error ≤ 1e-6; the powers ‖W^k‖₂ carry the
float64 rounding error of tests.assertions.rounding_tolerance. KREISS_TOL = 1e-6 plus that
rounding covers both; a missing e·n factor is a violation of up to log(e·n) ≥ 1.7 (see the
meta-test), five orders of magnitude above it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, example, given, settings, target
from hypothesis import strategies as st

from tests.assertions import rounding_tolerance
from tests.prediction_strategies import examples
from tests.strategies import NON_NORMAL_FAMILIES, base_matrix, scale_to_target
from theory.evidence import observe, record_data
from theory.kreiss import _sigma_min_batch, kreiss_constant, log_kreiss_power_bounds
from theory.measurement import lag_profile
from theory.spectra import spectral_radius

KREISS_TOL = 1e-6

kreiss_cases = st.fixed_dictionaries(
    {
        "family": st.sampled_from(NON_NORMAL_FAMILIES),
        "n": st.integers(2, 8),
        "radius": st.floats(0.2, 0.95),
        "seed": st.integers(0, 2**32 - 1),
    }
)


def build(case):
    rng = np.random.default_rng(case["seed"])
    return scale_to_target(base_matrix(case["family"], case["n"], rng), "radius", case["radius"])


def log_sup_powers(W, max_power=20000):
    """log‖W^k‖₂ for k = 0..K, K the first k ≥ 1 with ‖W^k‖₂ ≤ 1 (numpy, renormalised).

    Then sup over all k equals the max over k < K: any m = qK + r has
    ‖W^m‖ ≤ ‖W^K‖^q‖W^r‖ ≤ ‖W^r‖.
    """
    P, scale, out = np.eye(W.shape[0]), 0.0, [0.0]
    for _ in range(max_power):
        P = P @ W
        norm = np.linalg.norm(P, 2)
        if norm == 0.0:
            break
        scale += math.log(norm)
        P /= norm
        out.append(scale)
        if scale <= 0.0:
            return np.array(out)
    assert False, f"‖W^k‖ still above 1 after {max_power} powers"


def check_kreiss(log_sup, lower, upper, tol, case):
    assert lower - tol <= log_sup <= upper + tol, (
        f"Kreiss bracket violated: log sup_k‖W^k‖ = {log_sup:.8g} not in [log K = {lower:.8g}, "
        f"log(e·n·K) = {upper:.8g}] ± {tol:.2g}; case {case}"
    )
    return max(lower - log_sup, log_sup - upper)


@pytest.mark.claim("K1")
@settings(max_examples=examples(10))
@given(kreiss_cases)
@example({"family": "jordan", "n": 8, "radius": 0.9, "seed": 1})
@example({"family": "upper_triangular", "n": 6, "radius": 0.5, "seed": 0})
def test_kreiss_two_sided_inequality(case):
    W = build(case)
    assume(spectral_radius(W) < 0.96)
    log_powers = log_sup_powers(W)  # numpy powers, independent of K
    lower, upper = log_kreiss_power_bounds(W)
    log_sup = float(log_powers.max())
    tol = KREISS_TOL + float(rounding_tolerance(int(np.argmax(log_powers)), case["n"]))
    target(log_sup - lower, label="log(sup‖W^k‖/K)")
    tight = check_kreiss(log_sup, lower, upper, tol, case)
    observe("K1", tight, {**case, "log_K": lower, "log_sup": log_sup})


@pytest.mark.meta
def test_meta_kreiss_without_en_factor_is_caught():
    """sup‖W^k‖ ≤ K (no e·n) fails on a Jordan block: the factor is needed."""
    W = 0.9 * np.eye(8) + 1.0 * np.eye(8, k=1)
    lower, _ = log_kreiss_power_bounds(W)
    log_sup = float(log_sup_powers(W).max())
    with pytest.raises(AssertionError):
        check_kreiss(log_sup, lower, lower, KREISS_TOL, "no e·n factor")


@pytest.mark.meta
def test_meta_lower_bound_with_wrong_constant_is_caught():
    """A 'Kreiss constant' without the (|z| − 1) weight, sup_{|z|>1}‖(zI − W)^{-1}‖, overshoots."""
    W = 0.5 * np.eye(4) + 2.0 * np.eye(4, k=1)
    s = np.exp(np.linspace(math.log(1e-6), math.log(10.0), 60))
    z = ((1 + s)[:, None] * np.exp(1j * np.linspace(0, np.pi, 64))[None, :]).ravel()
    wrong = float(np.max(1.0 / _sigma_min_batch(z, W)))
    log_sup = float(log_sup_powers(W).max())
    with pytest.raises(AssertionError):
        check_kreiss(log_sup, math.log(wrong), math.log(wrong) + 1 + math.log(4), KREISS_TOL, "no |z|−1 weight")


@pytest.mark.claim("K1")
@pytest.mark.parametrize("W", [
    [[0.9, 1.0, 0.0], [0.0, 0.9, 1.0], [0.0, 0.0, 0.9]],
    [[0.0, 1.5, 0.3], [-0.2, 0.1, 0.8], [0.4, -0.6, 0.2]],
], ids=["jordan3", "dense3"])
def test_kreiss_constant_accuracy_against_exhaustive_grid(W):
    """K̂ is within relative 1e-6 of (or above) a 160×360 grid search (|z| − 1 up to 1e4)."""
    W = np.asarray(W, dtype=float)
    k_hat = kreiss_constant(W)
    s = np.exp(np.linspace(math.log(1e-9), math.log(1e4), 160))
    theta = np.linspace(0.0, np.pi, 360)
    z = ((1 + s)[:, None] * np.exp(1j * theta)[None, :]).ravel()
    brute = max(1.0, float(np.max(np.repeat(s, 360) / _sigma_min_batch(z, W))))
    assert k_hat >= brute * (1 - KREISS_TOL), f"K̂ = {k_hat!r} below grid search {brute!r}"
    # K̂ is attained (a lower estimate): it cannot exceed the finest search by more than it
    assert k_hat <= brute * (1 + 1e-3), f"K̂ = {k_hat!r} far above grid search {brute!r}"


# --------------------------------------------------------------------------------------
# K2: normal matrices
# --------------------------------------------------------------------------------------


@pytest.mark.claim("K2")
@settings(max_examples=examples(8))
@given(st.fixed_dictionaries({"n": st.integers(1, 10), "radius": st.floats(0.05, 0.99), "seed": st.integers(0, 2**32 - 1)}))
def test_normal_matrix_has_no_transient_growth(case):
    rng = np.random.default_rng(case["seed"])
    n = case["n"]
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    # normal: orthogonal conjugate of a block diagonal of scaled rotations and reals
    D = np.zeros((n, n))
    i = 0
    while i < n:
        r = case["radius"] * (1.0 if i == 0 else rng.uniform(0.0, 1.0))
        if i + 1 < n and rng.uniform() < 0.5:
            a = rng.uniform(0, np.pi)
            D[i : i + 2, i : i + 2] = r * np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
            i += 2
        else:
            D[i, i] = r * rng.choice([-1.0, 1.0])
            i += 1
    W = q @ D @ q.T
    assert kreiss_constant(W) == 1.0, case
    T = 60
    measured = lag_profile(W, "identity", T=T).log_norms_by_lag  # autograd
    lags = np.arange(T + 1)
    predicted = lags * math.log(case["radius"])
    err = np.abs(measured - predicted) - rounding_tolerance(lags, n) - 1e-12 * lags
    observe("K2", float(err.max()), case)
    assert (err <= 0).all(), f"normal W: log‖W^ℓ‖ ≠ ℓ log ρ at ℓ = {int(np.argmax(err))}; {case}"
    assert measured[1:].max() < 0.0, f"normal W with ρ < 1 grew: {measured.max()}; {case}"


# --------------------------------------------------------------------------------------
# K3: transient growth of a linear RNN, measured by autograd
# --------------------------------------------------------------------------------------


def _check_transient(measured, lower, upper, case):
    tol = KREISS_TOL + float(rounding_tolerance(len(measured), case["n"]))
    peak = float(measured.max())
    assert peak > 0.0, f"no transient growth although K = {math.exp(lower):.4g} > 1; {case}"
    assert measured[-1] < peak, f"no decay after the peak; {case}"
    return check_kreiss(peak, lower, upper, tol, case)


@pytest.mark.claim("K3")
@settings(max_examples=examples(5))
@given(
    st.fixed_dictionaries(
        {
            "family": st.sampled_from(["jordan", "upper_triangular", "gaussian"]),
            "n": st.integers(2, 8),
            "radius": st.floats(0.3, 0.85),
            "seed": st.integers(0, 2**32 - 1),
        }
    )
)
@example({"family": "jordan", "n": 6, "radius": 0.8, "seed": 4})
def test_linear_rnn_transient_growth_within_kreiss_bounds(case):
    W = build(case)
    assume(spectral_radius(W) < 0.86)
    lower, upper = log_kreiss_power_bounds(W)
    assume(lower > 0.05)  # non-normal enough for visible growth: K > 1.05
    T = 250
    measured = lag_profile(W, "identity", T=T).log_norms_by_lag  # autograd through the RNN
    assert measured[-1] < 0.0, f"T = {T} too short for decay; {case}"
    tight = _check_transient(measured, lower, upper, case)
    observe("K3", tight, {**case, "log_K": lower, "peak": float(measured.max())})


@pytest.mark.claim("K3")
def test_record_kreiss_transient():
    n = 6
    W = 0.8 * np.eye(n) + 0.7 * np.eye(n, k=1)
    T = 150
    measured = lag_profile(W, "identity", T=T).log_norms_by_lag
    lower, upper = log_kreiss_power_bounds(W)
    _check_transient(measured, lower, upper, {"n": n, "W": "0.8 I + 0.7 J"})
    record_data(
        "kreiss_transient",
        {
            "n": n,
            "lags": list(range(T + 1)),
            "measured_log_norm": [float(v) for v in measured],
            "log_kreiss_lower": lower,
            "log_kreiss_upper": upper,
        },
    )


def test_kreiss_special_cases():
    assert kreiss_constant(np.eye(3)) == 1.0
    assert kreiss_constant(0.3 * np.eye(2)) == 1.0
    assert math.isinf(kreiss_constant([[1.2, 0.0], [0.0, 0.1]]))
    assert math.isinf(log_kreiss_power_bounds([[2.0]])[1])


@pytest.mark.parametrize(
    "W",
    [[[1.0, 2.0]], [[np.nan, 0.0], [0.0, 0.1]], np.zeros((0, 0)), [[1 + 1j]], "abc", [[[0.5]]]],
    ids=["non-square", "nan", "empty", "complex", "string", "3-d"],
)
def test_bad_input_raises_value_error(W):
    with pytest.raises(ValueError):
        kreiss_constant(W)


@pytest.mark.meta
def test_meta_no_growth_prediction_fails_for_non_normal():
    """The normal-matrix prediction log‖W^ℓ‖ = ℓ log ρ is rejected for a Jordan block."""
    W = 0.8 * np.eye(4) + 0.7 * np.eye(4, k=1)
    measured = lag_profile(W, "identity", T=30).log_norms_by_lag
    predicted = np.arange(31) * math.log(spectral_radius(W))
    assert np.max(np.abs(measured - predicted) - rounding_tolerance(np.arange(31), 4)) > 0
    assert kreiss_constant(W) > 1.0
