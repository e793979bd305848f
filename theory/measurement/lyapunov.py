"""Measured Lyapunov spectra: the QR (Benettin) method on autograd Jacobians of the real cell.

This is the *measurement* side: every step Jacobian J_t = ∂h_t/∂h_{t−1} comes from
autograd's backward pass through ``torch.nn.RNNCell`` (tanh, relu) or an autograd step
built from torch ops (sigmoid, identity, untied weights), never from diag(φ'(a_t)) W.

Why batched autograd: the step Jacobians of a whole segment of L steps come from ONE
forward pass of the cell over the L stored states and ONE backward pass vmapped over the n
unit vectors (``is_grads_batched``), which returns row i of every J_t. A Jacobian per step through
``torch.autograd.functional.jacobian`` pays Python and graph overhead n times per step.
``python -m benchmarks.lyapunov`` measured, at n = 64, T = 1000: the full spectrum in 1.23–1.36×
the bare floor (T products and T QR factorisations of n × n matrices) and 29–35× faster than
one ``functional.jacobian`` per step (docs/diagnose.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import as_finite_array, as_lags
from ..activations import activation as _activation
from .jacobians import _capped_segment_length, _prepare, _Recurrence, _run_forward, _torch

__all__ = ["LyapunovSpectrum", "lyapunov_spectrum", "step_jacobians", "qr_log_growth"]

# Steps whose Jacobians are formed in one batched backward pass (capped so that a segment
# holds at most 2^22 doubles of Jacobians at any n, as lag_profile's segments do).
_JACOBIAN_SEGMENT = 256


@dataclass(frozen=True)
class LyapunovSpectrum:
    """The Lyapunov spectrum of one run, with the per-step growth it was averaged from.

    Attributes
    ----------
    exponents : ndarray of shape (k,)
        The k exponents, natural log per step, in descending order: the mean over the steps
        after ``warmup`` of log|R_ii(t)|, where J_t Q_{t−1} = Q_t R_t (QR, R_ii column i).
    log_growth : ndarray of shape (T, k)
        log|R_ii(t)| of every step, in the QR's column order (warm-up steps included).
    initial_basis : ndarray of shape (n, k)
        Q_0, orthonormal columns (random with a fixed seed, so that no column starts
        orthogonal to the most expanding direction of a structured W).
    warmup : int
        Steps run before averaging starts.
    preactivations : ndarray of shape (T, n)
        a_t = W h_{t−1} + U x_t + b (for untied weights, W_t).
    states : ndarray of shape (T + 1, n)
        h_0..h_T.
    activation : str
    module : str
        What computed the steps: ``"torch.nn.RNNCell"`` or ``"autograd step"``.
    """

    exponents: np.ndarray
    log_growth: np.ndarray
    initial_basis: np.ndarray
    warmup: int
    preactivations: np.ndarray
    states: np.ndarray
    activation: str
    module: str

    @property
    def T(self):
        return self.log_growth.shape[0]

    @property
    def running(self):
        """Running estimates, shape (T − warmup, k): row s is the mean of log|R_ii| over the
        first s + 1 steps after the warm-up (QR column order; the last row, sorted, is
        ``exponents``). Plot it against s to see the estimates converge."""
        tail = self.log_growth[self.warmup :]
        counts = np.arange(1, tail.shape[0] + 1)[:, None]
        with np.errstate(invalid="ignore"):
            return np.cumsum(tail, axis=0) / counts


def step_jacobians(step, x, states, start, end):
    """∂s_t/∂s_{t−1} for t = start+1..end from one batched backward pass, shape (L, d, d).

    ``step(x, s)`` is the real cell on a batch: the L steps of the segment run as one batch
    of L rows from the stored states, and one backward pass with the d unit vectors as
    batched grad_outputs (``is_grads_batched``, which vmaps the backward) gives row i of
    every J_t at once. Measured at n = 64, T = 1000: 4× faster than a batch of L·d copies
    of the step with one unit vector each, with identical Jacobians.
    """
    torch = _torch()
    L, d = end - start, states.shape[1]
    prev = states[start:end].clone().requires_grad_(True)
    out = step(x[start:end], prev)
    eye = torch.eye(d, dtype=states.dtype, device=states.device).unsqueeze(1).expand(d, L, d)
    (rows,) = torch.autograd.grad(out, prev, grad_outputs=eye, is_grads_batched=True)
    # A strided view (row stride L·d): BLAS multiplies it in place, measured as fast as a copy.
    return rows.transpose(0, 1)


def initial_basis(d, k, seed=0):
    """Q_0: k orthonormal columns of a Haar-random d × d orthogonal matrix (fixed seed).

    The QR runs in torch (one thread): numpy's threaded LAPACK took 0.98 s for d = 256 on
    this project's loaded 2-core machine, against 2 ms here."""
    torch = _torch()
    gaussian = torch.as_tensor(np.random.default_rng(seed).standard_normal((d, d)))
    q, r = torch.linalg.qr(gaussian)
    return (q * torch.sign(torch.diagonal(r))).numpy()[:, :k]


