"""Claims U1 and U2: upper bounds on ‖∂h_T/∂h_k‖₂ hold at every lag of every generated RNN."""

import numpy as np
import pytest
from hypothesis import example, given

import theory
from theory.report.evidence import observe, record_data

from theory.testing import (
    assert_log_le,
    derivative_rounding_tolerance,
    finite_target,
    lags_by_k,
    rounding_tolerance,
    worst_tightness,
)
from theory.testing import RNNCase, rnn_cases

# Hard cases pinned for every run: an orthogonal linear RNN is tight at every lag
# (‖W^ℓ‖₂ = ‖W‖₂^ℓ), and a Jordan block is far from normal.
TIGHT_ORTHOGONAL = RNNCase(
    n=8, T=120, family="orthogonal", activation="identity", target_kind="norm",
    log_target_over_threshold=0.3, seed=1,
)
JORDAN_TANH = RNNCase(
    n=16, T=200, family="jordan", activation="tanh", target_kind="radius",
    log_target_over_threshold=-0.5, input_scale=0.5, bias_scale=0.1, seed=7,
)
SCALAR = RNNCase(n=1, T=300, family="gaussian", activation="sigmoid", target_kind="norm",
                 log_target_over_threshold=1.9, seed=3)


def check_a_priori_upper_bound(case, upper=theory.log_upper_bound, record=True):
    """U1: log‖J(T,k)‖₂ ≤ ℓ·log(γ‖W‖₂) for every k."""
    measured = case.profile.log_norms
    lags = lags_by_k(case.T)
    bound = upper(case.W, case.activation, lags)
    tightness = worst_tightness(measured, bound)
    if record:
        finite_target(tightness, "U1 log(measured/bound)")
        observe("U1", tightness, case.params(),
                violated=tightness > rounding_tolerance(case.T, case.n))
    assert_log_le(measured, bound, rounding_tolerance(lags, case.n), case, "U1 a-priori upper bound")


def check_trajectory_upper_bound(case, upper=theory.log_trajectory_upper_bound, record=True):
    """U2: log‖J(T,k)‖₂ ≤ Σ_{t>k} [log max_i|φ'(a_{t,i})| + log‖W‖₂] along the run."""
    profile = case.profile
    bound = upper(case.W, case.activation, profile.preactivations)
    allowance = derivative_rounding_tolerance(case.activation, profile.preactivations, "max")
    # Tightness net of the allowance for autograd's rounded φ' (see assertions.py): what is
    # left is the bound's own slack, ≤ rounding when the bound holds.
    tightness = worst_tightness(profile.log_norms - allowance, bound)
    tolerance = rounding_tolerance(lags_by_k(case.T), case.n) + allowance
    if record:
        finite_target(tightness, "U2 log(measured/bound)")
        observe("U2", tightness, case.params(),
                violated=tightness > rounding_tolerance(case.T, case.n))
    assert_log_le(profile.log_norms, bound, tolerance, case, "U2 trajectory upper bound")


@pytest.mark.claim("U1")
@given(case=rnn_cases())
@example(case=TIGHT_ORTHOGONAL)
@example(case=JORDAN_TANH)
@example(case=SCALAR)
def test_a_priori_upper_bound(case):
    """Claim U1 (Pascanu et al. 2013, eqs. 6–7): ‖∂h_T/∂h_k‖₂ ≤ (γ‖W‖₂)^(T−k)."""
    check_a_priori_upper_bound(case)


@pytest.mark.claim("U2")
@given(case=rnn_cases())
@example(case=TIGHT_ORTHOGONAL)
@example(case=JORDAN_TANH)
def test_trajectory_upper_bound(case):
    """Claim U2: the trajectory bound Π max_i|φ'(a_{t,i})|·‖W‖₂ holds along each run."""
    check_trajectory_upper_bound(case)


def test_trajectory_bound_is_never_looser_than_a_priori():
    """The trajectory bound refines the a-priori one (max_i|φ'| ≤ γ), on a saturating run."""
    case = JORDAN_TANH
    a_priori = theory.log_upper_bound(case.W, case.activation, lags_by_k(case.T))
    trajectory = theory.log_trajectory_upper_bound(case.W, case.activation, case.profile.preactivations)
    excess = trajectory - a_priori
    assert np.all(excess <= rounding_tolerance(lags_by_k(case.T), 1)), (
        f"trajectory bound above a-priori bound by up to {excess.max():.3g}"
    )


@pytest.mark.claim("U1", "U2", "L1")
def test_record_lag_profile_example():
    """Record one lag profile with its bounds for the report's figure (and check them)."""
    case = RNNCase(n=32, T=150, family="gaussian", activation="tanh", target_kind="norm",
                   log_target_over_threshold=0.4, input_dim=2, input_scale=1.0,
                   bias_scale=0.2, h0_scale=0.5, seed=2013)
    check_a_priori_upper_bound(case, record=False)
    check_trajectory_upper_bound(case, record=False)
    lags = lags_by_k(case.T)
    pre = case.profile.preactivations

    def by_lag(values):
        return [float(v) for v in np.asarray(values)[::-1]]

    record_data("lag_profile_example", {
        "lags": by_lag(lags),
        "measured": by_lag(case.profile.log_norms),
        "upper_a_priori": by_lag(theory.log_upper_bound(case.W, case.activation, lags)),
        "upper_trajectory": by_lag(theory.log_trajectory_upper_bound(case.W, case.activation, pre)),
        "lower_trajectory": by_lag(theory.log_trajectory_lower_bound(case.W, case.activation, pre)),
        "case": f"tanh, Gaussian W, n={case.n}, T={case.T}, ‖W‖₂={theory.spectral_norm(case.W):.2f}",
    })
