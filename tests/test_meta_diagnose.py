"""Every property of lyapunov_spectrum (LY1–LY5) and diagnose (D1–D3) can fail: run with a
deliberately wrong theory, each is falsified by Hypothesis (φ' left out of the determinant,
singular values for eigenvalue moduli, the a-priori rate for the run's slope, ρ(W) for ‖W‖₂,
log σ for Newman's λ₁, an off-by-one lag, 'gates never amplify')."""

import math

import numpy as np
import pytest

import theory

from . import test_lyapunov_spectrum as ly
from .meta import assert_falsified

pytestmark = pytest.mark.meta


def log_det_without_derivatives(W, activation, preactivations):
    """Forgets diag(φ'(a_t)): log|det W| alone."""
    return float(np.linalg.slogdet(W)[1])


def log_det_one_step_short(W, activation, preactivations):
    """Averages over steps 1..T−1 only (an off-by-one in the time average)."""
    return ly.mean_log_det(W, activation, preactivations[:-1]) if len(preactivations) > 1 else 0.0


@pytest.mark.parametrize("mutant", [log_det_without_derivatives, log_det_one_step_short],
                         ids=lambda f: f.__name__)
def test_sum_identity_catches(mutant):
    assert_falsified(ly.check_sum_identity, ly.small_cases, log_det=mutant, record=False)


def log_singular_values(W, eigenvalues):
    """The textbook slip: log σ_i(W) for log|λ_i(W)| (equal only for normal W)."""
    return np.log(np.linalg.svd(W, compute_uv=False))


def log_eigenvalues_by_signed_value(W, eigenvalues):
    """Orders the eigenvalues by value, not modulus: a large negative one comes last."""
    return np.log(np.abs(np.sort(eigenvalues)[::-1]))


@pytest.mark.parametrize("mutant", [log_singular_values, log_eigenvalues_by_signed_value],
                         ids=lambda f: f.__name__)
def test_tied_linearisation_catches(mutant):
    assert_falsified(ly.check_tied_linearisation, ly.diagonalisable_cases(),
                     theory_exponents=mutant, max_examples=50, record=False)


def a_priori_rate(case):
    """log(γ‖W‖₂): the a-priori bound's rate in place of the run's measured slope."""
    return theory.regime(case.W, case.activation).decay_rate


def test_profile_slope_catches_a_priori_rate():
    assert_falsified(ly.check_top_exponent_against_profile, ly.profile_cases, slope=a_priori_rate,
                     record=False)


def trajectory_rate_with_radius(W, activation, preactivations):
    """ρ(W) in place of ‖W‖₂ in the per-step factor."""
    return (ly.trajectory_rate(W, activation, preactivations)
            - math.log(theory.spectral_norm(W)) + math.log(theory.spectral_radius(W))
            if theory.spectral_radius(W) > 0 else -math.inf)


def trajectory_rate_with_min_derivative(W, activation, preactivations):
    """min_i|φ'(a_t,i)| in place of the max."""
    phi = theory.activation(activation)
    logs = phi.log_derivative(preactivations).min(axis=1) + math.log(theory.spectral_norm(W))
    return float(logs.mean())


@pytest.mark.parametrize("mutant", [trajectory_rate_with_radius, trajectory_rate_with_min_derivative],
                         ids=lambda f: f.__name__)
def test_top_exponent_bound_catches(mutant):
    assert_falsified(ly.check_trajectory_bound, ly.small_cases, bound=mutant, record=False)


def newman_without_finite_n(n, sigma=1.0):
    """log σ: the rate of the mean square, not the typical rate λ₁ < log σ."""
    return math.log(sigma)


def test_newman_catches_mean_square_rate():
    assert_falsified(ly.check_newman, ly.untied_cases(), exponent=newman_without_finite_n,
                     max_examples=20, record=False)


# --- diagnose -------------------------------------------------------------------------------

from . import test_diagnose as dg  # noqa: E402


def test_fused_cross_check_catches_an_off_by_one_lag():
    """D1 with the fused run one step shorter than the measured profile."""
    assert_falsified(dg.check_profile_against_fused_module,
                     dg.model_cases().filter(lambda case: case.T >= 2), offset=1,
                     record=False)


def vanilla_bound_with_radius(case, entry):
    """ρ(W) in place of ‖W‖₂ in the vanilla trajectory bound."""
    lags = np.arange(len(entry.lag_profile))
    return entry.lag_profile_bound - lags * (math.log(entry.spectral_norm)
                                             - math.log(max(entry.spectral_radius, 1e-300)))


def gates_never_amplify(case, entry):
    """'Gating keeps the gradient at most 1': log‖∂s_T/∂s_k‖₂ ≤ 0, the cell path's bound
    applied to the whole state (false: the gate paths can amplify)."""
    return np.zeros_like(entry.lag_profile_bound)


@pytest.mark.parametrize("cells, mutant", [(("RNN_TANH", "RNN_RELU"), vanilla_bound_with_radius),
                                           (("LSTM",), gates_never_amplify),
                                           (("GRU",), gates_never_amplify)],
                         ids=["vanilla-radius", "lstm-never-amplify", "gru-never-amplify"])
def test_layer_trajectory_bound_catches(cells, mutant):
    assert_falsified(dg.check_profile_below_bound, dg.model_cases(cells=cells), bound_of=mutant,
                     record=False)


def sensitivity_bound_with_radius(case):
    """ρ(W) in place of ‖W‖₂ in the input-sensitivity bound."""
    p = dict(case.model.named_parameters())
    W = p["weight_hh_l0"].detach().numpy()
    lags = np.arange(case.T)
    norm, rho = theory.spectral_norm(W), theory.spectral_radius(W)
    return dg.one_layer_vanilla_bound(case) - lags * (math.log(norm) - math.log(max(rho, 1e-300)))


def test_input_sensitivity_catches_radius_for_norm():
    assert_falsified(dg.check_input_sensitivity, dg.vanilla_cases, bound=sensitivity_bound_with_radius,
                     record=False)
