"""Measured gradients: log‖∂h_T/∂h_k‖₂ by PyTorch autograd through real ``torch.nn`` modules.

This module is the *measurement* side and deliberately shares no formula with
``theory.bounds``: the Jacobians come from autograd's backward pass through
``torch.nn.RNNCell`` (tanh, relu) or an autograd step function built from torch ops
(sigmoid, identity), never from the product Π diag(φ'(a_t)) W.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import as_finite_array, as_lags, as_square_matrix
from ..activations import activation as _activation

__all__ = [
    "LagProfile",
    "lag_profile",
    "measured_jacobian",
    "fused_rnn_log_norm_h0",
    "mean_field_rate_sweep",
]

# Segment Jacobians whose norms leave [_TINY, _HUGE] are recomputed over shorter segments,
# so that the renormalised product never under- or overflows in float64 (range ~1e±308).
_TINY, _HUGE = 1e-250, 1e250
# A segment holds about 5 stacks of segment_length × n × n doubles (copies of the run, the
# autograd graph, the products): cap segment_length·n² so that memory stays ~0.2 GB at any n.
_SEGMENT_ELEMENTS = 2**22
# States and inputs of one run are kept (T·n doubles): refuse runs beyond 2 GiB of them.
_MAX_RUN_ELEMENTS = 2**28
_TORCH_CELL_NONLINEARITIES = ("tanh", "relu")


def _torch():
    import torch

    return torch


def _as_device(device):
    """``torch.device(device)`` (default CPU), checked usable: a ValueError, not torch's
    RuntimeError or AssertionError, for an unknown name or a device this torch cannot use."""
    torch = _torch()
    try:
        device = torch.device("cpu" if device is None else device)
        torch.empty(0, device=device)
    except (RuntimeError, TypeError, AssertionError) as error:
        raise ValueError(f"device {device!r} is not usable by this torch: {error}") from None
    return device


def _check_square_size(n, name="n"):
    """Refuse an n × n float64 matrix beyond _MAX_RUN_ELEMENTS entries (2 GiB), before torch
    tries to allocate it."""
    if n * n > _MAX_RUN_ELEMENTS:
        raise ValueError(
            f"{name} = {n:,} is too large: one {n:,} × {n:,} float64 matrix would need "
            f"{8 * n * n / 2**30:,.0f} GiB (limit {8 * _MAX_RUN_ELEMENTS / 2**30:.0f} GiB)"
        )


def _finite_jacobian(jacobian, what):
    """``jacobian`` if every entry is finite, else a ValueError (it overflowed float64)."""
    if not bool(_torch().isfinite(jacobian).all()):
        raise ValueError(
            f"{what} overflows float64 (no renormalisation here); use lag_profile, which "
            "gives its log norm"
        )
    return jacobian


@dataclass(frozen=True)
class LagProfile:
    """One run of the vanilla RNN and its measured gradient norms at every k.

    Attributes
    ----------
    log_norms : ndarray of shape (T + 1,)
        ``log_norms[k]`` = log‖∂h_T/∂h_k‖₂ for k = 0..T (``log_norms[T]`` = 0).
    preactivations : ndarray of shape (T, n)
        Row t − 1 holds a_t = W h_{t−1} + U x_t + b of this run.
    states : ndarray of shape (T + 1, n)
        h_0..h_T.
    activation : str
    module : str
        What computed the forward pass: ``"torch.nn.RNNCell"`` or ``"autograd step"``.
    """

    log_norms: np.ndarray
    preactivations: np.ndarray
    states: np.ndarray
    activation: str
    module: str

    @property
    def T(self):
        return self.preactivations.shape[0]

    @property
    def log_norms_by_lag(self):
        """log‖∂h_T/∂h_{T−ℓ}‖₂ indexed by the lag ℓ = 0..T."""
        return self.log_norms[::-1]


def _check_run_size(T, n, m):
    """Refuse a run whose states and inputs, (T + 1)·(n + m) doubles, exceed _MAX_RUN_ELEMENTS.

    Called before anything of length T is allocated, so that a huge T fails at once.
    """
    if (T + 1) * (n + m) > _MAX_RUN_ELEMENTS:
        raise ValueError(
            f"T = {T} is too large: one run of n = {n} units would store "
            f"{(T + 1) * n:,} state entries (limit {_MAX_RUN_ELEMENTS:,}); split the sequence"
        )


def _prepare(W, activation, T, inputs, U, b, h0):
    W = as_square_matrix(W)
    phi = _activation(activation)
    n = W.shape[0]
    if inputs is None:
        if T is None:
            raise ValueError("give the sequence length T or the inputs")
        T = int(as_lags(T, "T"))
        if U is not None:
            raise ValueError("U was given without inputs")
        _check_run_size(T, n, 1)
        inputs, U = np.zeros((T, 1)), np.zeros((n, 1))
    else:
        inputs = as_finite_array(inputs, "inputs", ndim=2)
        if T is not None and int(as_lags(T, "T")) != inputs.shape[0]:
            raise ValueError(f"T = {T} does not match len(inputs) = {inputs.shape[0]}")
        T = inputs.shape[0]
        if U is None:
            raise ValueError("inputs were given without U")
        U = as_finite_array(U, "U", ndim=2, shape=(n, inputs.shape[1]))
        _check_run_size(T, n, inputs.shape[1])
    b = np.zeros(n) if b is None else as_finite_array(b, "b", ndim=1, shape=(n,))
    h0 = np.zeros(n) if h0 is None else as_finite_array(h0, "h0", ndim=1, shape=(n,))
    return W, phi, T, inputs, U, b, h0


class _Recurrence:
    """The forward step h_t = φ(W h_{t−1} + U x_t + b) as a real torch computation."""

    def __init__(self, W, phi, U, b, device):
        torch = _torch()
        self.torch = torch
        opts = dict(dtype=torch.float64, device=device)
        self.W = torch.as_tensor(W, **opts)
        self.U = torch.as_tensor(U, **opts)
        self.b = torch.as_tensor(b, **opts)
        n, m = U.shape
        if phi.name in _TORCH_CELL_NONLINEARITIES:
            cell = torch.nn.RNNCell(m, n, bias=True, nonlinearity=phi.name, **opts)
            with torch.no_grad():
                cell.weight_hh.copy_(self.W)
                cell.weight_ih.copy_(self.U)
                cell.bias_ih.copy_(self.b)
                cell.bias_hh.zero_()
            cell.requires_grad_(False)
            self.step = cell
            self.module = "torch.nn.RNNCell"
        else:
            fn = torch.sigmoid if phi.name == "sigmoid" else (lambda a: a)
            W_, U_, b_ = self.W, self.U, self.b
            F = torch.nn.functional
            self.step = lambda x, h: fn(F.linear(h, W_) + F.linear(x, U_) + b_)
            self.module = "autograd step"

    def preactivation(self, x, h):
        """a = W h + U x + b (batched over leading dimensions): recorded for the bounds."""
        F = self.torch.nn.functional
        return F.linear(h, self.W) + F.linear(x, self.U) + self.b


def _run_forward(rec, x, h0):
    torch = rec.torch
    T = x.shape[0]
    states = torch.empty((T + 1, h0.shape[0]), dtype=torch.float64, device=h0.device)
    states[0] = h0
    with torch.no_grad():
        for t in range(T):
            states[t + 1] = rec.step(x[t], states[t])
        pre = rec.preactivation(x, states[:-1])  # shape (0, n) when T = 0
    finite = torch.isfinite(states).all(dim=1)
    if not bool(finite.all()):
        step = int((~finite).nonzero()[0, 0])
        raise ValueError(
            f"the forward pass overflowed float64 at step t = {step} (h_t is not finite); "
            "W, U, b or the inputs are too large for this activation"
        )
    return states, pre


def _segment_products(rec, x, states, start, end, carried):
    """carried·∂h_end/∂h_k for k = start..end−1, from one batched backward pass.

    The segment is re-run from the stored h_start with a batch of n identical copies, and
    one backward pass with grad_outputs = the n rows of ``carried`` gives row i of
    carried·∂h_end/∂h_k in batch entry i, for every k at once. (The same as
    ``torch.autograd.grad(..., is_grads_batched=True)`` over the rows, which vmaps the
    backward; a batch of copies is 2–3× faster for n ≤ 64 and equal at n = 256.)
    """
    torch = rec.torch
    rows = carried.shape[0]
    chain = [states[start].expand(rows, -1).clone().requires_grad_(True)]
    for t in range(start, end):
        h = rec.step(x[t].expand(rows, -1), chain[-1])
        # Pin the recomputed run to the stored one (values only, detached): the batched
        # kernels round differently from the forward pass, and a chaotic run would amplify
        # that over the segment. ∂h_{t+1}/∂h_t stays autograd's derivative of this step,
        # now taken on the recorded trajectory (s − h is exact, so h + (s − h) = s).
        chain.append(h + (states[t + 1] - h).detach())
    # Every h_k of the segment is used (each step reads its h through W), so no grad is None.
    return torch.stack(torch.autograd.grad(chain[-1], chain[:-1], grad_outputs=carried))


def _spectral_norms(products):
    """‖P‖₂ of each matrix of the (k, n, n) stack ``products``; inf where P is not finite.

    Exact spectral norms (batched SVD), always on the CPU: batched float64 SVD on a GPU was
    measured 5× slower than LAPACK here (H200, n = 256, T = 1000: 33.5 s against 6.4 s on one
    CPU thread), and the copy is small (≤ 32 MiB a segment). Warm-started power iteration
    was measured slower for n ≥ 64 (the batch waits for the lag with the smallest spectral
    gap). A product that overflowed (inf, or nan from inf·0) never reaches the SVD, which
    would raise on it: its norm is reported as inf, and the caller shortens the segment.
    """
    torch = _torch()
    products = products.cpu()
    finite = torch.isfinite(products).all(dim=(-2, -1))
    norms = np.full(products.shape[0], np.inf)
    if bool(finite.any()):
        try:
            norms[finite.numpy()] = torch.linalg.matrix_norm(products[finite], ord=2).numpy()
        except RuntimeError as error:  # torch.linalg.LinAlgError: LAPACK did not converge
            raise ValueError(f"the SVD of a measured Jacobian failed: {error}") from None
    return norms


def _capped_segment_length(segment_length, n):
    """The requested segment length, capped so that a segment holds ≤ _SEGMENT_ELEMENTS
    entries of n × n products (at least one step)."""
    return min(segment_length, max(1, _SEGMENT_ELEMENTS // (n * n)))


def _neumaier_add(total, compensation, value):
    """One step of Neumaier's compensated sum: total + compensation tracks the exact sum.

    Returns the new (total, compensation); the rounding error of total + value goes into
    compensation, so that many additions do not add many rounding errors of size u·|total|.
    Neumaier (1974), ZAMM 54, "Rundungsfehleranalyse einiger Verfahren zur Summation
    endlicher Summen". ``theory.bounds`` sums its logs with its own copy on purpose: the
    measurement shares no numerical code with the bounds it checks, beyond input validation.
    """
    new = total + value
    if abs(total) >= abs(value):
        compensation += (total - new) + value
    else:
        compensation += (value - new) + total
    return new, compensation


def _log_norm_sweep(rec, x, states, segment_length=64, *, device=None):
    """log‖∂s_T/∂s_k‖₂ for k = 0..T by one backward sweep over the run, in log space.

    The sweep of :func:`lag_profile`, shared with :func:`theory.diagnose` (whose ``rec`` is
    any cell with the same ``_segment_products`` interface, the state s its flat state):
    segments of one batched backward pass, each product renormalised by the norm of the
    segment's last one. A segment whose norms leave [_TINY, _HUGE] or are not finite is
    recomputed at half length, so no non-finite product reaches the SVD; only a single step
    whose Jacobian overflows float64 is refused.

    Raises
    ------
    ValueError
        A single step's Jacobian overflows float64.
    """
    torch = _torch()
    T, d = x.shape[0], states.shape[1]
    log_norms = np.empty(T + 1)
    log_norms[T] = 0.0
    carried = torch.eye(d, dtype=torch.float64, device=device)
    segment_length = _capped_segment_length(segment_length, d)
    # log_scale = log‖∂s_T/∂s_end‖₂ so far, summed with compensation (Neumaier) so that T/64
    # additions do not add T/64 rounding errors of size u·|log_scale|.
    log_scale, compensation, end, length = 0.0, 0.0, T, segment_length
    while end > 0:
        start = max(0, end - length)
        products = _segment_products(rec, x, states, start, end, carried)
        norms = _spectral_norms(products)
        out_of_range = ~np.isfinite(norms) | (norms > _HUGE) | (norms < _TINY)
        if out_of_range.any() and end - start > 1:
            length = max(1, (end - start) // 2)
            continue
        if not np.isfinite(norms).all():
            raise ValueError(
                f"a single step's Jacobian overflows float64 at t = {end}; W is too large"
            )
        with np.errstate(divide="ignore"):
            log_norms[start:end] = (log_scale + np.log(norms)) + compensation
        head = float(norms[0])
        if head == 0.0:
            # ∂s_T/∂s_start is exactly zero, hence so is ∂s_T/∂s_k for every k < start.
            log_norms[:start] = -np.inf
            break
        carried = products[0] / head
        log_scale, compensation = _neumaier_add(log_scale, compensation, math.log(head))
        end, length = start, min(segment_length, 2 * length)
    return log_norms


def lag_profile(
    W,
    activation,
    T=None,
    *,
    inputs=None,
    U=None,
    b=None,
    h0=None,
    segment_length=64,
    device=None,
):
    """Measure log‖∂h_T/∂h_k‖₂ for every k = 0..T of one run, by autograd in float64.

    The forward pass runs the real ``torch.nn.RNNCell`` (tanh, relu) with the weights
    loaded from W, U, b, or an autograd step function (sigmoid, identity, which
    ``torch.nn.RNN`` lacks). The backward pass sweeps from T down to 0 in segments: within a
    segment one batched backward pass (a batch of n copies of the run, with the n rows of
    the carried matrix as grad_outputs) gives every ∂h_T/∂h_k at once; between segments the carried
    matrix is renormalised to unit norm and its log scale accumulated, so the log norms stay
    finite where the product itself would under- or overflow. Segments whose norms leave
    [1e-250, 1e250], or whose products overflowed (inf or nan entries, which never reach the
    SVD), are recomputed at half the length, down to one step: the log norms are exact to
    rounding for ‖W‖₂ from 1e-300 to 1e300 wherever one step's Jacobian is finite.

    This is a measurement: it does not use the product formula of ``theory.bounds``.

    Parameters
    ----------
    W : (n, n) array_like
        Recurrent weights.
    activation : str or Activation
        ``"tanh"``, ``"relu"``, ``"sigmoid"`` or ``"identity"``.
    T : int, optional
        Sequence length when no inputs are given (the inputs are then zero).
    inputs : (T, m) array_like, optional
        x_1..x_T; needs ``U``.
    U : (n, m) array_like, optional
        Input weights.
    b : (n,) array_like, optional
        Bias (default 0).
    h0 : (n,) array_like, optional
        Initial state (default 0).
    segment_length : int, optional
        Steps per backward segment (default 64). Memory is O(segment_length·n² + T·n).
    device : str or torch.device, optional
        Where torch computes (default CPU).

    Returns
    -------
    LagProfile
        ``log_norms[k]`` = log‖∂h_T/∂h_k‖₂ (−inf where autograd's Jacobian is exactly 0),
        with the run's pre-activations and states.

    Raises
    ------
    ValueError
        On a bad W, unknown activation, negative T, mismatched shapes, a device this torch
        cannot use, or a single step whose Jacobian overflows float64.

    References
    ----------
    Werbos (1990), "Backpropagation through time"; Pascanu, Mikolov & Bengio (2013), ICML,
    eq. 5 (the quantity measured).

    Examples
    --------
    >>> import numpy as np
    >>> profile = lag_profile(0.5 * np.eye(2), "identity", T=3)
    >>> np.exp(profile.log_norms).round(6).tolist()
    [0.125, 0.25, 0.5, 1.0]
    """
    torch = _torch()
    W, phi, T, inputs, U, b, h0 = _prepare(W, activation, T, inputs, U, b, h0)
    segment_length = int(as_lags(segment_length, "segment_length"))
    if segment_length < 1:
        raise ValueError("segment_length must be at least 1")
    device = _as_device(device)
    rec = _Recurrence(W, phi, U, b, device)
    x = torch.as_tensor(inputs, dtype=torch.float64, device=device)
    states, pre = _run_forward(rec, x, torch.as_tensor(h0, dtype=torch.float64, device=device))

    log_norms = _log_norm_sweep(rec, x, states, segment_length, device=device)
    return LagProfile(
        log_norms=log_norms,
        preactivations=pre.cpu().numpy(),
        states=states.cpu().numpy(),
        activation=phi.name,
        module=rec.module,
    )


def measured_jacobian(W, activation, k, T=None, *, inputs=None, U=None, b=None, h0=None):
    """The full Jacobian ∂h_T/∂h_k of one run, by autograd (for small lags: no renormalisation).

    Parameters
    ----------
    W, activation, T, inputs, U, b, h0
        As in :func:`lag_profile`.
    k : int
        0 ≤ k ≤ T.

    Returns
    -------
    ndarray of shape (n, n)

    Raises
    ------
    ValueError
        As in :func:`lag_profile`, if k is outside 0..T, or if ∂h_T/∂h_k overflows float64
        (then :func:`lag_profile` gives its log norm).

    Examples
    --------
    >>> import numpy as np
    >>> measured_jacobian(2 * np.eye(1), "identity", 0, T=3).tolist()
    [[8.0]]
    """
    torch = _torch()
    W, phi, T, inputs, U, b, h0 = _prepare(W, activation, T, inputs, U, b, h0)
    k = int(as_lags(k, "k"))
    if k > T:
        raise ValueError(f"k must be in 0..T = {T}, got {k}")
    rec = _Recurrence(W, phi, U, b, torch.device("cpu"))
    x = torch.as_tensor(inputs, dtype=torch.float64)
    states, _ = _run_forward(rec, x, torch.as_tensor(h0, dtype=torch.float64))
    eye = torch.eye(W.shape[0], dtype=torch.float64)
    if k == T:
        return eye.numpy()
    jacobian = _segment_products(rec, x, states, k, T, eye)[0]
    return _finite_jacobian(jacobian, f"∂h_T/∂h_k (T = {T}, k = {k})").numpy()


def fused_rnn_log_norm_h0(W, activation, T=None, *, inputs=None, U=None, b=None, h0=None):
    """log‖∂h_T/∂h_0‖₂ through the fused, multi-step ``torch.nn.RNN`` (tanh or relu).

    An independent cross-check of ``lag_profile(...).log_norms[0]``: the whole sequence runs
    in one ``torch.nn.RNN`` call and autograd differentiates the output with respect to the
    initial hidden state. Only for small T (no renormalisation).

    Parameters
    ----------
    W, activation, T, inputs, U, b, h0
        As in :func:`lag_profile`; activation must be ``"tanh"`` or ``"relu"``.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For an activation that ``torch.nn.RNN`` lacks, a Jacobian that overflows float64, or
        as in :func:`lag_profile`.
    """
    torch = _torch()
    W, phi, T, inputs, U, b, h0 = _prepare(W, activation, T, inputs, U, b, h0)
    if phi.name not in _TORCH_CELL_NONLINEARITIES:
        raise ValueError(f"torch.nn.RNN has no {phi.name!r} nonlinearity; use tanh or relu")
    n, m = U.shape
    rnn = torch.nn.RNN(m, n, num_layers=1, nonlinearity=phi.name, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(torch.as_tensor(W))
        rnn.weight_ih_l0.copy_(torch.as_tensor(U))
        rnn.bias_ih_l0.copy_(torch.as_tensor(b))
        rnn.bias_hh_l0.zero_()
    rnn.requires_grad_(False)
    start = torch.as_tensor(h0, dtype=torch.float64).reshape(1, n).requires_grad_(True)
    if T == 0:
        return 0.0
    _, h_T = rnn(torch.as_tensor(inputs, dtype=torch.float64), start)
    eye = torch.eye(n, dtype=torch.float64).reshape(n, 1, n)
    (jac,) = torch.autograd.grad(h_T, start, grad_outputs=eye, is_grads_batched=True)
    jac = _finite_jacobian(jac.reshape(1, n, n), f"∂h_T/∂h_0 (T = {T})")
    with np.errstate(divide="ignore"):
        return float(np.log(_spectral_norms(jac)[0]))


def mean_field_rate_sweep(
    sigma_ws,
    n,
    *,
    activation="tanh",
    sigma_b=0.0,
    sigma_u=0.0,
    burn_in=50,
    lags=100,
    seed=0,
    device=None,
):
    """Measure the per-step rate of log‖δ‖ of a back-propagated vector, for each σ_w.

    For every σ_w one random RNN of the mean-field setting is run through the real
    ``torch.nn.RNNCell``: W_ij ~ N(0, σ_w²/n), b_i ~ N(0, σ_b²), input weight σ_u·I with
    x_t ~ N(0, I), h_0 = tanh(N(0, 1)). After ``burn_in`` steps (so that the state variance
    reaches its fixed point) a random vector v is back-propagated from h_T by autograd over
    ``lags`` steps, and the rate is (log‖δ_{T−lags}‖ − log‖v‖)/lags. The sweep is chunked:
    one σ_w at a time, so memory stays O(n² + (burn_in + lags)·n) at any n (n = 4096 takes
    ~0.4 GB) and any number of σ_w. Compare with ``theory.mean_field(...).rate``.

    Parameters
    ----------
    sigma_ws : sequence of float
        Weight scales σ_w > 0.
    n : int
        Number of units.
    activation : {"tanh", "relu"}, optional
    sigma_b, sigma_u : float, optional
        Bias and input scales (≥ 0).
    burn_in, lags : int, optional
        Steps before the tracked state (≥ 0) and tracked steps (≥ 1).
    seed : int, optional
        Seed of the torch generator, a non-negative integer below 2**63 (on the CPU; arrays
        then move to ``device``).
    device : str or torch.device, optional
        Where torch computes (default CPU); a CUDA device for large n.

    Returns
    -------
    ndarray of shape (len(sigma_ws),)
        The measured rates; −inf where the back-propagated vector is exactly zero (every
        relu unit dead, say).

    Raises
    ------
    ValueError
        On a non-positive σ_w, negative scales, bad sizes, a bad seed, a device this torch
        cannot use, or an activation that ``torch.nn.RNNCell`` lacks.

    References
    ----------
    Poole et al. (2016), "Exponential expressivity in deep neural networks through transient
    chaos", NeurIPS; Schoenholz et al. (2017), "Deep information propagation", ICLR.

    Examples
    --------
    >>> rates = mean_field_rate_sweep([0.5], 64, lags=40, seed=1)
    >>> bool(rates[0] < 0)
    True
    """
    torch = _torch()
    phi = _activation(activation)
    if phi.name not in _TORCH_CELL_NONLINEARITIES:
        raise ValueError(f"torch.nn.RNNCell has no {phi.name!r} nonlinearity; use tanh or relu")
    sigma_ws = as_finite_array(sigma_ws, "sigma_ws", ndim=1)
    if np.any(sigma_ws <= 0):
        raise ValueError(f"every sigma_w must be positive, got {sigma_ws.tolist()}")
    n, burn_in, lags = int(as_lags(n, "n")), int(as_lags(burn_in, "burn_in")), int(as_lags(lags, "lags"))
    if n < 1 or lags < 1:
        raise ValueError(f"need n ≥ 1 and lags ≥ 1, got n = {n}, lags = {lags}")
    _check_square_size(n)
    if (burn_in + lags) * n > _MAX_RUN_ELEMENTS:
        raise ValueError(
            f"burn_in + lags = {burn_in + lags:,} steps of n = {n:,} inputs exceed "
            f"{_MAX_RUN_ELEMENTS:,} entries; use fewer steps"
        )
    for name, value in (("sigma_b", sigma_b), ("sigma_u", sigma_u)):
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number ≥ 0, got {value!r}")
    device = _as_device(device)
    seed = as_lags(seed, "seed")
    if np.ndim(seed) != 0:
        raise ValueError(f"seed must be one non-negative integer, got an array of shape {np.shape(seed)}")
    generator = torch.Generator().manual_seed(int(seed))
    opts = dict(dtype=torch.float64)
    rates = np.empty(len(sigma_ws))
    for i, sigma_w in enumerate(sigma_ws):
        W = torch.randn(n, n, generator=generator, **opts) * (float(sigma_w) / math.sqrt(n))
        b = torch.randn(n, generator=generator, **opts) * float(sigma_b)
        x = torch.randn(burn_in + lags, n, generator=generator, **opts)
        h = torch.tanh(torch.randn(n, generator=generator, **opts)).to(device)
        v = torch.randn(n, generator=generator, **opts).to(device)
        cell = torch.nn.RNNCell(n, n, bias=True, nonlinearity=phi.name, device=device, **opts)
        with torch.no_grad():
            cell.weight_hh.copy_(W)
            cell.weight_ih.copy_(torch.eye(n, **opts) * float(sigma_u))
            cell.bias_ih.copy_(b)
            cell.bias_hh.zero_()
        cell.requires_grad_(False)
        x = x.to(device)
        with torch.no_grad():
            for t in range(burn_in):
                h = cell(x[t], h)
        start = h.clone().requires_grad_(True)
        h = start
        for t in range(burn_in, burn_in + lags):
            h = cell(x[t], h)
        (delta,) = torch.autograd.grad(h, start, grad_outputs=v)
        # An exactly zero δ (every relu unit dead, say) is a rate of −inf, not an error.
        with np.errstate(divide="ignore"):
            rates[i] = (np.log(torch.linalg.vector_norm(delta).item())
                        - np.log(torch.linalg.vector_norm(v).item())) / lags
        del W, cell, x, h, start, delta  # chunking: nothing of this σ_w outlives its step
    return rates
