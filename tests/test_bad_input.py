"""Every public theory function rejects bad input with a ValueError that says what was wrong.

Inputs that can reasonably be accepted are accepted, and give the same result as the plain
float64 numpy input: integer arrays, torch tensors of any real dtype (also with
requires_grad), integer-valued float lags, lag and T = 0, 0-d arrays for scalars, aliases and
upper-case activation names.

``CASES`` below lists every bad (and every accepted odd) input tried against every public
function; docs/bad-inputs.md is generated from it, with the outcome each case really gives:

    python -m tests.test_bad_input > docs/bad-inputs.md

and ``test_committed_table_is_up_to_date`` fails when the two disagree.
"""

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

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


# ---------------------------------------------------------------------------------------------
# The case table: every bad input against every public function, and what it must give.


@dataclass(frozen=True)
class Case:
    """One input tried against one public function.

    ``error`` is the regex the ValueError's message must match; ``None`` means the input is
    accepted, and ``same_as`` (if given) computes the result it must equal. ``gap`` marks a
    known gap (a ``pytest.mark.xfail(strict=True)``): the expected ValueError is not raised yet.
    """

    function: str
    argument: str
    kind: str
    description: str
    call: Callable[[], object]
    error: Optional[str]
    same_as: Optional[Callable[[], object]] = None
    gap: Optional[str] = None

    @property
    def id(self):
        return f"{self.function}[{self.argument}: {self.description}]"


def _summary(result):
    """A comparable summary of a public function's result."""
    if isinstance(result, theory.LagProfile):
        return ("LagProfile", result.log_norms.tolist(), result.preactivations.tolist())
    if isinstance(result, theory.Regime):
        return ("Regime", result.name, result.gamma_norm, result.spectral_radius, result.horizon)
    if isinstance(result, theory.Activation):
        return ("Activation", result.name)
    if isinstance(result, tuple):
        return tuple(_summary(r) for r in result)
    return np.asarray(result, dtype=float).tolist()


def _same(got, want):
    # Exact equality: an accepted input is converted exactly, so nothing may change (−inf == −inf).
    return _summary(got) == _summary(want)


def _matrix_case_list():
    cases = []
    for function, call in MATRIX_FUNCTIONS.items():
        for bad, (W, message) in BAD_MATRICES.items():
            cases.append(Case(function, "W", "bad matrix", bad, lambda call=call, W=W: call(W), message))
        for bad, (W, message) in TORCH_BAD_MATRICES.items():
            cases.append(Case(function, "W", "bad torch tensor", bad, lambda call=call, W=W: call(W),
                              message))
        for odd, make in ACCEPTED_MATRICES.items():
            cases.append(Case(function, "W", "accepted", odd, lambda call=call, make=make: call(make()),
                              None, same_as=lambda call=call: call(np.eye(3))))
    return cases


TORCH_BAD_MATRICES = {
    "torch non-square": (torch.ones(2, 3), "square"),
    "torch NaN": (torch.tensor([[1.0, float("nan")], [0.0, 1.0]]), "finite"),
    "torch empty": (torch.zeros(0, 0), "non-empty"),
    "torch complex": (torch.eye(2, dtype=torch.complex64), "real"),
    "torch bool": (torch.eye(2, dtype=torch.bool), "real numeric"),
    "torch sparse": (torch.eye(2).to_sparse(), "dense tensor"),
    "torch meta device": (torch.empty(2, 2, device="meta"), "readable values"),
}
ACCEPTED_MATRICES = {
    "int64 array": lambda: np.eye(3, dtype=np.int64),
    "int8 array": lambda: np.eye(3, dtype=np.int8),
    "float32 array": lambda: np.eye(3, dtype=np.float32),
    "nested list": lambda: np.eye(3).tolist(),
    "torch float32": lambda: torch.eye(3, dtype=torch.float32),
    "torch bfloat16": lambda: torch.eye(3, dtype=torch.bfloat16),
    "torch int64": lambda: torch.eye(3, dtype=torch.int64),
    "torch requires_grad": lambda: torch.eye(3, dtype=torch.float64, requires_grad=True),
    "nn.RNN weight_hh_l0": lambda: _rnn_weight(),
}
BAD_MATRICES.update({
    "ragged list": ([[1.0, 2.0], [3.0]], "rectangular"),
    "None": (None, "numeric"),
    "bool array": (np.eye(2, dtype=bool), "real numeric"),
    "3-D array": (np.ones((2, 2, 2)), "2-D"),
    "-inf": (np.array([[1.0, -np.inf], [0.0, 1.0]]), "finite"),
    "0-d scalar": (np.array(2.0), "2-D"),
    "object array": (np.array([[1.0, "a"], [None, 2.0]], dtype=object), "got ndarray"),
})
MATRIX_FUNCTIONS.update({
    "singular_values": lambda W: theory.singular_values(W),
    "fused_rnn_log_norm_h0": lambda W: theory.fused_rnn_log_norm_h0(W, "tanh", T=3),
})


