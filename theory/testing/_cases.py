"""Random vanilla-RNN cases: Hypothesis draws the structure, numpy builds the arrays.

A case is drawn as labelled numbers (size, length, matrix family, target spectrum,
activation, scales, seed) and built into W, U, b, x_1..x_T and h_0 by numpy from the seed,
so that a falsifying example prints as ``RNNCase(n=2, T=3, family='gaussian', ...)``, a line
that rebuilds it. Drawing never measures: the torch measurement (:attr:`RNNCase.profile`) runs
only when a test asks for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..activations import activation as _activation
from ..spectra import spectral_norm as _spectral_norm
from ..spectra import spectral_radius as _spectral_radius
from ._matrices import FAMILIES, _check_families, base_matrix, scale_to_target

__all__ = ["ACTIVATIONS", "RNNCase", "rnn_cases"]

ACTIVATIONS = ("tanh", "sigmoid", "relu", "identity")
_TARGET_KINDS = ("norm", "radius")
# A drawn run whose states exceed this is not generated: torch's forward pass of the same run
# (which rounds differently) could then overflow float64 (~1.8e308), where no gradient exists.
_MAX_STATE = 1e300


@dataclass(frozen=True)
class RNNCase:
    """One vanilla RNN h_t = φ(W h_{t−1} + U x_t + b), t = 1..T: its structure and arrays.

    The arrays are built by numpy from ``seed``: ``W`` (n, n) scaled so that its spectral norm
    or radius (``target_kind``) is ``target_value`` = exp(``log_target_over_threshold``)/γ,
    ``U`` (n, m) with m = ``input_dim``, ``b`` (n,), ``x`` (T, m) and ``h0`` (n,), all float64.

    Attributes
    ----------
    n, T : int
        Hidden size and sequence length.
    family : str
        Matrix family of W (see :data:`FAMILIES`).
    activation : str
        φ: ``"tanh"``, ``"sigmoid"``, ``"relu"`` or ``"identity"``.
    target_kind : {"norm", "radius"}
    log_target_over_threshold : float
        u in target = exp(u)/γ: u < 0 is below the threshold 1/γ, u > 0 above.
    input_dim : int
        m, the input width.
    input_scale, bias_scale, h0_scale : float
        Scales of x (normal), b (normal) and h_0 (uniform in ±h0_scale).
    seed : int
        numpy seed of the arrays.

    Examples
    --------
    >>> case = RNNCase(n=3, T=5, family="orthogonal", activation="tanh", target_kind="norm",
    ...                log_target_over_threshold=0.0, input_dim=2, input_scale=1.0, seed=7)
    >>> case.W.shape, case.U.shape, case.b.shape, case.x.shape, case.h0.shape
    ((3, 3), (3, 2), (3,), (5, 2), (3,))
    >>> round(float(np.linalg.norm(case.W, 2)), 12)
    1.0
    """

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
    def gamma(self) -> float:
        """γ = sup|φ'| of the activation."""
        return _activation(self.activation).gamma

    @property
    def target_value(self) -> float:
        """exp(u)/γ: the target spectral norm or radius, on either side of 1/γ."""
        return float(np.exp(self.log_target_over_threshold) / self.gamma)

    @cached_property
    def arrays(self) -> dict[str, np.ndarray]:
        """``{"W", "U", "inputs", "b", "h0"}``: the case's arrays (``inputs`` is x, (T, m))."""
        rng = np.random.default_rng(self.seed)
        W = scale_to_target(base_matrix(self.family, self.n, rng), self.target_kind, self.target_value)
        U = rng.standard_normal((self.n, self.input_dim)) / np.sqrt(self.input_dim)
        x = rng.standard_normal((self.T, self.input_dim)) * self.input_scale
        b = rng.standard_normal(self.n) * self.bias_scale
        h0 = rng.uniform(-1.0, 1.0, self.n) * self.h0_scale
        return {"W": W, "U": U, "inputs": x, "b": b, "h0": h0}

    @property
    def W(self) -> np.ndarray:
        """Recurrent weights, (n, n)."""
        return self.arrays["W"]

    @property
    def U(self) -> np.ndarray:
        """Input weights, (n, m)."""
        return self.arrays["U"]

    @property
    def b(self) -> np.ndarray:
        """Bias, (n,)."""
        return self.arrays["b"]

    @property
    def x(self) -> np.ndarray:
        """Inputs x_1..x_T as rows, (T, m)."""
        return self.arrays["inputs"]

    @property
    def h0(self) -> np.ndarray:
        """Initial state, (n,)."""
        return self.arrays["h0"]

    @cached_property
    def profile(self):
        """``theory.lag_profile`` of this run (torch autograd), measured on first access.

        Raises ``ValueError`` as ``lag_profile`` does, e.g. when the forward pass overflows;
        :func:`rnn_cases` never draws such a case.
        """
        from ..measurement import lag_profile

        a = self.arrays
        return lag_profile(a["W"], self.activation, inputs=a["inputs"], U=a["U"], b=a["b"], h0=a["h0"])

    def forward_states(self) -> np.ndarray:
        """h_0..h_T of this run by numpy, (T + 1, n); non-finite where float64 overflows."""
        phi = _activation(self.activation)
        states = np.empty((self.T + 1, self.n))
        states[0] = self.h0
        with np.errstate(over="ignore", invalid="ignore"):
            for t in range(self.T):
                states[t + 1] = phi.phi(self.W @ states[t] + self.U @ self.x[t] + self.b)
        return states

    def params(self) -> dict:
        """JSON-serialisable parameters, enough to rebuild the case, and W's norm and radius."""
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
            "spectral_norm": _spectral_norm(self.W),
            "spectral_radius": _spectral_radius(self.W),
        }


