"""Assertions with stated tolerances and messages that print the case: gradients compared with
a reference, and bounds checked in log space."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from ..activations import Activation
from ..activations import activation as _activation
from ..spectra import spectral_norm as _spectral_norm
from ._cases import RNNCase
from ._reference import ReferenceGradients, _case_arrays

__all__ = [
    "EPS",
    "assert_gradients_close",
    "assert_log_le",
    "assert_log_le_by_lag",
    "derivative_rounding_tolerance",
    "describe",
    "finite_target",
    "gradient_tolerances",
    "lags_by_k",
    "log_evaluation_tolerance",
    "rounding_tolerance",
    "worst_tightness",
]

EPS = float(np.finfo(np.float64).eps)
_COMPARABLE = ("W", "U", "b", "h0", "x", "states", "state_gradients")
_COURSE_ALIAS = {"W": " (dWaa)", "U": " (dWax)", "b": " (dba)", "h0": " (da0)", "x": " (dx)", "states": " (a)"}


def rounding_tolerance(lag: npt.ArrayLike, n: int) -> np.ndarray:
    """Log-space tolerance for a float64 ℓ-step product of n × n matrices: 4(ℓ+1)·n·u.

    Why: each backward step is one matrix product whose norm-wise relative error is at most
    about n·u (u = 2⁻⁵³; Higham 2002, "Accuracy and Stability of Numerical Algorithms",
    §3.5), accumulated over ℓ steps to first order; the two SVDs (measurement and theory)
    add about n·u each. A relative error δ is an absolute error ≈ δ in log space. The factor
    4 covers the second-order terms and the SVDs with room; a real violation of a bound is
    far larger than this (see tests/test_meta.py).

    Parameters
    ----------
    lag : int or array_like of int
        ℓ ≥ 0.
    n : int
        Matrix size (values below 1 count as 1).

    Returns
    -------
    ndarray of float, the shape of ``lag``

    Raises
    ------
    ValueError
        For a negative lag.

    Examples
    --------
    >>> float(rounding_tolerance(3, 2) / EPS)
    32.0
    """
    lag = np.asarray(lag, dtype=float)
    if np.any(lag < 0) or np.any(np.isnan(lag)):
        raise ValueError(f"lag must be ≥ 0, got {lag!r}")
    return 4.0 * (lag + 1.0) * max(int(n), 1) * EPS


def derivative_rounding_tolerance(activation: str | Activation, preactivations: npt.ArrayLike, reduce: str) -> np.ndarray:
    """Per k, Σ_{t>k} 4u/|φ'(a_t)|, the ``reduce`` (``"max"`` or ``"min"``) over units.

    Why: torch's backward forms tanh' = 1 − tanh² and σ' = σ(1 − σ), with an *absolute*
    error of a few u (the subtraction), so each step's diagonal factor is off by a relative
    4u/|φ'|, large where a unit saturates. The trajectory bounds use the exact φ', so they
    can be exceeded by that much. relu' and identity' are exact (0). A step with |φ'| ≤ 8u
    makes the comparison meaningless there (+inf).

    Parameters
    ----------
    activation : str or Activation
    preactivations : (T, n) array_like
        a_1..a_T of the run.
    reduce : {"max", "min"}
        Over units, of log|φ'| per step.

    Returns
    -------
    ndarray of shape (T + 1,)
        Indexed by k = 0..T (0 at k = T).

    Raises
    ------
    ValueError
        For an unknown activation or ``reduce``, or preactivations that are not 2-d.

    Examples
    --------
    >>> derivative_rounding_tolerance("relu", np.ones((2, 3)), "max").tolist()
    [0.0, 0.0, 0.0]
    """
    if reduce not in ("max", "min"):
        raise ValueError(f"reduce must be 'max' or 'min', got {reduce!r}")
    phi = _activation(activation)
    preactivations = np.asarray(preactivations, dtype=float)
    if preactivations.ndim != 2:
        raise ValueError(f"preactivations must be (T, n), got shape {preactivations.shape}")
    T = preactivations.shape[0]
    out = np.zeros(T + 1)
    if phi.name in ("relu", "identity") or T == 0:
        return out
    logs = getattr(phi.log_derivative(preactivations), reduce)(axis=1)
    with np.errstate(over="ignore"):
        per_step = np.where(logs > np.log(8 * EPS), 4 * EPS * np.exp(-logs), np.inf)
    out[:-1] = np.cumsum(per_step[::-1])[::-1]
    return out


def describe(case: object) -> str:
    """A one-line description of a case: its ``params()`` as ``key=value``, else its repr.

    Examples
    --------
    >>> describe([1, 2])
    '[1, 2]'
    """
    if hasattr(case, "params"):
        return ", ".join(f"{k}={v!r}" for k, v in case.params().items())
    return repr(case)


def log_evaluation_tolerance(*log_values: npt.ArrayLike) -> np.ndarray:
    """4u·max|L| over the arguments, elementwise (non-finite values count as 0).

    Why: a natural log of size L (ℓ·log x, or the log of a product) carries an absolute
    rounding error of about u·|L| from the logarithm and the multiplication by ℓ.

    Examples
    --------
    >>> float(log_evaluation_tolerance(-2.0, 1.0) / EPS)
    8.0
    """
    magnitude = np.zeros(np.broadcast(*[np.asarray(v) for v in log_values]).shape)
    for value in log_values:
        magnitude = np.maximum(magnitude, np.where(np.isfinite(value), np.abs(value), 0.0))
    return 4.0 * EPS * magnitude


def assert_log_le(measured: npt.ArrayLike, bound: npt.ArrayLike, tolerance: npt.ArrayLike, case: object, what: str,
                  index_name: str = "k") -> None:
    """Assert measured ≤ bound + tolerance elementwise, in log space; −inf ≤ anything.

    :func:`log_evaluation_tolerance` of the two sides is added to ``tolerance``.

    Parameters
    ----------
    measured, bound : array_like
        Natural logs, broadcast together.
    tolerance : float or array_like
    case : object
        Printed (with :func:`describe`) when the assertion fails.
    what : str
        Name of the bound, for the message.
    index_name : str, optional
        Name of the index printed with the worst entry.

    Raises
    ------
    AssertionError
        On a NaN in ``measured`` or an excess, naming the worst index, both sides, the
        tolerance and the case.

    Examples
    --------
    >>> assert_log_le([-1.0, -np.inf], [-0.5, -3.0], 0.0, case="toy", what="U1")
    """
    measured, bound = np.broadcast_arrays(np.asarray(measured, float), np.asarray(bound, float))
    tolerance = np.broadcast_to(np.asarray(tolerance, float), measured.shape)
    tolerance = tolerance + log_evaluation_tolerance(measured, bound)
    with np.errstate(invalid="ignore"):
        excess = np.where(measured == -np.inf, -np.inf, measured - bound - tolerance)
    assert not np.isnan(measured).any(), f"{what}: NaN in measured log norms for case {describe(case)}"
    if (excess > 0).any():
        i = int(np.argmax(excess))
        raise AssertionError(
            f"{what} violated at {index_name}={i}: measured log-norm {measured.flat[i]:.12g} > "
            f"bound {bound.flat[i]:.12g} + tolerance {tolerance.flat[i]:.3g} "
            f"(excess {excess.flat[i]:.3g}); case: {describe(case)}"
        )


def worst_tightness(measured: npt.ArrayLike, bound: npt.ArrayLike, skip_trivial: bool = True) -> float:
    """max over entries of (measured − bound) in log space, ignoring the last entry J(T, T) = I.

    Examples
    --------
    >>> worst_tightness([-2.0, -1.0, 0.0], [-1.0, -0.5, 0.0])
    -0.5
    """
    measured = np.asarray(measured, float)
    bound = np.asarray(bound, float)
    if skip_trivial and measured.size > 1:
        measured, bound = measured[:-1], bound[:-1]
    with np.errstate(invalid="ignore"):
        gap = np.where(np.isneginf(measured), -np.inf, measured - bound)
    gap = gap[~np.isnan(gap)]
    return float(gap.max()) if gap.size else -np.inf


def lags_by_k(T: int) -> np.ndarray:
    """The lag ℓ = T − k for k = 0..T, aligned with ``LagProfile.log_norms``.

    Examples
    --------
    >>> lags_by_k(3).tolist()
    [3, 2, 1, 0]
    """
    if isinstance(T, bool) or int(T) != T or T < 0:
        raise ValueError(f"T must be an integer ≥ 0, got {T!r}")
    return np.arange(int(T), -1, -1)


def finite_target(value: float, label: str) -> None:
    """``hypothesis.target()`` on a finite observation (−inf means 'bound far from tight')."""
    from hypothesis import target

    if np.isfinite(value):
        target(float(value), label=label)


def assert_log_le_by_lag(measured: npt.ArrayLike, bound: npt.ArrayLike, tol: npt.ArrayLike, what: str,
                         case: object) -> float:
    """Assert measured ≤ bound + tol (arrays indexed by lag); return the tightness.

    The tightness is max over lags ≥ 1 of measured − bound (lag 0 is the trivial J = I).

    Raises
    ------
    AssertionError
        Naming the worst lag, both sides, the tolerance and the case.

    Examples
    --------
    >>> assert_log_le_by_lag([0.0, -1.0], [0.0, -0.5], 0.0, "U1", case="toy")
    -0.5
    """
    measured, bound = np.asarray(measured, float), np.asarray(bound, float)
    tol = np.broadcast_to(np.asarray(tol, float), measured.shape)
    excess = measured - bound - tol
    i = int(np.argmax(excess))
    assert (excess <= 0).all(), (
        f"{what} violated at lag {i}: measured {measured[i]:.8g} > bound {bound[i]:.8g} "
        f"+ {tol[i]:.2g}; case {case}"
    )
    return float(np.max(measured[1:] - bound[1:])) if len(measured) > 1 else -np.inf


def _backward_magnitudes(want, W_norm, c, derivative_error):
    """Norm-wise bounds along the backward pass, t = 1..T (index t − 1).

    N_t ≥ ‖∂L/∂a_t‖₂: N_t = c_t G_t with G_t = ‖upstream_t‖ + ‖W‖₂N_{t+1}, c_t ≥ max_i |φ'(a_t,i)|.
    D_t bounds the error that an absolute error e_t of the computed φ' leaves in ∂L/∂a_t:
    D_t = e_t·G_t + c_t‖W‖₂D_{t+1}. Returns N and D.
    """
    T = want.upstream.shape[0]
    upstream = _row_norms(want.upstream)
    N, D = np.zeros(T + 1), np.zeros(T + 1)  # N[t - 1] = N_t; N[T] = N_{T+1} = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(T - 1, -1, -1):
            incoming = upstream[t] + W_norm * N[t + 1]
            N[t] = c[t] * incoming
            D[t] = derivative_error[t] * incoming + c[t] * W_norm * D[t + 1]
    return N[:T], D[:T]


def _amplification(c, W_norm):
    """A = Π_{t≥2} max(1, c_t‖W‖₂), +inf beyond float64."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        log_amplification = float(np.log(np.maximum(1.0, c[1:] * W_norm)).sum())
    return float(np.exp(log_amplification)) if log_amplification < 700 else np.inf


