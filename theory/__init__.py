"""rnn-gradient-theory: bounds and predictions for RNN gradient norms, and their measurement.

Theory (numpy, pure functions) lives in ``activations``, ``spectra``, ``bounds`` and
``regime``; the independent autograd measurement lives in ``measurement``.
"""

from .activations import ACTIVATION_NAMES, Activation, activation
from .bounds import (
    log_eigenvector_condition,
    log_lower_bound,
    log_matrix_power_norm,
    log_power_norm_bounds,
    log_trajectory_lower_bound,
    log_trajectory_upper_bound,
    log_upper_bound,
    reachable_preactivation_radius,
)
from .measurement import LagProfile, fused_rnn_log_norm_h0, lag_profile, measured_jacobian
from .regime import REGIME_NAMES, Regime, regime
from .spectra import min_singular_value, singular_values, spectral_norm, spectral_radius

__version__ = "0.1.0"

__all__ = [
    "ACTIVATION_NAMES",
    "Activation",
    "LagProfile",
    "REGIME_NAMES",
    "Regime",
    "activation",
    "fused_rnn_log_norm_h0",
    "lag_profile",
    "log_eigenvector_condition",
    "log_lower_bound",
    "log_matrix_power_norm",
    "log_power_norm_bounds",
    "log_trajectory_lower_bound",
    "log_trajectory_upper_bound",
    "log_upper_bound",
    "measured_jacobian",
    "min_singular_value",
    "reachable_preactivation_radius",
    "regime",
    "singular_values",
    "spectral_norm",
    "spectral_radius",
]
