"""Numerical edge cases: ‖W‖₂ from 1e-150 to 1e150, subnormal entries, T up to 10⁵, n = 1.

Theory and measurement must return finite, correct log values, or raise a clear ValueError.
Every check compares with a closed form: W = c·Q with Q orthogonal has ‖W^ℓ‖₂ = c^ℓ, so every
log quantity is ℓ·log c exactly, and a scalar RNN (n = 1) has J(T, k) = Π_t φ'(a_t)·w, so its
trajectory upper and lower bounds are both equal to the measured value.

Tolerances (log space; u = 2⁻⁵³ the unit roundoff):

* spectra: 16·n·u·‖W‖₂ absolute, as in tests/test_spectra.py (LAPACK's backward-stable SVD and
  eigensolver, and the rounding of c·Q itself);
* bounds computed as ℓ·log(·): 8·u·(|value| + 1), a few roundings of one product and sum;
* ℓ-step products (log_matrix_power_norm, lag_profile): rounding_tolerance(ℓ, n)·max(1, |log c|)
  from theory.testing, 4(ℓ+1)·n·u per unit of log scale;
* products of *subnormal* matrices: relative error up to n·2⁻¹⁰⁷⁴/c per step (the subnormal
  spacing over the entry size c) in place of u, documented where used.

A wrong bound (a wrong γ, ρ for ‖W‖₂, an off-by-one lag, a flipped sign) is off by at least
|log c| ≥ 1 per lag here, far above any of these tolerances.
"""

import math
import re

import numpy as np
import pytest
from hypothesis import example, given, settings, target
from hypothesis import strategies as st
import torch

import theory

from theory.testing import EPS, assert_log_le, rounding_tolerance

SCALES = [1e-150, 1e-100, 1e-10, 0.5, 1e10, 1e100, 1e150]
SUBNORMAL_SPACING = 2.0**-1074
# Orthogonal to rounding: 0.6 and 0.8 are not binary fractions, so ‖R‖₂ = 1 ± u.
ROTATION = np.array([[0.6, -0.8], [0.8, 0.6]])


def _orthogonal(n, seed=0):
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


def _close(got, want, rel=8 * EPS, what=""):
    got, want = np.asarray(got, float), np.asarray(want, float)
    assert np.all(np.isfinite(got) | (got == want)), f"{what}: non-finite {got}"
    error = np.abs(got - want)
    allowed = rel * (np.abs(want) + 1.0)
    assert np.all((got == want) | (error <= allowed)), (
        f"{what}: off by {np.max(error):.3g} (allowed {np.max(allowed):.3g}); got {got}, want {want}"
    )


# ---------------------------------------------------------------------------------------------
# ‖W‖₂ from 1e-150 to 1e150: theory


@pytest.mark.parametrize("c", SCALES)
def test_spectra_scale_exactly(c):
    """‖cA‖₂ = c‖A‖₂, σ_min(cA) = cσ_min(A), ρ(cA) = cρ(A) for A = Q·diag(1..2), at any scale."""
    n = 5
    A = _orthogonal(n) @ np.diag(np.linspace(1.0, 2.0, n))
    W = c * A
    norm, smin, rho = theory.spectral_norm(W), theory.min_singular_value(W), theory.spectral_radius(W)
    tol = 16 * n * EPS * norm
    assert abs(norm - c * 2.0) <= tol, (c, norm)
    assert abs(smin - c * 1.0) <= tol, (c, smin)
    assert abs(rho - c * theory.spectral_radius(A)) <= tol, (c, rho)
    assert np.all(np.isfinite(theory.singular_values(W)))


@pytest.mark.parametrize("activation", theory.ACTIVATION_NAMES)
@pytest.mark.parametrize("c", SCALES)
def test_a_priori_bounds_are_exact_logs_at_every_scale(c, activation):
    """ℓ·log(γ‖W‖₂) and the linear sandwich for W = c·Q are ℓ(log γ + log c), finite, to
    ℓ = 10⁵ and beyond (2⁶² − 1), with 0 at ℓ = 0."""
    n = 4
    W = c * _orthogonal(n)
    lags = np.array([0, 1, 7, 10**5, 2**62 - 1])
    log_gamma = math.log(theory.activation(activation).gamma)
    # The rounding of c·Q and of the SVD: relative 16·n·u in ‖W‖₂, i.e. 16·n·u per unit lag.
    slack = 16 * n * EPS * lags
    upper = theory.log_upper_bound(W, activation, lags)
    assert upper[0] == 0.0
    want = lags * (log_gamma + math.log(c))
    assert np.all(np.abs(upper - want) <= slack + 8 * EPS * np.abs(want)), (c, upper - want)
    lower, high = theory.log_power_norm_bounds(W, lags)
    assert np.all(np.abs(lower - lags * math.log(c)) <= slack + 8 * EPS * np.abs(want) + 1e-300)
    assert np.all(np.abs(high - lags * math.log(c)) <= slack + 8 * EPS * np.abs(want) + 1e-300)
    if activation == "identity":
        ident = theory.log_lower_bound(W, activation, lags)
        assert np.all(np.abs(ident - lags * math.log(c)) <= slack + 8 * EPS * np.abs(want) + 1e-300)


@pytest.mark.parametrize("c", SCALES)
def test_matrix_power_norm_is_exact_at_every_scale(c):
    """log‖(cQ)^ℓ‖₂ = ℓ·log c for ℓ = 0..200, finite at 1e±150 where (cQ)^ℓ itself is not."""
    n, max_lag = 3, 200
    W = c * _orthogonal(n, seed=1)
    got = theory.log_matrix_power_norm(W, max_lag)
    lags = np.arange(max_lag + 1)
    allowed = rounding_tolerance(lags, n) * max(1.0, abs(math.log(c))) + 16 * n * EPS * lags
    error = np.abs(got - lags * math.log(c))
    assert np.all(np.isfinite(got)) and np.all(error <= allowed), (c, error.max())


