"""Evidence phrases: how each claim's recorded numbers read, in words and units.

Every claim's test records, per example, one number called the tightness (see
:func:`theory.report.evidence.observe`) and the case it came from. What that number means
differs between claims: log(measured/bound) for an upper bound, log(bound/measured) for a
lower bound, an error net of its tolerance for an equality, a growth for a counterexample,
an accuracy for an experiment. An :class:`Evidence` says, for one claim, which of these it
is and turns the claim's recorded numbers into one phrase, e.g. "33 examples, 0 violations;
bound attained to within rounding (2.2e-16 above)" or "RNN 0.51 vs LSTM 1.00 at D = 30;
learned (≥ 0.9) in 0 of 1 vs 1 of 1 seeds". The claim registry declares one per claim, next
to its statement; results.json, REPORT.md, claims.tex and the citation sentence all print
that phrase.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

__all__ = [
    "Observed", "Evidence", "ROUNDING_LEVEL", "LEARNED_ACCURACY",
    "upper_bound", "lower_bound", "within_tolerance", "margin", "error_ratio", "bit_exact",
    "counts_only", "custom", "case_value", "seed_accuracies",
]

#: A log-ratio (or relative error) this small is float64 rounding, not slack nor excess:
#: the suite's rounding allowances (tests/assertions.py) reach ~1e-11 for its largest cases.
ROUNDING_LEVEL = 1e-9
#: The accuracy at which one seed counts as having learned the agreement task.
LEARNED_ACCURACY = 0.9


@dataclass(frozen=True)
class Observed:
    """What a run recorded for one claim: the input of an :class:`Evidence` phrase.

    Attributes
    ----------
    examples, violations : int
        Observations recorded (Hypothesis examples, parametrized cases or runs) and how many
        of them the test marked as violations.
    worst_tightness : float or None
        The largest tightness recorded (None when nothing was recorded).
    worst_case : dict or None
        The parameters of that observation.
    data : mapping
        Every figure payload of the run (key → payload), for experiments that keep their
        per-seed numbers there.
    """

    examples: int = 0
    violations: int = 0
    worst_tightness: Optional[float] = None
    worst_case: Optional[Mapping[str, Any]] = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """How one claim's recorded numbers read.

    Attributes
    ----------
    tightest : str
        What the recorded tightness of this claim is (its meaning of "tightest"), one line.
    counts : str or None
        What one observation is, for the count that opens the phrase: ``"examples"``
        (Hypothesis draws) or ``"cases"`` (parametrized cases); None for experiments, whose
        phrase counts its own seeds or runs.
    describe : callable
        ``describe(observed) -> str``: the phrase after the count; called only when a
        worst case was recorded.
    """

    tightest: str
    counts: Optional[str]
    describe: Callable[[Observed], str]

    def phrase(self, observed):
        """The evidence phrase for ``observed`` (an :class:`Observed`)."""
        recorded = observed.worst_case is not None or observed.worst_tightness is not None
        if self.counts is None:
            return self.describe(observed) if recorded else "no run recorded"
        count = (f"{observed.examples:,} {_unit(self.counts, observed.examples)}, "
                 f"{observed.violations} violation{'' if observed.violations == 1 else 's'}")
        if not recorded:
            return f"{count}; no case recorded" if observed.examples else "no case recorded"
        return f"{count}; {self.describe(observed)}"


def _unit(counts, n):
    return counts[:-1] if n == 1 and counts.endswith("s") else counts


def _num(x, digits=3):
    """``x`` with ``digits`` significant digits, without a trailing exponent below 1e4."""
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.{digits}g}"
    return f"{x:.{max(digits - 1, 1)}e}".replace("e-0", "e-").replace("e+0", "e+").replace("e+", "e")


def _tightness(observed):
    t = observed.worst_tightness
    return -math.inf if t is None else float(t)


def _rounding_words(t, subject):
    """``subject`` attained to within rounding: the sign of the excess said in words."""
    if t == 0:
        return f"{subject} attained exactly"
    side = "above" if t > 0 else "below"
    return f"{subject} attained to within rounding ({_num(abs(t), 2)} {side})"


def _bound_phrase(o, bound, measured_first):
    t = _tightness(o)
    if math.isnan(t):
        return "a measurement was NaN"
    if t == -math.inf:
        return "measured value 0: the bound holds trivially"
    if abs(t) <= ROUNDING_LEVEL:
        return _rounding_words(t, bound)
    if t > 0 and o.violations:
        return f"worst case {_num(t, 2)} beyond {bound} in log terms: a violation"
    if t > 0:
        # the test passed under its stated tolerance: say the excess as such, not as a ratio
        return f"closest case {_num(t, 2)} beyond {bound} in log terms, inside the test's rounding tolerance"
    if t > -1e-3:
        # e^t would print as 1: say the gap itself
        return f"tightest case {_num(-t, 2)} below {bound} (relative)"
    ratio = _num(math.exp(t))
    if measured_first:
        return f"tightest case: measured value at {ratio} of {bound}"
    return f"tightest case: {bound} at {ratio} of the measured value"


def upper_bound(bound="the bound", *, counts="examples"):
    """Evidence of ``measured ≤ bound``; the tightness is log(measured/bound).

    Parameters
    ----------
    bound : str
        How the phrase names the bound (``"the factor γ‖W‖₂"``).
    counts : str
        ``"examples"`` or ``"cases"``.

    Returns
    -------
    Evidence

    Examples
    --------
    >>> upper_bound().phrase(Observed(33, 0, 2.2e-16, {"n": 11}))
    '33 examples, 0 violations; the bound attained to within rounding (2.2e-16 above)'
    >>> upper_bound().phrase(Observed(5, 0, math.log(0.5), {}))
    '5 examples, 0 violations; tightest case: measured value at 0.5 of the bound'
    """
    return Evidence(
        tightest="log(measured / bound) in the case closest to the bound",
        counts=counts,
        describe=lambda o: _bound_phrase(o, bound, True),
    )


def lower_bound(bound="the bound", *, counts="examples"):
    """Evidence of ``bound ≤ measured``; the tightness is log(bound/measured).

    Examples
    --------
    >>> lower_bound().phrase(Observed(2, 0, math.log(0.25), {}))
    '2 examples, 0 violations; tightest case: the bound at 0.25 of the measured value'
    """
    return Evidence(
        tightest="log(bound / measured) in the case closest to the bound",
        counts=counts,
        describe=lambda o: _bound_phrase(o, bound, False),
    )


def within_tolerance(what, unit="", *, counts="examples"):
    """Evidence of ``error ≤ tolerance``; the tightness is error − tolerance, in ``unit``.

    Examples
    --------
    >>> within_tolerance("equal to within rounding").phrase(Observed(30, 0, -8.9e-15, {}))
    '30 examples, 0 violations; equal to within rounding: closest case 8.9e-15 inside the tolerance'
    """
    unit = f" ({unit})" if unit else ""

    def describe(o):
        t = _tightness(o)
        if t == -math.inf:
            return f"{what}: no error at all"
        if t > 0:
            return f"{what}: closest case {_num(t, 2)} beyond the tolerance{unit}"
        return f"{what}: closest case {_num(-t, 2)} inside the tolerance{unit}"

    return Evidence(tightest=f"error − tolerance{unit}, largest over the cases",
                    counts=counts, describe=describe)


def margin(limit, unit, *, counts="examples"):
    """Evidence of ``value ≤ limit`` where the tightness is value − limit, in ``unit``.

    Examples
    --------
    >>> margin("the limit log ρ(W) + log κ(V)/ℓ", "nats/step").phrase(Observed(4, 0, -0.25, {}))
    '4 examples, 0 violations; closest case 0.25 nats/step inside the limit log ρ(W) + log κ(V)/ℓ'
    """
    def describe(o):
        t = _tightness(o)
        if math.isnan(t):
            return "a measurement was NaN"
        if abs(t) <= ROUNDING_LEVEL:
            return _rounding_words(t, limit)
        side = "beyond" if t > 0 else "inside"
        return f"closest case {_num(abs(t), 2)} {unit} {side} {limit}"

    return Evidence(tightest=f"value − limit in {unit}, largest over the cases",
                    counts=counts, describe=describe)


def error_ratio(what, *, counts="examples"):
    """Evidence of an equality up to a rounding allowance; tightness log(error/allowance).

    Examples
    --------
    >>> error_ratio("∂h_T/∂h_k = W^ℓ").phrase(Observed(31, 0, math.log(0.045), {}))
    '31 examples, 0 violations; ∂h_T/∂h_k = W^ℓ to within rounding: largest error 0.045 of the allowance'
    """
    def describe(o):
        t = _tightness(o)
        if t == -math.inf:
            return f"{what} exactly (error 0 in every case)"
        return f"{what} to within rounding: largest error {_num(math.exp(t), 2)} of the allowance"

    return Evidence(tightest="log(error / rounding allowance), largest over the cases",
                    counts=counts, describe=describe)


def bit_exact(what, *, counts="examples"):
    """Evidence of an equality that holds bit for bit (the test compares with ``==``)."""
    return Evidence(tightest="none: the equality is checked bit for bit", counts=counts,
                    describe=lambda o: f"{what} bit for bit in every case")


def counts_only(*, counts="examples"):
    """Evidence of a claim whose tightness has no stated meaning: the counts alone."""
    return Evidence(tightest="not stated for this claim", counts=counts,
                    describe=lambda o: "every linked test passed")


def custom(tightest, describe, *, counts="examples"):
    """Evidence read by ``describe(observed) -> str`` from the worst case's own fields."""
    return Evidence(tightest=tightest, counts=counts, describe=describe)


