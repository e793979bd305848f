"""Points 1–3 of the motivating question: shared weights, their two roles, BPTT as a sum.

Measurement only: every gradient is autograd through torch.nn.RNN / torch.nn.RNNCell /
torch.nn.Linear (theory.experiments.agreement); the untied unroll has one torch.nn.RNNCell per step.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import example, given, target

from theory.measurement import bptt as bptt_measurement
from theory.report.evidence import observe, record_data

from .bptt_cases import EPS, BPTTCase, bptt_cases, describe, rounding_scale

_REPRESENTATIVE = BPTTCase(n=16, m=3, p=2, T=20, log_norm=0.0, input_scale=1.0,
                           bias_scale=0.1, seed=4)
_RUNNING = {"max_rel_discrepancy": 0.0, "examples": 0}


def sum_tolerance(case, scale):
    """Tolerance for 'a gradient equals a sum of gradients', computed two ways.

    Why: the two sides differ only in the order of floating-point operations. Each backward
    step is a matrix–vector product with relative error ≤ (n + m + p)·u (Higham 2002, §3.5),
    accumulated over ≤ T + 1 steps and amplified by at most max(1, ‖W‖₂)^T (claim U1 with
    γ = 1), relative to ``scale`` = the sum of the norms of the parts; the sum of T² parts
    adds (T + 1)·u per entry. 16 covers second-order terms with room; dropping a single
    part is many orders larger (see the meta test).
    """
    return 16.0 * (case.T + 1) * (case.n + case.m + case.p) * EPS * rounding_scale(case) * scale


def check_sum(total, parts_sum, tolerance, case, what):
    dev = float(np.max(np.abs(np.asarray(total) - np.asarray(parts_sum))))
    assert dev <= tolerance, (
        f"{what}: gradient differs from the sum of its parts by {dev:.3g} > tolerance "
        f"{tolerance:.3g}; case: {describe(case)}"
    )
    return dev


@given(case=bptt_cases(max_T=20))
@example(case=_REPRESENTATIVE)
@pytest.mark.claim("Q1")
def test_weights_are_shared_across_steps(case):
    """The fused torch.nn.RNN is one torch.nn.RNNCell applied at every step."""
    rnn, readout = case.modules()
    names = sorted(name for name, _ in rnn.named_parameters())
    assert names == ["bias_hh_l0", "bias_ih_l0", "weight_hh_l0", "weight_ih_l0"], names
    count = sum(p.numel() for p in rnn.parameters()) + sum(p.numel() for p in readout.parameters())
    n, m, p = case.n, case.m, case.p
    assert count == n * m + n * n + 2 * n + p * n + p, (count, describe(case))
    cell = torch.nn.RNNCell(m, n, nonlinearity="tanh", dtype=torch.float64)
    with torch.no_grad():
        cell.weight_hh.copy_(rnn.weight_hh_l0)
        cell.weight_ih.copy_(rnn.weight_ih_l0)
        cell.bias_ih.copy_(rnn.bias_ih_l0)
        cell.bias_hh.copy_(rnn.bias_hh_l0)
        x = torch.as_tensor(case.arrays["inputs"])
        fused, _ = rnn(x)
        h, looped = torch.zeros(n, dtype=torch.float64), []
        for t in range(case.T):
            h = cell(x[t], h)
            looped.append(h)
        looped = torch.stack(looped)
        dev = float((fused - looped).abs().max())
        logit_dev = float((readout(fused) - torch.stack([readout(s) for s in looped])).abs().max())
    # Rounding: each step is an (n + m)-term dot product and a tanh (≤ (n + m + 1)·u each),
    # errors carried over ≤ T steps with gain ≤ max(1, ‖W‖₂) per step (claim U1, γ = 1).
    tol = 8.0 * (n + m + 1) * case.T * EPS * rounding_scale(case)
    assert dev <= tol, f"fused RNN vs one shared cell: {dev:.3g} > {tol:.3g}; case {describe(case)}"
    assert logit_dev <= tol * (1 + float(np.abs(case.arrays["V"]).sum(axis=1).max())), logit_dev
    tightness = math.log(dev / tol) if dev > 0 else -math.inf
    observe("Q1", tightness, case.params())
    if case == _REPRESENTATIVE:
        record_data("weight_sharing", {"parameters": count, "n": n, "m": m, "p": p,
                                       "T": case.T, "max_abs_difference": dev})


@given(case=bptt_cases(min_T=2, max_T=12, min_input_scale=0.05))
@example(case=_REPRESENTATIVE)
@pytest.mark.claim("Q2")
def test_input_and_context_weights_serve_two_roles(case):
    """∂(Σ L_t)/∂U_k = ∂L_k/∂U_k (now) + Σ_{t>k} ∂L_t/∂U_k (later); V only serves its own step."""
    G = case.untied
    T = case.T
    upper = np.triu(np.ones((T, T), dtype=bool), k=1)  # entries [t, k] with k > t
    for name in ("W", "U", "b_ih", "b_hh"):
        future = np.abs(G[name][upper]).max() if upper.any() else 0.0
        assert future == 0.0, f"L_t depends on {name} at a later step: {future}; {describe(case)}"
    off = ~np.eye(T, dtype=bool)
    leak = np.abs(G["V"][off]).max()
    assert leak == 0.0, f"the readout at one step affects the loss at another: {leak}; {describe(case)}"
    shares = []
    for name in ("U", "W"):
        now = np.array([np.linalg.norm(G[name][k, k]) for k in range(T)])
        later = np.array([np.linalg.norm(G[name][k + 1 :, k].sum(axis=0)) for k in range(T)])
        assert later[-1] == 0.0  # nothing comes after the last step
        if name == "U":
            # x_k ≠ 0 (input_scale > 0), so both roles are generically active for k < T.
            assert (now > 0).all() and (later[:-1] > 0).all(), (
                f"{name}: now {now}, later {later}; case {describe(case)}"
            )
            shares = later[:-1] / (now[:-1] + later[:-1])
    observe("Q2", -float(np.min(shares)), case.params())
    if case == _REPRESENTATIVE:
        record_data("two_roles", {
            "T": T, "n": case.n,
            "later_share_U": shares.tolist(),
            "median_later_share_U": float(np.median(shares)),
        })


@given(case=bptt_cases(max_T=12))
@example(case=_REPRESENTATIVE)
@example(case=BPTTCase(n=3, m=1, p=2, T=1, log_norm=0.0, input_scale=0.0, bias_scale=0.0, seed=0))
@pytest.mark.claim("Q3")
def test_gradient_is_sum_over_losses_and_steps(case):
    """∇ Σ_t L_t = Σ_t ∇L_t, and the shared gradient = Σ over untied per-step copies."""
    rnn, readout = case.modules()
    a = case.arrays
    shared = bptt_measurement.shared_gradients(rnn, readout, a["inputs"], a["targets"])
    per_loss = bptt_measurement.per_loss_gradients(rnn, readout, a["inputs"], a["targets"])
    G = case.untied
    worst, worst_log = 0.0, -50.0
    for name in bptt_measurement.PARAMETER_NAMES:
        parts_loss = per_loss[name]
        parts_step = G[name].reshape((-1,) + shared[name].shape)
        scale = sum(np.linalg.norm(q) for q in parts_loss) + sum(np.linalg.norm(q) for q in parts_step)
        tol = sum_tolerance(case, max(scale, 1e-300))
        d1 = check_sum(shared[name], parts_loss.sum(axis=0), tol, case, f"{name}: Σ over losses")
        d2 = check_sum(shared[name], parts_step.sum(axis=0), tol, case, f"{name}: Σ over untied copies")
        if scale > 0:
            rel = max(d1, d2) / scale
            worst = max(worst, rel)
            _RUNNING["max_rel_discrepancy"] = max(_RUNNING["max_rel_discrepancy"], rel)
            if max(d1, d2) > 0:
                worst_log = max(worst_log, math.log(max(d1, d2) / tol))
    target(worst_log, label="log(dev/tol)")
    _RUNNING["examples"] += 1
    observe("Q3", math.log(worst) - math.log(16 * (case.T + 1) * (case.n + case.m + case.p) * EPS)
            if worst > 0 else -math.inf, case.params())
    record_data("bptt_sum_rule", dict(_RUNNING))


@pytest.mark.meta
def test_meta_dropping_one_per_step_term_is_caught():
    case = BPTTCase(n=4, m=2, p=2, T=6, log_norm=-0.1, input_scale=1.0, bias_scale=0.1, seed=11)
    rnn, readout = case.modules()
    a = case.arrays
    shared = bptt_measurement.shared_gradients(rnn, readout, a["inputs"], a["targets"])
    G = case.untied
    parts = G["W"].reshape((-1, case.n, case.n))
    scale = sum(np.linalg.norm(q) for q in parts)
    tol = sum_tolerance(case, scale)
    for t, k in ((case.T - 1, case.T - 1), (case.T - 1, 2), (3, 1)):  # drop lag 0, 3 and 2 terms
        dropped = G["W"].sum(axis=(0, 1)) - G["W"][t, k]
        with pytest.raises(AssertionError):
            check_sum(shared["W"], dropped, tol, case, f"W without term (t={t + 1}, k={k + 1})")
    # "U at step k is trained only by the loss at step k" (no packaging role) is also caught:
    only_now = sum(G["U"][k, k] for k in range(case.T))
    with pytest.raises(AssertionError):
        check_sum(shared["U"], only_now, tol, case, "U, only the per-step (now) terms")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda r, o: bptt_measurement.shared_gradients(r, o, np.zeros((3, 2)), [0, 0, 0]), "inputs"),
        (lambda r, o: bptt_measurement.shared_gradients(r, o, np.zeros((3, 1)), [0, 0]), "targets"),
        (lambda r, o: bptt_measurement.shared_gradients(r, o, np.zeros((3, 1)), [0, 5, 0]), "targets"),
        (lambda r, o: bptt_measurement.untied_gradients(r, o, np.zeros((3, 1)), [0, 0, 0], [4]), "loss_steps"),
        (lambda r, o: bptt_measurement.per_loss_gradients(r, o, np.zeros((0, 1)), []), "at least one"),
        (lambda r, o: bptt_measurement.input_gradients(r, o, np.zeros((3, 1)), 7), "target"),
        (lambda r, o: bptt_measurement.rnn_modules(np.eye(2), np.ones((3, 1))), "U"),
        (lambda r, o: bptt_measurement.rnn_modules(np.ones((2, 3)), np.ones((2, 1))), "square"),
    ],
)
def test_bad_input_raises(call, message):
    rnn, readout = bptt_measurement.rnn_modules(0.5 * np.eye(2), np.ones((2, 1)))
    with pytest.raises(ValueError, match=message):
        call(rnn, readout)