def qr_log_growth(jacobians_of_segment, basis, log_growth, spans):
    """Advance Q through J_t Q_{t−1} = Q_t R_t for one segment; store log|R_ii(t)|.

    ``jacobians_of_segment(start, end)`` returns the step Jacobians of steps start+1..end;
    the ``spans`` (a list of (start, end)) are processed in order. Returns the final basis.
    """
    torch = _torch()
    for start, end in spans:
        jacobians = jacobians_of_segment(start, end)
        diagonals = torch.empty((end - start, basis.shape[1]), dtype=basis.dtype)
        for s in range(end - start):
            basis, r = torch.linalg.qr(jacobians[s] @ basis)
            diagonals[s] = r.diagonal()
        with np.errstate(divide="ignore"):
            log_growth[start:end] = np.log(np.abs(diagonals.numpy()))
    return basis


def segments(T, d, length=_JACOBIAN_SEGMENT):
    """(start, end) pairs covering 0..T in order, each ≤ length steps (capped for memory)."""
    length = _capped_segment_length(length, d)
    return [(start, min(T, start + length)) for start in range(0, T, length)]


def _untied_prepare(W, phi, T, inputs, U, b, h0):
    """Validate a (T, n, n) stack of per-step recurrent matrices and the other arguments."""
    W = as_finite_array(W, "W", ndim=3)
    if W.shape[0] == 0:
        raise ValueError(f"untied W needs at least one matrix (one per step), got shape {W.shape}")
    if W.shape[1] != W.shape[2] or W.shape[1] == 0:
        raise ValueError(f"untied W must have shape (T, n, n) with n ≥ 1, got {W.shape}")
    if T is not None and int(as_lags(T, "T")) != W.shape[0]:
        raise ValueError(f"T = {T} does not match the {W.shape[0]} matrices of untied W")
    _, _, T, inputs, U, b, h0 = _prepare(W[0], phi, W.shape[0] if inputs is None else None,
                                         inputs, U, b, h0)
    if T != W.shape[0]:
        raise ValueError(f"len(inputs) = {T} does not match the {W.shape[0]} matrices of untied W")
    return W, T, inputs, U, b, h0


