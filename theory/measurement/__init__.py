"""Measured gradients: PyTorch autograd through real ``torch.nn`` modules, no theory.

``jacobians``: :func:`lag_profile` (log‖∂h_T/∂h_k‖₂ for every k from one backward sweep),
:func:`measured_jacobian`, :func:`fused_rnn_log_norm_h0`, :func:`mean_field_rate_sweep`.
``bptt``: backpropagation through time taken apart per loss and per step.
``lyapunov``: :func:`lyapunov_spectrum` (the QR method on autograd step Jacobians).
``diagnose``: :func:`diagnose` of a trained ``torch.nn.RNN``, ``LSTM`` or ``GRU``.
"""

from .jacobians import LagProfile, fused_rnn_log_norm_h0, lag_profile, mean_field_rate_sweep, measured_jacobian
from .diagnose import Diagnosis, LayerDiagnosis, diagnose
from .lyapunov import LyapunovSpectrum, lyapunov_spectrum

__all__ = ["LagProfile", "fused_rnn_log_norm_h0", "lag_profile", "mean_field_rate_sweep", "measured_jacobian"]
__all__ += ["Diagnosis", "LayerDiagnosis", "LyapunovSpectrum", "diagnose", "lyapunov_spectrum"]
