"""Points 6–7: how much the verb's loss at step T can depend on the subject's input at step k.

Measured: ∂L_T/∂x_k for every k and g_T = ∂L_T/∂h_T by one autograd pass through the fused
torch.nn.RNN and torch.nn.Linear (theory.measurement.bptt.input_gradients). Theory:
‖∂L_T/∂x_k‖₂ ≤ ‖g_T‖₂·γ‖U‖₂·(γ‖W‖₂)^{T−k} (theory.bptt.log_input_sensitivity_bound) and its
trajectory version. Trained weights: tests/test_agreement.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, target

import theory
from theory import bptt
from theory.measurement import bptt as bptt_measurement
from theory.report.evidence import observe, record_data

from theory.testing import assert_log_le, rounding_tolerance
from .bptt_cases import BPTTCase, agreement_rnn_at_init, bptt_cases, saturation_tolerance


def measure(rnn, readout, inputs, label):
    g = bptt_measurement.input_gradients(rnn, readout, inputs, int(label))
    with np.errstate(divide="ignore"):
        measured = np.log(np.linalg.norm(g["inputs"], axis=1))  # k = 1..T
    return measured, float(np.linalg.norm(g["grad_output"]))


def check_sensitivity(measured, bound, n, case, what="input sensitivity bound (Q6)", extra=0.0):
    T = measured.size
    lags = T - np.arange(1, T + 1)
    assert_log_le(measured, bound, rounding_tolerance(lags, n) + extra, case, what, index_name="k-1")


@given(case=bptt_cases(max_T=30, max_n=12))
@example(case=BPTTCase(n=16, m=3, p=2, T=30, log_norm=-0.2, input_scale=1.0, bias_scale=0.1, seed=4))
@example(case=BPTTCase(n=1, m=1, p=2, T=10, log_norm=-0.7, input_scale=0.01, bias_scale=0.0, seed=0))
@pytest.mark.claim("Q6")
def test_input_sensitivity_bound(case):
    """‖∂L_T/∂x_k‖₂ ≤ ‖g_T‖₂ γ‖U‖₂ (γ‖W‖₂)^{T−k} on random weights; trajectory version too."""
    rnn, readout = case.modules()
    a = case.arrays
    measured, g_norm = measure(rnn, readout, a["inputs"], a["targets"][-1])
    lags = case.T - np.arange(1, case.T + 1)
    bound = bptt.log_input_sensitivity_bound(a["W"], a["U"], "tanh", lags, grad_norm=g_norm)
    check_sensitivity(measured, bound, case.n, case)
    _, pre = bptt_measurement.run_states(rnn, a["inputs"])
    traj = bptt.log_input_sensitivity_trajectory_bound(a["W"], a["U"], "tanh", pre, grad_norm=g_norm)
    check_sensitivity(measured, traj, case.n, case, "trajectory input sensitivity bound (Q6)",
                      extra=saturation_tolerance(pre))
    assert np.all(traj <= bound + rounding_tolerance(lags, case.n)), "trajectory bound looser than a-priori"
    with np.errstate(invalid="ignore"):
        gap = np.where(np.isfinite(measured), measured - bound, -np.inf)
    worst = float(gap.max())
    if np.isfinite(worst):
        target(worst, label="log(measured/bound)")
    observe("Q6", worst, case.params(), violated=False)  # asserted above, within tolerance


def _sensitivity_case(setup, W):
    rnn0, readout0 = setup["rnn"], setup["readout"]
    U = rnn0.weight_ih_l0.detach().numpy()
    rnn, readout = bptt_measurement.rnn_modules(W, U, (rnn0.bias_ih_l0 + rnn0.bias_hh_l0).detach().numpy(),
                                         readout0.weight.detach().numpy(), readout0.bias.detach().numpy())
    measured, g_norm = measure(rnn, readout, setup["inputs"], setup["label"])
    T = measured.size
    lags = T - np.arange(1, T + 1)
    bound = bptt.log_input_sensitivity_bound(W, U, "tanh", lags, grad_norm=g_norm)
    check_sensitivity(measured, bound, W.shape[0], {"agreement RNN, ‖W‖₂": theory.spectral_norm(W)})
    _, pre = bptt_measurement.run_states(rnn, setup["inputs"])
    traj = bptt.log_input_sensitivity_trajectory_bound(W, U, "tanh", pre, grad_norm=g_norm)
    ln10 = np.log(10)
    rho = theory.spectral_radius(W)
    return {
        "lags": lags.tolist(),
        "log10_measured": (measured / ln10).tolist(),
        "log10_bound": (bound / ln10).tolist(),
        "log10_trajectory_bound": (traj / ln10).tolist(),
        # Not a bound for tanh: the Gelfand rate ρ(W)^ℓ from the lag-1 value (claims LIN2, LIN3).
        "log10_rho_reference": (measured[-2] / ln10 + (lags - 1) * np.log10(rho)).tolist(),
        "gamma_norm_W": float(theory.spectral_norm(W)),
        "spectral_radius_W": float(rho),
        # Empirical decay rate per step from lag 1 to the subject (lag T − 1), in log10.
        "measured_log10_rate_per_step": float((measured[0] - measured[-2]) / ln10 / (T - 2)),
        "bound_log10_rate_per_step": float(np.log10(theory.spectral_norm(W))),
        "subject_log10_measured": float(measured[0] / ln10),
        "subject_log10_bound": float(bound[0] / ln10),
    }


@pytest.mark.claim("Q6")
def test_agreement_rnn_input_sensitivity_recorded():
    """‖∂L_T/∂x_k‖ against the lag for the agreement RNN at initialisation (D = 30), and with W
    rescaled to γ‖W‖₂ = 0.6 (where the bound is informative)."""
    D = 30
    setup = agreement_rnn_at_init(D)
    W = setup["W"]
    payload = {"model": "agreement RNN at initialisation (hidden 16, PyTorch default init)",
               "distance": D, **_sensitivity_case(setup, W)}
    payload["rescaled"] = _sensitivity_case(setup, W * (0.6 / theory.spectral_norm(W)))
    record_data("input_sensitivity", payload)


# ---------------------------------------------------------------------------------------
# Meta: wrong input-sensitivity bounds are caught.
# ---------------------------------------------------------------------------------------


def _tight_scalar_case():
    """n = 1, W = 0.5, small inputs (tanh ≈ identity), U = 1: ∂L_T/∂x_k ≈ g_T·0.5^{T−k}."""
    rnn, readout = bptt_measurement.rnn_modules([[0.5]], [[1.0]], V=np.array([[1.0], [-1.0]]))
    x = np.full((8, 1), 0.01)
    return rnn, readout, x


def _non_normal_case():
    W = np.array([[0.5, 2.0], [0.0, 0.5]])
    rnn, readout = bptt_measurement.rnn_modules(W, np.array([[0.0], [0.01]]), V=np.array([[1.0, 0.0], [-1.0, 0.0]]))
    return rnn, readout, np.full((10, 1), 0.01)


WRONG = {
    "spectral radius instead of norm": lambda W, U, lags, g: (
        np.log(g * np.linalg.norm(U, 2)) + lags * np.log(theory.spectral_radius(W))
    ),
    "gamma halved": lambda W, U, lags, g: (
        np.log(g * 0.5 * np.linalg.norm(U, 2)) + lags * np.log(0.5 * theory.spectral_norm(W))
    ),
    "lag off by one": lambda W, U, lags, g: bptt.log_input_sensitivity_bound(
        W, U, "tanh", lags + 1, grad_norm=g
    ),
    "U's norm left out, with U large": None,
}


@pytest.mark.meta
@pytest.mark.parametrize("name", list(WRONG))
def test_meta_wrong_input_sensitivity_bound_is_caught(name):
    if name == "spectral radius instead of norm":
        rnn, readout, x = _non_normal_case()
    else:
        rnn, readout, x = _tight_scalar_case()
    if name.startswith("U's norm"):
        rnn, readout = bptt_measurement.rnn_modules([[0.5]], [[3.0]], V=np.array([[1.0], [-1.0]]))
        x = np.full((8, 1), 0.001)
    W = rnn.weight_hh_l0.detach().numpy()
    U = rnn.weight_ih_l0.detach().numpy()
    measured, g = measure(rnn, readout, x, 0)
    lags = x.shape[0] - np.arange(1, x.shape[0] + 1)
    check_sensitivity(measured, bptt.log_input_sensitivity_bound(W, U, "tanh", lags, grad_norm=g),
                      W.shape[0], name)
    wrong = WRONG[name]
    if wrong is None:
        bad = bptt.log_input_sensitivity_bound(W, U, "tanh", lags, grad_norm=g) - np.log(np.linalg.norm(U, 2))
    else:
        bad = wrong(W, U, lags, g)
    with pytest.raises(AssertionError):
        check_sensitivity(measured, bad, W.shape[0], name)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: bptt.log_input_sensitivity_bound(np.eye(2), np.ones((3, 1)), "tanh", 1, grad_norm=1.0), "U"),
        (lambda: bptt.log_input_sensitivity_bound(np.eye(2), np.ones((2, 1)), "tanh", -2, grad_norm=1.0), "lag"),
        (lambda: bptt.log_input_sensitivity_bound(np.eye(2), np.ones((2, 1)), "tanh", 1, grad_norm=float("nan")), "grad_norm"),
        (lambda: bptt.log_input_sensitivity_trajectory_bound(np.eye(2), np.ones((2, 1)), "tanh", np.zeros((3, 3)), grad_norm=1.0), "preactivations"),
    ],
)
def test_bad_input_raises(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_trajectory_bound_on_hand_computed_values():
    """n = 2, T = 3, tanh, W = diag(2, 0.5) (‖W‖₂ = 2), ‖U‖₂ = 3, ‖g_T‖ = 1.5: entry k − 1 is
    log(1.5·3·Π_{t=k..3} M_t·2^{3−k}), M_t = max_i sech²(a_{t,i}); T = 0 gives no entries.
    Tolerance 8u·max(1, |value|): a sum of a few logs of this size."""
    import math

    W = np.diag([2.0, 0.5])
    U = np.array([[3.0, 0.0], [0.0, 1.0]])
    a = np.array([[0.5, 1.5], [1.0, 2.0], [0.3, 0.1]])
    log_M = [math.log(1 / math.cosh(min(abs(x) for x in row)) ** 2) for row in a]
    head = math.log(1.5) + math.log(3.0)
    want = np.array([head + sum(log_M[k - 1:]) + (3 - k) * math.log(2.0) for k in (1, 2, 3)])
    got = bptt.log_input_sensitivity_trajectory_bound(W, U, "tanh", a, grad_norm=1.5)
    assert got.shape == (3,) and np.all(np.abs(got - want) <= 8 * 2.0**-53 * np.maximum(1.0, np.abs(want))), (
        f"trajectory input-sensitivity bound {got.tolist()}, hand-computed {want.tolist()}")
    empty = bptt.log_input_sensitivity_trajectory_bound(W, U, "tanh", np.zeros((0, 2)), grad_norm=1.5)
    assert empty.shape == (0,), f"T = 0: expected no entries, got {empty.tolist()}"


def test_zero_weights_keep_the_lag_zero_sensitivity():
    """‖W‖₂ = 0: x_T still reaches the loss through U (lag 0: ‖g_T‖·γ‖U‖₂ = 1.5·3, the empty
    product (γ‖W‖)⁰ = 1), earlier inputs do not (−inf); no RuntimeWarning for the −inf."""
    import math
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = bptt.log_input_sensitivity_bound(np.zeros((2, 2)), [[3.0], [0.0]], "tanh", [0, 2], grad_norm=1.5)
    assert got.tolist() == [math.log(1.5) + math.log(3.0), -math.inf], f"W = 0: {got.tolist()}"