@pytest.mark.parametrize("c", SCALES)
def test_lower_bounds_and_radius_at_every_scale(c):
    """The tanh a-priori lower bound stays finite (≈ −2ℓ·r, r ~ c) and below the upper bound;
    the reachable radius of c·Q is c·max_i Σ_j |Q_ij|."""
    n = 4
    Q = _orthogonal(n, seed=2)
    W = c * Q
    radius = theory.reachable_preactivation_radius(W, "tanh")
    want = float(np.abs(Q).sum(axis=1).max()) * c
    assert abs(radius - want) <= 4 * n * EPS * want, (c, radius, want)
    lags = np.array([0, 1, 100, 10**5])
    lower = theory.log_lower_bound(W, "tanh", lags)
    upper = theory.log_upper_bound(W, "tanh", lags)
    assert np.all(np.isfinite(lower)) and lower[0] == 0.0, lower
    assert np.all(lower <= upper), (lower, upper)
    # log inf_{|a|≤r} tanh'(a) = −2 log cosh r, plus log σ_min = log c.
    per_step = -2.0 * (radius + math.log1p(math.exp(-2.0 * radius)) - math.log(2.0)) + math.log(c)
    _close(lower, lags * per_step, rel=64 * n * EPS, what=f"log_lower_bound at c={c}")


@pytest.mark.parametrize("c", SCALES)
def test_regime_at_every_scale(c):
    """regime(c·Q, tanh): vanishing guaranteed at rate log c with horizon ⌈log ε / log c⌉ for
    c < 1, explosion possible for c > 1; for identity, explosion certain for c > 1."""
    W = c * _orthogonal(3, seed=3)
    r = theory.regime(W, "tanh", epsilon=1e-8)
    assert math.isfinite(r.decay_rate)
    _close(r.decay_rate, math.log(c), rel=16 * 3 * EPS, what="decay rate")
    if c < 1:
        assert r.name == "vanishing guaranteed"
        assert r.horizon == math.ceil(math.log(1e-8) / math.log(c)), (c, r.horizon)
    else:
        assert r.name == "explosion possible" and r.horizon is None
        assert theory.regime(W, "identity").name == "explosion certain"


def test_log_eigenvector_condition_is_scale_free():
    """κ(V) does not depend on the scale of W, from 1e-150 to 1e150 (and near float64's max)."""
    A = np.array([[1.0, 3.0], [0.0, 2.0]])
    base = theory.log_eigenvector_condition(A)
    for c in SCALES + [1e307]:
        assert abs(theory.log_eigenvector_condition(c * A) - base) <= 1e-12, c


# ---------------------------------------------------------------------------------------------
# Subnormal entries


@pytest.mark.parametrize("n", [1, 3])
def test_smallest_subnormal_matrix(n):
    """W = 2⁻¹⁰⁷⁴·I: every spectral quantity is exact, every log is finite and exact, and the
    regime's rate is log γ + log ‖W‖₂ even though γ‖W‖₂ = 2⁻¹⁰⁷⁶ underflows to 0 (sigmoid)."""
    c = SUBNORMAL_SPACING
    W = c * np.eye(n)
    assert theory.spectral_norm(W) == c
    assert theory.min_singular_value(W) == c
    assert theory.spectral_radius(W) == c
    log_c = math.log(c)
    _close(theory.log_upper_bound(W, "sigmoid", [0, 1, 10]), np.array([0, 1, 10]) * (log_c + math.log(0.25)))
    _close(theory.log_matrix_power_norm(W, 5), np.arange(6) * log_c, what="power norm")
    r = theory.regime(W, "sigmoid")
    assert r.gamma_norm == 0.0  # the product underflows ...
    _close(r.decay_rate, math.log(0.25) + log_c, what="rate")  # ... its log does not
    assert r.name == "vanishing guaranteed" and r.horizon == 1
    profile = theory.lag_profile(W, "identity", T=6)
    _close(profile.log_norms_by_lag, np.arange(7) * log_c, what="measured")


def _jordan_subnormal(c=1e-320):
    """c·[[1, 1], [0, 1]] with c subnormal: (W^ℓ) = c^ℓ·[[1, ℓ], [0, 1]]."""
    c = float(c)
    exact = [lag * math.log(c) + math.log(np.linalg.norm(np.array([[1.0, lag], [0.0, 1.0]]), 2))
             for lag in range(9)]
    return np.array([[c, c], [0.0, c]]), np.array(exact), c


def test_matrix_power_norm_keeps_subnormal_precision():
    """log‖W^ℓ‖₂ of a subnormal Jordan block to 64·u·(|value| + 1): the power-of-two prescaling
    is exact, so nothing is lost to the ~1e-4 relative spacing of subnormals near 1e-320."""
    W, exact, _ = _jordan_subnormal()
    _close(theory.log_matrix_power_norm(W, 8), exact, rel=64 * EPS, what="subnormal Jordan")
    # Gelfand sandwich: ρ = c, ‖W‖₂ = c·golden ratio.
    lower, upper = theory.log_power_norm_bounds(W, np.arange(9))
    assert np.all(lower <= exact + 1e-9) and np.all(exact <= upper + 1e-9)


def test_measurement_of_subnormal_jordan_block():
    """lag_profile on a subnormal W is finite and within its precision: float64 products of
    entries of size c carry a relative error up to n·2⁻¹⁰⁷⁴/c per step (≈ 1e-3 at c = 1e-320)
    instead of u; an off-by-one lag would be off by |log c| ≈ 737."""
    W, exact, c = _jordan_subnormal()
    measured = theory.lag_profile(W, "identity", T=8).log_norms_by_lag
    lags = np.arange(9)
    allowed = (lags + 1) * 2 * SUBNORMAL_SPACING / c
    assert np.all(np.isfinite(measured)), measured
    assert np.all(np.abs(measured - exact) <= allowed), (measured - exact, allowed)


