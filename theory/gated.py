"""Gated cells (LSTM, GRU) and gradient clipping: what the theory says about their Jacobians.

Conventions are PyTorch's (``torch.nn.LSTM``/``LSTMCell``, ``torch.nn.GRU``/``GRUCell``):

LSTM, gate rows stacked (i, f, g, o) in ``weight_ih``/``weight_hh`` (4n rows):
    i, f, o = σ(W_i· x + b_i· + W_h· h_{t−1} + b_h·),  g = tanh(same),
    c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t).
GRU, gate rows stacked (r, z, n) (3n rows):
    r, z = σ(W_i· x + b_i· + W_h· h + b_h·),  n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
    h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}.

Everything here is numpy and pure; the tests measure the Jacobians by autograd through the
real torch modules.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import as_finite_array, as_lags, as_positive_float
from .activations import activation as _activation
from .spectra import spectral_norm

__all__ = [
    "lstm_gates",
    "lstm_cell_path_log_norm",
    "lstm_forget_log_bounds",
    "gate_preactivation_radius",
    "lstm_log_jacobian_bound",
    "gru_jacobian_deviation_bound",
    "gru_log_norm_bounds",
    "clipped_gradient_norm",
]

HOCHREITER_1997 = "Hochreiter & Schmidhuber (1997), Long short-term memory, Neural Computation 9(8)"
GERS_2000 = (
    "Gers, Schmidhuber & Cummins (2000), Learning to forget: continual prediction with LSTM, "
    "Neural Computation 12(10)"
)
CHO_2014 = (
    "Cho et al. (2014), Learning phrase representations using RNN encoder–decoder for "
    "statistical machine translation, EMNLP"
)

_SIGMOID = _activation("sigmoid")


def _sigmoid(a):
    return _SIGMOID.phi(a)


def _weights(weight_hh, n_gates, name="weight_hh"):
    W = as_finite_array(weight_hh, name, ndim=2)
    rows, n = W.shape
    if rows != n_gates * n:
        raise ValueError(f"{name} must have shape ({n_gates}·n, n), got {W.shape}")
    return W, n


def _per_unit(value, name, n=None):
    """A float or an (n,) array (one value per unit), as a 1-D float64 array of length 1 or n.

    A length-1 result is not broadcast to n: every caller combines it elementwise with another
    per-unit array (b − r, r − b) before reducing, which broadcasts it.
    """
    array = as_finite_array(value, name)
    if array.size == 0:
        raise ValueError(f"{name} must be non-empty, got shape {array.shape}")
    if array.ndim > 1 or (n is not None and array.ndim == 1 and array.size not in (1, n)):
        want = "a number or a 1-D array" + ("" if n is None else f" of length n = {n}")
        raise ValueError(f"{name} must be {want}, got shape {array.shape}")
    return np.atleast_1d(array)


def lstm_gates(weight_ih, weight_hh, bias_ih, bias_hh, inputs, h_prev):
    """The LSTM gate values (i, f, g, o) of every step, recomputed in numpy from the weights.

    Parameters
    ----------
    weight_ih : (4n, m) array_like
    weight_hh : (4n, n) array_like
    bias_ih, bias_hh : (4n,) array_like
    inputs : (T, m) array_like
        x_1..x_T.
    h_prev : (T, n) array_like
        h_0..h_{T−1} (the state each step reads).

    Returns
    -------
    dict of str to ndarray of shape (T, n)
        ``"i"``, ``"f"``, ``"g"``, ``"o"``.

    Raises
    ------
    ValueError
        On shapes that do not match or non-finite entries.

    References
    ----------
    PyTorch documentation, ``torch.nn.LSTM`` (gate order i, f, g, o); Gers et al. (2000).

    Examples
    --------
    >>> import numpy as np
    >>> gates = lstm_gates(np.zeros((4, 1)), np.zeros((4, 1)), np.zeros(4), np.zeros(4),
    ...                    np.zeros((2, 1)), np.zeros((2, 1)))
    >>> gates["f"].tolist()
    [[0.5], [0.5]]
    """
    W_hh, n = _weights(weight_hh, 4)
    W_ih = as_finite_array(weight_ih, "weight_ih", ndim=2, shape=(4 * n, None))
    b = as_finite_array(bias_ih, "bias_ih", ndim=1, shape=(4 * n,)) + as_finite_array(
        bias_hh, "bias_hh", ndim=1, shape=(4 * n,)
    )
    x = as_finite_array(inputs, "inputs", ndim=2, shape=(None, W_ih.shape[1]))
    h = as_finite_array(h_prev, "h_prev", ndim=2, shape=(x.shape[0], n))
    a = x @ W_ih.T + h @ W_hh.T + b
    ai, af, ag, ao = (a[:, k * n : (k + 1) * n] for k in range(4))
    return {"i": _sigmoid(ai), "f": _sigmoid(af), "g": np.tanh(ag), "o": _sigmoid(ao)}


def lstm_cell_path_log_norm(forget_gates):
    """Cell path (constant error carousel): log‖Π_{t=k+1..T} diag(f_t)‖₂ = max_i Σ_t log f_{t,i}.

    Hypotheses: an LSTM with forget gate (Gers et al. 2000) and h_{t−1} held fixed (the
    "truncated" gradient of Hochreiter & Schmidhuber 1997, or the cell-to-cell path of the
    full gradient). Then c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t with f_t, i_t, g_t independent of
    c_{t−1}, so ∂c_t/∂c_{t−1} = diag(f_t) exactly and ∂c_T/∂c_k = Π diag(f_t), whose
    spectral norm is the largest diagonal entry. Conclusion: the cell-path gradient neither
    explodes (f ≤ 1) nor vanishes faster than the forget gates allow; with f ≡ 1 it is the
    identity (the constant error carousel of the original LSTM).

    Parameters
    ----------
    forget_gates : (T, n) array_like
        f_1..f_T, entries in (0, 1].

    Returns
    -------
    ndarray of shape (T + 1,)
        Entry k is log‖∂c_T/∂c_k‖₂ (entry T is 0).

    Raises
    ------
    ValueError
        If the array is not 2-D, not finite, or has entries outside (0, 1].

    References
    ----------
    Hochreiter & Schmidhuber (1997), Neural Computation 9(8), §4 (constant error
    carousel); Gers, Schmidhuber & Cummins (2000), Neural Computation 12(10), §2–3.

    Examples
    --------
    >>> lstm_cell_path_log_norm([[0.5, 1.0], [0.5, 0.25]]).round(4).tolist()
    [-1.3863, -0.6931, 0.0]
    """
    f = as_finite_array(forget_gates, "forget_gates", ndim=2)
    if np.any(f <= 0.0) or np.any(f > 1.0):
        raise ValueError("forget gate values must lie in (0, 1]")
    logs = np.log(f)
    T, n = f.shape
    cum = np.zeros((T + 1, n))
    cum[:-1] = np.cumsum(logs[::-1], axis=0)[::-1]
    return cum.max(axis=1)


def gate_preactivation_radius(weight_hh, weight_ih=None, inputs=None, state_bound=1.0):
    """r_i = Σ_j |W_hh,ij|·s + max_t |(W_ih x_t)_i|: a bound on |gate pre-activation − bias|.

    Hypotheses: |h_{t−1,j}| ≤ s for every step (s = 1 for LSTM and GRU started from
    |h_0| ≤ 1, since h = o·tanh(c) and a GRU state is a convex combination of h and
    n = tanh(·)). Conclusion: every gate pre-activation lies within r_i of its bias.

    Parameters
    ----------
    weight_hh : (k, n) array_like
        Rows of the gate(s) considered.
    weight_ih : (k, m) array_like, optional
    inputs : (T, m) array_like, optional
    state_bound : float, optional
        s (default 1).

    Returns
    -------
    ndarray of shape (k,)

    Raises
    ------
    ValueError
        On mismatched shapes, or weight_ih without inputs.

    References
    ----------
    Gers et al. (2000), Neural Computation 12(10), §2 (bounded cell output).

    Examples
    --------
    >>> gate_preactivation_radius([[0.5, -0.25]]).tolist()
    [0.75]
    """
    W = as_finite_array(weight_hh, "weight_hh", ndim=2)
    s = as_positive_float(state_bound, "state_bound", allow_zero=True)
    r = np.abs(W).sum(axis=1) * s
    if (weight_ih is None) != (inputs is None):
        raise ValueError("weight_ih and inputs must be given together")
    if weight_ih is not None:
        U = as_finite_array(weight_ih, "weight_ih", ndim=2, shape=(W.shape[0], None))
        x = as_finite_array(inputs, "inputs", ndim=2, shape=(None, U.shape[1]))
        if x.shape[0]:
            r = r + np.abs(x @ U.T).max(axis=0)
    return r


def lstm_forget_log_bounds(forget_bias, radius, lag):
    """ℓ·max_i log σ(b_i − r_i) ≤ log‖∂c_T/∂c_{T−ℓ}‖₂ (cell path) ≤ ℓ·max_i log σ(b_i + r_i).

    Hypotheses: the forget pre-activation of unit i is b_i + e_{t,i} with |e_{t,i}| ≤ r_i
    at every step (see :func:`gate_preactivation_radius`), h_{t−1} held fixed (cell path).
    Conclusion: each f_{t,i} ∈ [σ(b_i − r_i), σ(b_i + r_i)], so the diagonal product's
    norm max_i Π_t f_{t,i} lies between the two bounds. A large forget bias keeps the cell
    path near 1: log σ(b − r) ≈ −e^{−(b−r)}, so over ℓ steps the gradient keeps a factor
    ≈ exp(−ℓ e^{−(b−r)}) (0.964 for b − r = 9, ℓ = 300).

    Parameters
    ----------
    forget_bias : (n,) array_like or float
        b_if + b_hf.
    radius : (n,) array_like or float
        r_i ≥ 0.
    lag : int or array_like of int

    Returns
    -------
    (lower, upper) : tuple of float or ndarray
        Same shape as ``lag``.

    Raises
    ------
    ValueError
        On non-finite values, a negative radius or a bad lag.

    References
    ----------
    Gers, Schmidhuber & Cummins (2000), Neural Computation 12(10); Jozefowicz, Zaremba &
    Sutskever (2015), "An empirical exploration of recurrent network architectures", ICML
    (forget-gate bias 1 or larger).

    Examples
    --------
    >>> lo, hi = lstm_forget_log_bounds(9.0, 0.0, 300)
    >>> round(float(np.exp(lo)), 3)
    0.964
    """
    b = _per_unit(forget_bias, "forget_bias")
    r = _per_unit(radius, "radius", b.size if b.size > 1 else None)  # b of size 1 broadcasts
    if np.any(r < 0):
        raise ValueError("radius must be non-negative")
    lags = as_lags(lag)
    # log σ(x) = −log(1 + e^{−x}), computed without overflow or cancellation.
    log_lo = float(np.max(-np.logaddexp(0.0, -(b - r))))
    log_hi = float(np.max(-np.logaddexp(0.0, -(b + r))))
    # lags is int64 and log_lo, log_hi floats: the products are float64 already.
    return np.asarray(lags * log_lo)[()], np.asarray(lags * log_hi)[()]


def lstm_log_jacobian_bound(weight_hh, gates, c_prev, c):
    """Trajectory bound on the full LSTM state Jacobian, gate paths included.

    For the state s_t = (h_t, c_t) the step Jacobian has four blocks; with the gate values
    of the run (i, f, g, o at each step) and the PyTorch gate rows W_hi, W_hf, W_hg, W_ho:

        ‖∂c_t/∂c_{t−1}‖ = max f                                                    =: D
        ‖∂c_t/∂h_{t−1}‖ ≤ max|c_{t−1} f(1−f)|‖W_hf‖ + max|g i(1−i)|‖W_hi‖
                          + max|i (1−g²)|‖W_hg‖                                   =: C
        ‖∂h_t/∂c_{t−1}‖ ≤ max|o (1−tanh²c_t) f|                                    =: B
        ‖∂h_t/∂h_{t−1}‖ ≤ max|tanh(c_t) o(1−o)|‖W_ho‖ + max|o (1−tanh²c_t)|·C       =: A

    (the maxima over units, ‖·‖ the spectral norm). Hypotheses: the LSTM above, any inputs,
    biases and initial state; the gate values are those of the run. Conclusion: the norm
    of a block matrix is at most the spectral norm of the 2×2 matrix of its block norms,
    so ‖∂s_t/∂s_{t−1}‖₂ ≤ ‖[[A, B], [C, D]]‖₂ and ‖∂s_T/∂s_k‖₂ ≤ Π_{t=k+1..T} of these.
    It shows what can make an LSTM gradient explode: only the gate paths (A, B, C), never
    the cell path D ≤ 1.

    Parameters
    ----------
    weight_hh : (4n, n) array_like
    gates : dict
        ``"i"``, ``"f"``, ``"g"``, ``"o"``: (T, n) arrays (see :func:`lstm_gates`).
    c_prev : (T, n) array_like
        c_0..c_{T−1}.
    c : (T, n) array_like
        c_1..c_T.

    Returns
    -------
    ndarray of shape (T + 1,)
        Entry k bounds log‖∂(h_T, c_T)/∂(h_k, c_k)‖₂ (entry T is 0).

    Raises
    ------
    ValueError
        On mismatched shapes or non-finite values.

    References
    ----------
    Hochreiter & Schmidhuber (1997); Gers et al. (2000); Horn & Johnson (2013), "Matrix
    Analysis", 2nd ed., §5.6 (block norm bounds); Chen, Pennington & Schoenholz (2018),
    ICML, §4 (gating and signal propagation).

    Examples
    --------
    >>> import numpy as np
    >>> g = {k: np.full((3, 1), v) for k, v in dict(i=0.0, f=1.0, g=0.0, o=0.0).items()}
    >>> lstm_log_jacobian_bound(np.zeros((4, 1)), g, np.zeros((3, 1)), np.zeros((3, 1))).tolist()
    [0.0, 0.0, 0.0, 0.0]
    """
    W, n = _weights(weight_hh, 4)
    blocks = [W[k * n : (k + 1) * n] for k in range(4)]
    nrm = [spectral_norm(B) for B in blocks]
    if not hasattr(gates, "keys") or not all(k in gates for k in "ifgo"):
        raise ValueError("gates must be a mapping with the keys 'i', 'f', 'g', 'o'")
    gi, gf, gg, go = (
        as_finite_array(gates[k], f"gates[{k!r}]", ndim=2, shape=(None, n)) for k in "ifgo"
    )
    T = gi.shape[0]
    cp = as_finite_array(c_prev, "c_prev", ndim=2, shape=(T, n))
    cc = as_finite_array(c, "c", ndim=2, shape=(T, n))
    for arr, name in ((gf, "f"), (gg, "g"), (go, "o")):
        if arr.shape[0] != T:
            raise ValueError(f"gates[{name!r}] must have {T} rows")
    tc = np.tanh(cc)
    dtc = 1.0 - tc**2
    D = gf.max(axis=1)
    C = (
        np.abs(cp * gf * (1 - gf)).max(axis=1) * nrm[1]
        + np.abs(gg * gi * (1 - gi)).max(axis=1) * nrm[0]
        + np.abs(gi * (1 - gg**2)).max(axis=1) * nrm[2]
    )
    B = np.abs(go * dtc * gf).max(axis=1)
    A = np.abs(tc * go * (1 - go)).max(axis=1) * nrm[3] + np.abs(go * dtc).max(axis=1) * C
    per_step = np.empty(T)
    for t in range(T):
        per_step[t] = np.linalg.norm(np.array([[A[t], B[t]], [C[t], D[t]]]), 2)
    with np.errstate(divide="ignore"):
        logs = np.log(per_step)
    out = np.zeros(T + 1)
    out[:-1] = np.cumsum(logs[::-1])[::-1]
    return out


def gru_jacobian_deviation_bound(weight_hh, bias_hh, update_bias, update_radius, state_bound=1.0):
    """A-priori bound δ ≥ ‖∂h_t/∂h_{t−1} − I‖₂ for a GRU whose update gate is near 1.

    With PyTorch's convention h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}:
    ∂h_t/∂h_{t−1} − I = −diag(1−z) + diag(1−z)·∂n/∂h + diag((h−n) z(1−z)) W_hz, and
    ‖∂n/∂h‖ ≤ ‖W_hn‖₂ + (m/4)‖W_hr‖₂ with m = max_i |W_hn h + b_hn|_i ≤ s·‖W_hn‖_∞ + |b_hn|_∞.
    Hypotheses: |h_{t−1}| ≤ s (s = 1 when |h_0| ≤ 1), so |h − n| ≤ 1 + s; the update-gate
    pre-activation of unit i is within r_i of its bias b_i (:func:`gate_preactivation_radius`
    on the z rows), so 1 − z_i ≤ ε := max_i σ(r_i − b_i). Conclusion:
    ‖∂h_t/∂h_{t−1} − I‖₂ ≤ δ = ε·(1 + ‖W_hn‖₂ + m‖W_hr‖₂/4 + (1 + s)‖W_hz‖₂). As the update
    bias grows, ε ≈ e^{−(b−r)} → 0 and the Jacobian tends to I: the gradient is carried
    unchanged, like the LSTM's cell path.

    Parameters
    ----------
    weight_hh : (3n, n) array_like
        Rows (r, z, n), PyTorch order.
    bias_hh : (3n,) array_like
    update_bias : (n,) array_like or float
        b_iz + b_hz.
    update_radius : (n,) array_like or float
        r_i ≥ 0.
    state_bound : float, optional
        s (default 1).

    Returns
    -------
    float
        δ.

    Raises
    ------
    ValueError
        On bad shapes, non-finite values or a negative radius.

    References
    ----------
    Cho et al. (2014), EMNLP (the GRU); PyTorch documentation, ``torch.nn.GRU`` (the
    convention h = (1 − z)n + z h); Chen, Pennington & Schoenholz (2018), ICML, §4.

    Examples
    --------
    >>> import numpy as np
    >>> round(gru_jacobian_deviation_bound(np.zeros((6, 2)), np.zeros(6), 40.0, 0.0), 12)
    0.0
    """
    W, n = _weights(weight_hh, 3)
    b_hh = as_finite_array(bias_hh, "bias_hh", ndim=1, shape=(3 * n,))
    bz = _per_unit(update_bias, "update_bias", n)
    rz = _per_unit(update_radius, "update_radius", n)
    if np.any(rz < 0):
        raise ValueError("update_radius must be non-negative")
    s = as_positive_float(state_bound, "state_bound", allow_zero=True)
    W_hr, W_hz, W_hn = W[:n], W[n : 2 * n], W[2 * n :]
    eps = float(np.max(_sigmoid(rz - bz)))
    m = s * float(np.abs(W_hn).sum(axis=1).max()) + float(np.abs(b_hh[2 * n :]).max())
    factor = 1.0 + spectral_norm(W_hn) + m * spectral_norm(W_hr) / 4.0 + (1.0 + s) * spectral_norm(W_hz)
    return eps * factor


def gru_log_norm_bounds(delta, lag):
    """log(max(0, 2 − (1+δ)^ℓ)) ≤ log‖∂h_T/∂h_{T−ℓ}‖₂ ≤ ℓ·log(1+δ), given ‖J_t − I‖₂ ≤ δ.

    Hypotheses: every step Jacobian satisfies ‖J_t − I‖₂ ≤ δ (see
    :func:`gru_jacobian_deviation_bound`). Conclusion: expanding Π(I + E_t),
    ‖Π J_t − I‖₂ ≤ (1+δ)^ℓ − 1, hence ‖Π J_t‖₂ ≥ 1 − [(1+δ)^ℓ − 1] and ≤ (1+δ)^ℓ: the
    gradient is neither lost nor amplified over ℓ ≪ 1/δ steps.

    Parameters
    ----------
    delta : float
        δ ≥ 0.
    lag : int or array_like of int

    Returns
    -------
    (lower, upper) : tuple of float or ndarray
        The lower bound is −inf once (1+δ)^ℓ ≥ 2.

    Raises
    ------
    ValueError
        On a negative or non-finite δ or a bad lag.

    References
    ----------
    Horn & Johnson (2013), "Matrix Analysis", 2nd ed., §5.6 (‖Π(I+E_t) − I‖ ≤ Π(1+‖E_t‖) − 1).

    Examples
    --------
    >>> lo, hi = gru_log_norm_bounds(1e-3, 100)
    >>> round(float(lo), 4), round(float(hi), 4)
    (-0.1111, 0.1)
    """
    delta = as_positive_float(delta, "delta", allow_zero=True)
    lags = as_lags(lag)
    upper = lags * math.log1p(delta)
    # (1+δ)^ℓ may overflow for huge ℓ; the bound is then log 0 = −inf, which this gives.
    # (upper is finite and ≥ 0, so exp(upper) ∈ [1, inf] and no NaN can arise: only the
    # overflow and log 0 are silenced.)
    with np.errstate(divide="ignore", over="ignore"):
        lower = np.log(np.maximum(0.0, 2.0 - np.exp(upper)))
    return lower[()], np.asarray(upper)[()]


def clipped_gradient_norm(norm, threshold):
    """Norm after gradient clipping (Pascanu et al. 2013, Algorithm 1): min(‖g‖, θ).

    Hypotheses: the gradient g of all parameters together, threshold θ > 0. Algorithm 1:
    if ‖g‖ ≥ θ then g ← (θ/‖g‖)·g. Conclusion: the clipped gradient has norm min(‖g‖, θ)
    and the same direction as g (cosine 1). ``torch.nn.utils.clip_grad_norm_`` multiplies by
    min(1, θ/(‖g‖ + 1e-6)), which differs from this by a relative 1e-6/‖g‖ at most.

    Parameters
    ----------
    norm : float
        ‖g‖ ≥ 0.
    threshold : float
        θ > 0.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        On a negative or non-finite norm, or θ ≤ 0.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), ICML, §3.2 and Algorithm 1.

    Examples
    --------
    >>> clipped_gradient_norm(50.0, 5.0), clipped_gradient_norm(1.0, 5.0)
    (5.0, 1.0)
    """
    norm = as_positive_float(norm, "norm", allow_zero=True)
    threshold = as_positive_float(threshold, "threshold")
    return min(norm, threshold)
