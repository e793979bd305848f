"""Rendering: figures, REPORT.md, claims.tex, and `python -m theory.report`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.report_fixtures import DATA_PAIRS, synthetic_results
from theory.report.__main__ import main
from theory.report.figures import FIGURES, draw_all
from theory.report.latex import render_latex, to_latex
from theory.report.markdown import render_markdown
from theory.report.render import write_report

ROOT = Path(__file__).resolve().parents[1]

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


def test_markdown_shows_failure_blob_and_citation():
    r = synthetic_results()
    text = render_markdown(r, {}, {"mean_field_rates": "no data recorded in this run"})
    assert "**RUN FAILED**" in text, f"no FAILED banner in:\n{text[:500]}"
    assert "@reproduce_failure('6.155.2', b'AEE8')" in text, "reproduction blob missing"
    assert "Falsifying example: test_b1(" in text, "counterexample missing"
    assert "Claim A1 — " in text and "verified on 16 Hypothesis examples, 0 violations" in text, (
        f"citation sentence missing:\n{text}")
    assert "git checkout abc1234def" in text, "reproduction commands missing"
    assert "\\|every\\|" in text, "pipes in the statement are not escaped in the table"


def test_partial_run_is_flagged_everywhere():
    r = synthetic_results(scope="partial", exit_status=0, outcomes={})
    md, tex = render_markdown(r), render_latex(r)
    assert "**PARTIAL RUN**" in md, f"no partial banner:\n{md[:600]}"
    assert "% PARTIAL RUN" in tex, f"no partial note in claims.tex:\n{tex[:400]}"
    statuses = {c["status"] for c in r["claims"]}
    assert statuses == {"not run"}, f"a partial run with no outcomes gave statuses {statuses}"


def test_latex_is_ascii_and_balanced():
    tex = render_latex(synthetic_results())
    non_ascii = sorted({ch for ch in tex if ord(ch) > 127})
    assert not non_ascii, f"claims.tex has non-ASCII characters {non_ascii}"
    body = tex.replace("\\{", "").replace("\\}", "")
    assert body.count("{") == body.count("}"), "unbalanced braces in claims.tex"
    assert to_latex("50% & a_{t−1} ≤ γ") == "50\\% \\& a\\ensuremath{_{t-1}} \\ensuremath{\\le} \\ensuremath{\\gamma}", (
        to_latex("50% & a_{t−1} ≤ γ"))


def test_cli_rerenders_and_reports_bad_input(tmp_path, capsys):
    results = synthetic_results(data_pairs=[("t::x", {"critical_line": PAYLOADS["critical_line"]})])
    write_report(results, tmp_path / "reports")
    (tmp_path / "reports" / "REPORT.md").unlink()
    (tmp_path / "reports" / "figures" / "critical_line.png").unlink()
    status = main([str(tmp_path / "reports" / "results.json")])
    assert status == 0, f"re-render exit status {status}: {capsys.readouterr()}"
    assert (tmp_path / "reports" / "REPORT.md").exists() and (tmp_path / "reports" / "figures" / "critical_line.png").exists(), (
        f"not re-rendered: {sorted(p.name for p in (tmp_path / 'reports').rglob('*'))}")
    report_md = (tmp_path / "reports" / "REPORT.md").read_text(encoding="utf-8")
    assert "](figures/critical_line.png)" in report_md, "REPORT.md does not show the figure"
    again = json.loads((tmp_path / "reports" / "results.json").read_text())
    assert again == json.loads(json.dumps(results)), "re-rendering changed results.json"

    assert main([str(tmp_path / "missing.json")]) == 2, "a missing file must exit with status 2"
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{not json")
    assert main([str(tmp_path / "bad.json")]) == 2, "invalid JSON must exit with status 2"
    (tmp_path / "wrong.json").write_text(json.dumps({"schema": "something else"}))
    assert main([str(tmp_path / "wrong.json")]) == 2, "a schema mismatch must exit with status 2"
    assert "do not match schema" in capsys.readouterr().err


def test_cli_as_a_module_exits_2_without_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "theory.report", str(tmp_path / "nope.json")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr, (
        f"exit {done.returncode}, stderr:\n{done.stderr}")


@pytest.mark.parametrize("module", ["theory.report.answer"])
def test_answer_is_written_when_the_module_exists(tmp_path, monkeypatch, module):
    import types

    fake = types.ModuleType(module)
    fake.render = lambda results: f"# Answer\n\n{results['summary']['verified']} verified\n"
    monkeypatch.setitem(sys.modules, module, fake)
    write_report(synthetic_results(data_pairs=[]), tmp_path / "r")
    text = (tmp_path / "r" / "ANSWER.md").read_text()
    assert text == "# Answer\n\n1 verified\n", f"ANSWER.md: {text!r}"
