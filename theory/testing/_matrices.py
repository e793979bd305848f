"""Random recurrent matrices of the suite's families, scaled to a target spectral norm or radius.

Hypothesis draws the structure (family, size, seed, target); numpy builds the n × n array from
the seed, so that no n² floats are drawn one by one and a falsifying example prints as a few
readable numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..spectra import spectral_norm as _spectral_norm
from ..spectra import spectral_radius as _spectral_radius

__all__ = [
    "FAMILIES",
    "NON_NORMAL_FAMILIES",
    "base_matrix",
    "matrices",
    "scale_to_target",
]

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

# Below this ratio ρ(W)/‖W‖₂ a matrix is treated as nilpotent: its radius cannot be scaled.
_NILPOTENT_RATIO = 1e-6


def base_matrix(family: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """An n × n float64 matrix of the given family, of order-one scale, built from ``rng``.

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES`: ``"gaussian"`` (entries N(0, 1/n)), ``"orthogonal"`` (Haar,
        from a sign-corrected QR), ``"symmetric"``, ``"upper_triangular"``, ``"jordan"`` (one
        Jordan block λI + cJ, λ ~ U(−1, 1), c ~ U(0.5, 2)), ``"low_rank"`` (rank 1..n) or
        ``"diagonal"`` (entries U(−1, 1)).
    n : int
        Size, at least 1.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of shape (n, n)

    Raises
    ------
    ValueError
        For an unknown family or n < 1.

    Examples
    --------
    >>> import numpy as np
    >>> W = base_matrix("upper_triangular", 3, np.random.default_rng(0))
    >>> bool(np.all(np.tril(W, -1) == 0))
    True
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer ≥ 1, got {n!r}")
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


def scale_to_target(W: np.ndarray, target_kind: str, target_value: float) -> np.ndarray:
    """W scaled so that its spectral norm or spectral radius equals ``target_value``.

    A radius target on a (numerically) nilpotent W, ρ(W) ≤ 10⁻⁶‖W‖₂, whose radius cannot be
    scaled, falls back to the norm; a zero W is returned unchanged.

    Parameters
    ----------
    W : (n, n) ndarray
    target_kind : {"norm", "radius"}
    target_value : float
        Positive.

    Returns
    -------
    ndarray of shape (n, n)

    Raises
    ------
    ValueError
        For an unknown ``target_kind`` or a target that is not positive and finite.

    Examples
    --------
    >>> import numpy as np
    >>> scale_to_target(np.diag([1.0, -4.0]), "radius", 2.0).tolist()
    [[0.5, 0.0], [0.0, -2.0]]
    """
    if target_kind not in ("norm", "radius"):
        raise ValueError(f"target_kind must be 'norm' or 'radius', got {target_kind!r}")
    if not (np.isfinite(target_value) and target_value > 0):
        raise ValueError(f"target_value must be positive and finite, got {target_value!r}")
    norm = _spectral_norm(W)
    if norm == 0.0:
        return W
    if target_kind == "radius":
        rho = _spectral_radius(W)
        if rho > _NILPOTENT_RATIO * norm:
            return W * (target_value / rho)
    return W * (target_value / norm)


def _check_families(family, argument="family"):
    names = (family,) if isinstance(family, str) else family
    if not isinstance(names, Sequence) or len(names) == 0:
        raise InvalidArgument(f"{argument} must be a family name or a non-empty sequence of them, got {family!r}")
    unknown = [name for name in names if name not in FAMILIES]
    if unknown:
        raise InvalidArgument(f"unknown matrix {argument} {unknown[0]!r}; known: {', '.join(FAMILIES)}")
    return tuple(names)


def _check_size(n):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InvalidArgument(f"n must be an integer ≥ 1, got {n!r}")
    return int(n)


def _check_target(value, name):
    """None, a positive finite float, or a strategy of them (checked when drawn)."""
    if value is None or isinstance(value, st.SearchStrategy):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise InvalidArgument(f"{name} must be a positive float or a strategy of them, got {value!r}")
    if not (np.isfinite(value) and value > 0):
        raise InvalidArgument(f"{name} must be positive and finite, got {value!r}")
    return st.just(float(value))


def matrices(
    n: int,
    *,
    family: str | Sequence[str] = FAMILIES,
    spectral_norm: float | st.SearchStrategy[float] | None = None,
    spectral_radius: float | st.SearchStrategy[float] | None = None,
) -> st.SearchStrategy[np.ndarray]:
    """A strategy of n × n float64 matrices of the given families, scaled to a target spectrum.

    Hypothesis draws the family, a seed and the target (labelled); numpy builds the matrix
    from them with :func:`base_matrix` and scales it. With a radius target, matrices whose
    radius cannot be scaled (ρ ≤ 10⁻⁶‖W‖₂: nearly nilpotent) are not generated.

    Tolerance: the scaled matrix's ``theory.spectral_norm`` equals a norm target to a relative
    4·n·u and its ``theory.spectral_radius`` a radius target to a relative 10⁻⁹
    (u = 2⁻⁵³; tests/test_testing.py checks both on every family). The radius carries the
    eigenvalue's conditioning: a non-normal matrix's computed eigenvalues move by more than
    n·u under scaling.

    Parameters
    ----------
    n : int
        Size, at least 1.
    family : str or sequence of str, optional
        One or several of :data:`FAMILIES` (default: all), sampled uniformly.
    spectral_norm : float or strategy of floats, optional
        Target ‖W‖₂ (positive).
    spectral_radius : float or strategy of floats, optional
        Target ρ(W) (positive). At most one of the two targets; with neither, the matrix keeps
        the family's order-one scale.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of ndarray of shape (n, n), dtype float64

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When the strategy is built: n < 1, an unknown family, a non-positive target, or both
        targets.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(matrices(4, family="jordan", spectral_radius=0.9))
    ... def check(W):
    ...     assert W.shape == (4, 4) and W.dtype == np.float64
    ...     assert abs(max(abs(np.linalg.eigvals(W))) - 0.9) < 1e-9
    >>> check()
    """
    n = _check_size(n)
    families = _check_families(family)
    norm_target = _check_target(spectral_norm, "spectral_norm")
    radius_target = _check_target(spectral_radius, "spectral_radius")
    if norm_target is not None and radius_target is not None:
        raise InvalidArgument("give spectral_norm or spectral_radius, not both")
    target_kind = "radius" if radius_target is not None else "norm"
    target = radius_target if radius_target is not None else norm_target

    @st.composite
    def build(draw):
        name = draw(st.sampled_from(families), label="family")
        seed = draw(st.integers(0, 2**32 - 1), label="seed")
        W = base_matrix(name, n, np.random.default_rng(seed))
        if target is None:
            return W
        value = draw(target, label=f"spectral_{target_kind}")
        if not (np.isfinite(value) and value > 0):
            raise InvalidArgument(f"spectral_{target_kind} strategy drew {value!r}; targets must be positive")
        if target_kind == "radius":
            assume(_spectral_radius(W) > _NILPOTENT_RATIO * _spectral_norm(W))
        return scale_to_target(W, target_kind, float(value))

    return build()
