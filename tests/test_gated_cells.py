"""Gated cells through the real ``torch.nn.LSTMCell``/``LSTM`` and ``torch.nn.GRUCell``
(claims G1–G3, GRU1).

Measurement: Jacobians of the recurrent state by autograd through the torch modules; the
multi-step norms by a backward sweep that carries the (renormalised) Jacobian, one
``torch.autograd.grad(..., is_grads_batched=True)`` per step. The gate values used by the
theory are recomputed in numpy from the weights and the run's states
(``theory.gated.lstm_gates``), never read from torch.

Tolerances: entries of a single-step Jacobian are products of a few float64 operations, so
they agree with the numpy gate values to a few units of u = 2⁻⁵³ (ENTRY_TOL = 1e-14 absolute;
gates ∈ (0, 1)). Multi-step log-norms carry theory.testing.rounding_tolerance plus, where a
bound multiplies gate derivatives (σ' = σ(1 − σ), tanh' = 1 − tanh²) whose absolute error is
≤ 4u but whose relative error grows in saturation, a per-step log(1 + 16u·(1 + ‖W_hh‖)/b_t)
with b_t the step's bound.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings, target
from hypothesis import strategies as st

from theory.testing import EPS, rounding_tolerance
from theory.testing import assert_log_le_by_lag as check_le
from tests.prediction_strategies import examples
from theory.report.evidence import observe, record_data
from theory.gated import (
    gate_preactivation_radius,
    gru_jacobian_deviation_bound,
    gru_log_norm_bounds,
    lstm_cell_path_log_norm,
    lstm_forget_log_bounds,
    lstm_gates,
    lstm_log_jacobian_bound,
)
from theory.measurement.jacobians import lag_profile

F64 = torch.float64
ENTRY_TOL = 1e-14


# --------------------------------------------------------------------------------------
# Building the modules
# --------------------------------------------------------------------------------------


def make_lstm(n, m, scale, forget_bias, bias_scale, rng, fused=False):
    """nn.LSTMCell (or a one-layer nn.LSTM) with W ~ N(0, scale²/n), forget bias b_f."""
    mod = (torch.nn.LSTM(m, n, dtype=F64) if fused else torch.nn.LSTMCell(m, n, dtype=F64))
    sfx = "_l0" if fused else ""
    b_ih = rng.standard_normal(4 * n) * bias_scale
    b_ih[n : 2 * n] = forget_bias  # forget-gate rows (PyTorch order i, f, g, o)
    with torch.no_grad():
        getattr(mod, "weight_hh" + sfx).copy_(torch.as_tensor(rng.standard_normal((4 * n, n)) * scale / math.sqrt(n)))
        getattr(mod, "weight_ih" + sfx).copy_(torch.as_tensor(rng.standard_normal((4 * n, m)) * scale / math.sqrt(m)))
        getattr(mod, "bias_ih" + sfx).copy_(torch.as_tensor(b_ih))
        getattr(mod, "bias_hh" + sfx).zero_()
    mod.requires_grad_(False)
    return mod


def lstm_params(mod, fused=False):
    sfx = "_l0" if fused else ""
    return {k: getattr(mod, k + sfx).detach().numpy().copy() for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}


def lstm_step(mod, fused):
    if not fused:
        return lambda x, h, c: mod(x, (h, c))

    def step(x, h, c):
        _, (hn, cn) = mod(x.reshape(1, -1), (h.reshape(1, -1), c.reshape(1, -1)))
        return hn.reshape(-1), cn.reshape(-1)

    return step


def make_gru(n, m, scale, update_bias, bias_scale, rng):
    cell = torch.nn.GRUCell(m, n, dtype=F64)
    b_ih = rng.standard_normal(3 * n) * bias_scale
    b_ih[n : 2 * n] = update_bias  # update-gate rows (PyTorch order r, z, n)
    with torch.no_grad():
        cell.weight_hh.copy_(torch.as_tensor(rng.standard_normal((3 * n, n)) * scale / math.sqrt(n)))
        cell.weight_ih.copy_(torch.as_tensor(rng.standard_normal((3 * n, m)) * scale / math.sqrt(m)))
        cell.bias_ih.copy_(torch.as_tensor(b_ih))
        cell.bias_hh.copy_(torch.as_tensor(rng.standard_normal(3 * n) * bias_scale))
    cell.requires_grad_(False)
    return cell


# --------------------------------------------------------------------------------------
# Measurement: forward runs and backward sweeps of the full state Jacobian
# --------------------------------------------------------------------------------------


def run_states(step, x, state0):
    """Forward pass (no grad): the list of states s_0..s_T (each a tuple of tensors)."""
    states = [state0]
    with torch.no_grad():
        for t in range(x.shape[0]):
            out = step(x[t], *states[-1])
            states.append(out if isinstance(out, tuple) else (out,))
    return states


def state_log_norms(step, x, states, out_parts=None, segment=25):
    """log‖∂s_T/∂s_k‖₂ (s = concatenated state parts) for k = T..0, i.e. by lag 0..T.

    Backward sweep in segments of ``segment`` steps: one batched backward pass per segment
    gives carried·∂s_end/∂s_k for every k in it; between segments the carried matrix is
    renormalised to unit spectral norm and its log scale accumulated (no under/overflow for
    per-step factors within e^{±12}). ``out_parts`` restricts the output to the first parts
    of s_T (e.g. h_T only).
    """
    sizes = [p.numel() for p in states[0]]
    d = sum(sizes)
    rows = sum(sizes[: out_parts]) if out_parts else d
    carried = torch.eye(d, dtype=F64)[:rows]
    T = x.shape[0]
    log_norm = np.zeros(T + 1)  # by k
    log_scale, end = 0.0, T
    while end > 0:
        start = max(0, end - segment)
        chain = [tuple(p.clone().requires_grad_(True) for p in states[start])]
        for t in range(start, end):
            new = step(x[t], *chain[-1])
            chain.append(new if isinstance(new, tuple) else (new,))
        flat_end = torch.cat([v.reshape(-1) for v in chain[-1]])
        leaves = [p for st in chain[:-1] for p in st]
        grads = torch.autograd.grad(flat_end, leaves, grad_outputs=carried, is_grads_batched=True, allow_unused=True)
        k_parts = len(sizes)
        products = []
        for j in range(end - start):
            parts = grads[j * k_parts : (j + 1) * k_parts]
            products.append(torch.cat([
                torch.zeros(rows, sz, dtype=F64) if g is None else g.reshape(rows, -1) for g, sz in zip(parts, sizes)
            ], dim=1))
        norms = torch.stack([torch.linalg.matrix_norm(P, ord=2) for P in products]).numpy()
        with np.errstate(divide="ignore"):
            log_norm[start:end] = log_scale + np.log(norms)
        if norms[0] == 0.0:
            log_norm[:start] = -np.inf
            break
        carried = products[0] / float(norms[0])
        log_scale += math.log(float(norms[0]))
        end = start
    return log_norm[::-1].copy()


def cell_path_log_norms(step, x, states):
    """log‖∂c_T/∂c_k‖₂ with h_{t−1} held fixed at every step (detached), by lag 0..T.

    One batched backward pass through the whole chain c_0 → c_T gives every ∂c_T/∂c_k; no
    renormalisation is needed for the runs here (forget gates ≥ σ(−4 − r) over ≤ 40 steps,
    or near 1 over 300 steps: the products stay far inside float64's range).
    """
    n = states[0][1].numel()
    cs = [states[0][1].clone().requires_grad_(True)]
    for t in range(x.shape[0]):
        _, c = step(x[t], states[t][0], cs[-1])  # states[t][0] = h_t: a constant, held fixed
        cs.append(c)
    grads = torch.autograd.grad(cs[-1], cs[:-1], grad_outputs=torch.eye(n, dtype=F64), is_grads_batched=True)
    norms = torch.stack([torch.linalg.matrix_norm(g, ord=2) for g in grads]).numpy()
    return np.concatenate([[0.0], np.log(norms)[::-1]])


# --------------------------------------------------------------------------------------
# G1: ∂c_t/∂c_{t−1} = diag(f_t) exactly
# --------------------------------------------------------------------------------------

lstm_cases = st.fixed_dictionaries(
    {
        "n": st.integers(1, 12),
        "m": st.integers(1, 4),
        "T": st.integers(1, 25),
        "scale": st.floats(0.1, 3.0),
        "forget_bias": st.floats(-4.0, 8.0),
        "bias_scale": st.floats(0.0, 2.0),
        "fused": st.booleans(),
        "seed": st.integers(0, 2**32 - 1),
    }
)


def _lstm_run(case):
    rng = np.random.default_rng(case["seed"])
    n, m = case["n"], case["m"]
    mod = make_lstm(n, m, case["scale"], case["forget_bias"], case["bias_scale"], rng, fused=case["fused"])
    x = torch.as_tensor(rng.standard_normal((case["T"], m)))
    h0 = torch.as_tensor(rng.uniform(-1, 1, n))
    c0 = torch.as_tensor(rng.standard_normal(n))
    step = lstm_step(mod, case["fused"])
    states = run_states(step, x, (h0, c0))
    p = lstm_params(mod, case["fused"])
    h_prev = np.stack([s[0].numpy() for s in states[:-1]])
    gates = lstm_gates(p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"], x.numpy(), h_prev)
    return mod, step, x, states, p, gates


@pytest.mark.claim("G1")
@settings(max_examples=examples(10))
@given(lstm_cases)
@example({"n": 4, "m": 2, "T": 5, "scale": 1.0, "forget_bias": 1.0, "bias_scale": 0.5, "fused": True, "seed": 0})
def test_cell_jacobian_is_diag_forget_gate(case):
    mod, step, x, states, p, gates = _lstm_run(case)
    n = case["n"]
    worst = 0.0
    for t in range(case["T"]):
        h_prev = states[t][0]  # held fixed
        c_prev = states[t][1].clone().requires_grad_(True)
        _, c = step(x[t], h_prev, c_prev)
        (J,) = torch.autograd.grad(c, c_prev, grad_outputs=torch.eye(n, dtype=F64), is_grads_batched=True)
        err = np.abs(J.numpy() - np.diag(gates["f"][t]))  # J[i, j] = ∂c_i/∂c_prev_j
        worst = max(worst, float(err.max()))
        assert err.max() <= ENTRY_TOL, (
            f"∂c_t/∂c_(t−1) ≠ diag(f_t) at t = {t + 1}: max |difference| {err.max():.3g}; case {case}"
        )
    # the product over steps is Π diag(f_t): its log-norm is the theory's cell-path value
    measured = cell_path_log_norms(step, x, states)
    predicted = lstm_cell_path_log_norm(gates["f"])[::-1]
    lags = np.arange(case["T"] + 1)
    tol = rounding_tolerance(lags, n) + 4 * EPS * lags
    err = np.abs(measured - predicted) - tol
    observe("G1", max(worst - ENTRY_TOL, float(err.max())), case)
    assert (err <= 0).all(), (measured, predicted, case)


@pytest.mark.meta
def test_meta_cell_jacobian_with_input_gate_is_caught():
    """Predicting ∂c_t/∂c_{t−1} = diag(f_t + i_t) (a 'leaky' mistake) is rejected."""
    case = {"n": 3, "m": 1, "T": 1, "scale": 1.0, "forget_bias": 0.0, "bias_scale": 0.5, "fused": False, "seed": 1}
    mod, step, x, states, p, gates = _lstm_run(case)
    c_prev = states[0][1].clone().requires_grad_(True)
    _, c = step(x[0], states[0][0], c_prev)
    (J,) = torch.autograd.grad(c, c_prev, grad_outputs=torch.eye(3, dtype=F64), is_grads_batched=True)
    assert np.abs(J.numpy() - np.diag(gates["f"][0] + gates["i"][0])).max() > ENTRY_TOL


# --------------------------------------------------------------------------------------
# G3: the full LSTM Jacobian bound
# --------------------------------------------------------------------------------------


def _jacobian_bound_tolerance(bound_by_lag, weight_hh, n):
    per_step = np.diff(bound_by_lag)  # log of each step's bound, by lag
    W = np.abs(weight_hh).sum(axis=1).max()
    rel = 16 * EPS * (1 + W) / np.exp(per_step)
    return rounding_tolerance(np.arange(len(bound_by_lag)), 2 * n) + np.concatenate([[0.0], np.cumsum(np.log1p(rel))])


@pytest.mark.claim("G3")
@settings(max_examples=examples(10))
@given(lstm_cases)
@example({"n": 6, "m": 2, "T": 25, "scale": 3.0, "forget_bias": -2.0, "bias_scale": 0.0, "fused": False, "seed": 3})
def test_full_lstm_jacobian_bound(case):
    mod, step, x, states, p, gates = _lstm_run(case)
    measured = state_log_norms(step, x, states)  # ‖∂(h_T, c_T)/∂(h_k, c_k)‖₂ by lag
    c_all = np.stack([s[1].numpy() for s in states])
    bound = lstm_log_jacobian_bound(p["weight_hh"], gates, c_all[:-1], c_all[1:])[::-1]
    tol = _jacobian_bound_tolerance(bound, p["weight_hh"], case["n"])
    tight = check_le(measured, bound, tol, "LSTM full-Jacobian bound", case)
    target(float(np.clip(tight, -1e3, 1e3)), label="log(measured/bound)")
    # A violation is an excess beyond the stated rounding tolerance, as in check_le.
    observe("G3", tight, case, violated=bool(np.any(measured[1:] - bound[1:] > tol[1:])))


def _positive_one_unit_lstm(rng):
    """A one-unit nn.LSTMCell with positive weights and input biases (bias_hh = 0): every
    path through its step Jacobian adds with the same sign, where G3's bound is exact."""
    cell = torch.nn.LSTMCell(1, 1, dtype=F64)
    with torch.no_grad():
        cell.weight_hh.copy_(torch.as_tensor(rng.uniform(0.2, 2.0, (4, 1))))
        cell.weight_ih.copy_(torch.as_tensor(rng.uniform(0.2, 2.0, (4, 1))))
        cell.bias_ih.copy_(torch.as_tensor(rng.uniform(0.0, 1.0, 4)))
        cell.bias_hh.zero_()
    return cell.requires_grad_(False)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lstm_jacobian_bound_is_attained_for_one_unit_with_positive_paths(seed):
    """G3's bound is exact, not only valid, when n = 1 and every path adds with the same sign.

    With one unit the block norms are the absolute values of the four Jacobian entries, and
    with positive weights, inputs and states every term in A, B, C, D is positive, so the
    step Jacobian of (h, c) is exactly [[A, B], [C, D]]: one step's bound must equal the
    autograd norm to rounding. This is what catches a dropped or doubled term (a looser bound
    still passes the inequality test above). Tolerance 64u: a few dozen float64 operations on
    numbers of order 1.
    """
    rng = np.random.default_rng(seed)
    cell = _positive_one_unit_lstm(rng)
    x = torch.as_tensor(rng.uniform(0.1, 1.0, (1, 1)))
    h0, c0 = torch.as_tensor(rng.uniform(0.1, 0.9, 1)), torch.as_tensor(rng.uniform(0.1, 2.0, 1))
    step = lstm_step(cell, False)
    states = run_states(step, x, (h0, c0))
    measured = state_log_norms(step, x, states)[1]  # log‖∂(h_1, c_1)/∂(h_0, c_0)‖₂
    p = lstm_params(cell)
    gates = lstm_gates(p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"], x.numpy(), h0.numpy()[None])
    bound = lstm_log_jacobian_bound(p["weight_hh"], gates, c0.numpy()[None], states[1][1].numpy()[None])[0]
    assert abs(measured - bound) <= 64 * EPS, (
        f"seed {seed}: one-unit LSTM step, all paths positive: bound {bound!r} ≠ measured {measured!r}")


@pytest.mark.meta
def test_meta_cell_path_only_bound_is_caught():
    """Bounding the full Jacobian by the cell path alone (Π max f, gate paths ignored) fails."""
    case = {"n": 6, "m": 2, "T": 25, "scale": 3.0, "forget_bias": -2.0, "bias_scale": 0.0, "fused": False, "seed": 3}
    mod, step, x, states, p, gates = _lstm_run(case)
    measured = state_log_norms(step, x, states)
    wrong = np.concatenate([[0.0], np.cumsum(np.log(gates["f"].max(axis=1))[::-1])])
    with pytest.raises(AssertionError):
        check_le(measured, wrong, rounding_tolerance(np.arange(len(wrong)), 12), "cell path only", "meta")


# --------------------------------------------------------------------------------------
# G2: a large forget bias keeps the cell path; the vanilla RNN has vanished
# --------------------------------------------------------------------------------------

HIDDEN, LONG_T, INPUTS = 32, 300, 4


@pytest.mark.claim("G2")
@settings(max_examples=examples(1))
@given(st.fixed_dictionaries({"forget_bias": st.floats(8.0, 12.0), "seed": st.integers(0, 2**32 - 1)}))
@example({"forget_bias": 8.0, "seed": 0})
def test_forget_bias_keeps_cell_path(case):
    rng = np.random.default_rng(case["seed"])
    mod = make_lstm(HIDDEN, INPUTS, 1.0, case["forget_bias"], 0.5, rng)
    x = torch.as_tensor(rng.standard_normal((LONG_T, INPUTS)))
    step = lstm_step(mod, False)
    states = run_states(step, x, (torch.zeros(HIDDEN, dtype=F64), torch.zeros(HIDDEN, dtype=F64)))
    measured = cell_path_log_norms(step, x, states)
    p = lstm_params(mod)
    n = HIDDEN
    radius = gate_preactivation_radius(p["weight_hh"][n : 2 * n], p["weight_ih"][n : 2 * n], x.numpy())
    b_f = p["bias_ih"][n : 2 * n] + p["bias_hh"][n : 2 * n]
    lags = np.arange(LONG_T + 1)
    lower, upper = lstm_forget_log_bounds(b_f, radius, lags)
    tol = rounding_tolerance(lags, n) + 4 * EPS * lags
    assert (measured >= lower - tol).all() and (measured <= upper + tol).all(), (
        f"cell path outside the forget-gate bounds; case {case}"
    )
    # near 1 over 300 steps. With |h| ≤ 1 the a-priori radius r (≈ 7 here) is too pessimistic
    # to guarantee it; typically the forget pre-activation is b_f + N(0, s²), s ≈ 1.2, so
    # E log f ≈ −e^{−b_f + s²/2} and 300 steps keep ≈ exp(−300·2e^{−8}) ≈ 0.8 per unit at
    # b_f = 8 (the norm is the best unit's): we require ≥ 1/2.
    assert measured[-1] >= math.log(0.5), (float(np.exp(measured[-1])), case)
    # a vanilla tanh RNN of the same size and weight scale has vanished (< 1e-6) by lag 300
    W = rng.standard_normal((n, n)) / math.sqrt(n)
    U = rng.standard_normal((n, INPUTS)) / math.sqrt(INPUTS)
    rnn = lag_profile(W, "tanh", inputs=x.numpy(), U=U).log_norms_by_lag
    assert rnn[-1] < math.log(1e-6), (float(rnn[-1]), case)
    observe("G2", float(lower[-1] - measured[-1]), {**case, "cell_path": float(measured[-1]), "rnn": float(rnn[-1])})


@pytest.mark.meta
def test_meta_forget_bound_without_radius_is_caught():
    """Bounds that ignore the recurrent input (r = 0) do not contain the measured cell path."""
    rng = np.random.default_rng(5)
    mod = make_lstm(8, 2, 2.0, 2.0, 0.0, rng)
    x = torch.as_tensor(rng.standard_normal((40, 2)))
    step = lstm_step(mod, False)
    states = run_states(step, x, (torch.zeros(8, dtype=F64), torch.zeros(8, dtype=F64)))
    measured = cell_path_log_norms(step, x, states)
    lo, hi = lstm_forget_log_bounds(np.full(8, 2.0), 0.0, np.arange(41))
    assert not ((measured >= lo - 1e-12).all() and (measured <= hi + 1e-12).all())


# --------------------------------------------------------------------------------------
# GRU1: the Jacobian tends to I as the update gate z → 1
# --------------------------------------------------------------------------------------

gru_cases = st.fixed_dictionaries(
    {
        "n": st.integers(1, 12),
        "m": st.integers(1, 3),
        "T": st.integers(1, 40),
        "scale": st.floats(0.1, 2.0),
        "update_bias": st.floats(0.0, 25.0),
        "bias_scale": st.floats(0.0, 1.0),
        "seed": st.integers(0, 2**32 - 1),
    }
)


def _gru_delta(cell, x):
    n = cell.hidden_size
    W_hh = cell.weight_hh.detach().numpy()
    W_ih = cell.weight_ih.detach().numpy()
    b_ih, b_hh = cell.bias_ih.detach().numpy(), cell.bias_hh.detach().numpy()
    radius = gate_preactivation_radius(W_hh[n : 2 * n], W_ih[n : 2 * n], x)
    return gru_jacobian_deviation_bound(W_hh, b_hh, b_ih[n : 2 * n] + b_hh[n : 2 * n], radius)


def _step_deviation(cell, x, states):
    n = cell.hidden_size
    out = []
    for t in range(x.shape[0]):
        h = states[t][0].clone().requires_grad_(True)
        (J,) = torch.autograd.grad(cell(x[t], h), h, grad_outputs=torch.eye(n, dtype=F64), is_grads_batched=True)
        out.append(float(torch.linalg.matrix_norm(J - torch.eye(n, dtype=F64), ord=2)))
    return np.array(out)


def check_gru(dev, delta, profile, n, case):
    tol = 16 * EPS * (1 + n)
    assert dev.max() <= delta + tol, (
        f"‖∂h_t/∂h_(t−1) − I‖₂ = {dev.max():.6g} > δ = {delta:.6g}; case {case}"
    )
    lags = np.arange(len(profile))
    lo, hi = gru_log_norm_bounds(delta, lags)
    rt = rounding_tolerance(lags, n)
    assert (profile <= hi + rt).all() and (profile >= lo - rt).all(), (
        f"GRU lag profile outside [log(2 − (1+δ)^ℓ), ℓ log(1+δ)], δ = {delta:.3g}; case {case}"
    )
    return float(dev.max() - delta)


@pytest.mark.claim("GRU1")
@settings(max_examples=examples(10))
@given(gru_cases)
@example({"n": 8, "m": 2, "T": 40, "scale": 1.0, "update_bias": 12.0, "bias_scale": 0.5, "seed": 0})
def test_gru_jacobian_tends_to_identity(case):
    rng = np.random.default_rng(case["seed"])
    cell = make_gru(case["n"], case["m"], case["scale"], case["update_bias"], case["bias_scale"], rng)
    x = torch.as_tensor(rng.standard_normal((case["T"], case["m"])))
    states = run_states(lambda xt, h: cell(xt, h), x, (torch.as_tensor(rng.uniform(-1, 1, case["n"])),))
    delta = _gru_delta(cell, x.numpy())
    dev = _step_deviation(cell, x, states)
    profile = state_log_norms(lambda xt, h: cell(xt, h), x, states)
    tight = check_gru(dev, delta, profile, case["n"], case)
    target(float(dev.max() / delta) if delta > 0 else 0.0, label="‖J − I‖/δ")
    observe("GRU1", tight, {**case, "delta": delta})


@pytest.mark.meta
def test_meta_gru_wrong_convention_is_caught():
    """The other convention (h = z⊙n + (1−z)⊙h) predicts J → I as z → 0: rejected."""
    rng = np.random.default_rng(2)
    cell = make_gru(6, 2, 1.0, -15.0, 0.3, rng)  # z ≈ 0: PyTorch's GRU then forgets h
    x = torch.as_tensor(rng.standard_normal((10, 2)))
    states = run_states(lambda xt, h: cell(xt, h), x, (torch.zeros(6, dtype=F64),))
    n = 6
    W_hh, W_ih = cell.weight_hh.detach().numpy(), cell.weight_ih.detach().numpy()
    b = cell.bias_ih.detach().numpy()[n : 2 * n] + cell.bias_hh.detach().numpy()[n : 2 * n]
    radius = gate_preactivation_radius(W_hh[n : 2 * n], W_ih[n : 2 * n], x.numpy())
    wrong_delta = gru_jacobian_deviation_bound(W_hh, cell.bias_hh.detach().numpy(), -b, radius)  # 1 − z ↔ z
    dev = _step_deviation(cell, x, states)
    profile = state_log_norms(lambda xt, h: cell(xt, h), x, states)
    with pytest.raises(AssertionError):
        check_gru(dev, wrong_delta, profile, n, "meta")


# --------------------------------------------------------------------------------------
# Profiles: vanilla RNN, LSTM and GRU at the same size and weight scale
# --------------------------------------------------------------------------------------


@pytest.mark.claim("G2")
def test_gated_profiles_rnn_lstm_gru():
    """log‖∂h_T/∂s_{T−ℓ}‖₂ for the three cells (n = 32, weights N(0, 1/n), T = 300).

    s = h for the RNN and the GRU, (h, c) for the LSTM. The gates get a bias of 8 (forget
    gate, update gate); the vanilla RNN has no such knob. Claim: at lag 300 the RNN has
    vanished (< 1e-6) while LSTM and GRU keep ≥ 1e-2.
    """
    rng = np.random.default_rng(2024)
    n, T = HIDDEN, LONG_T
    x = torch.as_tensor(rng.standard_normal((T, INPUTS)))
    W = rng.standard_normal((n, n)) / math.sqrt(n)
    U = rng.standard_normal((n, INPUTS)) / math.sqrt(INPUTS)
    rnn = lag_profile(W, "tanh", inputs=x.numpy(), U=U).log_norms_by_lag
    lstm = make_lstm(n, INPUTS, 1.0, 8.0, 0.5, rng)
    step = lstm_step(lstm, False)
    zero = torch.zeros(n, dtype=F64)
    lstm_prof = state_log_norms(step, x, run_states(step, x, (zero, zero)), out_parts=1)
    gru = make_gru(n, INPUTS, 1.0, 8.0, 0.5, rng)
    gstep = lambda xt, h: gru(xt, h)  # noqa: E731
    gru_prof = state_log_norms(gstep, x, run_states(gstep, x, (zero,)))
    assert rnn[-1] < math.log(1e-6), rnn[-1]
    assert lstm_prof[-1] > math.log(1e-2) and gru_prof[-1] > math.log(1e-2), (lstm_prof[-1], gru_prof[-1])
    record_data(
        "gated_profiles",
        {
            "hidden_size": n,
            "lags": list(range(T + 1)),
            "rnn": [float(v) for v in rnn],
            "lstm": [float(v) for v in lstm_prof],
            "gru": [float(v) for v in gru_prof],
            "quantity": "log‖∂h_T/∂s_{T−ℓ}‖₂ with s = h (RNN, GRU) or s = (h, c) (LSTM); "
            "weights N(0, 1/n), forget/update-gate bias 8",
        },
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: lstm_cell_path_log_norm([[0.5, 1.5]]),
        lambda: lstm_cell_path_log_norm([[0.0]]),
        lambda: lstm_cell_path_log_norm([0.5]),
        lambda: lstm_forget_log_bounds(1.0, -0.1, 3),
        lambda: lstm_forget_log_bounds(np.nan, 0.1, 3),
        lambda: lstm_gates(np.zeros((3, 1)), np.zeros((3, 1)), np.zeros(3), np.zeros(3), np.zeros((1, 1)), np.zeros((1, 1))),
        lambda: gru_jacobian_deviation_bound(np.zeros((4, 2)), np.zeros(6), 1.0, 0.0),
        lambda: gru_jacobian_deviation_bound(np.zeros((6, 2)), np.zeros(6), 1.0, -1.0),
        lambda: gru_log_norm_bounds(-0.1, 3),
        lambda: gate_preactivation_radius(np.ones((2, 2)), np.ones((2, 1)), None),
        lambda: lstm_log_jacobian_bound(np.zeros((4, 1)), {"i": np.zeros((1, 1))}, np.zeros((1, 1)), np.zeros((1, 1))),
        lambda: lstm_log_jacobian_bound(np.zeros((3, 1)), {}, np.zeros((1, 1)), np.zeros((1, 1))),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize("forget_bias, radius", [(2.0, 0.0), ([1.0, -3.0, 0.5], 0.7), (-1.5, [0.2, 2.0])])
def test_forget_log_bounds_are_the_stated_formula(forget_bias, radius):
    """lstm_forget_log_bounds is exactly ℓ·max_i log σ(b_i ∓ r_i) (lower, upper), per unit and
    broadcast, with lower = upper when r = 0: the bracket test (G2) alone cannot see a bound
    that is only looser. Tolerance: 8u·max(1, |value|)."""
    b, r = np.broadcast_arrays(np.atleast_1d(forget_bias), np.atleast_1d(radius))
    lags = np.arange(0, 50, 7)
    lo, hi = lstm_forget_log_bounds(forget_bias, radius, lags)
    log_sigmoid = lambda x: -np.logaddexp(0.0, -x)  # noqa: E731
    want_lo, want_hi = lags * log_sigmoid(b - r).max(), lags * log_sigmoid(b + r).max()
    for got, want, name in ((lo, want_lo, "lower"), (hi, want_hi, "upper")):
        assert np.all(np.abs(got - want) <= 8 * EPS * np.maximum(1.0, np.abs(want))), (
            f"{name}: {got.tolist()} vs ℓ·max log σ(b ∓ r) = {want.tolist()} (b={forget_bias}, r={radius})")
    if np.all(r == 0):
        assert np.array_equal(lo, hi), (lo, hi)


def test_gate_preactivation_radius_is_the_stated_formula():
    """r_i = s·Σ_j |W_hh,ij| + max_t |(W_ih x_t)_i| on hand-computed values, with s ≠ 1 (every
    other test uses the default s = 1, where s·x and x/s agree) and a per-unit maximum over
    steps (not over all units)."""
    W_hh = np.array([[1.0, -2.0], [0.5, 0.0]])
    W_ih = np.array([[1.0], [-3.0]])
    x = np.array([[0.5], [-1.0], [0.25]])
    assert gate_preactivation_radius(W_hh, state_bound=0.5).tolist() == [1.5, 0.25]
    r = gate_preactivation_radius(W_hh, W_ih, x, state_bound=2.0)
    assert r.tolist() == [6.0 + 1.0, 1.0 + 3.0], r


# --------------------------------------------------------------------------------------
# Hand-computed values, exactness over several steps, and the documented input checks
# (each test below pins something the property tests above cannot see: a second bias, a
# per-step maximum, a non-square gate block, a silent −inf, a message naming the argument).
# --------------------------------------------------------------------------------------


def test_lstm_gates_hand_computed_with_both_biases():
    """One unit, one step, x = h = 1: the pre-activation of gate k is W_ih[k] + W_hh[k] +
    b_ih[k] + b_hh[k], chosen as 0, ln 3, ln 2, −ln 3 so that i = 1/2, f = 3/4,
    g = tanh(ln 2) = 3/5, o = 1/4. b_hh ≠ 0 here (every torch-built case zeroes it), so
    b_ih − b_hh would be caught. Tolerance 4u: one sigmoid or tanh of an exact argument."""
    ln2, ln3 = math.log(2.0), math.log(3.0)
    W_ih = np.array([[1.0], [ln3], [0.0], [-ln3]])
    W_hh = np.array([[-2.0], [0.0], [ln2 - 1.0], [0.5]])
    b_ih = np.array([0.5, 1.0, 0.25, 0.0])
    b_hh = np.array([0.5, -1.0, 0.75, -0.5])
    gates = lstm_gates(W_ih, W_hh, b_ih, b_hh, [[1.0]], [[1.0]])
    want = {"i": 0.5, "f": 0.75, "g": 0.6, "o": 0.25}
    for k, v in want.items():
        assert gates[k].shape == (1, 1) and abs(gates[k][0, 0] - v) <= 4 * EPS, (
            f"gate {k}: {gates[k].tolist()} ≠ {v} (hand-computed)")


@pytest.mark.parametrize("seed", [0, 1])
def test_lstm_jacobian_bound_is_attained_at_every_step_for_one_unit(seed):
    """The n = 1, all-paths-positive exactness of G3 holds step by step over T = 3 steps:
    entry k − entry k+1 of the bound (the log of step k+1's bound) equals the log-norm of
    that step's autograd Jacobian. Each step uses its own gate values, so a maximum taken over
    all steps instead of per step (a looser but valid bound) is caught. Tolerance 64u, as in
    the one-step test."""
    rng = np.random.default_rng(100 + seed)
    cell = _positive_one_unit_lstm(rng)
    T = 3
    x = torch.as_tensor(rng.uniform(0.1, 2.0, (T, 1)))
    step = lstm_step(cell, False)
    states = run_states(step, x, (torch.as_tensor(rng.uniform(0.1, 0.9, 1)), torch.as_tensor(rng.uniform(0.1, 2.0, 1))))
    measured = []
    for t in range(T):
        h, c = (p.clone().requires_grad_(True) for p in states[t])
        h1, c1 = step(x[t], h, c)
        J = np.array([[float(g) for g in torch.autograd.grad(out, (h, c), retain_graph=True)] for out in (h1, c1)])
        measured.append(math.log(np.linalg.norm(J, 2)))
    p = lstm_params(cell)
    h_prev = np.stack([s[0].numpy() for s in states[:-1]])
    c_all = np.stack([s[1].numpy() for s in states])
    gates = lstm_gates(p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"], x.numpy(), h_prev)
    bound = lstm_log_jacobian_bound(p["weight_hh"], gates, c_all[:-1], c_all[1:])
    per_step = bound[:-1] - bound[1:]
    assert np.all(np.abs(per_step - measured) <= 64 * EPS), (
        f"seed {seed}: per-step log bounds {per_step.tolist()} ≠ measured {measured} (gates f = "
        f"{gates['f'].ravel().tolist()})")


def test_lstm_jacobian_bound_of_a_zero_step_is_minus_inf_silently():
    """Gates saturated to exactly 0 (σ underflows for pre-activations below −745) make the
    step bound ‖[[A, B], [C, D]]‖₂ = 0: its log is −inf for every k before that step, with no
    RuntimeWarning (the function silences log 0 on purpose)."""
    zero = np.zeros((2, 1))
    gates = {k: zero for k in "ifgo"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = lstm_log_jacobian_bound(np.ones((4, 1)), gates, zero, zero)
    assert out.tolist() == [-math.inf, -math.inf, 0.0], out


def test_gate_preactivation_radius_non_square_block_and_no_steps():
    """Two documented shapes the LSTM/GRU tests never use: a (k, n) block with k ≠ n (the
    rows of weight_ih are matched against the k rows of weight_hh, not its n columns), and
    inputs with no steps (T = 0: no input term). Hand-computed: row (0.5, −0.25) gives
    0.75·s; max_t |2·x_t| over x = (1, −1.5) is 3."""
    W_hh, W_ih = [[0.5, -0.25]], [[2.0]]
    r = gate_preactivation_radius(W_hh, W_ih, [[1.0], [-1.5]])
    assert r.tolist() == [3.75], r
    r = gate_preactivation_radius(W_hh, W_ih, np.zeros((0, 1)), state_bound=2.0)
    assert r.tolist() == [1.5], r


def test_forget_log_bounds_hand_computed_with_a_length_one_radius():
    """A radius given as a length-1 array broadcasts over the units like a float (the
    docstring's "(n,) array_like or float"). b = (ln 3 + 1, −5), r = (1,): the best unit is the
    first, σ(ln 3) = 3/4 and σ(ln 3 + 2) = 3e²/(3e² + 1); over ℓ = 2 steps the bounds are
    2·log of these. Tolerance 8u·|value|."""
    ln3 = math.log(3.0)
    lo, hi = lstm_forget_log_bounds([ln3 + 1.0, -5.0], [1.0], 2)
    e2 = math.exp(2.0)
    want_lo, want_hi = 2 * math.log(0.75), 2 * math.log(3 * e2 / (3 * e2 + 1))
    for got, want, name in ((lo, want_lo, "lower"), (hi, want_hi, "upper")):
        assert abs(got - want) <= 8 * EPS * abs(want), f"{name}: {got!r} ≠ {want!r} (hand-computed)"


def test_gru_jacobian_deviation_bound_hand_computed():
    """δ = ε·(1 + ‖W_hn‖₂ + m‖W_hr‖₂/4 + (1 + s)‖W_hz‖₂), m = s·‖W_hn‖_∞ + |b_hn|_∞, on
    matrices whose norms are read off: W_hr = diag(2, 1) (‖·‖₂ = 2), W_hz = [[0, 3], [0, 0]]
    (3), W_hn = [[1, −1], [−1, 1]] (‖·‖₂ = 2, largest row sum 2, total 4), b_hn = (0.5, −1.5),
    and b_hz = (5, −5) large so that reading the wrong bias slice shows. ε = max_i σ(r_i − b_i)
    = σ(−1) = 1/(1 + e). s = 1/2: m = 2.5, factor 1 + 2 + 1.25 + 4.5 = 8.75. The default
    s = 1: m = 3.5, factor 1 + 2 + 1.75 + 6 = 10.75. A length-1 update bias broadcasts over the
    units: b = 3, r = (2, 0.5) gives σ(−1) again. This is the exactness check the GRU1
    inequality test cannot give (a looser δ passes it). Tolerance 8u·δ."""
    W_hh = np.array([[2.0, 0.0], [0.0, 1.0], [0.0, 3.0], [0.0, 0.0], [1.0, -1.0], [-1.0, 1.0]])
    b_hh = np.array([0.3, -0.7, 5.0, -5.0, 0.5, -1.5])
    eps = 1.0 / (1.0 + math.e)
    for args, kwargs, want in [
        (([2.0, 3.0], [1.0, 0.5]), {"state_bound": 0.5}, 8.75 * eps),
        (([2.0, 3.0], [1.0, 0.5]), {}, 10.75 * eps),
        (([3.0], [2.0, 0.5]), {}, 10.75 * eps),
    ]:
        got = gru_jacobian_deviation_bound(W_hh, b_hh, *args, **kwargs)
        assert abs(got - want) <= 8 * EPS * want, (
            f"δ = {got!r} ≠ {want!r} (hand-computed) for update bias, radius {args}, {kwargs}")


def test_gru_log_norm_bounds_at_the_edge_are_silent():
    """The lower bound log(max(0, 2 − (1+δ)^ℓ)) is −inf, without a RuntimeWarning, both where
    (1+δ)^ℓ = 2 exactly (δ = 1, ℓ = 1: log 0) and where (1+δ)^ℓ overflows (δ = 1, ℓ = 10⁶);
    the upper bound ℓ·log 2 stays finite."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lo, hi = gru_log_norm_bounds(1.0, [1, 10**6])
    assert lo.tolist() == [-math.inf, -math.inf], lo
    want = np.array([1, 10**6]) * math.log(2.0)
    assert np.all(np.abs(hi - want) <= 4 * EPS * want), (hi.tolist(), want.tolist())


def _lstm_bad_args():
    rng = np.random.default_rng(0)
    n, T = 2, 3
    p = dict(weight_ih=rng.standard_normal((4 * n, 1)), weight_hh=rng.standard_normal((4 * n, n)),
             bias_ih=np.zeros(4 * n), bias_hh=np.zeros(4 * n), inputs=np.ones((T, 1)), h_prev=np.zeros((T, n)))
    gates = lstm_gates(**p)
    bound = dict(weight_hh=p["weight_hh"], gates=gates, c_prev=np.zeros((T, n)), c=np.full((T, n), 0.1))
    return p, gates, bound


@pytest.mark.parametrize(
    "function, argument, value, message",
    [
        ("lstm_gates", "bias_ih", np.zeros((8, 1)), r"^bias_ih must have 1 dimension"),
        ("lstm_gates", "bias_hh", np.zeros((8, 1)), r"^bias_hh must have 1 dimension"),
        ("lstm_gates", "bias_hh", np.zeros(1), r"^bias_hh has shape \(1,\), but axis 0 must have length 8"),
        ("lstm_gates", "inputs", np.ones(1), r"^inputs must have 2 dimension"),
        ("bound", "gates", {"f": np.full(3, 0.5)}, r"^gates\['f'\] must have 2 dimension"),
        ("bound", "gates", {"f": np.full((3, 3), 0.5)}, r"^gates\['f'\] has shape \(3, 3\), but axis 1"),
        ("bound", "gates", {"g": np.full((2, 2), 0.5)}, r"^gates\['g'\] must have 3 rows"),
        ("bound", "gates", {"o": np.full((2, 2), 0.5)}, r"^gates\['o'\] must have 3 rows"),
        ("bound", "c_prev", np.zeros(2), r"^c_prev must have 2 dimension"),
        ("bound", "c", np.zeros(2), r"^c must have 2 dimension"),
        ("bound", "c", np.zeros((3, 3)), r"^c has shape \(3, 3\), but axis 1 must have length 2"),
    ],
)
def test_lstm_shape_errors_name_the_argument(function, argument, value, message):
    """Each argument's rank and shape is checked, with a message naming it: without the check
    these inputs would broadcast into a wrong answer or fail later with a numpy message."""
    p, gates, bound = _lstm_bad_args()
    if function == "lstm_gates":
        call = lambda: lstm_gates(**{**p, argument: value})  # noqa: E731
    else:
        value = {**gates, **value} if argument == "gates" else value
        call = lambda: lstm_log_jacobian_bound(**{**bound, argument: value})  # noqa: E731
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: gate_preactivation_radius([[1.0, 0.0]], np.ones(1), np.ones((2, 1))),
         r"^weight_ih must have 2 dimension"),
        (lambda: gate_preactivation_radius([[1.0, 0.0]], np.ones((1, 1)), np.ones(1)),
         r"^inputs must have 2 dimension"),
        (lambda: gru_jacobian_deviation_bound(np.zeros((6, 2)), np.zeros((6, 1)), 1.0, 0.0),
         r"^bias_hh must have 1 dimension"),
    ],
)
def test_radius_and_gru_shape_errors_name_the_argument(call, message):
    """As above for gate_preactivation_radius and gru_jacobian_deviation_bound: a 1-D
    weight_ih or inputs, or a 2-D bias_hh, is rejected by name (it would otherwise broadcast)."""
    with pytest.raises(ValueError, match=message):
        call()
