"""The gradient wall of a single recurrent unit crossing a bifurcation (claims B1, B2).

Model (Pascanu, Mikolov & Bengio 2013, §2.3, eq. 8, Fig. 6): x_t = w·σ(x_{t−1}) + b, x_0 = 0.5,
w = 5, loss (σ(x_50) − 0.7)². The gradient with respect to b is measured by autograd through
a ``torch.nn.Module`` that holds one bias per grid point (the grid points are independent
units, so one backward pass gives every dL/db).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from tests.prediction_strategies import examples
from theory.bifurcation import basin_boundary_bias, fixed_points, log_boundary_sensitivity, saddle_node_biases
from theory.report.evidence import observe, record_data

W, X0, T, TARGET = 5.0, 0.5, 50, 0.7
GRID_STEP = 1e-4  # ≤ 1e-3 as the claim requires
GRID = (-4.0, 0.0)
# The wall's width at T = 50: the orbit is in transit at step T when |x_0 − x_m(b)|·μ^T ~ 1,
# i.e. |b − b*| ~ (μ − 1)·μ^{−T} ≈ 5e-5 for μ = 1.175 (dx_m/db = 1/(1 − μ)). LOCATION_TOL =
# 1e-3 = 10 grid steps is 20× that width.
LOCATION_TOL = 1e-3
AWAY = 0.05  # "away": farther than this outside the saddle-node window
SPIKE = 1e3


class SingleUnitRNN(torch.nn.Module):
    """x_t = w·σ(x_{t−1}) + b for a batch of independent units, one bias each."""

    def __init__(self, w, biases, activation="sigmoid"):
        super().__init__()
        self.w = w
        self.b = torch.nn.Parameter(torch.as_tensor(biases, dtype=torch.float64))
        self.phi = torch.sigmoid if activation == "sigmoid" else torch.tanh

    def forward(self, x0, steps):
        x = torch.full_like(self.b, x0)
        for _ in range(steps):
            x = self.w * self.phi(x) + self.b
        return x


def wall_gradients(biases, w=W, x0=X0, steps=T):
    model = SingleUnitRNN(w, biases)
    x = model(x0, steps)
    loss = ((torch.sigmoid(x) - TARGET) ** 2).sum()
    (grad,) = torch.autograd.grad(loss, model.b)
    return grad.numpy()


def check_wall(b, log_abs_grad, predicted_b, window, case):
    i = int(np.argmax(log_abs_grad))
    assert abs(b[i] - predicted_b) <= LOCATION_TOL, (
        f"gradient wall at b = {b[i]:.5f}, predicted b* = {predicted_b:.5f} (tolerance {LOCATION_TOL}); {case}"
    )
    away = (b < window[0] - AWAY) | (b > window[1] + AWAY)
    ratio = log_abs_grad[i] - log_abs_grad[away].max()
    assert ratio >= math.log(SPIKE), (
        f"wall height only {math.exp(ratio):.3g}× the largest gradient away from the bifurcation "
        f"(need ≥ {SPIKE:g}); {case}"
    )
    return ratio


@pytest.mark.claim("B1")
def test_gradient_wall_at_predicted_bias():
    b = np.arange(GRID[0], GRID[1] + GRID_STEP / 2, GRID_STEP)
    with np.errstate(divide="ignore"):
        log_abs = np.log(np.abs(wall_gradients(b)))
    b_star, mu = basin_boundary_bias(W, X0)
    window = saddle_node_biases(W)
    assert len(window) == 2 and window[0] < b_star < window[1], (window, b_star)
    assert mu > 1, mu  # x_0 is the unstable fixed point at b*: a basin boundary
    ratio = check_wall(b, log_abs, b_star, window, {"w": W, "x0": X0, "T": T})
    observe("B1", math.log(SPIKE) - ratio, {"w": W, "x0": X0, "T": T, "spike_log10": ratio / math.log(10)})
    keep = slice(None, None, 10)  # the figure at step 1e-3, plus the points around the wall
    i = int(np.argmax(log_abs))
    idx = sorted(set(range(len(b))[keep]) | set(range(max(0, i - 20), min(len(b), i + 21))))
    record_data(
        "bifurcation_wall",
        {
            "b": [float(b[k]) for k in idx],
            "log_abs_grad": [float(log_abs[k]) for k in idx],
            "predicted_b": [float(window[0]), float(b_star), float(window[1])],
        },
    )


@pytest.mark.meta
def test_meta_wall_at_saddle_node_value_is_caught():
    """Predicting the wall at a saddle-node bias (not b*) is rejected by the location check."""
    b = np.arange(-3.0, -2.0, GRID_STEP)
    with np.errstate(divide="ignore"):
        log_abs = np.log(np.abs(wall_gradients(b)))
    window = saddle_node_biases(W)
    for wrong in window:
        with pytest.raises(AssertionError):
            check_wall(b, log_abs, float(wrong), window, "meta")


def height_tolerance(w, x0, T, mu):
    u = 2.0**-53
    return 1e-12 + 32 * u * (1 + abs(x0) + abs(w)) * abs(mu) ** T / abs(mu - 1) * max(1.0, 1 / abs(mu - 1))


def _check_height(measured, predicted_log, tol, case):
    err = abs(math.log(abs(measured)) - predicted_log)
    assert err <= tol, (
        f"∂x_T/∂b at b* = {measured!r}, predicted exp({predicted_log:.12g}); |log error| {err:.3g} > {tol:.3g}; {case}"
    )
    return err


@pytest.mark.claim("B1")
@settings(max_examples=examples(12))
@given(
    st.fixed_dictionaries(
        {"w": st.floats(4.5, 12.0), "x0": st.floats(-1.0, 1.0), "T": st.integers(1, 60)}
    )
)
@example({"w": 5.0, "x0": 0.5, "T": 50})
@example({"w": 12.0, "x0": -1.0, "T": 21})  # found by Hypothesis: rounding of b* amplified by μ^T
def test_wall_height_at_boundary(case):
    """At b = b*, ∂x_T/∂b = Σ_{k<T} μ^k exactly (autograd vs theory, relative 1e-8).

    Tolerance: b* = x_0 − wσ(x_0) is rounded (absolute error ≤ 4u(|x_0| + w), u = 2⁻⁵³),
    so the orbit leaves x_0 by up to 4u(|x_0| + w)·(μ^t − 1)/(μ − 1) at step t, and each σ'
    changes by |σ''/σ'| ≤ 1 times that: a log-error ≤ Σ_t of it ≤ 4u(|x_0| + w)·μ^T/(μ − 1)²
    … we allow 32u(1 + |x_0| + w)·μ^T/|μ − 1|·max(1, 1/|μ − 1|) + 1e-12, and restrict μ^T ≤ e^{20}.
    """
    b_star, mu = basin_boundary_bias(case["w"], case["x0"])
    assume(case["T"] * math.log(abs(mu)) <= 20.0)
    model = SingleUnitRNN(case["w"], [b_star])
    x = model(case["x0"], case["T"])
    (grad,) = torch.autograd.grad(x.sum(), model.b)
    tol = height_tolerance(case["w"], case["x0"], case["T"], mu)
    err = _check_height(float(grad[0]), log_boundary_sensitivity(case["w"], case["x0"], case["T"]), tol, case)
    observe("B1", err - tol, case)


@pytest.mark.parametrize("w, x0, T, activation", [
    (5.0, 0.5, 50, "sigmoid"),      # μ ≈ 1.18, T log μ ≈ 8: the direct formula
    (12.0, 0.0, 40, "sigmoid"),     # μ = 3, T log μ ≈ 44: the overflow-safe branch
    (12.0, 0.0, 5000, "sigmoid"),   # μ^T ≈ 10^2386 would overflow float64
    (-12.0, 0.3, 41, "sigmoid"),    # μ < 0, odd T: the alternating sum, safe branch
    (-12.0, 0.3, 600, "sigmoid"),   # μ < 0, even T
    (-5.0, 0.5, 7, "sigmoid"),      # μ < 0, |μ| > 1, direct formula
    (2.0, 0.4, 30, "sigmoid"),      # |μ| < 1: the sum converges to 1/(1 − μ)
    (4.0, 0.0, 25, "sigmoid"),      # μ = 1 exactly (σ'(0) = 1/4): log T
    (3.0, 0.2, 400, "tanh"),        # tanh: μ = 3(1 − tanh² 0.2)
    (5.0, 0.5, 5000, "sigmoid"),    # 1 < μ < 2 and μ^T ≈ 10^350: still the safe branch
    (4000.0, 0.0, 150, "sigmoid"),  # μ = 1000, T/log μ < 30 < T·log μ: μ^T = 10^450
    (12.0, 0.0, 28, "sigmoid"),     # μ = 3, T·log μ ≈ 30.8: μ^{−T} ≈ 4e-14 still counts
    (-12.0, 0.0, 28, "sigmoid"),    # μ = −3, even T, just past the switch
])
def test_wall_height_formula_against_extended_precision(w, x0, T, activation):
    """log|Σ_{k<T} μ^k| against 40-digit mpmath in every branch of the closed form, including
    T where μ^T overflows float64 (the autograd test above stops at μ^T ≤ e^20). Tolerance:
    a few roundings of a log of this size, 8u·max(1, |log|)."""
    import mpmath

    _, mu = basin_boundary_bias(w, x0, activation)
    with mpmath.workdps(40):
        m = mpmath.mpf(mu)
        exact = float(mpmath.log(abs(mpmath.fsum(m**k for k in range(T)))))
    got = log_boundary_sensitivity(w, x0, T, activation)
    tolerance = 8 * 2.0**-53 * max(1.0, abs(exact))
    assert math.isfinite(got) and abs(got - exact) <= tolerance, (
        f"w={w}, x0={x0}, T={T}, {activation}, μ={mu!r}: log|Σ μ^k| = {got!r}, 40-digit value "
        f"{exact!r}, tolerance {tolerance:.3g}")


@pytest.mark.meta
def test_meta_wall_height_without_geometric_sum_is_caught():
    """Predicting ∂x_T/∂b = μ^T (the last factor only) instead of Σ μ^k is rejected."""
    b_star, mu = basin_boundary_bias(W, X0)
    model = SingleUnitRNN(W, [b_star])
    (grad,) = torch.autograd.grad(model(X0, T).sum(), model.b)
    _check_height(float(grad[0]), log_boundary_sensitivity(W, X0, T), height_tolerance(W, X0, T, mu), "right")
    with pytest.raises(AssertionError):
        _check_height(float(grad[0]), T * math.log(mu), height_tolerance(W, X0, T, mu), "meta")


# --------------------------------------------------------------------------------------
# B2: fixed points, bifurcations and attractors
# --------------------------------------------------------------------------------------


@pytest.mark.claim("B2")
@settings(max_examples=examples(15))
@given(
    st.fixed_dictionaries(
        {
            "activation": st.sampled_from(["sigmoid", "tanh"]),
            "w": st.floats(0.5, 10.0),
            "b_offset": st.floats(-1.5, 1.5),
            "x0": st.floats(-3.0, 3.0),
        }
    )
)
@example({"activation": "sigmoid", "w": 5.0, "b_offset": 0.0, "x0": 0.5})
def test_fixed_points_and_attractors(case):
    act, w = case["activation"], case["w"]
    window = saddle_node_biases(w, act)
    centre = float(np.mean(window)) if len(window) else (-w / 2 if act == "sigmoid" else 0.0)
    b = centre + case["b_offset"]
    if len(window):
        # near a saddle-node the stable point's multiplier tends to 1 (critical slowing down);
        # 0.02 away it is ≤ 1 − c·√0.02 and 1500 steps converge to 1e-8
        assume(min(abs(b - window[0]), abs(b - window[1])) > 0.02)
    points, mult = fixed_points(w, b, act)
    phi = np.tanh if act == "tanh" else (lambda a: 1 / (1 + np.exp(-a)))
    assert np.all(np.abs(w * phi(points) + b - points) <= 1e-12 * (1 + abs(w))), (points, case)
    inside = len(window) == 2 and window[0] < b < window[1]
    assert len(points) == (3 if inside else 1), f"{len(points)} fixed points, inside window: {inside}; {case}"
    stable = points[np.abs(mult) < 1]
    # the orbit (torch) converges to a stable fixed point (unless x0 sits on the unstable one).
    # Convergence needs hyperbolic fixed points: |μ| within 0.02 of 1 (e.g. tanh at w = 1, a
    # pitchfork) converges only algebraically or like 0.98^t; 0.98^1500 < 1e-13.
    assume(np.all(np.abs(np.abs(mult) - 1.0) > 0.02))
    unstable = points[np.abs(mult) > 1]
    assume(np.all(np.abs(unstable - case["x0"]) > 1e-3))
    model = SingleUnitRNN(w, [b], act)
    with torch.no_grad():
        x_inf = float(model(case["x0"], 1500)[0])
    dist = float(np.min(np.abs(stable - x_inf)))
    observe("B2", dist - 1e-8, {**case, "b": b, "n_fixed_points": int(len(points))})
    assert dist <= 1e-8, f"orbit ended at {x_inf!r}, stable fixed points {stable.tolist()}; {case}"


@pytest.mark.parametrize(
    "call",
    [
        lambda: fixed_points(float("nan"), 0.0),
        lambda: fixed_points(5.0, float("inf")),
        lambda: fixed_points(5.0, 0.0, "relu"),
        lambda: saddle_node_biases("five"),
        lambda: basin_boundary_bias(5.0, None),
        lambda: log_boundary_sensitivity(5.0, 0.5, 0),
        lambda: log_boundary_sensitivity(5.0, 0.5, -3),
        lambda: log_boundary_sensitivity(5.0, 0.5, 2.5),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.meta
def test_meta_wrong_bifurcation_window_is_caught():
    """The tanh window (−3.03, 3.03) applied to the sigmoid map predicts 3 fixed points at b = −1: wrong."""
    wrong = saddle_node_biases(5.0, "tanh")
    b = -1.0
    assert wrong[0] < b < wrong[1]
    assert len(fixed_points(5.0, b, "sigmoid")[0]) != 3


# --------------------------------------------------------------------------------------
# Hand-computed values and documented special cases
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("w, activation", [(4.0, "sigmoid"), (1.0, "tanh"), (-12.0, "sigmoid"), (-3.0, "tanh")])
def test_no_saddle_node_at_or_below_the_threshold(w, activation):
    """w·γ ≤ 1 (γ = 1/4 sigmoid, 1 tanh): no bias makes the map tangent to the diagonal, so the
    window is empty; at w = 1/γ exactly the only tangency is the pitchfork at x = 0, not a
    saddle-node pair (the documented "empty when w ≤ 1/γ", boundary included)."""
    window = saddle_node_biases(w, activation)
    assert window.shape == (0,), f"w={w}, {activation}: saddle-node biases {window.tolist()}, expected none"


@pytest.mark.parametrize(
    "w, b, activation, c, s",
    [
        (5.0, -2.5, "sigmoid", 2.5, 2.0),  # 5σ(x) − 2.5 = 2.5·tanh(x/2)
        (3.0, 0.0, "tanh", 3.0, 1.0),      # 3·tanh(x)
    ],
)
def test_fixed_points_against_extended_precision(w, b, activation, c, s):
    """w·φ(x) + b − x = c·tanh(x/s) − x is odd: the fixed points are 0 and ±x with
    x = c·tanh(x/s), checked against a 40-digit root, with multipliers w·φ'(x*) (stable
    outside, unstable at 0). Tolerance: Brent's stopping rule, xtol = 1e-15 plus 4u·|x|
    (scipy's rtol), doubled: the final bracket may straddle the root."""
    import mpmath

    with mpmath.workdps(40):
        x = float(mpmath.findroot(lambda t: c * mpmath.tanh(t / s) - t, 2.5))
    expected = np.array([-x, 0.0, x])
    points, mult = fixed_points(w, b, activation)
    tol = 2 * (1e-15 + 4 * 2.0**-53 * np.abs(expected))
    assert points.shape == (3,) and np.all(np.abs(points - expected) <= tol), (
        f"w={w}, b={b}, {activation}: fixed points {points.tolist()}, 40-digit {expected.tolist()}")
    # φ' = 1 − tanh² for tanh; σ' = 1/(4·cosh²(x/2)) for the sigmoid.
    dphi = np.cosh(expected) ** -2 if activation == "tanh" else 0.25 * np.cosh(expected / 2) ** -2
    # rtol 1e-13: the points are within ~4e-15 and |φ''/φ'| ≤ 2, so w·φ' is within ~1e-14.
    assert np.allclose(mult, w * dphi, rtol=1e-13, atol=0), (
        f"w={w}, b={b}, {activation}: multipliers {mult.tolist()}, expected {(w * dphi).tolist()}")
    assert (np.abs(mult) < 1).tolist() == [True, False, True], f"multipliers {mult.tolist()}"


@pytest.mark.parametrize("w, b, activation", [
    (-5.4, -3.6, "sigmoid"),  # w < 0: one fixed point
    (-0.7, 3.1, "sigmoid"),
    (3.1, 1.2, "tanh"),       # three, not symmetric
    (4.4, -0.3, "tanh"),
])
def test_fixed_points_against_extended_precision_roots(w, b, activation):
    """Every root of w·φ(x) + b − x, refined at 40 digits in each cell of a 0.005 grid over
    b + w·φ(ℝ) ± 1 where it changes sign (these cases are ≥ 0.18 from a saddle-node bias:
    simple roots, ≥ 0.9 apart, none within 2e-4 of a grid point). Tolerance as above:
    2·(xtol + 4u·|x|); a search stopped at scipy's default xtol = 2e-12 is off by ~5e-13 here."""
    import mpmath

    grid = np.linspace(b - abs(w) - 1, b + abs(w) + 1, 4001)
    phi = np.tanh if activation == "tanh" else (lambda t: 1 / (1 + np.exp(-t)))
    sign = np.sign(w * phi(grid) + b - grid)
    cells = np.flatnonzero(sign[:-1] * sign[1:] < 0)
    with mpmath.workdps(40):
        mphi = mpmath.tanh if activation == "tanh" else (lambda t: 1 / (1 + mpmath.exp(-t)))
        roots = [float(mpmath.findroot(lambda t: w * mphi(t) + b - t,
                                       (mpmath.mpf(grid[i]), mpmath.mpf(grid[i + 1])), solver="anderson"))
                 for i in cells]
    points, _ = fixed_points(w, b, activation)
    tol = 2 * (1e-15 + 4 * 2.0**-53 * np.abs(roots))
    assert points.shape == (len(roots),) and np.all(np.abs(points - roots) <= tol), (
        f"w={w}, b={b}, {activation}: fixed points {points.tolist()}, 40-digit roots {roots}")


@pytest.mark.parametrize("b", [-1e17, 1e17])
def test_fixed_point_of_a_huge_bias_is_found_at_the_bracket_edge(b):
    """|b| = 1e17, w = 100, tanh: the one fixed point is b ± 100 (tanh saturated), i.e. the float
    nearest to it, b ± 96 (the spacing of floats there is 16). The search brackets b + w·φ(ℝ)
    with a margin of 1, below that spacing, so the fixed point *is* a bracket end, where g
    vanishes exactly: it must still be returned (a bounded map always has a fixed point)."""
    w = 100.0
    points, mult = fixed_points(w, b, "tanh")
    expected = b + math.copysign(96.0, b)  # 10^17 ± 100 rounded to a multiple of 16
    assert points.tolist() == [expected] and mult.tolist() == [0.0], (
        f"b={b!r}: fixed points {points.tolist()}, multipliers {mult.tolist()}; expected [{expected!r}], [0.0]")
    assert w * math.tanh(expected) + b == expected  # a fixed point in float arithmetic


@pytest.mark.parametrize("T", [1, 2, 50])
def test_wall_height_without_recurrence_is_one(T):
    """w = 0: μ = 0, so ∂x_T/∂b = Σ_{k<T} 0^k = 1 (0⁰ = 1) and its log is exactly 0."""
    got = log_boundary_sensitivity(0.0, 0.5, T)
    assert got == 0.0, f"w=0, T={T}: log|∂x_T/∂b| = {got!r}, expected 0"


@pytest.mark.parametrize("w, x0", [(5.0, 0.5), (12.0, 0.0), (-5.0, 0.5), (-12.0, 0.3), (2.0, 0.4), (4.0, 0.0)])
def test_one_step_wall_height_is_exactly_one(w, x0):
    """T = 1: x_1 = w·σ(x_0) + b, so ∂x_1/∂b = 1 whatever μ, and log 1 = 0 with no rounding
    ((μ − 1)/(μ − 1) is exactly 1 in floating point); the overflow-safe rewrite is only for
    T·log|μ| > 30."""
    got = log_boundary_sensitivity(w, x0, 1)
    assert got == 0.0, f"w={w}, x0={x0}, T=1: log|∂x_1/∂b| = {got!r}, expected exactly 0"


def test_array_argument_error_names_the_shape():
    """A 1-element array is not a scalar: the message says which argument and its shape."""
    with pytest.raises(ValueError, match=r"^w must be a real number, got an array of shape \(2,\)$"):
        fixed_points(np.array([5.0, 6.0]), 0.0)
