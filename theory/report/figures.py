"""Figures of the report, drawn from the payloads tests record with ``record_data``.

Each figure is a :class:`FigureSpec`: the data key it draws, a file stem, a title that
states the claim, and a ``draw(fig, payload)`` function. A figure is drawn only when its
key is present; a malformed payload skips that figure with a reason and never stops the
report. To adapt a figure to a changed payload, edit its ``draw_*`` function only.

Sizes, fonts, palette and saving come from :mod:`theory.report.style` (figures drawn at
the size they are placed on a slide, PNG and SVG). Only the object-oriented matplotlib API
is used, so no global backend is switched and pyplot state is never touched; matplotlib is
imported only when a figure is drawn.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from . import style
from .jsonsafe import canonical, decode
from .style import BLACK, BLUE, GREEN, GREY, ORANGE, SKY, VERMILION

__all__ = ["FigureSpec", "FIGURES", "compose", "draw_all", "draw_one", "fingerprint", "payload_for",
           "title_text"]

LN10 = math.log(10.0)


@dataclass(frozen=True)
class FigureSpec:
    """One figure: the data ``key`` it draws, its file ``name`` and its ``title``.

    ``size`` is the figure's size in inches (:mod:`theory.report.style`); ``borrow`` names
    fields the drawing may take from another data key when its own payload lacks them, as
    ``((field, other_key), ...)``: used where one test records a figure's data under two keys.
    """

    key: str
    name: str
    title: str
    draw: Callable
    size: tuple = style.SIZE
    borrow: tuple = ()


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


def _table(payload, key, rows):
    """The float table ``payload[key]`` with ``rows`` rows (ragged rows padded with NaN)."""
    value = decode(_get(payload, key))
    if not isinstance(value, list) or len(value) != rows or not all(isinstance(r, list) for r in value):
        raise ValueError(f"{key!r} must hold one list per distance ({rows})")
    width = max((len(r) for r in value), default=0)
    try:
        a = np.array([[float(v) for v in r] + [math.nan] * (width - len(r)) for r in value], dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{key!r} is not a table of numbers") from None
    return np.where(np.isfinite(a), a, np.nan).reshape(rows, width)


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


def _plural(count, word):
    return f"{_fmt(count)} {word}{'' if count == 1 else 's'}"


def _decades_axis(ax):
    """A right-hand axis showing the natural-log left axis in decades (log₁₀)."""
    right = ax.secondary_yaxis("right", functions=(lambda y: y / LN10, lambda d: d * LN10))
    right.set_ylabel("decades (log₁₀)")
    return right


def _minus(text):
    """``text`` with its hyphen-minus signs as typographic minus signs (as on the axes)."""
    return text.replace("-", "−")


def _positive(values):
    return np.where(values > 0, values, np.nan)


# --- the figures ------------------------------------------------------------------------


def _fit_limits(*curves, margin=0.08):
    """y-limits around the finite values of ``curves`` with a relative ``margin``."""
    values = np.concatenate([c[np.isfinite(c)] for c in curves if c is not None])
    if values.size == 0:
        raise ValueError("no finite values to draw")
    lo, hi = float(values.min()), float(values.max())
    pad = margin * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad


def draw_lag_profile(fig, p):
    """Log-norm vs lag with the a-priori and trajectory bounds (``lag_profile_example``).

    The axis fits the measured curve and the upper bounds. The trajectory lower bound is
    far looser (about −1000 at lag 150 in the recorded case, where the measured curve ends
    near −100), so it is drawn as far as the axis goes and an arrow says where it ends.
    """
    lags = _arr(p, "lags")
    n = lags.size
    measured = _arr(p, "measured", n)
    lower = _arr(p, "lower_trajectory", n, optional=True)
    upper_t = _arr(p, "upper_trajectory", n, optional=True)
    upper_a = _arr(p, "upper_a_priori", n, optional=True)
    ax = fig.add_subplot()
    bottom, top = _fit_limits(measured, upper_t, upper_a)
    if lower is not None and upper_t is not None:
        ax.fill_between(lags, np.maximum(lower, bottom), upper_t, color=SKY, alpha=0.2,
                        label="allowed by the bounds along the run")
    if upper_a is not None:
        ax.plot(lags, upper_a, "--", color=VERMILION, label=r"upper bound, a priori: $\ell\,\log(\gamma\|W\|_2)$")
    if upper_t is not None:
        ax.plot(lags, upper_t, "-.", color=ORANGE, label="upper bound along the run (U2)")
    if lower is not None:
        ax.plot(lags, lower, ":", color=BLUE, linewidth=2.4, label="lower bound along the run (L1)")
        _note_off_axis(ax, lags, lower, bottom)
    ax.plot(lags, measured, "-", color=BLACK, label="measured (autograd)")
    ax.set_ylim(bottom, top)
    ax.set_xlim(np.nanmin(lags), np.nanmax(lags))
    ax.set_xlabel(r"lag $\ell = T - k$ (steps back in time)")
    ax.set_ylabel("$\\log\\,\\|\\partial h_T/\\partial h_{T-\\ell}\\|_2$\n(natural log)")
    _decades_axis(ax)
    fig.legend(loc="outside lower center", ncols=2)
    if p.get("case"):
        style.subtitle(ax, "case: " + textwrap.shorten(str(p["case"]), 110))


def _note_off_axis(ax, lags, curve, bottom):
    """An arrow where ``curve`` leaves the axis downwards, saying where it ends."""
    below = np.flatnonzero(curve < bottom)
    if below.size == 0 or not np.isfinite(curve[-1]):
        return
    first = below[0]
    end = _minus(f"{curve[-1]:.0f}")
    ax.annotate(f"lower bound (L1) off the axis;\nat ℓ = {_fmt(lags[-1])}: {end}",
                xy=(lags[first], bottom),
                xytext=(lags[first] + 0.04 * (lags[-1] - lags[0]), bottom + 0.05 * (ax.get_ylim()[1] - bottom)),
                color=BLUE, fontsize=10, arrowprops={"arrowstyle": "->", "color": BLUE})


def draw_mean_field(fig, p):
    """Measured and mean-field per-step rate vs σ_w, with the critical σ_w (``mean_field_rates``)."""
    sw = _arr(p, "sigma_w")
    pred = _arr(p, "predicted_rate", sw.size)
    meas = _arr(p, "measured_rate", sw.size)
    err = _arr(p, "measured_rate_err", sw.size, optional=True)
    crit = _num(p, "critical_sigma_w", optional=True)
    ax = fig.add_subplot()
    ax.axhline(0.0, color=GREY, linewidth=1.0)
    ax.plot(sw, pred, "-", color=BLUE, label="mean-field prediction")
    ax.errorbar(sw, meas, yerr=err, fmt="o", color=VERMILION, capsize=3, markersize=5,
                label="measured (autograd)" + (" ± s.e." if err is not None else ""))
    if crit is not None and math.isfinite(crit):
        ax.axvline(crit, linestyle="--", color=BLACK, linewidth=1.4,
                   label=rf"order–chaos transition $\sigma_w^* = {crit:.3g}$")
        lo, hi = ax.get_xlim()
        ax.text(lo + 0.62 * (crit - lo), 0.04, "ordered:\nvanishing", transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize=11, color=BLUE)
        ax.text((crit + hi) / 2, 0.04, "chaotic:\nexploding", transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize=11, color=VERMILION)
    ax.set_xlabel(r"weight scale $\sigma_w$")
    ax.set_ylabel("per-step rate\n$\\frac{1}{\\ell}\\log\\|\\partial h_T/\\partial h_{T-\\ell}\\|$")
    fig.legend(loc="outside lower center", ncols=2)
    names = {"activation": "activation", "sigma_b": r"$\sigma_b$", "n": "n"}
    style.subtitle(ax, ", ".join(f"{names[k]} = {_fmt(p[k])}" for k in names if k in p))


def _dense_critical_line(activation, sb2):
    """σ_w*² on a dense grid over [0, max σ_b²] from the theory, or None if it cannot be had.

    The recorded payload holds the few σ_b² its test checks; joined by straight lines they
    miss the square-root-like rise near σ_b² = 0, so the curve is recomputed on 48 points
    (about 0.3 s) and the recorded values are drawn as markers on it.
    """
    from ..mean_field import critical_sigma_w

    top = float(np.nanmax(sb2))
    grid = np.unique(np.concatenate([np.linspace(0.0, top, 28), top * np.geomspace(1e-4, 1.0, 20)]))
    try:
        return grid, np.array([critical_sigma_w(activation, math.sqrt(s)) ** 2 for s in grid])
    except ValueError:
        return None


def draw_critical_line(fig, p):
    """The critical σ_w² against σ_b², with the two phases shaded (``critical_line``)."""
    sb2 = _arr(p, "sigma_b2")
    sw2 = _arr(p, "critical_sigma_w2", sb2.size)
    if not np.isfinite(sb2).any() or not np.isfinite(sw2).any():
        raise ValueError("no finite point on the critical line")
    ax = fig.add_subplot()
    dense = _dense_critical_line(str(p["activation"]), sb2) if "activation" in p else None
    x, y = dense if dense is not None else (sb2, sw2)
    top = float(np.nanmax(y)) * 1.35
    ax.fill_between(x, 0, y, color=BLUE, alpha=0.15, linewidth=0)
    ax.fill_between(x, y, top, color=VERMILION, alpha=0.15, linewidth=0)
    ax.plot(x, y, "-", color=BLACK, label=r"critical line $\sigma_w^{*2}(\sigma_b^2)$ (theory)")
    ax.plot(sb2, sw2, "o", color=BLACK, markersize=6, markerfacecolor="white", markeredgewidth=1.6,
            label="values checked by the test")
    mid = len(x) * 2 // 3
    ax.text(x[mid], 0.45 * y[mid], "ordered phase:\ngradients vanish", ha="center", va="center",
            fontsize=11, color=BLUE)
    ax.text(x[mid], (y[mid] + top) / 2 + 0.05 * top, "chaotic phase:\ngradients explode", ha="center",
            va="center", fontsize=11, color=VERMILION)
    ax.set_ylim(0, top)
    ax.set_xlim(float(np.nanmin(x)), float(np.nanmax(x)))
    ax.set_xlabel(r"bias variance $\sigma_b^2$")
    ax.set_ylabel(r"weight variance $\sigma_w^2$")
    fig.legend(loc="outside lower center", ncols=2)
    if "activation" in p:
        style.subtitle(ax, f"activation = {p['activation']}")


def draw_kreiss(fig, p):
    """log‖W^ℓ‖ vs ℓ between the Kreiss lower and upper bounds (``kreiss_transient``)."""
    lags = _arr(p, "lags")
    meas = _arr(p, "measured_log_norm", lags.size)
    lo = _num(p, "log_kreiss_lower")
    hi = _num(p, "log_kreiss_upper")
    ax = fig.add_subplot()
    ax.plot(lags, meas, "-", color=BLACK, marker="o" if lags.size <= 40 else None,
            label=r"measured $\log\|W^\ell\|_2$")
    ax.axhline(lo, linestyle="--", color=BLUE, label=rf"Kreiss lower bound: $\log K(W) = {lo:.3g}$")
    ax.axhline(hi, linestyle="-.", color=VERMILION,
               label=rf"Kreiss upper bound: $\log(e\,n\,K(W)) = {hi:.3g}$")
    if np.isfinite(meas).any():
        peak = int(np.nanargmax(meas))
        ax.plot([lags[peak]], [meas[peak]], "*", color=ORANGE, markersize=14, label="transient peak")
    ax.set_xlabel(r"lag $\ell$ (steps)")
    ax.set_ylabel(r"$\log\|W^\ell\|_2$")
    ax.legend(loc="lower left")
    if "n" in p:
        style.subtitle(ax, f"n = {_fmt(p['n'])}; the transient peak must lie between the two bounds")


def draw_tied_untied(fig, p):
    """Tied and untied per-step rates vs hidden size (``tied_untied``)."""
    n = _arr(p, "n")
    tied = _arr(p, "tied_rate", n.size)
    meas = _arr(p, "untied_rate_measured", n.size)
    pred = _arr(p, "untied_rate_predicted", n.size, optional=True)
    err = _arr(p, "untied_rate_stderr", n.size, optional=True)
    ax = fig.add_subplot()
    ax.plot(n, tied, "-", color=BLUE, marker="s", markersize=5, label="tied weights (same W every step)")
    if pred is not None:
        ax.plot(n, pred, "--", color=VERMILION, label="untied, predicted")
    ax.errorbar(n, meas, yerr=err, fmt="o", color=VERMILION, capsize=3, markersize=5,
                label="untied (fresh W each step), measured" + (" ± s.e." if err is not None else ""))
    if np.nanmin(n) > 0 and np.nanmax(n) / np.nanmin(n) >= 8:
        ax.set_xscale("log", base=2)
    ax.set_xlabel(r"hidden size $n$")
    ax.set_ylabel("per-step log growth rate")
    ax.legend(loc="best")


GATED = (("rnn", "vanilla RNN (tanh)", VERMILION, "-"), ("lstm", "LSTM", BLUE, "--"), ("gru", "GRU", GREEN, "-."))


def draw_gated(fig, p):
    """RNN, LSTM and GRU gradient vs lag (``gated_profiles``).

    Left: all three on one scale, where the vanishing RNN sets the range and the gated
    cells sit near 0; right: the gated cells magnified, so that LSTM and GRU are told apart.
    """
    lags = _arr(p, "lags")
    curves = [(key, label, colour, ls, _arr(p, key, lags.size, optional=True)) for key, label, colour, ls in GATED]
    curves = [c for c in curves if c[-1] is not None]
    if not curves:
        raise ValueError("none of 'rnn', 'lstm', 'gru' is present")
    gated = [c for c in curves if c[0] != "rnn"]
    both, magnified = fig.subplots(1, 2, width_ratios=[3, 2]) if gated else (fig.add_subplot(), None)
    for _, label, colour, ls, values in curves:
        both.plot(lags, values, ls, color=colour, label=label)
    both.set_ylabel("$\\log\\,\\|\\partial h_T/\\partial s_{T-\\ell}\\|_2$\n(natural log)")
    both.set_title("all cells", loc="left")
    both.legend(loc="lower left")
    if magnified is not None:
        for _, label, colour, ls, values in gated:
            magnified.plot(lags, values, ls, color=colour, label=label)
        magnified.set_title("gated cells, magnified", loc="right")
    for ax in (both, magnified):
        if ax is not None:
            ax.set_xlabel(r"lag $\ell$ (steps back)")
            ax.set_xlim(np.nanmin(lags), np.nanmax(lags))
    style.footnote(fig, _gated_note(p))


def _gated_note(p):
    """The footnote of the gated figure: the cells' set-up, and that the gate bias is chosen."""
    parts = []
    if "hidden_size" in p:
        parts.append(f"hidden size {_fmt(p['hidden_size'])}")
    quantity = str(p.get("quantity") or "")
    if quantity:
        parts.append(style.mathtext(quantity))
    bias = p.get("gate_bias")
    if bias is None:
        found = re.search(r"bias (-?\d+(?:\.\d+)?)", quantity)
        bias = found[1] if found else None
    if bias is not None:
        parts.append(f"bias {_fmt(bias)} is not PyTorch's default, which draws every bias from "
                     "(−1/√n, 1/√n) and so leaves the gates near ½")
    return "; ".join(parts) + "."


