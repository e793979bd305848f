"""theory.testing, the toolkit for autograders, checked on its own: arguments refused when a
strategy is built (InvalidArgument) or a function called (ValueError); shapes and dtypes;
spectra on target to the stated tolerance; the autograd reference against central finite
differences and against the fused ``torch.nn.RNN``; the course layout's transposes; and
``assert_gradients_close`` silent on a correct hand-written backward pass and loud on a wrong one.
"""

import importlib
import inspect
import subprocess
import sys
import typing

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import theory
from theory import testing as tt
from theory.testing import RNNCase, matrices, reference_gradients, rnn_cases

U64 = float(np.finfo(np.float64).eps)

# ----------------------------------------------------------------------------- arguments


@pytest.mark.parametrize("build", [
    lambda: matrices(0),
    lambda: matrices(2.5),
    lambda: matrices(True),
    lambda: matrices(3, family="hermitian"),
    lambda: matrices(3, family=[]),
    lambda: matrices(3, spectral_norm=-1.0),
    lambda: matrices(3, spectral_radius=float("inf")),
    lambda: matrices(3, spectral_norm=1.0, spectral_radius=1.0),
    lambda: matrices(3, spectral_norm="1"),
    lambda: rnn_cases(lengths=(5, 1)),
    lambda: rnn_cases(lengths=0),
    lambda: rnn_cases(sizes=(0, 3)),
    lambda: rnn_cases(sizes=(1, 2, 3)),
    lambda: rnn_cases(sizes=(1.0, 3)),
    lambda: rnn_cases(input_width=(0, 2)),
    lambda: rnn_cases(activations=[]),
    lambda: rnn_cases(activations=["softplus"]),
    lambda: rnn_cases(families=("gaussian", "circulant")),
    lambda: rnn_cases(log_target=(1.0, -1.0)),
    lambda: rnn_cases(log_target=(0.0, float("nan"))),
    lambda: rnn_cases(target_kinds=["determinant"]),
    lambda: rnn_cases(inputs="yes"),
], ids=lambda build: "")
def test_strategies_refuse_bad_arguments_when_built(build):
    """Refused at once, before anything is drawn, as hypothesis.extra.numpy does."""
    with pytest.raises(InvalidArgument):
        build()


def test_a_strategy_target_that_draws_a_bad_value_is_refused_when_drawn():
    @settings(max_examples=1, database=None)
    @given(matrices(2, spectral_norm=st.just(-1.0)))
    def draw(W):
        pass

    with pytest.raises(InvalidArgument, match="spectral_norm"):
        draw()


CASE = {"W": [[0.5, 0.1], [0.0, 0.3]], "U": [[1.0], [2.0]], "b": [0.0, 0.1], "x": [[1.0], [0.5], [0.0]],
        "h0": [0.2, -0.1], "activation": "tanh"}
UPSTREAM = np.ones((3, 2))


