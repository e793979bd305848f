"""Saturation (claims S1, S2): ‖W‖₂ > 1 is necessary for explosion with tanh, not sufficient.

S1 measures, by autograd through ``torch.nn.RNNCell`` at n = 256, the per-step rate of a
back-propagated vector for W = 1.2·O (O Haar orthogonal, so ρ(W) = ‖W‖₂ = 1.2) while the
input scale σ_u or the bias scale σ_b grows, and compares it with the mean-field rate
½ log χ₁ (for orthogonal W the mean-field recursions are those of Gaussian W with σ_w = 1.2;
Pennington, Schoenholz & Ganguli 2017).

Tolerances (this module's own calibration: 40 seeds per ladder point, 360 runs, with the
functions below):
* input sweep (fresh inputs every step, σ_b = 0): mean error −0.001 … −0.014 and standard
  deviation per run 0.003 … 0.013 (both growing with σ_u; worst at σ_u = 4), largest
  |error| 0.04. RATE_TOL = 0.08 = worst |mean| + 5.1 worst sd: false-alarm ≈ 3e-7 per point
  for a normal tail. (tests/test_mean_field.py's per-example 0.1 is a different domain, with
  a larger sd.)
* bias sweep (a fixed bias: quenched disorder, whose fluctuations do not average out over
  lags): standard deviation per run 0.003, 0.015, 0.031, 0.043 at σ_b = 0, 0.5, 1, 2 and
  |mean error| ≤ 0.009. The mean of BIAS_SEEDS = 3 runs is compared with BIAS_TOL = 0.1:
  4.0 standard deviations of that mean at σ_b = 2 (false-alarm ≈ 6e-5 per point for a
  normal tail), ≥ 5 elsewhere.
* the orderings compare ladder points whose predicted rates differ by ≥ 0.106, ≥ 7.5
  standard deviations of the difference of the measured (mean) rates.
Power, side by side with these, in docs/flakiness.md.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings, target
from hypothesis import strategies as st

from theory.testing import EPS, rounding_tolerance
from theory.testing import assert_log_le_by_lag as check_le
from tests.prediction_strategies import examples, mean_field_run, slope
from theory.bounds import log_trajectory_upper_bound
from theory.report.evidence import observe
from theory.mean_field import mean_field, saturation_log_rate_bound
from theory.measurement.jacobians import lag_profile

N, SCALE = 256, 1.2
RATE_TOL, BIAS_TOL, BIAS_SEEDS = 0.08, 0.1, 3
INPUT_LADDER = (0.3, 0.6, 1.0, 2.0, 4.0)
BIAS_LADDER = (0.0, 0.5, 1.0, 2.0)
BIAS_SWEEP_INPUT = 0.3


def measured_rate(sigma_b, sigma_u, seed):
    log_norms, _ = mean_field_run(N, SCALE, sigma_b, sigma_u, seed, family="orthogonal")
    return slope(log_norms, 5)


def check_sweep(scales, measured, predicted, tol, what, case):
    """Each measured rate within tol of the prediction; measured rates strictly falling."""
    for s, m, p in zip(scales, measured, predicted):
        assert abs(m - p) <= tol, (
            f"{what} = {s}: measured rate {m:.4f} vs mean field {p:.4f} (tolerance {tol}); case {case}"
        )
    assert all(b < a for a, b in zip(measured, measured[1:])), (
        f"measured rate does not fall as {what} grows: {np.round(measured, 4).tolist()} at "
        f"{list(scales)}; case {case}"
    )
    return max(abs(m - p) for m, p in zip(measured, predicted)) - tol


@pytest.mark.claim("S1")
@settings(max_examples=examples(1))
@given(st.fixed_dictionaries({"seed": st.integers(0, 2**32 - 2 * len(BIAS_LADDER) * BIAS_SEEDS)}))
@example({"seed": 0})
def test_rate_falls_with_bias_and_input_scale(case):
    # input sweep
    pred_u = [mean_field("tanh", SCALE, 0.0, su).rate for su in INPUT_LADDER]
    meas_u = [measured_rate(0.0, su, case["seed"] + k) for k, su in enumerate(INPUT_LADDER)]
    tight_u = check_sweep(INPUT_LADDER, meas_u, pred_u, RATE_TOL, "input scale σ_u", case)
    # bias sweep (mean of BIAS_SEEDS runs per point)
    pred_b = [mean_field("tanh", SCALE, sb, BIAS_SWEEP_INPUT).rate for sb in BIAS_LADDER]
    meas_b = [
        float(np.mean([measured_rate(sb, BIAS_SWEEP_INPUT, case["seed"] + 100 + 10 * k + j) for j in range(BIAS_SEEDS)]))
        for k, sb in enumerate(BIAS_LADDER)
    ]
    tight_b = check_sweep(BIAS_LADDER, meas_b, pred_b, BIAS_TOL, "bias scale σ_b", case)
    # the gradient vanishes although ρ(W) = 1.2 > 1
    assert meas_u[-1] < 0 and meas_b[-1] < 0, (meas_u, meas_b, case)
    observe("S1", max(tight_u, tight_b), {**case, "input_rates": meas_u, "bias_rates": meas_b})


@pytest.mark.meta
def test_meta_linear_prediction_ignoring_saturation_is_caught():
    """Predicting the rate log ρ(W) = log 1.2 (no saturation) at every scale is rejected."""
    meas = [measured_rate(0.0, su, 50 + k) for k, su in enumerate(INPUT_LADDER)]
    with pytest.raises(AssertionError):
        check_sweep(INPUT_LADDER, meas, [math.log(SCALE)] * len(INPUT_LADDER), RATE_TOL, "σ_u", "meta")


@pytest.mark.meta
def test_meta_rate_that_does_not_fall_is_caught():
    """A measured sequence that rises is rejected by the ordering check."""
    pred = [mean_field("tanh", SCALE, 0.0, su).rate for su in INPUT_LADDER]
    with pytest.raises(AssertionError):
        check_sweep(INPUT_LADDER, pred[::-1], pred[::-1], RATE_TOL, "σ_u", "meta")


# --------------------------------------------------------------------------------------
# S2: the a-priori saturation bound, and the foundation's trajectory bound
# --------------------------------------------------------------------------------------

saturation_cases = st.fixed_dictionaries(
    {
        "n": st.integers(1, 16),
        "T": st.integers(5, 150),
        "margin": st.floats(0.0, 4.0),
        "input_scale": st.floats(0.0, 1.0),
        "seed": st.integers(0, 2**32 - 1),
    }
)


def build_saturated(case):
    rng = np.random.default_rng(case["seed"])
    n = case["n"]
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    W = SCALE * q * np.where(np.diag(r) < 0, -1.0, 1.0)  # ρ(W) = ‖W‖₂ = 1.2
    U = rng.standard_normal((n, 1))
    x = rng.standard_normal((case["T"], 1)) * case["input_scale"]
    input_bound = float(np.abs(x @ U.T).max()) if case["T"] else 0.0
    signs = rng.choice([-1.0, 1.0], n)
    b = signs * (np.abs(W).sum(axis=1) + input_bound + case["margin"])
    h0 = rng.uniform(-1, 1, n)
    return W, U, x, b, h0, input_bound


def derivative_rounding(log_max_derivative):
    """Cumulative log-tolerance for the derivatives autograd computes in saturation.

    torch differentiates tanh as 1 − tanh(a)², whose absolute error is ≤ 4u (u = 2⁻⁵³) but
    whose relative error 4u/tanh'(a) grows as the unit saturates. Each step's measured factor
    is ≤ (max_i tanh'(a_{t,i}) + 4u)·‖W‖₂, so the bound holds up to Σ_t log(1 + 4u/max_i
    tanh'(a_{t,i})); ``log_max_derivative`` gives log max_i tanh'(a_{t,i}) per step, by lag.
    """
    per_step = np.log1p(4 * EPS / np.exp(np.asarray(log_max_derivative, dtype=float)))
    return np.concatenate([[0.0], np.cumsum(per_step)])


@pytest.mark.claim("S2")
@settings(max_examples=examples(15))
@given(saturation_cases)
@example({"n": 8, "T": 100, "margin": 0.0, "input_scale": 1.0, "seed": 0})
def test_saturation_bound_proves_vanishing(case):
    W, U, x, b, h0, input_bound = build_saturated(case)
    rate = saturation_log_rate_bound(W, "tanh", b, input_bound=input_bound)
    profile = lag_profile(W, "tanh", inputs=x, U=U, b=b, h0=h0)  # autograd, torch.nn.RNNCell
    lags = np.arange(case["T"] + 1)
    measured = profile.log_norms_by_lag
    log_norm_w = math.log(SCALE)
    tol = rounding_tolerance(lags, case["n"]) + derivative_rounding(np.full(case["T"], rate - log_norm_w))
    tight = check_le(measured, lags * rate, tol, "saturation bound", case)
    target(float(np.clip(tight, -1e3, 1e3)), label="log(measured/bound)")
    observe("S2", tight, {**case, "rate_bound": rate})
    # ρ(W) = 1.2 > 1, yet the a-priori rate is negative: vanishing guaranteed by saturation.
    # Every |a_{t,i}| ≥ margin, and 1.2·tanh'(a) < 1 as soon as |a| > 0.42: margin ≥ 0.5 suffices.
    if case["margin"] >= 0.5:
        assert rate < 0, (rate, case)
    # the foundation's trajectory bound (U2) explains the measured decay along this run
    traj = log_trajectory_upper_bound(W, "tanh", profile.preactivations)[::-1]
    log_max_d = np.diff(traj) - math.log(np.linalg.norm(W, 2))  # per-step log max_i tanh'(a_t), by lag
    tol_traj = rounding_tolerance(lags, case["n"]) + derivative_rounding(log_max_d)
    check_le(measured, traj, tol_traj, "trajectory bound", case)
    assert (traj <= lags * rate + tol).all(), "trajectory bound looser than the a-priori saturation bound"


@pytest.mark.meta
def test_meta_saturation_bound_ignoring_recurrent_input_is_caught():
    """Using |b_i| instead of |b_i| − Σ_j|W_ij| as the saturation margin is too optimistic."""
    W, b = np.array([[-SCALE]]), np.array([2.0])
    T = 60
    profile = lag_profile(W, "tanh", T=T, b=b)
    lags = np.arange(T + 1)
    wrong_rate = float(np.log(1 - np.tanh(2.0) ** 2) + math.log(SCALE))
    right_rate = saturation_log_rate_bound(W, "tanh", b)
    check_le(profile.log_norms_by_lag, lags * right_rate, rounding_tolerance(lags, 1), "right", "meta")
    with pytest.raises(AssertionError):
        check_le(profile.log_norms_by_lag, lags * wrong_rate, rounding_tolerance(lags, 1), "wrong", "meta")


@pytest.mark.parametrize(
    "call",
    [
        lambda: saturation_log_rate_bound(np.eye(2), "relu", [1.0, 1.0]),
        lambda: saturation_log_rate_bound(np.eye(2), "tanh", [1.0]),
        lambda: saturation_log_rate_bound(np.eye(2), "tanh", [1.0, np.nan]),
        lambda: saturation_log_rate_bound(np.eye(2), "tanh", [1.0, 1.0], input_bound=-1.0),
        lambda: saturation_log_rate_bound(np.ones((2, 3)), "tanh", [1.0, 1.0]),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


# --------------------------------------------------------------------------------------
# Hand-computed values of the a-priori saturation bound
# --------------------------------------------------------------------------------------


def _log_tanh_prime(m):
    return math.log(1.0 / math.cosh(m) ** 2)


def _log_sigmoid_prime(m):
    return -m - 2.0 * math.log1p(math.exp(-m))  # σ'(m) = e^{−m}/(1 + e^{−m})²


# ‖W‖₂ of [[1, ½], [0, ½]]: the largest eigenvalue of WᵀW = [[1, ½], [½, ½]] is (3/2 + √(5/4))/2.
_TRIANGULAR_NORM = math.sqrt((1.5 + math.sqrt(1.25)) / 2)

_SATURATION_VALUES = [
    # (W, activation, b, input_bound or None for the default 0, margins m_i by hand, ‖W‖₂)
    # diag(1.2, −0.6): Σ_j|W_ij| = 1.2, 0.6
    (np.diag([1.2, -0.6]), "tanh", [3.0, -2.0], 0.4, [1.4, 1.0], 1.2),
    (np.diag([1.2, -0.6]), "sigmoid", [3.0, -2.0], 0.4, [1.4, 1.0], 1.2),
    (np.diag([1.2, -0.6]), "tanh", [3.0, -2.0], None, [1.8, 1.4], 1.2),  # no input by default
    (np.diag([1.2, -0.6]), "tanh", [0.5, -0.5], None, [0.0, 0.0], 1.2),  # nothing saturates: log‖W‖₂
    # rows of |W| sum to 1.5 and 0.5 (its columns to 1 and 1): the margins use the rows
    (np.array([[1.0, 0.5], [0.0, 0.5]]), "tanh", [2.5, 0.9], 0.0, [1.0, 0.4], _TRIANGULAR_NORM),
    (np.array([[1.0, 0.5], [0.0, 0.5]]), "sigmoid", [2.5, -0.3], 0.0, [1.0, 0.0], _TRIANGULAR_NORM),
]


@pytest.mark.parametrize("W, act, b, input_bound, margins, norm", _SATURATION_VALUES)
def test_saturation_bound_hand_computed_values(W, act, b, input_bound, margins, norm):
    """max_i log φ'(m_i) + log‖W‖₂ with m_i = max(0, |b_i| − Σ_j|W_ij| − input_bound), by hand.

    Tolerance 1e-14 absolute: a few roundings in log φ' (values ≤ 2) and the SVD's n·u.
    """
    log_prime = {"tanh": _log_tanh_prime, "sigmoid": _log_sigmoid_prime}[act]
    expected = max(log_prime(m) for m in margins) + math.log(norm)
    kwargs = {} if input_bound is None else {"input_bound": input_bound}
    got = saturation_log_rate_bound(W, act, b, **kwargs)
    assert abs(got - expected) <= 1e-14, (
        f"{act}, W = {W.tolist()}, b = {b}, input_bound = {input_bound}: bound {got!r}, "
        f"by hand {expected!r} (margins {margins}, ‖W‖₂ = {norm!r})"
    )
