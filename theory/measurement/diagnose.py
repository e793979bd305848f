"""Diagnose a trained recurrent network: what its weights say and what autograd measures.

:func:`diagnose` takes a ``torch.nn.RNN`` (tanh, relu), ``torch.nn.LSTM`` or ``torch.nn.GRU``
(any ``num_layers``, ``batch_first`` either way, bidirectional), or a module that holds
exactly one of them, and reports per layer and direction:

* from the weights alone: ρ, ‖·‖₂ and σ_min of the recurrent matrix (per gate block for
  gated cells); the a-priori regime and its sentence (:func:`theory.regime`, vanilla), or
  the forget- / update-gate bounds of :mod:`theory.gated`; the mean-field prediction from the
  layer's weight statistics (:func:`theory.mean_field`, vanilla);
* along given inputs, measured by autograd through real ``torch.nn`` cells loaded with the
  layer's weights: the lag profile log‖∂s_T/∂s_{T−ℓ}‖₂ of the layer's whole state (s = h, or
  (h, c) for the LSTM) with its trajectory bound, the Lyapunov exponents (QR method), the
  fraction of saturated units, and the end-to-end sensitivity log‖∂y_T/∂x_k‖₂ of the last
  layer's output at the last step to every input position.

Everything runs in float64 on a copy of the module in evaluation mode (no dropout).
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .. import gated as _gated
from .._validation import as_finite_array, as_lags
from ..activations import activation as _activation
from ..regime import regime as _regime
from ..spectra import min_singular_value, spectral_norm, spectral_radius
from .jacobians import _log_norm_sweep, _run_forward, _torch
from .lyapunov import initial_basis, qr_log_growth, segments, step_jacobians

__all__ = ["Diagnosis", "LayerDiagnosis", "diagnose", "model_from_state_dict"]

GATE_NAMES = {"RNN_TANH": ("h",), "RNN_RELU": ("h",), "LSTM": ("i", "f", "g", "o"),
              "GRU": ("r", "z", "n")}
CELL_NAMES = {"RNN_TANH": "RNN (tanh)", "RNN_RELU": "RNN (relu)", "LSTM": "LSTM", "GRU": "GRU"}
# A unit counts as saturated at a step when its derivative is below 1 % of the largest the
# activation has (tanh: |a| > 2.99; sigmoid gates: σ(a) outside [0.0101, 0.9899]; relu: a ≤ 0).
SATURATION_LEVEL = 0.01


@dataclass(frozen=True)
class LayerDiagnosis:
    """One layer and direction of the model.

    Attributes
    ----------
    layer : int
    direction : str
        ``"forward"`` or ``"reverse"`` (bidirectional models).
    cell : str
        ``"RNN_TANH"``, ``"RNN_RELU"``, ``"LSTM"`` or ``"GRU"``.
    hidden_size, input_size : int
    blocks : dict
        Gate block name (``"h"`` for a vanilla RNN; i, f, g, o; r, z, n) → dict with
        ``spectral_radius``, ``spectral_norm``, ``min_singular_value`` of that n × n block of
        ``weight_hh``.
    prediction : dict
        What the weights say: vanilla ``regime``, ``regime_reason``, ``gamma_norm``,
        ``decay_rate`` and the mean-field ``mean_field_rate`` (with ``sigma_w``, ``sigma_b``,
        ``sigma_u``); LSTM ``forget_rate_bounds`` (per-step log-rate of the cell path);
        GRU ``jacobian_deviation`` δ and ``rate_upper`` = log(1 + δ). ``sentence`` says it.
    lag_profile : ndarray of shape (T + 1,) or None
        Measured log‖∂s_T/∂s_{T−ℓ}‖₂ by lag ℓ (mean over the sequences).
    lag_profile_bound : ndarray of shape (T + 1,) or None
        The theory's upper bound on it along the same run (mean over the sequences).
    lyapunov_exponents : ndarray or None
        Descending, natural log per step (mean over the sequences).
    saturated_fraction : float or None
        Fraction of (step, unit) pairs whose derivative is below 1 % of its maximum.
    failure : str or None
        Why nothing was measured (a forward pass that left float64, with step and layer).
    """

    layer: int
    direction: str
    cell: str
    hidden_size: int
    input_size: int
    blocks: dict
    prediction: dict
    lag_profile: Optional[np.ndarray] = None
    lag_profile_bound: Optional[np.ndarray] = None
    lyapunov_exponents: Optional[np.ndarray] = None
    saturated_fraction: Optional[float] = None
    failure: Optional[str] = None

    def _block_values(self, key):
        values = {name: block[key] for name, block in self.blocks.items()}
        return values["h"] if list(values) == ["h"] else values

    @property
    def spectral_radius(self):
        """ρ of the recurrent matrix: a float (vanilla) or a dict per gate block."""
        return self._block_values("spectral_radius")

    @property
    def spectral_norm(self):
        """‖·‖₂ of the recurrent matrix: a float (vanilla) or a dict per gate block."""
        return self._block_values("spectral_norm")

    @property
    def min_singular_value(self):
        """σ_min of the recurrent matrix: a float (vanilla) or a dict per gate block."""
        return self._block_values("min_singular_value")

    @property
    def name(self):
        return f"layer {self.layer}" + (" (reverse)" if self.direction == "reverse" else "")


@dataclass(frozen=True)
class Diagnosis:
    """The diagnosis of one recurrent model; ``str()`` is a table, ``to_dict()`` JSON-ready.

    Attributes
    ----------
    cell : str
    num_layers, hidden_size, input_size : int
    bidirectional, batch_first : bool
    layers : list of LayerDiagnosis
        In order layer 0 forward, (layer 0 reverse), layer 1 forward, ...
    steps : int or None
        T, the length of the measured sequences (None: weights only).
    sequences : int
        How many sequences were measured (0: weights only).
    input_sensitivity : ndarray of shape (T,) or None
        log‖∂y_T/∂x_{T−ℓ}‖₂ by lag ℓ = 0..T−1: y_T the last layer's output at the last step
        (both directions for a bidirectional model), mean over the sequences.
    seconds : float
        Wall time of the diagnosis.
    """

    cell: str
    num_layers: int
    hidden_size: int
    input_size: int
    bidirectional: bool
    batch_first: bool
    layers: list
    steps: Optional[int] = None
    sequences: int = 0
    input_sensitivity: Optional[np.ndarray] = None
    seconds: float = 0.0
    notes: list = field(default_factory=list)

    def __str__(self):
        return _format_table(self)

    def to_dict(self):
        """Plain JSON types: arrays become lists, non-finite floats the strings
        ``"Infinity"``, ``"-Infinity"``, ``"NaN"`` (as in the report's results.json)."""
        return _json_ready({
            "model": {"cell": self.cell, "num_layers": self.num_layers,
                      "hidden_size": self.hidden_size, "input_size": self.input_size,
                      "bidirectional": self.bidirectional, "batch_first": self.batch_first},
            "steps": self.steps, "sequences": self.sequences, "seconds": self.seconds,
            "notes": list(self.notes),
            "input_sensitivity_by_lag": self.input_sensitivity,
            "layers": [dict(layer.__dict__, name=layer.name) for layer in self.layers],
        })

    def figure(self, path_stem=None):
        """Draw the diagnosis (lag profiles with bounds, spectra, input sensitivity).

        Parameters
        ----------
        path_stem : str or Path, optional
            If given, save ``path_stem.png`` (150 dpi) and ``path_stem.svg``.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from .diagnose_figure import draw_diagnosis

        return draw_diagnosis(self, path_stem)


def _json_ready(value):
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_json_ready(v) for v in value.tolist()]
    if isinstance(value, (np.floating, float)):
        value = float(value)
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    return value


# --- the model -----------------------------------------------------------------------------

def _recurrent_module(model):
    """The torch.nn.RNN / LSTM / GRU to diagnose: the model itself or its only such child."""
    torch = _torch()
    base = torch.nn.RNNBase
    if isinstance(model, base):
        return model
    if isinstance(model, torch.nn.Module):
        found = [m for m in model.modules() if isinstance(m, base)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValueError(f"model holds {len(found)} recurrent modules; pass the one to diagnose")
    raise ValueError("model must be a torch.nn.RNN, LSTM or GRU, or a module holding exactly "
                     f"one, got {type(model).__name__}")


def _checked_module(model):
    module = _recurrent_module(model)
    if module.mode not in GATE_NAMES:
        raise ValueError(f"unsupported recurrent module mode {module.mode!r}")
    if getattr(module, "proj_size", 0):
        raise ValueError("LSTM with proj_size > 0 is not supported: its state is not (h, c) of "
                         "one size")
    for name, value in module.named_parameters():
        finite = _torch().isfinite(value.detach())
        if not bool(finite.all()):
            bad = int((~finite).sum())
            raise ValueError(f"parameter {name} has {bad} non-finite entries (NaN or inf)")
    module = copy.deepcopy(module).double().eval()
    module.requires_grad_(False)
    return module


def _layer_weights(module, layer, direction):
    suffix = f"_l{layer}" + ("_reverse" if direction == "reverse" else "")
    params = dict(module.named_parameters())
    weights = {k: params[f"{k}{suffix}"].detach().numpy() for k in ("weight_ih", "weight_hh")}
    n = module.hidden_size
    gates = len(GATE_NAMES[module.mode])
    for k in ("bias_ih", "bias_hh"):
        key = f"{k}{suffix}"
        weights[k] = params[key].detach().numpy() if key in params else np.zeros(gates * n)
    return weights


def _cell(mode, weights, torch):
    """A real torch.nn cell with this layer's weights, and its step on a flat state."""
    m, n = weights["weight_ih"].shape[1], weights["weight_hh"].shape[1]
    opts = dict(dtype=torch.float64)
    if mode == "LSTM":
        cell = torch.nn.LSTMCell(m, n, **opts)
    elif mode == "GRU":
        cell = torch.nn.GRUCell(m, n, **opts)
    else:
        cell = torch.nn.RNNCell(m, n, nonlinearity="tanh" if mode == "RNN_TANH" else "relu", **opts)
    with torch.no_grad():
        for key, value in weights.items():
            getattr(cell, key).copy_(torch.as_tensor(value))
    cell.requires_grad_(False)
    if mode != "LSTM":
        return cell
    return lambda x, s: torch.cat(cell(x, (s[..., :n], s[..., n:])), dim=-1)


class _LayerRun:
    """The duck type that lag_profile's forward and segment functions read: ``torch``,
    ``step(x, s)`` (the real cell on a flat state) and ``preactivation(x, states)``."""

    def __init__(self, mode, weights):
        torch = _torch()
        self.torch = torch
        self.step = _cell(mode, weights, torch)
        self.n = weights["weight_hh"].shape[1]
        self.W_ih = torch.as_tensor(weights["weight_ih"])
        self.W_hh = torch.as_tensor(weights["weight_hh"])
        self.b = torch.as_tensor(weights["bias_ih"] + weights["bias_hh"])

    def preactivation(self, x, states):
        """Every gate's pre-activation x W_ihᵀ + h W_hhᵀ + b (for the GRU's candidate row block
        this leaves out the reset gate; only the vanilla rows are read, by the bounds)."""
        h = states[..., : self.n]
        return x @ self.W_ih.T + h @ self.W_hh.T + self.b


# --- what the weights say ------------------------------------------------------------------

def _blocks(mode, W_hh):
    n = W_hh.shape[1]
    out = {}
    for k, name in enumerate(GATE_NAMES[mode]):
        block = W_hh[k * n : (k + 1) * n]
        out[name] = {"spectral_radius": spectral_radius(block), "spectral_norm": spectral_norm(block),
                     "min_singular_value": min_singular_value(block)}
    return out


def _rms(values):
    """Root mean square, scaled by the largest |value| so that squares of weights beyond
    1e154 do not overflow (they are finite and a diagnosis reports them)."""
    values = np.asarray(values, float)
    scale = float(np.max(np.abs(values))) if values.size else 0.0
    if scale == 0.0 or not math.isfinite(scale):
        return scale
    return scale * float(np.sqrt(np.mean(np.square(values / scale))))


def _vanilla_prediction(mode, weights, inputs):
    from ..mean_field import mean_field

    act = "tanh" if mode == "RNN_TANH" else "relu"
    W = weights["weight_hh"]
    r = _regime(W, act)
    out = {"regime": r.name, "regime_reason": r.reason, "gamma_norm": r.gamma_norm,
           "decay_rate": r.decay_rate}
    sigma_w = math.sqrt(W.shape[0]) * _rms(W)
    sigma_b = _rms(weights["bias_ih"] + weights["bias_hh"])
    sigma_u = _rms(inputs @ weights["weight_ih"].T) if inputs is not None else 0.0
    out.update(sigma_w=sigma_w, sigma_b=sigma_b, sigma_u=sigma_u, mean_field_rate=None)
    sentence = f"{r.name}: {r.reason}."
    try:
        prediction = mean_field(act, sigma_w, sigma_b, sigma_u) if sigma_w > 0 else None
    except ValueError as error:  # q* beyond the quadrature's certified range
        sentence += f" No mean-field prediction: {error}."
    else:
        if prediction is not None:
            out["mean_field_rate"] = prediction.rate
            sentence += (f" Mean field (σ_w = {sigma_w:.3g}, σ_b = {sigma_b:.3g}, σ_u = "
                         f"{sigma_u:.3g}): log‖δ‖ changes by {prediction.rate:.3g} per step.")
    out["sentence"] = sentence
    return out


def _gate_radius(weights, rows, inputs):
    """gate_preactivation_radius of these gate rows, with the layer's inputs when measured."""
    W_hh = weights["weight_hh"][rows]
    if inputs is None:
        return _gated.gate_preactivation_radius(W_hh)
    return _gated.gate_preactivation_radius(W_hh, weights["weight_ih"][rows], inputs)


def _exp_text(log_value):
    """e^log_value to 3 digits, also where it underflows float64 (e^−1150 is 3.6e-500, not 0)."""
    if log_value > -700.0:
        return f"{math.exp(log_value):.3g}"
    log10 = log_value / math.log(10.0)
    return f"{10.0 ** (log10 - math.floor(log10)):.3g}e{math.floor(log10)}"


def _gated_prediction(mode, weights, inputs):
    n = weights["weight_hh"].shape[1]
    bias = weights["bias_ih"] + weights["bias_hh"]
    where = "over the given inputs" if inputs is not None else "with zero input"
    if mode == "LSTM":
        gate = slice(n, 2 * n)
        radius = _gate_radius(weights, gate, inputs)
        lo, hi = _gated.lstm_forget_log_bounds(bias[gate], radius, 1)
        lo, hi = float(lo), float(hi)
        sentence = (f"forget gates stay in [{math.exp(lo):.3g}, {math.exp(hi):.3g}] {where}, so along "
                    f"the cell path the gradient changes by {lo:.3g} to {hi:.3g} nats per step "
                    f"(a factor ≥ {_exp_text(100 * lo)} over 100 steps); only the gate paths can "
                    "make it explode")
        return {"forget_rate_bounds": [lo, hi], "sentence": sentence}
    gate = slice(n, 2 * n)
    radius = _gate_radius(weights, gate, inputs)
    delta = _gated.gru_jacobian_deviation_bound(weights["weight_hh"], weights["bias_hh"], bias[gate],
                                                radius)
    rate = math.log1p(delta)
    if delta < 1.0:
        sentence = (f"update gates keep ‖J_t − I‖₂ ≤ δ = {delta:.3g} {where}: the gradient is carried "
                    f"nearly unchanged over ℓ ≪ 1/δ = {1 / delta if delta else math.inf:.3g} steps and "
                    f"grows by at most {rate:.3g} nats per step")
    else:
        sentence = (f"δ = {delta:.3g} ≥ 1 {where}: the update gates are not closed enough for the "
                    "GRU bound to say that the gradient is carried")
    return {"jacobian_deviation": delta, "rate_upper": rate, "sentence": sentence}


# --- what autograd measures ----------------------------------------------------------------

def _saturation(mode, weights, inputs, states):
    """Fraction of (step, unit) pairs whose derivative is below SATURATION_LEVEL of its max."""
    n = weights["weight_hh"].shape[1]
    h = states[:-1, :n]
    a = inputs @ weights["weight_ih"].T + h @ weights["weight_hh"].T + weights["bias_ih"] + weights["bias_hh"]
    tanh, sigmoid = _activation("tanh"), _activation("sigmoid")
    if mode == "RNN_RELU":
        return float(np.mean(a <= 0.0))
    if mode == "RNN_TANH":
        parts = [(tanh, a)]
    elif mode == "LSTM":
        parts = [(sigmoid, a[:, : 2 * n]), (tanh, a[:, 2 * n : 3 * n]), (sigmoid, a[:, 3 * n :])]
    else:
        r = sigmoid.phi(a[:, :n])
        b_ih, b_hh = weights["bias_ih"], weights["bias_hh"]
        candidate = (inputs @ weights["weight_ih"][2 * n :].T + b_ih[2 * n :]
                     + r * (h @ weights["weight_hh"][2 * n :].T + b_hh[2 * n :]))
        parts = [(sigmoid, a[:, : 2 * n]), (tanh, candidate)]
    level = math.log(SATURATION_LEVEL)
    saturated = sum(int(np.sum(phi.log_derivative(p) - phi.log_gamma < level)) for phi, p in parts)
    return saturated / sum(p.size for _, p in parts)


def _trajectory_bound(mode, weights, inputs, states, pre):
    """The theory's upper bound on log‖∂s_T/∂s_k‖₂ along this run, by k."""
    from ..bounds import log_trajectory_upper_bound

    n, T = weights["weight_hh"].shape[1], inputs.shape[0]
    if mode in ("RNN_TANH", "RNN_RELU"):
        act = "tanh" if mode == "RNN_TANH" else "relu"
        return log_trajectory_upper_bound(weights["weight_hh"], act, pre)
    if mode == "LSTM":
        h, c = states[:, :n], states[:, n:]
        gates = _gated.lstm_gates(weights["weight_ih"], weights["weight_hh"], weights["bias_ih"],
                                  weights["bias_hh"], inputs, h[:-1])
        return _gated.lstm_log_jacobian_bound(weights["weight_hh"], gates, c[:-1], c[1:])
    bias = weights["bias_ih"] + weights["bias_hh"]
    radius = _gated.gate_preactivation_radius(weights["weight_hh"][n : 2 * n],
                                              weights["weight_ih"][n : 2 * n], inputs)
    delta = _gated.gru_jacobian_deviation_bound(weights["weight_hh"], weights["bias_hh"],
                                                bias[n : 2 * n], radius)
    return np.asarray(_gated.gru_log_norm_bounds(delta, np.arange(T, -1, -1))[1], dtype=float)


def _measure_sequence(mode, weights, inputs, warmup):
    """One sequence through one layer and direction: states, profile, bound, spectrum."""
    run = _LayerRun(mode, weights)
    torch = run.torch
    x = torch.as_tensor(inputs, dtype=torch.float64)
    d = (2 if mode == "LSTM" else 1) * run.n
    states, pre = _run_forward(run, x, torch.zeros(d, dtype=torch.float64))
    profile = _log_norm_sweep(run, x, states)
    T = inputs.shape[0]
    log_growth = np.empty((T, d))
    qr_log_growth(lambda s, e: step_jacobians(run.step, x, states, s, e),
                  torch.as_tensor(initial_basis(d, d)), log_growth, segments(T, d))
    with np.errstate(invalid="ignore"):
        exponents = np.sort(log_growth[warmup:].mean(axis=0))[::-1]
    states = states.numpy()
    bound = _trajectory_bound(mode, weights, inputs, states, pre.numpy()[:, : run.n]
                              if mode.startswith("RNN") else None)
    return dict(states=states, profile=profile[::-1], bound=np.asarray(bound)[::-1],
                exponents=exponents, saturated=_saturation(mode, weights, inputs, states))


def _measure_layer(mode, weights, sequences, warmup):
    """Every sequence through one layer and direction; the means over the sequences and the
    outputs (T, n) that feed the next layer."""
    results = [_measure_sequence(mode, weights, seq, warmup) for seq in sequences]
    n = weights["weight_hh"].shape[1]
    mean = lambda key: np.mean([r[key] for r in results], axis=0)  # noqa: E731
    return dict(profile=mean("profile"), bound=mean("bound"), exponents=mean("exponents"),
                saturated=float(mean("saturated")),
                outputs=[r["states"][1:, :n] for r in results])


def _input_sensitivity(module, sequence):
    """log‖∂y_T/∂x_k‖₂ for k = 1..T through the whole real module (fused kernels), by lag.

    A batch of d copies of the sequence with the unit vectors of y_T as grad_outputs gives
    the d × m Jacobian of every position in one backward pass.
    """
    torch = _torch()
    T, m = sequence.shape
    d = module.hidden_size * (2 if module.bidirectional else 1)
    xs = torch.as_tensor(sequence, dtype=torch.float64).expand(d, T, m).clone().requires_grad_(True)
    out, _ = module(xs if module.batch_first else xs.transpose(0, 1))
    last = out[:, -1] if module.batch_first else out[-1]
    if not bool(torch.isfinite(last).all()):
        raise ValueError("the model's output at the last step is not finite")
    (grads,) = torch.autograd.grad(last, xs, grad_outputs=torch.eye(d, dtype=torch.float64))
    norms = torch.linalg.matrix_norm(grads.transpose(0, 1), ord=2).numpy()
    with np.errstate(divide="ignore"):
        return np.log(norms)[::-1].copy()


def _sequences(module, inputs, steps):
    """The inputs as a list of (T, m) float64 arrays (or None: weights only)."""
    m = module.input_size
    if inputs is None:
        if steps is None:
            return None
        return [np.zeros((steps, m))]
    x = as_finite_array(inputs, "inputs")
    if x.ndim == 2:
        batch = [x]
    elif x.ndim == 3:
        batch = list(x) if module.batch_first else list(np.swapaxes(x, 0, 1))
    else:
        raise ValueError(f"inputs must be (T, m) or a batch of sequences, got shape {x.shape}")
    if batch[0].shape[1] != m:
        raise ValueError(f"inputs have width {batch[0].shape[1]}, but the model expects "
                         f"input_size = {m}")
    if not batch or batch[0].shape[0] == 0:
        raise ValueError("inputs must hold at least one step")
    if steps is not None:
        batch = [seq[:steps] for seq in batch]
    return batch


def _layer_inputs(outputs_by_direction):
    """The next layer's input sequences: the directions' outputs side by side (the reverse
    direction's outputs put back in forward time order)."""
    forward = outputs_by_direction["forward"]
    if "reverse" not in outputs_by_direction:
        return forward
    return [np.concatenate([f, r[::-1]], axis=1) for f, r in zip(forward, outputs_by_direction["reverse"])]


def diagnose(model, inputs=None, *, steps=None, warmup=None, progress=None):
    """Diagnose the gradient flow of a trained ``torch.nn.RNN``, ``LSTM`` or ``GRU``.

    From the weights alone every layer gets its recurrent spectra, its a-priori regime
    (vanilla, :func:`theory.regime`) or gate bounds (:mod:`theory.gated`), and the mean-field
    prediction of its weight statistics (vanilla). With inputs, every layer and direction is
    run through a real ``torch.nn`` cell with its weights, and autograd measures the lag
    profile of its whole state with the theory's trajectory bound, the Lyapunov exponents
    and the saturated fraction; the whole module gives ‖∂y_T/∂x_k‖₂.

    Parameters
    ----------
    model : torch.nn.RNN, torch.nn.LSTM, torch.nn.GRU, or a torch.nn.Module holding one
        Any ``num_layers``, ``batch_first``, ``bidirectional``; LSTM without ``proj_size``.
    inputs : array_like, optional
        One sequence (T, m), or a batch: (B, T, m) if ``batch_first`` else (T, B, m). Tensors
        are accepted. Without inputs (and without ``steps``) only the weights are read.
    steps : int, optional
        Use the first T steps of the inputs; without inputs, run T steps of zero input (the
        network driven by its biases alone).
    warmup : int, optional
        Steps before the Lyapunov averages start (default T // 10).
    progress : callable, optional
        Called with a short message before each stage (the CLI prints them).

    Returns
    -------
    Diagnosis

    Raises
    ------
    ValueError
        For a model that is not such a module (or holds several), an LSTM with
        ``proj_size``, non-finite parameters, inputs of the wrong width or shape, a bad
        ``steps``/``warmup``, or a ``progress`` that is not callable. A run whose states
        leave float64 is not an error: the layer's ``failure`` says at which step, and later
        layers are not measured.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), ICML, §3.1; Gers et al. (2000); Cho et al. (2014);
    Benettin et al. (1980), Meccanica 15; Vogt et al. (2022), Front. Appl. Math. Stat. 8;
    Engelken, Wolf & Abbott (2023), Phys. Rev. Research 5, 043044; Martin & Mahoney,
    WeightWatcher (one call on a trained model, a per-layer table and plots).

    Examples
    --------
    >>> import torch
    >>> rnn = torch.nn.RNN(3, 4)
    >>> with torch.no_grad():
    ...     _ = rnn.weight_hh_l0.copy_(0.5 * torch.eye(4))
    >>> d = diagnose(rnn, torch.zeros(5, 3))
    >>> d.layers[0].prediction["regime"], round(d.layers[0].spectral_norm, 3)
    ('vanishing guaranteed', 0.5)
    >>> d.layers[0].lag_profile.shape, d.input_sensitivity.shape
    ((6,), (5,))
    """
    start = time.perf_counter()
    if progress is not None and not callable(progress):
        raise ValueError(f"progress must be a callable or None, got {type(progress).__name__}")
    say = progress or (lambda message: None)
    module = _checked_module(model)
    if steps is not None:
        steps = int(as_lags(steps, "steps"))
        if steps < 1:
            raise ValueError("steps must be at least 1")
    sequences = _sequences(module, inputs, steps)
    T = None if sequences is None else sequences[0].shape[0]
    count = 0 if sequences is None else len(sequences)
    warmup = (T // 10 if T else 0) if warmup is None else int(as_lags(warmup, "warmup"))
    if T is not None and warmup >= T:
        raise ValueError(f"warmup = {warmup} leaves no step to average over (T = {T})")
    layers, notes, failed = [], [], None
    directions = ("forward", "reverse") if module.bidirectional else ("forward",)
    for layer in range(module.num_layers):
        outputs = {}
        for direction in directions:
            weights = _layer_weights(module, layer, direction)
            entry, out, failed = _diagnose_layer(module, layer, direction, weights, sequences,
                                                 warmup, failed, say)
            layers.append(entry)
            outputs[direction] = out
        if sequences is not None and failed is None:
            sequences = _layer_inputs(outputs)
    sensitivity = None
    if T is not None and failed is None:
        say(f"end-to-end sensitivity ‖∂y_T/∂x_k‖ over {T} steps")
        first = _sequences(module, inputs, steps)
        sensitivity = np.mean([_input_sensitivity(module, seq) for seq in first], axis=0)
    if failed:
        notes.append(failed)
    return Diagnosis(
        cell=module.mode, num_layers=module.num_layers, hidden_size=module.hidden_size,
        input_size=module.input_size, bidirectional=module.bidirectional,
        batch_first=module.batch_first, layers=layers, steps=T,
        sequences=count,
        input_sensitivity=sensitivity, seconds=time.perf_counter() - start, notes=notes)


def _diagnose_layer(module, layer, direction, weights, sequences, warmup, failed, say):
    """One layer and direction: the weights' prediction, and the measurement unless an
    earlier layer failed. Returns (LayerDiagnosis, outputs or None, failure or None)."""
    mode = module.mode
    layer_inputs = None
    if sequences is not None and failed is None:
        seqs = sequences if direction == "forward" else [s[::-1].copy() for s in sequences]
        layer_inputs = np.concatenate(seqs, axis=0)
    predict = _vanilla_prediction if mode.startswith("RNN") else _gated_prediction
    common = dict(layer=layer, direction=direction, cell=mode, hidden_size=module.hidden_size,
                  input_size=weights["weight_ih"].shape[1], blocks=_blocks(mode, weights["weight_hh"]),
                  prediction=predict(mode, weights, layer_inputs))
    if sequences is None or failed is not None:
        return LayerDiagnosis(**common, failure=failed and "not measured: an earlier layer failed"), None, failed
    say(f"layer {layer} ({direction}): lag profile and Lyapunov spectrum over {seqs[0].shape[0]} steps")
    try:
        measured = _measure_layer(mode, weights, seqs, warmup)
    except ValueError as error:
        failure = f"layer {layer} ({direction}): {error}"
        return LayerDiagnosis(**common, failure=failure), None, failure
    outputs = measured["outputs"]  # in the direction's own time order
    entry = LayerDiagnosis(**common, lag_profile=measured["profile"], lag_profile_bound=measured["bound"],
                           lyapunov_exponents=measured["exponents"],
                           saturated_fraction=measured["saturated"])
    return entry, outputs, None


# --- the table -----------------------------------------------------------------------------

def _number(value):
    if value is None:
        return "—"
    if isinstance(value, float) and not math.isfinite(value):
        return "−inf" if value < 0 else ("inf" if value > 0 else "nan")
    return f"{value:.4g}"


def _long_lag_slope(by_lag):
    """Slope of a lag profile over its second half (per step), where finite."""
    T = len(by_lag) - 1
    if T < 2 or not np.isfinite(by_lag[T]):
        return None
    half = T // 2
    return float((by_lag[T] - by_lag[half]) / (T - half))


def _format_table(d):
    direction = "bidirectional" if d.bidirectional else "unidirectional"
    plural = lambda count, word: f"{count} {word}" + ("" if count == 1 else "s")  # noqa: E731
    run = (f"{plural(d.sequences, 'sequence')} of T = {d.steps} steps" if d.steps else "weights only")
    lines = [f"{CELL_NAMES[d.cell]}: {plural(d.num_layers, 'layer')}, hidden {d.hidden_size}, input "
             f"{d.input_size}, {direction}; {run}; {d.seconds:.2f} s", ""]
    header = f"{'layer':<18}{'block':<7}{'ρ':>11}{'‖·‖₂':>11}{'σ_min':>11}"
    lines += [header, "-" * len(header)]
    for layer in d.layers:
        for name, block in layer.blocks.items():
            lines.append(f"{layer.name:<18}{name:<7}" + "".join(
                f"{_number(block[k]):>11}" for k in ("spectral_radius", "spectral_norm", "min_singular_value")))
    lines.append("")
    for layer in d.layers:
        lines.append(f"{layer.name}: {layer.prediction['sentence']}")
    if d.steps:
        lines += ["", f"{'measured':<18}{'top λ':>10}{'mean λ':>10}{'slope':>10}{'bound slope':>13}"
                  f"{'saturated':>11}"]
        for layer in d.layers:
            if layer.lyapunov_exponents is None:
                lines.append(f"{layer.name:<18}{layer.failure or 'not measured'}")
                continue
            lam = layer.lyapunov_exponents
            lines.append(
                f"{layer.name:<18}{_number(float(lam[0])):>10}{_number(float(np.mean(lam))):>10}"
                f"{_number(_long_lag_slope(layer.lag_profile)):>10}"
                f"{_number(_long_lag_slope(layer.lag_profile_bound)):>13}"
                f"{100 * layer.saturated_fraction:>10.1f}%")
        lines.append("(λ and slopes: natural log per step; slope = long-lag slope of log‖∂s_T/∂s_{T−ℓ}‖₂)")
    if d.input_sensitivity is not None:
        s = d.input_sensitivity
        lags = sorted({0, 1, 10, 100, len(s) // 2, len(s) - 1} & set(range(len(s))))
        lines += ["", "end-to-end log‖∂y_T/∂x_{T−ℓ}‖₂: " + ", ".join(
            f"ℓ = {lag}: {_number(float(s[lag]))}" for lag in lags)]
    lines += [f"note: {note}" for note in d.notes]
    return "\n".join(lines)


# --- a model from its weights --------------------------------------------------------------

def _recurrent_keys(state_dict):
    """prefix → {(layer, reverse)} for every key ending in weight_hh_l<k>[_reverse]."""
    import re

    found = {}
    for key in state_dict:
        match = re.fullmatch(r"(.*?)weight_hh_l(\d+)(_reverse)?", str(key))
        if match:
            found.setdefault(match.group(1), set()).add((int(match.group(2)), bool(match.group(3))))
    return found


def model_from_state_dict(state_dict, *, nonlinearity="tanh", batch_first=True):
    """Rebuild the ``torch.nn.RNN``, ``LSTM`` or ``GRU`` whose ``state_dict`` this is.

    The cell type, number of layers, sizes, bias and direction are read from the weight
    shapes (``weight_hh_l0`` has n, 3n or 4n rows: RNN, GRU, LSTM); keys may carry one
    common prefix (``"rnn.weight_hh_l0"`` from a model that holds the RNN as ``rnn``).

    Parameters
    ----------
    state_dict : mapping of str to tensor
    nonlinearity : {"tanh", "relu"}, optional
        For an RNN (its weights do not say which); default tanh.
    batch_first : bool, optional
        Of the rebuilt module (default True).

    Returns
    -------
    torch.nn.RNN, torch.nn.LSTM or torch.nn.GRU
        In float64, with the weights loaded.

    Raises
    ------
    ValueError
        If the mapping holds no recurrent weights or several recurrent modules, the shapes
        fit no such module, an LSTM has ``proj_size``, a value is not a tensor, or
        ``nonlinearity`` is given for a gated cell or is not tanh/relu.

    Examples
    --------
    >>> import torch
    >>> lstm = model_from_state_dict(torch.nn.LSTM(3, 5, num_layers=2).state_dict())
    >>> type(lstm).__name__, lstm.num_layers, lstm.hidden_size, lstm.input_size
    ('LSTM', 2, 5, 3)
    """
    torch = _torch()
    if not hasattr(state_dict, "keys"):
        raise ValueError(f"expected a state_dict (a mapping of names to tensors), got "
                         f"{type(state_dict).__name__}")
    found = _recurrent_keys(state_dict)
    if not found:
        raise ValueError("no recurrent weights (a key ending in weight_hh_l0) in the state_dict")
    if len(found) > 1:
        names = ", ".join(repr(p.rstrip(".")) for p in sorted(found))
        raise ValueError(f"the state_dict holds {len(found)} recurrent modules ({names}); save one")
    prefix, entries = next(iter(found.items()))
    weights = {k[len(prefix):]: v for k, v in state_dict.items() if str(k).startswith(prefix)}
    for key, value in weights.items():
        if not isinstance(value, torch.Tensor):
            raise ValueError(f"{prefix}{key} is a {type(value).__name__}, not a tensor")
        if not bool(torch.isfinite(value).all()):
            raise ValueError(f"parameter {prefix}{key} has non-finite entries (NaN or inf)")
    if any(k.startswith("weight_hr_l") for k in weights):
        raise ValueError("LSTM with proj_size > 0 is not supported")
    W = weights.get("weight_hh_l0")
    if W is None or W.ndim != 2 or "weight_ih_l0" not in weights:
        raise ValueError("the state_dict lacks weight_ih_l0 or a 2-D weight_hh_l0")
    rows, n = W.shape
    kinds = {n: torch.nn.RNN, 3 * n: torch.nn.GRU, 4 * n: torch.nn.LSTM}
    if n == 0 or rows not in kinds:
        raise ValueError(f"weight_hh_l0 has shape {tuple(W.shape)}: not n, 3n or 4n rows of n columns")
    kind = kinds[rows]
    options = dict(num_layers=max(layer for layer, _ in entries) + 1,
                   bidirectional=any(rev for _, rev in entries), bias="bias_ih_l0" in weights,
                   batch_first=batch_first, dtype=torch.float64)
    if kind is torch.nn.RNN:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        options["nonlinearity"] = nonlinearity
    elif nonlinearity not in (None, "tanh"):
        raise ValueError(f"nonlinearity applies to an RNN, but these are {kind.__name__} weights")
    module = kind(weights["weight_ih_l0"].shape[1], n, **options)
    try:
        module.load_state_dict({k: v.to(torch.float64) for k, v in weights.items()}, strict=True)
    except RuntimeError as error:
        first = str(error).strip().splitlines()
        raise ValueError(f"the weights do not fit a torch.nn.{kind.__name__}: "
                         f"{' '.join(line.strip() for line in first[1:3]) or first[0]}") from None
    return module
