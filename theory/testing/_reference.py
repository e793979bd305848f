"""Reference gradients of a vanilla RNN by PyTorch autograd in float64, and the course layout.

The forward pass runs the real ``torch.nn.RNNCell`` (tanh, relu) or a ``torch.nn.Module`` of
``torch.nn.Linear`` layers and ``torch.nn.Sigmoid`` / ``torch.nn.Identity`` (which
``torch.nn.RNNCell`` lacks); autograd differentiates L = Σ_t ⟨upstream[t], h_t⟩. Nothing here
shares a formula with a hand-written backward pass, which is what the reference is for.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from ..activations import activation as _activation
from ._cases import RNNCase

__all__ = ["GRADIENT_NAMES", "ReferenceGradients", "from_course_layout", "reference_gradients", "to_course_layout"]

GRADIENT_NAMES = ("W", "U", "b", "h0", "x")
# Course name of each gradient, and how its array is laid out there (see to_course_layout).
_COURSE_NAMES = {"W": "dWaa", "U": "dWax", "b": "dba", "h0": "da0", "x": "dx"}


@dataclass(frozen=True)
class ReferenceGradients(Mapping):
    """The gradients of L = Σ_{t=1..T} ⟨upstream[t − 1], h_t⟩ and the run they were taken on.

    Reachable both as attributes and as a mapping: ``result.W is result["W"]``.

    Attributes
    ----------
    W : ndarray (n, n)
        ∂L/∂W.
    U : ndarray (n, m)
        ∂L/∂U.
    b : ndarray (n,)
        ∂L/∂b.
    h0 : ndarray (n,)
        ∂L/∂h_0.
    x : ndarray (T, m)
        ∂L/∂x_t in row t − 1.
    states : ndarray (T + 1, n)
        h_0..h_T of the forward pass.
    state_gradients : ndarray (T + 1, n)
        The total ∂L/∂h_t (through every later step), t = 0..T; row 0 equals ``h0``.
    preactivations : ndarray (T, n)
        a_t = W h_{t−1} + U x_t + b in row t − 1.
    upstream : ndarray (T, n)
        The upstream gradients the loss was built from.
    loss : float
        L.
    activation : str
    module : str
        What ran the forward pass: ``"torch.nn.RNNCell"`` or ``"torch.nn.Linear"``.
    """

    W: np.ndarray
    U: np.ndarray
    b: np.ndarray
    h0: np.ndarray
    x: np.ndarray
    states: np.ndarray
    state_gradients: np.ndarray
    preactivations: np.ndarray
    upstream: np.ndarray
    loss: float
    activation: str
    module: str

    def __getitem__(self, name: str):
        if name not in self._keys():
            raise KeyError(f"{name!r}; the reference holds {', '.join(self._keys())}")
        return getattr(self, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    @staticmethod
    def _keys():
        return tuple(f.name for f in fields(ReferenceGradients))

    def to_course_layout(self) -> dict[str, np.ndarray]:
        """The gradients as the course's ``rnn_backward`` returns them, for a batch of one.

        ``dx`` (n_x, 1, T_x), ``da0`` (n_a, 1), ``dWax`` (n_a, n_x), ``dWaa`` (n_a, n_a),
        ``dba`` (n_a, 1): see :func:`to_course_layout` for the correspondence.
        """
        return {
            "dx": self.x.T[:, None, :].copy(),
            "da0": self.h0[:, None].copy(),
            "dWax": self.U.copy(),
            "dWaa": self.W.copy(),
            "dba": self.b[:, None].copy(),
        }


def _case_arrays(case):
    """(W, U, b, x, h0, activation) of an RNNCase or a mapping with those keys, checked."""
    get = case.__getitem__ if isinstance(case, Mapping) else lambda key: getattr(case, key)
    try:
        W, U, b, x, h0, name = (get(key) for key in ("W", "U", "b", "x", "h0", "activation"))
    except (KeyError, AttributeError) as error:
        raise ValueError(f"case must be an RNNCase or a mapping with W, U, b, x, h0, activation; {error}") from None
    name = _activation(name).name
    arrays = []
    for label, value, ndim in (("W", W, 2), ("U", U, 2), ("b", b, 1), ("x", x, 2), ("h0", h0, 1)):
        array = np.asarray(value, dtype=np.float64)
        if array.ndim != ndim or not np.isfinite(array).all():
            raise ValueError(f"case {label} must be a finite {ndim}-d array, got shape {array.shape}")
        arrays.append(array)
    W, U, b, x, h0 = arrays
    n = W.shape[0]
    expected = {"W": (n, n), "U": (n, x.shape[1]), "b": (n,), "h0": (n,)}
    for label, array in zip(("W", "U", "b", "h0"), (W, U, b, h0)):
        if array.shape != expected[label]:
            raise ValueError(f"case {label} has shape {array.shape}, expected {expected[label]} "
                             f"(n = {n} from W, m = {x.shape[1]} from x)")
    return W, U, b, x, h0, name


def _cell(torch, name, W, U, b):
    """A torch.nn module computing one step h' = φ(W h + U x + b), with W, U, b loaded."""
    n, m = U.shape
    opts = dict(dtype=torch.float64)
    if name in ("tanh", "relu"):
        cell = torch.nn.RNNCell(m, n, bias=True, nonlinearity=name, **opts)
        parameters = {"W": cell.weight_hh, "U": cell.weight_ih, "b": cell.bias_ih}
        with torch.no_grad():
            cell.bias_hh.zero_()
        module = "torch.nn.RNNCell"
    else:
        cell = torch.nn.Module()
        cell.recurrent = torch.nn.Linear(n, n, bias=False, **opts)
        cell.input = torch.nn.Linear(m, n, bias=True, **opts)
        cell.nonlinearity = torch.nn.Sigmoid() if name == "sigmoid" else torch.nn.Identity()
        cell.forward = lambda x, h: cell.nonlinearity(cell.recurrent(h) + cell.input(x))
        parameters = {"W": cell.recurrent.weight, "U": cell.input.weight, "b": cell.input.bias}
        module = "torch.nn.Linear"
    with torch.no_grad():
        for key, value in (("W", W), ("U", U), ("b", b)):
            parameters[key].copy_(torch.as_tensor(value, **opts))
    return cell, parameters, module