@pytest.mark.parametrize("call, message", [
    (lambda: reference_gradients(CASE, np.ones((2, 2))), "upstream"),
    (lambda: reference_gradients(CASE, np.full((3, 2), np.nan)), "upstream"),
    (lambda: reference_gradients({**CASE, "U": [[1.0, 2.0]]}, UPSTREAM), "U has shape"),
    (lambda: reference_gradients({**CASE, "W": [[1.0, 2.0]]}, UPSTREAM), "W has shape"),
    (lambda: reference_gradients({k: v for k, v in CASE.items() if k != "h0"}, UPSTREAM), "mapping with W"),
    (lambda: reference_gradients({**CASE, "activation": "softplus"}, UPSTREAM), "softplus"),
    (lambda: reference_gradients({**CASE, "x": [[np.inf], [0.0], [0.0]]}, UPSTREAM), "finite"),
    (lambda: tt.to_course_layout(CASE, np.ones((2, 3))), "upstream"),
    (lambda: tt.from_course_layout([1, 2]), "mapping"),
    (lambda: tt.from_course_layout({"dW": 1}), "none of"),
    (lambda: tt.from_course_layout({"dx": np.zeros((1, 2, 3))}), "batch of one"),
    (lambda: tt.assert_gradients_close([1.0], reference_gradients(CASE, UPSTREAM), CASE), "mapping"),
    (lambda: tt.assert_gradients_close({"V": 1.0}, reference_gradients(CASE, UPSTREAM), CASE), "unknown"),
    (lambda: tt.assert_gradients_close({"W": 1.0}, {"W": 1.0}, CASE), "ReferenceGradients"),
    (lambda: tt.gradient_tolerances(reference_gradients(CASE, UPSTREAM), {**CASE, "x": [[1.0]]}), "T ="),
    (lambda: tt.rounding_tolerance(-1, 3), "lag"),
    (lambda: tt.derivative_rounding_tolerance("tanh", np.zeros((2, 2)), "mean"), "reduce"),
    (lambda: tt.derivative_rounding_tolerance("tanh", np.zeros(2), "max"), "preactivations"),
    (lambda: tt.lags_by_k(-1), "T must"),
    (lambda: tt.base_matrix("hermitian", 3, np.random.default_rng(0)), "unknown matrix family"),
    (lambda: tt.base_matrix("gaussian", 0, np.random.default_rng(0)), "n must"),
    (lambda: tt.scale_to_target(np.eye(2), "determinant", 1.0), "target_kind"),
    (lambda: tt.scale_to_target(np.eye(2), "norm", 0.0), "target_value"),
])
def test_functions_refuse_bad_arguments_with_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ----------------------------------------------------------------------------- cases


@given(case=rnn_cases(sizes=(1, 8), lengths=(1, 12)))
def test_cases_have_the_documented_shapes_and_dtypes(case):
    n, T, m = case.n, case.T, case.input_dim
    shapes = {"W": (n, n), "U": (n, m), "b": (n,), "x": (T, m), "h0": (n,)}
    for name, shape in shapes.items():
        array = getattr(case, name)
        assert array.shape == shape and array.dtype == np.float64, (name, array.shape, array.dtype, case)
        assert np.isfinite(array).all(), (name, case)
    assert isinstance(case.activation, str) and case.activation in tt.ACTIVATIONS, case
    params = {k: v for k, v in case.params().items() if k not in ("spectral_norm", "spectral_radius")}
    assert RNNCase(**params) == case, "params() must rebuild the case"
    assert "RNNCase(n=" in repr(case), repr(case)


@given(case=rnn_cases(activations=["tanh"], sizes=3, lengths=(2, 4), input_width=2))
def test_restrictions_hold(case):
    assert (case.activation, case.n, case.input_dim) == ("tanh", 3, 2) and 2 <= case.T <= 4, case


def test_drawing_never_measures(monkeypatch):
    """rnn_cases draws without torch; an unbounded run that would overflow is not drawn."""
    import theory.measurement

    def refuse(*args, **kwargs):
        raise AssertionError("drawing a case ran the torch measurement")

    monkeypatch.setattr(theory.measurement, "lag_profile", refuse)

    @settings(max_examples=30, database=None)
    @given(case=rnn_cases(activations=["relu", "identity"], log_target=(1.5, 2.0), lengths=(250, 300)))
    def draw(case):
        assert np.abs(case.forward_states()).max() <= 1e300, case

    draw()


def test_a_case_beyond_float64_raises_value_error_when_measured():
    """An identity run with ‖W‖ = e² over 400 steps grows like 7.39⁴⁰⁰ ≈ 1e347."""
    case = RNNCase(n=1, T=400, family="diagonal", activation="identity", target_kind="norm",
                   log_target_over_threshold=2.0, h0_scale=1.0, seed=0)
    assert not np.isfinite(case.forward_states()).all()
    with pytest.raises(ValueError, match="overflowed"):
        case.profile


# ----------------------------------------------------------------------------- spectra


@given(n=st.integers(1, 64), family=st.sampled_from(tt.FAMILIES), kind=st.sampled_from(["norm", "radius"]),
       target=st.floats(0.05, 20.0), data=st.data())
