"""Figures of the report, drawn from the payloads tests record with ``record_data``.

Each figure is a :class:`FigureSpec`: the data key it draws, a file stem, a title that
states the claim, and a ``draw(fig, payload)`` function. A figure is drawn only when its
key is present; a malformed payload skips that figure with a reason and never stops the
report. To adapt a figure to a changed payload, edit its ``draw_*`` function only.

Only the object-oriented matplotlib API is used (``matplotlib.figure.Figure``, which
renders with Agg), so no global backend is switched and pyplot state is never touched.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .jsonsafe import decode

__all__ = ["FigureSpec", "FIGURES", "draw_all"]

SIZE = (10.0, 6.0)  # inches; 16:10 slide proportions
DPI = 150
RC = {
    "font.size": 14,
    "axes.titlesize": 15,
    "axes.labelsize": 15,
    "legend.fontsize": 12,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "lines.linewidth": 2.2,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "svg.hashsalt": "rnn-gradient-theory",  # stable ids: identical SVGs for identical data
}
# colour-blind-safe (Okabe–Ito)
BLACK, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")


@dataclass(frozen=True)
class FigureSpec:
    """One figure: the data ``key`` it draws, its file ``name`` and its ``title``."""

    key: str
    name: str
    title: str
    draw: Callable


# --- payload helpers --------------------------------------------------------------------


def _get(payload, key):
    if not isinstance(payload, dict):
        raise ValueError(f"payload must be an object, got {type(payload).__name__}")
    if key not in payload:
        raise ValueError(f"payload lacks {key!r} (has {', '.join(sorted(payload))})")
    return payload[key]


def _arr(payload, key, length=None, optional=False):
    """The float array ``payload[key]``; non-finite values become NaN (not drawn)."""
    if optional and (not isinstance(payload, dict) or payload.get(key) is None):
        return None
    value = decode(_get(payload, key))
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{key!r} is not a list of numbers") from None
    if a.ndim != 1:
        raise ValueError(f"{key!r} must be a flat list, got shape {a.shape}")
    if length is not None and a.size != length:
        raise ValueError(f"{key!r} has {a.size} values, expected {length}")
    return np.where(np.isfinite(a), a, np.nan)


def _num(payload, key, optional=False):
    if optional and (not isinstance(payload, dict) or payload.get(key) is None):
        return None
    value = decode(_get(payload, key))
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key!r} is not a number: {value!r}") from None


def _fmt(v):
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _subtitle(ax, text):
    # Wrapped so that a long description never runs off the slide.
    import textwrap

    ax.set_title(textwrap.fill(text, 105), loc="left", fontsize=11, color="#444444")


# --- the figures ------------------------------------------------------------------------


def draw_lag_profile(fig, p):
    """Log-norm vs lag with the a-priori and trajectory bounds (``lag_profile_example``)."""
    lags = _arr(p, "lags")
    n = lags.size
    measured = _arr(p, "measured", n)
    ax = fig.add_subplot()
    lower = _arr(p, "lower_trajectory", n, optional=True)
    upper_t = _arr(p, "upper_trajectory", n, optional=True)
    upper_a = _arr(p, "upper_a_priori", n, optional=True)
    if lower is not None and upper_t is not None:
        ax.fill_between(lags, lower, upper_t, color=SKY, alpha=0.18, label="region allowed by the run's bounds")
    if upper_a is not None:
        ax.plot(lags, upper_a, "--", color=VERMILION, label=r"upper bound, a priori: $\ell\,\log(\gamma\|W\|_2)$")
    if upper_t is not None:
        ax.plot(lags, upper_t, "-.", color=ORANGE, label="upper bound along the run (U2)")
    if lower is not None:
        ax.plot(lags, lower, ":", color=BLUE, linewidth=2.8, label="lower bound along the run (L1)")
    ax.plot(lags, measured, "-", color=BLACK, marker="o" if n <= 40 else None, markersize=3.5,
            label="measured (autograd)")
    ax.set_xlabel(r"lag $\ell = T - k$ (steps back in time)")
    ax.set_ylabel(r"$\log\,\|\partial h_T/\partial h_{T-\ell}\|_2$  (natural log)")
    ax.legend(loc="best")
    if p.get("case"):
        _subtitle(ax, "case: " + textwrap.shorten(str(p["case"]), 110))


def draw_mean_field(fig, p):
    """Measured and mean-field per-step rate vs σ_w, with the critical σ_w (``mean_field_rates``)."""
    sw = _arr(p, "sigma_w")
    pred = _arr(p, "predicted_rate", sw.size)
    meas = _arr(p, "measured_rate", sw.size)
    err = _arr(p, "measured_rate_err", sw.size, optional=True)
    crit = _num(p, "critical_sigma_w", optional=True)
    ax = fig.add_subplot()
    ax.axhline(0.0, color="#888888", linewidth=1.2)
    ax.plot(sw, pred, "-", color=BLUE, label="mean-field prediction")
    ax.errorbar(sw, meas, yerr=err, fmt="o", color=VERMILION, capsize=3, markersize=6,
                label="measured (autograd)" + (" ± error" if err is not None else ""))
    if crit is not None and math.isfinite(crit):
        ax.axvline(crit, linestyle="--", color=BLACK, linewidth=1.8,
                   label=rf"order–chaos transition $\sigma_w^* = {crit:.3g}$")
        lo, hi = ax.get_xlim()
        ax.text((lo + crit) / 2, 0.96, "ordered:\nvanishing", transform=ax.get_xaxis_transform(),
                ha="center", va="top", fontsize=12, color=BLUE)
        ax.text((crit + hi) / 2, 0.96, "chaotic:\nexploding", transform=ax.get_xaxis_transform(),
                ha="center", va="top", fontsize=12, color=VERMILION)
    ax.set_xlabel(r"weight scale $\sigma_w$")
    ax.set_ylabel(r"per-step rate $\frac{1}{\ell}\log\|\partial h_T/\partial h_{T-\ell}\|$")
    ax.legend(loc="lower right")
    names = {"activation": "activation", "sigma_b": "σ_b", "n": "n"}
    _subtitle(ax, ", ".join(f"{names[k]} = {_fmt(p[k])}" for k in names if k in p))


def draw_critical_line(fig, p):
    """The critical σ_w² against σ_b², with the two phases shaded (``critical_line``)."""
    sb2 = _arr(p, "sigma_b2")
    sw2 = _arr(p, "critical_sigma_w2", sb2.size)
    ax = fig.add_subplot()
    ax.plot(sb2, sw2, "-", color=BLACK, marker="o", markersize=4, label=r"critical line $\sigma_w^{2*}(\sigma_b^2)$")
    top = np.nanmax(sw2) * 1.25 if np.isfinite(np.nanmax(sw2)) else 1.0
    ax.fill_between(sb2, 0, sw2, color=BLUE, alpha=0.15, label="ordered phase: gradients vanish")
    ax.fill_between(sb2, sw2, top, color=VERMILION, alpha=0.15, label="chaotic phase: gradients explode")
    ax.set_ylim(0, top)
    ax.set_xlim(np.nanmin(sb2), np.nanmax(sb2))
    ax.set_xlabel(r"bias variance $\sigma_b^2$")
    ax.set_ylabel(r"weight variance $\sigma_w^2$")
    ax.legend(loc="upper left")
    if "activation" in p:
        _subtitle(ax, f"activation = {p['activation']}")


def draw_kreiss(fig, p):
    """log‖W^ℓ‖ vs ℓ between the Kreiss lower and upper bounds (``kreiss_transient``)."""
    lags = _arr(p, "lags")
    meas = _arr(p, "measured_log_norm", lags.size)
    lo = _num(p, "log_kreiss_lower")
    hi = _num(p, "log_kreiss_upper")
    ax = fig.add_subplot()
    ax.plot(lags, meas, "-", color=BLACK, marker="o" if lags.size <= 40 else None, markersize=3.5, label=r"measured $\log\|W^\ell\|_2$")
    ax.axhline(lo, linestyle="--", color=BLUE, label=rf"Kreiss lower bound on the peak: $\log K(W) = {lo:.3g}$")
    ax.axhline(hi, linestyle="-.", color=VERMILION, label=rf"Kreiss upper bound on the peak: $\log(e\,n\,K(W)) = {hi:.3g}$")
    peak = int(np.nanargmax(meas)) if np.isfinite(meas).any() else None
    if peak is not None:
        ax.plot([lags[peak]], [meas[peak]], "*", color=ORANGE, markersize=16, label="transient peak")
    ax.set_xlabel(r"lag $\ell$ (steps)")
    ax.set_ylabel(r"$\log\|W^\ell\|_2$")
    ax.legend(loc="best")
    if "n" in p:
        _subtitle(ax, f"n = {_fmt(p['n'])}; the transient peak must lie between the two lines")


def draw_tied_untied(fig, p):
    """Tied and untied per-step rates vs hidden size (``tied_untied``)."""
    n = _arr(p, "n")
    tied = _arr(p, "tied_rate", n.size)
    meas = _arr(p, "untied_rate_measured", n.size)
    pred = _arr(p, "untied_rate_predicted", n.size, optional=True)
    err = _arr(p, "untied_rate_stderr", n.size, optional=True)
    ax = fig.add_subplot()
    ax.plot(n, tied, "-", color=BLUE, marker="s", markersize=6, label="tied weights (same W every step)")
    if pred is not None:
        ax.plot(n, pred, "--", color=VERMILION, label="untied, predicted")
    ax.errorbar(n, meas, yerr=err, fmt="o", color=VERMILION, capsize=3, markersize=7,
                label="untied (fresh W each step), measured" + (" ± s.e." if err is not None else ""))
    if np.nanmin(n) > 0 and np.nanmax(n) / np.nanmin(n) >= 8:
        ax.set_xscale("log", base=2)
    ax.set_xlabel(r"hidden size $n$")
    ax.set_ylabel("per-step log growth rate")
    ax.legend(loc="best")


def draw_gated(fig, p):
    """RNN, LSTM and GRU gradient vs lag (``gated_profiles``)."""
    lags = _arr(p, "lags")
    ax = fig.add_subplot()
    drawn = 0
    for key, label, colour, style in (("rnn", "vanilla RNN", VERMILION, "-"),
                                      ("lstm", "LSTM", BLUE, "--"),
                                      ("gru", "GRU", GREEN, "-.")):
        values = _arr(p, key, lags.size, optional=True)
        if values is not None:
            ax.plot(lags, values, style, color=colour, label=label)
            drawn += 1
    if not drawn:
        raise ValueError("none of 'rnn', 'lstm', 'gru' is present")
    ax.set_xlabel(r"lag $\ell$ (steps back in time)")
    # The payload's "quantity" is a sentence: too long for an axis label, so it goes in the
    # subtitle and the axis says what is plotted.
    ax.set_ylabel(r"$\log\,\|\partial h_T/\partial s_{T-\ell}\|_2$  (natural log)")
    ax.legend(loc="best")
    parts = []
    if "hidden_size" in p:
        parts.append(f"hidden size = {_fmt(p['hidden_size'])}")
    if p.get("quantity"):
        parts.append(str(p["quantity"]))
    if parts:
        _subtitle(ax, "; ".join(parts))


def draw_agreement(fig, p):
    """Accuracy vs distance (top) and the subject's gradient norm (bottom) (``agreement_accuracy``)."""
    d = _arr(p, "distances")
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    drawn = 0
    for key, label, colour in (("rnn", "vanilla RNN", VERMILION), ("lstm", "LSTM", BLUE)):
        block = p.get(key)
        if block is None:
            continue
        mean = _arr(block, "mean", d.size)
        lo = _arr(block, "ci_low", d.size, optional=True)
        hi = _arr(block, "ci_high", d.size, optional=True)
        top.plot(d, mean, "-o", color=colour, markersize=5, label=label)
        if lo is not None and hi is not None:
            top.fill_between(d, lo, hi, color=colour, alpha=0.18)
        drawn += 1
    if not drawn:
        raise ValueError("neither 'rnn' nor 'lstm' accuracy is present")
    top.axhline(0.5, linestyle=":", color="#666666", label="chance (0.5)")
    top.set_ylabel("agreement accuracy")
    top.set_ylim(0.0, 1.05)
    seeds = p.get("seeds")
    top.legend(loc="lower left", title=f"accuracy and confidence interval ({seeds} seed{'s' if seeds != 1 else ''})"
               if seeds else None)
    for field, style, when in (("subject_grad", "-o", "untrained"), ("subject_grad_trained", "--s", "trained")):
        grads = p.get(field) or {}
        for key, label, colour in (("rnn", "vanilla RNN", VERMILION), ("lstm", "LSTM", BLUE)):
            g = _arr(grads, key, d.size, optional=True)
            if g is not None:
                positive = np.where(g > 0, g, np.nan)
                if np.isfinite(positive).any():
                    bottom.plot(d, positive, style, color=colour, markersize=5, label=f"{label}, {when}")
    if bottom.lines:
        bottom.set_yscale("log")
        bottom.legend(loc="best", fontsize=10, ncols=2)
    bottom.set_ylabel(r"$\|\partial\,\mathrm{loss}/\partial x_{\mathrm{subject}}\|$")
    bottom.set_xlabel("distance between subject and verb (tokens)")