def reference_gradients(case: RNNCase | Mapping, upstream: npt.ArrayLike) -> ReferenceGradients:
    """The gradients of L = Σ_t ⟨upstream[t − 1], h_t⟩ by torch autograd in float64.

    The run is h_t = φ(W h_{t−1} + U x_t + b), t = 1..T, through ``torch.nn.RNNCell`` (tanh,
    relu) or ``torch.nn.Linear`` with ``torch.nn.Sigmoid`` / ``torch.nn.Identity``.

    The course's layout (Ng's Deep Learning Specialization, "Building your Recurrent Neural
    Network – Step by Step") stores a batch of m sequences column-wise: a⟨t⟩ = h_t is
    ``a[:, i, t − 1]`` of shape (n_a, m, T_x), x⟨t⟩ = x_t is ``x[:, i, t − 1]``, W_aa = W,
    W_ax = U, b_a = b[:, None]; the upstream ``da`` of ``rnn_backward`` is ``upstream.T``.
    :func:`to_course_layout` and :func:`from_course_layout` do these transposes for a batch of
    one; :meth:`ReferenceGradients.to_course_layout` gives the gradients as ``dx``, ``da0``,
    ``dWax``, ``dWaa``, ``dba``.

    Parameters
    ----------
    case : RNNCase or mapping
        With ``W`` (n, n), ``U`` (n, m), ``b`` (n,), ``x`` (T, m), ``h0`` (n,), ``activation``.
    upstream : (T, n) array_like
        ∂L/∂h_t held fixed in row t − 1 (the gradient arriving from outside the recurrence).

    Returns
    -------
    ReferenceGradients
        ``W``, ``U``, ``b``, ``h0``, ``x``, the ``states``, the total ``state_gradients`` and
        the ``loss``; as attributes and as ``result["W"]``.

    Raises
    ------
    ValueError
        For mismatched shapes, non-finite arrays, an unknown activation, or a run whose states
        or gradients overflow float64.

    References
    ----------
    Werbos (1990), "Backpropagation through time: what it does and how to do it", Proc. IEEE
    78(10), eq. (1)–(5): the gradient computed.

    Examples
    --------
    >>> import numpy as np
    >>> case = {"W": [[0.5]], "U": [[1.0]], "b": [0.0], "x": [[0.0], [0.0]], "h0": [1.0],
    ...         "activation": "identity"}
    >>> result = reference_gradients(case, upstream=[[0.0], [1.0]])  # L = h_2 = 0.25 h_0
    >>> float(result.h0[0]), float(result["W"][0, 0])  # ∂L/∂W = 2W·h_0 = 1
    (0.25, 1.0)
    """
    import torch

    W, U, b, x, h0, name = _case_arrays(case)
    T, n = x.shape[0], W.shape[0]
    upstream = np.asarray(upstream, dtype=np.float64)
    if upstream.shape != (T, n) or not np.isfinite(upstream).all():
        raise ValueError(f"upstream must be a finite (T, n) = {(T, n)} array, got shape {upstream.shape}")
    cell, parameters, module = _cell(torch, name, W, U, b)
    inputs = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    states = [torch.tensor(h0, dtype=torch.float64, requires_grad=True)]
    for t in range(T):
        states.append(cell(inputs[t], states[-1]))
        states[-1].retain_grad()
    run = torch.stack(states).detach().numpy()
    if not np.isfinite(run).all():
        raise ValueError(f"the forward pass overflowed float64 at step t = {int(np.argmin(np.isfinite(run).all(1)))}")
    loss = (torch.as_tensor(upstream) * torch.stack(states[1:])).sum() if T else torch.zeros(())
    if T:
        loss.backward()

    def grad(tensor):
        return np.zeros(tuple(tensor.shape)) if tensor.grad is None else tensor.grad.detach().numpy().copy()

    result = ReferenceGradients(
        W=grad(parameters["W"]), U=grad(parameters["U"]), b=grad(parameters["b"]),
        h0=grad(states[0]), x=grad(inputs), states=run,
        state_gradients=np.stack([grad(state) for state in states]),
        preactivations=run[:-1] @ W.T + x @ U.T + b, upstream=upstream,
        loss=float(loss.detach()), activation=name, module=module,
    )
    if not all(np.isfinite(result[key]).all() for key in GRADIENT_NAMES):
        raise ValueError("the gradients overflow float64: this run's ∂L/∂θ is beyond ~1.8e308")
    return result


