"""The learner page (docs/learner-guide.md) quotes the pinned run's numbers, and only those.

The page is written by hand for learners, but every measured number on it is read from
`docs/data/results_full.json` (the full run, ``pytest -m ""``, trimmed to what the pages
read) by :func:`learner_numbers`; the test checks that each one
appears on the page as computed, so a new run that changes a number fails here until the page
is updated, and a number typed wrongly on the page is caught. To fill a page written with
``{{NAME}}`` placeholders::

    python -c "from tests.test_answer_learner import fill; fill()"
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from theory.report import answer
from theory.report.document import load_results

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "learner-guide.md"
FULL = ROOT / "docs" / "data" / "results_full.json"
#: The page's main text (notes, figures and the provenance section left out) stays short.
MAX_MAIN_WORDS = 1600


def _results():
    return load_results(FULL)


def _experiment_table(acc):
    lines = ["| D (filler words) | RNN: seeds that learned | LSTM: seeds that learned | "
             "RNN mean accuracy | LSTM mean accuracy |", "|---:|---|---|---:|---:|"]
    for i, D in enumerate(acc["distances"]):
        cells = [str(D)]
        for kind in ("rnn", "lstm"):
            learned, known = answer._learned_count(answer._per_seed_accuracies(acc, {}, kind, i))
            cells.append(f"{learned} of {known}")
        cells += [f"{answer._get(acc, kind, 'mean', i):.2f}" for kind in ("rnn", "lstm")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _lr_sentence(lr):
    i = len(lr["distances"]) - 1
    counts = {kind: answer._learned_count(answer._per_seed_accuracies(lr, {}, kind, i)) for kind in ("rnn", "lstm")}
    rows = answer._get(lr, "training", "per_seed", "rnn", i)
    largest = max(v for row in rows for v in row)
    learned = [s for s, a in enumerate(answer._per_seed_accuracies(lr, {}, "rnn", i)) if a >= answer.LEARNED]
    smallest = min(rows[learned[0]]) if learned else math.nan
    return (f"With a 10× larger learning rate ({answer._get(lr, 'config', 'learning_rate')}) at "
            f"D = {lr['distances'][i]}, the RNN learned in {counts['rnn'][0]} of {counts['rnn'][1]} seeds "
            f"and the LSTM in {counts['lstm'][0]} of {counts['lstm'][1]}. Even then the RNN's gradient "
            f"reaching the subject stayed below 10^{math.ceil(math.log10(largest))} in every seed at every "
            f"measurement; in the seed that learned it fell below 10^{math.ceil(math.log10(smallest))}")


def _training(training):
    """The largest RNN seed's and the smallest LSTM seed's subject gradient at the longest D."""
    i = len(training["distances"]) - 1
    rnn = max(v for row in training["per_seed"]["rnn"][i] for v in row)
    lstm = min(v for row in training["per_seed"]["lstm"][i] for v in row)
    return (f"At D = {training['distances'][i]}, in every seed and at every one of the "
            f"{len(training['steps'])} measurements, the RNN's gradient reaching the subject stays below "
            f"10^{math.ceil(math.log10(rnn))}, "
            f"while the LSTM's stays above 10^{math.floor(math.log10(lstm))}")


def _verdict(acc):
    """Up to which D every seed learned, and from which D none did, for each model."""
    parts = []
    for kind, name in (("rnn", "the RNN"), ("lstm", "the LSTM")):
        counts = [answer._learned_count(answer._per_seed_accuracies(acc, {}, kind, i))
                  for i in range(len(acc["distances"]))]
        every = [D for D, (k, n) in zip(acc["distances"], counts) if k == n]
        none = [D for D, (k, n) in zip(acc["distances"], counts) if k == 0]
        text = f"{name} learned in every seed up to D = {max(every)}"
        parts.append(text + (f" and in none from D = {min(none)} on" if none else ""))
    return "; ".join(parts)


def learner_numbers(results):
    """Placeholder → the text the page shows, each computed from the pinned results."""
    data = results.data
    g = lambda *path: answer._get(data, *path)  # noqa: E731
    acc, lr = data["agreement_accuracy"], data["agreement_lr_sensitivity"]
    ratios = g("bptt_lag_shares", "short_lag_ratio")
    sigma_min = g("default_init_spectra", "16", "median_sigma_min")
    details = data["agreement_details"]
    halves = [(h - lo) / 2 for kind in ("rnn", "lstm")
              for lows, highs in zip(acc["per_seed"][kind]["ci_low"], acc["per_seed"][kind]["ci_high"])
              for lo, h in zip(lows, highs)]
    j = acc["distances"].index(g("input_sensitivity", "distance"))
    return {
        "Q1": answer._fmt(g("weight_sharing", "max_abs_difference")),
        "Q2": answer._pct(g("two_roles", "median_later_share_U")),
        "Q3": answer._fmt(g("bptt_sum_rule", "max_rel_discrepancy")),
        "SIGMA_MIN": answer._fmt(sigma_min, 2),
        "INV_SIGMA_MIN": f"{1 / sigma_min:.0f}",
        "DRAWS": str(g("default_init_spectra", "draws")),
        "Q4": ", ".join(answer._fmt(v) for v in ratios.values()),
        "Q4_LAGS": ", ".join(str(k) for k in ratios),
        "Q5_10": answer._fmt(g("bptt_lag_shares", "share_beyond_lag_10")),
        "Q5_SUBJECT": answer._fmt(g("bptt_lag_shares", "subject_share_of_U_gradient")),
        "Q6": answer._fmt(g("input_sensitivity", "subject_log10_measured")),
        "Q6_DECADES": f"{-g('input_sensitivity', 'subject_log10_measured'):.0f}",
        "Q6_MEAN": answer._fmt(acc["subject_grad"]["rnn"][j], 2),
        "NORM16": answer._pct(g("default_init_spectra", "16", "fraction_norm_above_1")),
        "NORM8": answer._pct(g("default_init_spectra", "8", "fraction_norm_above_1")),
        "RHO16": answer._fmt(g("default_init_spectra", "16", "median_spectral_radius"), 2),
        "Q7_RATE": answer._fmt(-g("input_sensitivity", "measured_log10_rate_per_step")),
        "Q7_RHO": answer._fmt(-math.log10(g("input_sensitivity", "spectral_radius_W"))),
        "Q7_NORM": answer._fmt(g("bptt_lag_shares", "q")),
        "STEPS": str(details["config"]["steps"]),
        "LR": str(details["config"]["learning_rate"]),
        "SEEDS": str(acc["seeds"]),
        "NTEST": str(acc["n_test"]),
        "HALFWIDTH": f"{max(halves):.2f}",
        "TABLE": _experiment_table(acc),
        "VERDICT": _verdict(acc),
        "LR_SENTENCE": _lr_sentence(lr),
        "TRAINING_CAP": _training(data["agreement_training"]),
        "RUNTIME": f"{(details['seconds'] + lr['seconds']) / 60:.0f} min of training on one CPU thread",
    }


def fill(page=PAGE):
    """Replace each ``{{NAME}}`` on the page by its number (once, when the page is written)."""
    numbers = learner_numbers(_results())
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"\{\{(\w+)\}\}", lambda m: numbers.get(m.group(1), m.group(0)), text),
                    encoding="utf-8")


def main_text(page):
    """The page without its notes (> lines), figures, and the closing provenance section."""
    body = page.split("\n## Where the numbers come from")[0]
    return "\n".join(line for line in body.splitlines() if not line.startswith((">", "![")))


@pytest.mark.parametrize("name, text", sorted(learner_numbers(_results()).items()))
def test_the_page_quotes_the_pinned_run(name, text):
    page = " ".join(PAGE.read_text(encoding="utf-8").split())  # a number may wrap across lines
    assert " ".join(text.split()) in page, f"{name}: the page should say {text!r} (from {FULL.name}); it does not"


def test_the_page_has_no_unfilled_placeholder_and_stays_short():
    page = PAGE.read_text(encoding="utf-8")
    unfilled = re.findall(r"\{\{\w+\}\}", page)
    assert not unfilled, f"unfilled placeholders: {unfilled}"
    words = len(main_text(page).split())
    assert words <= MAX_MAIN_WORDS, f"main text {words} words, at most {MAX_MAIN_WORDS}"
