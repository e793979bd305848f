"""Activation functions φ with their derivatives, γ = sup|φ'| and inf|φ'| on an interval.

Everything here is numpy. Log-space versions of φ' are given so that bounds built from
products of many derivatives neither underflow nor overflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ._validation import as_finite_array

__all__ = ["Activation", "activation", "ACTIVATION_NAMES"]


def _log_cosh(a):
    a = np.abs(a)
    return a + np.log1p(np.exp(-2.0 * a)) - np.log(2.0)


def _tanh_log_derivative(a):
    # log(1 - tanh(a)^2) = log sech(a)^2 = -2 log cosh(a): exact in log space, no underflow.
    return -2.0 * _log_cosh(a)


def _sigmoid(a):
    a = np.asarray(a, dtype=np.float64)
    # Written through exp(-|a|) so that neither branch overflows.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_log_derivative(a):
    # σ'(a) = σ(a)σ(−a) = e^{−|a|} / (1 + e^{−|a|})^2.
    a = np.abs(np.asarray(a, dtype=np.float64))
    return -a - 2.0 * np.log1p(np.exp(-a))


def _relu_log_derivative(a):
    # PyTorch's convention: relu'(0) = 0. Bounds and measurement use the same convention.
    return np.where(np.asarray(a) > 0, 0.0, -np.inf)


def _identity_log_derivative(a):
    return np.zeros(np.shape(a))


@dataclass(frozen=True)
class Activation:
    """An elementwise activation φ and the facts about φ' that the bounds need.

    Attributes
    ----------
    name : str
        Canonical name (``"tanh"``, ``"sigmoid"``, ``"relu"``, ``"identity"``).
    gamma : float
        γ = sup_a |φ'(a)|, exact.
    state_bound : float or None
        sup_a |φ(a)| (1 for tanh and sigmoid); ``None`` when φ is unbounded.
    """

    name: str
    gamma: float
    state_bound: Optional[float]
    _phi: Callable = None
    _log_derivative: Callable = None

    def phi(self, a):
        """φ(a), elementwise."""
        return self._phi(np.asarray(a, dtype=np.float64))

    def derivative(self, a):
        """φ'(a), elementwise (for relu, φ'(0) = 0 as in PyTorch)."""
        return np.exp(self.log_derivative(a))

    def log_derivative(self, a):
        """log |φ'(a)|, elementwise, computed without underflow (−inf where φ'(a) = 0)."""
        return self._log_derivative(np.asarray(a, dtype=np.float64))

    @property
    def log_gamma(self):
        """log γ."""
        return float(np.log(self.gamma))

    def log_inf_derivative(self, radius):
        """log inf_{|a| ≤ r} |φ'(a)|, for the a-priori lower bound.

        tanh and sigmoid have |φ'| even and decreasing in |a|, so the infimum is at |a| = r;
        relu's interval contains a ≤ 0 where φ' = 0 (−inf); identity gives 0.
        """
        radius = as_finite_array(radius, "radius")
        if np.any(radius < 0):
            raise ValueError(f"radius must be non-negative, got {radius!r}")
        if self.name == "relu":
            return np.full(np.shape(radius), -np.inf)[()]
        return self.log_derivative(radius)[()]

    def inf_derivative(self, radius):
        """inf_{|a| ≤ r} |φ'(a)| (see :meth:`log_inf_derivative`)."""
        return np.exp(self.log_inf_derivative(radius))

    def __repr__(self):
        return f"activation({self.name!r})"


_ACTIVATIONS = {
    "tanh": Activation("tanh", 1.0, 1.0, np.tanh, _tanh_log_derivative),
    "sigmoid": Activation("sigmoid", 0.25, 1.0, _sigmoid, _sigmoid_log_derivative),
    "relu": Activation("relu", 1.0, None, lambda a: np.maximum(a, 0.0), _relu_log_derivative),
    "identity": Activation("identity", 1.0, None, lambda a: a, _identity_log_derivative),
}
_ALIASES = {"linear": "identity", "logistic": "sigmoid"}

ACTIVATION_NAMES = tuple(_ACTIVATIONS)


def activation(name):
    """Look up an activation φ by name.

    Parameters
    ----------
    name : str or Activation
        ``"tanh"``, ``"sigmoid"``, ``"relu"`` or ``"identity"`` (alias ``"linear"``;
        ``"logistic"`` for sigmoid). An :class:`Activation` is returned unchanged.

    Returns
    -------
    Activation
        φ, φ', log|φ'|, the exact γ = sup|φ'| (tanh 1, sigmoid 1/4, relu 1, identity 1),
        and inf_{|a|≤r}|φ'(a)| for lower bounds.

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural
    networks", ICML, §2.1 ("The mechanics": γ as the bound on ‖diag φ'(a)‖).

    Examples
    --------
    >>> activation("sigmoid").gamma
    0.25
    >>> float(activation("tanh").inf_derivative(0.0))
    1.0
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise ValueError(f"activation name must be a string, got {type(name).__name__}")
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in _ACTIVATIONS:
        known = ", ".join(ACTIVATION_NAMES + tuple(_ALIASES))
        raise ValueError(f"unknown activation {name!r}; known activations: {known}")
    return _ACTIVATIONS[key]
