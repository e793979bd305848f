"""The answer page's figures, drawn next to the page (``python -m theory.report --answer``).

Drawing only: every number plotted is read from the results' data payloads, as the page's
text reads them. The agreement figures are the report's own (:mod:`theory.report.figures`);
the two figures of the per-lag terms are drawn here. Style, sizes and saving (PNG and SVG)
come from :mod:`theory.report.style`; only the object API of matplotlib is used, so the
caller's backend and pyplot state are left as they are.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from dataclasses import replace
from pathlib import Path

from . import figures, style
from .style import BLACK, GREEN, GREY

__all__ = ["FIGURES", "available", "compose", "draw_figures", "jobs"]

#: Figure key → file stem, as :data:`theory.report.answer.FIGURES` (the page links these
#: names; this module does not import the page).
FIGURES = {
    "agreement": "motivating_agreement_accuracy",
    "lag_terms": "motivating_lag_terms",
    "input_sensitivity": "motivating_input_sensitivity",
    "training": "motivating_agreement_training",
}


# The two network cases of the per-lag figures, one colour each: the agreement RNN as
# initialised, and the same RNN with W rescaled so that γ‖W‖₂ < 1.
_AT_INIT = ("at init", BLACK)
_RESCALED = ("W rescaled", GREEN)


def _payload(results, key):
    """``results["data"][key]`` if it is a non-empty object, else None."""
    data = results.get("data") if isinstance(results, dict) else None
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) and value else None


def _fmt(x, digits=3):
    """A number for a label: 3 significant digits, "?" when it is missing or not finite."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return "?"
    return f"{x:.{digits}g}"


def _cases(payload, norm_key):
    """[(case, label, colour)]: the payload and its rescaled variant."""
    cases = [(payload, f"{_AT_INIT[0]}, γ‖W‖₂ = {_fmt(payload.get(norm_key))}", _AT_INIT[1])]
    rescaled = payload.get("rescaled")
    if isinstance(rescaled, dict) and rescaled.get("lags"):
        cases.append((rescaled, f"{_RESCALED[0]}, γ‖W‖₂ = {_fmt(rescaled.get(norm_key))}", _RESCALED[1]))
    return cases


