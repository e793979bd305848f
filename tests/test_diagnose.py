"""theory.diagnose on real torch.nn.RNN / LSTM / GRU models: its measurements against
independent autograd through the fused module, and against the theory's bounds.

Hypothesis draws the cell type, number of layers, direction, sizes, sequence length and a
weight scale (PyTorch's initialisation times a factor from 0.3 to 3)."""

import math
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np
import pytest
import torch
from hypothesis import example, given, target
from hypothesis import strategies as st

import theory
from theory.measurement.diagnose import _json_ready, _long_lag_slope, model_from_state_dict
from theory.report.evidence import observe

from theory.testing import EPS, describe, rounding_tolerance

MODULES = {"RNN_TANH": (torch.nn.RNN, dict(nonlinearity="tanh")),
           "RNN_RELU": (torch.nn.RNN, dict(nonlinearity="relu")),
           "LSTM": (torch.nn.LSTM, {}), "GRU": (torch.nn.GRU, {})}


@dataclass(frozen=True)
class ModelCase:
    cell: str
    num_layers: int
    bidirectional: bool
    batch_first: bool
    hidden_size: int
    input_size: int
    T: int
    weight_scale: float
    seed: int

    def params(self):
        """The drawn parameters (not the cached model, inputs and diagnosis)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @cached_property
    def model(self):
        kind, options = MODULES[self.cell]
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            model = kind(self.input_size, self.hidden_size, num_layers=self.num_layers,
                         bidirectional=self.bidirectional, batch_first=self.batch_first,
                         dtype=torch.float64, **options)
        with torch.no_grad():
            for name, p in model.named_parameters():
                if name.startswith("weight"):
                    p.mul_(self.weight_scale)
        return model

    @cached_property
    def inputs(self):
        return np.random.default_rng(self.seed).standard_normal((self.T, self.input_size))

    @cached_property
    def diagnosis(self):
        return theory.diagnose(self.model, self.inputs)


@st.composite
def model_cases(draw, cells=tuple(MODULES), max_layers=2, max_T=25, bidirectional=True):
    return ModelCase(
        cell=draw(st.sampled_from(cells), label="cell"),
        num_layers=draw(st.integers(1, max_layers), label="num_layers"),
        bidirectional=draw(st.booleans(), label="bidirectional") if bidirectional else False,
        batch_first=draw(st.booleans(), label="batch_first"),
        hidden_size=draw(st.integers(1, 6), label="hidden_size"),
        input_size=draw(st.integers(1, 4), label="input_size"),
        T=draw(st.integers(1, max_T), label="T"),
        weight_scale=math.exp(draw(st.floats(math.log(0.3), math.log(3.0)), label="log weight scale")),
        seed=draw(st.integers(0, 2**31 - 1), label="seed"),
    )


# --- D1: the lag profile at lag T against the fused module -------------------------------

def fused_log_norm_to_initial_state(case, layer, direction, steps):
    """log‖∂s_T/∂s_0‖₂ of one layer and direction through the whole fused module: the
    module's initial state of that layer (h₀, and c₀ for the LSTM) requires grad, and the
    final state of the same layer is differentiated (lower layers do not depend on it)."""
    model = case.model
    d = 2 if case.bidirectional else 1
    slot = layer * d + (1 if direction == "reverse" else 0)
    n, B = case.hidden_size, case.hidden_size * (2 if case.cell == "LSTM" else 1)
    x = torch.as_tensor(case.inputs[:steps]).expand(B, steps, case.input_size)
    x = x if case.batch_first else x.transpose(0, 1)
    h0 = torch.zeros(case.num_layers * d, B, n, dtype=torch.float64, requires_grad=True)
    if case.cell == "LSTM":
        c0 = torch.zeros_like(h0, requires_grad=True)
        _, (h, c) = model(x, (h0, c0))
        final, start = torch.cat([h[slot], c[slot]], dim=1), (h0, c0)
    else:
        _, h = model(x, h0)
        final, start = h[slot], (h0,)
    grads = torch.autograd.grad(final, start, grad_outputs=torch.eye(B, dtype=torch.float64))
    jac = torch.cat([g[slot] for g in grads], dim=1)  # row i: e_iᵀ ∂s_T/∂s_0
    norm = torch.linalg.matrix_norm(jac, ord=2).item()
    return math.log(norm) if norm > 0 else -math.inf  # a saturated run's Jacobian can be exactly 0


def check_profile_against_fused_module(case, offset=0, record=True):
    """D1: every layer's measured log‖∂s_T/∂s_0‖₂ (the profile at lag T, from the real cells
    step by step) equals the fused module's, differentiated with respect to its initial state.

    Tolerance: both are float64 autograd over T steps, but the fused kernels round the
    forward pass differently. A per-step state error of ~d·u is amplified by at most
    A = Σ_ℓ ‖∂s_T/∂s_{T−ℓ}‖₂ (the measured profile itself), and turns into a relative error
    of each step's derivative of at most 8 per unit of state error (|φ''/φ'| ≤ 2 for tanh,
    ≤ 1 for σ, products of up to four such factors in a gated step); the backward product adds
    rounding_tolerance(T, d). So tolerance = rounding_tolerance(T, d)·(1 + 8T·A).
    ``offset`` shortens the fused run (the meta-test's off-by-one lag). Records for D1
    (``record``) log(|difference| / tolerance) of the layer where that is largest.
    """
    compared = []  # (name, measured, fused, tolerance) of every layer and direction
    for entry in case.diagnosis.layers:
        if entry.lag_profile is None:
            continue
        measured = float(entry.lag_profile[-1])
        fused = fused_log_norm_to_initial_state(case, entry.layer, entry.direction, case.T - offset)
        d = len(entry.lyapunov_exponents)
        with np.errstate(over="ignore"):
            amplification = float(np.sum(np.exp(entry.lag_profile)))
        tolerance = rounding_tolerance(case.T, d) * (1.0 + 8.0 * case.T * amplification)
        if not (math.isinf(measured) and measured == fused):
            compared.append((entry.name, measured, fused, tolerance))
    errors = [abs(measured - fused) for _, measured, fused, _ in compared]
    if record:
        ratios = [math.log(e / c[3]) if e > 0 else -math.inf for e, c in zip(errors, compared)]
        worst = int(np.argmax(ratios)) if ratios else None
        observe("D1", -math.inf if worst is None else ratios[worst],
                {**case.params(), "layer": None if worst is None else compared[worst][0]},
                violated=any(e > c[3] for e, c in zip(errors, compared)))
    for error, (name, measured, fused, tolerance) in zip(errors, compared):
        assert error <= tolerance, (
            f"D1: {name}: log‖∂s_T/∂s_0‖₂ measured {measured!r}, fused module {fused!r} "
            f"(|diff| {error:.3g} > {tolerance:.3g}); case: {describe(case)}")


# Every feature at once: two bidirectional LSTM layers, sequence-first input, large weights.
@pytest.mark.claim("D1")
@example(case=ModelCase(cell="LSTM", num_layers=2, bidirectional=True, batch_first=False,
                        hidden_size=5, input_size=3, T=20, weight_scale=3.0, seed=11))
@given(case=model_cases())
def test_profile_matches_fused_module(case):
    """D1: the per-layer profile at lag T equals ∂s_T/∂s_0 of the fused torch module."""
    check_profile_against_fused_module(case)


# --- D2: the theory's trajectory bound holds along the trained model -----------------------

def derivative_rounding(entry):
    """By lag: Σ over the steps of 8u·(1 + G)/‖J_t‖₂, G = Σ of the gate blocks' ‖·‖₂.

    Why: autograd forms each derivative (1 − tanh², σ(1 − σ), ...) with an absolute error of
    a few u, so each J_t carries an absolute error ≲ 8u·(1 + G), a relative error of that over
    ‖J_t‖₂ (large where units saturate and J_t is small). ‖J_t‖₂ ≥ the ratio of consecutive
    profile values, ‖∂s_T/∂s_{t−1}‖/‖∂s_T/∂s_t‖, which is what is used here.
    """
    G = sum(block["spectral_norm"] for block in entry.blocks.values())
    with np.errstate(over="ignore", invalid="ignore"):
        per_step = 8 * EPS * (1 + G) * np.exp(entry.lag_profile[:-1] - entry.lag_profile[1:])
    out = np.zeros(len(entry.lag_profile))
    out[1:] = np.cumsum(np.where(np.isnan(per_step), np.inf, per_step))
    return out


def excess_over_bound(measured, bound, tolerance):
    """measured − bound − tolerance, elementwise, never NaN: ≤ 0 where the bound holds.

    An infinite bound decides by itself: +∞ holds trivially (−∞ returned); −∞ says the
    product is exactly 0, so it holds only where measured is −∞ too (−∞, else +∞). An
    infinite tolerance (the rounding analysis bounds nothing there) holds trivially.
    """
    measured, bound = np.asarray(measured, float), np.asarray(bound, float)
    tolerance = np.broadcast_to(np.asarray(tolerance, float), bound.shape)
    finite = np.isfinite(bound) & np.isfinite(tolerance)
    zero_bound = bound == -np.inf
    out = np.where(zero_bound & (measured > -np.inf), np.inf, -np.inf)
    with np.errstate(invalid="ignore"):
        out = np.where(finite, measured - np.where(finite, bound + tolerance, 0.0), out)
    return np.where(np.isposinf(tolerance) & ~zero_bound, -np.inf, out)


def check_profile_below_bound(case, bound_of=None, record=True):
    """D2: at every lag, measured log‖∂s_T/∂s_{T−ℓ}‖₂ ≤ the layer's trajectory bound
    (vanilla: log_trajectory_upper_bound; LSTM: lstm_log_jacobian_bound; GRU: ℓ·log(1 + δ)),
    and the top Lyapunov exponent ≤ the bound's mean rate over the averaged steps (those
    after the warm-up of T // 10 steps), since each R_ii(t) ≤ ‖J_t‖₂ ≤ the per-step bound.

    Tolerance: rounding_tolerance(ℓ, d) for the measured product, autograd's derivative
    rounding (:func:`derivative_rounding`), and 4u·|bound| for the bound's sum of logs.
    ``bound_of`` replaces the bound (meta-tests). Records for D2 (``record``) the largest
    log(measured / bound) over the layers and lags ≥ 1 where both are finite (lag 0 is
    ‖I‖ = 1 against the bound 1).
    """
    checked = []  # (name, excess by lag, top exponent, its excess over the bound's rate)
    tightness = -math.inf
    for entry in case.diagnosis.layers:
        if entry.lag_profile is None:
            continue
        bound = entry.lag_profile_bound if bound_of is None else bound_of(case, entry)
        d = len(entry.lyapunov_exponents)
        lags = np.arange(case.T + 1)
        tolerance = (rounding_tolerance(lags, d) + derivative_rounding(entry)
                     + 4 * EPS * np.abs(np.where(np.isfinite(bound), bound, 0)))
        excess = excess_over_bound(entry.lag_profile, bound, tolerance)
        with np.errstate(invalid="ignore"):
            log_ratio = (entry.lag_profile - bound)[1:]
        tightness = max([tightness, *log_ratio[np.isfinite(log_ratio)].tolist()])
        # T·λ_top over the averaged steps is at most the bound at that lag (T·rate), with
        # the same tolerance; the comparison is made on the sum, where ±∞ decide as above.
        top, averaged = float(entry.lyapunov_exponents[0]), case.T - case.T // 10
        top_excess = float(excess_over_bound(top * averaged, bound[averaged], tolerance[averaged]))
        checked.append((entry.name, excess, top, top_excess, bound[averaged] / averaged))
    worst = max([-math.inf, *(float(np.max(c[1][np.isfinite(c[1])], initial=-np.inf)) for c in checked)])
    if math.isfinite(worst):
        target(worst, label="D2: measured minus bound, worst lag of any layer")
    if record:
        observe("D2", tightness, case.params(),
                violated=any(np.any(c[1] > 0) or c[3] > 0 for c in checked))
    for name, excess, top, top_excess, rate in checked:
        assert not np.any(excess > 0), (
            f"D2: {name}: measured log-norm exceeds the bound at lag {int(np.argmax(excess))} "
            f"by {float(np.max(excess)):.3g}; case: {describe(case)}")
        assert not top_excess > 0, (
            f"D2: {name}: top exponent {top:.6g} > bound rate {rate:.6g}; case: {describe(case)}")


@pytest.mark.claim("D2")
@given(case=model_cases())
def test_profile_and_exponents_below_trajectory_bound(case):
    """D2: the measured gradient of every layer stays below the theory's trajectory bound."""
    check_profile_below_bound(case)


# --- D3: end-to-end sensitivity of a one-layer vanilla RNN --------------------------------

def _vanilla_run(case):
    """W, U and the pre-activations of a one-layer RNN case, re-run in numpy."""
    p = dict(case.model.named_parameters())
    W, U = p["weight_hh_l0"].detach().numpy(), p["weight_ih_l0"].detach().numpy()
    b = (p["bias_ih_l0"] + p["bias_hh_l0"]).detach().numpy()
    phi = theory.activation("tanh" if case.cell == "RNN_TANH" else "relu")
    states = np.zeros((case.T + 1, case.hidden_size))
    for t in range(case.T):
        states[t + 1] = phi.phi(W @ states[t] + U @ case.inputs[t] + b)
    return W, U, phi, states[:-1] @ W.T + case.inputs @ U.T + b


def one_layer_vanilla_bound(case):
    """log_input_sensitivity_trajectory_bound with ‖g_T‖ = 1: bounds ‖∂h_T/∂x_k‖₂, by lag."""
    W, U, phi, pre = _vanilla_run(case)
    return theory.log_input_sensitivity_trajectory_bound(W, U, phi.name, pre, grad_norm=1.0)[::-1]


def check_input_sensitivity(case, bound=one_layer_vanilla_bound, record=True):
    """D3: log‖∂y_T/∂x_{T−ℓ}‖₂ (measured through the fused torch.nn.RNN) ≤ the theory's input
    sensitivity bound, at every lag. Tolerance: rounding_tolerance(ℓ, n), 4u·|bound|, and
    autograd's derivative: 1 − tanh² carries an absolute error of a few u, a relative error
    4u/max_i|φ'(a_t,i)| for each step t = k..T that the path crosses (relu' is exact).
    Records for D3 (``record``) the largest log(measured / bound) over the positions."""
    measured = case.diagnosis.input_sensitivity
    limit = bound(case)
    _, _, phi, pre = _vanilla_run(case)
    with np.errstate(over="ignore"):
        per_step = 4 * EPS * np.exp(-phi.log_derivative(pre).max(axis=1)) if phi.name == "tanh" \
            else np.zeros(case.T)
    derivative = np.cumsum(per_step[::-1])  # by lag ℓ: steps T−ℓ..T
    lags = np.arange(case.T)
    tolerance = rounding_tolerance(lags, case.hidden_size) + derivative + 4 * EPS * np.abs(
        np.where(np.isfinite(limit), limit, 0))
    excess = excess_over_bound(measured, limit, tolerance)
    if record:
        with np.errstate(invalid="ignore"):
            log_ratio = measured - limit
        finite = log_ratio[np.isfinite(log_ratio)]
        observe("D3", float(finite.max()) if finite.size else -math.inf, case.params(),
                violated=bool(np.any(excess > 0)))
    assert not np.any(excess > 0), (
        f"D3: ‖∂y_T/∂x_k‖ exceeds the bound at lag {int(np.argmax(excess))} by "
        f"{float(np.max(excess)):.3g}; case: {describe(case)}")


vanilla_cases = model_cases(cells=("RNN_TANH", "RNN_RELU"), max_layers=1, bidirectional=False)


@pytest.mark.claim("D3")
@given(case=vanilla_cases)
def test_input_sensitivity_below_bound(case):
    """D3: the end-to-end sensitivity of a one-layer RNN stays below the theory's bound."""
    check_input_sensitivity(case)


# --- what the weights say ------------------------------------------------------------------

def weights_only_mismatches(case):
    """Every (layer, quantity, reported, theory's) where diagnose without inputs differs from
    theory.spectral_norm, theory.spectral_radius or theory.regime, compared with ==."""
    diagnosis = theory.diagnose(case.model)
    params = dict(case.model.named_parameters())
    assert diagnosis.steps is None and diagnosis.input_sensitivity is None
    assert len(diagnosis.layers) == case.num_layers * (2 if case.bidirectional else 1)
    n, mismatches = case.hidden_size, []
    for entry in diagnosis.layers:
        assert entry.lag_profile is None and entry.failure is None, (entry.name, describe(case))
        suffix = f"_l{entry.layer}" + ("_reverse" if entry.direction == "reverse" else "")
        W = params["weight_hh" + suffix].detach().numpy()
        pairs = []
        for k, (name, block) in enumerate(entry.blocks.items()):
            part = W[k * n : (k + 1) * n]
            pairs += [(f"{name} spectral_norm", block["spectral_norm"], theory.spectral_norm(part)),
                      (f"{name} spectral_radius", block["spectral_radius"], theory.spectral_radius(part))]
        if case.cell.startswith("RNN"):
            act = "tanh" if case.cell == "RNN_TANH" else "relu"
            pairs += [("regime", entry.prediction["regime"], theory.regime(W, act).name),
                      ("spectral_norm", entry.spectral_norm, theory.spectral_norm(W))]
        mismatches += [(entry.name, *p) for p in pairs if p[1] != p[2]]
    return mismatches


@pytest.mark.claim("D4")
@given(case=model_cases(max_T=3))
def test_weights_only_report_uses_the_theory(case):
    """D4: spectra per gate block and the regime are the theory's, for every layer."""
    mismatches = weights_only_mismatches(case)
    observe("D4", float(len(mismatches)), case.params(), violated=bool(mismatches))
    assert not mismatches, f"D4: reported ≠ theory's: {mismatches}; case: {describe(case)}"


# --- mechanics, output and bad input --------------------------------------------------------

def test_batch_of_sequences_is_the_mean_over_sequences():
    torch.manual_seed(1)
    gru = torch.nn.GRU(2, 3, batch_first=True, dtype=torch.float64)
    x = np.random.default_rng(0).standard_normal((2, 7, 2))
    both = theory.diagnose(gru, x)
    one, two = theory.diagnose(gru, x[0]), theory.diagnose(gru, x[1])
    assert both.sequences == 2 and both.steps == 7
    expected = (one.layers[0].lag_profile + two.layers[0].lag_profile) / 2
    assert np.allclose(both.layers[0].lag_profile, expected, rtol=0, atol=1e-13)
    sequence_first = theory.diagnose(torch.nn.GRU(2, 3), np.swapaxes(x, 0, 1))
    assert sequence_first.sequences == 2


def test_steps_truncates_or_runs_zero_input():
    rnn = torch.nn.RNN(2, 3)
    x = np.ones((9, 2))
    assert theory.diagnose(rnn, x, steps=4).steps == 4
    assert theory.diagnose(rnn, steps=5).input_sensitivity.shape == (5,)


def test_wrapper_module_with_one_recurrent_child():
    from theory.experiments.agreement import AgreementConfig, build_model

    model = build_model("lstm", AgreementConfig(hidden_size=4), seed=0)
    diagnosis = theory.diagnose(model, np.eye(11)[[0, 3, 4, 10]])
    assert diagnosis.cell == "LSTM" and diagnosis.layers[0].hidden_size == 4


def test_non_finite_states_are_reported_with_step_and_layer():
    rnn = torch.nn.RNN(1, 2, nonlinearity="relu", num_layers=2, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(torch.eye(2) * 1e200)
        rnn.weight_ih_l0.fill_(1.0)
    diagnosis = theory.diagnose(rnn, np.ones((5, 1)))
    first, second = diagnosis.layers
    assert "layer 0 (forward)" in first.failure and "step t =" in first.failure, first.failure
    assert first.lyapunov_exponents is None and second.lyapunov_exponents is None
    assert diagnosis.input_sensitivity is None and "step t =" in str(diagnosis)


def test_table_json_and_figure(tmp_path):
    import json

    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    diagnosis = theory.diagnose(lstm, np.random.default_rng(0).standard_normal((12, 3)))
    text = str(diagnosis)
    assert "layer 1 (reverse)" in text and "forget gates" in text and "end-to-end" in text
    block = diagnosis.layers[0].blocks["f"]
    assert f"{block['spectral_norm']:.4g}" in text  # spectral quantities to ≥ 3 digits
    data = json.loads(json.dumps(diagnosis.to_dict()))
    assert data["model"]["cell"] == "LSTM" and len(data["layers"]) == 4
    assert len(data["layers"][0]["lag_profile"]) == 13
    fig = diagnosis.figure(tmp_path / "d")
    assert (tmp_path / "d.png").stat().st_size > 0 and (tmp_path / "d.svg").stat().st_size > 0
    sizes = [t.get_fontsize() for ax in fig.axes for t in ax.texts + [ax.title, ax.xaxis.label]]
    assert min(sizes) >= 10, sizes


def test_model_from_state_dict_round_trip():
    torch.manual_seed(0)
    for module in (torch.nn.RNN(3, 4, nonlinearity="relu", num_layers=2, bidirectional=True),
                   torch.nn.GRU(2, 5, bias=False), torch.nn.LSTM(1, 2, num_layers=3), torch.nn.RNN(1, 1)):
        nonlinearity = getattr(module, "nonlinearity", None)
        rebuilt = model_from_state_dict(module.state_dict(), nonlinearity=nonlinearity or "tanh")
        assert type(rebuilt) is type(module) and rebuilt.mode == module.mode
        for key, value in module.state_dict().items():
            assert torch.equal(rebuilt.state_dict()[key], value.double()), key
    prefixed = {f"rnn.{k}": v for k, v in torch.nn.GRU(2, 3).state_dict().items()}
    assert model_from_state_dict(prefixed).hidden_size == 3
    # the layout in which diagnose reads a batch of inputs: (B, T, m) by default, (T, B, m) if asked
    for batch_first in (True, False):
        assert model_from_state_dict(prefixed, batch_first=batch_first).batch_first is batch_first
    assert model_from_state_dict(prefixed).batch_first is True


@pytest.mark.parametrize("model, inputs, message", [
    (torch.nn.Linear(2, 2), None, "must be a torch.nn.RNN, LSTM or GRU"),
    ("rnn", None, "must be a torch.nn.RNN"),
    (torch.nn.Sequential(torch.nn.RNN(2, 2), torch.nn.GRU(2, 2)), None, "holds 2 recurrent"),
    (torch.nn.LSTM(2, 4, proj_size=2), None, "proj_size"),
    (torch.nn.RNN(2, 3), np.zeros((4, 5)), "width 5"),
    (torch.nn.RNN(2, 3), np.zeros(4), "must be"),
    (torch.nn.RNN(2, 3), np.zeros((0, 2)), "at least one step"),
    (torch.nn.RNN(2, 3), np.full((4, 2), np.nan), "finite"),
])
def test_bad_input(model, inputs, message):
    with pytest.raises(ValueError, match=message):
        theory.diagnose(model, inputs)


def test_bad_weights_and_options():
    rnn = torch.nn.RNN(2, 3)
    with torch.no_grad():
        rnn.weight_hh_l0[0, 0] = float("inf")
    with pytest.raises(ValueError, match="weight_hh_l0 has 1 non-finite"):
        theory.diagnose(rnn)
    with pytest.raises(ValueError, match="steps must be at least 1"):
        theory.diagnose(torch.nn.RNN(2, 3), steps=0)
    with pytest.raises(ValueError, match="progress must be a callable"):
        theory.diagnose(torch.nn.RNN(2, 3), progress="verbose")
    with pytest.raises(ValueError, match="warmup"):
        theory.diagnose(torch.nn.RNN(2, 3), np.zeros((3, 2)), warmup=3)
    with pytest.raises(ValueError, match="several|2 recurrent"):
        model_from_state_dict({**{f"a.{k}": v for k, v in torch.nn.RNN(1, 1).state_dict().items()},
                               **{f"b.{k}": v for k, v in torch.nn.RNN(1, 1).state_dict().items()}})
    with pytest.raises(ValueError, match="applies to an RNN"):
        model_from_state_dict(torch.nn.GRU(1, 2).state_dict(), nonlinearity="relu")
    with pytest.raises(ValueError, match="not n, 3n or 4n"):
        model_from_state_dict({"weight_hh_l0": torch.zeros(5, 2), "weight_ih_l0": torch.zeros(5, 1)})


def _rnn_state(**changes):
    """torch.nn.RNN(1, 2)'s state_dict with entries replaced (None: removed)."""
    state = dict(torch.nn.RNN(1, 2).state_dict())
    for key, value in changes.items():
        if value is None:
            del state[key]
        else:
            state[key] = value
    return state


@pytest.mark.parametrize("make, kwargs, message", [
    (lambda: [1, 2], {}, "expected a state_dict (a mapping of names to tensors), got list"),
    (lambda: {"x": torch.zeros(1)}, {}, "no recurrent weights (a key ending in weight_hh_l0) in the state_dict"),
    (lambda: {**{f"a.{k}": v for k, v in _rnn_state().items()}, **{f"b.{k}": v for k, v in _rnn_state().items()}},
     {}, "the state_dict holds 2 recurrent modules ('a', 'b'); save one"),
    (lambda: _rnn_state(weight_hh_l0=[[1.0, 0.0], [0.0, 1.0]]), {}, "weight_hh_l0 is a list, not a tensor"),
    (lambda: _rnn_state(bias_ih_l0=torch.tensor([0.0, float("nan")])), {},
     "parameter bias_ih_l0 has non-finite entries (NaN or inf)"),
    (lambda: torch.nn.LSTM(2, 3, proj_size=1).state_dict(), {}, "LSTM with proj_size > 0 is not supported"),
    (lambda: _rnn_state(weight_ih_l0=None), {}, "the state_dict lacks weight_ih_l0 or a 2-D weight_hh_l0"),
    (lambda: _rnn_state(weight_hh_l0=torch.zeros(2)), {}, "the state_dict lacks weight_ih_l0 or a 2-D weight_hh_l0"),
    (lambda: _rnn_state(), {"nonlinearity": "sigmoid"}, "nonlinearity must be 'tanh' or 'relu', got 'sigmoid'"),
    (lambda: _rnn_state(bias_hh_l0=None, extra_l0=torch.zeros(1)), {},
     'the weights do not fit a torch.nn.RNN: Missing key(s) in state_dict: "bias_hh_l0". '
     'Unexpected key(s) in state_dict: "extra_l0".'),
], ids=["not-a-mapping", "no-recurrent-weights", "two-modules", "not-a-tensor", "non-finite", "proj_size",
        "no-input-weights", "1-D-recurrent-weights", "nonlinearity", "does-not-fit"])
def test_model_from_state_dict_says_what_is_wrong(make, kwargs, message):
    with pytest.raises(ValueError) as error:
        model_from_state_dict(make(), **kwargs)
    assert str(error.value) == message, f"message {str(error.value)!r}, expected {message!r}"


def test_table_numbers_name_the_infinities():
    from theory.measurement.diagnose import _number

    got = [_number(v) for v in (None, -math.inf, math.inf, math.nan, 0.123456, 12345678.0)]
    assert got == ["—", "−inf", "inf", "nan", "0.1235", "1.235e+07"], got


def _rounded(value, digits=6):
    """``value`` with every float rounded to ``digits`` significant digits (BLAS and CPU may
    change the last bits of a measured number, not its first six digits)."""
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v, digits) for v in value]
    if isinstance(value, float):
        return float(f"{value:.{digits}g}")
    return value


