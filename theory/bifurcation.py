"""The dynamical-systems view of exploding gradients: a single recurrent unit
x_t = w·φ(x_{t−1}) + b, its fixed points, their saddle-node bifurcations, and the gradient
"wall" where the orbit of x_0 switches attractor (Pascanu, Mikolov & Bengio 2013: the
bifurcation diagram for w = 5 in §2.2, Fig. 3; the wall in §2.3, eq. 8, Fig. 6; Doya 1993).

For w > 1/γ (γ = sup φ') the map has two attractors for b inside a window (b_lo, b_hi) whose
ends are saddle-node bifurcations: there w·φ'(x*) = 1 and a stable and the unstable fixed
point merge and vanish. Inside the window the unstable fixed point x_m(b) separates the
basins. As b crosses the value b* at which x_m(b*) = x_0, the limit of the orbit from x_0
jumps from one attractor to the other; at finite T the state x_T changes by O(1) over a
b-interval of width ≈ (μ − 1)μ^{−T}, μ = w·φ'(x_0), so ∂x_T/∂b — and the gradient of any loss
of x_T — spikes there: the "wall" of the error surface.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import as_finite_array, as_lags
from .activations import activation as _activation

__all__ = [
    "fixed_points",
    "saddle_node_biases",
    "basin_boundary_bias",
    "log_boundary_sensitivity",
]

_MONOTONE = ("sigmoid", "tanh")


def _real(value, name):
    """A finite real scalar (Python or numpy number, 0-d array or tensor), else ValueError."""
    if value is None or isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    array = as_finite_array(value, name)
    if array.ndim != 0:
        raise ValueError(f"{name} must be a real number, got an array of shape {array.shape}")
    return float(array)


def _phi(activation):
    phi = _activation(activation)
    if phi.name not in _MONOTONE:
        raise ValueError(
            f"the single-unit analysis needs a bounded sigmoidal activation "
            f"({', '.join(_MONOTONE)}), got {phi.name!r}"
        )
    return phi


def _critical_points(phi, w):
    """x with w·φ'(x) = 1 (none when w·γ ≤ 1, in particular for every w ≤ 0), sorted."""
    if w * phi.gamma <= 1.0:
        return np.empty(0)
    if phi.name == "sigmoid":
        # σ(1 − σ) = 1/w  ⇒  σ = (1 ± √(1 − 4/w))/2, x = logit(σ).
        root = math.sqrt(1.0 - 4.0 / w)
        s = 0.5 * (1.0 + root)
        x = math.log(s / (1.0 - s))
    else:
        # sech²x = 1/w  ⇒  x = arccosh(√w).
        x = math.acosh(math.sqrt(w))
    return np.array([-x, x])


def fixed_points(w, b, activation="sigmoid"):
    """Fixed points x* = w·φ(x*) + b of the single-unit map and their multipliers w·φ'(x*).

    Hypotheses: φ = sigmoid or tanh (bounded, increasing, φ' unimodal). Then
    g(x) = w·φ(x) + b − x is monotone between the (at most two) critical points where
    w·φ'(x) = 1, so the map has at most three fixed points, all in the interval
    b + w·φ(ℝ); each is found by Brent's method to ~1e-15. Conclusion: a fixed point is
    stable (attracting) if |w·φ'(x*)| < 1 and unstable if > 1.

    Parameters
    ----------
    w : float
        Recurrent weight (any real).
    b : float
        Bias.
    activation : str, optional
        ``"sigmoid"`` (default, as in Pascanu et al. Figs. 3 and 6) or ``"tanh"``.

    Returns
    -------
    (points, multipliers) : tuple of ndarray
        Sorted fixed points and w·φ'(x*) at each.

    Raises
    ------
    ValueError
        For non-finite w or b, or an activation other than sigmoid or tanh.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), ICML, §2.2 and Fig. 3; Strogatz (2015), "Nonlinear
    Dynamics and Chaos", 2nd ed., §10.1 (fixed points of 1-D maps and their stability).

    Examples
    --------
    >>> points, mult = fixed_points(5.0, -2.5)
    >>> len(points), [bool(abs(m) < 1) for m in mult]
    (3, [True, False, True])
    >>> len(fixed_points(5.0, -1.0)[0])
    1
    """
    w = _real(w, "w")
    b = _real(b, "b")
    phi = _phi(activation)

    def g(x):
        return w * float(phi.phi(x)) + b - x

    # Every fixed point lies in b + w·φ(ℝ) ⊂ (b − |w|, b + |w|) (|φ| < 1); g is monotone
    # between consecutive edges.
    edges = [b - abs(w) - 1.0, *_critical_points(phi, w), b + abs(w) + 1.0]
    # Imported here: scipy.optimize costs ~0.3 s, and `import theory` should not pay it.
    from scipy.optimize import brentq

    points = []
    for left, right in zip(edges[:-1], edges[1:]):
        # A root in [left, right] iff g changes sign or vanishes at an end (brentq then
        # returns that end exactly); rtol is scipy's default 4·eps.
        if g(left) * g(right) <= 0.0:
            points.append(brentq(g, left, right, xtol=1e-15))
    points = np.unique(points)
    return points, w * phi.derivative(points)