def to_course_layout(case: RNNCase | Mapping, upstream: npt.ArrayLike | None = None) -> dict:
    """A case in the course's layout, a batch of one: the arguments of its ``rnn_forward``.

    Parameters
    ----------
    case : RNNCase or mapping
        As in :func:`reference_gradients`.
    upstream : (T, n) array_like, optional
        If given, also ``da`` (n_a, 1, T_x), the argument of the course's ``rnn_backward``.

    Returns
    -------
    dict
        ``x`` (n_x, 1, T_x), ``a0`` (n_a, 1), ``parameters`` = {``Waa`` (n_a, n_a), ``Wax``
        (n_a, n_x), ``ba`` (n_a, 1)}, and ``da`` when ``upstream`` is given.

    Raises
    ------
    ValueError
        As in :func:`reference_gradients`.

    Examples
    --------
    >>> case = {"W": [[0.5]], "U": [[1.0, 2.0]], "b": [0.1], "x": [[1.0, 0.0]] * 3, "h0": [0.0],
    ...         "activation": "tanh"}
    >>> course = to_course_layout(case, upstream=[[1.0]] * 3)
    >>> course["x"].shape, course["a0"].shape, course["parameters"]["ba"].shape, course["da"].shape
    ((2, 1, 3), (1, 1), (1, 1), (1, 1, 3))
    """
    W, U, b, x, h0, _ = _case_arrays(case)
    course = {
        "x": x.T[:, None, :].copy(),
        "a0": h0[:, None].copy(),
        "parameters": {"Waa": W.copy(), "Wax": U.copy(), "ba": b[:, None].copy()},
    }
    if upstream is not None:
        upstream = np.asarray(upstream, dtype=np.float64)
        if upstream.shape != (x.shape[0], W.shape[0]):
            raise ValueError(f"upstream must have shape (T, n) = {(x.shape[0], W.shape[0])}, got {upstream.shape}")
        course["da"] = upstream.T[:, None, :].copy()
    return course


def from_course_layout(gradients: Mapping) -> dict[str, np.ndarray]:
    """The course's gradients (``dx``, ``da0``, ``dWax``, ``dWaa``, ``dba``, batch of one) in
    this package's layout: ``{"x": (T, m), "h0": (n,), "U", "W", "b": (n,)}``.

    Keys that are absent are left out; other keys are ignored. Arrays keep whatever shape the
    course's code gave them beyond the batch axis, so that :func:`assert_gradients_close`
    reports a wrong shape as a failed check.

    Parameters
    ----------
    gradients : mapping
        What the course's ``rnn_backward`` returns.

    Returns
    -------
    dict of ndarray

    Raises
    ------
    ValueError
        If ``gradients`` is not a mapping, holds none of the five keys, or a batch axis is not
        of length 1.

    Examples
    --------
    >>> import numpy as np
    >>> got = from_course_layout({"dx": np.zeros((2, 1, 3)), "dba": np.ones((4, 1))})
    >>> {key: value.shape for key, value in got.items()}
    {'b': (4,), 'x': (3, 2)}
    """
    if not isinstance(gradients, Mapping):
        raise ValueError(f"gradients must be a mapping such as rnn_backward's dict, got {type(gradients).__name__}")
    names = {course: ours for ours, course in _COURSE_NAMES.items()}
    present = [key for key in ("dWaa", "dWax", "dba", "da0", "dx") if key in gradients]
    if not present:
        raise ValueError(f"gradients hold none of {', '.join(names)}; keys: {sorted(gradients)}")
    out = {}
    for key in present:
        array = np.asarray(gradients[key], dtype=np.float64)
        if key in ("dba", "da0", "dx"):
            if array.ndim != (3 if key == "dx" else 2) or array.shape[1] != 1:
                raise ValueError(f"{key} must have axis 1 of length 1 (a batch of one), got shape {array.shape}")
            array = array[:, 0, :].T if key == "dx" else array[:, 0]
        out[names[key]] = array
    return dict(sorted(out.items()))