MODELS = (("rnn", "vanilla RNN", VERMILION, "o"), ("lstm", "LSTM", BLUE, "s"))


def _confidence_text(p):
    conf = p.get("confidence")
    try:
        conf = float(conf)
    except (TypeError, ValueError):
        return "Wilson intervals, confidence not recorded"
    return f"{100 * conf:.3g} % Wilson intervals"


def _seed_intervals(p, block, acc):
    """Per-seed (low, high) interval tables: recorded ones, else Wilson from ``n_test``.

    ``block`` is ``per_seed[model]``; ``acc`` its accuracy table (distances × seeds).
    Without recorded intervals, the interval of each seed's accuracy on its ``n_test`` test
    sequences is :func:`scipy.stats.binomtest`'s Wilson interval at the payload's confidence.
    Returns None when neither is available.
    """
    if isinstance(block, dict) and block.get("ci_low") is not None and block.get("ci_high") is not None:
        return _table(block, "ci_low", acc.shape[0]), _table(block, "ci_high", acc.shape[0])
    config = p.get("config") if isinstance(p.get("config"), dict) else {}
    n_test, conf = p.get("n_test", config.get("n_test")), p.get("confidence")
    if not isinstance(n_test, int) or n_test <= 0 or not isinstance(conf, float) or not 0 < conf < 1:
        return None
    from scipy.stats import binomtest

    lo, hi = np.full(acc.shape, np.nan), np.full(acc.shape, np.nan)
    for (i, j), a in np.ndenumerate(acc):
        if np.isfinite(a) and 0 <= a <= 1:
            ci = binomtest(round(a * n_test), n_test).proportion_ci(confidence_level=conf, method="wilson")
            lo[i, j], hi[i, j] = ci.low, ci.high
    return lo, hi


