"""The agreement experiment: "The cat(s), which ..., was/were hungry".

A subject token (singular or plural), D filler tokens, then a verb slot where the model
predicts *was* or *were*. torch.nn.RNN (tanh) and torch.nn.LSTM of the same hidden size are
trained with the same recipe and budget (theory.experiments.agreement.train_model); every
seed's accuracy on held-out sequences gets its own 99 % Wilson interval, and the gradient
reaching the subject token is measured by autograd at initialisation and during training.

The fast version (default) trains one seed at D ∈ {2, 30}, hidden size 8, 300 steps; the
full experiment (marked slow; it runs in the full run, ``pytest -m ""``) trains 5 seeds at
D ∈ {2, 5, 10, 20, 30, 45, 60}, hidden size 16, 1500 steps.

Statistics. All seeds are tested on the same held-out sequences, so each seed is judged on
its own: a seed has learned when its 99 % Wilson interval's lower end is ≥ 0.9 and is near
chance when its upper end is ≤ 0.75 (chance is 0.5). With n = 500 test sequences that means
≥ 468 correct (accuracy ≥ 0.936) and ≤ 350 correct (≤ 0.70). False alarm: at the accuracies
measured (≥ 0.98 or ≤ 0.56) a verdict flips with binomial probability below 5e-9 per seed
(scipy.stats.binom), below 1e-6 over the 70 seed runs of the full experiment. Power: a seed
whose true accuracy is only 0.9 is called learned with probability 0.003, and one at 0.75 is
called near chance with probability 0.006, so an error of 0.04 to 0.05 in the verdict's
direction is caught. Training itself is deterministic (seeded torch initialisation, seeded
numpy data, one thread), so each run of the test gives the same numbers.
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

LEARNED = 0.9  # a seed's Wilson lower end at or above this: that seed has learned the agreement
NOT_LEARNED = 0.75  # a seed's Wilson upper end at or below this: that seed has not (chance is 0.5)


@lru_cache(maxsize=None)
def fast_experiment():
    return agreement.run_experiment(
        agreement.FAST_DISTANCES, agreement.FAST_SEEDS, agreement.FAST_CONFIG, keep_models=True,
        record_every=agreement.FAST_RECORD_EVERY,
    )


def seed_intervals(result, kind, distance):
    """The per-seed 99 % Wilson intervals of ``kind`` at ``distance``, as text for messages."""
    i = result["distances"].index(distance)
    cells = result["per_seed"][kind]
    return ", ".join(f"seed {s}: {a:.3f} [{lo:.3f}, {hi:.3f}]" for s, (a, lo, hi) in enumerate(
        zip(cells["accuracy"][i], cells["ci_low"][i], cells["ci_high"][i])))


def count_seeds(result, kind, distance):
    """(seeds whose Wilson lower end ≥ LEARNED, seeds whose upper end > NOT_LEARNED) at D."""
    i = result["distances"].index(distance)
    cells = result["per_seed"][kind]
    return (sum(lo >= LEARNED for lo in cells["ci_low"][i]),
            sum(hi > NOT_LEARNED for hi in cells["ci_high"][i]))


def check_separation(result, distance, allowed_exceptions=0):
    """At ``distance``: every LSTM seed has learned (Wilson low ≥ 0.9) and every RNN seed has
    not (Wilson high ≤ 0.75), up to ``allowed_exceptions`` seeds in all; returns the counts."""
    s = result["seeds"]
    lstm_learned, _ = count_seeds(result, "lstm", distance)
    _, rnn_above_chance = count_seeds(result, "rnn", distance)
    exceptions = (s - lstm_learned) + rnn_above_chance
    assert exceptions <= allowed_exceptions, (
        f"at D={distance}: LSTM learned in {lstm_learned} of {s} seeds "
        f"({seed_intervals(result, 'lstm', distance)}); RNN above chance in {rnn_above_chance} "
        f"of {s} ({seed_intervals(result, 'rnn', distance)}); {exceptions} exceptions, "
        f"{allowed_exceptions} allowed")
    return lstm_learned, s - rnn_above_chance


def check_both_learn(result, distance):
    """At ``distance`` every seed of both models has learned (Wilson low ≥ 0.9)."""
    for kind in ("rnn", "lstm"):
        learned, _ = count_seeds(result, kind, distance)
        assert learned == result["seeds"], (
            f"{kind} learned in only {learned} of {result['seeds']} seeds at D={distance}: "
            f"{seed_intervals(result, kind, distance)}")


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
    """At ``distance``, at every recorded step, log10 of the smallest LSTM seed's subject
    gradient minus log10 of the largest RNN seed's ≥ the gap (with one seed: the two seeds');
    returns the smallest gap (decades) and the case where it occurs."""
    j = payload["distances"].index(distance)
    steps = payload["steps"]
    rnn = np.log10(np.asarray(payload["per_seed"]["rnn"][j])).max(axis=0)
    lstm = np.log10(np.asarray(payload["per_seed"]["lstm"][j])).min(axis=0)
    gap = lstm - rnn
    worst = int(np.argmin(gap))
    case = {"distance": distance, "step": steps[worst], "seeds": payload["seeds"],
            "log10_largest_rnn_seed": float(rnn[worst]), "log10_smallest_lstm_seed": float(lstm[worst])}
    assert gap.min() >= DURING_TRAINING_GAP_DECADES, (
        f"at D={distance}, step {steps[worst]}: the largest RNN seed's subject gradient 10^{rnn[worst]:.2f} "
        f"is only {gap.min():.2f} decades below the smallest LSTM seed's 10^{lstm[worst]:.2f}; gap at "
        f"every step: {dict(zip(steps, np.round(gap, 2).tolist()))}")
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


#: Draws of PyTorch's default initialisation per hidden size in the recorded spectra.
INIT_DRAWS = 200


def test_default_init_spectra_recorded():
    """‖W‖₂, ρ(W) and σ_min(W) of the agreement RNN's recurrent matrix at PyTorch's default
    initialisation (entries uniform on ±1/√n, variance 1/(3n)), seeds 0..199, n = 8 and 16.

    By the circular law ρ(W) → 1/√3 ≈ 0.577 and by Bai–Yin ‖W‖₂ → 2/√3 ≈ 1.155 as n grows;
    at n = 8 and 16 the norm straddles 1, which is why the pages say how often it is above 1
    rather than "slightly above 1". Checked: every draw has ρ(W) < 1 (so the linear picture of
    point 6/7 decays) and the median ρ(W) is within 0.1 of 1/√3."""
    payload = {"draws": INIT_DRAWS, "init": "PyTorch default (uniform ±1/√n)"}
    for n in (8, 16):
        config = replace(agreement.SLOW_CONFIG, hidden_size=n)
        W = [agreement.trained_rnn_arrays(agreement.build_model("rnn", config, seed))["W"]
             for seed in range(INIT_DRAWS)]
        norms = np.array([theory.spectral_norm(w) for w in W])
        radii = np.array([theory.spectral_radius(w) for w in W])
        smallest = np.array([np.linalg.svd(w, compute_uv=False)[-1] for w in W])
        assert radii.max() < 1, f"n={n}: ρ(W) = {radii.max():.3f} ≥ 1 at seed {int(radii.argmax())}"
        assert abs(np.median(radii) - 3 ** -0.5) < 0.1, f"n={n}: median ρ(W) {np.median(radii):.3f}"
        payload[str(n)] = {"fraction_norm_above_1": float((norms > 1).mean()),
                           "median_norm": float(np.median(norms)),
                           "median_spectral_radius": float(np.median(radii)),
                           "max_spectral_radius": float(radii.max()),
                           "median_sigma_min": float(np.median(smallest))}
    record_data("default_init_spectra", payload)


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
    per_seed = result["per_seed"]
    swapped = {**result, "per_seed": {"rnn": per_seed["lstm"], "lstm": per_seed["rnn"]}}
    with pytest.raises(AssertionError, match="exceptions"):
        check_separation(swapped, agreement.FAST_DISTANCES[1])
    with pytest.raises(AssertionError):  # nor do both models learn at the far distance
        check_both_learn(result, agreement.FAST_DISTANCES[1])


@pytest.mark.meta
def test_meta_gradient_recovering_during_training_is_caught():
    """Q11's check fails if the RNN's subject gradient had come back during training (lifted
    to 2 decades below the LSTM's at one step), and if the models were swapped."""
    payload = agreement.training_payload(fast_experiment())
    j = payload["distances"].index(agreement.FAST_DISTANCES[1])
    rnn, lstm = payload["per_seed"]["rnn"], payload["per_seed"]["lstm"]
    recovered = [[list(row) for row in seeds] for seeds in rnn]
    middle = len(recovered[j][0]) // 2
    recovered[j][0][middle] = lstm[j][0][middle] / 100.0
    with pytest.raises(AssertionError, match="decades below"):
        check_vanished_during_training({**payload, "per_seed": {"rnn": recovered, "lstm": lstm}},
                                       agreement.FAST_DISTANCES[1])
    swapped = {**payload, "per_seed": {"rnn": lstm, "lstm": rnn}}
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
        [max(agreement.SLOW_DISTANCES)], agreement.SLOW_SEEDS, fast_lr,
        record_every=agreement.SLOW_RECORD_EVERY,
    )
    _record(result, "full")
    record_data("agreement_training", agreement.training_payload(result))
    lr_payload = {
        **agreement.accuracy_payload(sensitivity),
        **agreement.details_payload(sensitivity, "full, learning rate 1e-2"),
        "training": agreement.training_payload(sensitivity),
    }
    record_data("agreement_lr_sensitivity", lr_payload)
    _check_full(result)