def _forward_stays_finite(case):
    if case.activation in ("tanh", "sigmoid"):
        return True  # bounded states
    states = case.forward_states()
    return bool(np.isfinite(states).all() and np.abs(states).max(initial=0.0) <= _MAX_STATE)


def _int_range(value, name, lowest):
    """An int k (meaning k..k) or a pair (low, high), lowest ≤ low ≤ high: the inclusive range."""
    pair = (value, value) if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value
    if (
        not isinstance(pair, Sequence)
        or len(pair) != 2
        or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in pair)
    ):
        raise InvalidArgument(f"{name} must be an int or a pair (min, max) of ints, got {value!r}")
    low, high = int(pair[0]), int(pair[1])
    if low < lowest or low > high:
        raise InvalidArgument(f"{name} = {value!r}: need {lowest} ≤ min ≤ max")
    return low, high


def _names(value, name, known):
    names = (value,) if isinstance(value, str) else value
    if not isinstance(names, Sequence) or len(names) == 0:
        raise InvalidArgument(f"{name} must be a name or a non-empty sequence of names, got {value!r}")
    unknown = [v for v in names if v not in known]
    if unknown:
        raise InvalidArgument(f"unknown {name[:-1]} {unknown[0]!r} in {name}; known: {', '.join(known)}")
    return tuple(names)


def _float_range(value, name):
    if (not isinstance(value, Sequence) or len(value) != 2
            or not all(isinstance(v, (int, float, np.floating, np.integer)) and np.isfinite(v) for v in value)
            or value[0] > value[1]):
        raise InvalidArgument(f"{name} must be a pair (low, high) of finite floats, low ≤ high; got {value!r}")
    return float(value[0]), float(value[1])


def _scale():
    return st.one_of(st.just(0.0), st.floats(0.01, 3.0, allow_subnormal=False))


