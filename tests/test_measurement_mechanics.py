"""The measurement's machinery against hand-computed values.

tests/test_measurement.py checks the measured gradients (claim M1, long sequences, an
extended-precision reference); this module checks the parts around them, each against a
value worked out by hand: the size limit, argument names in errors, the renormalisation
branches, the compensated sum, the returned trajectory, float64 whatever torch's default
dtype, and the mean-field sweep's draws, defaults and dead units. Mutation testing
(docs/mutation-testing.md) showed each of these could change without another test failing.
"""

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
import torch

import theory
from theory.measurement.jacobians import (
    _MAX_RUN_ELEMENTS,
    _capped_segment_length,
    _check_run_size,
    _check_square_size,
    _neumaier_add,
)

from theory.testing import rounding_tolerance

LIMIT = _MAX_RUN_ELEMENTS  # 2**28 doubles of states and inputs per run


# --- argument handling -------------------------------------------------------------------

def test_run_size_limit_is_exact():
    """(T + 1)·(n + m) ≤ 2²⁸ is allowed and one more step is refused, with the counts in the
    message. n = 3, m = 1: T = 2²⁶ − 1 fills the limit exactly."""
    _check_run_size(2**26 - 1, 3, 1)  # (2**26)·4 == LIMIT: allowed
    with pytest.raises(ValueError) as error:
        _check_run_size(2**26, 3, 1)
    expected = (f"T = {2**26} is too large: one run of n = 3 units would store "
                f"{(2**26 + 1) * 3:,} state entries (limit {LIMIT:,}); split the sequence")
    assert str(error.value) == expected, f"message {str(error.value)!r}, expected {expected!r}"
    _check_run_size(LIMIT // 6 - 1, 3, 3)  # m counts: (T + 1)·6 ≤ LIMIT
    with pytest.raises(ValueError, match="too large"):
        _check_run_size(LIMIT // 6, 3, 3)


def test_square_matrix_limit_is_exact():
    """n² ≤ 2²⁸ doubles (2 GiB) is allowed and n = 2¹⁴ + 1 refused, the sizes in the message."""
    _check_square_size(2**14)  # n² == LIMIT: allowed
    with pytest.raises(ValueError) as error:
        _check_square_size(2**14 + 1)
    expected = "n = 16,385 is too large: one 16,385 × 16,385 float64 matrix would need 2 GiB (limit 2 GiB)"
    assert str(error.value) == expected, f"message {str(error.value)!r}, expected {expected!r}"


@pytest.mark.parametrize("call, message", [
    (lambda: theory.measured_jacobian(1e200 * np.eye(2), "identity", 0, T=3),
     "∂h_T/∂h_k (T = 3, k = 0) overflows float64 (no renormalisation here); use lag_profile, "
     "which gives its log norm"),
    (lambda: theory.mean_field_rate_sweep([1.0], 4, burn_in=2**27 - 10, lags=10),
     "burn_in + lags = 134,217,728 steps of n = 4 inputs exceed 268,435,456 entries; use fewer steps"),
    (lambda: theory.mean_field_rate_sweep([1.0], 4, seed=[1, 2]),
     "seed must be one non-negative integer, got an array of shape (2,)"),
], ids=["jacobian-overflow", "sweep-too-long", "seed-array"])
def test_refusals_say_what_and_how_much(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert str(error.value) == message, f"message {str(error.value)!r}, expected {message!r}"


@pytest.mark.parametrize("call", [
    lambda device: theory.lag_profile(0.5 * np.eye(3), "tanh", T=2, device=device),
    lambda device: theory.mean_field_rate_sweep([1.0], 4, device=device),
], ids=["lag_profile", "mean_field_rate_sweep"])
def test_a_device_this_torch_cannot_use_is_refused_before_the_run(call):
    """A valid name of a device that is not there (the 100th GPU) is a ValueError up front,
    not the torch error the first tensor on it would raise."""
    with pytest.raises(ValueError, match=r"^device device\(type='cuda', index=99\) is not usable by this torch: "):
        call("cuda:99")


def test_huge_T_is_refused_before_anything_is_allocated():
    """T = 2²⁶ at n = 3 would need 2 GiB of states: refused at once, by the same message."""
    with pytest.raises(ValueError, match=r"^T = 67108864 is too large: one run of n = 3 units"):
        theory.lag_profile(np.eye(3), "tanh", T=2**26)


@pytest.mark.parametrize("T, message", [(-1, r"^T must be non-negative"),
                                        (1.5, r"^T must be a non-negative integer")])
def test_a_bad_T_beside_inputs_is_named(T, message):
    """T given together with inputs is validated as "T", like T alone."""
    inputs, U = np.zeros((2, 1)), np.zeros((2, 1))
    with pytest.raises(ValueError, match=message):
        theory.lag_profile(np.eye(2), "tanh", T, inputs=inputs, U=U)


@pytest.mark.parametrize("name, shape, message", [
    ("U", (2,), r"^U must have 2 dimension\(s\), got shape \(2,\)"),
    ("b", (2, 1), r"^b must have 1 dimension\(s\), got shape \(2, 1\)"),
])
def test_wrong_number_of_dimensions_is_said_first(name, shape, message):
    """A U or b of the wrong rank is reported as a rank error, not as a length mismatch."""
    kwargs = dict(inputs=np.zeros((2, 1)), U=np.zeros((2, 1)), b=np.zeros(2))
    kwargs[name] = np.zeros(shape)
    with pytest.raises(ValueError, match=message):
        theory.lag_profile(np.eye(2), "tanh", **kwargs)


def test_forward_overflow_names_the_first_infinite_step():
    """Identity activation, W = 1e200, h_0 = 1: h_1 = 1e200 is finite, h_2 = 1e400 is not."""
    with pytest.raises(ValueError) as error:
        theory.lag_profile(np.array([[1e200]]), "identity", T=3, h0=np.array([1.0]))
    expected = ("the forward pass overflowed float64 at step t = 2 (h_t is not finite); "
                "W, U, b or the inputs are too large for this activation")
    assert str(error.value) == expected, f"message {str(error.value)!r}, expected {expected!r}"


def test_single_step_overflow_is_an_error_with_its_step():
    """‖W‖₂ = 2e308 overflows float64 in one step (entries 1e308 are finite)."""
    with pytest.raises(ValueError) as error:
        theory.lag_profile(np.full((2, 2), 1e308), "identity", T=1)
    expected = "a single step's Jacobian overflows float64 at t = 1; W is too large"
    assert str(error.value) == expected, f"message {str(error.value)!r}, expected {expected!r}"


# --- segments and renormalisation --------------------------------------------------------

@pytest.mark.parametrize("c, why", [
    (2.0, "powers of two: every product exact"),
    (1e4, "a 64-step product of 1e256: finite but above 1e250, so the segment is halved"),
    (1e-4, "a 64-step product of 1e-256: below 1e-250, so the segment is halved"),
    (1e5, "a 64-step product of 1e320 overflows to inf: the segment is halved"),
    (1e300, "one step of 1e300: a single step beyond 1e250 is finite, so it is accepted"),
])
def test_renormalisation_branches_are_exact(c, why):
    """W = c (n = 1), identity: log‖∂h_T/∂h_k‖ = (T − k)·log c, over 3 segments of 64.

    Tolerance: the rounding of an ℓ-step product in log space, times |log c| (the log of
    each segment's norm carries relative error ~u·|log of it|)."""
    T = 130
    profile = theory.lag_profile(np.array([[c]]), "identity", T=T)
    lags = np.arange(T, -1, -1)
    exact = lags * math.log(c)
    allowed = rounding_tolerance(lags, 1) * max(1.0, abs(math.log(c)))
    error = np.abs(profile.log_norms - exact)
    assert np.all(error <= allowed), (
        f"W = {c} ({why}): off by {error.max():.3g} at k = {error.argmax()}, "
        f"allowed {allowed[error.argmax()]:.3g}")


def test_one_step_segments_are_allowed():
    """segment_length = 1 (renormalise after every step) is valid and gives the same profile."""
    W = np.array([[0.6, -0.9], [0.4, 0.3]])
    h0 = np.array([0.2, -0.5])
    every_step = theory.lag_profile(W, "tanh", T=40, h0=h0, segment_length=1).log_norms
    default = theory.lag_profile(W, "tanh", T=40, h0=h0).log_norms
    tolerance = 2 * rounding_tolerance(np.arange(40, -1, -1), 2)
    assert np.all(np.abs(every_step - default) <= tolerance), (
        f"segment_length=1 vs 64: max difference {np.abs(every_step - default).max():.3g}")


@pytest.mark.parametrize("n, expected", [
    (1, 64), (256, 64),   # 2²²/256² = 64: the request stands
    (257, 63), (300, 46),  # floor(2²²/n²) below the request
    (1448, 2), (1449, 1), (5000, 1),  # never below one step
])
def test_segment_length_cap(n, expected):
    """A segment holds at most 2²² product entries: min(request, max(1, ⌊2²²/n²⌋)), an int."""
    capped = _capped_segment_length(64, n)
    assert capped == expected and isinstance(capped, int), (
        f"n = {n}: capped segment length {capped!r}, expected {expected}")


def test_capped_segments_at_large_n_are_exact():
    """n = 300 caps segments at 46 steps: W = 0.5·I gives log‖∂h_T/∂h_k‖ = (T − k)·log ½
    exactly (every product is a power of two), across the capped segments."""
    n, T = 300, 100
    profile = theory.lag_profile(0.5 * np.eye(n), "identity", T=T)
    exact = np.arange(T, -1, -1) * math.log(0.5)
    error = np.abs(profile.log_norms - exact)
    assert np.all(error <= 4 * np.finfo(float).eps * np.abs(exact)), f"max error {error.max():.3g}"


# --- the compensated sum of segment logs -------------------------------------------------

@pytest.mark.parametrize("values", [
    [1e16, 1.0, -1e16],            # the 1 is lost by plain summation
    [0.1] * 10,
    [-44.3614195558365] * 1500,    # 1500 segments of 64 steps at W = ½
])
def test_neumaier_sum_tracks_the_exact_sum(values):
    """total + compensation equals the exact (rational) sum on these sequences, to the
    rounding of the compensation itself: |error| ≤ u·|sum| + (n·u)²·Σ|x| (Neumaier 1974)."""
    total, compensation = 0.0, 0.0
    for value in values:
        total, compensation = _neumaier_add(total, compensation, value)
    exact = sum(Fraction(v) for v in values)
    error = abs(Fraction(total) + Fraction(compensation) - exact)
    u = Fraction(np.finfo(float).eps) / 2
    allowed = u * abs(exact) + (len(values) * u) ** 2 * sum(abs(Fraction(v)) for v in values)
    assert error <= allowed, (
        f"compensated sum {total!r} + {compensation!r} is off the exact sum {float(exact)!r} "
        f"by {float(error):.3g} (allowed {float(allowed):.3g}); values {values[:4]}...")


def test_neumaier_sum_is_exact_where_every_step_is():
    """[2⁵³, 1, 2, 2¹⁰⁵] rounds in both branches (|total| ≥ |x| and <), and each rounding
    error is representable, so total + compensation holds the sum exactly: total = 2¹⁰⁵ + 2⁵³,
    compensation = 3."""
    total, compensation = 0.0, 0.0
    for value in [2.0**53, 1.0, 2.0, 2.0**105]:
        total, compensation = _neumaier_add(total, compensation, value)
    assert (total, compensation) == (2.0**105 + 2.0**53, 3.0), (total, compensation)


# --- what a profile carries --------------------------------------------------------------

def test_profile_returns_the_run():
    """Identity activation, W = ½·I, U = I, x_t = (t, 0), h_0 = (1, 2): the stored states and
    pre-activations are the recursion's, exactly (every operation is exact in binary)."""
    W, U, h0 = 0.5 * np.eye(2), np.eye(2), np.array([1.0, 2.0])
    T = 4
    inputs = np.stack([np.arange(1.0, T + 1), np.zeros(T)], axis=1)
    profile = theory.lag_profile(W, "identity", inputs=inputs, U=U, h0=h0)
    states = [h0]
    for t in range(T):
        states.append(0.5 * states[-1] + inputs[t])
    states = np.array(states)
    assert profile.activation == "identity" and profile.module == "autograd step", profile
    assert profile.T == T
    assert np.array_equal(profile.states, states), f"states {profile.states}, expected {states}"
    assert np.array_equal(profile.preactivations, states[1:]), (
        f"pre-activations {profile.preactivations}, expected {states[1:]}")
    tanh = theory.lag_profile(W, "tanh", T=2)
    assert tanh.activation == "tanh" and tanh.module == "torch.nn.RNNCell", tanh


def test_exact_zeros_give_minus_infinity_without_warnings():
    """W = 0: ∂h_T/∂h_k = 0 for k < T. Every measuring function reports log 0 = −inf and
    emits no RuntimeWarning (divide by zero in log is expected, so it is silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        profile = theory.lag_profile(np.zeros((2, 2)), "tanh", T=3)
        fused = theory.fused_rnn_log_norm_h0(np.zeros((2, 2)), "tanh", T=3)
    assert np.all(np.isneginf(profile.log_norms[:3])) and profile.log_norms[3] == 0.0, profile
    assert np.isneginf(fused), fused


# --- float64 whatever torch's default dtype ----------------------------------------------

@pytest.fixture
def float32_default():
    """torch's default dtype set to float32 (its factory setting) for one test; the suite
    runs with float64 (conftest.py), which would hide a tensor created without a dtype."""
    torch.set_default_dtype(torch.float32)
    try:
        yield
    finally:
        torch.set_default_dtype(torch.float64)


def _measure_everything():
    rng = np.random.default_rng(3)
    W = rng.standard_normal((3, 3)) * 0.6
    kwargs = dict(inputs=rng.standard_normal((20, 2)), U=rng.standard_normal((3, 2)),
                  b=rng.standard_normal(3) * 0.1, h0=rng.standard_normal(3) * 0.5)
    return {
        "lag_profile tanh": theory.lag_profile(W, "tanh", **kwargs).log_norms,
        "lag_profile sigmoid": theory.lag_profile(W, "sigmoid", **kwargs).log_norms,
        "states": theory.lag_profile(W, "relu", **kwargs).states,
        "measured_jacobian k < T": theory.measured_jacobian(W, "tanh", 5, **kwargs),
        "measured_jacobian k = T": theory.measured_jacobian(W, "tanh", 20, **kwargs),
        "fused": np.array([theory.fused_rnn_log_norm_h0(W, "tanh", **kwargs)]),
        "lyapunov_spectrum tanh": theory.lyapunov_spectrum(W, "tanh", **kwargs).log_growth,
        "lyapunov_spectrum untied sigmoid": theory.lyapunov_spectrum(
            np.stack([W * (1.0 + 0.1 * t) for t in range(20)]), "sigmoid", **kwargs).log_growth,
        "mean_field_rate_sweep": theory.mean_field_rate_sweep(
            [0.8, 1.6], 16, sigma_b=0.2, sigma_u=0.3, burn_in=5, lags=10, seed=4),
    }


def test_measurement_is_float64_under_a_float32_default(float32_default):
    """Every measuring function computes in float64 and returns the very numbers it returns
    under the float64 default: a tensor made without an explicit dtype would be float32
    here, and would change the result or its dtype (σ_u = 0.3 is not a float32 number, so
    an input weight built in float32 would show)."""
    under_float32 = _measure_everything()
    torch.set_default_dtype(torch.float64)
    under_float64 = _measure_everything()
    for name, value in under_float32.items():
        assert value.dtype == np.float64, f"{name}: dtype {value.dtype} under a float32 default"
        assert np.array_equal(value, under_float64[name]), (
            f"{name} differs under a float32 default: {value} vs {under_float64[name]}")


# --- the mean-field sweep ----------------------------------------------------------------

def _sweep_by_hand(sigma_w, n, activation, sigma_b, sigma_u, burn_in, lags, seed):
    """The sweep's rate recomputed in numpy from the same draws (in the documented order:
    W, b, x, h_0, v from one torch generator), with the backward pass written out:
    δ ← Wᵀ(φ'(a_t)·δ) for t = T−1 down to burn_in."""
    generator = torch.Generator().manual_seed(seed)
    draw = lambda *shape: torch.randn(*shape, generator=generator, dtype=torch.float64).numpy()
    W = draw(n, n) * (sigma_w / math.sqrt(n))
    b = draw(n) * sigma_b
    x = draw(burn_in + lags, n)
    h = np.tanh(draw(n))
    v = draw(n)
    phi, dphi = {
        "tanh": (np.tanh, lambda a: 1.0 - np.tanh(a) ** 2),
        "relu": (lambda a: np.maximum(a, 0.0), lambda a: (a > 0).astype(float)),
    }[activation]
    derivatives = []
    for t in range(burn_in + lags):
        a = W @ h + sigma_u * x[t] + b
        if t >= burn_in:
            derivatives.append(dphi(a))
        h = phi(a)
    delta = v
    for d in reversed(derivatives):
        delta = W.T @ (d * delta)
    with np.errstate(divide="ignore"):
        return (np.log(np.linalg.norm(delta)) - np.log(np.linalg.norm(v))) / lags


@pytest.mark.parametrize("sigma_w, n, activation, sigma_b, sigma_u, burn_in, lags, seed", [
    (1.3, 4, "tanh", 0.3, 0.7, 3, 5, 0),
    (0.9, 3, "relu", 0.5, 0.4, 2, 3, 1),
    (2.0, 1, "tanh", 0.0, 0.0, 0, 1, 2),  # n = 1, no burn-in, a single lag
    (1.0, 1, "relu", 0.0, 0.0, 3, 2, 4),  # the single relu unit dies: δ = 0, rate −inf
])
def test_sweep_matches_a_hand_computation(sigma_w, n, activation, sigma_b, sigma_u, burn_in,
                                          lags, seed):
    """mean_field_rate_sweep's rate equals the rate computed by hand from the same draws.

    Tolerance 1e-12 absolute: a few steps of float64 rounding (≤ 10 steps of n ≤ 4), far
    below the effect of any wrong ingredient (a sign, the initial state, the input scale)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a dead unit is −inf, not a warning or an error
        measured = theory.mean_field_rate_sweep([sigma_w], n, activation=activation,
                                                sigma_b=sigma_b, sigma_u=sigma_u,
                                                burn_in=burn_in, lags=lags, seed=seed)[0]
    expected = _sweep_by_hand(sigma_w, n, activation, sigma_b, sigma_u, burn_in, lags, seed)
    case = f"σ_w={sigma_w}, n={n}, {activation}, σ_b={sigma_b}, σ_u={sigma_u}, seed={seed}"
    if np.isneginf(expected):
        assert np.isneginf(measured), f"{case}: dead relu state should give −inf, got {measured}"
    else:
        assert abs(measured - expected) <= 1e-12, f"{case}: measured {measured!r}, by hand {expected!r}"


def test_sweep_defaults():
    """The documented defaults: tanh, σ_b = σ_u = 0, burn_in = 50, lags = 100, seed = 0."""
    implicit = theory.mean_field_rate_sweep([0.9, 1.4], 6)
    explicit = theory.mean_field_rate_sweep([0.9, 1.4], 6, activation="tanh", sigma_b=0.0,
                                            sigma_u=0.0, burn_in=50, lags=100, seed=0)
    assert np.array_equal(implicit, explicit), f"defaults give {implicit}, documented {explicit}"


def test_sweep_depends_on_its_seed_alone():
    """All draws come from the sweep's own generator: the global torch seed changes nothing."""
    torch.manual_seed(1)
    first = theory.mean_field_rate_sweep([1.2], 5, sigma_b=0.3, sigma_u=0.5, seed=3, lags=10)
    torch.manual_seed(2)
    second = theory.mean_field_rate_sweep([1.2], 5, sigma_b=0.3, sigma_u=0.5, seed=3, lags=10)
    assert np.array_equal(first, second), f"same seed, different global RNG: {first} vs {second}"

