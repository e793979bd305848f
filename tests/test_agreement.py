"""The agreement experiment (issue 4): "The cat(s), which ..., was/were hungry".

A subject token (singular or plural), D filler tokens, then a verb slot where the model
predicts *was* or *were*. torch.nn.RNN (tanh) and torch.nn.LSTM of the same hidden size are
trained with the same recipe and budget (theory.experiments.agreement.train_model); accuracy on held-out
sequences gets a 99 % Wilson interval, and the gradient reaching the subject token is
measured by autograd at initialisation and after training.

The fast version (default) trains one seed at D ∈ {2, 30}, hidden size 8, 300 steps; the
full experiment (``pytest -m slow``) trains 3 seeds at D ∈ {2, 5, 10, 20, 30, 45, 60}, hidden
size 16, 1500 steps, and writes reports/experiments/agreement_full.json.

Statistics. Each Wilson interval is two-sided at 99 %: under the binomial model of the
test set (given the trained model), it misses the true accuracy with probability ≤ 1 %. The
assertions compare interval ends against thresholds (0.9 for "learned", 0.75 for "not
learned") that sit well away from the measured values, so a one-in-a-hundred interval
error could not flip them; training itself is deterministic (seeded torch initialisation,
seeded numpy data, one thread), so each run of the test gives the same numbers.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import replace
from functools import lru_cache

import numpy as np
import pytest

import theory
from theory import bptt
from theory.experiments import agreement
from theory.measurement import bptt as bptt_measurement
from theory.report.evidence import observe, record_data

from theory.testing import assert_log_le, rounding_tolerance
from .bptt_cases import saturation_tolerance

LEARNED = 0.9  # Wilson lower end above this: the model has learned the agreement
NOT_LEARNED = 0.75  # Wilson upper end below this: the model has not (chance is 0.5)


@lru_cache(maxsize=None)
def fast_experiment():
    return agreement.run_experiment(
        agreement.FAST_DISTANCES, agreement.FAST_SEEDS, agreement.FAST_CONFIG, keep_models=True,
        record_every=agreement.FAST_RECORD_EVERY,
    )


def check_separation(result, distance):
    """At ``distance``: the LSTM has learned (Wilson low ≥ 0.9) and the RNN has not (high ≤ 0.75)."""
    i = result["distances"].index(distance)
    lstm_low, rnn_high = result["lstm"]["ci_low"][i], result["rnn"]["ci_high"][i]
    assert lstm_low >= LEARNED, (
        f"LSTM did not learn at D={distance}: 99% Wilson interval "
        f"[{lstm_low:.3f}, {result['lstm']['ci_high'][i]:.3f}], mean {result['lstm']['mean'][i]:.3f}"
    )
    assert rnn_high <= NOT_LEARNED, (
        f"RNN learned at D={distance}: 99% Wilson interval "
        f"[{result['rnn']['ci_low'][i]:.3f}, {rnn_high:.3f}], mean {result['rnn']['mean'][i]:.3f}"
    )


def check_both_learn(result, distance):
    i = result["distances"].index(distance)
    for kind in ("rnn", "lstm"):
        low = result[kind]["ci_low"][i]
        assert low >= LEARNED, f"{kind} did not learn at D={distance}: Wilson low end {low:.3f}"


def _record(result, version):
    record_data("agreement_accuracy", agreement.accuracy_payload(result))
    record_data("agreement_details", agreement.details_payload(result, version))


@pytest.mark.claim("Q7")
def test_fast_agreement_rnn_fails_where_lstm_holds():
    result = fast_experiment()
    _record(result, "fast")
    short, far = agreement.FAST_DISTANCES
    check_both_learn(result, short)
    check_separation(result, far)
    i = result["distances"].index(far)
    observe(
        "Q7",
        result["rnn"]["ci_high"][i] - result["lstm"]["ci_low"][i],
        {"version": "fast", "distance": far, "rnn_mean": result["rnn"]["mean"][i],
         "lstm_mean": result["lstm"]["mean"][i]},
    )


@pytest.mark.claim("Q8")
def test_fast_subject_gradient_vanishes_for_the_rnn():
    """At initialisation the gradient reaching the subject falls by orders of magnitude with D."""
    result = fast_experiment()
    short, far = agreement.FAST_DISTANCES
    i, j = result["distances"].index(short), result["distances"].index(far)
    g = result["subject_grad"]
    rnn_drop = math.log10(g["rnn"][i]) - math.log10(g["rnn"][j])
    lstm_drop = math.log10(g["lstm"][i]) - math.log10(g["lstm"][j])
    # 10⁵: with PyTorch's default init, ρ(W) ≈ 1/√3 and the drop over 28 extra steps is
    # about 28·log10(√3) ≈ 6.7 decades; 5 leaves room while failing for any non-vanishing
    # gradient. The LSTM's drop must be smaller by at least 3 decades.
    assert rnn_drop >= 5, f"RNN subject gradient fell only {rnn_drop:.2f} decades from D={short} to D={far}: {g}"
    assert rnn_drop - lstm_drop >= 3, f"RNN drop {rnn_drop:.2f} vs LSTM drop {lstm_drop:.2f} decades: {g}"
    observe("Q8", -rnn_drop, {"version": "fast", "rnn_drop_decades": rnn_drop,
                              "lstm_drop_decades": lstm_drop})


# At D = 30 (fast version) the RNN's subject gradient was measured between 10^-11.0 and
# 10^-10.5 at every recorded step and the LSTM's between 10^-4.1 and 10^-1.0: a gap of at least
# 6.4 decades at every step. 3 decades is well inside that, and fails for any RNN whose
# gradient training had lifted to within a factor 1000 of the LSTM's.
DURING_TRAINING_GAP_DECADES = 3.0


def check_vanished_during_training(payload, distance):
    """At ``distance``, at every recorded step, log10(LSTM) − log10(RNN) subject gradient ≥ the
    gap; returns the smallest gap (decades) and the case where it occurs."""
    j = payload["distances"].index(distance)
    steps = payload["steps"]
    rnn, lstm = np.log10(payload["rnn"][j]), np.log10(payload["lstm"][j])
    gap = lstm - rnn
    worst = int(np.argmin(gap))
    case = {"distance": distance, "step": steps[worst],
            "log10_rnn": float(rnn[worst]), "log10_lstm": float(lstm[worst])}
    assert gap.min() >= DURING_TRAINING_GAP_DECADES, (
        f"at D={distance}, step {steps[worst]}: RNN subject gradient 10^{rnn[worst]:.2f} is only "
        f"{gap.min():.2f} decades below the LSTM's 10^{lstm[worst]:.2f}; gap at every step: "
        f"{dict(zip(steps, np.round(gap, 2).tolist()))}")
    return float(gap.min()), case


@pytest.mark.claim("Q11")
def test_fast_subject_gradient_stays_vanished_during_training():
    """At the long distance, at every recorded training step, the RNN's gradient reaching the
    subject stays ≥ 3 decades below the LSTM's: training does not bring the signal back."""
    result = fast_experiment()
    payload = agreement.training_payload(result)
    record_data("agreement_training", payload)
    steps = payload["steps"]
    assert steps[0] == 0 and steps[-1] == agreement.FAST_CONFIG.steps, f"recorded steps {steps}"
    smallest, case = check_vanished_during_training(payload, agreement.FAST_DISTANCES[1])
    observe("Q11", DURING_TRAINING_GAP_DECADES - smallest, {"version": "fast", **case})


