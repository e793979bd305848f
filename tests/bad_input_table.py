"""The bad-input table: every bad (and every accepted odd) input tried against every public
function, with the outcome each really gives, as docs/bad-inputs.md:

    python -m tests.bad_input_table > docs/bad-inputs.md

Inputs that can reasonably be accepted are accepted, and give the same result as the plain
float64 numpy input: integer arrays, torch tensors of any real dtype (also with
requires_grad), integer-valued float lags, lag and T = 0, 0-d arrays for scalars, aliases and
upper-case activation names.

This module is data and a generator, not a test module: tests/test_bad_input.py checks the
shared validation helpers by Hypothesis properties, one bad and one accepted input per
public argument from ``CASES``, and that docs/bad-inputs.md is what ``render_table`` gives.
"""

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import numpy as np
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


# ---------------------------------------------------------------------------------------------
# The case table: every bad input against every public function, and what it must give.


@dataclass(frozen=True)
class Case:
    """One input tried against one public function.

    ``error`` is the regex the ValueError's message must match; ``None`` means the input is
    accepted, and ``same_as`` (if given) computes the result it must equal. ``gap`` marks a
    known gap: the expected ValueError is not raised yet (the case is left out of the
    per-argument tests, and its outcome shows in the table).
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
    if isinstance(result, str):
        return result
    if isinstance(result, theory.LagProfile):
        return ("LagProfile", result.log_norms.tolist(), result.preactivations.tolist())
    if isinstance(result, theory.Regime):
        return ("Regime", result.name, result.gamma_norm, result.spectral_radius, result.horizon)
    if isinstance(result, theory.Activation):
        return ("Activation", result.name)
    if dataclasses.is_dataclass(result):
        return (type(result).__name__, _summary(dataclasses.astuple(result)))
    if isinstance(result, dict):
        return {key: _summary(value) for key, value in result.items()}
    if isinstance(result, tuple) or (isinstance(result, list)
                                     and any(isinstance(r, str) or not np.isscalar(r) for r in result)):
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
            def one_by_one(call=call):
                results = [call(k) for k in range(3)]
                if isinstance(results[0], tuple):  # (lower, upper) pairs
                    return tuple(np.array(values) for values in zip(*results))
                return results
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
        Case("tail_share_bound", "T", "bad lag", "-1",
             lambda: theory.tail_share_bound(W3, "tanh", 1, -1, total_mass=1.0, **NORMS), "T must be non-negative"),
        Case("lag_profile", "device", "bad device", "'no-such-device'",
             lambda: theory.lag_profile(W3, "tanh", T=2, device="no-such-device"), "device"),
        Case("lag_profile", "device", "accepted", "'cpu'",
             lambda: theory.lag_profile(W3, "tanh", T=2, device="cpu"), None,
             same_as=lambda: theory.lag_profile(W3, "tanh", T=2)),
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
                 ("seed", "-1", dict(seed=-1), "seed must be non-negative"),
                 ("seed", "1.5", dict(seed=1.5), "seed must be a non-negative integer"),
                 ("device", "'no-such-device'", dict(device="no-such-device"), "device"),
             ]]
    cases += [
        Case(f, "sigma_ws", "accepted", "torch tensor", lambda: sweep(sigma_ws=torch.tensor([1.0, 2.0])), None,
             same_as=lambda: sweep(sigma_ws=[1.0, 2.0])),
        Case(f, "sigma_ws", "accepted", "[] (no sweep)", lambda: sweep(sigma_ws=[]), None, same_as=lambda: []),
    ]
    return cases



# ---------------------------------------------------------------------------------------------
# The prediction modules (mean field, Lyapunov, Kreiss, bifurcation, gated cells, BPTT).

N2 = 2  # hidden size of the gated-cell cases (gate blocks of 2 rows)
PRE3 = np.zeros((2, 3))  # pre-activations a_1, a_2 of a 3-unit run
STATES3 = np.zeros((3, 3))  # h_0..h_2
NORMS = dict(grad_norm=1.0, state_norm=1.0)

MATRIX_FUNCTIONS.update({
    "kreiss_constant": lambda W: theory.kreiss_constant(W),
    "log_kreiss_power_bounds": lambda W: theory.log_kreiss_power_bounds(W),
    "saturation_log_rate_bound": lambda W: theory.saturation_log_rate_bound(W, "tanh", np.zeros(3)),
    "log_input_sensitivity_bound":
        lambda W: theory.log_input_sensitivity_bound(W, U3, "tanh", 2, grad_norm=1.0),
    "log_input_sensitivity_trajectory_bound":
        lambda W: theory.log_input_sensitivity_trajectory_bound(W, U3, "tanh", PRE3, grad_norm=1.0),
    "log_lag_term_upper_bound": lambda W: theory.log_lag_term_upper_bound(W, "tanh", 2, **NORMS),
    "log_lag_term_trajectory_lower_bound":
        lambda W: theory.log_lag_term_trajectory_lower_bound(W, "tanh", PRE3, STATES3, np.ones(3)),
    "log_tail_mass_bound": lambda W: theory.log_tail_mass_bound(W, "tanh", 1, 3, **NORMS),
    "tail_share_bound": lambda W: theory.tail_share_bound(W, "tanh", 1, 3, total_mass=1.0, **NORMS),
})
LAG_FUNCTIONS.update({
    "log_input_sensitivity_bound":
        ("lag", lambda lag: theory.log_input_sensitivity_bound(W3, U3, "tanh", lag, grad_norm=1.0)),
    "log_lag_term_upper_bound": ("lag", lambda lag: theory.log_lag_term_upper_bound(W3, "tanh", lag, **NORMS)),
    "log_tail_mass_bound": ("L", lambda L: theory.log_tail_mass_bound(W3, "tanh", L, 10, **NORMS)),
    "tail_share_bound":
        ("L", lambda L: theory.tail_share_bound(W3, "tanh", L, 10, total_mass=1.0, **NORMS)),
    "tail_share": ("L", lambda L: theory.tail_share([0.5, 0.25, 0.125, 0.0625], L)),
    "gru_log_norm_bounds": ("lag", lambda lag: theory.gru_log_norm_bounds(0.1, lag)),
    "lstm_forget_log_bounds": ("lag", lambda lag: theory.lstm_forget_log_bounds(1.0, 0.5, lag)),
    "log_norm_moments_gaussian": ("steps", lambda steps: theory.log_norm_moments_gaussian(3, steps)),
})
VECTOR_LAG_FUNCTIONS += ("log_input_sensitivity_bound", "log_lag_term_upper_bound", "log_tail_mass_bound",
                         "tail_share_bound", "tail_share", "gru_log_norm_bounds", "lstm_forget_log_bounds")
ACTIVATION_FUNCTIONS.update({
    "mean_field": lambda a: theory.mean_field(a, 1.5),
    "critical_sigma_w": lambda a: theory.critical_sigma_w(a, 0.1),
    "saturation_log_rate_bound": lambda a: theory.saturation_log_rate_bound(W3, a, np.ones(3)),
    "log_input_sensitivity_bound":
        lambda a: theory.log_input_sensitivity_bound(W3, U3, a, 2, grad_norm=1.0),
    "log_input_sensitivity_trajectory_bound":
        lambda a: theory.log_input_sensitivity_trajectory_bound(W3, U3, a, np.ones((2, 3)), grad_norm=1.0),
    "log_lag_term_upper_bound": lambda a: theory.log_lag_term_upper_bound(W3, a, 2, **NORMS),
    "log_lag_term_trajectory_lower_bound":
        lambda a: theory.log_lag_term_trajectory_lower_bound(W3, a, np.ones((2, 3)), STATES3, np.ones(3)),
    "log_tail_mass_bound": lambda a: theory.log_tail_mass_bound(W3, a, 1, 3, **NORMS),
    "tail_share_bound": lambda a: theory.tail_share_bound(W3, a, 1, 3, total_mass=1.0, **NORMS),
    "fixed_points": lambda a: theory.fixed_points(6.0, -3.0, a),
    "saddle_node_biases": lambda a: theory.saddle_node_biases(6.0, a),
    "basin_boundary_bias": lambda a: theory.basin_boundary_bias(6.0, 0.5, a),
    "log_boundary_sensitivity": lambda a: theory.log_boundary_sensitivity(6.0, 0.5, 5, a),
})


def _bad_numbers(accept_zero):
    """Bad values for a scalar that must be positive (or ≥ 0) and finite."""
    bad = {"-1.0": (-1.0, "non-negative|positive|≥ 0"), "NaN": (float("nan"), "finite"),
           "inf": (float("inf"), "finite"), "'1' (str)": ("1", "real number|numeric"),
           "[1, 2]": ([1.0, 2.0], "real number|shape|dimension|scalar")}
    if not accept_zero:
        bad["0"] = (0.0, "positive|> 0")
    return bad


def _prediction_scalar_case_list():
    """Scalars of the prediction modules: scales, norms, variances, sizes, biases."""
    scalars = [  # (function, argument, call taking the value, zero accepted?, a good value)
        ("mean_field", "sigma_w", lambda v: theory.mean_field("tanh", v), False, 1.5),
        ("mean_field", "sigma_b", lambda v: theory.mean_field("tanh", 1.5, v), True, 0.1),
        ("mean_field", "sigma_u", lambda v: theory.mean_field("tanh", 1.5, 0.1, v), True, 0.1),
        ("critical_sigma_w", "sigma_b", lambda v: theory.critical_sigma_w("tanh", v), True, 0.1),
        ("critical_sigma_w", "sigma_u", lambda v: theory.critical_sigma_w("tanh", 0.1, v), True, 0.1),
        ("gaussian_expectation", "q", lambda v: theory.gaussian_expectation(np.tanh, v), True, 1.0),
        ("clipped_gradient_norm", "norm", lambda v: theory.clipped_gradient_norm(v, 1.0), True, 2.0),
        ("clipped_gradient_norm", "threshold", lambda v: theory.clipped_gradient_norm(2.0, v), False, 1.0),
        ("gru_log_norm_bounds", "delta", lambda v: theory.gru_log_norm_bounds(v, 3), True, 0.1),
        ("lyapunov_exponent_gaussian", "sigma", lambda v: theory.lyapunov_exponent_gaussian(3, v), False, 1.0),
        ("log_norm_moments_gaussian", "sigma", lambda v: theory.log_norm_moments_gaussian(3, 2, v), False, 1.0),
        ("log_input_sensitivity_bound", "grad_norm",
         lambda v: theory.log_input_sensitivity_bound(W3, U3, "tanh", 2, grad_norm=v), True, 1.0),
        ("log_input_sensitivity_trajectory_bound", "grad_norm",
         lambda v: theory.log_input_sensitivity_trajectory_bound(W3, U3, "tanh", PRE3, grad_norm=v), True, 1.0),
        ("log_lag_term_upper_bound", "grad_norm",
         lambda v: theory.log_lag_term_upper_bound(W3, "tanh", 2, grad_norm=v, state_norm=1.0), True, 1.0),
        ("log_lag_term_upper_bound", "state_norm",
         lambda v: theory.log_lag_term_upper_bound(W3, "tanh", 2, grad_norm=1.0, state_norm=v), True, 1.0),
        ("log_tail_mass_bound", "grad_norm",
         lambda v: theory.log_tail_mass_bound(W3, "tanh", 1, 3, grad_norm=v, state_norm=1.0), True, 1.0),
        ("log_tail_mass_bound", "state_norm",
         lambda v: theory.log_tail_mass_bound(W3, "tanh", 1, 3, grad_norm=1.0, state_norm=v), True, 1.0),
        ("tail_share_bound", "total_mass",
         lambda v: theory.tail_share_bound(W3, "tanh", 1, 3, total_mass=v, **NORMS), False, 1.0),
        ("tail_share_bound", "grad_norm",
         lambda v: theory.tail_share_bound(W3, "tanh", 1, 3, total_mass=1.0, grad_norm=v, state_norm=1.0), True, 1.0),
        ("tail_share_bound", "state_norm",
         lambda v: theory.tail_share_bound(W3, "tanh", 1, 3, total_mass=1.0, grad_norm=1.0, state_norm=v), True, 1.0),
        ("saturation_log_rate_bound", "input_bound",
         lambda v: theory.saturation_log_rate_bound(W3, "tanh", np.ones(3), v), True, 0.5),
        ("gate_preactivation_radius", "state_bound",
         lambda v: theory.gate_preactivation_radius(np.ones((N2, N2)), state_bound=v), True, 1.0),
    ]
    cases = []
    for function, argument, call, accept_zero, good in scalars:
        for bad, (value, message) in _bad_numbers(accept_zero).items():
            cases.append(Case(function, argument, "bad number", bad, lambda call=call, value=value: call(value),
                              message))
        for odd, value in {"0-d torch tensor": torch.tensor(good, dtype=torch.float64),
                           "np.float32": np.float32(good)}.items():
            cases.append(Case(function, argument, "accepted", odd, lambda call=call, value=value: call(value),
                              None, same_as=lambda call=call, value=value: call(float(value))))
    for function, argument, call in [
        ("fixed_points", "w", lambda v: theory.fixed_points(v, -3.0)),
        ("fixed_points", "b", lambda v: theory.fixed_points(6.0, v)),
        ("saddle_node_biases", "w", lambda v: theory.saddle_node_biases(v)),
        ("basin_boundary_bias", "w", lambda v: theory.basin_boundary_bias(v, 0.5)),
        ("basin_boundary_bias", "x0", lambda v: theory.basin_boundary_bias(6.0, v)),
        ("log_boundary_sensitivity", "w", lambda v: theory.log_boundary_sensitivity(v, 0.5, 5)),
        ("log_boundary_sensitivity", "x0", lambda v: theory.log_boundary_sensitivity(6.0, v, 5)),
    ]:  # any real number is allowed: only non-finite and non-numeric values are bad
        for bad, (value, message) in {"NaN": (float("nan"), "finite"), "inf": (float("inf"), "finite"),
                                      "'1' (str)": ("1", "real number|numeric"),
                                      "None": (None, "real number|numeric")}.items():
            cases.append(Case(function, argument, "bad number", bad, lambda call=call, value=value: call(value),
                              message))
    for function, argument, call in [
        ("lyapunov_exponent_gaussian", "n", lambda v: theory.lyapunov_exponent_gaussian(v)),
        ("log_norm_moments_gaussian", "n", lambda v: theory.log_norm_moments_gaussian(v, 2)),
    ]:
        for bad, (value, message) in {"0": (0, "n"), "-1": (-1, "n"), "2.5": (2.5, "integer"),
                                      "True": (True, "boolean|integer"), "None": (None, "integer")}.items():
            cases.append(Case(function, argument, "bad size", bad, lambda call=call, value=value: call(value),
                              message))
        cases.append(Case(function, argument, "accepted", "3.0 (integral float)", lambda call=call: call(3.0),
                          None, same_as=lambda call=call: call(3)))
    for bad, (T, message) in {"0": (0, "T"), "-1": (-1, "non-negative|T"), "2.5": (2.5, "integer"),
                              "None": (None, "integer")}.items():
        cases.append(Case("log_boundary_sensitivity", "T", "bad lag", bad,
                          lambda T=T: theory.log_boundary_sensitivity(6.0, 0.5, T), message))
    for bad, (T, message) in {"0": (0, "T"), "-1": (-1, "non-negative|T"), "2.5": (2.5, "integer")}.items():
        cases.append(Case("log_tail_mass_bound", "T", "bad lag", bad,
                          lambda T=T: theory.log_tail_mass_bound(W3, "tanh", 0, T, **NORMS), message))
    cases += [
        Case("gaussian_expectation", "q", "bad number", "301 (beyond the certified range)",
             lambda: theory.gaussian_expectation(np.tanh, 301.0), "300"),
        Case("gaussian_expectation", "f", "bad function", "'tanh' (a string)",
             lambda: theory.gaussian_expectation("tanh", 1.0), "callable"),
        Case("gaussian_expectation", "f", "bad function", "None",
             lambda: theory.gaussian_expectation(None, 1.0), "callable"),
        Case("gaussian_expectation", "f", "accepted", "torch.tanh on arrays (any vectorised callable)",
             lambda: theory.gaussian_expectation(lambda a: torch.tanh(torch.as_tensor(a)).numpy() ** 2, 1.0),
             None, same_as=lambda: theory.gaussian_expectation(lambda a: np.tanh(a) ** 2, 1.0)),
        Case("mean_field", "sigma_b", "out of range", "100 (q* beyond the quadrature's range)",
             lambda: theory.mean_field("tanh", 1.5, 100.0), "above 300"),
        Case("mean_field", "sigma_w", "out of range", "1e200 (σ_w² overflows; q* beyond the quadrature's range)",
             lambda: theory.mean_field("tanh", 1e200), "above 300"),
        Case("lyapunov_exponent_gaussian", "n", "huge size", "10**30",
             lambda: theory.lyapunov_exponent_gaussian(10**30), "integer|2\\*\\*63|large"),
    ]
    return cases


def _prediction_unsupported_case_list():
    return [
        Case("saturation_log_rate_bound", "activation", "unsupported", "'relu' (no saturation)",
             lambda: theory.saturation_log_rate_bound(W3, "relu", np.ones(3)), "bounded activation"),
        Case("saturation_log_rate_bound", "activation", "unsupported", "'identity' (no saturation)",
             lambda: theory.saturation_log_rate_bound(W3, "identity", np.ones(3)), "bounded activation"),
        Case("fixed_points", "activation", "unsupported", "'relu'",
             lambda: theory.fixed_points(6.0, -3.0, "relu"), "bounded sigmoidal"),
        Case("saddle_node_biases", "activation", "unsupported", "'identity'",
             lambda: theory.saddle_node_biases(6.0, "identity"), "bounded sigmoidal"),
        Case("basin_boundary_bias", "activation", "unsupported", "'relu'",
             lambda: theory.basin_boundary_bias(6.0, 0.5, "relu"), "bounded sigmoidal"),
        Case("log_boundary_sensitivity", "activation", "unsupported", "'relu'",
             lambda: theory.log_boundary_sensitivity(6.0, 0.5, 5, "relu"), "bounded sigmoidal"),
    ]


def _lstm_parameters(n=N2, m=1):
    rng = np.random.default_rng(0)
    return dict(weight_ih=rng.standard_normal((4 * n, m)) * 0.5, weight_hh=rng.standard_normal((4 * n, n)) * 0.5,
                bias_ih=np.zeros(4 * n), bias_hh=np.zeros(4 * n), inputs=np.ones((3, m)), h_prev=np.zeros((3, n)))


def _gated_case_list():
    """Shapes and values of the LSTM and GRU functions (PyTorch's gate-stacked layouts)."""
    cases = []
    p = _lstm_parameters()

    def gates(**changes):
        return theory.lstm_gates(**{**p, **changes})

    for argument, bad, value, message in [
        ("weight_hh", "(6, 2): not 4n rows", np.ones((6, N2)), "4n|weight_hh"),
        ("weight_hh", "(8, 3) for h_prev n = 2", np.ones((4 * N2, 3)), "weight_hh|h_prev|n"),
        ("weight_ih", "(8, 2) for inputs m = 1", np.ones((4 * N2, 2)), "weight_ih|inputs"),
        ("weight_ih", "(6, 1): not 4n rows", np.ones((6, 1)), "weight_ih"),
        ("weight_ih", "1-D (8,)", np.ones(4 * N2), "weight_ih must have 2 dimension"),
        ("weight_ih", "NaN entry", np.r_[[[np.nan]], np.ones((4 * N2 - 1, 1))], "weight_ih must have finite"),
        ("bias_ih", "(7,)", np.zeros(7), "bias_ih"),
        ("bias_hh", "NaN entry", np.r_[np.nan, np.zeros(4 * N2 - 1)], "finite"),
        ("inputs", "(2, 1) for h_prev (3, 2)", np.ones((2, 1)), "inputs|h_prev|T"),
        ("h_prev", "1-D (2,)", np.zeros(N2), "h_prev|dimension"),
        ("inputs", "complex", np.ones((3, 1)) * 1j, "real"),
    ]:
        cases.append(Case("lstm_gates", argument, "mismatched or bad", bad,
                          lambda argument=argument, value=value: gates(**{argument: value}), message))
    cases.append(Case("lstm_gates", "all", "accepted", "torch tensors (an nn.LSTM's parameters)",
                      lambda: gates(**{k: torch.as_tensor(v) for k, v in p.items()}), None,
                      same_as=lambda: gates()))
    g = gates()
    c_prev, c = np.zeros((3, N2)), np.full((3, N2), 0.1)

    def jacobian_bound(**changes):
        args = {**dict(weight_hh=p["weight_hh"], gates=g, c_prev=c_prev, c=c), **changes}
        return theory.lstm_log_jacobian_bound(**args)

    for argument, bad, value, message in [
        ("weight_hh", "(6, 2): not 4n rows", np.ones((6, N2)), "4n|weight_hh"),
        ("gates", "missing 'o'", {k: v for k, v in g.items() if k != "o"}, "gates|'o'"),
        ("gates", "a list, not a dict", [g["i"], g["f"], g["g"], g["o"]], "gates|dict"),
        ("gates", "'f' of shape (2, 2) for T = 3", {**g, "f": g["f"][:2]}, "f|shape"),
        ("c_prev", "(3, 3) for n = 2", np.zeros((3, 3)), "c_prev|shape"),
        ("c", "inf entry", np.full((3, N2), np.inf), "finite"),
    ]:
        cases.append(Case("lstm_log_jacobian_bound", argument, "mismatched or bad", bad,
                          lambda argument=argument, value=value: jacobian_bound(**{argument: value}), message))
    for bad, (value, message) in {
        "entry 1.5": ([[0.5, 1.5]], r"\(0, 1\]"), "entry 0": ([[0.0]], r"\(0, 1\]"),
        "1-D": ([0.5], "2|dimension"), "NaN": ([[np.nan]], "finite"), "empty (0, 2)": (np.zeros((0, 2)), None),
    }.items():
        cases.append(Case("lstm_cell_path_log_norm", "forget_gates", "bad array" if message else "accepted", bad,
                          lambda value=value: theory.lstm_cell_path_log_norm(value), message))
    cases.append(Case("lstm_cell_path_log_norm", "forget_gates", "accepted", "torch float32 tensor",
                      lambda: theory.lstm_cell_path_log_norm(torch.full((2, 2), 0.5)), None,
                      same_as=lambda: theory.lstm_cell_path_log_norm(np.full((2, 2), 0.5))))
    for argument, bad, args, message in [
        ("radius", "-0.1", (1.0, -0.1, 3), "non-negative|radius"),
        ("forget_bias", "NaN", (np.nan, 0.1, 3), "finite"),
        ("radius", "(3,) for forget_bias (2,)", (np.ones(2), np.ones(3), 3), "radius must be .* length n = 2"),
        ("forget_bias", "2-D (2, 2)", (np.ones((2, 2)), 0.1, 3), "forget_bias must be a number or a 1-D"),
        ("forget_bias", "empty (0,)", (np.ones(0), 0.1, 3), "non-empty"),
    ]:
        cases.append(Case("lstm_forget_log_bounds", argument, "bad number", bad,
                          lambda args=args: theory.lstm_forget_log_bounds(*args), message))
    W_hh, b_hh = np.full((3 * N2, N2), 0.1), np.zeros(3 * N2)

    def gru_delta(**changes):
        args = {**dict(weight_hh=W_hh, bias_hh=b_hh, update_bias=0.5, update_radius=0.2), **changes}
        return theory.gru_jacobian_deviation_bound(**args)

    for argument, bad, value, message in [
        ("weight_hh", "(4, 2): not 3n rows", np.zeros((4, N2)), "3n|weight_hh"),
        ("weight_hh", "1-D", np.zeros(6), "weight_hh|dimension"),
        ("bias_hh", "(5,) for 3n = 6", np.zeros(5), "bias_hh"),
        ("update_bias", "(3,) for n = 2", np.zeros(3), "update_bias must be .* length n = 2"),
        ("update_radius", "2-D (2, 1)", np.zeros((2, 1)), "update_radius must be a number or a 1-D"),
        ("update_radius", "-1.0", -1.0, "non-negative|radius"),
        ("update_radius", "NaN", np.nan, "finite"),
        ("state_bound", "-1.0", -1.0, "non-negative|state_bound"),
    ]:
        cases.append(Case("gru_jacobian_deviation_bound", argument, "mismatched or bad", bad,
                          lambda argument=argument, value=value: gru_delta(**{argument: value}), message))
    cases.append(Case("gru_jacobian_deviation_bound", "all", "accepted", "torch tensors (an nn.GRU's parameters)",
                      lambda: gru_delta(weight_hh=torch.as_tensor(W_hh), bias_hh=torch.as_tensor(b_hh),
                                        update_bias=torch.full((N2,), 0.5), update_radius=torch.tensor(0.2)),
                      None, same_as=lambda: gru_delta()))
    for argument, bad, args, message in [
        ("weight_hh", "1-D", (np.ones(2),), "weight_hh|dimension"),
        ("weight_ih", "given without inputs", (np.ones((2, 2)), np.ones((2, 1))), "inputs"),
        ("inputs", "(3, 2) for weight_ih (2, 1)", (np.ones((2, 2)), np.ones((2, 1)), np.ones((3, 2))),
         "inputs|weight_ih"),
        ("weight_ih", "(3, 1) for weight_hh (2, 2)", (np.ones((2, 2)), np.ones((3, 1)), np.ones((3, 1))),
         "weight_ih|rows"),
        ("weight_hh", "NaN entry", (np.array([[np.nan, 0.0]]),), "finite"),
    ]:
        cases.append(Case("gate_preactivation_radius", argument, "mismatched or bad", bad,
                          lambda args=args: theory.gate_preactivation_radius(*args), message))
    return cases


def _bptt_shape_case_list():
    """Shapes of the BPTT functions: U, trajectories, per-lag norms."""
    cases = []
    for argument, bad, call, message in [
        ("U", "(2, 1) for n = 3", lambda: theory.log_input_sensitivity_bound(W3, np.ones((2, 1)), "tanh", 2,
                                                                           grad_norm=1.0), "U"),
        ("U", "1-D (3,)", lambda: theory.log_input_sensitivity_bound(W3, np.ones(3), "tanh", 2, grad_norm=1.0),
         "U|dimension"),
        ("U", "NaN entry", lambda: theory.log_input_sensitivity_bound(W3, np.full((3, 1), np.nan), "tanh", 2,
                                                                     grad_norm=1.0), "finite"),
    ]:
        cases.append(Case("log_input_sensitivity_bound", argument, "mismatched or bad", bad, call, message))
    for argument, bad, pre, U, message in [
        ("preactivations", "(2, 2) for n = 3", np.zeros((2, 2)), U3, "preactivations|shape"),
        ("preactivations", "1-D", np.zeros(3), U3, "preactivations|dimension"),
        ("U", "(2, 1) for n = 3", PRE3, np.ones((2, 1)), "U"),
        ("U", "1-D (3,)", PRE3, np.ones(3), "U must have 2 dimension"),
    ]:
        cases.append(Case("log_input_sensitivity_trajectory_bound", argument, "mismatched or bad", bad,
                          lambda pre=pre, U=U: theory.log_input_sensitivity_trajectory_bound(
                              W3, U, "tanh", pre, grad_norm=1.0), message))
    cases.append(Case("log_input_sensitivity_trajectory_bound", "preactivations", "accepted",
                      "(0, n): T = 0, no inputs (empty result)",
                      lambda: theory.log_input_sensitivity_trajectory_bound(W3, U3, "tanh", np.zeros((0, 3)),
                                                                            grad_norm=1.0),
                      None, same_as=lambda: []))
    lower = theory.log_lag_term_trajectory_lower_bound
    for argument, bad, args, message in [
        ("preactivations", "(2, 2) for n = 3", (np.zeros((2, 2)), STATES3, np.ones(3)), "preactivations|shape"),
        ("states", "(2, 3): not T + 1 rows", (PRE3, np.zeros((2, 3)), np.ones(3)), "states"),
        ("grad_output", "(2,) for n = 3", (PRE3, STATES3, np.ones(2)), "grad_output"),
        ("grad_output", "NaN entry", (PRE3, STATES3, np.array([1.0, np.nan, 0.0])), "finite"),
        ("preactivations", "1-D (3,)", (np.zeros(3), STATES3, np.ones(3)), "preactivations must have 2 dimension"),
        ("states", "1-D (9,)", (PRE3, np.zeros(9), np.ones(3)), "states must have 2 dimension"),
        ("grad_output", "2-D (1, 3)", (PRE3, STATES3, np.ones((1, 3))), "grad_output must have 1 dimension"),
    ]:
        cases.append(Case("log_lag_term_trajectory_lower_bound", argument, "mismatched or bad", bad,
                          lambda args=args: lower(W3, "tanh", *args), message))
    cases.append(Case("log_lag_term_trajectory_lower_bound", "preactivations, states", "accepted",
                      "(0, n) and (1, n): T = 0, no terms (empty result)",
                      lambda: lower(W3, "tanh", np.zeros((0, 3)), np.ones((1, 3)), np.ones(3)), None,
                      same_as=lambda: []))
    cases.append(Case("log_lag_term_trajectory_lower_bound", "preactivations, states, grad_output", "accepted",
                      "torch tensors", lambda: lower(W3, "tanh", torch.zeros(2, 3), torch.zeros(3, 3),
                                                     torch.ones(3)), None,
                      same_as=lambda: lower(W3, "tanh", PRE3, STATES3, np.ones(3))))
    for bad, (norms, message) in {"negative entry": ([0.5, -0.1], "non-negative|negative"),
                                  "NaN entry": ([0.5, np.nan], "finite"),
                                  "2-D": ([[0.5, 0.1]], "dimension|term_norms")}.items():
        cases.append(Case("tail_share", "term_norms", "bad array", bad,
                          lambda norms=norms: theory.tail_share(norms, 1), message))
    cases.append(Case("tail_share", "term_norms", "accepted", "[] (no terms: share 0, as for all-zero norms)",
                      lambda: theory.tail_share([], 1), None, same_as=lambda: 0.0))
    cases.append(Case("tail_share", "term_norms", "accepted", "torch tensor",
                      lambda: theory.tail_share(torch.tensor([0.5, 0.25]), 1), None,
                      same_as=lambda: theory.tail_share([0.5, 0.25], 1)))
    b = lambda value: theory.saturation_log_rate_bound(W3, "tanh", value)  # noqa: E731
    for bad, (value, message) in {"(2,) for n = 3": (np.ones(2), "b"), "NaN entry": (np.array([1.0, np.nan, 1.0]),
                                  "finite"), "2-D (3, 1)": (np.ones((3, 1)), "b|dimension")}.items():
        cases.append(Case("saturation_log_rate_bound", "b", "mismatched or bad", bad,
                          lambda value=value: b(value), message))
    return cases


def _diagnose_case_list():
    """lyapunov_spectrum and diagnose, one case per argument (their full tables of refused
    inputs are in tests/test_lyapunov_spectrum.py and tests/test_diagnose.py)."""
    spectrum = lambda **kw: theory.lyapunov_spectrum(W3, "tanh", **kw)  # noqa: E731
    rnn = lambda: torch.nn.RNN(2, 3)  # noqa: E731
    cases = [Case("lyapunov_spectrum", argument, kind, bad, call, message) for argument, kind, bad, call, message in [
        ("W", "not square", "(2, 3)", lambda: theory.lyapunov_spectrum(np.ones((2, 3)), "tanh", T=2), "square"),
        ("activation", "unknown", "'softsign'", lambda: theory.lyapunov_spectrum(W3, "softsign", T=2),
         "unknown activation"),
        ("T", "negative", "−1", lambda: spectrum(T=-1), "T must be non-negative"),
        ("inputs", "non-finite", "NaN entries", lambda: spectrum(inputs=np.full((2, 1), np.nan)), "finite"),
        ("U", "mismatched", "(2, 1) for n = 3", lambda: spectrum(inputs=np.zeros((2, 1)), U=np.ones((2, 1))), "U"),
        ("b", "mismatched", "(2,) for n = 3", lambda: spectrum(T=2, b=np.ones(2)), "b"),
        ("h0", "mismatched", "(2,) for n = 3", lambda: spectrum(T=2, h0=np.ones(2)), "h0"),
        ("n_exponents", "out of range", "n + 1", lambda: spectrum(T=2, n_exponents=4), "n_exponents"),
        ("warmup", "too long", "warmup = T", lambda: spectrum(T=2, warmup=2), "warmup"),
    ]]
    cases += [Case("diagnose", argument, kind, bad, call, message) for argument, kind, bad, call, message in [
        ("model", "not a recurrent module", "torch.nn.Linear(2, 2)", lambda: theory.diagnose(torch.nn.Linear(2, 2)),
         "RNN, LSTM or GRU"),
        ("inputs", "wrong width", "(4, 5) for input_size 2", lambda: theory.diagnose(rnn(), np.zeros((4, 5))),
         "width 5"),
        ("steps", "bad lag", "0", lambda: theory.diagnose(rnn(), steps=0), "at least 1"),
        ("warmup", "negative", "−1", lambda: theory.diagnose(rnn(), np.zeros((4, 2)), warmup=-1),
         "warmup must be non-negative"),
        ("progress", "not callable", "3", lambda: theory.diagnose(rnn(), np.zeros((4, 2)), progress=3),
         "progress must be a callable"),
    ]]
    return cases


CASES = (_matrix_case_list() + _lag_case_list() + _activation_case_list() + _shape_case_list()
         + _scalar_case_list() + _overflow_case_list() + _sweep_case_list()
         + _prediction_scalar_case_list() + _prediction_unsupported_case_list() + _gated_case_list()
         + _bptt_shape_case_list() + _diagnose_case_list())


def _public_functions():
    return {name: getattr(theory, name) for name in theory.__all__
            if callable(getattr(theory, name)) and not isinstance(getattr(theory, name), type)}


def uncovered_public_functions():
    """Public functions (theory.__all__) that no case in CASES tries."""
    tried = {case.function for case in CASES}
    return sorted(set(_public_functions()) - tried)


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
        "Generated from the cases in `tests/bad_input_table.py` (`CASES`):",
        "",
        "```bash",
        "python -m tests.bad_input_table > docs/bad-inputs.md",
        "```",
        "",
        "`tests/test_bad_input.py` checks the shared validation helpers by Hypothesis",
        "properties and runs one bad and one accepted case per public argument;",
        "`test_committed_table_is_up_to_date` there fails when this file and the cases disagree. The",
        "*outcome* column is what the call really gives, message included. Inputs marked",
        "*accepted* are accepted on purpose (integer arrays, torch tensors of any real dtype, lag",
        "and T = 0, integral float lags, 0-d scalars, aliases); *result as expected* means the",
        "test also checked the value: for a converted input, exactly the plain float64 numpy",
        "input's result. An outcome other than a ValueError or a result (none at present)",
        "fails `test_committed_table_is_up_to_date`.",
        "",
        "Scope: every argument of every public function of the package's API, `theory.__all__`",
        "(a test fails when one has no case). The experiment and reporting modules",
        "(`theory.experiments.agreement`, `theory.report.answer`, `theory.report`) check their own",
        "inputs in their test modules (`tests/test_agreement.py`, `tests/test_answer.py`,",
        "`tests/test_report*.py`).",
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
        lines += ["", "## Not covered by this table", "",
                  "No case tries these public functions yet: "
                  + ", ".join(f"`{name}`" for name in uncovered) + "."]
    return "\n".join(lines) + "\n"


TABLE = Path(__file__).resolve().parent.parent / "docs" / "bad-inputs.md"


def main():
    """Print the table (float64 torch default, as in the test suite)."""
    torch.set_default_dtype(torch.float64)
    print(render_table(), end="")


if __name__ == "__main__":
    main()
