"""Claim X1: the spectral-radius version of the vanishing condition is false for tanh."""

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import theory
from theory.report.evidence import observe


def nilpotent_fixed_point(c, s):
    """W = c[[1, 1], [−1, −1]] (W² = 0, ρ(W) = 0) with h* = (0, s) a fixed point of tanh.

    With a* = (0, artanh s) and b = a* − W h*, h* = tanh(W h* + b). There the step Jacobian is
    D W with D = diag(1, 1 − s²); its trace is c·s² and its determinant 0, so ρ(DW) = c·s².
    """
    W = c * np.array([[1.0, 1.0], [-1.0, -1.0]])
    h_star = np.array([0.0, s])
    b = np.array([0.0, math.atanh(s)]) - W @ h_star
    return W, b, h_star


def steps_near_fixed_point(c, s):
    """When the fixed point is unstable (rate c·s² > 1), rounding (~1e-16) grows like
    (c s²)^t, so we stop after T steps where it is still ≤ 1e-6; each Jacobian factor then
    moves by O(1e-6). A stable fixed point keeps T = 20."""
    rate = abs(math.log(c * s * s))
    return 20 if rate == 0 else int(min(20, math.floor(math.log(1e10) / rate)))


def check_gradient_grows(c, s):
    """The measured gradient grows like (c s²)^ℓ although ρ(W) = 0 < 1.

    Tolerance 1e-3 in log: ≤ 20 factors, each within O(1e-6) relative of D W (see above).
    """
    W, b, h0 = nilpotent_fixed_point(c, s)
    T = steps_near_fixed_point(c, s)
    profile = theory.lag_profile(W, "tanh", T=T, b=b, h0=h0)
    rho = theory.spectral_radius(W)
    predicted = T * math.log(c * s * s)
    measured = profile.log_norms[0]
    # W² = 0 exactly; an eigensolver returns |λ| ~ √u·‖W‖₂ for a defective block: hence 1e-6.
    assert rho < 1e-6, f"W should be nilpotent, got ρ(W) = {rho}"
    assert measured >= predicted - 1e-3 and measured > 0, (
        f"X1: with ρ(W) = {rho:.2g} < 1 the textbook says the gradient vanishes; measured "
        f"log‖∂h_T/∂h_0‖₂ = {measured:.6g} over T = {T} steps, predicted growth {predicted:.6g} "
        f"(c = {c}, s = {s})"
    )
    return measured, T


@pytest.mark.claim("X1")
@given(
    # ρ(DW) = c·s² ≥ 1.2, so the growth dominates the 1e-3 tolerance over the ≤ 20 steps.
    step_growth=st.floats(1.2, 10.0, allow_subnormal=False),
    s=st.floats(0.3, 0.9, allow_subnormal=False),
)
@example(step_growth=2.0, s=0.5)  # c = 8: W = [[8, 8], [−8, −8]], x* = (0, artanh ½)
def test_spectral_radius_condition_fails_for_tanh(step_growth, s):
    """Claim X1: ρ(W) < 1 does not imply vanishing for tanh; a nilpotent W has growing gradients."""
    c = step_growth / (s * s)
    measured, T = check_gradient_grows(c, s)
    observe("X1", -measured, {"c": c, "s": s, "T": T, "log_growth": measured}, violated=False)
    r = theory.regime(nilpotent_fixed_point(c, s)[0], "tanh")
    assert r.explosion_possible and not r.vanishing_guaranteed, (
        f"the ‖W‖₂-based classifier must not promise vanishing here: {r}"
    )