def test_subnormal_entries_in_a_normal_matrix():
    """Subnormal entries next to normal ones change nothing: all results finite, as for W."""
    W = np.zeros((4, 4))
    W[:2, :2] = W[2:, 2:] = 0.7 * ROTATION
    W_sub = W.copy()
    W_sub[0, 3] = 3e-320  # where W has structural zeros: a perturbation far below u·‖W‖₂
    W_sub[2, 1] = -5e-324
    assert abs(theory.spectral_norm(W_sub) - theory.spectral_norm(W)) <= 16 * 4 * EPS
    assert abs(theory.spectral_norm(W_sub) - 0.7) <= 64 * EPS
    pre = theory.lag_profile(W_sub, "tanh", T=30, inputs=np.ones((30, 1)), U=np.ones((4, 1))).preactivations
    for bound in (theory.log_trajectory_upper_bound, theory.log_trajectory_lower_bound):
        assert np.all(np.isfinite(bound(W_sub, "tanh", pre)))
    assert theory.regime(W_sub, "tanh").name == "vanishing guaranteed"


# ---------------------------------------------------------------------------------------------
# Overflow: a clear error or a finite log


def test_norm_beyond_float64_is_a_clear_error_or_a_finite_log():
    """Entries of 1e308 are finite but ‖W‖₂ = 2e308 is not: spectra raise a ValueError saying
    so; log‖W^ℓ‖₂ (prescaled) is still the finite ℓ·log(2e308)."""
    W = np.full((2, 2), 1e308)
    for function in (theory.spectral_norm, theory.min_singular_value, theory.spectral_radius):
        with pytest.raises(ValueError, match="overflow float64"):
            function(W)
    with pytest.raises(ValueError, match="overflow float64"):
        theory.log_upper_bound(W, "tanh", 3)
    want = np.arange(4) * (math.log(2.0) + math.log(1e308))
    _close(theory.log_matrix_power_norm(W, 3), want, rel=16 * EPS, what="near-overflow power")


@settings(max_examples=60, deadline=None)
@given(data=st.data())
@example(data=None)
def test_lag_profile_is_exact_in_log_space_from_1e_minus_300_to_1e300(data):
    """W = c·Q (Q orthogonal), zero input, h₀ = 0: every step's Jacobian is J_t = W exactly
    (tanh'(0) = 1, identity), so log‖∂h_T/∂h_{T−ℓ}‖₂ = ℓ·log‖W‖₂, for ‖W‖₂ = c anywhere in
    [1e-300, 1e300], where ‖W^ℓ‖₂ itself under- or overflows float64 after one or two steps.
    The renormalised sweep must give the closed form to the ℓ-step rounding tolerance, and
    never feed an overflowed (inf or nan) segment to the SVD, whose LinAlgError would reach
    the caller. An @example pins lag_profile(1e100·Q, "tanh", T=12)."""
    if data is None:
        log10_c, n, T, name, segment = 100.0, 3, 12, "tanh", 64
    else:
        log10_c = data.draw(st.floats(-300, 300), label="log10 ‖W‖₂")
        target(abs(log10_c), label="|log10 ‖W‖₂|")
        n = data.draw(st.integers(1, 4), label="n")
        T = data.draw(st.integers(1, 24), label="T")
        name = data.draw(st.sampled_from(["tanh", "identity"]), label="activation")
        segment = data.draw(st.integers(1, 64), label="segment_length")
    W = 10.0**log10_c * _orthogonal(n, seed=n)
    log_norm = math.log(np.linalg.norm(W, 2))
    measured = theory.lag_profile(W, name, T=T, segment_length=segment).log_norms_by_lag
    lags = np.arange(T + 1)
    case = {"log10_c": log10_c, "n": n, "T": T, "activation": name, "segment_length": segment}
    allowed = rounding_tolerance(lags, n) * max(1.0, abs(log_norm))
    error = np.abs(measured - lags * log_norm)
    assert np.all(error <= allowed), (
        f"lag_profile at {case}: off by {np.max(error):.3g} (allowed {np.max(allowed):.3g}) "
        f"at lag {int(np.argmax(error - allowed))}; got {measured}")


@settings(max_examples=60, deadline=None)
@given(log10_c=st.floats(-300, 300), name=st.sampled_from(theory.ACTIVATION_NAMES),
       n=st.integers(1, 3), T=st.integers(0, 16), log10_input=st.none() | st.floats(-3, 3),
       seed=st.integers(0, 2**32 - 1))
@example(log10_c=300.0, name="relu", n=2, T=16, log10_input=0.0, seed=0)
@example(log10_c=150.0, name="identity", n=3, T=16, log10_input=0.0, seed=1)
def test_lag_profile_gives_a_result_or_a_value_error_at_any_scale(log10_c, name, n, T, log10_input, seed):
    """Over ‖W‖₂ from 1e-300 to 1e300, every activation, with or without inputs: a result
    whose log norms are never NaN nor +inf beyond what float64 holds, or a ValueError (the
    forward pass or one step overflowed); never torch's own exception."""
    rng = np.random.default_rng(seed)
    W = 10.0**log10_c * _orthogonal(n, seed=seed % 7)
    kwargs = {} if log10_input is None else dict(
        inputs=rng.standard_normal((T, 1)) * 10.0**log10_input, U=rng.standard_normal((n, 1)))
    try:
        profile = theory.lag_profile(W, name, T=T, **kwargs)
    except ValueError as error:
        assert "overflow" in str(error), (log10_c, name, n, T, log10_input, str(error))
        return
    assert not np.isnan(profile.log_norms).any(), (log10_c, name, profile.log_norms)
    assert not np.isposinf(profile.log_norms).any(), (log10_c, name, profile.log_norms)


