"""The answer page's figures (matplotlib), drawn next to the page by ``python -m theory.report.answer``.

Drawing only: every number plotted is read from the results' data payloads, as the page's
text reads them (:mod:`theory.report.answer`). Split from :mod:`theory.report.answer` on 2026-11-26;
``theory.report.answer.draw_figures`` still draws them.
"""

from __future__ import annotations

from pathlib import Path

from .answer import FIGURES, _data, _finite, _fmt, _get, _pct

__all__ = ["draw_figures"]


def draw_figures(results, directory):
    """The drawing behind :func:`theory.report.answer.draw_figures` (parameters and return value there)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = _data(results)
    drawn = {}

    acc = data.get("agreement_accuracy")
    if isinstance(acc, dict) and acc.get("distances"):
        conf = _get(data, "agreement_details", "confidence")
        fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(6.4, 6.0),
                                          gridspec_kw={"height_ratios": [3, 2]})
        d = acc["distances"]
        for kind, label, colour in (("rnn", "vanilla RNN (tanh)", "#D55E00"), ("lstm", "LSTM", "#0072B2")):
            block = acc.get(kind) or {}
            if block.get("mean"):
                top.plot(d, block["mean"], "-o", color=colour, label=label)
                if block.get("ci_low") and block.get("ci_high"):
                    top.fill_between(d, block["ci_low"], block["ci_high"], color=colour, alpha=0.2)
            for key, style in (("subject_grad", "-o"), ("subject_grad_trained", ":s")):
                g = _get(acc, key, kind)
                if g:
                    bottom.semilogy(d, [v if v and v > 0 else float("nan") for v in g], style,
                                    color=colour, label=f"{label}, {'init' if key == 'subject_grad' else 'trained'}")
        top.axhline(0.5, ls=":", color="#666666", label="chance")
        top.set_ylim(0.0, 1.05)
        top.set_ylabel("accuracy (verb agreement)")
        top.legend(loc="lower left", fontsize=8,
                   title=(f"pooled over {acc.get('seeds')} seed(s), "
                          f"{_pct(conf) if conf else ''} Wilson interval"), title_fontsize=8)
        bottom.set_ylabel("‖∂L/∂x_subject‖")
        bottom.set_xlabel("distance D (filler tokens between subject and verb)")
        bottom.legend(fontsize=7, loc="lower left")
        drawn["agreement"] = _save(fig, directory, "agreement")

    training = data.get("agreement_training")
    if isinstance(training, dict) and training.get("steps") and training.get("distances"):
        fig, axes = plt.subplots(1, 2, sharey=True, figsize=(9, 4))
        colours = plt.get_cmap("viridis")([i / max(len(training["distances"]) - 1, 1) * 0.9
                                           for i in range(len(training["distances"]))])
        for ax, kind, label in zip(axes, ("rnn", "lstm"), ("vanilla RNN (tanh)", "LSTM")):
            for i, D in enumerate(training["distances"]):
                row = _get(training, kind, i) or []
                ax.semilogy(training["steps"][:len(row)],
                            [v if _finite(v) and v > 0 else float("nan") for v in row],
                            "-o", ms=2.5, color=colours[i], label=f"D = {D}")
            ax.set_title(label, fontsize=10)
            ax.set_xlabel("training step")
        axes[0].set_ylabel("‖∂L/∂x_subject‖")
        axes[1].legend(fontsize=7, ncols=2)
        drawn["training"] = _save(fig, directory, "training")

    lag = data.get("bptt_lag_shares")
    if isinstance(lag, dict) and lag.get("lags"):
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4))
        cases = [(lag, f"at init, γ‖W‖₂ = {_fmt(lag.get('q'))}", "black", "#D55E00")]
        if isinstance(lag.get("rescaled"), dict) and lag["rescaled"].get("lags"):
            r = lag["rescaled"]
            cases.append((r, f"W rescaled, γ‖W‖₂ = {_fmt(r.get('q'))}", "#009E73", "#CC79A7"))
        for case, label, colour, bcolour in cases:
            lags = case["lags"]
            ax.plot(lags, case["log10_term_norms"], "o-", color=colour, ms=3, label=f"measured, {label}")
            ax.plot(lags, case["log10_bound"], "--", color=bcolour, label=f"bound C(γ‖W‖₂)^ℓ, {label}")
            ax2.plot(lags, case["tail_share"], "o-", color=colour, ms=3, label=f"measured, {label}")
            ax2.plot(lags, case["tail_share_bound"], "--", color=bcolour, label=f"predicted ceiling, {label}")
        ax.set_xlabel("lag ℓ = T − k")
        ax.set_ylabel("log10 ‖G_{T−ℓ}‖_F")
        ax.set_ylim(bottom=max(ax.get_ylim()[0], -25))
        ax.legend(fontsize=7)
        ax.set_title(f"terms of ∂L_T/∂W, agreement RNN, D = {lag.get('distance')}", fontsize=9)
        ax2.set_xlabel("cut-off L")
        ax2.set_ylabel("share of gradient mass from lags > L")
        ax2.set_ylim(-0.02, 1.02)
        ax2.legend(fontsize=7)
        drawn["lag_terms"] = _save(fig, directory, "lag_terms")

    sens = data.get("input_sensitivity")
    if isinstance(sens, dict) and sens.get("lags"):
        fig, ax = plt.subplots(figsize=(7, 4.5))
        cases = [(sens, f"at init, γ‖W‖₂ = {_fmt(sens.get('gamma_norm_W'))}", "black", "#D55E00")]
        if isinstance(sens.get("rescaled"), dict) and sens["rescaled"].get("lags"):
            r = sens["rescaled"]
            cases.append((r, f"W rescaled, γ‖W‖₂ = {_fmt(r.get('gamma_norm_W'))}", "#009E73", "#CC79A7"))
        for case, label, colour, bcolour in cases:
            lags = case["lags"]
            ax.plot(lags, case["log10_measured"], "o-", color=colour, ms=3, label=f"measured ‖∂L_T/∂x_k‖, {label}")
            ax.plot(lags, case["log10_bound"], "--", color=bcolour, label=f"bound ‖g_T‖γ‖U‖(γ‖W‖)^ℓ, {label}")
            if case.get("log10_rho_reference"):
                ax.plot(lags, case["log10_rho_reference"], ":", color=colour, alpha=0.7,
                        label=f"slope of ρ(W)^ℓ (LIN3 reference, not a bound), {label}")
        ax.set_xlabel("lag ℓ = T − k (the subject is at ℓ = D + 1)")
        ax.set_ylabel("log10 norm")
        ax.set_title(f"sensitivity of the verb's loss to the input at step k, D = {sens.get('distance')}", fontsize=9)
        ax.legend(fontsize=6.5)
        drawn["input_sensitivity"] = _save(fig, directory, "input_sensitivity")
    return drawn


def _save(fig, directory, key):
    """Save one answer-page figure as ``<FIGURES[key]>.png`` and close it; returns the name."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    name = FIGURES[key] + ".png"
    fig.savefig(Path(directory) / name, dpi=120)
    plt.close(fig)
    return name