#: Decades the RNN's subject gradient at initialisation must fall, in every seed, from the
#: shortest to the longest distance. With PyTorch's default init ρ(W) ≈ 1/√3 and the fall
#: over 58 extra steps is about 58·log10(√3) ≈ 14 decades (measured: 13.5 to 17.8 over the 5
#: seeds); 10 fails for any gradient that does not vanish geometrically.
FULL_GRADIENT_FALL_DECADES = 10.0


def _full_verdicts(result):
    """Q10 seed by seed: both models learn at the shortest D in every seed; at the longest D
    no RNN seed is above chance; at some D ≥ 20 every LSTM seed learned and no RNN seed did,
    up to one exception among the 2·seeds runs; in every seed the RNN's subject gradient at
    initialisation falls ≥ 10 decades from the shortest to the longest D. Returns the
    separated distances (with their counts) and the per-seed falls."""
    distances, s = result["distances"], result["seeds"]
    check_both_learn(result, distances[0])
    _, rnn_above_chance = count_seeds(result, "rnn", distances[-1])
    assert rnn_above_chance == 0, (
        f"RNN above chance in {rnn_above_chance} of {s} seeds at D={distances[-1]}: "
        f"{seed_intervals(result, 'rnn', distances[-1])}")
    separated = {}
    for D in distances:
        try:
            separated[D] = check_separation(result, D, allowed_exceptions=1)
        except AssertionError:
            pass
    assert any(D >= 20 for D in separated), (
        f"no D ≥ 20 where the LSTM learned and the RNN did not in all but one of the "
        f"{2 * s} runs: " + "; ".join(f"D={D}: RNN {seed_intervals(result, 'rnn', D)}, LSTM "
                                      f"{seed_intervals(result, 'lstm', D)}" for D in distances))
    g = np.log10(np.asarray(result["per_seed"]["rnn"]["subject_grad"]))  # [D][seed]
    fall = g[0] - g[-1]
    assert fall.min() >= FULL_GRADIENT_FALL_DECADES, (
        f"RNN subject gradient at init fell only {fall.min():.2f} decades from D={distances[0]} "
        f"to D={distances[-1]} in seed {int(fall.argmin())}; per seed: {np.round(fall, 2).tolist()}")
    return separated, fall


