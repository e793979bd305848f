"""rnn-gradient-theory: bounds and predictions for RNN gradient norms, and their measurement.

Every public name below is importable from ``theory``; the module it lives in is imported
on first use (so ``import theory`` loads neither torch, matplotlib nor scipy.optimize).

The foundation: spectra, activations, a-priori bounds, the regime
-----------------------------------------------------------------
``spectra``: min_singular_value, singular_values, spectral_norm, spectral_radius
``activations``: Activation, activation, ACTIVATION_NAMES
``bounds``: log_eigenvector_condition, log_lower_bound, log_matrix_power_norm,
    log_power_norm_bounds, log_trajectory_lower_bound, log_trajectory_upper_bound,
    log_upper_bound, reachable_preactivation_radius
``regime``: Regime, regime, REGIME_NAMES

Quantitative predictions
------------------------
``mean_field``: critical_sigma_w, gaussian_expectation, mean_field, MeanField,
    saturation_log_rate_bound
``lyapunov``: log_norm_moments_gaussian, lyapunov_exponent_gaussian
``kreiss``: kreiss_constant, log_kreiss_power_bounds
``bifurcation``: basin_boundary_bias, fixed_points, log_boundary_sensitivity,
    saddle_node_biases
``gated``: clipped_gradient_norm, gate_preactivation_radius, gru_jacobian_deviation_bound,
    gru_log_norm_bounds, lstm_cell_path_log_norm, lstm_forget_log_bounds, lstm_gates,
    lstm_log_jacobian_bound

The motivating question: backpropagation through time term by term
------------------------------------------------------------------
``bptt``: log_input_sensitivity_bound, log_input_sensitivity_trajectory_bound,
    log_lag_term_trajectory_lower_bound, log_lag_term_upper_bound, log_tail_mass_bound,
    tail_share, tail_share_bound

Measurement (PyTorch autograd through real torch.nn modules)
------------------------------------------------------------
``measurement``: fused_rnn_log_norm_h0, lag_profile, LagProfile, mean_field_rate_sweep,
    measured_jacobian
``measurement.lyapunov``: lyapunov_spectrum, LyapunovSpectrum
``measurement.diagnose``: diagnose, Diagnosis, LayerDiagnosis (a trained torch.nn.RNN, LSTM
    or GRU: its regime, measured gradient flow and Lyapunov spectrum)

Beyond the top level: ``theory.measurement.bptt`` (backpropagation through time taken apart
per loss and per step), ``theory.experiments.agreement`` (the training experiment) and
``theory.report`` (claims registry, evidence store, report and answer page).

Imports run one way: ``theory.report`` and ``theory.testing`` → ``theory.experiments`` →
``theory.measurement`` → the theorem modules above → ``theory._validation`` (argument
checks), with no cycle; ``tests/test_api.py`` reads this from the source.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Public name → the submodule that defines it, imported on first access (PEP 562).
_LAZY = {
    "Activation": "activations",
    "activation": "activations",
    "ACTIVATION_NAMES": "activations",
    "min_singular_value": "spectra",
    "singular_values": "spectra",
    "spectral_norm": "spectra",
    "spectral_radius": "spectra",
    "log_eigenvector_condition": "bounds",
    "log_lower_bound": "bounds",
    "log_matrix_power_norm": "bounds",
    "log_power_norm_bounds": "bounds",
    "log_trajectory_lower_bound": "bounds",
    "log_trajectory_upper_bound": "bounds",
    "log_upper_bound": "bounds",
    "reachable_preactivation_radius": "bounds",
    "Regime": "regime",
    "regime": "regime",
    "REGIME_NAMES": "regime",
    "critical_sigma_w": "mean_field",
    "gaussian_expectation": "mean_field",
    "mean_field": "mean_field",
    "MeanField": "mean_field",
    "saturation_log_rate_bound": "mean_field",
    "log_norm_moments_gaussian": "lyapunov",
    "lyapunov_exponent_gaussian": "lyapunov",
    "kreiss_constant": "kreiss",
    "log_kreiss_power_bounds": "kreiss",
    "basin_boundary_bias": "bifurcation",
    "fixed_points": "bifurcation",
    "log_boundary_sensitivity": "bifurcation",
    "saddle_node_biases": "bifurcation",
    "clipped_gradient_norm": "gated",
    "gate_preactivation_radius": "gated",
    "gru_jacobian_deviation_bound": "gated",
    "gru_log_norm_bounds": "gated",
    "lstm_cell_path_log_norm": "gated",
    "lstm_forget_log_bounds": "gated",
    "lstm_gates": "gated",
    "lstm_log_jacobian_bound": "gated",
    "log_input_sensitivity_bound": "bptt",
    "log_input_sensitivity_trajectory_bound": "bptt",
    "log_lag_term_trajectory_lower_bound": "bptt",
    "log_lag_term_upper_bound": "bptt",
    "log_tail_mass_bound": "bptt",
    "tail_share": "bptt",
    "tail_share_bound": "bptt",
    "fused_rnn_log_norm_h0": "measurement",
    "lag_profile": "measurement",
    "LagProfile": "measurement",
    "mean_field_rate_sweep": "measurement",
    "measured_jacobian": "measurement",
    "LyapunovSpectrum": "measurement.lyapunov",
    "lyapunov_spectrum": "measurement.lyapunov",
    "Diagnosis": "measurement.diagnose",
    "LayerDiagnosis": "measurement.diagnose",
    "diagnose": "measurement.diagnose",
}
_SUBMODULES = frozenset(_LAZY.values()) | {"experiments", "report", "testing", "_validation"}


def __getattr__(name):
    """Import a public name's module on first use; ``theory.<submodule>`` works too."""
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        # Bind every public name of that module, so later accesses skip this function.
        globals().update({other: getattr(module, other) for other, home in _LAZY.items() if home == _LAZY[name]})
        return globals()[name]
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)


# ``mean_field`` and ``regime`` are each a submodule and a public function. The first import
# of a submodule sets the package attribute of its name to the module, so these two are
# imported now (numpy only) and their functions bound, as a later import does not rebind.
from .mean_field import mean_field  # noqa: E402,F401
from .regime import regime  # noqa: E402,F401


__all__ = [
    "ACTIVATION_NAMES",
    "Activation",
    "Diagnosis",
    "LagProfile",
    "LayerDiagnosis",
    "LyapunovSpectrum",
    "MeanField",
    "REGIME_NAMES",
    "Regime",
    "activation",
    "basin_boundary_bias",
    "clipped_gradient_norm",
    "critical_sigma_w",
    "diagnose",
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
    "lyapunov_spectrum",
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
