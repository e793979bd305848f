"""Upper and lower bounds on log‖∂h_T/∂h_k‖₂ for the vanilla RNN, all in log space.

Notation (as in the README): h_t = φ(a_t), a_t = W h_{t−1} + U x_t + b, t = 1..T, and
J(T, k) = ∂h_T/∂h_k = Π_{t=k+1..T} diag(φ'(a_t)) W, with lag ℓ = T − k and γ = sup|φ'|.

Bounds are returned as natural logarithms, so that lags of 10⁴ and more neither underflow
nor overflow. A zero bound is −inf, never NaN.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import as_finite_array, as_lags, as_square_matrix
from .activations import activation as _activation
from .spectra import min_singular_value, spectral_norm, spectral_radius

__all__ = [
    "log_upper_bound",
    "log_trajectory_upper_bound",
    "log_lower_bound",
    "log_trajectory_lower_bound",
    "reachable_preactivation_radius",
    "log_power_norm_bounds",
    "log_matrix_power_norm",
    "log_eigenvector_condition",
]


def _scale(lags, log_factor):
    """ℓ·log_factor with the convention 0·(−inf) = 0 (the empty product is 1)."""
    lags = np.asarray(lags)
    with np.errstate(invalid="ignore"):
        out = lags * log_factor
    return np.where(lags == 0, 0.0, out)[()]


def _log(x):
    with np.errstate(divide="ignore"):
        return float(np.log(x))


def log_upper_bound(W, activation, lag):
    """A-priori upper bound: log‖J(T, k)‖₂ ≤ ℓ·log(γ‖W‖₂).

    Hypotheses: the vanilla RNN above with any inputs, bias and initial state; φ has
    |φ'| ≤ γ everywhere. Conclusion: for every k and lag ℓ = T − k,
    ‖∂h_T/∂h_k‖₂ ≤ Π_t ‖diag φ'(a_t)‖₂‖W‖₂ ≤ (γ‖W‖₂)^ℓ, by submultiplicativity.

    Parameters
    ----------
    W : (n, n) array_like
        Recurrent weight matrix.
    activation : str or Activation
        φ, by name (see :func:`theory.activation`).
    lag : int or array_like of int
        ℓ = T − k ≥ 0.

    Returns
    -------
    float or ndarray
        ℓ·log(γ‖W‖₂), with the same shape as ``lag``; 0 at ℓ = 0, −inf if W = 0 and ℓ > 0.

    Raises
    ------
    ValueError
        If W is not a finite square matrix, the activation is unknown, or a lag is negative
        or not an integer.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural
    networks", ICML, eqs. 6–7 (with λ₁ the largest singular value of W).

    Examples
    --------
    >>> import numpy as np
    >>> float(np.exp(log_upper_bound(0.5 * np.eye(3), "tanh", 2)))
    0.25
    """
    W = as_square_matrix(W)
    phi = _activation(activation)
    lags = as_lags(lag)
    return _scale(lags, phi.log_gamma + _log(spectral_norm(W)))


def _check_preactivations(W, preactivations):
    n = W.shape[0]
    a = as_finite_array(preactivations, "preactivations", ndim=2)
    if a.shape[1] != n:
        raise ValueError(
            f"preactivations must have shape (T, n) with n = {n} (the size of W), got {a.shape}"
        )
    return a


def _reverse_cumsum_by_k(per_step):
    """For per-step logs s_1..s_T return out[k] = Σ_{t=k+1..T} s_t for k = 0..T.

    Compensated (Neumaier) summation: a plain running sum of T terms errs by up to
    u·Σ|partial sums| ≈ T·u·|out[0]|, which a tight bound at T = 10⁴ would feel; this one
    errs by about 2u·|out[k]|. −inf terms (φ' = 0) propagate as −inf.
    """
    out = np.zeros(per_step.shape[0] + 1)
    total, compensation = 0.0, 0.0
    for k in range(per_step.shape[0] - 1, -1, -1):
        term = float(per_step[k])
        if not math.isfinite(term) or not math.isfinite(total):
            total, compensation = total + term, 0.0
        else:
            new = total + term
            if abs(total) >= abs(term):
                compensation += (total - new) + term
            else:
                compensation += (term - new) + total
            total = new
        out[k] = total + compensation
    return out


def log_trajectory_upper_bound(W, activation, preactivations):
    """Trajectory upper bound: log‖J(T,k)‖₂ ≤ Σ_{t=k+1..T} [log max_i|φ'(a_{t,i})| + log‖W‖₂].

    Hypotheses: one run of the vanilla RNN with pre-activations a_1..a_T (any inputs, bias
    and h_0). Conclusion: ‖diag(φ'(a_t)) W‖₂ ≤ max_i|φ'(a_{t,i})|·‖W‖₂, and the product of
    these bounds bounds ‖J(T, k)‖₂. It is never looser than :func:`log_upper_bound`, and it
    explains saturation: units with |a| large have φ' ≈ 0.

    Parameters
    ----------
    W : (n, n) array_like
    activation : str or Activation
    preactivations : (T, n) array_like
        Row t − 1 holds a_t.

    Returns
    -------
    ndarray of shape (T + 1,)
        Entry k is the bound on log‖∂h_T/∂h_k‖₂ (entry T is 0: J(T, T) = I).

    Raises
    ------
    ValueError
        On a bad W, an unknown activation, or preactivations whose shape is not (T, n).

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), ICML, eq. 5 (the factor diag(σ'(x_k)) of each step) and
    eqs. 6–7; Bengio, Simard & Frasconi (1994), IEEE Trans. Neural Networks 5(2), §III.

    Examples
    --------
    >>> import numpy as np
    >>> bound = log_trajectory_upper_bound(np.eye(2), "tanh", np.zeros((3, 2)))
    >>> bound.tolist()
    [0.0, 0.0, 0.0, 0.0]
    """
    W = as_square_matrix(W)
    phi = _activation(activation)
    a = _check_preactivations(W, preactivations)
    per_step = phi.log_derivative(a).max(axis=1) + _log(spectral_norm(W))
    return _reverse_cumsum_by_k(per_step)


def log_trajectory_lower_bound(W, activation, preactivations):
    """Trajectory lower bound: log‖J(T,k)‖₂ ≥ Σ_{t=k+1..T} [log min_i|φ'(a_{t,i})| + log σ_min(W)].

    Hypotheses: one run of the vanilla RNN with pre-activations a_1..a_T. Conclusion:
    ‖diag(d) W v‖₂ ≥ min_i|d_i|·σ_min(W)‖v‖₂, so σ_min(J(T, k)) is at least the product, and
    ‖J(T, k)‖₂ ≥ σ_min(J(T, k)).

    Parameters
    ----------
    W : (n, n) array_like
    activation : str or Activation
    preactivations : (T, n) array_like
        Row t − 1 holds a_t.

    Returns
    -------
    ndarray of shape (T + 1,)
        Entry k is the bound on log‖∂h_T/∂h_k‖₂; −inf where the bound is 0.

    Raises
    ------
    ValueError
        On a bad W, an unknown activation, or preactivations whose shape is not (T, n).

    References
    ----------
    Horn & Johnson (2013), "Matrix Analysis", 2nd ed., Thm. 7.3.8 and Problem 7.3.P16
    (σ_min(AB) ≥ σ_min(A)σ_min(B)).

    Examples
    --------
    >>> import numpy as np
    >>> log_trajectory_lower_bound(2 * np.eye(2), "identity", np.zeros((2, 2))).round(3).tolist()
    [1.386, 0.693, 0.0]
    """
    W = as_square_matrix(W)
    phi = _activation(activation)
    a = _check_preactivations(W, preactivations)
    per_step = phi.log_derivative(a).min(axis=1) + _log(min_singular_value(W))
    return _reverse_cumsum_by_k(per_step)


def reachable_preactivation_radius(W, activation, *, U=None, b=None, inputs=None, h0=None):
    """A-priori radius r with |a_{t,i}| ≤ r for every step t and unit i.

    Hypotheses: φ is bounded, |φ| ≤ s (tanh, sigmoid: s = 1), and |h_0|_∞ ≤ s₀. Conclusion:
    |a_{t,i}| ≤ Σ_j |W_ij|·max(s, s₀) + max_t |(U x_t)_i| + |b_i| ≤ r, the maximum over i.

    Parameters
    ----------
    W : (n, n) array_like
    activation : str or Activation
        Must be bounded (tanh or sigmoid).
    U : (n, m) array_like, optional
        Input weights; needs ``inputs``.
    b : (n,) array_like, optional
        Bias.
    inputs : (T, m) array_like, optional
        The inputs x_1..x_T.
    h0 : (n,) array_like, optional
        Initial state (default 0).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For an unbounded activation (relu, identity), or shapes that do not match W.

    References
    ----------
    Bengio, Simard & Frasconi (1994), IEEE Trans. Neural Networks 5(2), §III (bounded
    units and the derivative at saturation).

    Examples
    --------
    >>> reachable_preactivation_radius([[0.5, -0.5], [0.0, 1.0]], "tanh")
    1.0
    """
    W = as_square_matrix(W)
    phi = _activation(activation)
    n = W.shape[0]
    if phi.state_bound is None:
        raise ValueError(
            f"activation {phi.name!r} is unbounded: no a-priori pre-activation radius exists"
        )
    state = phi.state_bound
    if h0 is not None:
        h0 = as_finite_array(h0, "h0", ndim=1, shape=(n,))
        state = max(state, float(np.max(np.abs(h0))))
    per_unit = np.abs(W).sum(axis=1) * state
    if (U is None) != (inputs is None):
        raise ValueError("U and inputs must be given together")
    if U is not None:
        U = as_finite_array(U, "U", ndim=2, shape=(n, None))
        inputs = as_finite_array(inputs, "inputs", ndim=2, shape=(None, U.shape[1]))
        if inputs.shape[0]:
            per_unit = per_unit + np.abs(inputs @ U.T).max(axis=0)
    if b is not None:
        per_unit = per_unit + np.abs(as_finite_array(b, "b", ndim=1, shape=(n,)))
    return float(per_unit.max())


def log_lower_bound(W, activation, lag, *, radius=None):
    """A-priori lower bound: log‖J(T,k)‖₂ ≥ ℓ·[log inf_{|a|≤r}|φ'(a)| + log σ_min(W)].

    Hypotheses: every pre-activation satisfies |a_{t,i}| ≤ r (see
    :func:`reachable_preactivation_radius`). Conclusion: each step's factor diag(φ'(a_t)) W
    has smallest singular value ≥ inf_{|a|≤r}|φ'(a)|·σ_min(W), and so does their product.

    Parameters
    ----------
    W : (n, n) array_like
    activation : str or Activation
    lag : int or array_like of int
        ℓ = T − k ≥ 0.
    radius : float, optional
        The radius r. Default: the reachable radius with no input and no bias, h_0 inside
        the range of φ. Irrelevant for identity (φ' ≡ 1); for relu the bound is −inf for
        ℓ > 0, because relu' vanishes on every interval around 0.

    Returns
    -------
    float or ndarray
        Same shape as ``lag``; 0 at ℓ = 0.

    Raises
    ------
    ValueError
        On a bad W, activation or lag, or a radius that is not a finite number ≥ 0 (checked
        for every activation).

    References
    ----------
    Horn & Johnson (2013), "Matrix Analysis", 2nd ed., Thm. 7.3.8; Bengio, Simard &
    Frasconi (1994), §III.

    Examples
    --------
    >>> import numpy as np
    >>> float(log_lower_bound(np.eye(2), "identity", 3))
    0.0
    """
    W = as_square_matrix(W)
    phi = _activation(activation)
    lags = as_lags(lag)
    if radius is not None:
        # Checked for every activation, even those that ignore it: a bad radius is a bug.
        radius = as_finite_array(radius, "radius", ndim=0)
        if radius < 0:
            raise ValueError(f"radius must be non-negative, got {float(radius)!r}")
    if phi.name == "identity":
        log_inf = 0.0
    elif phi.name == "relu":
        log_inf = -np.inf
    else:
        if radius is None:
            radius = reachable_preactivation_radius(W, phi)
        log_inf = float(phi.log_inf_derivative(radius))
    return _scale(lags, log_inf + _log(min_singular_value(W)))


def log_power_norm_bounds(W, lag):
    """Linear-regime sandwich: ℓ·log ρ(W) ≤ log‖W^ℓ‖₂ ≤ ℓ·log‖W‖₂.

    Hypotheses: identity activation, so J(T, k) = W^ℓ exactly. Conclusion: the lower bound
    holds because ρ(W^ℓ) = ρ(W)^ℓ ≤ ‖W^ℓ‖₂, the upper by submultiplicativity. Hence the
    gradient explodes when ρ(W) > 1 and, by Gelfand's formula ‖W^ℓ‖₂^{1/ℓ} → ρ(W), vanishes
    when ρ(W) < 1.

    Parameters
    ----------
    W : (n, n) array_like
    lag : int or array_like of int

    Returns
    -------
    (lower, upper) : tuple of float or ndarray

    Raises
    ------
    ValueError
        On a bad W or lag.

    References
    ----------
    Horn & Johnson (2013), "Matrix Analysis", 2nd ed., Thm. 5.6.9 and Cor. 5.6.14;
    Pascanu, Mikolov & Bengio (2013), ICML, §2.1 (the linear case).

    Examples
    --------
    >>> import numpy as np
    >>> lo, hi = log_power_norm_bounds([[0.5, 1.0], [0.0, 0.5]], 4)
    >>> bool(lo < hi)
    True
    """
    W = as_square_matrix(W)
    lags = as_lags(lag)
    return _scale(lags, _log(spectral_radius(W))), _scale(lags, _log(spectral_norm(W)))


def log_matrix_power_norm(W, max_lag):
    """log‖W^ℓ‖₂ for ℓ = 0..max_lag, by renormalised repeated multiplication (numpy).

    This is the theory's exact value of the linear-regime Jacobian norm, computed without
    overflow: P is kept at unit norm and its log scale accumulated. It is not used by the
    measurement, which runs autograd through torch modules.

    Parameters
    ----------
    W : (n, n) array_like
    max_lag : int

    Returns
    -------
    ndarray of shape (max_lag + 1,)
        −inf once W^ℓ = 0 (nilpotent W).

    Raises
    ------
    ValueError
        On a bad W, a negative max_lag, or one whose output would not fit in memory.

    References
    ----------
    Horn & Johnson (2013), "Matrix Analysis", 2nd ed., Cor. 5.6.14 (Gelfand's formula).

    Examples
    --------
    >>> import numpy as np
    >>> log_matrix_power_norm(2 * np.eye(2), 2).round(4).tolist()
    [0.0, 0.6931, 1.3863]
    """
    W = as_square_matrix(W)
    max_lag = int(as_lags(max_lag, "max_lag"))
    try:
        out = np.empty(max_lag + 1)
    except MemoryError:
        raise ValueError(f"max_lag = {max_lag} is too large: the output would not fit in memory")
    out[0] = 0.0
    # W = 2^e·S with max|S_ij| in [1/2, 1): exact (a power of two scales without rounding,
    # subnormal entries included), so products of S neither lose subnormal precision nor
    # overflow; log‖W^ℓ‖₂ = log‖S^ℓ‖₂ + ℓ·e·log 2. For max|W_ij| in [1/2, 1), e = 0 and S = W,
    # and adding ℓ·0 changes nothing: the result is bit-identical to the unscaled product.
    peak = float(np.max(np.abs(W)))
    exponent = math.frexp(peak)[1]
    S = np.ldexp(W, -exponent)
    log_step = exponent * math.log(2.0)
    power, log_scale = np.eye(W.shape[0]), 0.0
    for lag in range(1, max_lag + 1):
        power = power @ S
        norm = np.linalg.norm(power, 2)
        if norm == 0.0:
            out[lag:] = -np.inf
            break
        log_scale += np.log(norm)
        power /= norm
        out[lag] = log_scale + lag * log_step
    return out


def log_eigenvector_condition(W):
    """log κ₂(V) for W = V Λ V⁻¹, so that ρ(W)^ℓ ≤ ‖W^ℓ‖₂ ≤ κ₂(V)·ρ(W)^ℓ.

    Hypotheses: W is diagonalizable. Conclusion: the Gelfand rate converges at least as
    fast as 0 ≤ log‖W^ℓ‖₂/ℓ − log ρ(W) ≤ log κ₂(V)/ℓ. For a defective (numerically
    non-diagonalizable) W, +inf is returned and the statement is vacuous.

    Parameters
    ----------
    W : (n, n) array_like

    Returns
    -------
    float
        log of the 2-norm condition number of the eigenvector matrix returned by
        ``numpy.linalg.eig`` (columns of unit norm), ≥ 0.

    Raises
    ------
    ValueError
        On a bad W.

    References
    ----------
    Trefethen & Embree (2005), "Spectra and Pseudospectra", Ch. 16 (matrix powers: bounds on ‖A^k‖).

    Examples
    --------
    >>> import numpy as np
    >>> log_eigenvector_condition(np.diag([0.5, 2.0]))
    0.0
    """
    W = as_square_matrix(W)
    # Eigenvectors do not change under W → W/2^e (exact): keeps eig away from overflow.
    peak = float(np.max(np.abs(W)))
    _, vectors = np.linalg.eig(np.ldexp(W, -math.frexp(peak)[1]))
    singular = np.linalg.svd(vectors, compute_uv=False)
    if singular[-1] <= singular[0] * 1e-12:
        return float("inf")
    return float(np.log(singular[0] / singular[-1]))
