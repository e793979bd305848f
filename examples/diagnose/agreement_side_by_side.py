"""The agreement experiment's RNN and LSTM, trained alike and diagnosed side by side.

Both models read "cat/cats, 30 filler words, <verb>" and must predict "was/were" at the verb
slot (``theory.experiments.agreement``). They are trained with the same recipe and budget
(hidden size 16, 400 Adam steps of 32 sequences, gradient clipping); then ``theory.diagnose``
runs each on 50 held-out sequences and says why one carries the subject to the verb and the
other does not. Runs in well under a minute on one core, deterministic:

    python examples/diagnose/agreement_side_by_side.py

Writes docs/figures/diagnose_agreement_rnn.png/.svg and diagnose_agreement_lstm.png/.svg.
"""

from __future__ import annotations

from pathlib import Path

import torch

import theory
from theory.experiments.agreement import AgreementConfig, evaluate, make_sequences, train_model

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "figures"
DISTANCE, SEED = 30, 0
CONFIG = AgreementConfig(hidden_size=16, steps=400, batch_size=32, n_grad=20, n_test=200)


def main():
    torch.set_num_threads(1)
    x, y = make_sequences(DISTANCE, 200, seed=CONFIG.test_seed)
    subject_lag = x.shape[1] - 1  # the subject is the first token, the verb slot the last
    summary = []
    for kind in ("rnn", "lstm"):
        model, _ = train_model(kind, DISTANCE, SEED, CONFIG)
        correct, total = evaluate(model, x, y)
        diagnosis = theory.diagnose(model, x[:50])
        print(f"=== trained {kind.upper()}: {correct}/{total} held-out verbs right ===")
        print(diagnosis, end="\n\n")
        diagnosis.figure(FIGURES / f"diagnose_agreement_{kind}")
        layer = diagnosis.layers[0]
        summary.append((kind.upper(), correct / total, float(layer.lyapunov_exponents[0]),
                        float(diagnosis.input_sensitivity[subject_lag])))
    print(f"{'model':<6}{'accuracy':>10}{'top λ':>10}{'log‖∂y_T/∂x_subject‖':>24}")
    for kind, accuracy, top, reach in summary:
        print(f"{kind:<6}{accuracy:>10.2f}{top:>10.3f}{reach:>24.2f}")


if __name__ == "__main__":
    main()