def test_matrices_hit_the_target_norm_or_radius(n, family, kind, target, data):
    """Stated tolerance: relative 4·n·u on ‖W‖₂, 10⁻⁹ on ρ(W) (measured: 0.7·n·u and 1.2e-14
    at worst over 300 matrices of each family and kind)."""
    W = data.draw(matrices(n, family=family, **{f"spectral_{kind}": target}), label="W")
    assert W.shape == (n, n) and W.dtype == np.float64
    if kind == "norm":
        error, tolerance = abs(theory.spectral_norm(W) - target) / target, 4 * n * U64
    else:
        error, tolerance = abs(theory.spectral_radius(W) - target) / target, 1e-9
    assert error <= tolerance, f"{family} {kind}: relative error {error:.3g} > {tolerance:.3g} at n = {n}"


@given(W=matrices(5, family="orthogonal"))
def test_without_a_target_the_family_keeps_its_scale(W):
    assert np.allclose(W @ W.T, np.eye(5), atol=1e-13)


# ----------------------------------------------------------------------------- the reference


def loss_by_numpy(case, upstream, **replaced):
    a = {"W": case.W, "U": case.U, "b": case.b, "x": case.x, "h0": case.h0, **replaced}
    phi = theory.activation(case.activation)
    h, loss = a["h0"], 0.0
    for t in range(case.T):
        h = phi.phi(a["W"] @ h + a["U"] @ a["x"][t] + a["b"])
        loss += float(upstream[t] @ h)
    return loss


def finite_difference_gradient(case, upstream, name, step=1e-6):
    """Central differences of the numpy loss, entry by entry (float64)."""
    base = {"W": case.W, "U": case.U, "b": case.b, "x": case.x, "h0": case.h0}[name]
    grad = np.empty_like(base)
    for index in np.ndindex(base.shape):
        up, down = base.copy(), base.copy()
        up[index] += step
        down[index] -= step
        grad[index] = (loss_by_numpy(case, upstream, **{name: up})
                       - loss_by_numpy(case, upstream, **{name: down})) / (2 * step)
    return grad


SMOOTH = rnn_cases(sizes=(1, 3), lengths=(1, 4), input_width=(1, 2), log_target=(-1.0, 1.0),
                   activations=["tanh", "sigmoid", "identity"])


@given(case=SMOOTH, seed=st.integers(0, 2**32 - 1))
@example(case=RNNCase(n=3, T=4, family="jordan", activation="sigmoid", target_kind="norm",
                      log_target_over_threshold=1.0, input_dim=2, input_scale=1.0, bias_scale=1.0,
                      h0_scale=1.0, seed=3), seed=0)
def test_reference_matches_central_finite_differences(case, seed):
    """Tolerance 1e-6·(1 + ‖g‖): central differences with step 1e-6 err by ~step²·|L'''| from
    truncation and ~u·|L|/step ≈ 1e-10·|L| from rounding; smooth activations only (relu's kink
    breaks the difference quotient; it is checked against torch.nn.RNN below)."""
    upstream = np.random.default_rng(seed).standard_normal((case.T, case.n))
    want = reference_gradients(case, upstream)
    assert want.loss == pytest.approx(loss_by_numpy(case, upstream), rel=1e-12, abs=1e-12)
    for name in tt.GRADIENT_NAMES:
        numeric = finite_difference_gradient(case, upstream, name)
        error = float(np.linalg.norm(want[name] - numeric))
        assert error <= 1e-6 * (1 + np.linalg.norm(numeric)), (name, error, want[name], numeric, case)
        assert want[name] is getattr(want, name)


@given(case=rnn_cases(sizes=(1, 6), lengths=(1, 20), activations=["tanh", "relu"], log_target=(-1.0, 0.5)),
       seed=st.integers(0, 2**32 - 1))
