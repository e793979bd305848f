"""The answer page to the motivating question, rendered from a test run's results.json.

The learner's question: in "The cat, which was gray, and happy, and small, …, was hungry"
against "The cats, which were gray, …, were hungry", why does a plain RNN fail to carry the
subject's number to the verb? The page answers the learner's reasoning point by point:
verdict, explanation, the claim and test that verify it, the measured number and a figure.
Every number is read from the results (``theory.report.evidence.record_data`` payloads and the
claims' evidence); nothing measured is typed in here. Missing data prints
"not measured in this run".

Usage::

    python -m theory.report.answer reports/results.json [out.md] [--also OTHER_RESULTS.json ...]

writes the page (default: print it) and, next to ``out.md``, its figures under
``figures/``. ``--also`` merges further runs (e.g. the ``-m slow`` run): a test that passed
in any run counts as passed, and their data payloads replace the first run's.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

__all__ = ["render", "merge_results", "draw_figures", "main", "NOT_MEASURED"]

NOT_MEASURED = "not measured in this run"
FIGURES = {
    "agreement": "motivating_agreement_accuracy",
    "lag_terms": "motivating_lag_terms",
    "input_sensitivity": "motivating_input_sensitivity",
    "training": "motivating_agreement_training",
}


# --------------------------------------------------------------------------------------
# Reading results
# --------------------------------------------------------------------------------------


def _claims(results):
    claims = results.get("claims") or {}
    if isinstance(claims, list):
        return {c.get("id"): c for c in claims if isinstance(c, dict)}
    return dict(claims) if isinstance(claims, dict) else {}


def _data(results):
    data = results.get("data") or {}
    return data if isinstance(data, dict) else {}


def _get(d, *path):
    for key in path:
        if isinstance(d, dict) and key in d:
            d = d[key]
        elif isinstance(d, list) and isinstance(key, int) and -len(d) <= key < len(d):
            d = d[key]
        else:
            return None
    return d


def _finite(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _fmt(x, digits=3):
    if not _finite(x):
        return NOT_MEASURED if x is None else str(x)
    if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e5):
        return f"{x:.{max(digits - 1, 1)}e}"
    return f"{x:.{digits}g}"


def _pct(x):
    return f"{100 * x:.1f} %" if _finite(x) else NOT_MEASURED


def _status_line(claims, ids):
    parts = []
    for cid in ids:
        c = claims.get(cid)
        if c is None:
            parts.append(f"**{cid}**: {NOT_MEASURED}")
            continue
        status = c.get("status", "unknown")
        tests = c.get("tests") or c.get("registry_tests") or []
        names = []
        for t in tests:
            if isinstance(t, dict):
                names.append(f"`{t.get('nodeid')}` ({t.get('outcome', '?')})")
            else:
                names.append(f"`{t}`")
        ex = c.get("examples")
        extra = []
        if _finite(ex) and ex:
            extra.append(f"{int(ex)} examples, {int(c.get('violations') or 0)} violations")
        wt = c.get("worst_tightness")
        if _finite(wt):
            extra.append(f"worst tightness {_fmt(wt)}")
        extra_text = f"; {', '.join(extra)}" if extra else ""
        parts.append(f"**{cid}** — {status}{extra_text}. Test(s): {', '.join(names) or NOT_MEASURED}")
    return "\n".join(f"- {p}" for p in parts)


# --------------------------------------------------------------------------------------
# Merging runs
# --------------------------------------------------------------------------------------

_RANK = {"failed": 4, "error": 4, "passed": 3, "xfailed": 2, "skipped": 1, "deselected": 0,
         "not run": 0}


def merge_results(base, *others):
    """Merge several results documents: data from later runs wins, best test outcome wins.

    A claim's linked test counts as passed if it passed in any run, and as failed if it
    failed in any run (failure wins). The claim's status is recomputed: "failed" if a test
    failed, "verified" if every linked test passed, otherwise "not verified". Evidence
    (examples, violations, worst tightness) is taken from the run with the most examples.

    Parameters
    ----------
    base : dict
    others : dict

    Returns
    -------
    dict
        A new document with "claims" as a list and "data" merged.

    Examples
    --------
    >>> a = {"claims": [{"id": "Q7", "tests": [{"nodeid": "t", "outcome": "deselected"}]}], "data": {}}
    >>> b = {"claims": [{"id": "Q7", "tests": [{"nodeid": "t", "outcome": "passed"}]}], "data": {"k": 1}}
    >>> m = merge_results(a, b)
    >>> m["claims"][0]["status"], m["data"]["k"]
    ('verified', 1)
    """
    docs = [base, *others]
    data = {}
    for d in docs:
        data.update(_data(d))
    ids = []
    for d in docs:
        for cid in _claims(d):
            if cid not in ids:
                ids.append(cid)
    merged_claims = []
    for cid in ids:
        versions = [_claims(d)[cid] for d in docs if cid in _claims(d)]
        claim = dict(max(versions, key=lambda c: c.get("examples") or 0))
        outcomes = {}
        for v in versions:
            for t in v.get("tests") or []:
                if not isinstance(t, dict):
                    continue
                node, outcome = t.get("nodeid"), t.get("outcome", "not run")
                old = outcomes.get(node)
                if old is None or _RANK.get(outcome, 0) > _RANK.get(old.get("outcome"), 0):
                    outcomes[node] = t
        if outcomes:
            claim["tests"] = list(outcomes.values())
            results = [t.get("outcome") for t in claim["tests"]]
            if any(r in ("failed", "error") for r in results):
                claim["status"] = "failed"
            elif all(r == "passed" for r in results):
                claim["status"] = "verified"
            else:
                claim["status"] = "not verified"
            claim["status_reason"] = "merged over runs: " + ", ".join(
                f"{t.get('nodeid')}: {t.get('outcome')}" for t in claim["tests"]
            )
        merged_claims.append(claim)
    out = dict(base)
    out["claims"] = merged_claims
    out["data"] = data
    return out


# --------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------


def _figure(figures, key, caption):
    path = (figures or {}).get(key)
    if not path:
        return ""
    return f"\n![{caption}]({path})\n\n*Figure: {caption}*\n"


def _training_paragraph(training, acc=None):
    """What the subject gradient did during training, at the largest recorded distance."""
    steps, distances = training.get("steps"), training.get("distances")
    if not steps or not distances:
        return f"The gradient reaching the subject during training: {NOT_MEASURED}.\n"
    i, D = len(distances) - 1, distances[-1]

    def decades(kind):
        values = [v for v in (_get(training, kind, i) or []) if _finite(v) and v > 0]
        return [math.log10(v) for v in values] if len(values) == len(steps) else None

    rnn, lstm = decades("rnn"), decades("lstm")
    if rnn is None or lstm is None:
        return f"The gradient reaching the subject during training at D = {D}: {NOT_MEASURED}.\n"
    gaps = [b - a for a, b in zip(rnn, lstm)]
    worst = min(range(len(gaps)), key=gaps.__getitem__)
    verdict = ("It does not." if gaps[worst] >= 3 else
               "In this run the gap to the LSTM did narrow below 3 decades (Q11's margin).")
    return (
        "One could object that initialisation is not the whole story: training changes W, and "
        f"might lift the gradient. {verdict} The gradient reaching the subject was measured "
        f"every {steps[1] - steps[0] if len(steps) > 1 else '?'} of {steps[-1]} training steps "
        f"(geometric mean over {training.get('seeds', '?')} seed(s)). At D = {D} the RNN's stays "
        f"between 10^{_fmt(min(rnn), 3)} and 10^{_fmt(max(rnn), 3)} throughout, while the LSTM's "
        f"stays between 10^{_fmt(min(lstm), 3)} and 10^{_fmt(max(lstm), 3)}. The smallest "
        f"gap, at step {steps[worst]}, is {_fmt(gaps[worst], 3)} decades. Gradient descent on the "
        "RNN receives, at every step, a signal about the subject at least that much weaker than "
        "the LSTM's, swamped inside the shared gradient by the short-lag terms (point 5): there "
        "is almost nothing for it to follow." + _narrow_gaps(training, steps, distances, acc) + "\n"
    )


def _narrow_gaps(training, steps, distances, acc):
    """A sentence on the shorter distances where the RNN has not learned the agreement (upper
    Wilson end ≤ 0.75) and yet its gap to the LSTM fell below 3 decades at some step."""
    narrow = []
    acc_distances = (acc or {}).get("distances") or []
    for i, D in enumerate(distances[:-1]):
        j = acc_distances.index(D) if D in acc_distances else None
        high = _get(acc, "rnn", "ci_high", j) if j is not None else None
        if not (_finite(high) and high <= 0.75):
            continue  # the RNN learned here (or it is not known): no vanishing to speak of
        rnn, lstm = _get(training, "rnn", i) or [], _get(training, "lstm", i) or []
        gaps = [(math.log10(b) - math.log10(a), step) for a, b, step in zip(rnn, lstm, steps)
                if _finite(a) and _finite(b) and a > 0 and b > 0]
        if gaps and min(gaps)[0] < 3:
            narrow.append(f"D = {D} (smallest gap {_fmt(min(gaps)[0], 2)} decades, at step {min(gaps)[1]})")
    if not narrow:
        return ""
    return (
        " At shorter distances where the RNN also failed the comparison is less clean: "
        + ", ".join(narrow) + ". There the RNN's own gradient is larger, and the LSTM, once it "
        "has fitted the task, carries a small loss and hence a small gradient of its own; the "
        "claim (Q11) is about the longest distance."
    )


def _agreement_table(acc, conf):
    if not isinstance(acc, dict) or not acc.get("distances"):
        return NOT_MEASURED
    lines = [
        f"| D | RNN accuracy [{_pct(conf) if conf else 'CI'} Wilson] | LSTM accuracy | "
        "‖∂L/∂x_subject‖ at init, RNN | at init, LSTM | after training, RNN | after training, LSTM |",
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    for i, D in enumerate(acc["distances"]):
        cells = [str(D)]
        for kind in ("rnn", "lstm"):
            m, lo, hi = (_get(acc, kind, k, i) for k in ("mean", "ci_low", "ci_high"))
            cells.append(f"{_fmt(m)} [{_fmt(lo)}, {_fmt(hi)}]" if _finite(m) else NOT_MEASURED)
        for key in ("subject_grad", "subject_grad_trained"):
            for kind in ("rnn", "lstm"):
                cells.append(_fmt(_get(acc, key, kind, i), 2))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _outcome_sentence(acc, learned=0.9, chance_high=0.75):
    """Describe the measured outcome of the agreement experiment from the intervals."""
    if not isinstance(acc, dict) or not acc.get("distances"):
        return NOT_MEASURED
    out = []
    for kind, name in (("rnn", "the vanilla RNN"), ("lstm", "the LSTM")):
        ok = [D for i, D in enumerate(acc["distances"]) if (_get(acc, kind, "ci_low", i) or 0) >= learned]
        bad = [D for i, D in enumerate(acc["distances"])
               if _finite(_get(acc, kind, "ci_high", i)) and _get(acc, kind, "ci_high", i) <= chance_high]
        out.append(
            f"{name} has learned the agreement (99 % Wilson lower end ≥ {learned}) at D ∈ "
            f"{{{', '.join(map(str, ok)) or '–'}}} and is near chance (upper end ≤ {chance_high}) "
            f"at D ∈ {{{', '.join(map(str, bad)) or '–'}}}"
        )
    return "; ".join(out) + "."


def render(results, figures=None):
    """The Markdown answer page for a results.json document.

    Parameters
    ----------
    results : dict
        A results document: ``"claims"`` (a list of claim records with ``"id"``, or a dict
        keyed by ID) with ``"status"``, ``"tests"``, ``"examples"``, ``"violations"``,
        ``"worst_tightness"``; and ``"data"``, the ``record_data`` payloads. Missing keys
        are reported as "not measured in this run".
    figures : dict, optional
        Figure key (``"agreement"``, ``"lag_terms"``, ``"input_sensitivity"``,
        ``"training"``) → path to link. Default: the report's own
        ``figures/agreement_accuracy.png`` and ``figures/agreement_training.png`` where their
        payloads exist.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``results`` is not a dict.

    Examples
    --------
    >>> page = render({})
    >>> page.startswith("# Why can't a plain RNN")
    True
    >>> "not measured in this run" in page
    True
    """
    if not isinstance(results, dict):
        raise ValueError(f"results must be a dict (a parsed results.json), got {type(results).__name__}")
    claims, data = _claims(results), _data(results)
    if figures is None:
        figures = {}
        for key, data_key in (("agreement", "agreement_accuracy"), ("training", "agreement_training")):
            if data_key in data:
                figures[key] = f"figures/{data_key}.png"
    share = data.get("weight_sharing") or {}
    roles = data.get("two_roles") or {}
    sums = data.get("bptt_sum_rule") or {}
    lag = data.get("bptt_lag_shares") or {}
    sens = data.get("input_sensitivity") or {}
    sens_trained = data.get("input_sensitivity_trained") or []
    acc = data.get("agreement_accuracy") or {}
    details = data.get("agreement_details") or {}
    lr = data.get("agreement_lr_sensitivity") or {}
    training = data.get("agreement_training") or {}
    conf = details.get("confidence")
    cfg = details.get("config") or {}
    run = results.get("run") or {}
    prov = results.get("provenance") or {}

    P = []
    add = P.append
    add("# Why can't a plain RNN carry *cat* / *cats* to *was* / *were*?\n")
    add(
        "*The motivating question of this project, answered point by point from a test run. "
        "Every number below is read from the run's `results.json` (payloads recorded by the "
        "tests with `theory.report.evidence.record_data`, and the claims' evidence); none is typed by "
        "hand. Regenerate: run the tests (the default run writes `reports/results.json`; "
        "`pytest -m slow tests/test_agreement.py` writes `reports/experiments/agreement_full.json`), then "
        "`python -m theory.report.answer reports/results.json docs/motivating-question.md --also "
        "reports/experiments/agreement_full.json`.*\n"
    )
    commit = _get(prov, "git", "short")
    if commit or run:
        add(f"Run: commit `{commit or '?'}`, status {run.get('status', '?')}, scope "
            f"{run.get('scope', '?')}.\n")
    if results.get("sources"):
        add("Results merged from: " + ", ".join(f"`{p}`" for p in results["sources"]) + ".\n")
    add(
        "Notation as in the theory module: h_t = φ(a_t), a_t = W h_{t−1} + U x_t + b, readout "
        "V h_t + c, loss L_t at step t, g_t = ∂L_t/∂h_t, J(t,k) = ∂h_t/∂h_k, lag ℓ = t − k, "
        "γ = sup|φ'| (γ = 1 for tanh). The learner compares *The cat, which was gray, and "
        "happy, and small, …, was hungry* with *The cats, which were gray, …, were hungry*: the "
        "verb must agree with a subject D words back.\n"
    )

    # 1
    add("## 1. “An RNN has three weight sets shared across time steps: input (U), context (W) and output (V).”\n")
    add("**Verdict: right.** (Plus biases.)\n")
    add(
        "A vanilla RNN is one cell applied at every step: the same U maps the word into the "
        "state, the same W carries the previous state forward, and the same V reads the state "
        "out. Nothing in the parameters depends on the sentence length. The test loads random "
        "weights into a real `torch.nn.RNN`, checks that its only parameters are "
        "`weight_ih_l0` (U), `weight_hh_l0` (W) and two biases (only their sum b matters), and "
        "that the fused multi-step module gives the same states as one `torch.nn.RNNCell` "
        "applied T times.\n"
    )
    add(f"Measured: largest difference between the fused module and the shared cell "
        f"{_fmt(share.get('max_abs_difference'))} (n = {share.get('n', '?')}, T = "
        f"{share.get('T', '?')}, {share.get('parameters', '?')} parameters for any T).\n")
    add(_status_line(claims, ["Q1"]) + "\n")

    # 2
    add("## 2. “The input and context weights serve two roles: predicting the output at this step, and packaging information for later steps.”\n")
    add("**Verdict: right.**\n")
    add(
        "Untie the weights: give step k its own copy U_k, W_k. Then the gradient of the total "
        "loss on U_k is ∂L_k/∂U_k (the role *predict now*) plus Σ_{t>k} ∂L_t/∂U_k (the role "
        "*package for later*). Both are non-zero in general; a weight used at step k never "
        "affects an earlier loss (∂L_t/∂U_k = 0 exactly for t < k); and the output weights "
        "have only the first role: ∂L_t/∂V_k = 0 exactly for t ≠ k. In the agreement task the "
        "subject's step has no loss of its own, so what U learns there comes *only* from the "
        "packaging role — through the lag-(D+1) term that point 5 shows is tiny.\n"
    )
    add(f"Measured: median share of ‖∂(Σ_t L_t)/∂U_k‖ that comes from later losses "
        f"(T = {roles.get('T', '?')}, n = {roles.get('n', '?')}, losses at every step): "
        f"{_pct(roles.get('median_later_share_U'))}.\n")
    add(_status_line(claims, ["Q2"]) + "\n")

    # 3
    add("## 3. “Backpropagation happens once, separately, for each word.”\n")
    add("**Verdict: right with a correction.**\n")
    add(
        "What is true: the gradient of the summed loss is the sum of the per-word gradients, "
        "∇(Σ_t L_t) = Σ_t ∇L_t, and the gradient on the shared W is the sum of the gradients "
        "on per-step untied copies, ∂L/∂W = Σ_k ∂L/∂W_k. What needs correcting: the "
        "backpropagation of word t is not confined to word t — it runs back through every "
        "earlier step k ≤ t (through J(t,k)), and all these pieces land in the *same* matrices. "
        "In practice one backward pass over Σ_t L_t computes all of them at once; the test "
        "checks that it equals the per-word and per-step sums to float64 rounding.\n"
    )
    add(f"Measured: largest relative discrepancy |shared − Σ parts| / Σ‖parts‖ over "
        f"{sums.get('examples', '?')} Hypothesis examples: {_fmt(sums.get('max_rel_discrepancy'))} "
        f"(float64 unit roundoff 1.1e−16).\n")
    add(_status_line(claims, ["Q3"]) + "\n")

    # 4
    add("## 4. “The beginning of backprop doesn't suffer from vanishing gradients.”\n")
    add("**Verdict: right with a correction.**\n")
    add(
        "Write the gradient of the verb's loss on W as a sum over the step k where W acted: "
        "∂L_T/∂W = Σ_k G_k with G_k = diag(φ'(a_k)) J(T,k)ᵀ g_T h_{k−1}ᵀ. The short-lag terms "
        "(ℓ = T − k small) pass through only ℓ Jacobian factors diag(φ'(a_t))W, so they are not "
        "attenuated beyond those few factors: ‖G_k‖_F ≥ ‖g_T‖‖h_{k−1}‖ Π_{t=k..T} "
        "min_i|φ'(a_{t,i})| · σ_min(W)^ℓ. The correction: there is no separate “beginning” "
        "phase — attenuation is a per-step factor from the very first step back, and a "
        "saturated unit (φ' ≈ 0) attenuates even the lag-0 term.\n"
    )
    ratios = lag.get("short_lag_ratio") or {}
    add("Measured on the agreement RNN at initialisation (D = "
        f"{lag.get('distance', '?')}): ‖G_{{T−ℓ}}‖/‖G_T‖ = " +
        (", ".join(f"{_fmt(v)} at ℓ = {k}" for k, v in ratios.items()) or NOT_MEASURED) + ".\n")
    add(_status_line(claims, ["Q4"]) + "\n")

    # 5
    add("## 5. “The end of backprop does [suffer from vanishing gradients].”\n")
    add("**Verdict: right with a correction.**\n")
    add(
        "Each lag-ℓ term obeys ‖G_{T−ℓ}‖_F ≤ C·(γ‖W‖₂)^ℓ with C = γ‖g_T‖ max_k‖h_{k−1}‖, so when "
        "γ‖W‖₂ < 1 the long-lag terms shrink geometrically and the share of the gradient mass "
        "from lags > L is at most C Σ_{ℓ>L}(γ‖W‖₂)^ℓ / Σ_ℓ‖G_{T−ℓ}‖. The learner's picture is "
        "imprecise in one important way: W is *shared*, so it is not “the weights at an earlier "
        "step” that are badly trained — there is only one W. The long-range terms (the ones "
        "that would teach W and U to carry the subject's number) are *swamped* inside the one "
        "shared gradient by the short-range terms, which say nothing about the subject. "
        "(Even where γ‖W‖₂ ≥ 1 and the bound is vacuous, the measured terms still decay: see "
        "point 6/7 and claims LIN1–LIN3.)\n"
    )
    resc = lag.get("rescaled") or {}
    add(
        f"Measured on the agreement RNN at initialisation (D = {lag.get('distance', '?')}, "
        f"γ‖W‖₂ = {_fmt(lag.get('q'))}, ρ(W) = {_fmt(lag.get('spectral_radius'))}): share of the "
        f"W-gradient mass from lags > 5: {_fmt(lag.get('share_beyond_lag_5'))}, from lags > 10: "
        f"{_fmt(lag.get('share_beyond_lag_10'))} (here γ‖W‖₂ > 1, so the a-priori ceiling is "
        f"{_fmt(lag.get('share_bound_beyond_lag_5'))}: vacuous, yet the terms decay); share of "
        f"the U-gradient mass at the subject's step: {_fmt(lag.get('subject_share_of_U_gradient'))}. "
        f"The same RNN with W rescaled to γ‖W‖₂ = {_fmt(resc.get('q'))}: share from lags > 5 "
        f"{_fmt(resc.get('share_beyond_lag_5'))} ≤ predicted {_fmt(resc.get('share_bound_beyond_lag_5'))}; "
        f"from lags > 10 {_fmt(resc.get('share_beyond_lag_10'))} ≤ predicted "
        f"{_fmt(resc.get('share_bound_beyond_lag_10'))}.\n"
    )
    add(_figure(figures, "lag_terms",
                "per-lag terms ‖G_{T−ℓ}‖_F of ∂L_T/∂W and the share of the gradient mass from "
                "lags > L, measured against the bound C(γ‖W‖₂)^ℓ and the predicted ceiling "
                "(agreement RNN at init, and with W rescaled so that γ‖W‖₂ < 1)"))
    add(_status_line(claims, ["Q5"]) + "\n")

    # 6/7
    add("## 6./7. “The verb's prediction depends on the subject's input through the same matrices applied again and again.”\n")
    add("**Verdict: right** (made precise).\n")
    add(
        "The subject enters only through a_k = W h_{k−1} + U x_k + b, so ∂L_T/∂x_k = "
        "Uᵀ diag(φ'(a_k)) J(T,k)ᵀ g_T and ‖∂L_T/∂x_k‖ ≤ ‖∂L_T/∂h_T‖·γ‖U‖₂·(γ‖W‖₂)^{T−k}. “The "
        "same matrices again and again” is exactly the linear-regime picture: with φ = identity "
        "J(T,k) = W^{T−k} (claim LIN1), ρ(W)^ℓ ≤ ‖W^ℓ‖ ≤ ‖W‖^ℓ (LIN2), and by Gelfand's formula "
        "the per-step rate ‖W^ℓ‖^{1/ℓ} tends to ρ(W) (LIN3). That is why the measured decay can "
        "be much faster than the ‖W‖-bound suggests: PyTorch's default initialisation has "
        "‖W‖₂ slightly above 1 (the bound grows) but ρ(W) well below 1, and tanh' ≤ 1 only "
        "shrinks it further.\n"
    )
    add(
        f"Measured on the agreement RNN at initialisation (D = {sens.get('distance', '?')}): "
        f"log10‖∂L_T/∂x_subject‖ = {_fmt(sens.get('subject_log10_measured'))} against the bound "
        f"{_fmt(sens.get('subject_log10_bound'))}; measured decay "
        f"{_fmt(sens.get('measured_log10_rate_per_step'))} decades per step, against "
        f"log10(γ‖W‖₂) = {_fmt(sens.get('bound_log10_rate_per_step'))} and log10 ρ(W) = "
        f"{_fmt(math.log10(sens['spectral_radius_W']) if _finite(sens.get('spectral_radius_W')) else None)}."
        + (f" With W rescaled to γ‖W‖₂ = {_fmt(_get(sens, 'rescaled', 'gamma_norm_W'))}: "
           f"{_fmt(_get(sens, 'rescaled', 'subject_log10_measured'))} against the bound "
           f"{_fmt(_get(sens, 'rescaled', 'subject_log10_bound'))} at the subject."
           if isinstance(sens.get("rescaled"), dict) else "")
        + "\n"
    )
    # How far below the bound each trained sequence's subject gradient sits, in decades; a
    # row without both values was not measured and is left out rather than given a default.
    margins = [r["subject_log10_bound"] - r["subject_log10_grad"] for r in sens_trained
               if isinstance(r, dict) and _finite(r.get("subject_log10_grad"))
               and _finite(r.get("subject_log10_bound"))]
    exceeded = [m for m in margins if m < 0]
    if exceeded:
        add(f"On the trained agreement RNNs the bound is exceeded at the subject on {len(exceeded)} "
            f"of {len(margins)} sequences, by up to {_fmt(-min(margins))} decades.\n")
    elif margins:
        add(f"On the trained agreement RNNs ({len(margins)} sequences) the bound holds; the "
            f"closest case sits {_fmt(min(margins))} decades below it at the subject.\n")
    else:
        add(f"On trained weights: {NOT_MEASURED}.\n")
    add(_figure(figures, "input_sensitivity",
                "‖∂L_T/∂x_k‖ against the lag T − k with the bound ‖g_T‖γ‖U‖₂(γ‖W‖₂)^{T−k} "
                "(agreement RNN at init, and with W rescaled so that γ‖W‖₂ < 1), and the slope "
                "of ρ(W)^ℓ for reference"))
    add(_status_line(claims, ["Q6", "LIN1", "LIN2", "LIN3"]) + "\n")

    # Experiment
    add("## The experiment: does a plain RNN fail to carry the number?\n")
    add(
        "Each sequence is a subject token (*cat* or *cats*), D filler tokens, then a verb slot "
        "where the model predicts *was* or *were*. `torch.nn.RNN` (tanh) and `torch.nn.LSTM` of "
        "the same hidden size get the same training recipe and budget "
        f"(hidden size {cfg.get('hidden_size', '?')}, {cfg.get('steps', '?')} Adam steps of "
        f"{cfg.get('batch_size', '?')} fresh sequences, learning rate {cfg.get('learning_rate', '?')}, "
        f"gradient clipping at {cfg.get('clip_norm', '?')}, PyTorch default initialisation, LSTM "
        f"forget-gate bias {cfg.get('lstm_forget_bias', '?')}), {acc.get('seeds', '?')} seed(s); "
        f"accuracy on {cfg.get('n_test', '?')} held-out sequences per seed, pooled over seeds, "
        "with a Wilson interval (test-set uncertainty given the trained models; the per-seed "
        f"numbers are in the results). Experiment version: {details.get('version', NOT_MEASURED)}.\n"
    )
    add(_agreement_table(acc, conf) + "\n")
    add("Outcome, read off the intervals: " + _outcome_sentence(acc) + "\n")
    if lr.get("distances"):
        rows = []
        for i, D in enumerate(lr["distances"]):
            rows.append(
                f"at D = {D}, RNN {_fmt(_get(lr, 'rnn', 'mean', i))} "
                f"[{_fmt(_get(lr, 'rnn', 'ci_low', i))}, {_fmt(_get(lr, 'rnn', 'ci_high', i))}], "
                f"LSTM {_fmt(_get(lr, 'lstm', 'mean', i))} "
                f"[{_fmt(_get(lr, 'lstm', 'ci_low', i))}, {_fmt(_get(lr, 'lstm', 'ci_high', i))}]"
            )
        per_seed = _get(lr, "per_seed", "rnn", "accuracy")
        learned = [a for row in (per_seed or []) for a in row if _finite(a) and a >= 0.9]
        note = (
            " Some vanilla-RNN seeds did learn the agreement at this distance, although the "
            "gradient reaching the subject is vanishingly small: the RNN is not doomed, and the "
            "comparison depends on the recipe, which is why the recipe is stated. (A plausible "
            "mechanism, not tested here: the larger steps move W, with no help from the "
            "subject's gradient, into a regime where a saturated unit latches the subject — "
            "robust latching makes the gradient vanish, Bengio et al. 1994.)"
            if learned else ""
        )
        add(
            "Sensitivity to the recipe (same budget, learning rate "
            f"{_get(lr, 'config', 'learning_rate')}): " + "; ".join(rows) +
            (f" (RNN per seed: {per_seed})" if per_seed else "") + "." + note + "\n"
        )
    g_rnn, g_lstm = _get(acc, "subject_grad", "rnn"), _get(acc, "subject_grad", "lstm")
    if g_rnn and g_lstm and all(_finite(v) and v > 0 for v in (g_rnn[0], g_rnn[-1], g_lstm[0], g_lstm[-1])):
        d0, d1 = acc["distances"][0], acc["distances"][-1]
        grad_text = (
            f" Measured: from D = {d0} to D = {d1} the subject's gradient at initialisation "
            f"falls by {_fmt(math.log10(g_rnn[0] / g_rnn[-1]), 3)} decades for the RNN and by "
            f"{_fmt(math.log10(g_lstm[0] / g_lstm[-1]), 3)} decades for the LSTM."
        )
    else:
        grad_text = ""
    add(
        "Why, in the theory's terms: at initialisation the gradient that reaches the subject "
        "token shrinks geometrically with D for the RNN (point 6/7), so the only signal that "
        "could teach U and W to store the number is the lag-(D+1) term, swamped by short-lag "
        "terms (point 5). The LSTM's additive cell path (c_t = f_t ⊙ c_{t−1} + …) attenuates "
        "it far more slowly." + grad_text + "\n"
    )
    lstm_fails = [D for i, D in enumerate(acc.get("distances") or [])
                  if _finite(_get(acc, "lstm", "ci_high", i)) and _get(acc, "lstm", "ci_high", i) <= 0.75]
    if lstm_fails:
        add(
            "The LSTM is not immune either: at this fixed budget it is near chance at D ∈ "
            f"{{{', '.join(map(str, lstm_fails))}}}. Its gradient also decays with D (more "
            "slowly); with a fixed number of steps there is a distance beyond which even the "
            "LSTM has not yet found the signal. The gap between the two curves, not a perfect "
            "LSTM, is what the vanishing-gradient theory predicts.\n"
        )
    add(_figure(figures, "agreement",
                "agreement accuracy against D with Wilson intervals (top) and the gradient "
                "reaching the subject token at initialisation (bottom)"))
    add(_status_line(claims, ["Q7", "Q8", "Q10"]) + "\n")
    add("### During training, not only at initialisation\n")
    add(_training_paragraph(training, acc))
    add(_figure(figures, "training",
                "the gradient reaching the subject token against training step, one line per "
                "distance D, for the RNN (left) and the LSTM (right)"))
    add(_status_line(claims, ["Q11"]) + "\n")
    add("### The foundation bounds still hold after training\n")
    add(
        "After training, the trained `nn.RNN`'s W, U and b = b_ih + b_hh are fed to "
        "`theory.lag_profile` on a real input sequence and compared with the a-priori and "
        "trajectory upper bounds (U1, U2) and lower bounds (L1, L2): training moves W, it does "
        "not escape the theorems.\n"
    )
    add(_status_line(claims, ["Q9"]) + "\n")

    add("## Summary\n")
    add(
        "| Point | Verdict | Claim |\n|---|---|---|\n"
        "| 1. three shared weight sets | right | Q1 |\n"
        "| 2. two roles of U and W | right | Q2 |\n"
        "| 3. backprop once per word | right with a correction | Q3 |\n"
        "| 4. no vanishing at the beginning | right with a correction | Q4 |\n"
        "| 5. vanishing at the end | right with a correction | Q5 |\n"
        "| 6./7. dependence on the subject's input | right | Q6 (with LIN1–LIN3) |\n"
        "| experiment | measured | Q7, Q8, Q9, Q10, Q11 |\n"
    )
    return "\n".join(P)


# --------------------------------------------------------------------------------------
# Figures (matplotlib, in theory.report.answer_figures; drawn by the command line next to the page)
# --------------------------------------------------------------------------------------


def draw_figures(results, directory):
    """Draw the page's figures that have data into ``directory``; return key → file name.

    Parameters
    ----------
    results : dict
    directory : str or Path

    Returns
    -------
    dict
        ``{"agreement" | "lag_terms" | "input_sensitivity" | "training": "<name>.png"}`` for
        the drawn ones.

    Notes
    -----
    The drawing lives in :func:`theory.report.answer_figures.draw_figures` (imported here when
    called, as it imports this module's readers).
    """
    from .answer_figures import draw_figures as draw

    return draw(results, directory)


def _load(path):
    try:
        from .jsonsafe import decode  # the report's encoding of ±inf and NaN
    except ImportError:  # pragma: no cover - the report package is optional here
        def decode(obj):
            return obj

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    try:
        results = decode(json.loads(path.read_text(encoding="utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(results, dict):
        raise ValueError(f"{path}: not a results document (a JSON object), got a JSON {type(results).__name__}")
    return results


def main(argv=None):
    """``python -m theory.report.answer RESULTS [OUT] [--also MORE ...]``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m theory.report.answer",
                                     description="Render the motivating-question answer page.")
    parser.add_argument("results")
    parser.add_argument("out", nargs="?")
    parser.add_argument("--also", nargs="*", default=[], metavar="RESULTS",
                        help="further results.json files (e.g. the -m slow run) to merge in")
    args = parser.parse_args(argv)
    try:
        results = merge_results(_load(args.results), *[_load(p) for p in args.also])
        if args.also:
            results["sources"] = [args.results, *args.also]
    except ValueError as exc:
        print(f"python -m theory.report.answer: error: {exc}", file=sys.stderr)
        return 2
    if args.out is None:
        print(render(results))
        return 0
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    drawn = draw_figures(results, out.parent / "figures")
    page = render(results, {k: f"figures/{v}" for k, v in drawn.items()})
    out.write_text(page, encoding="utf-8")
    print(f"wrote {out} and {len(drawn)} figure(s) in {out.parent / 'figures'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
