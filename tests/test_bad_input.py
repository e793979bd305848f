"""Every public theory function rejects bad input with a ValueError that says what was wrong."""

import numpy as np
import pytest
import torch

import theory

GOOD = np.eye(3)
BAD_MATRICES = {
    "non-square": (np.ones((2, 3)), "square"),
    "vector": (np.ones(3), "2-D"),
    "nan": (np.array([[1.0, np.nan], [0.0, 1.0]]), "finite"),
    "inf": (np.array([[1.0, np.inf], [0.0, 1.0]]), "finite"),
    "empty": (np.zeros((0, 0)), "non-empty"),
    "complex": (np.eye(2) * 1j, "real"),
    "strings": (np.array([["a", "b"], ["c", "d"]]), "numeric"),
}

MATRIX_FUNCTIONS = {
    "spectral_radius": lambda W: theory.spectral_radius(W),
    "spectral_norm": lambda W: theory.spectral_norm(W),
    "min_singular_value": lambda W: theory.min_singular_value(W),
    "log_upper_bound": lambda W: theory.log_upper_bound(W, "tanh", 3),
    "log_lower_bound": lambda W: theory.log_lower_bound(W, "tanh", 3),
    "log_trajectory_upper_bound": lambda W: theory.log_trajectory_upper_bound(W, "tanh", np.zeros((2, 3))),
    "log_trajectory_lower_bound": lambda W: theory.log_trajectory_lower_bound(W, "tanh", np.zeros((2, 3))),
    "reachable_preactivation_radius": lambda W: theory.reachable_preactivation_radius(W, "tanh"),
    "log_power_norm_bounds": lambda W: theory.log_power_norm_bounds(W, 3),
    "log_matrix_power_norm": lambda W: theory.log_matrix_power_norm(W, 3),
    "log_eigenvector_condition": lambda W: theory.log_eigenvector_condition(W),
    "regime": lambda W: theory.regime(W, "tanh"),
    "lag_profile": lambda W: theory.lag_profile(W, "tanh", T=3),
    "measured_jacobian": lambda W: theory.measured_jacobian(W, "tanh", 0, T=3),
}


@pytest.mark.parametrize("function", MATRIX_FUNCTIONS)
@pytest.mark.parametrize("bad", BAD_MATRICES)
def test_bad_matrices_are_rejected(function, bad):
    W, message = BAD_MATRICES[bad]
    with pytest.raises(ValueError, match=message):
        MATRIX_FUNCTIONS[function](W)


@pytest.mark.parametrize("function", MATRIX_FUNCTIONS)
def test_torch_tensors_and_integer_arrays_are_accepted(function):
    """Accepted on purpose: torch tensors (e.g. an nn.RNN's weight_hh_l0) and integer arrays
    are converted to float64 numpy arrays."""
    MATRIX_FUNCTIONS[function](torch.eye(3, dtype=torch.float32))
    MATRIX_FUNCTIONS[function](np.eye(3, dtype=np.int64))


@pytest.mark.parametrize("lag", [-1, 2.5, np.nan, "3", [1, -2]])
@pytest.mark.parametrize("function", [theory.log_upper_bound, theory.log_lower_bound])
def test_bad_lags_are_rejected(function, lag):
    with pytest.raises(ValueError, match="lag"):
        function(GOOD, "tanh", lag)


def test_bad_lengths_and_indices():
    with pytest.raises(ValueError, match="non-negative"):
        theory.lag_profile(GOOD, "tanh", T=-1)
    with pytest.raises(ValueError, match="T or the inputs"):
        theory.lag_profile(GOOD, "tanh")
    with pytest.raises(ValueError, match="k must be in"):
        theory.measured_jacobian(GOOD, "tanh", 5, T=3)
    with pytest.raises(ValueError, match="non-negative"):
        theory.log_matrix_power_norm(GOOD, -2)


@pytest.mark.parametrize("name", ["softmax", "", "Tanh2"])
@pytest.mark.parametrize("call", [
    lambda a: theory.activation(a),
    lambda a: theory.log_upper_bound(GOOD, a, 1),
    lambda a: theory.regime(GOOD, a),
    lambda a: theory.lag_profile(GOOD, a, T=2),
])
def test_unknown_activation_names(name, call):
    with pytest.raises(ValueError, match="unknown activation"):
        call(name)


def test_activation_name_must_be_a_string():
    with pytest.raises(ValueError, match="string"):
        theory.activation(3)


def test_shape_mismatches():
    with pytest.raises(ValueError, match=r"shape \(T, n\)"):
        theory.log_trajectory_upper_bound(GOOD, "tanh", np.zeros((4, 2)))
    with pytest.raises(ValueError, match="U"):
        theory.lag_profile(GOOD, "tanh", inputs=np.zeros((4, 2)), U=np.zeros((3, 5)))
    with pytest.raises(ValueError, match="b"):
        theory.lag_profile(GOOD, "tanh", T=2, b=np.zeros(4))
    with pytest.raises(ValueError, match="h0"):
        theory.lag_profile(GOOD, "tanh", T=2, h0=np.zeros(2))
    with pytest.raises(ValueError, match="does not match"):
        theory.lag_profile(GOOD, "tanh", T=3, inputs=np.zeros((4, 1)), U=np.zeros((3, 1)))
    with pytest.raises(ValueError, match="without U"):
        theory.lag_profile(GOOD, "tanh", inputs=np.zeros((4, 1)))
    with pytest.raises(ValueError, match="together"):
        theory.reachable_preactivation_radius(GOOD, "tanh", U=np.zeros((3, 1)))


def test_other_bad_arguments():
    with pytest.raises(ValueError, match="unbounded"):
        theory.reachable_preactivation_radius(GOOD, "relu")
    with pytest.raises(ValueError, match="epsilon"):
        theory.regime(GOOD, "tanh", epsilon=1.5)
    with pytest.raises(ValueError, match="radius"):
        theory.activation("tanh").inf_derivative(-1.0)
    with pytest.raises(ValueError, match="nonlinearity"):
        theory.fused_rnn_log_norm_h0(GOOD, "sigmoid", T=2)
    with pytest.raises(ValueError, match="segment_length"):
        theory.lag_profile(GOOD, "tanh", T=2, segment_length=0)