def _trained_rnns(result):
    return [(k, m) for k, m in result["models"].items() if k[0] == "rnn"]


@pytest.mark.claim("Q9")
def test_foundation_bounds_hold_on_trained_weights():
    """U1, U2, L1, L2 against theory.lag_profile of the trained nn.RNN on a real sequence."""
    config = agreement.FAST_CONFIG
    worst = []
    for (kind, D, seed), model in _trained_rnns(fast_experiment()):
        arrays = agreement.trained_rnn_arrays(model)
        W, U, b = arrays["W"], arrays["U"], arrays["b"]
        x, _ = agreement.make_sequences(D, 2, n_fillers=config.n_fillers, seed=config.test_seed)
        for seq in x:
            profile = theory.lag_profile(W, "tanh", inputs=seq, U=U, b=b)
            T, n = profile.T, W.shape[0]
            lags = T - np.arange(T + 1)
            tol = rounding_tolerance(lags, n)
            case = {"kind": kind, "distance": D, "seed": seed, "T": T, "n": n,
                    "spectral_norm": theory.spectral_norm(W)}
            radius = theory.reachable_preactivation_radius(W, "tanh", U=U, b=b, inputs=seq)
            checks = {
                "U1": theory.log_upper_bound(W, "tanh", lags),
                "U2": theory.log_trajectory_upper_bound(W, "tanh", profile.preactivations),
            }
            for name, bound in checks.items():
                assert_log_le(profile.log_norms, bound, tol, case, f"{name} on trained weights")
                worst.append(np.max(profile.log_norms[:-1] - bound[:-1]))
            lowers = {
                "L1": theory.log_trajectory_lower_bound(W, "tanh", profile.preactivations),
                "L2": theory.log_lower_bound(W, "tanh", lags, radius=radius),
            }
            for name, bound in lowers.items():
                assert_log_le(bound, profile.log_norms, tol, case, f"{name} on trained weights")
                finite = np.isfinite(bound[:-1])
                if finite.any():
                    worst.append(np.max(bound[:-1][finite] - profile.log_norms[:-1][finite]))
            observe("Q9", max(worst), case, violated=False)  # asserted above, within tolerance


