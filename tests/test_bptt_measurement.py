"""`theory.measurement.bptt` against values worked out by hand: states, losses, errors.

The other functions of `theory.measurement.bptt` are checked against the product formulas of
`theory.bptt` in tests/test_bptt_decomposition.py, tests/test_per_lag_contributions.py and
tests/test_input_sensitivity.py. Here `run_states` is compared with
h_t = tanh(W h_{t−1} + U x_t + b_ih + b_hh) computed with `math` for n = 1, the losses with
their exact value, and each refused input with its exact message.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from theory.measurement.bptt import (input_gradients, per_loss_gradients, rnn_modules, run_states, untied_gradients,
                                     shared_gradients)


def test_states_and_preactivations_of_a_scalar_rnn_with_both_biases():
    rnn, _ = rnn_modules([[0.5]], [[2.0, -1.0]], [0.1])
    with torch.no_grad():
        rnn.bias_hh_l0.fill_(0.2)  # rnn_modules leaves it 0; a module may not
    x = [[1.0, 0.5], [-1.0, 0.25], [0.0, 0.0]]
    h, a = run_states(rnn, x)
    expected_a, expected_h = [], [0.0]
    for x1, x2 in x:
        pre = 0.5 * expected_h[-1] + 2.0 * x1 - 1.0 * x2 + 0.1 + 0.2
        expected_a.append(pre)
        expected_h.append(math.tanh(pre))
    # float64 throughout: a few roundings of values below 3 in size
    assert h.dtype == np.float64 and a.dtype == np.float64, (h.dtype, a.dtype)
    assert h.shape == (4, 1) and a.shape == (3, 1), (h.shape, a.shape)
    np.testing.assert_allclose(a[:, 0], expected_a, rtol=0, atol=1e-15,
                               err_msg=f"pre-activations {a[:, 0]} against {expected_a}")
    np.testing.assert_allclose(h[:, 0], expected_h, rtol=0, atol=1e-15,
                               err_msg=f"states {h[:, 0]} against {expected_h}")


@pytest.mark.parametrize(
    "inputs, message",
    [([1.0, 2.0], "inputs must have 2 dimension(s), got shape (2,)"),
     ([[1.0]], "inputs has shape (1, 1), but axis 1 must have length 2"),
     ([[np.nan, 0.0]], "inputs must have finite entries"),
     ([[[1.0, 2.0]]], "inputs must have 2 dimension(s), got shape (1, 1, 2)")],
)
def test_inputs_that_do_not_fit_the_module_are_refused_by_name(inputs, message):
    rnn, _ = rnn_modules([[0.5]], [[2.0, -1.0]])
    with pytest.raises(ValueError) as err:
        run_states(rnn, inputs)
    assert str(err.value) == message, f"run_states({inputs}) said {str(err.value)!r}, expected {message!r}"


# With the default readout V = ones / n every class gets the same logit, so each step's
# cross-entropy is exactly log 2 whatever the states: the loss counts the loss steps.
LOG2 = math.log(2.0)


def _net():
    return rnn_modules(0.5 * np.eye(2), np.ones((2, 1)))


@pytest.mark.parametrize("loss_steps, expected", [(None, 3 * LOG2), ([2], LOG2), ([1, 3], 2 * LOG2)])
def test_shared_gradients_sums_the_losses_of_the_loss_steps(loss_steps, expected):
    rnn, readout = _net()
    got = shared_gradients(rnn, readout, np.ones((3, 1)), [0, 1, 0], loss_steps=loss_steps)["loss"]
    # log-sum-exp of equal logits rounds to log 2 within an ulp (1.1e-16) per step; up to 3 steps summed
    assert abs(got - expected) <= 4e-16, f"loss_steps={loss_steps}: loss {got!r}, expected {expected!r}"


def test_per_loss_gradients_has_one_row_per_loss_step():
    rnn, readout = _net()
    got = per_loss_gradients(rnn, readout, np.ones((3, 1)), [0, 1, 0], loss_steps=[2])
    shapes = {k: np.shape(v) for k, v in got.items()}
    assert shapes == {"W": (1, 2, 2), "U": (1, 2, 1), "b_ih": (1, 2), "b_hh": (1, 2), "V": (1, 2, 2), "c": (1, 2)}, shapes


def test_input_gradients_loss_and_shapes():
    rnn, readout = _net()
    got = input_gradients(rnn, readout, np.ones((4, 1)), 1)
    assert sorted(got) == ["grad_output", "inputs", "loss"], sorted(got)
    assert got["loss"] == pytest.approx(LOG2, abs=2e-16), got["loss"]  # one step: within 2 ulps of log 2
    assert got["inputs"].shape == (4, 1) and got["grad_output"].shape == (2,), (got["inputs"].shape,
                                                                               got["grad_output"].shape)


@pytest.mark.parametrize(
    "inputs, target, message",
    [(np.ones(3), 0, "inputs must have 2 dimension(s), got shape (3,)"),
     (np.ones((3, 2)), 0, "inputs has shape (3, 2), but axis 1 must have length 1"),
     (np.ones((0, 1)), 0, "inputs must have at least one step"),
     (np.ones((3, 1)), 2, "target must be a class in 0..1, got 2"),
     (np.ones((3, 1)), -1, "target must be a class in 0..1, got -1"),
     (np.ones((3, 1)), 1.0, "target must be a class in 0..1, got 1.0")],
)
def test_input_gradients_refuses_bad_input_with_its_message(inputs, target, message):
    rnn, readout = _net()
    with pytest.raises(ValueError) as err:
        input_gradients(rnn, readout, inputs, target)
    assert str(err.value) == message, f"said {str(err.value)!r}, expected {message!r}"


def _shared(inputs, targets, loss_steps=None):
    rnn, readout = _net()
    return shared_gradients(rnn, readout, inputs, targets, loss_steps=loss_steps)


ONES = np.ones((2, 1))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: rnn_modules(np.eye(2), np.ones(2)), "U must have 2 dimension(s), got shape (2,)"),
        (lambda: rnn_modules(np.eye(2), np.ones((3, 1))), "U has shape (3, 1), but axis 0 must have length 2"),
        (lambda: rnn_modules(np.eye(2), ONES, np.ones((2, 1))), "b must have 1 dimension(s), got shape (2, 1)"),
        (lambda: rnn_modules(np.eye(2), ONES, np.ones(3)), "b has shape (3,), but axis 0 must have length 2"),
        (lambda: rnn_modules(np.eye(2), ONES, None, np.ones(2)), "V must have 2 dimension(s), got shape (2,)"),
        (lambda: rnn_modules(np.eye(2), ONES, None, np.ones((3, 3))),
         "V has shape (3, 3), but axis 1 must have length 2"),
        (lambda: rnn_modules(np.eye(2), ONES, None, None, np.ones(3)),
         "c has shape (3,), but axis 0 must have length 2"),
        (lambda: rnn_modules(np.eye(2), ONES, None, np.ones((3, 2)), np.ones((3, 1))),
         "c must have 1 dimension(s), got shape (3, 1)"),
        (lambda: rnn_modules(np.eye(2), ONES, None, np.ones((3, 2)), np.ones(2)),
         "c has shape (2,), but axis 0 must have length 3"),
        (lambda: _shared(np.ones(3), [0, 0, 0]), "inputs must have 2 dimension(s), got shape (3,)"),
        (lambda: _shared(np.ones((0, 1)), []), "inputs must have at least one step"),
        (lambda: _shared(np.ones((3, 1)), [0, 2, 0]), "targets must be in 0..1"),
        (lambda: _shared(np.ones((3, 1)), [0, -1, 0]), "targets must be in 0..1"),
        (lambda: _shared(np.ones((3, 1)), [0, 0, 0], []), "loss_steps must be steps in 1..T = 3, got []"),
        (lambda: _shared(np.ones((3, 1)), [0, 0, 0], [0]), "loss_steps must be steps in 1..T = 3, got [0]"),
        (lambda: _shared(np.ones((3, 1)), [0, 0, 0], [4]), "loss_steps must be steps in 1..T = 3, got [4]"),
        (lambda: _shared(np.ones((3, 1)), [0, 0, 0], [-1]), "loss_steps must be non-negative, got [-1]"),
        (lambda: _shared(np.ones((3, 1)), [0, 0, 0], [1.5]), "loss_steps must be a non-negative integer, got [1.5]"),
    ],
)
def test_bad_input_is_refused_with_its_exact_message(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message, f"said {str(err.value)!r}, expected {message!r}"


def test_default_readout_and_its_bias():
    """V defaults to a (2, n) matrix of 1/n and c to zeros of V's row count."""
    _, readout = rnn_modules(np.eye(4), np.ones((4, 1)))
    assert np.array_equal(readout.weight.detach().numpy(), np.full((2, 4), 0.25)), readout.weight
    _, readout = rnn_modules(np.eye(2), ONES, None, np.ones((3, 2)))
    assert np.array_equal(readout.bias.detach().numpy(), np.zeros(3)), readout.bias