def test_reference_matches_the_fused_torch_rnn(case, seed):
    """The step-by-step torch.nn.RNNCell reference against one fused torch.nn.RNN call: two
    torch paths, rounding differently; the toolkit's own rule must accept the fused result."""
    upstream = np.random.default_rng(seed).standard_normal((case.T, case.n))
    want = reference_gradients(case, upstream)
    rnn = torch.nn.RNN(case.input_dim, case.n, nonlinearity=case.activation, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(torch.as_tensor(case.W))
        rnn.weight_ih_l0.copy_(torch.as_tensor(case.U))
        rnn.bias_ih_l0.copy_(torch.as_tensor(case.b))
        rnn.bias_hh_l0.zero_()
    x = torch.tensor(case.x, requires_grad=True)
    h0 = torch.tensor(case.h0[None, :], requires_grad=True)
    out, _ = rnn(x, h0)
    (torch.as_tensor(upstream) * out).sum().backward()
    fused = {"W": rnn.weight_hh_l0.grad, "U": rnn.weight_ih_l0.grad, "b": rnn.bias_ih_l0.grad,
             "h0": h0.grad[0], "x": x.grad}
    fused["states"] = torch.cat([h0, out]).detach()
    tt.assert_gradients_close({k: v.numpy() for k, v in fused.items()}, want, case)


# ----------------------------------------------------------------------------- the course layout


@given(case=rnn_cases(sizes=(1, 5), lengths=(1, 6)), seed=st.integers(0, 2**32 - 1))
def test_course_layout_transposes(case, seed):
    upstream = np.random.default_rng(seed).standard_normal((case.T, case.n))
    course = tt.to_course_layout(case, upstream)
    n, m, T = case.n, case.input_dim, case.T
    assert course["x"].shape == (m, 1, T) and course["a0"].shape == (n, 1) and course["da"].shape == (n, 1, T)
    p = course["parameters"]
    assert (p["Waa"].shape, p["Wax"].shape, p["ba"].shape) == ((n, n), (n, m), (n, 1))
    for t in range(T):  # x⟨t⟩ = x_t and da[:, :, t − 1] = upstream[t − 1], column-wise
        assert np.array_equal(course["x"][:, 0, t], case.x[t]) and np.array_equal(course["da"][:, 0, t], upstream[t])
    want = reference_gradients(case, upstream)
    grads = want.to_course_layout()
    assert grads["dx"].shape == (m, 1, T) and grads["da0"].shape == (n, 1) and grads["dba"].shape == (n, 1)
    back = tt.from_course_layout(grads)
    assert set(back) == set(tt.GRADIENT_NAMES)
    for name in tt.GRADIENT_NAMES:
        assert np.array_equal(back[name], want[name]), name


# ----------------------------------------------------------------------------- assert_gradients_close


def backward_by_numpy(case, upstream, transpose=True):
    """A hand-written backward pass in this package's layout (the autograder's subject)."""
    phi = theory.activation(case.activation)
    states = case.forward_states()
    pre = states[:-1] @ case.W.T + case.x @ case.U.T + case.b
    grads = {"W": np.zeros_like(case.W), "U": np.zeros_like(case.U), "b": np.zeros(case.n),
             "x": np.zeros_like(case.x)}
    carried = np.zeros(case.n)
    recurrent = case.W.T if transpose else case.W
    for t in range(case.T - 1, -1, -1):
        delta = phi.derivative(pre[t]) * (upstream[t] + carried)
        grads["W"] += np.outer(delta, states[t])
        grads["U"] += np.outer(delta, case.x[t])
        grads["b"] += delta
        grads["x"][t] = case.U.T @ delta
        carried = recurrent @ delta
    grads["h0"] = carried
    return grads, states


@given(case=rnn_cases(), seed=st.integers(0, 2**32 - 1))
def test_a_correct_hand_written_backward_pass_is_accepted(case, seed):
    """No false alarm on the suite's full domain (n ≤ 64, T ≤ 300, every activation and family):
    numpy and torch round differently, and the stated rule covers it."""
    upstream = np.random.default_rng(seed).standard_normal((case.T, case.n))
    try:
        want = reference_gradients(case, upstream)
    except ValueError as error:  # gradients beyond float64: nothing to compare
        assert "overflow" in str(error)
        return
    got, states = backward_by_numpy(case, upstream)
    tt.assert_gradients_close({**got, "states": states}, want, case)


@given(case=rnn_cases(sizes=(1, 5), lengths=(1, 6), input_width=(1, 3), activations=["tanh"],
                     log_target=(-1.5, 1.0), target_kinds=["norm"]),
       seed=st.integers(0, 2**32 - 1))
def test_the_tolerance_is_small_on_course_sized_cases(case, seed):
    """Power: on the autograder's cases every tolerance is below 10⁻⁶·‖want‖ + 10⁻¹⁴·S, with
    S = Σ‖upstream_t‖·(1 + Σ‖x_t‖ + Σ‖h_t‖) the gradient's scale were no unit saturated: a
    relative error of 10⁻⁶ is caught, except where saturated units (tanh' ≈ 0, computed with an
    absolute error ~4u) leave a gradient far below its scale. Measured over 1000 random
    cases: tolerance/‖want‖ median 1e-13, worst 1.5e-9 where no unit saturates."""
    upstream = np.random.default_rng(seed).standard_normal((case.T, case.n))
    want = reference_gradients(case, upstream)
    S = float(np.abs(upstream).sum() * (1 + np.abs(case.x).sum() + np.abs(want.states).sum()))
    for name, tolerance in tt.gradient_tolerances(want, case).items():
        scale = float(np.abs(want[name]).max(initial=0.0))  # a norm that does not underflow
        norm = scale * float(np.linalg.norm(want[name] / scale)) if scale > 0 else 0.0
        assert tolerance <= 1e-6 * norm + 1e-14 * S + 1e-300, (
            f"{name}: tolerance {tolerance:.3g} vs ‖want‖ {norm:.3g}, S {S:.3g}; {case}")


@pytest.mark.meta
def test_a_transposed_recurrent_matrix_is_caught():
    case = RNNCase(n=3, T=4, family="gaussian", activation="tanh", target_kind="norm",
                   log_target_over_threshold=0.0, input_dim=2, input_scale=1.0, seed=5)
    upstream = np.random.default_rng(0).standard_normal((case.T, case.n))
    got, _ = backward_by_numpy(case, upstream, transpose=False)
    with pytest.raises(AssertionError, match=r"differs from the autograd reference.*case: n=3"):
        tt.assert_gradients_close(got, reference_gradients(case, upstream), case)


def test_a_wrong_shape_is_a_failed_check():
    want = reference_gradients(CASE, UPSTREAM)
    with pytest.raises(AssertionError, match=r"W has shape \(2,\), expected \(2, 2\)"):
        tt.assert_gradients_close({"W": np.zeros(2)}, want, CASE)
    with pytest.raises(AssertionError, match="non-finite"):
        tt.assert_gradients_close({"b": [np.nan, 0.0]}, want, CASE)


# ----------------------------------------------------------------------------- packaging


def test_import_theory_does_not_import_the_toolkit_or_hypothesis():
    code = "import sys, theory; print('theory.testing' in sys.modules, 'hypothesis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"], out


def test_without_hypothesis_the_import_error_says_what_to_install(monkeypatch):
    for name in [m for m in sys.modules if m == "theory.testing" or m.startswith("theory.testing.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    with pytest.raises(ImportError, match=r'pip install "rnn-gradient-theory\[test\]"'):
        importlib.import_module("theory.testing")


def test_everything_public_is_exported_typed_and_documented():
    for name in tt.__all__:
        obj = getattr(tt, name)
        if callable(obj) and not isinstance(obj, type):
            doc = obj.__doc__ or ""
            assert "Examples" in doc or name in ("finite_target",), f"theory.testing.{name} lacks Examples"
            hints = typing.get_type_hints(obj)
            missing = [p for p in [*inspect.signature(obj).parameters, "return"] if p not in hints]
            assert not missing, f"theory.testing.{name} has no type for {missing}"