def _scaled(module, factor, *names):
    with torch.no_grad():
        for name in names:
            getattr(module, name).mul_(factor)
    return module


def _golden_diagnoses():
    """Fixed models, one per branch of the table and of the sentences: a bidirectional
    2-layer LSTM on inputs; a tanh RNN driven into saturation (its mean-field prediction); a
    relu RNN with W = 0 (a lag profile of −∞); GRUs with update-gate deviation δ < 1 and
    1 ≤ δ < 2 on inputs, and one by its weights only; an LSTM and a GRU with saturated gates
    (the LSTM's factor over 100 steps below float64's range); a tanh RNN whose bias puts q*
    beyond the mean field's certified range; a 2-layer relu RNN whose first layer overflows
    (the second is then not measured)."""
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    tanh = _scaled(torch.nn.RNN(2, 3), 4.0, "weight_hh_l0", "weight_ih_l0")
    relu = _scaled(torch.nn.RNN(2, 3, nonlinearity="relu"), 0.0, "weight_hh_l0")
    gru = torch.nn.GRU(2, 3)
    torch.manual_seed(1)
    gru_closed = _scaled(torch.nn.GRU(2, 3), 0.05, "weight_hh_l0")
    torch.manual_seed(1)
    gru_half_open = _scaled(torch.nn.GRU(2, 3), 0.3, "weight_hh_l0")
    torch.manual_seed(3)
    lstm_saturating = _scaled(torch.nn.LSTM(2, 3), 6.0, "weight_hh_l0", "weight_ih_l0", "bias_ih_l0", "bias_hh_l0")
    gru_saturating = _scaled(torch.nn.GRU(2, 3), 6.0, "weight_hh_l0", "weight_ih_l0", "bias_ih_l0", "bias_hh_l0")
    tanh_biased = torch.nn.RNN(2, 3)
    with torch.no_grad():
        tanh_biased.bias_ih_l0.fill_(40.0)
    x_large = 2.0 * np.random.default_rng(4).standard_normal((8, 2))
    overflow = torch.nn.RNN(1, 2, nonlinearity="relu", num_layers=2, dtype=torch.float64)
    with torch.no_grad():
        overflow.weight_hh_l0.copy_(torch.eye(2) * 1e200)
        overflow.weight_ih_l0.fill_(1.0)
    rng = np.random.default_rng(0)
    x3, x2 = rng.standard_normal((12, 3)), 3.0 * rng.standard_normal((10, 2))
    gru_inputs = np.random.default_rng(2).standard_normal((8, 2))
    return {"lstm": theory.diagnose(lstm, x3),
            "rnn_tanh_saturating": theory.diagnose(tanh, x2),
            "relu_zero_W": theory.diagnose(relu, np.random.default_rng(1).standard_normal((6, 2))),
            "gru_delta_below_1": theory.diagnose(gru_closed, gru_inputs),
            "gru_delta_between_1_and_2": theory.diagnose(gru_half_open, gru_inputs),
            "gru_weights_only": theory.diagnose(gru),
            "lstm_saturating": theory.diagnose(lstm_saturating, x_large),
            "gru_saturating": theory.diagnose(gru_saturating, x_large),
            "rnn_tanh_bias_beyond_mean_field": theory.diagnose(tanh_biased, x_large),
            "relu_first_layer_overflows": theory.diagnose(overflow, np.ones((5, 1)))}