def rnn_cases(
    *,
    sizes: int | tuple[int, int] = (1, 64),
    lengths: int | tuple[int, int] = (1, 300),
    activations: str | Sequence[str] = ACTIVATIONS,
    families: str | Sequence[str] = FAMILIES,
    input_width: int | tuple[int, int] = (1, 4),
    log_target: tuple[float, float] = (-2.0, 2.0),
    target_kinds: str | Sequence[str] = _TARGET_KINDS,
    inputs: bool = True,
) -> st.SearchStrategy[RNNCase]:
    """A strategy of vanilla-RNN cases (:class:`RNNCase`) with float64 numpy arrays.

    Each case is drawn as labelled numbers (``n``, ``T``, ``family``, ``activation``,
    ``target_kind``, ``log_target_over_threshold``, ``input_dim``, the three scales and a
    ``seed``), so that a falsifying example prints as one readable ``RNNCase(...)`` line;
    numpy builds the arrays from the seed. W's spectral norm or radius is exp(u)/γ with u drawn
    from ``log_target``: both sides of the threshold 1/γ between vanishing and exploding.
    relu and identity runs whose states leave ±1e300 are not generated (the forward pass
    would overflow float64); drawing never runs torch.

    Parameters
    ----------
    sizes : int or (int, int), optional
        Hidden size n, or its inclusive range (default 1..64).
    lengths : int or (int, int), optional
        Sequence length T ≥ 1, or its inclusive range (default 1..300).
    activations : str or sequence of str, optional
        Among ``"tanh"``, ``"sigmoid"``, ``"relu"``, ``"identity"`` (default all);
        ``activations=["tanh"]`` restricts to tanh.
    families : str or sequence of str, optional
        Matrix families of W (default all of :data:`FAMILIES`).
    input_width : int or (int, int), optional
        Input width m (default 1..4).
    log_target : (float, float), optional
        Range of u (default (−2, 2)).
    target_kinds : str or sequence of {"norm", "radius"}, optional
        Which of ‖W‖₂ and ρ(W) is scaled to the target (default both).
    inputs : bool, optional
        If False, x, b and h_0 are zero.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of RNNCase

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When the strategy is built, for a bad range (min > max, n < 1, T < 1), an unknown
        activation, family or target kind, or an empty list.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(rnn_cases(sizes=(1, 4), lengths=(1, 6), activations=["tanh"]))
    ... def check(case):
    ...     assert case.activation == "tanh" and case.x.shape == (case.T, case.input_dim)
    >>> check()
    """
    n_range = _int_range(sizes, "sizes", 1)
    T_range = _int_range(lengths, "lengths", 1)
    m_range = _int_range(input_width, "input_width", 1)
    activation_names = _names(activations, "activations", ACTIVATIONS)
    family_names = _check_families(families, "families")
    kinds = _names(target_kinds, "target_kinds", _TARGET_KINDS)
    log_range = _float_range(log_target, "log_target")
    if not isinstance(inputs, bool):
        raise InvalidArgument(f"inputs must be True or False, got {inputs!r}")
    zero = st.just(0.0)

    @st.composite
    def build(draw):
        fields = {
            "n": draw(st.integers(*n_range), label="n"),
            "T": draw(st.integers(*T_range), label="T"),
            "family": draw(st.sampled_from(family_names), label="family"),
            "activation": draw(st.sampled_from(activation_names), label="activation"),
            "target_kind": draw(st.sampled_from(kinds), label="target_kind"),
            "log_target_over_threshold": draw(st.floats(*log_range, allow_subnormal=False),
                                              label="log_target_over_threshold"),
            "input_dim": draw(st.integers(*m_range), label="input_dim"),
            "input_scale": draw(_scale() if inputs else zero, label="input_scale"),
            "bias_scale": draw(_scale() if inputs else zero, label="bias_scale"),
            "h0_scale": draw(st.floats(0.0, 1.0, allow_subnormal=False) if inputs else zero, label="h0_scale"),
            "seed": draw(st.integers(0, 2**32 - 1), label="seed"),
        }
        case = RNNCase(**fields)
        assume(_forward_stays_finite(case))
        return case

    return build()