def draw_agreement_training(fig, p):
    """The subject's gradient norm against training step, one line per D, RNN left and LSTM
    right on a shared log scale (``agreement_training``)."""
    import matplotlib

    steps = _arr(p, "steps")
    d = _arr(p, "distances")
    left, right = fig.subplots(1, 2, sharey=True)
    colours = matplotlib.colormaps["viridis"](np.linspace(0.0, 0.9, max(d.size, 1)))
    drawn = 0
    for ax, key, label in ((left, "rnn", "vanilla RNN (tanh)"), (right, "lstm", "LSTM")):
        rows = _get(p, key)
        if not isinstance(rows, list) or len(rows) != d.size:
            raise ValueError(f"{key!r} must hold one list per distance ({d.size})")
        for i, row in enumerate(rows):
            g = _arr({"row": row}, "row", steps.size)
            positive = np.where(g > 0, g, np.nan)
            if np.isfinite(positive).any():
                ax.plot(steps, positive, "-o", color=colours[i], markersize=3, label=f"D = {_fmt(d[i])}")
                drawn += 1
        ax.set_yscale("log")
        ax.set_title(label, fontsize=14)
        ax.set_xlabel("training step")
    if not drawn:
        raise ValueError("no positive gradient values to draw")
    left.set_ylabel(r"$\|\partial\,\mathrm{loss}/\partial x_{\mathrm{subject}}\|$")
    right.legend(loc="best", fontsize=10, ncols=2 if d.size > 4 else 1)
    seeds = p.get("seeds")
    if seeds:
        left.text(0.02, 0.5, f"geometric mean over {seeds} seed{'s' if seeds != 1 else ''}",
                  transform=left.transAxes, fontsize=10, color="#444444")


