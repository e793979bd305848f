"""Gradient clipping (claim C1): Pascanu, Mikolov & Bengio (2013), Algorithm 1, as implemented
by ``torch.nn.utils.clip_grad_norm_``, on exploding RNN cases drawn by the suite's strategy.

Tolerances: PyTorch scales by θ/(‖g‖ + 1e-6), so the clipped norm is θ·‖g‖/(‖g‖ + 1e-6),
a relative deficit ≤ 1e-6/‖g‖; float64 rounding of the norm over P parameters adds ≤ P·u
relative (P ≤ 10⁴ here: 1e-12). Direction: cosine ≥ 1 − 1e-12 (rounding of the rescaling).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from tests.prediction_strategies import examples
from theory.testing import RNNCase, rnn_cases
from theory.report.evidence import observe
from theory.gated import clipped_gradient_norm

F64 = torch.float64
EPS_TORCH = 1e-6  # the constant PyTorch adds to the norm in clip_grad_norm_
ROUNDING = 1e-12


def rnn_gradient(case: RNNCase):
    """Loss ⟨v, h_T⟩ + Σ_t ⟨v, h_t⟩/T through the fused torch.nn.RNN; returns the module."""
    a = case.arrays
    rnn = torch.nn.RNN(case.input_dim, case.n, nonlinearity=case.activation, dtype=F64)
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(torch.as_tensor(a["W"]))
        rnn.weight_ih_l0.copy_(torch.as_tensor(a["U"]))
        rnn.bias_ih_l0.copy_(torch.as_tensor(a["b"]))
        rnn.bias_hh_l0.zero_()
    out, h_T = rnn(torch.as_tensor(a["inputs"]), torch.as_tensor(a["h0"]).reshape(1, -1))
    v = torch.as_tensor(np.random.default_rng(case.seed).standard_normal(case.n))
    loss = (h_T.reshape(-1) @ v) + (out @ v).mean()
    loss.backward()
    return rnn


def flat_grad(module):
    return torch.cat([p.grad.reshape(-1) for p in module.parameters()]).clone()


def check_clip(before, after, returned, threshold, case):
    norm = float(torch.linalg.vector_norm(before))
    new = float(torch.linalg.vector_norm(after))
    expected = clipped_gradient_norm(norm, threshold)
    assert abs(float(returned) - norm) <= ROUNDING * norm, (float(returned), norm, case)
    rel = abs(new - expected) / expected
    tol = EPS_TORCH / norm + ROUNDING
    assert rel <= tol, (
        f"clipped norm {new:.12g}, Algorithm 1 gives {expected:.12g} (‖g‖ = {norm:.6g}, θ = {threshold:.6g}); "
        f"relative error {rel:.3g} > {tol:.3g}; case {case}"
    )
    cosine = float(before @ after) / (norm * new)
    assert cosine >= 1 - ROUNDING, f"direction changed: cosine {cosine!r}; case {case}"
    return rel - tol


@pytest.mark.claim("C1")
@settings(max_examples=examples(20))
@given(
    rnn_cases(activations=("tanh", "relu"), sizes=(1, 16), lengths=(5, 60), log_target=(0.2, 1.5)),
    st.floats(0.5, 12.0, allow_subnormal=False),
)
@example(RNNCase(n=4, T=40, family="orthogonal", activation="relu", target_kind="norm",
                 log_target_over_threshold=1.0, input_scale=1.0, bias_scale=0.5, h0_scale=0.5, seed=3), 5.0)
def test_clipping_rescales_to_threshold_and_keeps_direction(case, log_ratio):
    rnn = rnn_gradient(case)
    before = flat_grad(rnn)
    norm = float(torch.linalg.vector_norm(before))
    assume(math.isfinite(norm) and norm > 1e-3)
    threshold = norm * math.exp(-log_ratio)  # an exploding gradient: ‖g‖ > θ
    returned = torch.nn.utils.clip_grad_norm_(rnn.parameters(), max_norm=threshold)
    after = flat_grad(rnn)
    tight = check_clip(before, after, returned, threshold, case.params())
    observe("C1", tight, {**case.params(), "grad_norm": norm, "threshold": threshold})


def test_no_clipping_below_threshold():
    case = RNNCase(n=3, T=10, family="gaussian", activation="tanh", target_kind="norm",
                   log_target_over_threshold=-0.5, input_scale=0.5, seed=1)
    rnn = rnn_gradient(case)
    before = flat_grad(rnn)
    norm = float(torch.linalg.vector_norm(before))
    torch.nn.utils.clip_grad_norm_(rnn.parameters(), max_norm=10 * norm)
    assert torch.equal(flat_grad(rnn), before)
    assert clipped_gradient_norm(norm, 10 * norm) == norm


@pytest.mark.meta
def test_meta_per_parameter_clipping_is_caught():
    """Clipping each parameter's gradient separately (not Algorithm 1) changes the direction."""
    case = RNNCase(n=6, T=40, family="gaussian", activation="tanh", target_kind="norm",
                   log_target_over_threshold=1.0, input_scale=1.0, bias_scale=0.5, seed=7)
    rnn = rnn_gradient(case)
    before = flat_grad(rnn)
    threshold = float(torch.linalg.vector_norm(before)) / 50
    for p in rnn.parameters():
        torch.nn.utils.clip_grad_norm_([p], max_norm=threshold)
    with pytest.raises(AssertionError):
        check_clip(before, flat_grad(rnn), torch.linalg.vector_norm(before), threshold, "per-parameter")


@pytest.mark.meta
def test_meta_wrong_rescale_is_caught():
    """Rescaling by θ/‖g‖² instead of θ/‖g‖ is rejected."""
    case = RNNCase(n=6, T=40, family="gaussian", activation="tanh", target_kind="norm",
                   log_target_over_threshold=1.0, input_scale=1.0, seed=8)
    before = flat_grad(rnn_gradient(case))
    norm = float(torch.linalg.vector_norm(before))
    threshold = norm / 10
    with pytest.raises(AssertionError):
        check_clip(before, before * threshold / norm**2, norm, threshold, "θ/‖g‖²")


@pytest.mark.parametrize("args", [(-1.0, 1.0), (1.0, 0.0), (1.0, -2.0), (float("nan"), 1.0), (1.0, float("inf"))])
def test_bad_input_raises_value_error(args):
    with pytest.raises(ValueError):
        clipped_gradient_norm(*args)