def case_value(observed, key, default=math.nan):
    """``observed.worst_case[key]`` as a float (``default`` when absent)."""
    case = observed.worst_case or {}
    value = case.get(key, default)
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


# --- the agreement experiment: its payloads are read by key, and phrases fall back to
# the pooled means when a run did not record per-seed accuracies ----------------------------


def _details(observed):
    """The ``agreement_details`` payload of the same run as the worst case (same version)."""
    details = observed.data.get("agreement_details")
    case = observed.worst_case or {}
    if isinstance(details, Mapping) and details.get("version") == case.get("version"):
        return details
    return None


def seed_accuracies(observed, kind, distance):
    """Per-seed test accuracies of ``kind`` at ``distance`` in the worst case's run, or None."""
    details = _details(observed)
    if details is None:
        return None
    try:
        i = list(details["distances"]).index(distance)
        values = details["per_seed"][kind]["accuracy"][i]
        return [float(v) for v in values]
    except (KeyError, ValueError, IndexError, TypeError):
        return None


def _learned_count(accuracies):
    learned = sum(1 for a in accuracies if a >= LEARNED_ACCURACY)
    return f"{learned} of {len(accuracies)}"


def _seeds_clause(observed, distance):
    rnn, lstm = (seed_accuracies(observed, k, distance) for k in ("rnn", "lstm"))
    if not rnn or not lstm:
        return ""
    return (f"; learned (≥ {LEARNED_ACCURACY:g}) in {_learned_count(rnn)} vs "
            f"{_learned_count(lstm)} seed{'s' if len(lstm) != 1 else ''}")