def draw_bifurcation(fig, p):
    """log|∂loss/∂b| vs b with the predicted bifurcation points (``bifurcation_wall``)."""
    b = _arr(p, "b")
    g = _arr(p, "log_abs_grad", b.size)
    predicted = _arr(p, "predicted_b", optional=True)
    ax = fig.add_subplot()
    ax.plot(b, g, "-", color=BLACK, label=r"measured $\log|\partial\,\mathrm{loss}/\partial b|$")
    if predicted is not None:
        for i, pb in enumerate(v for v in predicted if np.isfinite(v)):
            ax.axvline(pb, linestyle="--", color=VERMILION, linewidth=1.8,
                       label="predicted bifurcation" if i == 0 else None)
    ax.set_xlabel(r"bias $b$")
    ax.set_ylabel(r"$\log|\partial\,\mathrm{loss}/\partial b|$")
    ax.legend(loc="best")


FIGURES = (
    FigureSpec("lag_profile_example", "lag_profile",
               "The measured gradient norm lies between the lower and upper bounds at every lag",
               draw_lag_profile),
    FigureSpec("mean_field_rates", "mean_field_rates",
               "The gradient growth rate vs weight scale follows the mean-field prediction and changes sign at the order–chaos transition",
               draw_mean_field),
    FigureSpec("critical_line", "critical_line",
               "The order–chaos critical line separates vanishing from exploding gradients",
               draw_critical_line),
    FigureSpec("kreiss_transient", "kreiss_transient",
               "Non-normal W: the transient growth of the powers of W stays within the Kreiss bounds",
               draw_kreiss),
    FigureSpec("tied_untied", "tied_untied",
               "Tied vs untied weights: per-step gradient growth rates",
               draw_tied_untied),
    FigureSpec("gated_profiles", "gated_profiles",
               "Gated RNNs (LSTM, GRU) keep gradients alive over longer lags than a vanilla RNN",
               draw_gated),
    FigureSpec("agreement_accuracy", "agreement_accuracy",
               "Agreement accuracy falls with subject–verb distance as the subject's gradient vanishes",
               draw_agreement),
    FigureSpec("agreement_training", "agreement_training",
               "During training the RNN's gradient at the subject stays vanished; the LSTM's does not",
               draw_agreement_training),
    FigureSpec("bifurcation_wall", "bifurcation_wall",
               "Bifurcation wall: the gradient explodes where the dynamics bifurcate",
               draw_bifurcation),
)