@pytest.mark.meta
def test_meta_svd_of_an_overflowed_segment_is_caught(monkeypatch):
    """Were the overflowed segment fed to the SVD (no finiteness check before it), the
    property above would fail at its pinned example: torch raises LinAlgError on inf/nan."""
    from theory.measurement import jacobians

    monkeypatch.setattr(jacobians, "_spectral_norms",
                        lambda products: torch.linalg.matrix_norm(products.cpu(), ord=2).numpy())
    with pytest.raises(torch.linalg.LinAlgError):
        theory.lag_profile(1e100 * _orthogonal(3, seed=3), "tanh", T=12)


@pytest.mark.parametrize("call", [
    lambda: theory.lag_profile(np.eye(2), "tanh", T=3, device="no-such-device"),
    lambda: theory.lag_profile(np.eye(2), "tanh", T=3, device=3.5),
    lambda: theory.measured_jacobian(1e300 * np.eye(2), "identity", 0, T=3),
    lambda: theory.fused_rnn_log_norm_h0(1e300 * _orthogonal(2), "tanh", T=3),
    lambda: theory.mean_field_rate_sweep([1.0], 10**6),
], ids=["unknown-device", "device-not-a-name", "jacobian-overflow", "fused-overflow", "huge-n"])
def test_no_torch_exception_reaches_the_caller(call):
    """Whatever torch would raise (an unknown device, an SVD of inf, an allocation of 8 TB)
    the caller sees a ValueError, or a result: never torch's own exception types."""
    try:
        result = call()
    except ValueError:
        return
    assert np.all(~np.isnan(np.asarray(result, dtype=float))), result


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_saturated_measurement_is_not_nan(activation):
    """‖W‖₂ = 1e150 with inputs: the units saturate and φ'(a) underflows to exactly 0 in
    float64, so autograd's gradient is 0 (−inf): a float64 limitation, documented. It must not
    be NaN, and must stay below the (finite) trajectory upper bound."""
    n, T = 3, 20
    W = 1e150 * _orthogonal(n)
    inputs = np.random.default_rng(1).standard_normal((T, 1))
    profile = theory.lag_profile(W, activation, inputs=inputs, U=np.ones((n, 1)))
    assert not np.isnan(profile.log_norms).any() and not np.isposinf(profile.log_norms).any()
    bound = theory.log_trajectory_upper_bound(W, activation, profile.preactivations)
    assert np.all(np.isfinite(bound))
    assert_log_le(profile.log_norms, bound, rounding_tolerance(np.arange(T, -1, -1), n), "saturated",
                  "U2 at 1e150")


@pytest.mark.parametrize("activation, W", [
    ("identity", 1e150 * _orthogonal(3)),
    ("relu", 1e150 * np.eye(3)),  # positive feedback: h_t ~ 1e150^t overflows at t = 4
])
def test_forward_overflow_is_a_clear_error(activation, W):
    """When the forward pass itself overflows float64 (h_t reaches inf, then NaN), the
    measurement has no true value to give: a ValueError naming the overflow, not −inf or
    torch's LinAlgError. (relu with a rotating W whose units die every other step does not
    overflow: its gradient is exactly 0, and −inf is right.)"""
    inputs = np.abs(np.random.default_rng(1).standard_normal((20, 1)))
    with pytest.raises(ValueError, match="overflow"):
        theory.lag_profile(W, activation, inputs=inputs, U=np.ones((3, 1)))


# ---------------------------------------------------------------------------------------------
# n = 1: the trajectory bounds are equalities


@pytest.mark.parametrize("activation", theory.ACTIVATION_NAMES)
@pytest.mark.parametrize("w", [-3.0, -0.5, 0.9, 1e-150])
def test_scalar_rnn_trajectory_bounds_are_equalities(w, activation):
    """For n = 1, ‖J(T,k)‖ = Π_t |φ'(a_t)|·|w|, so the trajectory upper and lower bounds are
    equal and the measurement agrees with them: this pins the sign of log φ', the sum's range
    t = k+1..T and the lag alignment of all three.

    Tolerance, per step t: 4u for the product, plus 2u/|φ'(a_t)| for tanh and sigmoid, whose
    autograd forms 1 − y² and y(1 − y) lose 1 − y to cancellation (an absolute error of u, see
    tests/test_activations.py); plus (ℓ − 1)·u·Σ|log step| for the two ℓ-term sums (Higham
    2002, §4.2). Where the theory's log is −inf (relu off) the measurement must be −inf too.
    (‖W‖₂ = 1e150 is in test_saturated_measurement_is_not_nan: there φ' underflows to 0.)
    """
    T = 120
    rng = np.random.default_rng(5)
    inputs = rng.standard_normal((T, 1))
    W = np.array([[w]])
    profile = theory.lag_profile(W, activation, inputs=inputs, U=[[0.8]], b=[0.1], h0=[0.2])
    upper = theory.log_trajectory_upper_bound(W, activation, profile.preactivations)
    lower = theory.log_trajectory_lower_bound(W, activation, profile.preactivations)
    np.testing.assert_array_equal(upper, lower)
    measured = profile.log_norms
    assert not np.isnan(upper).any() and not np.isposinf(upper).any(), (w, activation, upper)
    finite = np.isfinite(upper)
    # −inf exactly where a factor φ'(a_t) is 0, on both sides.
    np.testing.assert_array_equal(np.isneginf(measured), ~finite, err_msg=f"{w}, {activation}")
    log_phi = theory.activation(activation).log_derivative(profile.preactivations[:, 0])
    with np.errstate(over="ignore"):
        cancellation = 2 * EPS * np.exp(-log_phi) if activation in ("tanh", "sigmoid") else 0.0
    steps = np.abs(log_phi + math.log(abs(w)))
    per_step = np.where(np.isfinite(steps), 4 * EPS + cancellation, 0.0)
    lags = np.arange(T, -1, -1)

    def suffix_sum(values):
        out = np.zeros(T + 1)
        out[:-1] = np.cumsum(values[::-1])[::-1]
        return out

    with np.errstate(invalid="ignore"):
        allowed = suffix_sum(per_step) + np.maximum(lags - 1, 0) * EPS * suffix_sum(
            np.where(np.isfinite(steps), steps, 0.0))
    error = np.abs(measured[finite] - upper[finite])
    assert np.all(error <= allowed[finite]), (w, activation, error.max(), allowed[finite][np.argmax(error)])