def agreement_accuracy_gap():
    """Q7: the RNN's and the LSTM's accuracy at the long distance, and per-seed verdicts."""
    def describe(o):
        case = o.worst_case or {}
        D = case.get("distance")
        return (f"RNN {case_value(o, 'rnn_mean'):.2f} vs LSTM {case_value(o, 'lstm_mean'):.2f} "
                f"accuracy at D = {D}{_seeds_clause(o, D)}")

    return custom("the RNN's upper Wilson end minus the LSTM's lower one at the long distance",
                  describe, counts=None)


def _seed_count(o):
    details = _details(o)
    seeds = details.get("seeds") if details else None
    return f"; {seeds} seed{'s' if seeds != 1 else ''}" if isinstance(seeds, int) else ""


def _span(o):
    details = _details(o)
    distances = list(details.get("distances", ())) if details else []
    return f"from D = {distances[0]} to D = {distances[-1]}" if len(distances) > 1 else "over the distances tested"


def subject_gradient_drop():
    """Q8: how many decades the subject gradient at initialisation falls with D."""
    def describe(o):
        return (f"at initialisation the RNN's gradient reaching the subject fell "
                f"{case_value(o, 'rnn_drop_decades'):.1f} decades {_span(o)}, the LSTM's "
                f"{case_value(o, 'lstm_drop_decades'):.1f}{_seed_count(o)}")

    return custom("minus the RNN's drop in decades", describe, counts=None)