def _case_legend(fig, cases, styles, title=None):
    """One figure legend: a colour per case and a line style per kind of curve."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=colour, linewidth=3) for _, _, colour in cases]
    labels = [label for _, label, _ in cases]
    for label, kwargs in styles:
        handles.append(Line2D([], [], color=GREY, **kwargs))
        labels.append(label)
    fig.legend(handles, labels, loc="outside lower center", ncols=2, title=title)


def draw_lag_terms(fig, lag):
    """The per-lag terms of ∂L_T/∂W against their bound (left) and the tail share (right)."""
    left, right = fig.subplots(1, 2)
    cases = _cases(lag, "q")
    for case, _, colour in cases:
        lags = figures._arr(case, "lags")
        left.plot(lags, figures._arr(case, "log10_term_norms", lags.size), "o-", color=colour, markersize=3)
        left.plot(lags, figures._arr(case, "log10_bound", lags.size), "--", color=colour)
        right.plot(lags, figures._arr(case, "tail_share", lags.size), "o-", color=colour, markersize=3)
        right.plot(lags, figures._arr(case, "tail_share_bound", lags.size), "--", color=colour)
    left.set_xlabel(r"lag $\ell = T - k$")
    left.set_ylabel(r"$\log_{10}\|G_{T-\ell}\|_F$")
    left.set_ylim(bottom=max(left.get_ylim()[0], -25))
    left.set_title(r"terms $G_{T-\ell}$ of $\partial L_T/\partial W$", loc="left")
    right.set_xlabel("cut-off L")
    right.set_ylabel("share of the mass")
    right.set_ylim(-0.02, 1.02)
    right.set_title("mass from lags > L", loc="left")
    title = f"agreement RNN, D = {_fmt(lag['distance'])}" if lag.get("distance") is not None else None
    _case_legend(fig, cases, [("measured", {"marker": "o", "markersize": 3}),
                              (r"bound $C(\gamma\|W\|_2)^\ell$; predicted ceiling", {"linestyle": "--"})], title)


def draw_input_sensitivity(fig, sens):
    """‖∂L_T/∂x_k‖ against the lag with its bound and the slope of ρ(W)^ℓ for reference."""
    ax = fig.add_subplot()
    cases = _cases(sens, "gamma_norm_W")
    reference = False
    for case, _, colour in cases:
        lags = figures._arr(case, "lags")
        ax.plot(lags, figures._arr(case, "log10_measured", lags.size), "o-", color=colour, markersize=3)
        ax.plot(lags, figures._arr(case, "log10_bound", lags.size), "--", color=colour)
        if case.get("log10_rho_reference"):
            ax.plot(lags, figures._arr(case, "log10_rho_reference", lags.size), ":", color=colour, linewidth=1.6)
            reference = True
    ax.set_xlabel(r"lag $\ell = T - k$ (the subject is at $\ell = D + 1$)")
    ax.set_ylabel(r"$\log_{10}\|\partial L_T/\partial x_k\|$")
    styles = [(r"measured $\|\partial L_T/\partial x_k\|$", {"marker": "o", "markersize": 3}),
              (r"bound $\|g_T\|\,\gamma\|U\|_2(\gamma\|W\|_2)^\ell$", {"linestyle": "--"})]
    if reference:
        styles.append((r"slope of $\rho(W)^\ell$ (reference, not a bound)", {"linestyle": ":"}))
    _case_legend(fig, cases, styles)
    if sens.get("distance") is not None:
        style.subtitle(ax, f"sensitivity of the verb's loss to the input at step k, D = {_fmt(sens['distance'])}")


def _page_spec(report_key, page_key, title=None):
    """The report's figure of ``report_key`` under the page's file name (and its own title)."""
    spec = next(s for s in figures.FIGURES if s.key == report_key)
    return replace(spec, name=FIGURES[page_key], title=title or spec.title)


#: key → (the figure, the claim IDs its heading names).
_SPECS = {
    "agreement": (_page_spec("agreement_accuracy", "agreement", "Accuracy falls with subject–verb distance "
                             "as the gradient reaching the subject vanishes"), ("Q7", "Q8", "Q10")),
    "lag_terms": (figures.FigureSpec("bptt_lag_shares", FIGURES["lag_terms"],
                                     "The per-lag terms of the weight gradient shrink with the lag, below their bound",
                                     draw_lag_terms, size=style.TALL), ("Q5",)),
    "input_sensitivity": (figures.FigureSpec("input_sensitivity", FIGURES["input_sensitivity"],
                                             "The verb's loss is least sensitive to the earliest inputs, within the bound",
                                             draw_input_sensitivity, size=style.TALL), ("Q6",)),
    "training": (_page_spec("agreement_training", "training"), ("Q11",)),
}


def _ready(key, payload):
    """Whether ``payload`` holds what figure ``key`` needs at the least (else it is not drawn)."""
    if key == "agreement":
        return bool(payload.get("distances"))
    if key == "training":
        return bool(payload.get("steps")) and bool(payload.get("distances"))
    return bool(payload.get("lags"))


def available(results):
    """The keys of :data:`FIGURES` whose data ``results`` holds, in drawing order."""
    keys = []
    for key, (spec, _) in _SPECS.items():
        payload = _payload(results, spec.key)
        if payload is not None and _ready(key, payload):
            keys.append(key)
    return keys


def _checked(key, results):
    """(spec, payload, claim IDs) of figure ``key``; ``ValueError`` when ``results`` has no data for it."""
    if key not in available(results):
        raise ValueError(f"no data for the answer figure {key!r}")
    spec, claim_ids = _SPECS[key]
    return spec, figures.payload_for(spec, results["data"]), claim_ids


@contextlib.contextmanager
def compose(key, results, *, titles=True):
    """Figure ``key`` of the page drawn from ``results``, in the package style, for one ``with`` block.

    Parameters
    ----------
    key : str
        One of :func:`available`'s keys.
    results : dict
    titles : bool, optional
        Head the figure with its claims and statement at its page size (default); ``False``
        for slides: no heading, at :data:`~theory.report.style.SLIDE`.

    Yields
    ------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``key`` has no data in ``results`` or its payload is malformed.
    """
    spec, payload, claim_ids = _checked(key, results)
    with figures.compose(spec, payload, claim_ids, titles=titles) as fig:
        yield fig


def jobs(results):
    """``(key, spec, payload, claim IDs)`` of each figure the page draws from ``results``."""
    return [(key, *_checked(key, results)) for key in available(results)]


def draw_figures(results, directory, *, titles=True, predrawn=None):
    """Draw the page's figures that have data into ``directory``; return key → file name.

    Parameters
    ----------
    results : dict
        A results document (its ``"data"`` payloads are read).
    directory : str or Path
        Where the PNG and SVG files go (created if needed).
    titles : bool, optional
        Head each figure with its claims and statement (default); ``False`` draws them for
        slides, without the heading and at :data:`~theory.report.style.SLIDE`.
    predrawn : dict, optional
        Figures drawn already, as :func:`theory.report.figures.draw_one` takes them.

    Returns
    -------
    dict
        ``{"agreement" | "lag_terms" | "input_sensitivity" | "training": "<name>.png"}``
        for the figures drawn; the SVG of each lies next to its PNG. A figure whose payload
        is malformed is left out with a :class:`UserWarning` that says why.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    drawn = {}
    for key, spec, payload, claim_ids in jobs(results):
        try:
            figures.draw_one(spec, payload, directory / spec.name, claim_ids, titles=titles,
                             predrawn=predrawn)
        except Exception as exc:  # noqa: BLE001 - one bad payload must not stop the page
            warnings.warn(f"answer figure {key!r} not drawn: malformed {spec.key!r} payload: {exc}",
                          stacklevel=2)
            continue
        drawn[key] = f"{spec.name}.png"
    return drawn