def _draw_accuracy_per_seed(ax, p, d):
    """Each seed's accuracy as a point with its interval, models side by side at each D.

    Returns one legend handle per model drawn: (points with intervals, mean line).
    """
    span = float(np.ptp(d)) if d.size > 1 else 1.0
    gap = float(np.min(np.diff(np.unique(d)))) if d.size > 1 else 1.0
    unit = min(gap, 0.08 * span)  # half the room one D gives the seeds of both models
    handles = {}
    for side, (key, label, colour, marker) in zip((-1, 1), MODELS):
        block = (p.get("per_seed") or {}).get(key)
        if block is None:
            continue
        acc = _table(block, "accuracy", d.size)
        seeds = acc.shape[1]
        x = d[:, None] + side * unit * (0.1 + 0.3 * (np.arange(seeds) + 0.5) / seeds)[None, :]
        intervals = _seed_intervals(p, block, acc)
        yerr = None if intervals is None else np.abs(np.stack([acc - intervals[0], intervals[1] - acc])).reshape(2, -1)
        points = ax.errorbar(x.ravel(), acc.ravel(), yerr=yerr, fmt=marker, color=colour, markersize=4,
                             capsize=0, elinewidth=1.2, markerfacecolor="white")
        (mean,) = ax.plot(d, np.nanmean(acc, axis=1), "-", color=colour, linewidth=1.2, alpha=0.8)
        handles[label] = (points, mean)
    return handles


