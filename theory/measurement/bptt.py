"""Backpropagation through time, measured through real ``torch.nn`` modules (no theory).

Every gradient here comes from PyTorch autograd through ``torch.nn.RNN``,
``torch.nn.RNNCell`` and ``torch.nn.Linear``, never from the product formulas of
:mod:`theory.bptt` that it is compared with. :func:`rnn_modules` loads W, U, b and a readout
V, c into a ``torch.nn.RNN`` and a ``torch.nn.Linear``. :func:`shared_gradients`
differentiates Σ_t L_t through them; :func:`per_loss_gradients` differentiates each L_t
alone; :func:`untied_gradients` unrolls the network with one ``torch.nn.RNNCell`` (and one
readout) *per step*, copies of the same weights, so the gradient on the copy used at step k
is exactly the step-k (lag T − k) term of the shared gradient; :func:`input_gradients`
gives ∂L_T/∂x_k for every k and g_T = ∂L_T/∂h_T; :func:`run_states` the hidden states.
"""

from __future__ import annotations

import copy

import numpy as np
import torch

from .._validation import as_finite_array, as_lags, as_square_matrix

__all__ = [
    "PARAMETER_NAMES",
    "rnn_modules",
    "shared_gradients",
    "per_loss_gradients",
    "untied_gradients",
    "input_gradients",
    "run_states",
]

PARAMETER_NAMES = ("W", "U", "b_ih", "b_hh", "V", "c")