def _row_norms(array):
    """Euclidean norm of each row, scaled so that entries near 1e±308 neither over- nor underflow."""
    array = np.asarray(array, dtype=np.float64)
    scale = np.abs(array).max(axis=1, initial=0.0)
    safe = np.where((scale > 0) & np.isfinite(scale), scale, 1.0)
    return np.where(scale > 0, scale * np.linalg.norm(array / safe[:, None], axis=1), 0.0)


def _frobenius(array):
    """‖array‖_F without overflow for entries up to ~1e308 (scaled by the largest entry)."""
    array = np.asarray(array, dtype=np.float64)
    scale = float(np.abs(array).max(initial=0.0))
    if scale == 0.0 or not np.isfinite(scale):
        return scale
    return scale * float(np.linalg.norm(array / scale))


def _gradient_magnitudes(N, W_norm, U_norm, h_norms, x_norms):
    """Norm-wise bounds of the sums of terms of each gradient, from per-step bounds N_t."""
    return {
        "W": float(N @ h_norms[:-1]), "U": float(N @ x_norms), "b": float(N.sum()),
        "h0": W_norm * (float(N[0]) if N.size else 0.0), "x": U_norm * float(N.sum()),
        "state_gradients": W_norm * float(N.sum()),
    }


def gradient_tolerances(want: ReferenceGradients, case: RNNCase | Mapping) -> dict[str, float]:
    """The Frobenius-norm tolerance of each array of ``want``, by the rule of
    :func:`assert_gradients_close`.

    Parameters
    ----------
    want : ReferenceGradients
        From :func:`reference_gradients`.
    case : RNNCase or mapping
        The case ``want`` was computed for.

    Returns
    -------
    dict
        ``{"W", "U", "b", "h0", "x", "states", "state_gradients"}`` → tolerance (+inf where
        the run amplifies rounding errors beyond float64's range).

    Raises
    ------
    ValueError
        If ``want`` is not a ReferenceGradients, or ``case`` is not an RNN case of its shapes.

    Examples
    --------
    >>> from theory.testing import reference_gradients
    >>> case = {"W": [[0.5]], "U": [[1.0]], "b": [0.0], "x": [[1.0]], "h0": [0.5],
    ...         "activation": "tanh"}
    >>> tolerance = gradient_tolerances(reference_gradients(case, [[1.0]]), case)["W"]
    >>> 0 < tolerance < 1e-13
    True
    """
    if not isinstance(want, ReferenceGradients):
        raise ValueError(f"want must be the ReferenceGradients of reference_gradients(), got {type(want).__name__}")
    W, U, b, x, _, _ = _case_arrays(case)
    T, n = want.upstream.shape
    m = U.shape[1]
    if W.shape != (n, n) or x.shape[0] != T:
        raise ValueError(f"case has n = {W.shape[0]}, T = {x.shape[0]}; the reference has n = {n}, T = {T}")
    W_norm, U_norm = _spectral_norm(W), float(np.linalg.norm(U, 2)) if U.size else 0.0
    gamma = _activation(want.activation).gamma
    h_norms, x_norms = _row_norms(want.states), _row_norms(x)
    relative = 4.0 * (T + 1) * (n + m) * EPS
    subnormal_floor = 4.0 * (T + 1) * (n + m) * np.finfo(np.float64).tiny
    # The size of a_t, and so of its rounding error in either implementation, per step.
    pre_scale = W_norm * h_norms[:-1] + U_norm * x_norms + _frobenius(b)
    c = _activation(want.activation).derivative(want.preactivations).max(axis=1, initial=0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        amplification = _amplification(c, W_norm)
        # tanh', σ' carry an absolute error ~4u; relu' is exact except at a pre-activation
        # within its rounding error of the kink, where either side's derivative is right.
        derivative_error = np.full(T, 4 * EPS)
        if want.activation == "relu":
            at_kink = (np.abs(want.preactivations) <= (relative * amplification * pre_scale)[:, None]).any(axis=1)
            derivative_error[at_kink], c[at_kink] = 1.0, 1.0
            amplification = _amplification(c, W_norm)
        N, D = _backward_magnitudes(want, W_norm, c, derivative_error)
        relative *= 1.0 + 2.0 * float(np.abs(want.preactivations).max(initial=0.0))
        rounding = _gradient_magnitudes(N, W_norm, U_norm, h_norms, x_norms)
        rounding["state_gradients"] += float(_row_norms(want.upstream).sum())
        rounding["states"] = float((h_norms[1:] + gamma * pre_scale).sum())
        derivative = _gradient_magnitudes(D, W_norm, U_norm, h_norms, x_norms)
        derivative["states"] = 0.0
        return {key: float(np.nan_to_num(amplification * (relative * rounding[key] + derivative[key] + subnormal_floor),
                                   nan=np.inf, posinf=np.inf))
                for key in rounding}


def assert_gradients_close(got: Mapping, want: ReferenceGradients, case: RNNCase | Mapping) -> None:
    """Assert that hand-computed gradients match the autograd reference within the stated rule.

    Rule, per array g, in the Frobenius norm: ‖got[g] − want[g]‖ ≤ A·(k·u·p·M_g + E_g), u = 2⁻⁵³.

    * k = 4(T+1)(n+m): the rule of :func:`rounding_tolerance` (4(ℓ+1)·n·u, relative), with the
      width n + m of the products W h + U x.
    * M_g bounds the norm of the *sum of the terms* of the exact gradient, so that the rule
      holds where terms cancel: with N_t ≥ ‖∂L/∂a_t‖₂ from N_t = c_t(‖upstream_t‖ + ‖W‖₂N_{t+1}),
      c_t = max_i |φ'(a_t,i)|: M_W = Σ N_t‖h_{t−1}‖, M_U = Σ N_t‖x_t‖, M_b = Σ N_t,
      M_h0 = ‖W‖₂N_1, M_x = ‖U‖₂ Σ N_t.
    * E_g: the same sums over D_t = e_t(‖upstream_t‖ + ‖W‖₂N_{t+1}) + c_t‖W‖₂D_{t+1}, the
      error of a computed φ': e_t = 4u, the absolute error of 1 − tanh² or σ(1 − σ), large
      next to φ' where a unit saturates; for relu e_t = 1 (and c_t = 1) at a step where a
      pre-activation lies within k·u·A·(‖W‖₂‖h_{t−1}‖ + ‖U‖₂‖x_t‖ + ‖b‖) of the kink, where
      rounding decides the side and either one-sided derivative is right (e.g. an
      orthogonal reflection W, W² = I, brings a_t back to an exact 0).
    * p = 1 + 2 max|a|: two forward passes round differently, and tanh' and σ' change by a
      relative 2|Δa| under an absolute change Δa (|φ''/φ'| ≤ 2).
    * Below float64's normal range (2.2e-308) errors are absolute: k·A·2.2e-308 is added.
    * A = Π_{t≥2} max(1, c_t‖W‖₂): the most a state's rounding error grows over the rest of
      the run, to first order. It is +inf, and anything passes, where it overflows float64:
      test long expanding runs with short T.

    A mistake in a backward pass (a missing factor, a transpose, a lost term) makes an error
    of the size of the gradient itself; on the autograder's cases of docs/autograder.md the
    tolerance is below 10⁻⁶ of the gradient's norm (worst 1.5e-9 over 1000 cases, median 10⁻¹³).

    Parameters
    ----------
    got : mapping
        Hand-computed arrays under any of the names ``W``, ``U``, ``b``, ``h0``, ``x``,
        ``states``, ``state_gradients``, in this package's layout (use
        :func:`from_course_layout` for the course's ``dWaa``, ``dx``, ...).
    want : ReferenceGradients
        From :func:`reference_gradients` for the same case and upstream.
    case : RNNCase or mapping
        Printed in the message, and its W, U, b, x enter the tolerance.

    Raises
    ------
    AssertionError
        For a wrong shape, a non-finite entry, or an error above the tolerance: the message
        names the array, the error, the tolerance, the worst entry and the case.
    ValueError
        If ``got`` is not a mapping, holds none of the names or an unknown one, or ``want``
        is not a ReferenceGradients.

    Examples
    --------
    >>> import numpy as np
    >>> from theory.testing import reference_gradients
    >>> case = {"W": [[0.5]], "U": [[1.0]], "b": [0.0], "x": [[1.0], [0.5]], "h0": [0.0],
    ...         "activation": "tanh"}
    >>> want = reference_gradients(case, upstream=[[0.0], [1.0]])
    >>> h1 = np.tanh(1.0); h2 = np.tanh(0.5 * h1 + 0.5)
    >>> assert_gradients_close({"W": [[(1 - h2**2) * h1]]}, want, case)
    """
    __tracebackhide__ = True  # pytest shows the caller's line and this message, not this body
    if not isinstance(got, Mapping) or not got:
        raise ValueError(f"got must be a non-empty mapping of arrays, got {got!r}")
    unknown = [key for key in got if key not in _COMPARABLE]
    if unknown:
        raise ValueError(f"unknown gradient name {unknown[0]!r}; known: {', '.join(_COMPARABLE)}")
    tolerances = gradient_tolerances(want, case)
    for key in got:
        value, expected = np.asarray(got[key], dtype=np.float64), want[key]
        where = f"{key}; case: {describe(case)}"
        assert value.shape == expected.shape, f"{key} has shape {value.shape}, expected {expected.shape}: {where}"
        assert np.isfinite(value).all(), f"{key} has non-finite entries: {value.tolist()}: {where}"
        error = _frobenius(value - expected)
        if not error <= tolerances[key]:
            i = np.unravel_index(int(np.argmax(np.abs(value - expected))), value.shape)
            raise AssertionError(
                f"{key}{_COURSE_ALIAS.get(key, '')} differs from the autograd reference: ‖got − want‖ = {error:.6g} > tolerance "
                f"{tolerances[key]:.3g} (‖want‖ = {_frobenius(expected):.6g}); worst entry "
                f"{key}[{', '.join(map(str, i))}]: got {value[i]:.12g}, want {expected[i]:.12g}; case: {describe(case)}"
            )
