"""`run_states` against a recurrence worked out by hand.

The other functions of `theory.bptt_measurement` are checked against the product formulas of
`theory.bptt` in tests/test_bptt_decomposition.py, tests/test_per_lag_contributions.py and
tests/test_input_sensitivity.py; `run_states` only reads the module's states, so here it is
compared with h_t = tanh(W h_{t−1} + U x_t + b_ih + b_hh) computed with `math` for n = 1.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from theory.bptt_measurement import rnn_modules, run_states


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