@pytest.mark.claim("Q6")
def test_input_sensitivity_bound_on_trained_weights():
    """‖∂L_T/∂x_k‖ ≤ ‖g_T‖·γ‖U‖₂·(γ‖W‖₂)^{T−k} for the trained agreement RNNs."""
    config = agreement.FAST_CONFIG
    rows = []
    for (kind, D, seed), model in _trained_rnns(fast_experiment()):
        arrays = agreement.trained_rnn_arrays(model)
        rnn, readout = bptt_measurement.rnn_modules(
            arrays["W"], arrays["U"], arrays["b"],
            model.readout.weight.detach().numpy(), model.readout.bias.detach().numpy(),
        )
        x, y = agreement.make_sequences(D, 3, n_fillers=config.n_fillers, seed=config.test_seed)
        for seq, label in zip(x, y):
            g = bptt_measurement.input_gradients(rnn, readout, seq, int(label))
            T = seq.shape[0]
            with np.errstate(divide="ignore"):
                measured = np.log(np.linalg.norm(g["inputs"], axis=1))
            g_norm = float(np.linalg.norm(g["grad_output"]))
            lags = T - np.arange(1, T + 1)
            bound = bptt.log_input_sensitivity_bound(arrays["W"], arrays["U"], "tanh", lags, grad_norm=g_norm)
            case = {"kind": kind, "distance": D, "seed": seed, "label": int(label), "trained": True}
            tol = rounding_tolerance(lags, arrays["W"].shape[0])
            assert_log_le(measured, bound, tol, case, "input sensitivity (trained)")
            _, pre = bptt_measurement.run_states(rnn, seq)
            traj = bptt.log_input_sensitivity_trajectory_bound(
                arrays["W"], arrays["U"], "tanh", pre, grad_norm=g_norm
            )
            assert_log_le(measured, traj, tol + saturation_tolerance(pre), case,
                          "input sensitivity, trajectory bound (trained)")
            gap = np.where(np.isfinite(measured), measured - bound, -np.inf)
            observe("Q6", float(gap.max()), case, violated=False)  # asserted above
            rows.append({"distance": D, "subject_log10_grad": float(measured[0] / np.log(10)),
                         "subject_log10_bound": float(bound[0] / np.log(10)),
                         "subject_log10_trajectory_bound": float(traj[0] / np.log(10))})
    record_data("input_sensitivity_trained", rows)