def test_scalar_spectra_and_zero():
    """n = 1: ‖w‖ = σ_min = ρ = |w|, κ(V) = 1; W = 0 gives −inf logs (0 at ℓ = 0), never NaN."""
    for w in [-2.5, 1e-150, 5e-324, 1e150]:
        W = np.array([[w]])
        assert theory.spectral_norm(W) == theory.min_singular_value(W) == theory.spectral_radius(W) == abs(w)
        assert theory.log_eigenvector_condition(W) == 0.0
    zero = np.zeros((1, 1))
    np.testing.assert_array_equal(theory.log_upper_bound(zero, "tanh", [0, 1, 5]), [0.0, -np.inf, -np.inf])
    np.testing.assert_array_equal(theory.log_lower_bound(zero, "tanh", [0, 2]), [0.0, -np.inf])
    np.testing.assert_array_equal(theory.log_matrix_power_norm(zero, 2), [0.0, -np.inf, -np.inf])
    r = theory.regime(zero, "tanh")
    assert r.decay_rate == -math.inf and r.horizon == 1 and r.name == "vanishing guaranteed"
    np.testing.assert_array_equal(theory.lag_profile(zero, "identity", T=3).log_norms,
                                  [-np.inf, -np.inf, -np.inf, 0.0])


# ---------------------------------------------------------------------------------------------
# Zero and huge T


def test_zero_length_is_accepted():
    """T = 0 (and lag 0) is accepted: J(0, 0) = I, so every profile and bound is [0]."""
    W = 0.5 * np.eye(2)
    empty = theory.lag_profile(W, "tanh", T=0)
    assert empty.log_norms.tolist() == [0.0] and empty.T == 0
    assert empty.preactivations.shape == (0, 2) and empty.states.tolist() == [[0.0, 0.0]], empty
    assert theory.log_trajectory_upper_bound(W, "tanh", np.zeros((0, 2))).tolist() == [0.0]
    assert theory.log_trajectory_lower_bound(W, "tanh", np.zeros((0, 2))).tolist() == [0.0]
    assert theory.log_matrix_power_norm(W, 0).tolist() == [0.0]
    assert float(theory.log_upper_bound(W, "tanh", 0)) == 0.0
    assert float(theory.log_lower_bound(W, "tanh", 0)) == 0.0
    assert theory.fused_rnn_log_norm_h0(W, "tanh", T=0) == 0.0
    assert theory.measured_jacobian(W, "tanh", 0, T=0).tolist() == np.eye(2).tolist()


def test_theory_at_lag_one_hundred_thousand():
    """T = 10⁵: the a-priori and trajectory bounds are finite, cheap, and exactly Σ of steps."""
    T = 10**5
    rng = np.random.default_rng(6)
    W = 0.9 * ROTATION
    pre = rng.standard_normal((T, 2))
    lags = np.arange(T, -1, -1)
    _close(theory.log_upper_bound(W, "tanh", lags), lags * math.log(0.9), rel=64 * EPS)
    upper = theory.log_trajectory_upper_bound(W, "tanh", pre)
    lower = theory.log_trajectory_lower_bound(W, "tanh", pre)
    tanh = theory.activation("tanh")
    per_step_max = tanh.log_derivative(pre).max(axis=1) + math.log(0.9)
    assert np.all(np.isfinite(upper)) and np.all(np.isfinite(lower))
    assert upper[-1] == 0.0 and lower[-1] == 0.0
    # A sum of 10⁵ terms: relative T·u of Σ|terms|.
    assert abs(upper[0] - per_step_max.sum()) <= T * EPS * np.abs(per_step_max).sum()
    assert abs(upper[-2] - per_step_max[-1]) <= 4 * EPS * abs(per_step_max[-1])
    assert np.all(lower <= upper)


def test_matrix_power_norm_at_twenty_thousand_lags():
    T = 20_000
    got = theory.log_matrix_power_norm(1e100 * ROTATION, T)
    lags = np.arange(T + 1)
    allowed = rounding_tolerance(lags, 2) * math.log(1e100) + 16 * 2 * EPS * lags * math.log(1e100)
    assert np.all(np.abs(got - lags * math.log(1e100)) <= allowed)


@pytest.mark.slow
def test_matrix_power_norm_at_one_hundred_thousand_lags():
    """2–4 s on one core of this machine: slow."""
    T = 10**5
    got = theory.log_matrix_power_norm(1e-100 * ROTATION, T)
    lags = np.arange(T + 1)
    allowed = rounding_tolerance(lags, 2) * math.log(1e100) + 16 * 2 * EPS * lags * math.log(1e100)
    assert np.all(np.abs(got + lags * math.log(1e100)) <= allowed)