def _draw_accuracy_pooled(ax, p, d):
    """The pooled accuracy as a line with its interval as a band; one legend handle per model."""
    handles = {}
    for key, label, colour, marker in MODELS:
        block = p.get(key)
        if block is None:
            continue
        mean = _arr(block, "mean", d.size)
        lo = _arr(block, "ci_low", d.size, optional=True)
        hi = _arr(block, "ci_high", d.size, optional=True)
        (line,) = ax.plot(d, mean, "-" + marker, color=colour)
        handles[label] = line
        if lo is not None and hi is not None:
            handles[label] = (ax.fill_between(d, lo, hi, color=colour, alpha=0.2, linewidth=0), line)
    return handles


def draw_agreement(fig, p):
    """Accuracy vs distance and the subject's gradient norm (``agreement_accuracy``).

    With ``per_seed`` accuracies in the payload each seed is a point with its interval (a
    mean over seeds would hide a seed that learned), the line joining the seeds' means;
    otherwise the pooled accuracy is a line with its interval as a band. One legend under
    both panels states the interval's confidence. The panels are stacked on a page and side
    by side on a slide (a figure more than 1.6 times as wide as high).
    """
    d = _arr(p, "distances")
    wide = fig.get_figwidth() > 1.6 * fig.get_figheight()
    if wide:
        top, bottom = fig.subplots(1, 2)
    else:
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    per_seed = isinstance(p.get("per_seed"), dict) and any(k in p["per_seed"] for k, *_ in MODELS)
    handles = _draw_accuracy_per_seed(top, p, d) if per_seed else _draw_accuracy_pooled(top, p, d)
    if not handles:
        raise ValueError("neither 'rnn' nor 'lstm' accuracy is present")
    handles["chance (0.5)"] = top.axhline(0.5, linestyle=":", color=GREY)
    threshold = p.get("learned_threshold")
    if isinstance(threshold, (int, float)) and 0 < threshold < 1:
        handles[f"learned (≥ {threshold:g})"] = top.axhline(threshold, linestyle="--", color=GREEN, linewidth=1.2)
    top.set_ylabel("accuracy")
    top.set_ylim(0.0, 1.05)
    handles.update(_draw_subject_gradients(bottom, p, d))
    seeds = p.get("seeds")
    if per_seed:
        kind = (_plural(seeds, "seed") + ", each a point" if seeds else "each seed a point") + "; line: their mean"
    else:
        kind = "pooled over " + _plural(seeds, "seed") if seeds else "pooled"
    fig.legend(list(handles.values()), list(handles), loc="outside lower center", ncols=3,
               title=f"accuracy: {_confidence_text(p)}; {kind}")
    for ax in (top, bottom) if wide else (bottom,):
        ax.set_xlabel("distance D (tokens)" if wide else "distance D between subject and verb (tokens)")