def _separation(separated, seeds):
    """Where the LSTM learned and the RNN did not: the distances where every seed did, and
    those with exceptions. ``separated`` maps D to (LSTM seeds learned, RNN seeds at chance)."""
    exact = [D for D, (lstm, rnn) in separated.items() if lstm == seeds and rnn == seeds]
    other = [f"D = {D} ({2 * seeds - lstm - rnn} exception{'s' if 2 * seeds - lstm - rnn != 1 else ''} "
             f"in {2 * seeds} runs)" for D, (lstm, rnn) in separated.items() if (D not in exact)]
    text = (f"every LSTM seed learned and no RNN seed did at D = {', '.join(map(str, exact))}"
            if exact else "no distance separated every seed")
    return text + (f"; also at {', '.join(other)}" if other else "")


def full_agreement_experiment():
    """Q10: the full experiment at its longest distance, separation and gradient drop."""
    def describe(o):
        case = o.worst_case or {}
        accuracy = o.data.get("agreement_accuracy") or {}
        parts = []
        try:
            D = accuracy["distances"][-1]
            parts.append(f"RNN {accuracy['rnn']['mean'][-1]:.2f} vs LSTM "
                         f"{accuracy['lstm']['mean'][-1]:.2f} accuracy at D = {D}{_seeds_clause(o, D)}")
        except (KeyError, IndexError, TypeError):
            pass
        separated, seeds = case.get("separated") or {}, case.get("seeds")
        if separated and isinstance(seeds, int):
            parts.append(_separation(separated, seeds))
        falls = [float(f) for f in case.get("log10_subject_grad_fall_per_seed") or ()]
        if falls:
            parts.append(f"the RNN's gradient reaching the subject at initialisation fell "
                         f"{min(falls):.1f}–{max(falls):.1f} decades {_span(o)} in every seed")
        return "; ".join(parts) or "the full experiment passed"

    return custom("the RNN's upper Wilson end at the longest distance minus 0.9", describe, counts=None)


def gradient_gap_during_training():
    """Q11: the smallest gap, in decades, between the smallest LSTM seed's subject gradient and
    the largest RNN seed's, over the recorded training steps."""
    def describe(o):
        case = o.worst_case or {}
        gap = case_value(o, "log10_smallest_lstm_seed") - case_value(o, "log10_largest_rnn_seed")
        if not math.isfinite(gap):
            return "the gap between the RNN's and the LSTM's gradient was not recorded"
        seeds = case.get("seeds")
        several = isinstance(seeds, int) and seeds > 1
        rnn, lstm = ("the largest RNN seed's", "the smallest LSTM seed's") if several else ("the RNN's", "the LSTM's")
        count = f"; {seeds} seed{'s' if seeds != 1 else ''}" if isinstance(seeds, int) else ""
        return (f"at D = {case.get('distance')} {rnn} gradient reaching the subject stayed at least "
                f"{gap:.1f} decades below {lstm} at every recorded training step (smallest gap at "
                f"step {case.get('step')}){count}")

    return custom("3 minus the smallest gap in decades over the recorded steps", describe, counts=None)