class _UntiedRecurrence:
    """h_t = φ(W_t h_{t−1} + U x_t + b) with one W_t per step, as torch ops (autograd step)."""

    module = "autograd step"

    def __init__(self, W, phi, U, b):
        torch = _torch()
        self.torch = torch
        self.W = torch.tensor(W, dtype=torch.float64)  # a copy: W may be a read-only view
        self.U = torch.as_tensor(U, dtype=torch.float64)
        self.b = torch.as_tensor(b, dtype=torch.float64)
        self.fn = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}.get(
            phi.name, lambda a: a)

    def preactivations(self, x, states):
        """a_t for t = 1..T: W_t h_{t−1} + U x_t + b."""
        return (self.W @ states[:-1].unsqueeze(-1)).squeeze(-1) + x @ self.U.T + self.b

    def run(self, x, h0):
        torch = self.torch
        states = torch.empty((x.shape[0] + 1, h0.shape[0]), dtype=torch.float64)
        states[0] = h0
        with torch.no_grad():
            for t in range(x.shape[0]):
                states[t + 1] = self.fn(self.W[t] @ states[t] + self.U @ x[t] + self.b)
        finite = torch.isfinite(states).all(dim=1)
        if not bool(finite.all()):
            step = int((~finite).nonzero()[0, 0])
            raise ValueError(f"the forward pass overflowed float64 at step t = {step} "
                             "(h_t is not finite); W, U, b or the inputs are too large")
        return states, self.preactivations(x, states)

    def jacobians(self, x, states, start, end):
        """Autograd through the step with W_{start+1..end}, batched as in step_jacobians."""
        torch = self.torch
        L, n = end - start, states.shape[1]
        prev = states[start:end].clone().requires_grad_(True)
        pre = (self.W[start:end] @ prev.unsqueeze(-1)).squeeze(-1) + x[start:end] @ self.U.T + self.b
        eye = torch.eye(n, dtype=torch.float64).unsqueeze(1).expand(n, L, n)
        (rows,) = torch.autograd.grad(self.fn(pre), prev, grad_outputs=eye, is_grads_batched=True)
        return rows.transpose(0, 1)


def _forward(rec, x, h0):
    """The run's states: for tanh and relu one call of the fused ``torch.nn.RNN`` with the
    cell's weights (4× faster than T cell calls at n = 64, T = 1000; the Jacobians are
    then taken step by step through the cell at these states), else lag_profile's forward."""
    torch = rec.torch
    if rec.module != "torch.nn.RNNCell" or x.shape[0] == 0:
        return _run_forward(rec, x, h0)
    cell = rec.step
    rnn = torch.nn.RNN(cell.input_size, cell.hidden_size, nonlinearity=cell.nonlinearity,
                       dtype=torch.float64)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(rnn, f"{name}_l0").copy_(getattr(cell, name))
        out, _ = rnn(x, h0.unsqueeze(0))
        states = torch.cat([h0.unsqueeze(0), out])
    finite = torch.isfinite(states).all(dim=1)
    if not bool(finite.all()):
        step = int((~finite).nonzero()[0, 0])
        raise ValueError(f"the forward pass overflowed float64 at step t = {step} (h_t is not "
                         "finite); W, U, b or the inputs are too large for this activation")
    with torch.no_grad():
        return states, rec.preactivation(x, states[:-1])


def _check_counts(n, n_exponents, warmup, T):
    k = n if n_exponents is None else int(as_lags(n_exponents, "n_exponents"))
    if not 1 <= k <= n:
        raise ValueError(f"n_exponents must be in 1..n = {n}, got {n_exponents!r}")
    warmup = int(as_lags(warmup, "warmup"))
    if warmup >= T:
        raise ValueError(f"warmup = {warmup} leaves no step to average over (T = {T})")
    return k, warmup