def _draw_subject_gradients(ax, p, d):
    """The gradient reaching the subject, untrained (solid) and trained (dashed), log scale.

    Returns the legend handles of the two line styles (the colours are the accuracy's).
    """
    from matplotlib.lines import Line2D

    handles = {}
    for field, fmt, when in (("subject_grad", "-o", "untrained"), ("subject_grad_trained", "--s", "trained")):
        grads = p.get(field) or {}
        for key, _, colour, _ in MODELS:
            g = _arr(grads, key, d.size, optional=True)
            if g is not None and np.isfinite(_positive(g)).any():
                ax.plot(d, _positive(g), fmt, color=colour, markersize=4)
                label = f"gradient, {when}"
                handles.setdefault(label, Line2D([], [], color=GREY, linestyle=fmt[:-1], marker=fmt[-1], markersize=4))
    if ax.lines:
        ax.set_yscale("log")
    ax.set_ylabel(r"$\|\partial\,\mathrm{loss}/\partial x_{\mathrm{subject}}\|$")
    return handles


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
            g = _positive(_arr({"row": row}, "row", steps.size))
            if np.isfinite(g).any():
                ax.plot(steps, g, "-o", color=colours[i], markersize=3, label=f"D = {_fmt(d[i])}")
                drawn += 1
        ax.set_yscale("log")
        ax.set_title(label, loc="left")
        ax.set_xlabel("training step")
    if not drawn:
        raise ValueError("no positive gradient values to draw")
    left.set_ylabel(r"$\|\partial\,\mathrm{loss}/\partial x_{\mathrm{subject}}\|$")
    handles = {}
    for ax in (left, right):
        handles.update(zip(*reversed(ax.get_legend_handles_labels())))
    seeds = p.get("seeds")
    note = f"geometric mean over {_plural(seeds, 'seed')}; step 0: initialisation" if seeds else None
    fig.legend(list(handles.values()), list(handles), loc="outside lower center", ncols=min(len(handles), 4),
               title=note)