def _check_full(result):
    separated, fall = _full_verdicts(result)
    i = len(result["distances"]) - 1
    observe("Q10", result["rnn"]["ci_high"][i] - LEARNED,
            {"version": "full", "separated": {str(D): list(c) for D, c in separated.items()},
             "learned_seeds": result["learned_seeds"], "seeds": result["seeds"],
             "log10_subject_grad_fall_per_seed": fall.tolist()})


COMMITTED_FULL_RUN = os.path.join(os.path.dirname(__file__), os.pardir, "docs", "data", "results_full.json")


def test_committed_full_experiment_holds_seed_by_seed():
    """The full run the pages cite (docs/data/results_full.json, a ``pytest -m ""`` run's
    results.json trimmed to what the pages read) ran the slow experiment and it passed; it has
    at least 5 seeds, and its data meet Q10's per-seed verdicts and Q11's at the recipe's
    learning rate: at the longest D, at every recorded step, the largest RNN seed's subject
    gradient is ≥ 3 decades below the smallest LSTM seed's."""
    with open(COMMITTED_FULL_RUN, encoding="utf-8") as fh:
        doc = json.load(fh)
    q10 = [c for c in doc["claims"] if c["id"] == "Q10"]
    outcomes = [t["outcome"] for c in q10 for t in c["tests"]]
    assert outcomes == ["passed"], f"the committed full run's Q10 outcome: {outcomes}"
    data = doc["data"]
    result = {**data["agreement_accuracy"], "per_seed": data["agreement_details"]["per_seed"]}
    assert result["seeds"] >= 5, f"the committed full run has {result['seeds']} seeds, fewer than 5"
    _full_verdicts(result)
    training = data["agreement_training"]
    check_vanished_during_training(training, training["distances"][-1])
