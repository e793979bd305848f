"""Every bound test can fail: the same properties, run with deliberately wrong theory, are
falsified by Hypothesis (ρ(W) for ‖W‖₂, γ halved, an off-by-one lag, min for max, ...)."""

import math

import numpy as np
import pytest

import theory
from theory.regime import Regime

from . import test_counterexamples, test_linear_regime, test_lower_bounds, test_measurement
from . import test_upper_bounds, test_vanishing
from .meta import assert_falsified
from theory.testing import NON_NORMAL_FAMILIES, rnn_cases

pytestmark = pytest.mark.meta

_log = np.log


def _scaled(lag, factor):
    lag = np.asarray(lag)
    return np.where(lag == 0, 0.0, lag * factor)


def upper_with_radius(W, activation, lag):
    """ρ(W) in place of ‖W‖₂: the textbook mistake."""
    return _scaled(lag, theory.activation(activation).log_gamma + _log(theory.spectral_radius(W)))


def upper_with_half_gamma(W, activation, lag):
    return theory.log_upper_bound(W, activation, lag) - np.asarray(lag) * math.log(2.0)


def upper_one_lag_short(W, activation, lag):
    return theory.log_upper_bound(W, activation, np.maximum(np.asarray(lag) - 1, 0))


def trajectory_upper_with_min(W, activation, preactivations):
    return theory.log_trajectory_lower_bound(W, activation, preactivations) - _log(
        theory.min_singular_value(W)) * np.arange(len(preactivations), -1, -1) + _log(
        theory.spectral_norm(W)) * np.arange(len(preactivations), -1, -1)


def trajectory_upper_missing_last_step(W, activation, preactivations):
    bound = theory.log_trajectory_upper_bound(W, activation, preactivations[:-1])
    return np.append(bound, 0.0) if len(preactivations) else bound


def trajectory_lower_with_norm(W, activation, preactivations):
    lags = np.arange(len(preactivations), -1, -1)
    return (theory.log_trajectory_lower_bound(W, activation, preactivations)
            + lags * (_log(theory.spectral_norm(W)) - _log(theory.min_singular_value(W))))


def lower_ignoring_saturation(W, activation, lag, radius=None):
    return theory.log_lower_bound(W, activation, lag, radius=0.0 if radius is not None else None)


UPPER_MUTANTS = [upper_with_radius, upper_with_half_gamma, upper_one_lag_short]


@pytest.mark.parametrize("mutant", UPPER_MUTANTS, ids=lambda f: f.__name__)
def test_a_priori_upper_bound_catches(mutant):
    strategy = rnn_cases(families=NON_NORMAL_FAMILIES) if mutant is upper_with_radius else rnn_cases()
    assert_falsified(test_upper_bounds.check_a_priori_upper_bound, strategy, upper=mutant, record=False)


@pytest.mark.parametrize("mutant", [trajectory_upper_with_min, trajectory_upper_missing_last_step],
                         ids=lambda f: f.__name__)
def test_trajectory_upper_bound_catches(mutant):
    assert_falsified(test_upper_bounds.check_trajectory_upper_bound, rnn_cases(), upper=mutant,
                     record=False)


def test_trajectory_lower_bound_catches_norm_for_sigma_min():
    assert_falsified(test_lower_bounds.check_trajectory_lower_bound, rnn_cases(),
                     lower=trajectory_lower_with_norm, record=False)


def test_a_priori_lower_bound_catches_ignored_saturation():
    assert_falsified(test_lower_bounds.check_a_priori_lower_bound,
                     rnn_cases(activations=("tanh", "sigmoid")),
                     lower=lambda W, a, lag, radius=None: theory.log_lower_bound(W, a, lag, radius=0.0),
                     record=False)


def _regime_with_rate(factor):
    def wrong(W, activation, epsilon):
        r = theory.regime(W, activation, epsilon=epsilon)
        return Regime(**{**r.__dict__, "decay_rate": r.decay_rate * factor})
    return wrong