def test_float64_under_a_float32_default_and_untied_terms_sum_to_the_shared_gradient_with_both_biases():
    """Under torch's factory default (float32) the modules and every gradient are float64, and
    with a non-zero b_hh the untied per-step terms still sum to the shared gradient."""
    saved = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)
    try:
        rnn, readout = rnn_modules(0.5 * np.eye(2), ONES, [0.1, -0.2])
        with torch.no_grad():
            rnn.bias_hh_l0.copy_(torch.tensor([0.3, 0.05], dtype=torch.float64))
        x, y = np.array([[1.0], [-0.5], [0.25]]), [0, 1, 0]
        untied = untied_gradients(rnn, readout, x, y)
        shared = shared_gradients(rnn, readout, x, y)
    finally:
        torch.set_default_dtype(saved)
    assert all(p.dtype == torch.float64 for p in rnn.parameters()), [p.dtype for p in rnn.parameters()]
    for key in ("W", "U", "b_ih", "b_hh", "V", "c"):
        assert untied[key].dtype == np.float64 and shared[key].dtype == np.float64, key
        total = untied[key].sum(axis=(0, 1))
        # a sum of 9 terms of size below 1: a few roundings
        assert np.abs(total - shared[key]).max() <= 1e-15, f"{key}: Σ untied {total} against shared {shared[key]}"
    assert untied["states"].dtype == np.float64, untied["states"].dtype
    states, pre = run_states(rnn, x)
    # the untied unrolling's states and pre-activations are the fused module's (both biases)
    assert np.abs(untied["states"] - states).max() <= 1e-15, (untied["states"], states)
    assert np.abs(untied["preactivations"] - pre).max() <= 1e-15, (untied["preactivations"], pre)