def test_training_is_deterministic():
    """Same seeds → same numbers: two trainings from the same seed agree bit for bit."""
    config = replace(agreement.FAST_CONFIG, steps=15, n_grad=8)
    runs = [agreement.train_model(kind, 4, 7, config) for kind in ("rnn", "lstm") for _ in range(2)]
    for a, b in (runs[0:2], runs[2:4]):
        for (name, p), q in zip(a[0].named_parameters(), b[0].parameters()):
            assert np.array_equal(p.detach().numpy(), q.detach().numpy()), f"{name} differs"
        assert a[1]["subject_grad_trained"] == b[1]["subject_grad_trained"]
    other, _ = agreement.train_model("rnn", 4, 8, config)
    assert not np.array_equal(other.rnn.weight_hh_l0.detach().numpy(),
                              runs[0][0].rnn.weight_hh_l0.detach().numpy())
    x1, y1 = agreement.make_sequences(5, 10, seed=3)
    x2, y2 = agreement.make_sequences(5, 10, seed=3)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)


def test_sequences_encode_the_task():
    x, y = agreement.make_sequences(6, 20, n_fillers=3, seed=0)
    vocab = agreement.vocabulary(3)
    assert x.shape == (20, 8, len(vocab))
    assert np.all(x.sum(axis=2) == 1.0)
    assert np.array_equal(x[:, 0, :2].argmax(axis=1), y)  # subject carries the number
    assert np.all(x[:, -1, -1] == 1.0)  # verb slot last
    assert np.all(x[:, 1:-1, :2] == 0.0) and np.all(x[:, 1:-1, -1] == 0.0)  # fillers only
    assert y.sum() == 10  # balanced


def test_wilson_interval_coverage_and_edges():
    lo, hi = agreement.wilson_interval(0, 10, 0.95)
    assert lo == 0.0 and 0.0 < hi < 0.35
    lo, hi = agreement.wilson_interval(10, 10, 0.95)
    assert hi == 1.0 and lo > 0.65
    # Exact coverage for p = 0.5, n = 400: the probability that the 99 % interval misses 0.5.
    from math import comb

    miss = sum(comb(400, k) for k in range(401)
               if not (lambda i: i[0] <= 0.5 <= i[1])(agreement.wilson_interval(k, 400, 0.99)))
    assert miss / 2**400 <= 0.011


@pytest.mark.meta
def test_meta_swapped_models_are_caught():
    """The separation check fails when the claim is reversed (RNN and LSTM swapped)."""
    result = fast_experiment()
    swapped = {**result, "rnn": result["lstm"], "lstm": result["rnn"]}
    with pytest.raises(AssertionError):
        check_separation(swapped, agreement.FAST_DISTANCES[1])
    with pytest.raises(AssertionError):  # nor do both models learn at the far distance
        check_both_learn(result, agreement.FAST_DISTANCES[1])


