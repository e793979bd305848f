"""Measurement helpers and strategies for the quantitative-prediction tests.

Measurement only: every gradient here comes from PyTorch autograd through real ``torch.nn``
modules (``RNNCell``, ``Linear``, ``LSTMCell``, ``GRUCell``), never from a formula of
``theory``. Hypothesis draws structure (sizes, scales, seeds); numpy builds the arrays.
"""

from __future__ import annotations

import math

import numpy as np
import torch

F64 = torch.float64


def random_recurrent_matrix(family, n, scale, rng):
    """W with entries N(0, scale²/n) (``"gaussian"``) or scale·(Haar orthogonal) (``"orthogonal"``)."""
    if family == "gaussian":
        return rng.standard_normal((n, n)) * (scale / math.sqrt(n))
    if family == "orthogonal":
        # QR through torch (one thread, see conftest): numpy's multithreaded BLAS is ~100×
        # slower on this shared 2-core machine. Sign fix of R's diagonal: Haar measure.
        q, r = torch.linalg.qr(torch.as_tensor(rng.standard_normal((n, n)), dtype=F64))
        q, r = q.numpy(), r.numpy()
        return scale * q * np.where(np.diag(r) < 0, -1.0, 1.0)
    raise ValueError(f"unknown family {family!r}")


def rnn_cell(W, input_weight, bias, nonlinearity="tanh"):
    """A real ``torch.nn.RNNCell`` (float64) holding W, U and b (bias_hh = 0), frozen."""
    n, m = np.shape(input_weight)
    cell = torch.nn.RNNCell(m, n, bias=True, nonlinearity=nonlinearity, dtype=F64)
    with torch.no_grad():
        cell.weight_hh.copy_(torch.as_tensor(W, dtype=F64))
        cell.weight_ih.copy_(torch.as_tensor(input_weight, dtype=F64))
        cell.bias_ih.copy_(torch.as_tensor(bias, dtype=F64))
        cell.bias_hh.zero_()
    cell.requires_grad_(False)
    return cell


def backprop_log_norms(cell, inputs, h0, burn_in, v):
    """Run ``cell`` over ``inputs`` from h0; back-propagate v from h_T by autograd.

    Returns log‖∂⟨v, h_T⟩/∂h_k‖₂ for k = burn_in..T, indexed by the lag ℓ = T − k (entry 0
    is log‖v‖), and the states h_0..h_T. The state at step ``burn_in`` is a leaf, so the
    first ``burn_in`` steps only bring the state variance to its fixed point.
    """
    x = torch.as_tensor(inputs, dtype=F64)
    T = x.shape[0]
    h = torch.as_tensor(h0, dtype=F64)
    states, tracked = [h], []
    with torch.no_grad():
        for t in range(burn_in):
            h = cell(x[t], h)
            states.append(h)
    h = h.clone().requires_grad_(True)
    tracked.append(h)
    for t in range(burn_in, T):
        h = cell(x[t], h)
        tracked.append(h)
        states.append(h.detach())
    grads = torch.autograd.grad(h, tracked, grad_outputs=torch.as_tensor(v, dtype=F64))
    norms = torch.stack([torch.linalg.vector_norm(g) for g in grads]).numpy()
    with np.errstate(divide="ignore"):
        log_norms = np.log(norms)[::-1].copy()
    return log_norms, torch.stack(states).numpy()


def slope(log_norms_by_lag, start):
    """Per-step rate (log‖δ_{T−L}‖ − log‖δ_{T−start}‖)/(L − start): the mean log-increment.

    For a product of (approximately) independent random steps the mean increment is the
    natural estimator of the drift (its variance is the per-step variance over L − start).
    """
    L = len(log_norms_by_lag) - 1
    return float((log_norms_by_lag[L] - log_norms_by_lag[start]) / (L - start))


def mean_field_run(n, sigma_w, sigma_b, sigma_u, seed, *, family="gaussian", burn_in=50,
                   lags=100, activation="tanh"):
    """One random RNN of the mean-field setting and its measured back-propagation profile.

    W from ``family`` at scale σ_w; b_i ~ N(0, σ_b²) fixed over time; input weight σ_u·I and
    x_t ~ N(0, I_n), so the input adds variance σ_u² per unit per step; h_0 = tanh(N(0, 1)).
    Returns (log norms by lag 0..lags, states).
    """
    rng = np.random.default_rng(seed)
    W = random_recurrent_matrix(family, n, sigma_w, rng)
    b = rng.standard_normal(n) * sigma_b
    x = rng.standard_normal((burn_in + lags, n))
    h0 = np.tanh(rng.standard_normal(n))
    v = rng.standard_normal(n)
    cell = rnn_cell(W, sigma_u * np.eye(n), b, activation)
    return backprop_log_norms(cell, x, h0, burn_in, v)


def examples(k):
    """k examples under the dev/ci profiles (30 examples), scaled with the loaded profile.

    The expensive prediction tests (n = 256 runs, long lag profiles) run k examples in the
    default profiles and proportionally more under ``HYPOTHESIS_PROFILE=thorough``.
    """
    from hypothesis import settings

    return max(1, round(settings.default.max_examples * k / 30))