def _rnn_weight():
    """An identity recurrent weight loaded into a real torch.nn.RNN (a Parameter)."""
    rnn = torch.nn.RNN(1, 3, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(torch.eye(3))
    return rnn.weight_hh_l0


W3 = 0.5 * np.eye(3)
LAG_FUNCTIONS = {
    "log_upper_bound": ("lag", lambda lag: theory.log_upper_bound(W3, "tanh", lag)),
    "log_lower_bound": ("lag", lambda lag: theory.log_lower_bound(W3, "tanh", lag)),
    "log_power_norm_bounds": ("lag", lambda lag: theory.log_power_norm_bounds(W3, lag)),
    "log_matrix_power_norm": ("max_lag", lambda lag: theory.log_matrix_power_norm(W3, lag)),
    "lag_profile": ("T", lambda T: theory.lag_profile(W3, "tanh", T=T)),
    "measured_jacobian": ("k", lambda k: theory.measured_jacobian(W3, "tanh", k, T=4)),
    "fused_rnn_log_norm_h0": ("T", lambda T: theory.fused_rnn_log_norm_h0(W3, "tanh", T=T)),
}
BAD_LAGS = {
    "-1": (-1, "non-negative"),
    "2.5": (2.5, "integer"),
    "NaN": (float("nan"), "integer"),
    "inf": (float("inf"), "integer"),
    "'3' (str)": ("3", "integer"),
    "True": (True, "boolean"),
    "None": (None, "integer"),
    "2**63": (2**63, r"2\*\*63"),
    "1e300": (1e300, r"2\*\*63"),
    "10**30": (10**30, "integer"),
}
ACCEPTED_LAGS = {  # (value, the plain int it must behave like)
    "0": (0, 0),
    "3.0 (integral float)": (3.0, 3),
    "np.int32(3)": (np.int32(3), 3),
    "np.uint8(3)": (np.uint8(3), 3),
    "torch.tensor(3)": (torch.tensor(3), 3),
    "torch.tensor(3.0, requires_grad=True)": (torch.tensor(3.0, dtype=torch.float64, requires_grad=True), 3),
    "np.float32(3.0)": (np.float32(3.0), 3),
}
VECTOR_LAG_FUNCTIONS = ("log_upper_bound", "log_lower_bound", "log_power_norm_bounds")


def _lag_case_list():
    cases = []
    for function, (argument, call) in LAG_FUNCTIONS.items():
        for bad, (lag, message) in BAD_LAGS.items():
            if argument == "T" and lag is None:
                message = "T or the inputs"  # T=None means "not given": then inputs are needed
            cases.append(Case(function, argument, "bad lag", bad, lambda call=call, lag=lag: call(lag), message))
        for odd, (lag, plain) in ACCEPTED_LAGS.items():
            cases.append(Case(function, argument, "accepted", odd, lambda call=call, lag=lag: call(lag), None,
                              same_as=lambda call=call, plain=plain: call(plain)))
        if function in VECTOR_LAG_FUNCTIONS:
            cases.append(Case(function, argument, "bad lag", "[1, -2]",
                              lambda call=call: call([1, -2]), "non-negative"))
            if function == "log_power_norm_bounds":
                def one_by_one(call=call):
                    return tuple(np.array(values) for values in zip(*[call(k) for k in range(3)]))
            else:
                def one_by_one(call=call):
                    return [call(k) for k in range(3)]
            cases.append(Case(function, argument, "accepted", "[0, 1, 2] (array of lags)",
                              lambda call=call: call([0, 1, 2]), None, same_as=one_by_one))
            cases.append(Case(function, argument, "huge lag", "2**62 (finite result)",
                              lambda call=call: call(2**62), None,
                              same_as=lambda call=call: call(2.0**62)))
    cases += [
        Case("log_matrix_power_norm", "max_lag", "huge lag", "10**15 (output too large)",
             lambda: theory.log_matrix_power_norm(W3, 10**15), "too large"),
        Case("lag_profile", "T", "huge T", "10**12", lambda: theory.lag_profile(W3, "tanh", T=10**12),
             "too large"),
        Case("measured_jacobian", "T", "huge T", "10**12",
             lambda: theory.measured_jacobian(W3, "tanh", 0, T=10**12), "too large"),
        Case("lag_profile", "T", "missing", "neither T nor inputs",
             lambda: theory.lag_profile(W3, "tanh"), "T or the inputs"),
        Case("measured_jacobian", "k", "bad lag", "k > T", lambda: theory.measured_jacobian(W3, "tanh", 5, T=3),
             "k must be in"),
        Case("lag_profile", "segment_length", "bad lag", "0",
             lambda: theory.lag_profile(W3, "tanh", T=2, segment_length=0), "segment_length"),
        Case("lag_profile", "segment_length", "bad lag", "-3",
             lambda: theory.lag_profile(W3, "tanh", T=2, segment_length=-3), "segment_length"),
    ]
    return cases


ACTIVATION_FUNCTIONS = {
    "activation": lambda a: theory.activation(a),
    "log_upper_bound": lambda a: theory.log_upper_bound(W3, a, 2),
    "log_lower_bound": lambda a: theory.log_lower_bound(W3, a, 2),
    "log_trajectory_upper_bound": lambda a: theory.log_trajectory_upper_bound(W3, a, np.ones((2, 3))),
    "log_trajectory_lower_bound": lambda a: theory.log_trajectory_lower_bound(W3, a, np.ones((2, 3))),
    "reachable_preactivation_radius": lambda a: theory.reachable_preactivation_radius(W3, a),
    "regime": lambda a: theory.regime(W3, a),
    "lag_profile": lambda a: theory.lag_profile(W3, a, T=2),
    "measured_jacobian": lambda a: theory.measured_jacobian(W3, a, 0, T=2),
    "fused_rnn_log_norm_h0": lambda a: theory.fused_rnn_log_norm_h0(W3, a, T=2),
}
BAD_NAMES = {
    "'softmax'": ("softmax", "unknown activation"),
    "'' (empty)": ("", "unknown activation"),
    "'Tanh2'": ("Tanh2", "unknown activation"),
    "' tanh' (space)": (" tanh", "unknown activation"),
    "None": (None, "string"),
    "3 (int)": (3, "string"),
    "torch.tanh (a function)": (torch.tanh, "string"),
}
ACCEPTED_NAMES = {
    "'TANH' (upper case)": ("TANH", "tanh"),
    "Activation instance": (theory.activation("tanh"), "tanh"),
}


def _activation_case_list():
    cases = []
    for function, call in ACTIVATION_FUNCTIONS.items():
        for bad, (name, message) in BAD_NAMES.items():
            cases.append(Case(function, "activation", "bad name", bad, lambda call=call, name=name: call(name),
                              message))
        for odd, (name, plain) in ACCEPTED_NAMES.items():
            cases.append(Case(function, "activation", "accepted", odd, lambda call=call, name=name: call(name),
                              None, same_as=lambda call=call, plain=plain: call(plain)))
    cases += [
        Case("activation", "name", "accepted", "'linear' (alias)", lambda: theory.activation("linear"), None,
             same_as=lambda: theory.activation("identity")),
        Case("activation", "name", "accepted", "'logistic' (alias)", lambda: theory.activation("logistic"),
             None, same_as=lambda: theory.activation("sigmoid")),
        Case("reachable_preactivation_radius", "activation", "unsupported", "'relu' (unbounded)",
             lambda: theory.reachable_preactivation_radius(W3, "relu"), "unbounded"),
        Case("reachable_preactivation_radius", "activation", "unsupported", "'identity' (unbounded)",
             lambda: theory.reachable_preactivation_radius(W3, "identity"), "unbounded"),
        Case("fused_rnn_log_norm_h0", "activation", "unsupported", "'sigmoid' (not in nn.RNN)",
             lambda: theory.fused_rnn_log_norm_h0(W3, "sigmoid", T=2), "nonlinearity"),
    ]
    return cases


X4 = np.ones((4, 1))
U3 = np.ones((3, 1))


def _shape_case_list():
    traj = {"log_trajectory_upper_bound": theory.log_trajectory_upper_bound,
            "log_trajectory_lower_bound": theory.log_trajectory_lower_bound}
    cases = []
    for function, f in traj.items():
        for bad, (pre, message) in {
            "(4, 2) for n = 3": (np.zeros((4, 2)), r"shape \(T, n\)"),
            "1-D (3,)": (np.zeros(3), "2 dimension"),
            "NaN entry": (np.array([[0.0, np.nan, 0.0]]), "finite"),
            "complex": (np.zeros((2, 3)) * 1j, "real"),
            "None": (None, "numeric"),
        }.items():
            cases.append(Case(function, "preactivations", "bad array", bad,
                              lambda f=f, pre=pre: f(W3, "tanh", pre), message))
        cases.append(Case(function, "preactivations", "accepted", "torch float32 tensor",
                          lambda f=f: f(W3, "tanh", torch.ones(2, 3, dtype=torch.float32)), None,
                          same_as=lambda f=f: f(W3, "tanh", np.ones((2, 3)))))
        cases.append(Case(function, "preactivations", "accepted", "(0, n): T = 0",
                          lambda f=f: f(W3, "tanh", np.zeros((0, 3))), None, same_as=lambda: [0.0]))
    runs = {
        "lag_profile": lambda **kw: theory.lag_profile(W3, "tanh", **kw),
        "measured_jacobian": lambda **kw: theory.measured_jacobian(W3, "tanh", 0, **kw),
        "fused_rnn_log_norm_h0": lambda **kw: theory.fused_rnn_log_norm_h0(W3, "tanh", **kw),
    }
    for function, run in runs.items():
        for argument, bad, kwargs, message in [
            ("U", "(3, 5) with inputs (4, 2)", dict(inputs=np.ones((4, 2)), U=np.ones((3, 5))), "U"),
            ("U", "(2, 1) for n = 3", dict(inputs=X4, U=np.ones((2, 1))), "U"),
            ("U", "given without inputs", dict(T=4, U=U3), "without inputs"),
            ("inputs", "given without U", dict(inputs=X4), "without U"),
            ("inputs", "1-D (4,)", dict(inputs=np.ones(4), U=U3), "inputs"),
            ("inputs", "NaN entry", dict(inputs=np.array([[np.nan]] * 4), U=U3), "finite"),
            ("T", "3 with len(inputs) = 4", dict(T=3, inputs=X4, U=U3), "does not match"),
            ("b", "(4,) for n = 3", dict(T=2, b=np.zeros(4)), "b"),
            ("b", "inf entry", dict(T=2, b=np.array([0.0, np.inf, 0.0])), "finite"),
            ("h0", "(2,) for n = 3", dict(T=2, h0=np.zeros(2)), "h0"),
            ("h0", "(1, 3) (2-D)", dict(T=2, h0=np.zeros((1, 3))), "h0"),
        ]:
            cases.append(Case(function, argument, "mismatched or bad", bad,
                              lambda run=run, kwargs=kwargs: run(**kwargs), message))
        cases.append(Case(function, "inputs, U, b, h0", "accepted", "torch tensors",
                          lambda run=run: run(inputs=torch.ones(4, 1), U=torch.ones(3, 1),
                                              b=torch.zeros(3), h0=torch.full((3,), 0.1)), None,
                          same_as=lambda run=run: run(inputs=X4, U=U3, b=np.zeros(3), h0=np.full(3, 0.1))))
    radius = lambda **kw: theory.reachable_preactivation_radius(W3, "tanh", **kw)  # noqa: E731
    for argument, bad, kwargs, message in [
        ("U", "given without inputs", dict(U=U3), "together"),
        ("inputs", "given without U", dict(inputs=X4), "together"),
        ("U", "(2, 1) for n = 3", dict(U=np.ones((2, 1)), inputs=X4), "U"),
        ("inputs", "(4, 2) for U (3, 1)", dict(U=U3, inputs=np.ones((4, 2))), "inputs"),
        ("b", "(4,) for n = 3", dict(b=np.zeros(4)), "b"),
        ("h0", "(2,) for n = 3", dict(h0=np.zeros(2)), "h0"),
        ("h0", "NaN entry", dict(h0=np.array([0.0, np.nan, 0.0])), "finite"),
        ("h0", "(3, 1) (2-D)", dict(h0=np.zeros((3, 1))), "h0"),
        ("U", "(3,) (1-D)", dict(U=np.ones(3), inputs=X4), "U"),
        ("inputs", "(4,) (1-D)", dict(U=U3, inputs=np.ones(4)), "inputs"),
        ("b", "(3, 1) (2-D)", dict(b=np.zeros((3, 1))), "b"),
    ]:
        cases.append(Case("reachable_preactivation_radius", argument, "mismatched or bad", bad,
                          lambda kwargs=kwargs: radius(**kwargs), message))
    cases.append(Case("reachable_preactivation_radius", "inputs, U, b, h0", "accepted", "torch tensors",
                      lambda: radius(inputs=torch.ones(4, 1), U=torch.ones(3, 1), b=torch.zeros(3),
                                     h0=torch.full((3,), 0.1)), None,
                      same_as=lambda: radius(inputs=X4, U=U3, b=np.zeros(3), h0=np.full(3, 0.1))))
    return cases


def _scalar_case_list():
    cases = []
    for bad, (epsilon, message) in {
        "1.5": (1.5, r"\(0, 1\)"), "1.0": (1.0, r"\(0, 1\)"), "0": (0.0, "positive"), "-1e-3": (-1e-3, "positive"),
        "NaN": (float("nan"), "finite"), "inf": (float("inf"), "finite"), "True": (True, "real number"),
        "'1e-8' (str)": ("1e-8", "real number"), "array of shape (2,)": (np.array([0.1, 0.2]), "shape"),
        "0-d bool array": (np.array(True), "epsilon must be a real numeric"),
        "0-d complex tensor": (torch.tensor(0.1j, dtype=torch.complex128), "epsilon must be real"),
    }.items():
        cases.append(Case("regime", "epsilon", "bad number", bad,
                          lambda epsilon=epsilon: theory.regime(W3, "tanh", epsilon=epsilon), message))
    for odd, epsilon in {"np.float32(1e-3)": np.float32(1e-3), "0-d array": np.array(1e-3),
                         "0-d torch tensor": torch.tensor(1e-3, dtype=torch.float64)}.items():
        cases.append(Case("regime", "epsilon", "accepted", odd,
                          lambda epsilon=epsilon: theory.regime(W3, "tanh", epsilon=epsilon), None,
                          same_as=lambda epsilon=epsilon: theory.regime(W3, "tanh", epsilon=float(epsilon))))
    for activation in ("tanh", "identity", "relu"):
        for bad, (radius, message) in {"-1": (-1.0, "non-negative"), "NaN": (float("nan"), "finite"),
                                       "inf": (float("inf"), "finite"), "[1, 2]": ([1.0, 2.0], "dimension"),
                                       "'1' (str)": ("1", "numeric")}.items():
            cases.append(Case("log_lower_bound", f"radius ({activation})", "bad number", bad,
                              lambda radius=radius, activation=activation:
                              theory.log_lower_bound(W3, activation, 2, radius=radius), message))
    cases.append(Case("log_lower_bound", "radius (tanh)", "accepted", "0 (no saturation)",
                      lambda: theory.log_lower_bound(W3, "tanh", 2, radius=0), None,
                      same_as=lambda: 2 * math.log(0.5)))
    inf_derivative = theory.activation("tanh").inf_derivative
    for bad, (radius, message) in {"-1": (-1.0, "non-negative"), "NaN": (float("nan"), "finite"),
                                   "'1' (str)": ("1", "numeric")}.items():
        cases.append(Case("Activation.inf_derivative", "radius", "bad number", bad,
                          lambda radius=radius: inf_derivative(radius), message))
    cases.append(Case("Activation.inf_derivative", "radius", "accepted", "array [0, 1]",
                      lambda: inf_derivative(np.array([0.0, 1.0])), None,
                      same_as=lambda: [1.0, float(inf_derivative(1.0))]))
    return cases


def _overflow_case_list():
    """Finite entries whose norm or eigenvalues exceed float64 (~1.8e308)."""
    huge = np.full((2, 2), 1e308)  # ‖W‖₂ = ρ(W) = 2e308
    cases = [Case(f, "W", "overflow", "entries 1e308 (‖W‖₂ = 2e308)", lambda f=f: getattr(theory, f)(huge),
                  "overflow float64")
             for f in ("singular_values", "spectral_norm", "min_singular_value", "spectral_radius")]
    cases += [
        Case("log_upper_bound", "W", "overflow", "entries 1e308 (‖W‖₂ = 2e308)",
             lambda: theory.log_upper_bound(huge, "tanh", 2), "singular values of W overflow"),
        Case("regime", "W", "overflow", "entries 1e308 (‖W‖₂ = 2e308)",
             lambda: theory.regime(huge, "tanh"), "singular values of W overflow"),
        Case("spectral_radius", "W", "overflow", "triangular, diagonal 1e308 (finite ρ)",
             lambda: theory.spectral_radius(np.array([[1e308, 1e308], [0.0, -1e308]])), None,
             same_as=lambda: 1e308),
        Case("log_matrix_power_norm", "W", "overflow", "entries 1e308 (finite logs)",
             lambda: theory.log_matrix_power_norm(huge, 2), None,
             same_as=lambda: [0.0, math.log(2.0) + math.log(1e308), 2 * (math.log(2.0) + math.log(1e308))]),
    ]
    return cases


def _sweep_case_list():
    """theory.mean_field_rate_sweep(sigma_ws, n, ...): a measurement without a W argument."""
    def sweep(sigma_ws=(1.0,), n=4, **kw):
        return theory.mean_field_rate_sweep(sigma_ws, n, **{"burn_in": 3, "lags": 3, **kw})

    f = "mean_field_rate_sweep"
    cases = [Case(f, argument, "bad input", description, (lambda kw=kw: sweep(**kw)), message)
             for argument, description, kw, message in [
                 ("sigma_ws", "[-1.0]", dict(sigma_ws=[-1.0]), "positive"),
                 ("sigma_ws", "[0.0]", dict(sigma_ws=[0.0]), "positive"),
                 ("sigma_ws", "[NaN]", dict(sigma_ws=[float("nan")]), "finite"),
                 ("sigma_ws", "[[1.0]] (2-D)", dict(sigma_ws=[[1.0]]), "1 dimension"),
                 ("sigma_ws", "'a' (str)", dict(sigma_ws="a"), "numeric"),
                 ("n", "0", dict(n=0), "n ≥ 1"),
                 ("n", "-1", dict(n=-1), "non-negative"),
                 ("n", "2.5", dict(n=2.5), "integer"),
                 ("n", "True", dict(n=True), "boolean"),
                 ("lags", "0", dict(lags=0), "lags ≥ 1"),
                 ("lags", "-1", dict(lags=-1), "non-negative"),
                 ("burn_in", "-1", dict(burn_in=-1), "non-negative"),
                 ("sigma_b", "-1.0", dict(sigma_b=-1.0), "sigma_b"),
                 ("sigma_u", "NaN", dict(sigma_u=float("nan")), "sigma_u"),
                 ("activation", "'sigmoid' (not in nn.RNNCell)", dict(activation="sigmoid"), "nonlinearity"),
                 ("activation", "'softmax'", dict(activation="softmax"), "unknown activation"),
             ]]
    cases += [
        Case(f, "sigma_ws", "accepted", "torch tensor", lambda: sweep(sigma_ws=torch.tensor([1.0, 2.0])), None,
             same_as=lambda: sweep(sigma_ws=[1.0, 2.0])),
        Case(f, "sigma_ws", "accepted", "[] (no sweep)", lambda: sweep(sigma_ws=[]), None, same_as=lambda: []),
    ]
    return cases


CASES = (_matrix_case_list() + _lag_case_list() + _activation_case_list() + _shape_case_list()
         + _scalar_case_list() + _overflow_case_list() + _sweep_case_list())


def _params():
    # A list, not a generator: pytest may collect this module more than once in one process.
    return [pytest.param(case, id=case.id,
                         marks=[pytest.mark.xfail(strict=True, reason=case.gap)] if case.gap else [])
            for case in CASES]


@pytest.mark.parametrize("case", _params())
def test_case(case):
    """Each case gives its documented outcome: the ValueError (message matched) or acceptance."""
    if case.error is not None:
        with pytest.raises(ValueError, match=case.error):
            case.call()
        return
    result = case.call()
    if case.same_as is not None:
        want = case.same_as()
        assert _same(result, want), f"{case.id}: accepted, but {_summary(result)!r} != {_summary(want)!r}"


# The modules whose public functions this table covers; functions that other modules add to
# theory.__all__ are listed in the table as not yet covered (see ``uncovered_public_functions``).
COVERED_MODULES = ("theory.activations", "theory.spectra", "theory.bounds", "theory.regime",
                   "theory.measurement")


def _public_functions():
    return {name: getattr(theory, name) for name in theory.__all__
            if callable(getattr(theory, name)) and not isinstance(getattr(theory, name), type)}


def uncovered_public_functions():
    """Public functions outside COVERED_MODULES (their own test modules check their input)."""
    return sorted(name for name, f in _public_functions().items()
                  if getattr(f, "__module__", "") not in COVERED_MODULES)


def test_every_public_function_has_cases():
    """Every public function of the covered modules is tried with bad input (none skipped)."""
    tried = {case.function for case in CASES}
    public = {name for name, f in _public_functions().items()
              if getattr(f, "__module__", "") in COVERED_MODULES}
    assert public <= tried, f"no bad-input case for: {sorted(public - tried)}"


def outcome(case):
    """What the case really gives now, as one line for the table."""
    try:
        result = case.call()
    except ValueError as error:
        return f"ValueError: {error}"
    except Exception as error:  # noqa: BLE001 - a gap: shown as it is
        return f"{type(error).__name__} (not a ValueError: known gap)"
    if case.same_as is not None and not _same(result, case.same_as()):
        return "accepted, but the result is not the expected one (bug)"
    return "accepted" + (", result as expected" if case.same_as is not None else "")


def render_table():
    def cell(text):
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = [
        "# Bad inputs: what every public function does with them",
        "",
        "Generated from the cases in `tests/test_bad_input.py` (`CASES`), each of which is a test:",
        "",
        "```bash",
        "python -m tests.test_bad_input > docs/bad-inputs.md",
        "```",
        "",
        "`test_committed_table_is_up_to_date` fails when this file and the cases disagree. The",
        "*outcome* column is what the call really gives, message included. Inputs marked",
        "*accepted* are accepted on purpose (integer arrays, torch tensors of any real dtype, lag",
        "and T = 0, integral float lags, 0-d scalars, aliases); *result as expected* means the",
        "test also checked the value: for a converted input, exactly the plain float64 numpy",
        "input's result. A *known gap* (none at present) is a case whose test is",
        "`xfail(strict=True)`: the ValueError is expected but not raised yet.",
        "",
        f"{len(CASES)} cases.",
        "",
        "| function | argument | kind | input | outcome |",
        "| --- | --- | --- | --- | --- |",
    ]
    for case in CASES:
        lines.append(f"| `{cell(case.function)}` | {cell(case.argument)} | {cell(case.kind)} | "
                     f"{cell(case.description)} | {cell(outcome(case))} |")
    uncovered = uncovered_public_functions()
    if uncovered:
        lines += [
            "",
            "## Not covered by this table",
            "",
            f"These {len(uncovered)} public functions come from modules other than "
            f"{', '.join(f'`{m}`' for m in COVERED_MODULES)} and have no case here yet "
            "(their bad inputs are tested, if at all, in their own test modules):",
            "",
            ", ".join(f"`{name}`" for name in uncovered) + ".",
        ]
    return "\n".join(lines) + "\n"


TABLE = Path(__file__).resolve().parent.parent / "docs" / "bad-inputs.md"


def test_committed_table_is_up_to_date():
    """docs/bad-inputs.md is exactly what the cases give now (regenerate it if this fails)."""
    assert TABLE.exists(), "docs/bad-inputs.md is missing: python -m tests.test_bad_input > docs/bad-inputs.md"
    committed = TABLE.read_text(encoding="utf-8")
    fresh = render_table()
    if committed != fresh:
        old, new = committed.splitlines(), fresh.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        pytest.fail(
            "docs/bad-inputs.md is out of date; regenerate with "
            "`python -m tests.test_bad_input > docs/bad-inputs.md`. First difference at line "
            f"{first + 1}:\n  committed: {old[first] if first < len(old) else '<end>'}\n"
            f"  now:       {new[first] if first < len(new) else '<end>'}"
        )


if __name__ == "__main__":
    torch.set_default_dtype(torch.float64)
    print(render_table(), end="")


def test_positive_float_helper_allow_zero_and_allow_inf():
    """The shared scalar check's options (used by other modules): allow_zero admits 0 and
    says "non-negative" when refusing; allow_inf admits +inf; NaN is never admitted."""
    from theory._validation import as_positive_float

    assert as_positive_float(0, "x", allow_zero=True) == 0.0
    assert as_positive_float(np.array(2.5), "x") == 2.5
    with pytest.raises(ValueError, match="x must be non-negative, got -1.0"):
        as_positive_float(-1, "x", allow_zero=True)
    with pytest.raises(ValueError, match="x must be positive, got 0.0"):
        as_positive_float(0, "x")
    assert as_positive_float(float("inf"), "x", allow_inf=True) == float("inf")
    with pytest.raises(ValueError, match="x must be finite"):
        as_positive_float(float("inf"), "x")
    with pytest.raises(ValueError, match="x must be finite"):
        as_positive_float(float("nan"), "x", allow_inf=True)