def _wall_lines(predicted):
    """(value, label, style) of each predicted line of the bifurcation figure.

    Three values are the bias window's saddle-node bifurcations around the basin boundary
    b* where the wall stands, as ``test_bifurcation`` records them: (b₋, b*, b₊).
    """
    values = [float(v) for v in predicted if np.isfinite(v)]
    if len(values) == 3:
        low, wall, high = values
        return [(wall, f"predicted wall: basin boundary b* = {_minus(f'{wall:.4g}')}", "--"),
                (low, "saddle-node bifurcations (edges of the bistable window)", ":"),
                (high, None, ":")]
    return [(v, f"predicted bifurcation b = {_minus(f'{v:.4g}')}", "--") for v in values]


def draw_bifurcation(fig, p):
    """log|∂loss/∂b| vs b with the predicted bifurcation points (``bifurcation_wall``).

    The wall is 1e-3 wide in b on a grid 4 wide, so a second panel magnifies it.
    """
    b = _arr(p, "b")
    g = _arr(p, "log_abs_grad", b.size)
    predicted = _arr(p, "predicted_b", optional=True)
    lines = _wall_lines(predicted) if predicted is not None else []
    from matplotlib.ticker import MaxNLocator

    full, zoom = fig.subplots(1, 2, width_ratios=[3, 2], sharey=True)
    full.plot(b, g, "-", color=BLACK, label=r"measured $\log|\partial\,\mathrm{loss}/\partial b|$")
    for value, label, ls in lines:
        full.axvline(value, linestyle=ls, color=VERMILION, linewidth=1.4, label=label)
    if not np.isfinite(g).any():
        raise ValueError("no finite gradient to draw")
    peak = int(np.nanargmax(g))
    walls = [value for value, label, _ in lines if label and label.startswith("predicted wall")]
    centre = walls[0] if walls else float(b[peak])
    half = 25 * float(np.min(np.abs(np.diff(b)))) if b.size > 1 else 1.0
    near = np.abs(b - centre) <= half
    zoom.plot((b[near] - centre) * 1e3, g[near], "-o", color=BLACK, markersize=3)
    for value, _, ls in lines:
        if abs(value - centre) <= half:
            zoom.axvline((value - centre) * 1e3, linestyle=ls, color=VERMILION, linewidth=1.4)
    zoom.set_xlim(-half * 1e3, half * 1e3)
    zoom.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True, symmetric=True))
    zoom.set_xlabel(f"(b − {'b*' if walls else _minus(_fmt(centre))}) × 1000")
    zoom.set_title("the wall, magnified", loc="right")
    full.set_title("the whole grid", loc="left")
    full.set_ylabel(r"$\log|\partial\,\mathrm{loss}/\partial b|$")
    full.set_xlabel(r"bias $b$")
    fig.legend(*full.get_legend_handles_labels(), loc="outside lower center", ncols=1)


