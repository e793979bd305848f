"""Classify W (with φ) into a gradient regime, with the reason as text."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Optional

from ._validation import as_positive_float, as_square_matrix
from .activations import activation as _activation
from .spectra import spectral_norm, spectral_radius

__all__ = ["Regime", "regime", "REGIME_NAMES"]

REGIME_NAMES = (
    "vanishing guaranteed",
    "explosion impossible",
    "explosion possible",
    "explosion certain",
    "vanishing eventually",
)


@dataclass(frozen=True)
class Regime:
    """The regime of ‖∂h_T/∂h_k‖₂ that W and φ allow, and why.

    Attributes
    ----------
    name : str
        One of ``REGIME_NAMES``.
    reason : str
        One sentence with the numbers that decide it.
    gamma_norm : float
        γ‖W‖₂.
    spectral_radius : float
        ρ(W).
    decay_rate : float
        log(γ‖W‖₂): the per-step log-rate of the a-priori bound (negative when vanishing is
        guaranteed).
    horizon : int or None
        When vanishing is guaranteed, the smallest lag ℓ with (γ‖W‖₂)^ℓ ≤ ε; else None.
    epsilon : float
        The ε used for the horizon.
    vanishing_guaranteed, explosion_impossible, explosion_possible, explosion_certain : bool
        The four statements of Pascanu et al. (2013), §2.1, and the linear-regime certainty.
    """

    name: str
    reason: str
    gamma_norm: float
    spectral_radius: float
    decay_rate: float
    horizon: Optional[int]
    epsilon: float
    vanishing_guaranteed: bool
    explosion_impossible: bool
    explosion_possible: bool
    explosion_certain: bool

    def __str__(self):
        return f"{self.name}: {self.reason}"


def _against_one(value):
    """``value`` as 6 significant digits, or as many as it takes to compare to 1 as it does.

    A γ‖W‖₂ of 0.9999999 would print as "1" at 6 digits next to "< 1"; ``repr`` of a float
    round-trips, so it always keeps the comparison.
    """
    short = f"{value:.6g}"
    same_side = (float(short) > 1.0) == (value > 1.0) and (float(short) < 1.0) == (value < 1.0)
    return short if same_side else repr(float(value))


def regime(W, activation, *, epsilon=1e-8):
    """Classify the gradient regime of the vanilla RNN with recurrent matrix W and φ.

    Hypotheses and conclusions (γ = sup|φ'|):

    * γ‖W‖₂ < 1 ⇒ "vanishing guaranteed": ‖∂h_T/∂h_k‖₂ ≤ (γ‖W‖₂)^ℓ → 0, at per-step
      log-rate ``decay_rate`` = log(γ‖W‖₂) < 0, below ε from lag ``horizon`` on; explosion
      is then impossible (sufficient condition, Pascanu et al. 2013, §2.1).
    * γ‖W‖₂ = 1 ⇒ "explosion impossible": the bound stays ≤ 1.
    * γ‖W‖₂ > 1 ⇒ "explosion possible": ‖W‖₂ > 1/γ is *necessary* for explosion, not
      sufficient (Pascanu et al. 2013, §2.1).
    * identity φ (linear RNN), J = W^ℓ: ρ(W) > 1 ⇒ "explosion certain", since
      ‖W^ℓ‖₂ ≥ ρ(W)^ℓ; ρ(W) < 1 ≤ ‖W‖₂ ⇒ "vanishing eventually" (Gelfand's formula; transient
      growth is possible first).

    Parameters
    ----------
    W : (n, n) array_like
    activation : str or Activation
    epsilon : float, optional
        Threshold for the horizon, 0 < ε < 1 (default 1e-8).

    Returns
    -------
    Regime

    Raises
    ------
    ValueError
        On a bad W, an unknown activation or ε outside (0, 1).

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural
    networks", ICML, §2.1 ("The mechanics") and eqs. 6–7; Bengio, Simard & Frasconi (1994).

    Examples
    --------
    >>> import numpy as np
    >>> r = regime(0.5 * np.eye(2), "tanh", epsilon=0.25)
    >>> r.name, r.horizon
    ('vanishing guaranteed', 2)
    >>> regime(2.0 * np.eye(2), "identity").name
    'explosion certain'
    """
    W = as_square_matrix(W)
    phi = _activation(activation)
    epsilon = as_positive_float(epsilon, "epsilon")
    if epsilon >= 1.0:
        raise ValueError(f"epsilon must be in (0, 1), got {epsilon!r}")
    norm = spectral_norm(W)
    rho = spectral_radius(W)
    gamma_norm = phi.gamma * norm
    if gamma_norm >= sys.float_info.min:
        rate = math.log(gamma_norm)
    else:
        # γ‖W‖₂ underflows (e.g. sigmoid's γ = 1/4 times a subnormal ‖W‖₂): sum the logs.
        rate = phi.log_gamma + math.log(norm) if norm > 0 else -math.inf
    facts = f"γ = {phi.gamma:g}, ‖W‖₂ = {norm:.6g}, ρ(W) = {rho:.6g}"
    # Each "< 1", "= 1", "> 1" follows the quantity it compares, printed with enough digits
    # that the printed number satisfies the comparison too.
    gn = f"γ‖W‖₂ = {_against_one(gamma_norm)}"
    horizon = None
    if gamma_norm < 1.0:
        # Smallest ℓ with ℓ·rate ≤ log ε; rate = −inf (W = 0) vanishes at lag 1.
        horizon = 1 if rate == -math.inf else max(0, math.ceil(math.log(epsilon) / rate))
        name = "vanishing guaranteed"
        reason = (
            f"{facts}; {gn} < 1, so ‖∂h_T/∂h_k‖₂ ≤ (γ‖W‖₂)^ℓ decays at rate log(γ‖W‖₂) = "
            f"{rate:.6g} per step and is ≤ ε = {epsilon:g} from lag {horizon}; explosion is "
            "impossible"
        )
    elif phi.name == "identity" and rho > 1.0:
        name = "explosion certain"
        reason = (
            f"{facts}; linear RNN with ρ(W) = {_against_one(rho)} > 1: ‖W^ℓ‖₂ ≥ ρ(W)^ℓ grows "
            f"at rate log ρ(W) = {math.log(rho):.6g}"
        )
    elif phi.name == "identity" and rho < 1.0:
        name = "vanishing eventually"
        reason = (
            f"{facts}; linear RNN with {gn} ≥ 1 and ρ(W) = {_against_one(rho)} < 1: "
            "‖W^ℓ‖₂^(1/ℓ) → ρ(W) (Gelfand), so gradients vanish after a possible transient "
            "growth"
        )
    elif gamma_norm == 1.0:
        name = "explosion impossible"
        reason = f"{facts}; {gn}, so ‖∂h_T/∂h_k‖₂ ≤ 1 at every lag; vanishing is not guaranteed"
    else:
        name = "explosion possible"
        reason = (
            f"{facts}; {gn} > 1: ‖W‖₂ > 1/γ = {1 / phi.gamma:g} is necessary for explosion, "
            "not sufficient"
        )
    return Regime(
        name=name,
        reason=reason,
        gamma_norm=gamma_norm,
        spectral_radius=rho,
        decay_rate=rate,
        horizon=horizon,
        epsilon=epsilon,
        vanishing_guaranteed=gamma_norm < 1.0,
        explosion_impossible=gamma_norm <= 1.0,
        explosion_possible=gamma_norm > 1.0,
        explosion_certain=phi.name == "identity" and rho > 1.0,
    )
