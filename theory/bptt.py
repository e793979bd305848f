"""Backpropagation through time, term by term: bounds on the per-lag pieces of a gradient.

Notation (as in the README): h_t = φ(a_t), a_t = W h_{t−1} + U x_t + b, t = 1..T, a loss
L_T = ℓ(V h_T + c) read out at step T, g_T = ∂L_T/∂h_T, J(T, k) = ∂h_T/∂h_k and γ = sup|φ'|.
Because W is shared by every step, its gradient is a sum over the steps k where W is used:

    ∂L_T/∂W = Σ_{k=1..T} G_k,    G_k = diag(φ'(a_k)) J(T, k)ᵀ g_T h_{k−1}ᵀ,

and G_k is the *lag-ℓ term*, ℓ = T − k. (G_k is exactly the gradient on an untied copy W_k
of W used only at step k.) The same holds for U with x_k in place of h_{k−1}, and
∂L_T/∂x_k = Uᵀ diag(φ'(a_k)) J(T, k)ᵀ g_T is the sensitivity of the loss to the input k.

Everything here is numpy and theory only; the measurement (autograd through torch.nn
modules) is in :mod:`theory.experiments.agreement` and the tests. Bounds are natural logarithms.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_finite_array, as_lags, as_positive_float, as_square_matrix
from .activations import activation as _activation
from .spectra import min_singular_value, spectral_norm

__all__ = [
    "log_lag_term_upper_bound",
    "log_lag_term_trajectory_lower_bound",
    "log_tail_mass_bound",
    "tail_share",
    "tail_share_bound",
    "log_input_sensitivity_bound",
    "log_input_sensitivity_trajectory_bound",
]


def _log(x):
    with np.errstate(divide="ignore"):
        return float(np.log(x))


def _scale(lags, log_factor):
    """ℓ·log_factor with 0·(−inf) = 0 (the empty product is 1)."""
    with np.errstate(invalid="ignore"):
        out = lags * log_factor
    return np.where(lags == 0, 0.0, out)


def log_lag_term_upper_bound(W, activation, lag, *, grad_norm, state_norm):
    """Per-lag bound: log‖G_{T−ℓ}‖_F ≤ log C + ℓ·log(γ‖W‖₂), with C = γ·‖g_T‖₂·max_k‖h_{k−1}‖₂.

    Hypotheses: the vanilla RNN with any inputs, bias and h_0; |φ'| ≤ γ; ``grad_norm`` ≥
    ‖∂L_T/∂h_T‖₂ and ``state_norm`` ≥ ‖h_{k−1}‖₂ for the steps k considered (for tanh with
    |h_0|_∞ ≤ 1, ``state_norm`` = √n always works). Conclusion: the lag-ℓ term of the
    gradient on the shared W, G_k = diag(φ'(a_k)) J(T,k)ᵀ g_T h_{k−1}ᵀ, is a rank-one matrix
    with ‖G_k‖_F = ‖diag(φ'(a_k)) J(T,k)ᵀ g_T‖₂‖h_{k−1}‖₂ ≤ γ·(γ‖W‖₂)^ℓ·‖g_T‖₂·‖h_{k−1}‖₂:
    the terms decay geometrically in the lag when γ‖W‖₂ < 1.

    Parameters
    ----------
    W : (n, n) array_like
        Recurrent weights.
    activation : str or Activation
        φ, by name (see :func:`theory.activation`).
    lag : int or array_like of int
        ℓ = T − k ≥ 0.
    grad_norm : float
        ‖∂L_T/∂h_T‖₂ (or an upper bound on it), ≥ 0.
    state_norm : float
        An upper bound on ‖h_{k−1}‖₂, ≥ 0.

    Returns
    -------
    float or ndarray
        log C + ℓ·log(γ‖W‖₂), shaped like ``lag``; −inf when C = 0.

    Raises
    ------
    ValueError
        On a bad W, activation or lag, or a negative or non-finite norm.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural
    networks", ICML, eqs. 3–7 (the sum over k of temporal components and their bound);
    Werbos (1990), "Backpropagation through time", Proc. IEEE 78(10).

    Examples
    --------
    >>> import numpy as np
    >>> bound = log_lag_term_upper_bound(0.5 * np.eye(2), "tanh", [0, 1, 2],
    ...                                  grad_norm=1.0, state_norm=1.0)
    >>> np.exp(bound).round(4).tolist()
    [1.0, 0.5, 0.25]
    """
    W = as_square_matrix(W)
    phi = _activation(activation)
    lags = as_lags(lag)
    grad_norm = as_positive_float(grad_norm, "grad_norm", allow_zero=True)
    state_norm = as_positive_float(state_norm, "state_norm", allow_zero=True)
    log_c = phi.log_gamma + _log(grad_norm) + _log(state_norm)
    return (log_c + _scale(lags, phi.log_gamma + _log(spectral_norm(W))))[()]


def log_lag_term_trajectory_lower_bound(W, activation, preactivations, states, grad_output):
    """Per-term lower bound along one run: ‖G_k‖_F ≥ ‖g_T‖₂‖h_{k−1}‖₂ Π_{t=k..T} m_t · σ_min(W)^{T−k}.

    Here m_t = min_i|φ'(a_{t,i})|. Hypotheses: one run of the vanilla RNN with
    pre-activations a_1..a_T and states h_0..h_T. Conclusion: ‖diag(d)Av‖₂ ≥ min_i|d_i|·
    σ_min(A)‖v‖₂ and σ_min(J(T,k)) ≥ Π_{t=k+1..T} m_t·σ_min(W), so the lag-ℓ term is not
    attenuated beyond this product: at short lags (few factors) and with unsaturated units
    (m_t ≈ γ) it is of the order of the lag-0 term.

    Parameters
    ----------
    W : (n, n) array_like
    activation : str or Activation
    preactivations : (T, n) array_like
        Row t − 1 holds a_t.
    states : (T + 1, n) array_like
        Row t holds h_t (row 0 is h_0).
    grad_output : (n,) array_like
        g_T = ∂L_T/∂h_T.

    Returns
    -------
    ndarray of shape (T,)
        Entry k − 1 is the bound on log‖G_k‖_F for k = 1..T (lag T − k); −inf where 0.

    Raises
    ------
    ValueError
        If the shapes do not match W, or on a bad W or activation.

    References
    ----------
    Horn & Johnson (2013), "Matrix Analysis", 2nd ed., Thm. 7.3.8 (σ_min(AB) ≥
    σ_min(A)σ_min(B)); Pascanu, Mikolov & Bengio (2013), ICML, eq. 5.

    Examples
    --------
    >>> import numpy as np
    >>> lb = log_lag_term_trajectory_lower_bound(np.eye(1), "identity", np.zeros((2, 1)),
    ...                                          np.ones((3, 1)), [2.0])
    >>> np.exp(lb).tolist()
    [2.0, 2.0]
    """
    W = as_square_matrix(W)
    phi = _activation(activation)
    n = W.shape[0]
    a = as_finite_array(preactivations, "preactivations", ndim=2, shape=(None, n))
    T = a.shape[0]
    h = as_finite_array(states, "states", ndim=2, shape=(T + 1, n))
    g = as_finite_array(grad_output, "grad_output", ndim=1, shape=(n,))
    log_m = phi.log_derivative(a).min(axis=1)  # log m_t, t = 1..T
    log_step = log_m + _log(min_singular_value(W))
    # Σ_{t=k+1..T} log_step_t for k = 1..T, with the empty sum 0 at k = T (no NaN: every
    # log_step_t is finite or −inf).
    after = np.append(np.cumsum(log_step[::-1])[::-1], 0.0)[1:]
    with np.errstate(divide="ignore"):
        log_h = np.log(np.linalg.norm(h[:-1], axis=1))
    return _log(np.linalg.norm(g)) + log_h + log_m + after


def log_tail_mass_bound(W, activation, L, T, *, grad_norm, state_norm):
    """log of Σ_{ℓ=L+1..T−1} C·q^ℓ, q = γ‖W‖₂: a bound on the gradient mass from lags > L.

    Hypotheses: those of :func:`log_lag_term_upper_bound`, for a loss read out at step T
    (lags 0..T − 1). Conclusion: Σ_{ℓ>L} ‖G_{T−ℓ}‖_F ≤ C·Σ_{ℓ=L+1..T−1} q^ℓ
    = C·q^{L+1}(1 − q^{T−1−L})/(1 − q) (q ≠ 1), computed in log space. When q < 1 it falls
    at least like q^{L+1}/(1 − q), whatever T.

    Parameters
    ----------
    W : (n, n) array_like
    activation : str or Activation
    L : int or array_like of int
        Cut-off lag, ≥ 0.
    T : int
        Sequence length (the loss is read out at step T), ≥ 1.
    grad_norm, state_norm : float
        As in :func:`log_lag_term_upper_bound`.

    Returns
    -------
    float or ndarray
        Shaped like ``L``; −inf where the tail is empty (L ≥ T − 1).

    Raises
    ------
    ValueError
        On a bad W, activation, L, T or norm.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), ICML, §2.1 (long-term components vanish exponentially
    and the gradient is dominated by short-term ones).

    Examples
    --------
    >>> import numpy as np
    >>> float(np.exp(log_tail_mass_bound(0.5 * np.eye(1), "identity", 0, 3,
    ...                                  grad_norm=1.0, state_norm=1.0)))
    0.75
    """
    W = as_square_matrix(W)
    phi = _activation(activation)
    cut = as_lags(L, "L")
    T = int(as_lags(T, "T"))
    if T < 1:
        raise ValueError(f"T must be at least 1, got {T}")
    grad_norm = as_positive_float(grad_norm, "grad_norm", allow_zero=True)
    state_norm = as_positive_float(state_norm, "state_norm", allow_zero=True)
    log_c = phi.log_gamma + _log(grad_norm) + _log(state_norm)
    log_q = phi.log_gamma + _log(spectral_norm(W))
    lags = np.arange(T)  # 0..T−1
    log_terms = log_c + _scale(lags, log_q)
    # Reverse cumulative log-sum-exp: out[L] = log Σ_{ℓ>L} terms.
    tail = np.full(T + 1, -np.inf)
    for ell in range(T - 1, -1, -1):
        tail[ell] = np.logaddexp(tail[ell + 1], log_terms[ell])
    flat = np.minimum(np.atleast_1d(cut) + 1, T)
    out = tail[flat]
    return out.reshape(np.shape(cut))[()]


def tail_share(term_norms, L):
    """Share of the gradient mass from lags > L: Σ_{ℓ>L} r_ℓ / Σ_ℓ r_ℓ.

    Parameters
    ----------
    term_norms : (T,) array_like
        r_ℓ ≥ 0, the norm of the lag-ℓ term, indexed by the lag ℓ = 0..T − 1.
    L : int or array_like of int
        Cut-off lag(s), ≥ 0.

    Returns
    -------
    float or ndarray
        In [0, 1], non-increasing in L; 0 if every term is 0.

    Raises
    ------
    ValueError
        If a norm is negative or not finite, or L is not a non-negative integer.

    Examples
    --------
    >>> tail_share([3.0, 1.0], [0, 1]).tolist()
    [0.25, 0.0]
    """
    r = as_finite_array(term_norms, "term_norms", ndim=1)
    if (r < 0).any():
        raise ValueError("term_norms must be non-negative")
    cut = as_lags(L, "L")
    total = float(r.sum())
    tail = np.concatenate([np.cumsum(r[::-1])[::-1], [0.0]])  # tail[j] = Σ_{ℓ≥j}
    idx = np.minimum(np.atleast_1d(cut) + 1, r.size)
    out = tail[idx] / total if total > 0 else np.zeros(idx.shape)
    # out ≥ 0 (r ≥ 0); the cap: summation-order rounding can put Σ_{ℓ>L} an ulp above the total.
    return np.minimum(out, 1.0).reshape(np.shape(cut))[()]


def tail_share_bound(W, activation, L, T, *, grad_norm, state_norm, total_mass):
    """Predicted ceiling on :func:`tail_share`: min(1, tail-mass bound / Σ_ℓ ‖G_{T−ℓ}‖_F).

    Hypotheses: those of :func:`log_tail_mass_bound`; ``total_mass`` is the (measured) sum of
    the term norms Σ_ℓ ‖G_{T−ℓ}‖_F, the denominator of the share. Conclusion: the share of
    the gradient mass that comes from lags > L is at most C·Σ_{ℓ>L} q^ℓ / total_mass, which
    falls geometrically with ratio q = γ‖W‖₂ per unit of L when q < 1.

    Parameters
    ----------
    W, activation, L, T, grad_norm, state_norm
        As in :func:`log_tail_mass_bound`.
    total_mass : float
        Σ_ℓ ‖G_{T−ℓ}‖_F > 0.

    Returns
    -------
    float or ndarray
        Shaped like ``L``, in [0, 1].

    Raises
    ------
    ValueError
        As in :func:`log_tail_mass_bound`, or if total_mass is not positive and finite.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), ICML, §2.1 (the long-term components).

    Examples
    --------
    >>> import numpy as np
    >>> round(float(tail_share_bound(0.5 * np.eye(1), "identity", 0, 3, grad_norm=1.0,
    ...                              state_norm=1.0, total_mass=1.75)), 6)
    0.428571
    """
    total_mass = as_positive_float(total_mass, "total_mass")
    log_tail = log_tail_mass_bound(
        W, activation, L, T, grad_norm=grad_norm, state_norm=state_norm
    )
    return np.minimum(1.0, np.exp(np.asarray(log_tail) - np.log(total_mass)))[()]


def log_input_sensitivity_bound(W, U, activation, lag, *, grad_norm):
    """log‖∂L_T/∂x_k‖₂ ≤ log‖∂L_T/∂h_T‖₂ + log(γ‖U‖₂) + ℓ·log(γ‖W‖₂), ℓ = T − k.

    Hypotheses: the vanilla RNN with any inputs, bias and h_0; |φ'| ≤ γ; x_k enters only
    through a_k = W h_{k−1} + U x_k + b. Conclusion: ∂L_T/∂x_k = Uᵀ diag(φ'(a_k)) J(T,k)ᵀ g_T,
    so ‖∂L_T/∂x_k‖₂ ≤ ‖g_T‖₂·γ‖U‖₂·(γ‖W‖₂)^{T−k}: how strongly the verb's prediction at T can
    depend on the subject's input at k falls geometrically with the distance when
    γ‖W‖₂ < 1.

    Parameters
    ----------
    W : (n, n) array_like
        Recurrent weights.
    U : (n, m) array_like
        Input weights.
    activation : str or Activation
    lag : int or array_like of int
        ℓ = T − k ≥ 0.
    grad_norm : float
        ‖∂L_T/∂h_T‖₂ (or an upper bound), ≥ 0.

    Returns
    -------
    float or ndarray
        Shaped like ``lag``.

    Raises
    ------
    ValueError
        On a bad W, U (rows must match W), activation, lag or grad_norm.

    References
    ----------
    Bengio, Simard & Frasconi (1994), IEEE Trans. Neural Networks 5(2), §III; Pascanu,
    Mikolov & Bengio (2013), ICML, eqs. 5–7.

    Examples
    --------
    >>> import numpy as np
    >>> bound = log_input_sensitivity_bound(0.5 * np.eye(2), np.eye(2), "tanh", 3, grad_norm=2.0)
    >>> round(float(np.exp(bound)), 6)
    0.25
    """
    W = as_square_matrix(W)
    U = as_finite_array(U, "U", ndim=2, shape=(W.shape[0], None))
    phi = _activation(activation)
    lags = as_lags(lag)
    grad_norm = as_positive_float(grad_norm, "grad_norm", allow_zero=True)
    log_head = _log(grad_norm) + phi.log_gamma + _log(np.linalg.norm(U, 2))
    return (log_head + _scale(lags, phi.log_gamma + _log(spectral_norm(W))))[()]


def log_input_sensitivity_trajectory_bound(W, U, activation, preactivations, *, grad_norm):
    """Along one run: log‖∂L_T/∂x_k‖₂ ≤ log‖g_T‖₂ + log‖U‖₂ + Σ_{t=k..T} log M_t + (T−k)·log‖W‖₂.

    Here M_t = max_i|φ'(a_{t,i})|. Hypotheses: one run of the vanilla RNN with
    pre-activations a_1..a_T. Conclusion: as :func:`log_input_sensitivity_bound`, with each
    γ replaced by the step's own largest derivative; never looser, and it accounts for
    saturated units (trained networks often saturate).

    Parameters
    ----------
    W : (n, n) array_like
    U : (n, m) array_like
    activation : str or Activation
    preactivations : (T, n) array_like
        Row t − 1 holds a_t.
    grad_norm : float
        ‖∂L_T/∂h_T‖₂, ≥ 0.

    Returns
    -------
    ndarray of shape (T,)
        Entry k − 1 bounds log‖∂L_T/∂x_k‖₂, k = 1..T.

    Raises
    ------
    ValueError
        On mismatched shapes or a bad W, U, activation or grad_norm.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), ICML, eq. 5; Bengio, Simard & Frasconi (1994), §III.

    Examples
    --------
    >>> import numpy as np
    >>> b = log_input_sensitivity_trajectory_bound(0.5 * np.eye(1), np.eye(1), "tanh",
    ...                                            np.zeros((2, 1)), grad_norm=1.0)
    >>> np.exp(b).round(6).tolist()
    [0.5, 1.0]
    """
    W = as_square_matrix(W)
    n = W.shape[0]
    U = as_finite_array(U, "U", ndim=2, shape=(n, None))
    phi = _activation(activation)
    a = as_finite_array(preactivations, "preactivations", ndim=2, shape=(None, n))
    grad_norm = as_positive_float(grad_norm, "grad_norm", allow_zero=True)
    log_M = phi.log_derivative(a).max(axis=1)
    log_step = log_M + _log(spectral_norm(W))
    after = np.append(np.cumsum(log_step[::-1])[::-1], 0.0)[1:]  # Σ_{t>k} log_step_t
    return _log(grad_norm) + _log(np.linalg.norm(U, 2)) + log_M + after