FIGURES = (
    FigureSpec("lag_profile_example", "lag_profile",
               "The measured gradient norm lies between the lower and upper bounds at every lag",
               draw_lag_profile, size=style.TALL),
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
               draw_gated, size=style.TALL),
    FigureSpec("agreement_accuracy", "agreement_accuracy",
               "Agreement accuracy falls with subject–verb distance as the subject's gradient vanishes",
               draw_agreement, size=style.TALL,
               borrow=(("per_seed", "agreement_details"), ("confidence", "agreement_details"),
                       ("config", "agreement_details"))),
    FigureSpec("agreement_training", "agreement_training",
               "During training the RNN's gradient at the subject stays vanished; the LSTM's does not",
               draw_agreement_training),
    FigureSpec("bifurcation_wall", "bifurcation_wall",
               "Bifurcation wall: the gradient explodes where the dynamics bifurcate",
               draw_bifurcation, size=style.TALL),
)


def title_text(spec_title, claim_ids=()):
    """The heading of a figure: "Claim(s) IDs: " and the figure's title (one line, unwrapped)."""
    claim_ids = list(claim_ids)
    if not claim_ids:
        return spec_title
    return ("Claim " if len(claim_ids) == 1 else "Claims ") + ", ".join(claim_ids) + ": " + spec_title


