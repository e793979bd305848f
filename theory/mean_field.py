"""Mean-field theory of wide random RNNs: the variance fixed point q*, the slope χ₁, the
per-step rate of back-propagated gradients, the depth scale and the critical line.

Setting (Poole et al. 2016; Schoenholz et al. 2017; Chen, Pennington & Schoenholz 2018):
h_t = φ(a_t), a_t = W h_{t−1} + U x_t + b with W_ij ~ N(0, σ_w²/n), b_i ~ N(0, σ_b²) and
inputs that add variance σ_u² to every pre-activation at every step. As n → ∞ the
pre-activations of one step are i.i.d. N(0, q_t) with

    q_t = σ_w² E[φ(√q_{t−1} z)²] + σ_u² + σ_b²,      z ~ N(0, 1),

whose stable fixed point is q*. A vector δ back-propagated one step, δ ← Wᵀ diag(φ'(a_t)) δ,
has its squared norm multiplied on average by

    χ₁ = σ_w² E[φ'(√q* z)²],

so log‖δ‖ changes by ½ log χ₁ per step: the gradient vanishes when χ₁ < 1, explodes when
χ₁ > 1, with depth scale ξ = −1/log χ₁ (Schoenholz et al. 2017, §3, ξ_∇). The critical
line σ_w*(σ_b) is where χ₁ = 1.

Gaussian expectations are computed by Gauss–Hermite quadrature (probabilists' weight
e^{−z²/2}, nodes from ``scipy.special.roots_hermitenorm``) with the number of nodes doubled
until two successive estimates agree to 1e-12·max(1, E|f|); for relu and the identity the
expectations have closed forms and are exact. Everything here is numpy/scipy and pure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ._validation import as_finite_array, as_positive_float, as_square_matrix
from .activations import activation as _activation
from .spectra import spectral_norm

__all__ = [
    "MeanField",
    "mean_field",
    "critical_sigma_w",
    "gaussian_expectation",
    "saturation_log_rate_bound",
]

POOLE_2016 = (
    "Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli (2016), Exponential expressivity in deep "
    "neural networks through transient chaos, NeurIPS, §2–3 (length map q*, slope χ₁)"
)
SCHOENHOLZ_2017 = (
    "Schoenholz, Gilmer, Ganguli & Sohl-Dickstein (2017), Deep information propagation, "
    "ICLR, §2–3 (q*, χ₁, depth scales ξ_c and ξ_∇ = −1/log χ₁)"
)
CHEN_2018 = (
    "Chen, Pennington & Schoenholz (2018), Dynamical isometry and a mean field theory of "
    "RNNs: gating enables signal propagation in recurrent neural networks, ICML, §3"
)

# Quadrature: successive estimates with N and 2N nodes must agree to _QUAD_AGREE·max(1, E|f|).
# Relative once E|f| > 1: the rounding of the weighted sum is relative to E|f|, so an absolute
# criterion could never be met by E[x⁴] at q = 10, nor by E[x² cos x] (terms of size q that
# cancel) at q = 50. 1e-12, not tighter: the weights of the 2^16- and 2^17-node rules differ
# from exact by ~1e-12 relative, so sech⁴ at q = 240 (whose estimates converge geometrically)
# stalls at differences of 1.2e-13. The estimate returned (2N nodes) is then accurate to
# ~1e-12·max(1, E|f|), inside the promised 1e-10·max(1, E|f|) (tests/test_mean_field.py
# checks closed forms, and sech⁴, tanh², σ'², σ² for q up to 300 against scipy.integrate.quad).
_QUAD_AGREE = 1e-12
_QUAD_MIN_LOG2, _QUAD_MAX_LOG2 = 7, 17
# Largest q for which the doubling converges within 2^17 nodes for tanh'² = sech⁴, the
# narrowest integrand used here (2^16 was not enough at q = 300; 2^17 nodes cost 0.6 s once).
_QUAD_MAX_Q = 300.0


@lru_cache(maxsize=None)
def _hermite_rule(log2_nodes):
    from scipy.special import roots_hermitenorm  # here: `import theory` should not load scipy

    nodes, weights = roots_hermitenorm(2**log2_nodes)
    return nodes, weights / math.sqrt(2.0 * math.pi)


def gaussian_expectation(f, q):
    """E[f(√q·z)] for z ~ N(0, 1), by Gauss–Hermite quadrature accurate to 1e-10·max(1, E|f|).

    Hypotheses: f is a vectorised real function, analytic in a strip around the real axis
    and bounded by a polynomial (tanh², sech⁴, sigmoid², σ'² are). The rule with N nodes is
    exact for polynomials of degree 2N − 1; the number of nodes starts at
    2⁷·(1 + q) (rounded up to a power of two) and doubles until two successive estimates
    agree to 1e-12·max(1, E|f|) (at most 2¹⁷ nodes); the finer estimate is returned.

    Parameters
    ----------
    f : callable
        Vectorised function of a float64 array.
    q : float
        Variance, 0 ≤ q ≤ 300 (for q = 0 the result is f(0)).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If f is not callable, q is negative, non-finite or above 300, or the quadrature does
        not converge.

    References
    ----------
    Golub & Welsch (1969), Calculation of Gauss quadrature rules, Math. Comp. 23;
    Trefethen (2008), Is Gauss quadrature better than Clenshaw–Curtis?, SIAM Rev. 50 (the
    geometric convergence for functions analytic in a strip).

    Examples
    --------
    >>> round(gaussian_expectation(lambda x: x**2, 3.0), 12)
    3.0
    """
    if not callable(f):
        raise ValueError(f"f must be a callable, got {type(f).__name__}")
    q = as_positive_float(q, "q", allow_zero=True)
    if q > _QUAD_MAX_Q:
        raise ValueError(f"q = {q!r} is above {_QUAD_MAX_Q:g}: the quadrature is not certified there")
    if q == 0.0:
        return float(np.asarray(f(np.zeros(1)), dtype=np.float64)[0])
    root_q = math.sqrt(q)
    start = max(_QUAD_MIN_LOG2, int(math.ceil(math.log2(1.0 + q))) + _QUAD_MIN_LOG2)
    start = min(start, _QUAD_MAX_LOG2 - 1)

    def rule(k):
        """The k-th rule's estimates of E[f] and of E|f| (the scale of its rounding)."""
        nodes, weights = _hermite_rule(k)
        values = np.asarray(f(root_q * nodes), dtype=np.float64)
        return float(weights @ values), float(weights @ np.abs(values))

    previous, _ = rule(start)
    for k in range(start + 1, _QUAD_MAX_LOG2 + 1):
        current, scale = rule(k)
        if abs(current - previous) <= _QUAD_AGREE * max(1.0, scale):
            return current
        previous = current
    raise ValueError(f"Gauss–Hermite quadrature did not converge for q = {q!r}")


@dataclass(frozen=True)
class MeanField:
    """The mean-field prediction for one (φ, σ_w, σ_b, σ_u).

    Attributes
    ----------
    activation : str
    sigma_w, sigma_b, sigma_u : float
    q_star : float
        The stable fixed point of the pre-activation variance (``inf`` when it diverges,
        possible only for the unbounded relu and identity).
    chi1 : float
        σ_w² E[φ'(√q* z)²]: the mean factor of ‖δ‖² per back-propagated step (it underflows
        to 0 for σ_w below about 1e-154; ``rate`` is computed in log space and stays finite).
    rate : float
        ½ log χ₁: the predicted per-step change of log‖δ‖ (negative: vanishing).
    depth_scale : float
        ξ = −1/log χ₁ in steps; positive when the gradient vanishes (it falls by e every ξ
        steps of ‖δ‖²), negative when it explodes, ``inf`` on the critical line.
    """

    activation: str
    sigma_w: float
    sigma_b: float
    sigma_u: float
    q_star: float
    chi1: float
    rate: float
    depth_scale: float

    @property
    def vanishing(self):
        """χ₁ < 1."""
        return self.chi1 < 1.0


def _second_moment(phi, q):
    """E[φ(√q z)²] by quadrature (relu and the identity never get here: _q_star solves them)."""
    return gaussian_expectation(lambda a: phi.phi(a) ** 2, q)


def _q_star(phi, sigma_w, s):
    """Stable fixed point of q ↦ σ_w² E[φ(√q z)²] + s (s = σ_b² + σ_u²)."""
    w2 = sigma_w * sigma_w  # inf, not OverflowError, above 1e154
    if phi.name in ("identity", "relu"):
        gain = (1.0 if phi.name == "identity" else 0.5) * w2
        if gain < 1.0:
            return s / (1.0 - gain)
        # The variance map is q ↦ c·σ_w²·q + s: no finite stable fixed point.
        return 0.0 if (s == 0.0 and gain == 1.0) else math.inf

    def excess(q):
        return w2 * _second_moment(phi, q) + s - q

    # φ bounded by 1, so every fixed point lies in [s, σ_w² + s] and excess(σ_w² + s) ≤ 0.
    hi = w2 + s
    if hi > _QUAD_MAX_Q:
        # Search only where the quadrature is certified: q* ≤ 300 iff excess(300) ≤ 0
        # (excess > 0 below the stable fixed point, < 0 above it).
        if not excess(_QUAD_MAX_Q) <= 0.0:
            raise ValueError(
                f"q* = σ_w² E[φ(√q* z)²] + σ_b² + σ_u² is above {_QUAD_MAX_Q:g} (σ_w = {sigma_w!r}, "
                f"σ_b² + σ_u² = {s!r}): beyond the certified range of the Gaussian quadrature"
            )
        hi = _QUAD_MAX_Q
    if phi.name == "tanh" and s == 0.0:
        # tanh(0) = 0: q = 0 is a fixed point; E[tanh²(√q z)]/q decreases from 1, so a
        # second (stable) fixed point exists iff σ_w² > 1.
        if w2 <= 1.0:
            return 0.0
        lo = (w2 - 1.0) / (4.0 * w2)
        while excess(lo) <= 0.0:
            lo /= 4.0
            if lo < 1e-300:
                return 0.0
    else:
        lo = 0.0  # excess(0) = σ_w² φ(0)² + s > 0
    # (brentq returns an end of the bracket at which excess is exactly 0, which happens only
    # when σ_w² underflows to 0.) rtol is brentq's default, 4u. Imported here: scipy.optimize
    # costs ~0.3 s, and `import theory` should not pay it.
    from scipy.optimize import brentq

    return brentq(excess, lo, hi, xtol=1e-15, maxiter=200)


def _checked_activation(activation):
    phi = _activation(activation)
    return phi


def mean_field(activation, sigma_w, sigma_b=0.0, sigma_u=0.0):
    """Mean-field prediction q*, χ₁, per-step gradient rate ½ log χ₁ and depth scale ξ.

    Hypotheses: the RNN h_t = φ(W h_{t−1} + U x_t + b) with W_ij ~ N(0, σ_w²/n) i.i.d. (or
    W = σ_w·O with O Haar-orthogonal), b_i ~ N(0, σ_b²), inputs adding independent variance
    σ_u² per step, n → ∞, the state variance at its fixed point q*, and the gradient
    independence assumption (Wᵀ in the backward pass independent of the forward W). Then
    q* = σ_w² E[φ(√q* z)²] + σ_u² + σ_b² and a back-propagated vector δ satisfies
    E‖δ_{t−1}‖² = χ₁·E‖δ_t‖², χ₁ = σ_w² E[φ'(√q* z)²]. Conclusion: log‖δ‖ changes by
    ½ log χ₁ per step; it vanishes for χ₁ < 1 and explodes for χ₁ > 1, with depth scale
    ξ = −1/log χ₁. At finite n, a random Gaussian product has the typical rate
    ½ log χ₁ + ½[ψ(n/2) − log(n/2)] ≈ ½ log χ₁ − 1/(2n) (see
    :func:`theory.lyapunov.lyapunov_exponent_gaussian`), plus fluctuations of order
    (2nℓ)^{-1/2} over ℓ steps.

    Parameters
    ----------
    activation : str or Activation
        ``"tanh"``, ``"sigmoid"`` (quadrature), ``"relu"`` or ``"identity"`` (closed forms).
    sigma_w : float
        σ_w > 0, the weight scale.
    sigma_b : float, optional
        σ_b ≥ 0, the bias scale (default 0).
    sigma_u : float, optional
        σ_u ≥ 0, the standard deviation the input adds to each pre-activation (default 0).

    Returns
    -------
    MeanField
        Frozen dataclass with ``q_star``, ``chi1``, ``rate``, ``depth_scale``. For tanh with
        σ_b = σ_u = 0 and σ_w ≤ 1 the fixed point is q* = 0 and χ₁ = σ_w². For relu and the
        identity, q* = (σ_b² + σ_u²)/(1 − cσ_w²) with c = ½ (relu) or 1 (identity), and
        ``inf`` when cσ_w² ≥ 1; χ₁ = cσ_w² regardless (relu's χ₁ is the q → 0⁺ limit).

    Raises
    ------
    ValueError
        If σ_w ≤ 0, σ_b or σ_u negative or non-finite, the activation unknown, or q* beyond
        the quadrature's certified range (q ≤ 300).

    References
    ----------
    Poole et al. (2016), NeurIPS, §2–3 (the length map and χ₁); Schoenholz et al. (2017),
    "Deep information propagation", ICLR, §2–3 (q*, χ₁ and ξ_∇ = −1/log χ₁); Chen,
    Pennington & Schoenholz (2018), ICML, §3 (the same recursions for RNNs with inputs).

    Examples
    --------
    >>> mf = mean_field("tanh", 1.0, sigma_b=0.0)
    >>> (mf.q_star, mf.chi1, mf.rate)
    (0.0, 1.0, 0.0)
    >>> round(mean_field("relu", 1.0, sigma_b=0.5).q_star, 12)
    0.5
    >>> mean_field("tanh", 2.0, sigma_b=0.3).chi1 > 1
    True
    """
    phi = _checked_activation(activation)
    sigma_w = as_positive_float(sigma_w, "sigma_w")
    sigma_b = as_positive_float(sigma_b, "sigma_b", allow_zero=True)
    sigma_u = as_positive_float(sigma_u, "sigma_u", allow_zero=True)
    s = sigma_b**2 + sigma_u**2
    q = _q_star(phi, sigma_w, s)
    if phi.name in ("identity", "relu"):
        mean_slope = 1.0 if phi.name == "identity" else 0.5
    else:
        # q* ≤ 300 here: _q_star raises otherwise.
        mean_slope = gaussian_expectation(lambda a: phi.derivative(a) ** 2, q)
    chi1 = sigma_w * sigma_w * mean_slope
    # In log space: σ_w² underflows to 0 below σ_w ≈ 1e-154 (and overflows above 1e154),
    # where the rate is still finite.
    log_chi = 2.0 * math.log(sigma_w) + math.log(mean_slope)
    depth = math.inf if log_chi == 0.0 else -1.0 / log_chi
    return MeanField(
        activation=phi.name,
        sigma_w=sigma_w,
        sigma_b=sigma_b,
        sigma_u=sigma_u,
        q_star=float(q),
        chi1=float(chi1),
        rate=0.5 * log_chi,
        depth_scale=depth,
    )


def critical_sigma_w(activation, sigma_b, sigma_u=0.0):
    """The critical weight scale σ_w*(σ_b, σ_u) at which χ₁ = 1 (the edge of chaos).

    Hypotheses: as in :func:`mean_field`. Since |φ'| ≤ γ, χ₁ ≤ γ²σ_w², so σ_w* ≥ 1/γ; for
    tanh and sigmoid χ₁ grows without bound in σ_w, and the root of χ₁(σ_w) = 1 is found by
    Brent's method to relative accuracy 1e-12 (χ₁ itself to 1e-10). Conclusion: for
    σ_w < σ_w* back-propagated gradients vanish at rate ½ log χ₁ < 0 (ordered phase), for
    σ_w > σ_w* they explode (chaotic phase). For relu (√2) and the identity (1), σ_w* does
    not depend on σ_b; for tanh with σ_b = σ_u = 0 it is 1.

    Parameters
    ----------
    activation : str or Activation
    sigma_b : float
        σ_b ≥ 0.
    sigma_u : float, optional
        σ_u ≥ 0 (default 0).

    Returns
    -------
    float
        σ_w* (square it for the σ_w² of the phase diagrams).

    Raises
    ------
    ValueError
        On an unknown activation, negative or non-finite σ_b, σ_u, or when the search for σ_w*
        needs a q beyond the quadrature's certified range (q ≤ 300; large σ_b, σ_u).

    References
    ----------
    Schoenholz et al. (2017), ICLR, §3 and Fig. 1 (the order-to-chaos line χ₁ = 1);
    Poole et al. (2016), NeurIPS, Fig. 2.

    Examples
    --------
    >>> critical_sigma_w("tanh", 0.0)
    1.0
    >>> round(critical_sigma_w("relu", 0.3) ** 2, 12)
    2.0
    >>> 1.0 < critical_sigma_w("tanh", 0.1) < 1.5
    True
    """
    phi = _checked_activation(activation)
    sigma_b = as_positive_float(sigma_b, "sigma_b", allow_zero=True)
    sigma_u = as_positive_float(sigma_u, "sigma_u", allow_zero=True)
    if phi.name == "relu":
        return math.sqrt(2.0)

    def excess(sw):
        return math.log(mean_field(phi, sw, sigma_b, sigma_u).chi1)

    lo = 1.0 / phi.gamma
    # χ₁(1/γ) ≤ 1, with equality exactly for the identity (χ₁ = σ_w²) and for tanh at
    # σ_b = σ_u = 0 (q* = 0 at σ_w = 1, so χ₁ = tanh'(0)² = 1): both return 1/γ = 1 here.
    if excess(lo) >= 0.0:
        return lo
    hi = 2.0 * lo
    # The doubling ends: by σ_w = 64 at the latest, mean_field raises a ValueError, since q* >
    # 300 once σ_w² E[φ(√300 z)²] > 300 (E[tanh²(√300 z)] ≈ 0.95; E[σ²] ≥ ¼ as σ(x)² + σ(−x)² ≥ ½).
    while excess(hi) < 0.0:
        lo, hi = hi, 2.0 * hi
    from scipy.optimize import brentq  # here, not at module top: see _q_star

    return float(brentq(excess, lo, hi, xtol=1e-14, rtol=1e-13, maxiter=200))


def saturation_log_rate_bound(W, activation, b, input_bound=0.0):
    """A-priori per-step rate bound that proves vanishing through saturation, even with ρ(W) > 1.

    Hypotheses: h_t = φ(W h_{t−1} + U x_t + b) with φ = tanh or sigmoid (|h| ≤ 1, |φ'| even
    and decreasing in |a|), |h_0|_∞ ≤ 1 and |(U x_t)_i| ≤ input_bound for all t, i. Then
    |a_{t,i}| ≥ m_i := max(0, |b_i| − Σ_j|W_ij| − input_bound), so
    ‖diag(φ'(a_t)) W‖₂ ≤ max_i φ'(m_i)·‖W‖₂. Conclusion: for every lag ℓ,
    log‖∂h_T/∂h_{T−ℓ}‖₂ ≤ ℓ·[max_i log φ'(m_i) + log‖W‖₂]; when this rate is negative the
    gradient vanishes whatever ρ(W) is. ‖W‖₂ > 1 is thus necessary for explosion but not
    sufficient: large biases saturate the units.

    Parameters
    ----------
    W : (n, n) array_like
    activation : str or Activation
        ``"tanh"`` or ``"sigmoid"``.
    b : (n,) array_like
        Bias.
    input_bound : float, optional
        Bound on |(U x_t)_i| (default 0: no input).

    Returns
    -------
    float
        The per-step log-rate bound (−inf is impossible: φ' > 0).

    Raises
    ------
    ValueError
        On a bad W or b, an activation other than tanh or sigmoid, or a negative input_bound.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), ICML, §2.1 (‖W‖ > 1/γ is necessary for explosion);
    Bengio, Simard & Frasconi (1994), IEEE Trans. Neural Networks 5(2), §III (saturation).

    Examples
    --------
    >>> import numpy as np
    >>> saturation_log_rate_bound(1.2 * np.eye(2), "tanh", [5.0, -5.0]) < 0
    True
    """
    W = as_square_matrix(W)
    phi = _activation(activation)
    if phi.name not in ("tanh", "sigmoid"):
        raise ValueError(f"saturation bound needs a bounded activation (tanh, sigmoid), got {phi.name!r}")
    b = as_finite_array(b, "b", ndim=1, shape=(W.shape[0],))
    input_bound = as_positive_float(input_bound, "input_bound", allow_zero=True)
    margin = np.maximum(0.0, np.abs(b) - np.abs(W).sum(axis=1) - input_bound)
    return float(np.max(phi.log_derivative(margin)) + math.log(spectral_norm(W)))