def test_table_and_dict_against_golden_files():
    """What ``print(diagnosis)`` and ``to_dict()`` show, for the fixed models above (the wall time
    set to 1.25 s, floats in the JSON to 6 digits). Regenerate with UPDATE_GOLDEN=1 and review."""
    import dataclasses
    import json

    from tests.report_fixtures import assert_golden

    diagnoses = {name: dataclasses.replace(d, seconds=1.25) for name, d in _golden_diagnoses().items()}
    assert_golden("diagnose_tables.txt", "".join(f"== {name}\n{d}\n\n" for name, d in diagnoses.items()))
    as_json = {name: _rounded(d.to_dict()) for name, d in diagnoses.items()}
    assert_golden("diagnose_dicts.json", json.dumps(as_json, indent=1, ensure_ascii=False, allow_nan=False) + "\n")


def test_a_module_without_biases_and_the_progress_lines():
    messages = []
    diagnosis = theory.diagnose(torch.nn.GRU(2, 3, bias=False, dtype=torch.float64), np.ones((7, 2)),
                                progress=messages.append)
    assert diagnosis.layers[0].lyapunov_exponents is not None, str(diagnosis)
    assert messages == ["layer 0 (forward): lag profile and Lyapunov spectrum over 7 steps",
                        "end-to-end sensitivity ‖∂y_T/∂x_k‖ over 7 steps"], messages


def test_json_ready_writes_non_finite_numbers_as_strings():
    value = {"x": [math.nan, math.inf, -math.inf, 1.5], "y": np.array([-np.inf, 2.0])}
    expected = {"x": ["NaN", "Infinity", "-Infinity", 1.5], "y": ["-Infinity", 2.0]}
    assert _json_ready(value) == expected, _json_ready(value)


def test_long_lag_slope_over_the_second_half_from_two_steps_on():
    assert _long_lag_slope(np.array([0.0, -1.0, -3.0])) == -2.0
    assert _long_lag_slope(np.array([0.0, -1.0, -3.0, -6.0, -10.0])) == -3.5
    assert _long_lag_slope(np.array([0.0, -1.0])) is None
    assert _long_lag_slope(np.array([0.0, -1.0, -np.inf])) is None
