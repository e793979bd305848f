"""Hypothesis cases for the BPTT tests: a tanh torch.nn.RNN with a linear readout.

Hypothesis draws the structure (sizes, length, scales, seed) as a labelled dictionary; numpy
builds W, U, b, V, c, the inputs and the targets from the seed; the modules are real
``torch.nn.RNN`` / ``torch.nn.Linear`` (see :func:`theory.measurement.bptt.rnn_modules`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from hypothesis import strategies as st

import theory
from theory.experiments import agreement
from theory.measurement import bptt as bptt_measurement
from theory.testing import EPS, describe  # noqa: F401 (re-exported to the BPTT tests)


@dataclass(frozen=True)
class BPTTCase:
    n: int
    m: int
    p: int
    T: int
    log_norm: float
    input_scale: float
    bias_scale: float
    seed: int

    @cached_property
    def arrays(self):
        rng = np.random.default_rng(self.seed)
        W = rng.standard_normal((self.n, self.n)) / np.sqrt(self.n)
        W *= np.exp(self.log_norm) / theory.spectral_norm(W)
        U = rng.standard_normal((self.n, self.m)) / np.sqrt(self.m)
        b = rng.standard_normal(self.n) * self.bias_scale
        V = rng.standard_normal((self.p, self.n))
        c = rng.standard_normal(self.p) * 0.1
        x = rng.standard_normal((self.T, self.m)) * self.input_scale
        y = rng.integers(0, self.p, self.T)
        return {"W": W, "U": U, "b": b, "V": V, "c": c, "inputs": x, "targets": y}

    def modules(self):
        a = self.arrays
        return bptt_measurement.rnn_modules(a["W"], a["U"], a["b"], a["V"], a["c"])

    @cached_property
    def untied(self):
        """Per-loss, per-step gradients of every L_t (t = 1..T) on the untied copies."""
        rnn, readout = self.modules()
        return bptt_measurement.untied_gradients(rnn, readout, self.arrays["inputs"], self.arrays["targets"])

    @cached_property
    def untied_last(self):
        """Per-step gradients of L_T alone on the untied copies."""
        rnn, readout = self.modules()
        a = self.arrays
        return bptt_measurement.untied_gradients(rnn, readout, a["inputs"], a["targets"], [self.T])

    @property
    def w_norm(self):
        return theory.spectral_norm(self.arrays["W"])

    def params(self):
        return {
            "n": self.n,
            "m": self.m,
            "p": self.p,
            "T": self.T,
            "log_norm": self.log_norm,
            "input_scale": self.input_scale,
            "bias_scale": self.bias_scale,
            "seed": self.seed,
            "spectral_norm": self.w_norm,
            "spectral_radius": theory.spectral_radius(self.arrays["W"]),
        }


def bptt_cases(*, max_n=10, max_T=20, min_T=1, log_norm=(-1.5, 1.0), min_input_scale=0.0):
    """Strategy for :class:`BPTTCase`: ‖W‖₂ = exp(u) with u drawn in ``log_norm``."""
    return st.fixed_dictionaries(
        {
            "n": st.integers(1, max_n),
            "m": st.integers(1, 3),
            "p": st.integers(2, 3),
            "T": st.integers(min_T, max_T),
            "log_norm": st.floats(*log_norm, allow_subnormal=False),
            "input_scale": st.floats(max(min_input_scale, 0.0), 2.0, allow_subnormal=False)
            if min_input_scale > 0
            else st.one_of(st.just(0.0), st.floats(0.01, 2.0, allow_subnormal=False)),
            "bias_scale": st.one_of(st.just(0.0), st.floats(0.01, 1.0, allow_subnormal=False)),
            "seed": st.integers(0, 2**32 - 1),
        }
    ).map(lambda kw: BPTTCase(**kw))


def rounding_scale(case):
    """max(1, ‖W‖₂)^T: first-order growth of a rounding error over at most T steps.

    Why: an error made at step k reaches step T through ∂h_T/∂h_k, whose norm is at most
    (γ‖W‖₂)^{T−k} with γ = 1 for tanh (claim U1), and through the backward pass likewise.
    """
    return max(1.0, case.w_norm) ** case.T


def agreement_rnn_at_init(distance=30, seed=0, config=None):
    """The agreement RNN (hidden size 16, PyTorch default init) on one real sequence.

    Returns
    -------
    dict
        ``rnn``, ``readout`` (torch modules holding the model's W, U, b = b_ih + b_hh, V, c),
        ``inputs`` (T, vocab), ``targets`` (T,) with the verb's label last, ``W``, ``U``.
    """
    config = agreement.SLOW_CONFIG if config is None else config
    model = agreement.build_model("rnn", config, seed)
    arrays = agreement.trained_rnn_arrays(model)
    rnn, readout = bptt_measurement.rnn_modules(
        arrays["W"], arrays["U"], arrays["b"],
        model.readout.weight.detach().numpy(), model.readout.bias.detach().numpy(),
    )
    x, y = agreement.make_sequences(distance, 1, n_fillers=config.n_fillers, seed=config.test_seed)
    targets = np.zeros(x.shape[1], dtype=np.int64)
    targets[-1] = y[0]
    return {"rnn": rnn, "readout": readout, "inputs": x[0], "targets": targets,
            "W": arrays["W"], "U": arrays["U"], "label": int(y[0])}


def saturation_tolerance(preactivations):
    """Extra log-space tolerance for tight bounds along one run, per k = 1..T: Σ_{t=k..T} 4u/m_t.

    Why: autograd's tanh backward computes φ'(a) = 1 − tanh(a)², whose relative error is
    about 2u/φ'(a) when the unit saturates (cancellation), while the theory evaluates
    log φ'(a) = −2 log cosh(a) exactly; m_t = min_i φ'(a_{t,i}) is the worst factor of step t.
    Bounds that are equalities for n = 1 (the trajectory bounds) need this; 4 doubles it.
    """
    a = np.asarray(preactivations, dtype=float)
    m = np.exp(theory.activation("tanh").log_derivative(a).min(axis=1))
    per_step = 4.0 * EPS / np.maximum(m, 1e-300)
    return np.cumsum(per_step[::-1])[::-1]
