"""rnn-gradient-theory: bounds and predictions for RNN gradient norms, and their measurement.

Theory (numpy/scipy, pure functions) lives in ``activations``, ``spectra``, ``bounds``,
``regime`` (the foundation), ``mean_field``, ``lyapunov``, ``kreiss``, ``bifurcation``,
``gated`` (quantitative predictions) and ``bptt`` (the motivating question); the
independent autograd measurement lives in ``measurement`` and ``bptt_measurement``; the
agreement experiment in ``agreement``; the claim registry in ``claims``; the report in
``report``.
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
from .bifurcation import basin_boundary_bias, fixed_points, log_boundary_sensitivity, saddle_node_biases
from .bptt import (
    log_input_sensitivity_bound,
    log_input_sensitivity_trajectory_bound,
    log_lag_term_trajectory_lower_bound,
    log_lag_term_upper_bound,
    log_tail_mass_bound,
    tail_share,
    tail_share_bound,
)
from .gated import (
    clipped_gradient_norm,
    gate_preactivation_radius,
    gru_jacobian_deviation_bound,
    gru_log_norm_bounds,
    lstm_cell_path_log_norm,
    lstm_forget_log_bounds,
    lstm_gates,
    lstm_log_jacobian_bound,
)
from .kreiss import kreiss_constant, log_kreiss_power_bounds
from .lyapunov import log_norm_moments_gaussian, lyapunov_exponent_gaussian
from .mean_field import (
    MeanField,
    critical_sigma_w,
    gaussian_expectation,
    mean_field,
    saturation_log_rate_bound,
)
from .measurement import (
    LagProfile,
    fused_rnn_log_norm_h0,
    lag_profile,
    mean_field_rate_sweep,
    measured_jacobian,
)
from .measurement.diagnose import Diagnosis, LayerDiagnosis, diagnose
from .measurement.lyapunov import LyapunovSpectrum, lyapunov_spectrum
from .regime import REGIME_NAMES, Regime, regime
from .spectra import min_singular_value, singular_values, spectral_norm, spectral_radius

__version__ = "0.1.0"

__all__ = [
    "ACTIVATION_NAMES",
    "Activation",
    "LagProfile",
    "MeanField",
    "REGIME_NAMES",
    "Regime",
    "activation",
    "basin_boundary_bias",
    "clipped_gradient_norm",
    "critical_sigma_w",
    "fixed_points",
    "fused_rnn_log_norm_h0",
    "gate_preactivation_radius",
    "gaussian_expectation",
    "gru_jacobian_deviation_bound",
    "gru_log_norm_bounds",
    "kreiss_constant",
    "lag_profile",
    "log_boundary_sensitivity",
    "log_input_sensitivity_bound",
    "log_input_sensitivity_trajectory_bound",
    "log_kreiss_power_bounds",
    "log_lag_term_trajectory_lower_bound",
    "log_lag_term_upper_bound",
    "log_norm_moments_gaussian",
    "log_tail_mass_bound",
    "lstm_cell_path_log_norm",
    "lstm_forget_log_bounds",
    "lstm_gates",
    "lstm_log_jacobian_bound",
    "lyapunov_exponent_gaussian",
    "mean_field",
    "mean_field_rate_sweep",
    "saddle_node_biases",
    "saturation_log_rate_bound",
    "tail_share",
    "tail_share_bound",
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
__all__ += ["Diagnosis", "LayerDiagnosis", "LyapunovSpectrum", "diagnose", "lyapunov_spectrum"]