def payload_for(spec, data):
    """``data[spec.key]`` with the fields ``spec.borrow`` names filled in from other keys.

    A borrowed field is taken only when the payload lacks it and, where both hold
    ``distances``, only when they are the same (the two records come from one run).
    """
    payload = data[spec.key]
    if not spec.borrow or not isinstance(payload, dict):
        return payload
    payload = dict(payload)
    for field, other_key in spec.borrow:
        other = data.get(other_key)
        if field in payload or not isinstance(other, dict) or field not in other:
            continue
        if other.get("distances", payload.get("distances")) != payload.get("distances"):
            continue
        payload[field] = other[field]
    return payload


@contextlib.contextmanager
def compose(spec, payload, claim_ids=(), *, titles=True):
    """The figure of ``spec`` drawn from ``payload``, in the package style, for one ``with`` block.

    Save it (:func:`theory.report.style.save`) or inspect it inside the block, where the
    style applies.

    Parameters
    ----------
    spec : FigureSpec
    payload : dict
        The recorded data (see :func:`payload_for`).
    claim_ids : sequence of str, optional
        The claims shown, for the heading.
    titles : bool, optional
        Draw the heading "Claim XX: …" at the figure's page size (default); ``False`` for
        slides: no heading (the frame has its own title), at :data:`~theory.report.style.SLIDE`.

    Yields
    ------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the payload is malformed (missing key, wrong length, not numeric).
    """
    with style.drawing(spec.size if titles else style.SLIDE) as fig:
        spec.draw(fig, payload)
        if titles:
            style.title(fig, title_text(spec.title, claim_ids))
        yield fig


def fingerprint(spec, payload, claim_ids=(), titles=True):
    """A hash of everything a drawing of ``spec`` depends on: equal inputs draw equal files."""
    text = canonical([spec.key, spec.name, spec.title, payload, list(claim_ids), bool(titles)])
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def draw_one(spec, payload, path_stem, claim_ids=(), *, titles=True, predrawn=None):
    """Draw one figure (:func:`compose`) and save it as ``path_stem.png`` and ``path_stem.svg``.

    Parameters
    ----------
    predrawn : dict, optional
        :func:`fingerprint` → ``{"png": bytes, "svg": bytes}`` of figures already drawn
        elsewhere (by :func:`theory.report.render.predraw` in an xdist worker); a figure found there is written,
        not drawn again.

    Returns
    -------
    list of Path
        The PNG and SVG paths.

    Raises
    ------
    ValueError
        If the payload is malformed (missing key, wrong length, not numeric); no file of
        the figure is left behind.
    """
    files = predrawn.get(fingerprint(spec, payload, claim_ids, titles)) if predrawn else None
    if files:
        paths = [Path(path_stem).with_suffix(f".{kind}") for kind in ("png", "svg")]
        for path in paths:
            path.write_bytes(files[path.suffix[1:]])
        return paths
    try:
        with compose(spec, payload, claim_ids, titles=titles) as fig:
            return style.save(fig, path_stem)
    except Exception:
        for suffix in (".png", ".svg"):
            Path(path_stem).with_suffix(suffix).unlink(missing_ok=True)
        raise


def draw_all(data, folder, claims_for_key=None, *, titles=True, predrawn=None):
    """Draw every figure whose data is present.

    Parameters
    ----------
    data : dict
        The ``"data"`` object of results.json.
    folder : Path
        Where the PNG and SVG files go (created if needed).
    claims_for_key : dict, optional
        Data key → claim IDs whose tests recorded it (for the titles).
    titles : bool, optional
        Head each figure with "Claim XX: …" (default); ``False`` draws them for slides,
        without the heading and at :data:`~theory.report.style.SLIDE` (the returned
        ``"title"`` is the same either way).
    predrawn : dict, optional
        Figures drawn already, as :func:`draw_one` takes them.

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
            draw_one(spec, payload_for(spec, data), folder / spec.name, ids, titles=titles,
                     predrawn=predrawn)
        except Exception as exc:  # noqa: BLE001 - one bad payload must not stop the report
            skipped[spec.key] = f"malformed payload: {type(exc).__name__}: {exc}"
            continue
        drawn[spec.key] = {"name": spec.name, "title": title_text(spec.title, ids),
                           "png": f"{spec.name}.png", "svg": f"{spec.name}.svg"}
    return drawn, skipped