def rnn_modules(W, U, b=None, V=None, c=None):
    """A float64 ``torch.nn.RNN`` (tanh) and ``torch.nn.Linear`` readout holding W, U, b, V, c.

    The recurrence is h_t = tanh(W h_{t−1} + U x_t + b) with h_0 = 0; the bias goes into
    ``bias_ih_l0`` (``bias_hh_l0`` = 0); the readout gives logits V h_t + c.

    Parameters
    ----------
    W : (n, n) array_like
    U : (n, m) array_like
    b : (n,) array_like, optional
        Default 0.
    V : (p, n) array_like, optional
        Readout weights, default a (2, n) matrix of ones / n.
    c : (p,) array_like, optional
        Readout bias, default 0.

    Returns
    -------
    (torch.nn.RNN, torch.nn.Linear)

    Raises
    ------
    ValueError
        On non-finite entries or shapes that do not match W.

    Examples
    --------
    >>> import numpy as np
    >>> rnn, readout = rnn_modules(np.eye(2), np.ones((2, 1)))
    >>> tuple(rnn.weight_hh_l0.shape), tuple(readout.weight.shape)
    ((2, 2), (2, 2))
    """
    W = as_square_matrix(W)
    n = W.shape[0]
    U = as_finite_array(U, "U", ndim=2, shape=(n, None))
    b = np.zeros(n) if b is None else as_finite_array(b, "b", ndim=1, shape=(n,))
    V = np.ones((2, n)) / n if V is None else as_finite_array(V, "V", ndim=2, shape=(None, n))
    c = np.zeros(V.shape[0]) if c is None else as_finite_array(c, "c", ndim=1, shape=(V.shape[0],))
    rnn = torch.nn.RNN(U.shape[1], n, nonlinearity="tanh", dtype=torch.float64)
    readout = torch.nn.Linear(n, V.shape[0], dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(torch.as_tensor(W))
        rnn.weight_ih_l0.copy_(torch.as_tensor(U))
        rnn.bias_ih_l0.copy_(torch.as_tensor(b))
        rnn.bias_hh_l0.zero_()
        readout.weight.copy_(torch.as_tensor(V))
        readout.bias.copy_(torch.as_tensor(c))
    return rnn, readout


def _params(rnn, readout):
    return {
        "W": rnn.weight_hh_l0,
        "U": rnn.weight_ih_l0,
        "b_ih": rnn.bias_ih_l0,
        "b_hh": rnn.bias_hh_l0,
        "V": readout.weight,
        "c": readout.bias,
    }


def _check_sequence(rnn, readout, inputs, targets, loss_steps):
    x = torch.as_tensor(as_finite_array(inputs, "inputs", ndim=2, shape=(None, rnn.input_size)))
    T = x.shape[0]
    if T < 1:
        raise ValueError("inputs must have at least one step")
    y = np.asarray(targets)
    if y.shape != (T,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"targets must be T = {T} integer class labels, got {targets!r}")
    if (y < 0).any() or (y >= readout.out_features).any():
        raise ValueError(f"targets must be in 0..{readout.out_features - 1}")
    if loss_steps is None:
        steps = np.arange(1, T + 1)
    else:
        steps = np.atleast_1d(as_lags(loss_steps, "loss_steps"))
        if steps.size == 0 or (steps < 1).any() or (steps > T).any():
            raise ValueError(f"loss_steps must be steps in 1..T = {T}, got {loss_steps!r}")
    return x, torch.as_tensor(y, dtype=torch.long), steps


def _step_loss(readout, h, target):
    return torch.nn.functional.cross_entropy(readout(h).reshape(1, -1), target.reshape(1))


def shared_gradients(rnn, readout, inputs, targets, loss_steps=None):
    """Gradient of Σ_{t ∈ loss_steps} L_t on the shared parameters, through the fused ``torch.nn.RNN``.

    L_t is the cross-entropy of the readout V h_t + c against ``targets[t − 1]``.

    Parameters
    ----------
    rnn : torch.nn.RNN
        One layer, tanh, float64 (see :func:`rnn_modules`).
    readout : torch.nn.Linear
    inputs : (T, m) array_like
    targets : (T,) array_like of int
    loss_steps : sequence of int, optional
        Steps t (1..T) whose losses are summed; default every step.

    Returns
    -------
    dict
        ``{"W", "U", "b_ih", "b_hh", "V", "c"}`` → ndarray gradients, and ``"loss"``.

    Raises
    ------
    ValueError
        On inputs or targets that do not fit the modules, or steps outside 1..T.

    References
    ----------
    Werbos (1990), "Backpropagation through time: what it does and how to do it",
    Proc. IEEE 78(10).

    Examples
    --------
    >>> import numpy as np
    >>> rnn, readout = rnn_modules(0.5 * np.eye(2), np.ones((2, 1)))
    >>> g = shared_gradients(rnn, readout, np.ones((3, 1)), [0, 1, 0])
    >>> g["W"].shape
    (2, 2)
    """
    x, y, steps = _check_sequence(rnn, readout, inputs, targets, loss_steps)
    params = _params(rnn, readout)
    out, _ = rnn(x)
    loss = sum(_step_loss(readout, out[t - 1], y[t - 1]) for t in steps)
    grads = torch.autograd.grad(loss, list(params.values()))
    result = {k: g.detach().numpy().copy() for k, g in zip(params, grads)}
    result["loss"] = loss.item()
    return result


def per_loss_gradients(rnn, readout, inputs, targets, loss_steps=None):
    """Gradient of each L_t *alone* on the shared parameters (one backward pass per t).

    Parameters
    ----------
    rnn, readout, inputs, targets, loss_steps
        As in :func:`shared_gradients`.

    Returns
    -------
    dict
        name → ndarray of shape (len(loss_steps), *parameter shape): row i is ∂L_{t_i}/∂θ.

    Raises
    ------
    ValueError
        As in :func:`shared_gradients`.

    Examples
    --------
    >>> import numpy as np
    >>> rnn, readout = rnn_modules(0.5 * np.eye(2), np.ones((2, 1)))
    >>> per_loss_gradients(rnn, readout, np.ones((3, 1)), [0, 1, 0])["W"].shape
    (3, 2, 2)
    """
    x, y, steps = _check_sequence(rnn, readout, inputs, targets, loss_steps)
    params = _params(rnn, readout)
    out, _ = rnn(x)
    rows = {k: [] for k in params}
    for t in steps:
        loss = _step_loss(readout, out[t - 1], y[t - 1])
        grads = torch.autograd.grad(loss, list(params.values()), retain_graph=True)
        for k, g in zip(params, grads):
            rows[k].append(g.detach().numpy().copy())
    return {k: np.stack(v) for k, v in rows.items()}


def untied_gradients(rnn, readout, inputs, targets, loss_steps=None):
    """Per-loss, per-step gradients: unroll with one ``torch.nn.RNNCell`` and readout copy per step.

    Step k uses its own ``torch.nn.RNNCell`` (weights copied from ``rnn``) and its own copy of
    the readout, so ∂L_t/∂(copy k) is the step-k term of ∂L_t/∂θ: for W it is
    diag(φ'(a_k)) J(t,k)ᵀ g_t h_{k−1}ᵀ, the lag-(t − k) term. Measured by autograd.

    Parameters
    ----------
    rnn, readout, inputs, targets, loss_steps
        As in :func:`shared_gradients`.

    Returns
    -------
    dict
        name → ndarray of shape (len(loss_steps), T, *parameter shape): entry [i, k − 1] is
        the gradient of L_{t_i} on the copy of the parameter used at step k; also
        ``"states"`` (T + 1, n) h_0..h_T and ``"preactivations"`` (T, n) a_1..a_T of the run,
        and ``"grad_output"`` (len(loss_steps), n): g_t = ∂L_t/∂h_t.

    Raises
    ------
    ValueError
        As in :func:`shared_gradients`.

    References
    ----------
    Werbos (1990), Proc. IEEE 78(10) (the unrolled network); Pascanu, Mikolov & Bengio
    (2013), ICML, eqs. 3–5 (the sum over temporal components).

    Examples
    --------
    >>> import numpy as np
    >>> rnn, readout = rnn_modules(0.5 * np.eye(2), np.ones((2, 1)))
    >>> g = untied_gradients(rnn, readout, np.ones((3, 1)), [0, 1, 0])
    >>> g["W"].shape  # (losses, steps, n, n)
    (3, 3, 2, 2)
    >>> bool((g["W"][0, 1:] == 0).all())  # L_1 does not depend on W at steps 2 and 3
    True
    """
    x, y, steps = _check_sequence(rnn, readout, inputs, targets, loss_steps)
    T, n = x.shape[0], rnn.hidden_size
    cells, heads = [], []
    for _ in range(T):
        cell = torch.nn.RNNCell(rnn.input_size, n, nonlinearity="tanh", dtype=torch.float64)
        with torch.no_grad():
            cell.weight_hh.copy_(rnn.weight_hh_l0)
            cell.weight_ih.copy_(rnn.weight_ih_l0)
            cell.bias_ih.copy_(rnn.bias_ih_l0)
            cell.bias_hh.copy_(rnn.bias_hh_l0)
        cells.append(cell)
        heads.append(copy.deepcopy(readout))
    h = torch.zeros(n, dtype=torch.float64)
    states, pre = [h], []
    for k in range(T):
        c = cells[k]
        pre.append(
            torch.nn.functional.linear(h, c.weight_hh)
            + torch.nn.functional.linear(x[k], c.weight_ih, c.bias_ih + c.bias_hh)
        )
        h = c(x[k], h)
        states.append(h)
    names = {
        "W": [c.weight_hh for c in cells],
        "U": [c.weight_ih for c in cells],
        "b_ih": [c.bias_ih for c in cells],
        "b_hh": [c.bias_hh for c in cells],
        "V": [r.weight for r in heads],
        "c": [r.bias for r in heads],
    }
    flat = [p for plist in names.values() for p in plist]
    out = {k: np.zeros((len(steps), T) + tuple(v[0].shape)) for k, v in names.items()}
    grad_output = np.zeros((len(steps), n))
    for i, t in enumerate(steps):
        loss = _step_loss(heads[t - 1], states[t], y[t - 1])
        grads = torch.autograd.grad(
            loss, flat + [states[t]], retain_graph=True, allow_unused=True
        )
        j = 0
        for k, plist in names.items():
            for step in range(T):
                g = grads[j]
                if g is not None:
                    out[k][i, step] = g.detach().numpy()
                j += 1
        grad_output[i] = grads[-1].detach().numpy()
    with torch.no_grad():
        out["states"] = torch.stack(states).numpy().copy()
        out["preactivations"] = torch.stack(pre).numpy().copy()
    out["grad_output"] = grad_output
    return out


def input_gradients(rnn, readout, inputs, target):
    """∂L_T/∂x_k for every k and g_T = ∂L_T/∂h_T, by autograd through the fused module.

    L_T is the cross-entropy of the readout at the last step against ``target``. Works for
    ``torch.nn.RNN`` and ``torch.nn.LSTM`` (one layer, float64).

    Parameters
    ----------
    rnn : torch.nn.RNN or torch.nn.LSTM
    readout : torch.nn.Linear
    inputs : (T, m) array_like
    target : int

    Returns
    -------
    dict
        ``"inputs"``: ndarray (T, m), row k − 1 is ∂L_T/∂x_k; ``"grad_output"``: (n,) g_T;
        ``"loss"``: float.

    Raises
    ------
    ValueError
        On inputs that do not fit the module or a target outside the classes.

    Examples
    --------
    >>> import numpy as np
    >>> rnn, readout = rnn_modules(0.5 * np.eye(2), np.ones((2, 1)))
    >>> input_gradients(rnn, readout, np.ones((4, 1)), 1)["inputs"].shape
    (4, 1)
    """
    x = as_finite_array(inputs, "inputs", ndim=2, shape=(None, rnn.input_size))
    if x.shape[0] < 1:
        raise ValueError("inputs must have at least one step")
    if not (isinstance(target, (int, np.integer)) and 0 <= target < readout.out_features):
        raise ValueError(f"target must be a class in 0..{readout.out_features - 1}, got {target!r}")
    xt = torch.as_tensor(x).clone().requires_grad_(True)
    out, _ = rnn(xt)
    loss = _step_loss(readout, out[-1], torch.as_tensor(int(target)))
    gx, gout = torch.autograd.grad(loss, [xt, out])
    return {
        "inputs": gx.detach().numpy().copy(),
        "grad_output": gout[-1].detach().numpy().copy(),
        "loss": loss.item(),
    }


def run_states(rnn, inputs):
    """States h_0..h_T and pre-activations a_1..a_T of a one-layer tanh ``torch.nn.RNN``.

    Parameters
    ----------
    rnn : torch.nn.RNN
    inputs : (T, m) array_like

    Returns
    -------
    (states, preactivations) : ndarrays of shapes (T + 1, n) and (T, n)

    Raises
    ------
    ValueError
        On inputs that do not fit the module.

    Examples
    --------
    >>> import numpy as np
    >>> h, a = run_states(rnn_modules(np.eye(1), np.ones((1, 1)))[0], np.zeros((2, 1)))
    >>> h.tolist(), a.tolist()
    ([[0.0], [0.0], [0.0]], [[0.0], [0.0]])
    """
    x = torch.as_tensor(as_finite_array(inputs, "inputs", ndim=2, shape=(None, rnn.input_size)))
    with torch.no_grad():
        out, _ = rnn(x)
        h = torch.cat([torch.zeros(1, rnn.hidden_size, dtype=out.dtype), out])
        a = (
            h[:-1] @ rnn.weight_hh_l0.T
            + x @ rnn.weight_ih_l0.T
            + rnn.bias_ih_l0
            + rnn.bias_hh_l0
        )
    return h.numpy().copy(), a.numpy().copy()