def test_vanishing_rate_catches_doubled_rate():
    assert_falsified(test_vanishing.check_vanishing, test_vanishing.vanishing_cases,
                     predicted_regime=_regime_with_rate(2.0), record=False)


def test_vanishing_catches_halved_horizon():
    def wrong(W, activation, epsilon):
        r = theory.regime(W, activation, epsilon=epsilon)
        return Regime(**{**r.__dict__, "horizon": r.horizon // 2})
    # The rate part is right, so only the horizon can fail: that needs a bound near-tight.
    assert_falsified(test_vanishing.check_vanishing,
                     rnn_cases(activations=("identity",), families=("orthogonal", "diagonal"),
                               log_target=(-0.5, -0.01), target_kinds=("norm",), lengths=(100, 300)),
                     predicted_regime=wrong, record=False)


def test_sigmoid_threshold_catches_eight():
    """'‖W‖₂ < 8 ⇒ vanishing' (γ halved to 1/8) is false: J = (W/4)^ℓ at the centred state."""
    assert_falsified(test_vanishing.check_sigmoid_threshold, test_vanishing.sigmoid_params(8.0),
                     threshold=8.0, record=False)


def test_regime_check_catches_radius_based_classifier():
    def wrong(W, activation):
        rho = theory.spectral_radius(W)
        r = theory.regime(W, activation)
        fake = theory.activation(activation).gamma * rho <= 1.0
        return Regime(**{**r.__dict__, "explosion_impossible": fake, "explosion_certain": False})
    assert_falsified(test_vanishing.check_regime_agrees,
                     rnn_cases(families=NON_NORMAL_FAMILIES, activations=("identity", "tanh")),
                     classify=wrong, record=False)


def test_linear_jacobian_catches_off_by_one_power():
    assert_falsified(test_linear_regime.check_jacobian_is_power, test_linear_regime.linear_cases,
                     power=lambda W, lag: np.linalg.matrix_power(W, lag + 1))


def test_linear_jacobian_catches_transpose():
    assert_falsified(test_linear_regime.check_jacobian_is_power, test_linear_regime.linear_cases,
                     power=lambda W, lag: np.linalg.matrix_power(W.T, lag))


def test_linear_sandwich_catches_radius_as_upper():
    def wrong(W, lag):
        lower, _ = theory.log_power_norm_bounds(W, lag)
        return lower, lower
    assert_falsified(test_linear_regime.check_linear_sandwich,
                     rnn_cases(activations=("identity",), families=NON_NORMAL_FAMILIES),
                     bounds=wrong, record=False)


def test_gelfand_catches_norm_as_limit():
    assert_falsified(test_linear_regime.check_gelfand_rate,
                     rnn_cases(activations=("identity",), families=("gaussian", "upper_triangular")),
                     limit=theory.spectral_norm, record=False)


def test_tanh_at_rest_catches_off_by_one_power():
    assert_falsified(test_linear_regime.check_jacobian_is_power,
                     rnn_cases(activations=("tanh",), lengths=(1, 30), inputs=False),
                     power=lambda W, lag: np.linalg.matrix_power(W, max(lag - 1, 0)))


def test_irnn_check_fails_when_units_can_be_inactive():
    """Without the hypothesis 'every unit active' (negative bias), J = I fails."""
    assert_falsified(test_linear_regime.check_irnn, test_linear_regime.irnn_params, min_bias=-2.0)


def test_counterexample_check_fails_without_growth():
    """The X1 check is not vacuous: at c·s² < 1 the fixed point is stable and the gradient decays."""
    with pytest.raises(AssertionError, match="X1"):
        test_counterexamples.check_gradient_grows(c=2.0, s=0.5)


def test_fused_cross_check_catches_off_by_one():
    assert_falsified(test_measurement.check_fused_cross_check,
                     test_measurement.m1_cases,
                     offset=1, record=False)
