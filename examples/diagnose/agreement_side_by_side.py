"""The agreement experiment's RNN and LSTM, trained alike and diagnosed side by side.

Both models read "cat/cats, 30 filler words, <verb>" and must predict "was/were" at the verb
slot (``theory.experiments.agreement``). They are trained with the same recipe and budget
(hidden size 16, 400 Adam steps of 32 sequences, gradient clipping); then ``theory.diagnose``
runs each on 50 held-out sequences and says why one carries the subject to the verb and the
other does not. Runs in well under a minute on one core, deterministic:

    python examples/diagnose/agreement_side_by_side.py

Writes docs/figures/diagnose_agreement_rnn.png/.svg, diagnose_agreement_lstm.png/.svg and
diagnose_agreement_side_by_side.png/.svg (both models' measured curves on shared axes).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import torch
from matplotlib.figure import Figure

import theory
from theory.experiments.agreement import AgreementConfig, evaluate, make_sequences, train_model
from theory.measurement.diagnose_figure import COLOURS, DPI, RC

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "figures"
DISTANCE, SEED = 30, 0
CONFIG = AgreementConfig(hidden_size=16, steps=400, batch_size=32, n_grad=20, n_test=200)


def main():
    torch.set_num_threads(1)
    x, y = make_sequences(DISTANCE, 200, seed=CONFIG.test_seed)
    subject_lag = x.shape[1] - 1  # the subject is the first token, the verb slot the last
    summary, diagnoses = [], {}
    for kind in ("rnn", "lstm"):
        model, _ = train_model(kind, DISTANCE, SEED, CONFIG)
        correct, total = evaluate(model, x, y)
        diagnosis = theory.diagnose(model, x[:50])
        print(f"=== trained {kind.upper()}: {correct}/{total} held-out verbs right ===")
        print(diagnosis, end="\n\n")
        diagnosis.figure(FIGURES / f"diagnose_agreement_{kind}")
        diagnoses[kind.upper()] = (diagnosis, correct / total)
        layer = diagnosis.layers[0]
        summary.append((kind.upper(), correct / total, float(layer.lyapunov_exponents[0]),
                        float(diagnosis.input_sensitivity[subject_lag])))
    print(f"{'model':<6}{'accuracy':>10}{'top λ':>10}{'log‖∂y_T/∂x_subject‖':>24}")
    for kind, accuracy, top, reach in summary:
        print(f"{kind:<6}{accuracy:>10.2f}{top:>10.3f}{reach:>24.2f}")
    side_by_side(diagnoses, subject_lag)


def side_by_side(diagnoses, subject_lag):
    """Both models on shared axes: the state's gradient by lag, and the output's dependence on
    each input position, with the subject marked."""
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(15.0, 6.0), layout="constrained")
        left, right = fig.subplots(1, 2)
        for colour, (name, (d, accuracy)) in zip(COLOURS, diagnoses.items()):
            label = f"{name} (accuracy {accuracy:.2f}, top λ = {d.layers[0].lyapunov_exponents[0]:.2f})"
            left.plot(d.layers[0].lag_profile, color=colour, label=label)
            right.plot(np.arange(len(d.input_sensitivity)), d.input_sensitivity, color=colour, label=name)
        right.axvline(subject_lag, color="#444444", linestyle=":", linewidth=1.5)
        right.annotate("subject", (subject_lag, 0.5), xycoords=("data", "axes fraction"),
                       ha="right", va="center", rotation=90, fontsize=13, color="#444444")
        left.set_xlabel(r"lag $\ell$ (steps)")
        left.set_ylabel(r"$\log\,\|\partial s_T / \partial s_{T-\ell}\|_2$")
        left.set_title("Gradient through the recurrent state")
        left.legend(loc="lower left")
        right.set_xlabel(r"lag $\ell = T - k$ (steps)")
        right.set_ylabel(r"$\log\,\|\partial y_T / \partial x_k\|_2$")
        right.set_title("How strongly the output depends on each input")
        right.legend(loc="lower left")
        fig.suptitle(f"Agreement at distance {DISTANCE}: trained RNN and LSTM, same recipe and budget",
                     fontsize=17, fontweight="bold")
        stem = FIGURES / "diagnose_agreement_side_by_side"
        fig.savefig(stem.with_suffix(".png"), dpi=DPI, metadata={"Software": None})
        fig.savefig(stem.with_suffix(".svg"), metadata={"Date": None, "Creator": None})


if __name__ == "__main__":
    main()
