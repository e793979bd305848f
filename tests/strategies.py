"""Hypothesis strategies: Hypothesis draws the structure, numpy builds the arrays from it.

A case is drawn as a labelled dictionary (size, length, matrix family, target spectrum,
activation, scales, seed) and built into W, U, b, x_1..x_T and h_0 by numpy from the seed,
so that no n² floats are drawn one by one and every falsifying example prints readably.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from hypothesis import strategies as st

import theory

FAMILIES = (
    "gaussian",
    "orthogonal",
    "symmetric",
    "upper_triangular",
    "jordan",
    "low_rank",
    "diagonal",
)
NON_NORMAL_FAMILIES = ("gaussian", "upper_triangular", "jordan", "low_rank")
ACTIVATIONS = ("tanh", "sigmoid", "relu", "identity")


def base_matrix(family, n, rng):
    """An n×n matrix of the given family, of order-one scale, built from ``rng``."""
    if family == "gaussian":
        return rng.standard_normal((n, n)) / np.sqrt(n)
    if family == "orthogonal":
        q, r = np.linalg.qr(rng.standard_normal((n, n)))
        return q * np.where(np.diag(r) < 0, -1.0, 1.0)
    if family == "symmetric":
        a = rng.standard_normal((n, n))
        return (a + a.T) / np.sqrt(2 * n)
    if family == "upper_triangular":
        return np.triu(rng.standard_normal((n, n))) / np.sqrt(n)
    if family == "jordan":
        eigenvalue = rng.uniform(-1.0, 1.0)
        coupling = rng.uniform(0.5, 2.0)
        return eigenvalue * np.eye(n) + coupling * np.eye(n, k=1)
    if family == "low_rank":
        rank = int(rng.integers(1, n + 1))
        left = rng.standard_normal((n, rank))
        right = rng.standard_normal((n, rank))
        return left @ right.T / n
    if family == "diagonal":
        return np.diag(rng.uniform(-1.0, 1.0, n))
    raise ValueError(f"unknown matrix family {family!r}; known: {', '.join(FAMILIES)}")


def scale_to_target(W, target_kind, target_value):
    """Scale W so that its spectral norm or spectral radius equals ``target_value``.

    A radius target on a (numerically) nilpotent W, whose radius cannot be scaled, falls
    back to the norm.
    """
    norm = theory.spectral_norm(W)
    if norm == 0.0:
        return W
    if target_kind == "radius":
        rho = theory.spectral_radius(W)
        if rho > 1e-6 * norm:
            return W * (target_value / rho)
    return W * (target_value / norm)


@dataclass(frozen=True)
class RNNCase:
    """One drawn vanilla-RNN case: its structure, and the arrays numpy builds from it."""

    n: int
    T: int
    family: str
    activation: str
    target_kind: str
    log_target_over_threshold: float
    input_dim: int = 1
    input_scale: float = 0.0
    bias_scale: float = 0.0
    h0_scale: float = 0.0
    seed: int = 0

    @property
    def gamma(self):
        return theory.activation(self.activation).gamma

    @property
    def target_value(self):
        """exp(u)/γ: the target spectral norm or radius, on either side of 1/γ."""
        return float(np.exp(self.log_target_over_threshold) / self.gamma)

    @cached_property
    def arrays(self):
        rng = np.random.default_rng(self.seed)
        W = scale_to_target(base_matrix(self.family, self.n, rng), self.target_kind, self.target_value)
        U = rng.standard_normal((self.n, self.input_dim)) / np.sqrt(self.input_dim)
        x = rng.standard_normal((self.T, self.input_dim)) * self.input_scale
        b = rng.standard_normal(self.n) * self.bias_scale
        h0 = rng.uniform(-1.0, 1.0, self.n) * self.h0_scale
        return {"W": W, "U": U, "inputs": x, "b": b, "h0": h0}

    @property
    def W(self):
        return self.arrays["W"]

    @cached_property
    def profile(self):
        a = self.arrays
        try:
            return theory.lag_profile(
                a["W"], self.activation, inputs=a["inputs"], U=a["U"], b=a["b"], h0=a["h0"]
            )
        except ValueError as error:
            if "overflowed" not in str(error):
                raise
            # relu/identity with a large W can overflow the forward pass itself: there is no
            # run to measure, so the case is outside every claim's hypotheses.
            from hypothesis import reject

            reject()

    def params(self):
        """JSON-serialisable parameters, enough to rebuild the case."""
        return {
            "n": self.n,
            "T": self.T,
            "family": self.family,
            "activation": self.activation,
            "target_kind": self.target_kind,
            "log_target_over_threshold": self.log_target_over_threshold,
            "input_dim": self.input_dim,
            "input_scale": self.input_scale,
            "bias_scale": self.bias_scale,
            "h0_scale": self.h0_scale,
            "seed": self.seed,
            "spectral_norm": theory.spectral_norm(self.W),
            "spectral_radius": theory.spectral_radius(self.W),
        }


def _scale():
    return st.one_of(st.just(0.0), st.floats(0.01, 3.0, allow_subnormal=False))


def rnn_cases(
    *,
    activations=ACTIVATIONS,
    families=FAMILIES,
    max_n=64,
    max_T=300,
    min_T=1,
    log_target=(-2.0, 2.0),
    target_kinds=("norm", "radius"),
    inputs=True,
):
    """Strategy for :class:`RNNCase`.

    Parameters
    ----------
    activations, families : sequences of str
    max_n, max_T, min_T : int
        n is drawn from 1..max_n, T from min_T..max_T.
    log_target : (float, float)
        Range of u, where the target norm or radius is exp(u)/γ: both sides of 1/γ.
    target_kinds : sequence of {"norm", "radius"}
    inputs : bool
        If False, inputs, bias and h_0 are zero.
    """
    zero = st.just(0.0)
    return st.fixed_dictionaries(
        {
            "n": st.integers(1, max_n),
            "T": st.integers(min_T, max_T),
            "family": st.sampled_from(families),
            "activation": st.sampled_from(activations),
            "target_kind": st.sampled_from(target_kinds),
            "log_target_over_threshold": st.floats(*log_target, allow_subnormal=False),
            "input_dim": st.integers(1, 4),
            "input_scale": _scale() if inputs else zero,
            "bias_scale": _scale() if inputs else zero,
            "h0_scale": st.floats(0.0, 1.0, allow_subnormal=False) if inputs else zero,
            "seed": st.integers(0, 2**32 - 1),
        }
    ).map(lambda kw: RNNCase(**kw))