@pytest.mark.meta
def test_meta_gradient_recovering_during_training_is_caught():
    """Q11's check fails if the RNN's subject gradient had come back during training (lifted
    to 2 decades below the LSTM's at one step), and if the models were swapped."""
    payload = agreement.training_payload(fast_experiment())
    j = payload["distances"].index(agreement.FAST_DISTANCES[1])
    recovered = [list(row) for row in payload["rnn"]]
    recovered[j][len(recovered[j]) // 2] = payload["lstm"][j][len(recovered[j]) // 2] / 100.0
    with pytest.raises(AssertionError, match="decades below"):
        check_vanished_during_training({**payload, "rnn": recovered}, agreement.FAST_DISTANCES[1])
    swapped = {**payload, "rnn": payload["lstm"], "lstm": payload["rnn"]}
    with pytest.raises(AssertionError, match="decades below"):
        check_vanished_during_training(swapped, agreement.FAST_DISTANCES[1])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: agreement.run_experiment([2], 1, record_every=0), "record_every"),
        (lambda: agreement.training_payload({"distances": [2]}), "record_every"),
        (lambda: agreement.make_sequences(-1, 4), "distance"),
        (lambda: agreement.make_sequences(3, 0), "n must be"),
        (lambda: agreement.vocabulary(0), "n_fillers"),
        (lambda: agreement.AgreementConfig(hidden_size=0), "hidden_size"),
        (lambda: agreement.AgreementConfig(learning_rate=-1.0), "learning_rate"),
        (lambda: agreement.build_model("gru"), "kind"),
        (lambda: agreement.wilson_interval(5, 3), "successes"),
        (lambda: agreement.wilson_interval(1, 3, 1.5), "confidence"),
        (lambda: agreement.run_experiment([2], 0), "seeds"),
        (lambda: agreement.trained_rnn_arrays(agreement.build_model("lstm")), "vanilla RNN"),
    ],
)
def test_bad_input_raises(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------------------------------
# The full experiment: pytest -m slow
# ---------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.claim("Q10")
def test_full_agreement_experiment():
    result = agreement.run_experiment(
        agreement.SLOW_DISTANCES, agreement.SLOW_SEEDS, agreement.SLOW_CONFIG,
        record_every=agreement.SLOW_RECORD_EVERY,
    )
    # Sensitivity: the same recipe with a 10× larger learning rate at the largest distance.
    fast_lr = replace(agreement.SLOW_CONFIG, learning_rate=1e-2)
    sensitivity = agreement.run_experiment(
        [max(agreement.SLOW_DISTANCES)], agreement.SLOW_SEEDS, fast_lr
    )
    _record(result, "full")
    record_data("agreement_training", agreement.training_payload(result))
    lr_payload = {
        **agreement.accuracy_payload(sensitivity),
        **agreement.details_payload(sensitivity, "full, learning rate 1e-2"),
    }
    record_data("agreement_lr_sensitivity", lr_payload)
    try:
        _check_full(result)
    except AssertionError:
        _write_full_json(result, lr_payload, "failed")
        raise
    _write_full_json(result, lr_payload, "passed")


FULL_JSON = os.path.join("reports", "experiments", "agreement_full.json")
FULL_NODE = "tests/test_agreement.py::test_full_agreement_experiment"


def _write_full_json(result, lr_payload, outcome):
    """reports/experiments/agreement_full.json, in the results.json layout ("claims", "data"), so that
    ``python -m theory.report.answer reports/results.json OUT --also reports/experiments/agreement_full.json``
    merges the full experiment into the answer page. Written after the assertions ran."""
    os.makedirs(os.path.dirname(FULL_JSON), exist_ok=True)
    doc = {
        "schema": "rnn-gradient-theory/agreement-full",
        "claims": [{"id": cid, "tests": [{"nodeid": FULL_NODE, "outcome": outcome}]}
                   for cid in ("Q10",)],
        "data": {
            "agreement_accuracy": agreement.accuracy_payload(result),
            "agreement_details": agreement.details_payload(result, "full"),
            "agreement_training": agreement.training_payload(result),
            "agreement_lr_sensitivity": lr_payload,
        },
    }
    with open(FULL_JSON, "w") as fh:
        json.dump(doc, fh, indent=1)


def _check_full(result):
    distances = result["distances"]
    check_both_learn(result, distances[0])
    # The RNN is not learned at the largest distance...
    i = len(distances) - 1
    assert result["rnn"]["ci_high"][i] <= NOT_LEARNED, f"RNN at D={distances[i]}: {result['rnn']}"
    # ... and there is a distance ≥ 20 where the LSTM has learned and the RNN has not.
    separated = []
    for D in distances:
        try:
            check_separation(result, D)
            separated.append(D)
        except AssertionError:
            pass
    assert any(D >= 20 for D in separated), f"no separation at D ≥ 20: rnn {result['rnn']}, lstm {result['lstm']}"
    # At initialisation the RNN's subject gradient falls with D (geometric mean over seeds).
    g = np.log10(result["subject_grad"]["rnn"])
    assert g[0] - g[-1] >= 10, f"RNN subject gradient (log10) against D: {g.tolist()}"
    observe("Q10", result["rnn"]["ci_high"][i] - LEARNED, {"version": "full", "separated": separated,
                                                          "log10_subject_grad": g.tolist()})