@pytest.mark.slow
@pytest.mark.parametrize("n, activation", [(1, "tanh"), (2, "identity")])
def test_measurement_at_one_hundred_thousand_steps(n, activation):
    """lag_profile at T = 10⁵ (7–20 s on one core of this machine: slow): finite, and
    ℓ·log c exactly for W = c·Q at rest (tanh'(0) = 1), within rounding_tolerance(ℓ, n)."""
    T, c = 10**5, 0.999
    W = c * (np.eye(1) if n == 1 else ROTATION)
    profile = theory.lag_profile(W, activation, T=T)
    lags = np.arange(T, -1, -1)
    error = np.abs(profile.log_norms - lags * math.log(c))
    assert np.all(np.isfinite(profile.log_norms))
    assert np.all(error <= rounding_tolerance(lags, n) + 16 * n * EPS * lags), error.max()


def test_huge_T_is_a_clear_error_in_measurement():
    """T = 10¹² steps cannot be stored: a ValueError saying T is too large (not MemoryError)."""
    with pytest.raises(ValueError, match="too large"):
        theory.lag_profile(np.eye(2), "tanh", T=10**12)


def test_huge_lags_in_theory():
    """Lags up to 2⁶³ − 1 are finite numbers; ≥ 2⁶³ (any dtype) is refused, never wrapped to a
    negative lag; an output array too large for memory is a ValueError."""
    assert math.isfinite(float(theory.log_upper_bound(0.5 * np.eye(2), "tanh", 2**63 - 1)))
    for lag in [2**63, np.uint64(2**64 - 1), 1e300, 2.0**63]:
        with pytest.raises(ValueError, match="2\\*\\*63"):
            theory.log_upper_bound(np.eye(2), "tanh", lag)
    with pytest.raises(ValueError, match="too large"):
        theory.log_matrix_power_norm(np.eye(2), 10**15)


def test_torch_inputs_of_every_float_dtype_give_the_same_result():
    """float16/bfloat16/float32/float64 torch tensors and int numpy arrays are converted to
    float64 exactly (every value of a narrower type is a float64), so results are identical."""
    W64 = np.array([[0.5, 0.25], [-0.125, 1.0]])
    want = theory.log_upper_bound(W64, "tanh", 3)
    for dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
        assert theory.log_upper_bound(torch.tensor(W64, dtype=dtype), "tanh", 3) == want
    assert theory.spectral_norm(np.array([[2, 0], [0, 1]], dtype=np.int8)) == 2.0


# ---------------------------------------------------------------------------------------------
# Exact small cases (each pins one factor of a formula)


def test_reachable_radius_is_the_stated_formula():
    """r = max_i [Σ_j |W_ij|·max(s, |h_0|_∞) + max_t |(U x_t)_i| + |b_i|], exactly, on a case
    where every term matters and the unit with the largest row sum is *not* the one with the
    largest input drive (so a max over all units instead of per unit is caught)."""
    W = np.array([[0.5, -0.25], [0.125, 0.0]])  # row sums 0.75 and 0.125
    U = np.array([[1.0], [-4.0]])
    inputs = np.array([[0.5], [-0.25], [0.0]])  # (U x_t) = (0.5, −2), (−0.25, 1), (0, 0)
    b = np.array([0.0, 0.5])
    radius = theory.reachable_preactivation_radius
    assert radius(W, "tanh") == 0.75
    assert radius(W, "sigmoid", h0=[2.0, -0.5]) == 0.75 * 2.0  # state bound max(1, |h_0|_∞) = 2
    assert radius(W, "tanh", h0=[0.5, 0.0]) == 0.75  # |h_0|_∞ < 1 does not lower the bound
    # unit 0: 0.75 + 0.5 + 0 = 1.25; unit 1: 0.125 + 2 + 0.5 = 2.625.
    assert radius(W, "tanh", U=U, inputs=inputs, b=b) == 2.625
    assert radius(W, "tanh", U=U, inputs=inputs) == 2.125
    # Unit 0 wins when the drive is on unit 0 only: 0.75 + 0.5 = 1.25 (not 0.75 + 2).
    assert radius(W, "tanh", U=np.array([[1.0], [0.0]]), inputs=inputs) == 1.25
    # No steps (T = 0): the input term is empty, the radius is the state term.
    assert radius(W, "tanh", U=U, inputs=np.zeros((0, 1))) == 0.75


@pytest.mark.parametrize("name", theory.ACTIVATION_NAMES)
def test_phi_returns_float64_for_any_real_input(name):
    """φ converts its input to float64 first: int and float32 inputs give float64 values equal
    to the float64 input's (identity would otherwise return the int array itself)."""
    phi = theory.activation(name)
    x = np.array([-2.0, 0.0, 0.3, 3.0])  # 0.3 is not a float32 value: float32 math would show
    want, want_log = phi.phi(x), phi.log_derivative(x)
    for a in (np.array([-2, 0, 3]), [-2, 0, 3]):
        got = phi.phi(a)
        assert got.dtype == np.float64, (name, got.dtype)
        np.testing.assert_array_equal(got, want[[0, 1, 3]])
        np.testing.assert_array_equal(phi.log_derivative(a), want_log[[0, 1, 3]])
    # A float32 input is widened first, then computed in float64: same as its float64 value.
    x32 = x.astype(np.float32)
    for method in (phi.phi, phi.log_derivative):
        got = method(x32)
        assert got.dtype == np.float64, (name, method.__name__, got.dtype)
        np.testing.assert_array_equal(got, method(x32.astype(np.float64)))


