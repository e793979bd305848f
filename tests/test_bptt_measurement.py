"""`theory.bptt_measurement` against values worked out by hand: states, losses, errors.

The other functions of `theory.bptt_measurement` are checked against the product formulas of
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

from theory.bptt_measurement import (input_gradients, per_loss_gradients, rnn_modules, run_states,
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
    assert got["loss"] == pytest.approx(LOG2, abs=2e-16), got["loss"]
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
