"""The report figures: every figure drawn from its payload, bad payloads skipped with a reason."""

from __future__ import annotations

from tests.report_fixtures import DATA_PAIRS
from theory.report.figures import FIGURES, draw_all

# one small, well-formed payload per figure (the shapes the measuring tests record)
PAYLOADS = {
    "lag_profile_example": DATA_PAIRS[0][1]["lag_profile_example"],
    "mean_field_rates": {"activation": "tanh", "sigma_b": 0.1, "n": 64, "sigma_w": [0.5, 1.0, 1.5],
                         "predicted_rate": [-0.7, -0.1, 0.3], "measured_rate": [-0.68, -0.12, 0.31],
                         "measured_rate_err": [0.02, 0.02, 0.03], "critical_sigma_w": 1.1},
    "critical_line": {"activation": "tanh", "sigma_b2": [0.0, 0.5, 1.0], "critical_sigma_w2": [1.0, 1.8, 2.2]},
    "kreiss_transient": {"n": 8, "lags": [0, 1, 2, 3], "measured_log_norm": [0.0, 1.0, 1.3, 1.1],
                         "log_kreiss_lower": 0.9, "log_kreiss_upper": 3.9},
    "tied_untied": {"n": [4, 16, 64], "tied_rate": [-0.3, -0.15, -0.07], "untied_rate_measured": [-0.12, -0.03, -0.01],
                    "untied_rate_predicted": [-0.125, -0.031, -0.008], "untied_rate_stderr": [0.01, 0.005, 0.002]},
    "gated_profiles": {"hidden_size": 16, "quantity": "log gradient norm", "lags": [1, 2, 3],
                       "rnn": [-0.5, -1.0, -1.5], "lstm": [-0.1, -0.2, -0.3], "gru": [-0.2, -0.3, "-Infinity"]},
    "agreement_accuracy": {"distances": [1, 4, 16], "seeds": 3,
                           "rnn": {"mean": [0.9, 0.7, 0.5], "ci_low": [0.85, 0.6, 0.45], "ci_high": [0.95, 0.8, 0.55]},
                           "lstm": {"mean": [0.95, 0.9, 0.8], "ci_low": [0.9, 0.85, 0.7], "ci_high": [1.0, 0.95, 0.9]},
                           "subject_grad": {"rnn": [0.5, 0.01, 0.0], "lstm": [0.9, 0.7, 0.5]}},
    "agreement_training": {"distances": [2, 30], "seeds": 1, "steps": [0, 25, 50],
                           "rnn": [[0.02, 0.05, 0.03], [1e-11, 2e-11, 0.0]],
                           "lstm": [[0.02, 0.03, 0.02], [2e-4, 1e-3, "Infinity"]]},
    "bifurcation_wall": {"b": [-1.0, -0.5, 0.0, 0.5, 1.0], "log_abs_grad": [0.0, 3.0, 0.5, 3.0, 0.0],
                         "predicted_b": [-0.5, 0.5]},
}


def test_every_figure_has_a_payload_here():
    keys = {spec.key for spec in FIGURES}
    assert keys == set(PAYLOADS), f"figures {sorted(keys)} vs test payloads {sorted(PAYLOADS)}"


def test_draw_all_draws_every_figure_and_skips_bad_payloads(tmp_path):
    data = dict(PAYLOADS)
    data["kreiss_transient"] = {"n": 8, "lags": [0, 1], "measured_log_norm": [0.0]}  # malformed
    drawn, skipped = draw_all(data, tmp_path, {"critical_line": ["MF2"]})
    assert set(drawn) == set(PAYLOADS) - {"kreiss_transient"}, f"drawn {sorted(drawn)}, skipped {skipped}"
    assert skipped["kreiss_transient"].startswith("malformed payload"), f"skipped: {skipped}"
    for info in drawn.values():
        for name in (info["png"], info["svg"]):
            size = (tmp_path / name).stat().st_size
            assert size > 1000, f"{name} is only {size} bytes"
    assert not (tmp_path / "kreiss_transient.png").exists(), "a skipped figure left a file"
    assert drawn["critical_line"]["title"].startswith("Claim MF2: "), f"title: {drawn['critical_line']['title']}"