@pytest.mark.parametrize("bound", [theory.log_trajectory_upper_bound, theory.log_trajectory_lower_bound])
def test_trajectory_sums_are_compensated_at_one_hundred_thousand_steps(bound):
    """The trajectory bounds' suffix sums over T = 10⁵ steps equal math.fsum of the per-step
    logs (correctly rounded) to 4u·|sum| at k = 0, T/2, T − 1: compensated summation errs by
    about 2u·|sum|, where a plain running sum errs by ~1e-8 here (≈ 4000 u·|sum|)."""
    T = 10**5
    pre = np.random.default_rng(7).standard_normal((T, 2)) * 3.0
    W = 0.9 * np.eye(2)
    tanh = theory.activation("tanh").log_derivative(pre)
    per_step = (tanh.max(axis=1) if bound is theory.log_trajectory_upper_bound else tanh.min(axis=1)) + math.log(0.9)
    got = bound(W, "tanh", pre)
    for k in (0, T // 2, T - 1):
        want = math.fsum(per_step[k:])
        assert abs(got[k] - want) <= 4 * EPS * abs(want), (k, got[k] - want)


def test_a_priori_lower_bound_for_relu_and_identity():
    """relu' vanishes on every interval around 0, so the a-priori lower bound is −inf for
    ℓ > 0 (0 at ℓ = 0), with or without a radius; identity has φ' ≡ 1, so the bound is
    ℓ·log σ_min(W) whatever the radius."""
    W = np.array([[2.0, 1.0], [0.0, 0.5]])
    lags = np.array([0, 1, 5])
    for radius in (None, 0.0, 3.0):
        np.testing.assert_array_equal(theory.log_lower_bound(W, "relu", lags, radius=radius),
                                      [0.0, -np.inf, -np.inf])
        _close(theory.log_lower_bound(W, "identity", lags, radius=radius),
               lags * math.log(theory.min_singular_value(W)), what="identity lower bound")


# ---------------------------------------------------------------------------------------------
# The regime classifier at its boundaries (γ‖W‖₂ = 1 exactly, ρ(W) = 1 exactly)


def test_regime_flags_at_the_boundaries():
    """γ‖W‖₂ = 1 exactly (W = I, tanh): explosion impossible, vanishing *not* guaranteed,
    explosion not possible; linear W = I (ρ = 1): explosion impossible, not certain; each
    flag is a bool and the Regime carries the ε it was given."""
    at_one = theory.regime(np.eye(2), "tanh", epsilon=1e-3)
    assert at_one.name == "explosion impossible" and at_one.horizon is None
    assert at_one.vanishing_guaranteed is False and at_one.explosion_impossible is True
    assert at_one.explosion_possible is False and at_one.explosion_certain is False
    assert at_one.epsilon == 1e-3 and at_one.decay_rate == 0.0
    linear_one = theory.regime(np.eye(2), "identity")
    assert linear_one.name == "explosion impossible" and linear_one.explosion_certain is False
    rotation = theory.regime(ROTATION, "identity")  # ρ = ‖W‖₂ = 1 up to rounding
    assert rotation.explosion_certain is (rotation.spectral_radius > 1.0)
    above = theory.regime(1.5 * np.eye(2), "tanh")
    assert above.name == "explosion possible" and above.explosion_possible is True
    assert above.vanishing_guaranteed is False and above.explosion_impossible is False
    below = theory.regime(0.5 * np.eye(2), "tanh", epsilon=0.25)
    assert below.vanishing_guaranteed is True and below.explosion_impossible is True
    assert below.explosion_possible is False and below.horizon == 2 and below.epsilon == 0.25


def test_regime_non_normal_nonlinear_is_not_vanishing_eventually():
    """ρ(W) < 1 ≤ γ‖W‖₂ gives 'vanishing eventually' only for the linear RNN: with tanh the
    nilpotent-like counterexample of tests/test_counterexamples.py shows it can grow."""
    jordan = np.array([[0.5, 4.0], [0.0, 0.5]])
    assert theory.regime(jordan, "identity").name == "vanishing eventually"
    for name in ("tanh", "relu", "sigmoid"):
        r = theory.regime(jordan, name)
        assert r.name == "explosion possible", (name, r)


# Every "X = v" with X = γ‖W‖₂ or ρ(W), and the comparison with 1 that follows it, if any.
_COMPARISON = re.compile(r"(γ‖W‖₂|ρ\(W\)) = ([-+0-9.e]+|inf)(?: (<|>|≥) 1(?![/.\d]))?")
_RELATIONS = {"<": float.__lt__, ">": float.__gt__, "≥": float.__ge__}


def _assert_comparisons_true(r, case):
    """Each "X = v < 1" (or >, ≥) in r.reason compares the quantity X it follows, and both
    X's true value and the printed v satisfy it; the deciding quantity of the regime is among
    them (γ‖W‖₂ for the a-priori regimes, ρ(W) for the linear-RNN ones; "explosion
    impossible" states γ‖W‖₂ = 1, and then γ‖W‖₂ is exactly 1)."""
    true_values = {"γ‖W‖₂": r.gamma_norm, "ρ(W)": r.spectral_radius}
    matches = _COMPARISON.findall(r.reason)
    stated = [(q, v, rel) for q, v, rel in matches if rel]
    for quantity, printed, relation in stated:
        holds = _RELATIONS[relation]
        assert holds(float(true_values[quantity]), 1.0), (case, quantity, relation, r.reason)
        assert holds(float(printed), 1.0), (case, quantity, printed, relation, r.reason)
    if r.name == "explosion impossible":
        assert ("γ‖W‖₂", "1", "") in matches and r.gamma_norm == 1.0, (case, r.reason)
    else:
        deciding = "ρ(W)" if r.name in ("explosion certain", "vanishing eventually") else "γ‖W‖₂"
        assert deciding in [q for q, _, _ in stated], (case, r.name, r.reason)
    # Nothing else is compared with 1: every "< 1", "> 1", "≥ 1" belongs to one of the matches.
    assert len(re.findall(r" (?:<|>|≥) 1(?![/.\d])", r.reason)) == len(stated), (case, r.reason)


REGIME_SENTENCE_CASES = [
    # (W, activation, regime, fragments that must appear)
    (0.5 * np.eye(2), "tanh", "vanishing guaranteed", ["γ‖W‖₂ = 0.5 < 1", "explosion is impossible"]),
    # ρ(W) = 3.9 > 1 but γ‖W‖₂ = 0.975 < 1: the "< 1" belongs to γ‖W‖₂.
    (3.9 * np.eye(2), "sigmoid", "vanishing guaranteed", ["ρ(W) = 3.9;", "γ‖W‖₂ = 0.975 < 1"]),
    (4 * np.eye(2), "sigmoid", "explosion impossible", ["γ‖W‖₂ = 1,", "vanishing is not guaranteed"]),
    (8 * np.eye(2), "sigmoid", "explosion possible",
     ["γ‖W‖₂ = 2 > 1", "1/γ = 4", "is necessary for explosion, not sufficient"]),
    # Nilpotent: ρ(W) ≈ 1e-15 < 1 but γ‖W‖₂ = 16 > 1: the "> 1" belongs to γ‖W‖₂.
    (np.array([[8.0, 8.0], [-8.0, -8.0]]), "tanh", "explosion possible", ["γ‖W‖₂ = 16 > 1"]),
    (2 * np.eye(2), "identity", "explosion certain",
     ["ρ(W) = 2 > 1", "grows at rate log ρ(W) = 0.693147"]),
    (np.array([[0.5, 4.0], [0.0, 0.5]]), "identity", "vanishing eventually",
     ["γ‖W‖₂ = 4.06155 ≥ 1", "ρ(W) = 0.5 < 1", "(Gelfand), so gradients vanish after a possible "
      "transient growth"]),
    # γ‖W‖₂ = 1 − 1e-9 would print as "1" at 6 digits: the reason prints enough digits.
    ((1 - 1e-9) * np.eye(2), "tanh", "vanishing guaranteed", ["γ‖W‖₂ = 0.999999999 < 1"]),
    ((1 + 1e-9) * np.eye(2), "tanh", "explosion possible", ["γ‖W‖₂ = 1.000000001 > 1"]),
]


@pytest.mark.parametrize("W, name, expected, fragments", REGIME_SENTENCE_CASES,
                         ids=[f"{c[2]}-{c[1]}-{i}" for i, c in enumerate(REGIME_SENTENCE_CASES)])
def test_regime_reasons_state_the_deciding_numbers(W, name, expected, fragments):
    """Every regime's reason is a sentence with the numbers and the rule that decided it, and
    each comparison with 1 it states is true of the quantity it follows."""
    r = theory.regime(W, name)
    assert r.name == expected, (expected, r)
    assert isinstance(r.reason, str) and str(r) == f"{r.name}: {r.reason}"
    for fragment in fragments:
        assert fragment in r.reason, (expected, fragment, r.reason)
    _assert_comparisons_true(r, (expected, name))


@settings(max_examples=200)
@given(log10_scale=st.floats(-3, 3), family=st.sampled_from(["identity", "rotation", "jordan", "nilpotent"]),
       name=st.sampled_from(["tanh", "sigmoid", "relu", "identity"]))
@example(log10_scale=math.log10(3.9), family="identity", name="sigmoid")
@example(log10_scale=math.log10(8.0), family="nilpotent", name="tanh")
def test_every_regime_sentence_states_true_comparisons(log10_scale, family, name):
    """Over scales 1e-3..1e3 and normal, non-normal and nilpotent W, each comparison with 1 in
    the reason is true of the quantity it follows (a ρ(W) next to a γ‖W‖₂ verdict is caught)."""
    base = {"identity": np.eye(2), "rotation": ROTATION, "jordan": np.array([[0.5, 4.0], [0.0, 0.5]]),
            "nilpotent": np.array([[1.0, 1.0], [-1.0, -1.0]])}[family]
    r = theory.regime(10.0**log10_scale * base, name)
    _assert_comparisons_true(r, (log10_scale, family, name))


# ---------------------------------------------------------------------------------------------
# Activation corner points


def test_relu_derivative_at_zero_is_zero_like_torch():
    """PyTorch's convention relu'(0) = 0 is the theory's too (log φ'(0) = −inf), and
    inf_{|a|≤r} relu' has the shape of r (−inf everywhere)."""
    a = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(torch.relu(a).sum(), a)
    relu = theory.activation("relu")
    assert grad.tolist() == [0.0, 0.0, 0.0]
    assert relu.derivative(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]
    assert np.isneginf(relu.log_derivative(0.0))
    assert relu.log_derivative(1e-300) == 0.0
    inf = relu.log_inf_derivative(np.array([0.0, 1.0]))
    assert inf.shape == (2,) and np.all(np.isneginf(inf))
    assert np.isneginf(relu.log_inf_derivative(2.0)) and np.shape(relu.log_inf_derivative(2.0)) == ()


def test_zero_factors_give_silent_minus_infinity():
    """A zero factor (W = 0, relu' = 0) gives −inf, never NaN, and without numpy's
    divide-by-zero or invalid-value warnings (0·(−inf) at ℓ = 0 is the empty product, 0)."""
    import warnings

    zero = np.zeros((2, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(theory.log_upper_bound(zero, "tanh", [0, 3]), [0.0, -np.inf])
        np.testing.assert_array_equal(theory.log_lower_bound(np.eye(2), "relu", [0, 3]), [0.0, -np.inf])
        np.testing.assert_array_equal(theory.log_power_norm_bounds(zero, [0, 2])[1], [0.0, -np.inf])
        bound = theory.log_trajectory_upper_bound(np.eye(2), "relu", -np.ones((3, 2)))
        np.testing.assert_array_equal(bound, [-np.inf, -np.inf, -np.inf, 0.0])