def lyapunov_spectrum(W, activation, T=None, *, inputs=None, U=None, b=None, h0=None,
                      n_exponents=None, warmup=0):
    """Measure the Lyapunov spectrum of one run of the vanilla RNN by the QR method.

    The run h_t = φ(W h_{t−1} + U x_t + b) is computed by the real ``torch.nn.RNNCell``
    (tanh, relu) or an autograd step (sigmoid, identity); each step's Jacobian J_t comes
    from autograd, batched over a segment of steps (see :func:`step_jacobians`). Starting
    from k orthonormal columns Q_0, each step factors J_t Q_{t−1} = Q_t R_t, and exponent i
    is the mean of log|R_ii(t)| over the steps after the warm-up (Benettin et al. 1980).
    Hence Σ_{i≤k} of the running sums is log vol_k(J_t ⋯ J_1 Q_0) exactly, and with k = n
    the exponents sum to the mean of log|det J_t|.

    Parameters
    ----------
    W : (n, n) array_like, or (T, n, n) for untied weights
        Recurrent weights; a stack gives W_t for step t (a product of independent matrices).
    activation : str or Activation
        ``"tanh"``, ``"relu"``, ``"sigmoid"`` or ``"identity"``.
    T : int, optional
        Sequence length when no inputs are given (the inputs are then zero).
    inputs : (T, m) array_like, optional
        x_1..x_T; needs ``U``.
    U : (n, m) array_like, optional
    b : (n,) array_like, optional
        Bias (default 0).
    h0 : (n,) array_like, optional
        Initial state (default 0).
    n_exponents : int, optional
        k, the number of leading exponents (default n: the full spectrum).
    warmup : int, optional
        Steps run before averaging starts (default 0), so that Q aligns with the dynamics.

    Returns
    -------
    LyapunovSpectrum
        ``exponents`` (descending, natural log per step; −inf where a step's Jacobian is
        exactly singular in that direction, e.g. dead relu units), the per-step
        ``log_growth``, the ``running`` estimates, ``initial_basis``, the run's states.

    Raises
    ------
    ValueError
        On a bad W, unknown activation, mismatched shapes, n_exponents outside 1..n, a
        warm-up of T steps or more, or a forward pass that overflows float64 (the message
        gives the step).

    References
    ----------
    Benettin, Galgani, Giorgilli & Strelcyn (1980), Meccanica 15, 9–20 and 21–30 (the QR
    method); Vogt et al. (2022), "On Lyapunov exponents for RNNs: understanding information
    propagation using dynamical systems tools", Frontiers in Applied Mathematics and
    Statistics 8, §2; Engelken, Wolf & Abbott (2023), "Lyapunov spectra of chaotic recurrent
    neural networks", Phys. Rev. Research 5, 043044, §II; Newman (1986), Commun. Math.
    Phys. 103 (untied Gaussian products).

    Examples
    --------
    >>> import numpy as np
    >>> spectrum = lyapunov_spectrum(np.diag([2.0, 0.5]), "identity", T=60, warmup=10)
    >>> np.exp(spectrum.exponents).round(6).tolist()   # the eigenvalues, once Q has aligned
    [2.0, 0.5]
    """
    torch = _torch()
    phi = _activation(activation)
    if np.ndim(W) == 3:
        W, T, inputs, U, b, h0 = _untied_prepare(W, phi, T, inputs, U, b, h0)
        rec = _UntiedRecurrence(W, phi, U, b)
        x = torch.as_tensor(inputs, dtype=torch.float64)
        states, pre = rec.run(x, torch.as_tensor(h0, dtype=torch.float64))

        def jacobians_of_segment(start, end):
            return rec.jacobians(x, states, start, end)
    else:
        W, phi, T, inputs, U, b, h0 = _prepare(W, phi, T, inputs, U, b, h0)
        rec = _Recurrence(W, phi, U, b, torch.device("cpu"))
        x = torch.as_tensor(inputs, dtype=torch.float64)
        states, pre = _forward(rec, x, torch.as_tensor(h0, dtype=torch.float64))

        def jacobians_of_segment(start, end):
            return step_jacobians(rec.step, x, states, start, end)
    n = states.shape[1]
    if T == 0:
        raise ValueError("T must be at least 1 to measure exponents")
    k, warmup = _check_counts(n, n_exponents, warmup, T)
    basis = initial_basis(n, k)
    log_growth = np.empty((T, k))
    qr_log_growth(jacobians_of_segment, torch.as_tensor(basis), log_growth, segments(T, n))
    with np.errstate(invalid="ignore"):
        exponents = np.sort(log_growth[warmup:].mean(axis=0))[::-1]
    return LyapunovSpectrum(
        exponents=exponents,
        log_growth=log_growth,
        initial_basis=basis,
        warmup=warmup,
        preactivations=pre.detach().numpy(),
        states=states.numpy(),
        activation=phi.name,
        module=rec.module,
    )