def _title(spec, claim_ids):
    prefix = ("Claim " if len(claim_ids) == 1 else "Claims ") + ", ".join(claim_ids) + ": " if claim_ids else ""
    return textwrap.fill(prefix + spec.title, 70, break_on_hyphens=False)


def draw_one(spec, payload, path_stem, claim_ids=()):
    """Draw one figure and save it as ``path_stem.png`` and ``path_stem.svg``.

    Raises
    ------
    ValueError
        If the payload is malformed (missing key, wrong length, not numeric).
    """
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(RC):
        fig = Figure(figsize=SIZE, layout="constrained")
        spec.draw(fig, payload)
        fig.suptitle(_title(spec, claim_ids), fontsize=16, fontweight="bold")
        path_stem = Path(path_stem)
        fig.savefig(path_stem.with_suffix(".png"), dpi=DPI, metadata={"Software": None})
        fig.savefig(path_stem.with_suffix(".svg"), metadata={"Date": None, "Creator": None})
    return [path_stem.with_suffix(".png"), path_stem.with_suffix(".svg")]


def draw_all(data, folder, claims_for_key=None):
    """Draw every figure whose data is present.

    Parameters
    ----------
    data : dict
        The ``"data"`` object of results.json.
    folder : Path
        Where the PNG and SVG files go (created if needed).
    claims_for_key : dict, optional
        Data key → claim IDs whose tests recorded it (for the titles).

    Returns
    -------
    drawn : dict
        Data key → ``{"name", "title", "png", "svg"}`` (file names relative to ``folder``).
    skipped : dict
        Data key → reason, for the figures not drawn (no data yet, or a malformed payload).
    """
    folder = Path(folder)
    claims_for_key = claims_for_key or {}
    drawn, skipped = {}, {}
    for spec in FIGURES:
        if spec.key not in data:
            skipped[spec.key] = "no data recorded in this run"
            continue
        folder.mkdir(parents=True, exist_ok=True)
        ids = list(claims_for_key.get(spec.key, ()))
        try:
            draw_one(spec, data[spec.key], folder / spec.name, ids)
        except Exception as exc:  # noqa: BLE001 - one bad payload must not stop the report
            for suffix in (".png", ".svg"):
                (folder / spec.name).with_suffix(suffix).unlink(missing_ok=True)
            skipped[spec.key] = f"malformed payload: {type(exc).__name__}: {exc}"
            continue
        drawn[spec.key] = {"name": spec.name, "title": _title(spec, ids).replace("\n", " "),
                           "png": f"{spec.name}.png", "svg": f"{spec.name}.svg"}
    return drawn, skipped
