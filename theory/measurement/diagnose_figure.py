"""The figure of a :class:`~theory.measurement.diagnose.Diagnosis`, in the report's style.

Only the object-oriented matplotlib API is used (``matplotlib.figure.Figure``, rendered by
Agg), so no global backend is switched and pyplot state is never touched. Fonts are 12 pt
or larger at the saved size, colours are Okabe–Ito (colour-blind safe).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["draw_diagnosis"]

DPI = 150
RC = {
    "font.size": 14,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "legend.fontsize": 12,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "lines.linewidth": 2.2,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "svg.hashsalt": "rnn-gradient-theory",  # stable ids: identical SVGs for identical data
}
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
CELL_NAMES = {"RNN_TANH": "RNN (tanh)", "RNN_RELU": "RNN (relu)", "LSTM": "LSTM", "GRU": "GRU"}


def _finite(values):
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def _profiles(ax, diagnosis):
    measured, off_scale = [], []
    for i, layer in enumerate(diagnosis.layers):
        if layer.lag_profile is None:
            continue
        colour = COLOURS[i % len(COLOURS)]
        lags = np.arange(len(layer.lag_profile))
        ax.plot(lags, _finite(layer.lag_profile), color=colour, label=f"{layer.name}: measured")
        ax.plot(lags, _finite(layer.lag_profile_bound), color=colour, linestyle="--",
                label=f"{layer.name}: theory bound")
        measured.append(_finite(layer.lag_profile))
        off_scale.append((layer.name, colour, _finite(layer.lag_profile_bound)))
    ax.set_xlabel(r"lag $\ell$ (steps)")
    ax.set_ylabel(r"$\log\,\|\partial s_T / \partial s_{T-\ell}\|_2$")
    ax.set_title("Gradient through each layer's state")
    _keep_measured_in_view(ax, measured, off_scale)
    ax.legend(loc="lower left")


def _keep_measured_in_view(ax, measured, bounds):
    """A loose bound can be hundreds of nats above the measured curve, which would flatten
    it: the axis then stops above the measured range, and a note gives the bound's end value."""
    values = np.concatenate(measured) if measured else np.array([0.0])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return
    low, high = float(min(values.min(), 0.0)), float(max(values.max(), 0.0))
    span = max(high - low, 1.0)
    top = high + 0.4 * span
    notes = [f"{name}: bound reaches {b[-1]:.0f} at ℓ = {len(b) - 1}"
             for name, _, b in bounds if np.nanmax(b) > top]
    if not notes:
        return
    ax.set_ylim(low - 0.05 * span, top)
    ax.text(0.98, 0.97, "\n".join(notes) + "\n(dashed lines leave the plot)", transform=ax.transAxes,
            ha="right", va="top", fontsize=12, color="#444444")


def _spectra(ax, diagnosis):
    for i, layer in enumerate(diagnosis.layers):
        if layer.lyapunov_exponents is None:
            continue
        colour = COLOURS[i % len(COLOURS)]
        index = np.arange(1, len(layer.lyapunov_exponents) + 1)
        ax.plot(index, _finite(layer.lyapunov_exponents), color=colour, marker="o", markersize=4,
                label=layer.name)
        rate = layer.prediction.get("mean_field_rate")
        if rate is not None:
            ax.axhline(rate, color=colour, linestyle=":", label=f"{layer.name}: mean field")
    ax.axhline(0.0, color="#444444", linewidth=1.0)
    ax.set_xlabel(r"exponent index $i$")
    ax.set_ylabel(r"$\lambda_i$ (nats per step)")
    ax.set_title("Lyapunov spectrum along the run")
    ax.legend(loc="best")


def _sensitivity(ax, diagnosis):
    s = diagnosis.input_sensitivity
    ax.plot(np.arange(len(s)), _finite(s), color=COLOURS[0])
    ax.set_xlabel(r"lag $\ell = T - k$ (steps)")
    ax.set_ylabel(r"$\log\,\|\partial y_T / \partial x_k\|_2$")
    ax.set_title("How far back the output can see")


def _weights_only(ax, diagnosis):
    ticks, labels = [], []
    for i, layer in enumerate(diagnosis.layers):
        colour = COLOURS[i % len(COLOURS)]
        names = list(layer.blocks)
        x = np.arange(len(names)) + i * (len(names) + 1)
        ax.scatter(x, [layer.blocks[b]["spectral_norm"] for b in names], color=colour, marker="s",
                   s=70, label=f"{layer.name}: spectral norm")
        ax.scatter(x, [layer.blocks[b]["spectral_radius"] for b in names], color=colour, marker="o",
                   s=70, facecolors="none", linewidths=2, label=f"{layer.name}: spectral radius")
        ticks += list(x)
        labels += [f"$W_{{h{b}}}$" if b != "h" else "$W_{hh}$" for b in names]
    ax.axhline(1.0, color="#444444", linewidth=1.0)
    ax.set_xticks(ticks, labels)
    ax.set_xlabel("recurrent weight block")
    ax.set_ylabel("spectral norm and radius")
    ax.set_title("Recurrent weights (no inputs given)")
    ax.legend(loc="best")


def _title(d):
    cell = CELL_NAMES[d.cell]
    article = "an" if cell.startswith(("L", "R")) else "a"
    layers = f"{d.num_layers} layer" + ("s" if d.num_layers != 1 else "")
    run = f", T = {d.steps}" if d.steps else ""
    both = ", bidirectional" if d.bidirectional else ""
    return f"Diagnosis of {article} {cell}: {layers}, n = {d.hidden_size}{both}{run}"


def draw_diagnosis(diagnosis, path_stem=None):
    """Draw the diagnosis; with ``path_stem``, save it as PNG and SVG.

    Parameters
    ----------
    diagnosis : Diagnosis
    path_stem : str or Path, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib
    from matplotlib.figure import Figure

    d = diagnosis
    measured = d.input_sensitivity is not None
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(18.0, 6.0) if measured else (9.0, 6.0), layout="constrained")
        if measured:
            axes = fig.subplots(1, 3)
            _profiles(axes[0], d)
            _spectra(axes[1], d)
            _sensitivity(axes[2], d)
        else:
            _weights_only(fig.subplots(1, 1), d)
        fig.suptitle(_title(d), fontsize=17, fontweight="bold")
        if path_stem is not None:
            stem = Path(path_stem)
            stem.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(stem.with_suffix(".png"), dpi=DPI, metadata={"Software": None})
            fig.savefig(stem.with_suffix(".svg"), metadata={"Date": None, "Creator": None})
    return fig