def saddle_node_biases(w, activation="sigmoid"):
    """The biases b at which a pair of fixed points appears or vanishes (saddle-node).

    Hypotheses: as in :func:`fixed_points`, w > 1/γ (γ = 1/4 for sigmoid, 1 for tanh).
    Conclusion: at x_c with w·φ'(x_c) = 1 the map is tangent to the diagonal; the
    bifurcation bias is b_c = x_c − w·φ(x_c). For b strictly between the two values there
    are three fixed points (two stable, one unstable), outside one (stable).

    Parameters
    ----------
    w : float
    activation : str, optional
        ``"sigmoid"`` (default) or ``"tanh"``.

    Returns
    -------
    ndarray
        The sorted bifurcation biases (empty when w ≤ 1/γ: no bifurcation in b).

    Raises
    ------
    ValueError
        For non-finite w or a bad activation.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), ICML, §2.2 and Fig. 3; Doya (1993), "Bifurcations of
    recurrent neural networks in gradient descent learning", IEEE Trans. Neural Networks.

    Examples
    --------
    >>> saddle_node_biases(5.0).round(4).tolist()
    [-2.6556, -2.3444]
    >>> saddle_node_biases(3.0).tolist()
    []
    """
    w = _real(w, "w")
    phi = _phi(activation)
    xc = _critical_points(phi, w)
    return np.sort(xc - w * phi.phi(xc))


def basin_boundary_bias(w, x0, activation="sigmoid"):
    """The bias b* at which x_0 is itself a fixed point, and the multiplier μ = w·φ'(x_0) there.

    Hypotheses: as in :func:`fixed_points`. Conclusion: b* = x_0 − w·φ(x_0). If μ > 1 then
    x_0 is the unstable fixed point at b = b* (necessarily inside the saddle-node window),
    the boundary between the basins of the two attractors; as b crosses b* the orbit from
    x_0 switches attractor and ∂x_T/∂b is largest near b* (the gradient wall). If μ < 1
    no attractor switch happens at b*.

    Parameters
    ----------
    w : float
    x0 : float
        Initial state.
    activation : str, optional

    Returns
    -------
    (b_star, mu) : tuple of float

    Raises
    ------
    ValueError
        For non-finite inputs or a bad activation.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), ICML, §2.2 ("crossing boundaries between basins of
    attraction", Fig. 3) and §2.3, eq. 8 and Fig. 6 (the wall this crossing makes).

    Examples
    --------
    >>> b_star, mu = basin_boundary_bias(5.0, 0.5)
    >>> round(b_star, 4), round(mu, 4)
    (-2.6123, 1.175)
    """
    w = _real(w, "w")
    x0 = _real(x0, "x0")
    phi = _phi(activation)
    return x0 - w * float(phi.phi(x0)), w * float(phi.derivative(x0))


def log_boundary_sensitivity(w, x0, T, activation="sigmoid"):
    """log|∂x_T/∂b| at b = b*, where the orbit sits on the fixed point x_0: log|(μ^T − 1)/(μ − 1)|.

    Hypotheses: b = b* of :func:`basin_boundary_bias`, so x_t = x_0 for every t. Then
    ∂x_t/∂b = μ·∂x_{t−1}/∂b + 1 with ∂x_0/∂b = 0, hence ∂x_T/∂b = Σ_{k<T} μ^k exactly
    (T for μ = 1). With μ > 1 this grows like μ^T: the height of the gradient wall.

    Parameters
    ----------
    w, x0 : float
    T : int
        T ≥ 1 steps.
    activation : str, optional

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For non-finite inputs, T < 1 or a bad activation.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), ICML, §2.3, eq. 8 and Fig. 6 (the wall at step 50).

    Examples
    --------
    >>> import math
    >>> round(log_boundary_sensitivity(5.0, 0.5, 50) / math.log(10), 3)
    4.259
    """
    T = int(as_lags(T, "T"))
    if T < 1:
        raise ValueError(f"T must be at least 1, got {T}")
    _, mu = basin_boundary_bias(w, x0, activation)
    if mu == 1.0:
        return math.log(T)
    if mu == 0.0:
        return 0.0
    # log|(μ^T − 1)/(μ − 1)| without overflow for large T.
    log_abs_mu = math.log(abs(mu))
    if T * log_abs_mu > 30.0:  # then |μ| > 1 and μ^{−T} < e^{−30}
        return T * log_abs_mu + math.log(abs(1.0 - mu ** (-T))) - math.log(abs(mu - 1.0))
    return math.log(abs((mu**T - 1.0) / (mu - 1.0)))
