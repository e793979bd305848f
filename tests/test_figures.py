"""Figures at slide size: every report and answer figure draws with and without its heading,
writes PNG and SVG, keeps its text at or above the style's minimum size and inside the
figure, has unique legend entries, and leaves the caller's matplotlib backend alone."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET

import matplotlib
import numpy as np
import pytest
from matplotlib.legend import Legend
from matplotlib.text import Text

from theory.report import answer, answer_figures, figures, render, style
from theory.report.jsonsafe import decode, encode

LAGS = list(range(61))
# Shapes as the measuring tests record them, with the features the figures must cope with:
# a lower bound far below the measured curve, gated cells near 0 beside a vanishing RNN,
# a wall 1e-3 wide on a grid 4 wide, a critical line known at 5 points.
PAYLOADS = {
    "lag_profile_example": {
        "lags": LAGS, "measured": [-0.6 * k for k in LAGS], "upper_a_priori": [0.4 * k for k in LAGS],
        "upper_trajectory": [0.39 * k for k in LAGS], "lower_trajectory": [-7.0 * k for k in LAGS],
        "case": "tanh, Gaussian W, n=32, T=60, ‖W‖₂=1.49"},
    "mean_field_rates": {"activation": "tanh", "sigma_b": 0.2236, "n": 64, "sigma_w": [0.6, 1.0, 1.4, 2.2],
                         "predicted_rate": [-0.55, -0.1, 0.01, 0.18], "measured_rate": [-0.56, -0.1, 0.0, 0.17],
                         "measured_rate_err": [0.01, 0.01, 0.02, 0.01], "critical_sigma_w": 1.33},
    "critical_line": {"activation": "tanh", "sigma_b2": [1e-4, 0.01, 0.05, 0.1, 0.3],
                      "critical_sigma_w2": [1.086, 1.424, 1.761, 1.986, 2.505]},
    "kreiss_transient": {"n": 6, "lags": [0, 10, 20, 30, 60], "measured_log_norm": [0.0, 3.5, 4.7, 4.2, 1.5],
                         "log_kreiss_lower": 3.69, "log_kreiss_upper": 6.48},
    "tied_untied": {"n": [1, 4, 16, 64], "tied_rate": [-0.67, -0.01, 0.05, 0.05],
                    "untied_rate_measured": [-0.64, -0.13, -0.03, -0.01],
                    "untied_rate_predicted": [-0.63, -0.13, -0.03, -0.008], "untied_rate_stderr": [0.01, 0.005, 0.002, 0.001]},
    "gated_profiles": {"hidden_size": 32, "lags": LAGS, "rnn": [-0.46 * k for k in LAGS],
                       "lstm": [-0.01 * k for k in LAGS], "gru": [-0.0001 * k for k in LAGS],
                       "quantity": "log‖∂h_T/∂s_{T−ℓ}‖₂ with s = h (RNN, GRU) or s = (h, c) (LSTM); "
                                   "weights N(0, 1/n), forget/update-gate bias 8"},
    "agreement_accuracy": {"distances": [2, 30], "seeds": 1,
                           "rnn": {"mean": [1.0, 0.51], "ci_low": [0.98, 0.45], "ci_high": [1.0, 0.57]},
                           "lstm": {"mean": [1.0, 1.0], "ci_low": [0.98, 0.98], "ci_high": [1.0, 1.0]},
                           "subject_grad": {"rnn": [0.02, 1.8e-11], "lstm": [0.02, 2.4e-4]},
                           "subject_grad_trained": {"rnn": [0.02, 1.5e-11], "lstm": [0.02, 1.4e-4]}},
    "agreement_training": {"distances": [2, 30], "seeds": 1, "steps": [0, 100, 200],
                           "rnn": [[0.02, 0.2, 0.03], [1e-11, 2e-11, 0.0]],
                           "lstm": [[0.02, 0.03, 0.02], [2e-4, 1e-3, "Infinity"]]},
    "bifurcation_wall": {"b": [-4.0 + 1e-3 * i for i in range(4001)],
                         "log_abs_grad": [6.8 - 2e3 * abs(-4.0 + 1e-3 * i + 2.612) for i in range(4001)],
                         "predicted_b": [-2.656, -2.612, -2.344]},
}
PER_SEED = {"per_seed": {"rnn": {"accuracy": [[1.0, 1.0, 1.0], [0.47, 0.53, 1.0]]},
                         "lstm": {"accuracy": [[1.0, 1.0, 1.0], [1.0, 0.48, 0.48]]}},
            "confidence": 0.99, "config": {"n_test": 500}}
LAG_CASE = {"lags": list(range(8)), "log10_term_norms": [-0.4 - 0.3 * k for k in range(8)],
            "log10_bound": [-0.4 + 0.05 * k for k in range(8)], "tail_share": [0.5 / (k + 1) for k in range(8)],
            "tail_share_bound": [1.0] * 8}
SENS_CASE = {"lags": list(range(8)), "log10_measured": [-1.0 - 0.3 * k for k in range(8)],
             "log10_bound": [-0.5 + 0.05 * k for k in range(8)],
             "log10_rho_reference": [-1.0 - 0.2 * k for k in range(8)]}
ANSWER_RESULTS = {"data": {
    "agreement_accuracy": {**PAYLOADS["agreement_accuracy"], "seeds": 3},
    "agreement_details": {"distances": [2, 30], **PER_SEED},
    "agreement_training": PAYLOADS["agreement_training"],
    "bptt_lag_shares": {**LAG_CASE, "q": 1.12, "distance": 30,
                        "rescaled": {**LAG_CASE, "q": 0.6, "log10_term_norms": [-0.5 - 0.5 * k for k in range(8)]}},
    "input_sensitivity": {**SENS_CASE, "gamma_norm_W": 1.12, "distance": 30,
                          "rescaled": {**SENS_CASE, "gamma_norm_W": 0.6}},
}}
SPECS = {spec.key: spec for spec in figures.FIGURES}


def _texts(fig):
    """(text, size, in a legend) of every visible, non-empty text of a drawn figure."""
    in_legend = set()
    for legend in fig.findobj(Legend):
        in_legend.update(id(t) for t in [*legend.get_texts(), legend.get_title()])
    return [(t.get_text(), t.get_fontsize(), id(t) in in_legend)
            for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def style_problems(fig):
    """What breaks the slide standard in a drawn figure: small text, clipped text, repeated
    legend entries. Empty when the figure is fine."""
    fig.draw_without_rendering()
    problems = []
    for text, size, legend in _texts(fig):
        least = style.MIN_LEGEND_PT if legend else style.MIN_FONT_PT
        if size < least:
            problems.append(f"{'legend ' if legend else ''}text {text!r} at {size} pt < {least} pt")
    box = fig.get_tightbbox()
    width, height = fig.get_size_inches()
    tolerance = 0.02  # inches: antialiasing of the outermost glyphs
    if box.x0 < -tolerance or box.y0 < -tolerance or box.x1 > width + tolerance or box.y1 > height + tolerance:
        problems.append(f"drawn content ({box.x0:.2f}, {box.y0:.2f}) to ({box.x1:.2f}, {box.y1:.2f}) in "
                        f"runs off the {width:.2f} × {height:.2f} in figure")
    for legend in fig.findobj(Legend):
        labels = [t.get_text() for t in legend.get_texts()]
        repeated = sorted({label for label in labels if labels.count(label) > 1})
        if repeated:
            problems.append(f"legend entries repeated: {repeated}")
    return problems


def _answer_keys():
    return answer_figures.available(ANSWER_RESULTS)


def test_every_report_figure_has_a_payload_here():
    assert set(SPECS) == set(PAYLOADS), f"figures {sorted(SPECS)} vs test payloads {sorted(PAYLOADS)}"


@pytest.mark.parametrize("titles", [True, False], ids=["titles", "slides"])
@pytest.mark.parametrize("key", sorted(PAYLOADS))
def test_report_figure_meets_the_slide_standard(key, titles):
    with figures.compose(SPECS[key], PAYLOADS[key], ["X1"], titles=titles) as fig:
        problems = style_problems(fig)
        headings = [t for t, _, _ in _texts(fig) if t.startswith("Claim X1")]
    assert not problems, f"{key} (titles={titles}): {problems}"
    assert len(headings) == (1 if titles else 0), f"{key} (titles={titles}): headings {headings}"


@pytest.mark.parametrize("titles", [True, False], ids=["titles", "slides"])
@pytest.mark.parametrize("key", ["agreement", "lag_terms", "input_sensitivity", "training"])
def test_answer_figure_meets_the_slide_standard(key, titles):
    assert key in _answer_keys(), f"the test results draw only {_answer_keys()}"
    with answer_figures.compose(key, ANSWER_RESULTS, titles=titles) as fig:
        problems = style_problems(fig)
        headings = [t for t, _, _ in _texts(fig) if t.startswith("Claim")]
        raw_tex = [t for t, _, _ in _texts(fig) if "_{" in t.replace("$", "") and t.count("$") < 2]
    assert not problems, f"{key} (titles={titles}): {problems}"
    assert len(headings) == (1 if titles else 0), f"{key} (titles={titles}): headings {headings}"
    assert not raw_tex, f"{key}: raw TeX outside mathtext: {raw_tex}"


def test_the_checks_catch_small_clipped_and_repeated_text():
    with figures.compose(SPECS["tied_untied"], PAYLOADS["tied_untied"]) as fig:
        ax = fig.axes[0]
        ax.text(0.5, 0.5, "a 7-pt label", fontsize=7, transform=ax.transAxes)
        fig.text(0.97, 0.5, "far off to the right")
        ax.plot([1, 2], [0, 0], label="tied weights (same W every step)")
        ax.legend()
        problems = style_problems(fig)
    assert any("'a 7-pt label' at 7" in p for p in problems), problems
    assert any("runs off" in p for p in problems), problems
    assert any("repeated" in p for p in problems), problems


def _written(folder, name):
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG"
    width_px = int.from_bytes(png.read_bytes()[16:20], "big")
    assert width_px >= 150 * style.SIZE[0] - 1, f"{png}: {width_px} px for {style.SIZE[0]:.2f} in (< 150 dpi)"
    assert ET.parse(svg).getroot().tag.endswith("svg"), f"{svg} is not an SVG"


def test_draw_all_writes_named_png_and_svg_and_skips_a_bad_payload(tmp_path):
    # Two figures, one of each size, and one malformed payload: every figure's drawing is
    # checked by the slide-standard tests above; this checks what draw_all adds.
    data = {key: PAYLOADS[key] for key in ("tied_untied", "gated_profiles")}
    data["kreiss_transient"] = {"n": 8, "lags": [0, 1], "measured_log_norm": [0.0]}  # malformed
    drawn, skipped = figures.draw_all(data, tmp_path, {"tied_untied": ["TU3"]})
    assert set(drawn) == {"tied_untied", "gated_profiles"}, f"drawn {sorted(drawn)}, skipped {skipped}"
    assert skipped["kreiss_transient"].startswith("malformed payload"), f"skipped: {skipped}"
    assert not (tmp_path / "kreiss_transient.png").exists(), "a skipped figure left a file"
    for info in drawn.values():
        _written(tmp_path, info["name"])
    assert drawn["tied_untied"]["title"].startswith("Claim TU3: "), drawn["tied_untied"]["title"]


def test_answer_draw_figures_writes_png_and_svg(tmp_path):
    results = {"data": {key: ANSWER_RESULTS["data"][key] for key in ("agreement_training", "bptt_lag_shares")}}
    drawn = answer_figures.draw_figures(results, tmp_path, titles=False)
    expected = {key: f"{answer_figures.FIGURES[key]}.png" for key in ("lag_terms", "training")}
    assert drawn == expected, f"drawn {drawn}, expected {expected}"
    for name in drawn.values():
        _written(tmp_path, name.removesuffix(".png"))


def test_answer_figures_keep_the_pages_names_and_a_bad_payload_is_left_out(tmp_path):
    assert answer_figures.FIGURES == answer.FIGURES, (answer_figures.FIGURES, answer.FIGURES)
    bad = {"data": {"bptt_lag_shares": {"lags": [1, 2], "log10_term_norms": [1.0]},
                    "agreement_training": PAYLOADS["agreement_training"]}}
    with pytest.warns(UserWarning, match="'lag_terms' not drawn: malformed 'bptt_lag_shares'"):
        drawn = answer_figures.draw_figures(bad, tmp_path)
    assert drawn == {"training": "motivating_agreement_training.png"}, drawn
    assert sorted(p.name for p in tmp_path.iterdir()) == ["motivating_agreement_training.png",
                                                          "motivating_agreement_training.svg"]


def test_predrawn_figures_are_written_only_where_every_input_matches(tmp_path, monkeypatch):
    """What an xdist worker draws ahead (render.predraw) is the file the report would draw;
    a figure whose payload or heading differs is drawn again, not taken from the worker."""
    data = encode({"agreement_training": PAYLOADS["agreement_training"]})
    claims = {"agreement_training": ["Q11"]}
    assert render.predraw(data, claims, ["tied_untied"]) == {}, "drew a figure of a key not just recorded"
    predrawn = render.predraw(data, claims, list(data))
    assert len(predrawn) == 2, "expected the report's and the answer page's training figure"
    figures.draw_all(data, tmp_path / "drawn", claims)
    answer_figures.draw_figures(decode({"data": data}), tmp_path / "drawn")

    def refuse(*args, **kwargs):
        raise RuntimeError("drawn instead of taken from predrawn")

    monkeypatch.setattr(figures, "compose", refuse)
    written, _ = figures.draw_all(data, tmp_path / "written", claims, predrawn=predrawn)
    assert list(written) == ["agreement_training"], written
    answer_figures.draw_figures(decode({"data": data}), tmp_path / "written", predrawn=predrawn)
    drawn = sorted(p.name for p in (tmp_path / "drawn").iterdir())
    assert drawn == sorted(p.name for p in (tmp_path / "written").iterdir()), drawn
    for name in drawn:
        assert (tmp_path / "drawn" / name).read_bytes() == (tmp_path / "written" / name).read_bytes(), name
    other_payload = {"agreement_training": {**data["agreement_training"], "seeds": 2}}
    for other_data, other_claims in [(data, {"agreement_training": ["Q7"]}), (other_payload, claims)]:
        written, skipped = figures.draw_all(other_data, tmp_path / "other", other_claims, predrawn=predrawn)
        assert not written and skipped["agreement_training"].startswith("malformed"), (other_claims, skipped)


def test_drawing_changes_neither_the_backend_nor_pyplot_and_repeats_exactly(tmp_path):
    before = matplotlib.get_backend()
    had_pyplot = "matplotlib.pyplot" in sys.modules
    matplotlib.use("svg")  # a backend the drawing code would not pick itself
    try:
        for folder in ("first", "second"):
            figures.draw_all({"tied_untied": PAYLOADS["tied_untied"]}, tmp_path / folder)
            answer_figures.draw_figures({"data": {"agreement_training": PAYLOADS["agreement_training"]}},
                                        tmp_path / folder)
        assert matplotlib.get_backend() == "svg", f"backend changed to {matplotlib.get_backend()!r}"
    finally:
        matplotlib.use(before)
    assert had_pyplot or "matplotlib.pyplot" not in sys.modules, "drawing imported pyplot"
    for first in sorted((tmp_path / "first").iterdir()):
        second = tmp_path / "second" / first.name
        assert first.read_bytes() == second.read_bytes(), f"{first.name} differs between two drawings"


def test_importing_the_report_imports_no_matplotlib_and_no_answer_page():
    code = ("import sys, theory.report, theory.report.figures, theory.report.answer_figures, "
            "theory.report.style; print(sorted(m for m in ('matplotlib', 'theory.report.answer') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", f"imported: {done.stdout.strip()} {done.stderr}"


def test_lag_profile_axis_fits_the_measured_curve():
    p = PAYLOADS["lag_profile_example"]
    with figures.compose(SPECS["lag_profile_example"], p) as fig:
        low, high = fig.axes[0].get_ylim()
        notes = [t for t, _, _ in _texts(fig) if "off the axis" in t]
        right = [t for t, _, _ in _texts(fig) if "decades" in t]
    spread = max(p["measured"]) - min(p["measured"])
    assert low <= min(p["measured"]) and high >= max(p["upper_a_priori"]), (low, high)
    assert spread >= 0.4 * (high - low), f"measured spans {spread:.3g} of the axis's {high - low:.3g}"
    assert notes and "−420" in notes[0], f"no note where the lower bound leaves the axis: {notes}"
    assert right == ["decades (log₁₀)"], right


@pytest.mark.parametrize("per_seed", [False, True], ids=["pooled", "per-seed"])
def test_agreement_accuracy_draws_each_seed_or_the_pooled_band(per_seed):
    payload = {**PAYLOADS["agreement_accuracy"], **(PER_SEED | {"seeds": 3} if per_seed else {"confidence": 0.95})}
    with figures.compose(SPECS["agreement_accuracy"], payload) as fig:
        top = fig.axes[0]
        points = sum(len(c.lines[0].get_xdata()) for c in top.containers)
        bands = len(top.collections) - sum(len(c.lines[2]) for c in top.containers)
        title = fig.legends[0].get_title().get_text()
    if per_seed:
        assert points == 2 * 2 * 3, f"{points} seed points, expected 2 models × 2 distances × 3 seeds"
        assert title == "accuracy: 99 % Wilson intervals; 3 seeds, each a point; line: their mean", title
    else:
        assert points == 0 and bands == 2, f"pooled form: {points} seed points, {bands} bands"
        assert title == "accuracy: 95 % Wilson intervals; pooled over 1 seed", title


def test_per_seed_intervals_are_scipys_wilson_intervals():
    from scipy.stats import binomtest

    acc = [[0.47]]
    low, high = figures._seed_intervals({"confidence": 0.99, "config": {"n_test": 500}}, {}, _array(acc))
    expected = binomtest(235, 500).proportion_ci(confidence_level=0.99, method="wilson")
    assert math.isclose(low[0, 0], expected.low) and math.isclose(high[0, 0], expected.high), (low, high, expected)
    assert figures._seed_intervals({}, {}, _array(acc)) is None, "an interval without n_test or confidence"


def _array(rows):
    import numpy as np

    return np.asarray(rows, dtype=float)


def test_bifurcation_lines_have_one_legend_entry_per_kind_and_a_magnified_wall():
    with figures.compose(SPECS["bifurcation_wall"], PAYLOADS["bifurcation_wall"]) as fig:
        labels = [t.get_text() for t in fig.legends[0].get_texts()]
        full, zoom = fig.axes
        zoom_span = zoom.get_xlim()
    assert labels[0].startswith("measured") and labels[1:] == [
        "predicted wall: basin boundary b* = −2.612",
        "saddle-node bifurcations (edges of the bistable window)"], labels
    assert zoom_span[1] - zoom_span[0] <= 0.1 * 1e3, f"zoom spans {zoom_span} (× 1e-3) in b"


def test_critical_line_is_dense_and_its_legend_is_off_the_axes():
    with figures.compose(SPECS["critical_line"], PAYLOADS["critical_line"]) as fig:
        fig.draw_without_rendering()
        ax = fig.axes[0]
        curve = max(len(line.get_xdata()) for line in ax.lines)
        overlap = fig.legends[0].get_window_extent().overlaps(ax.get_window_extent())
    assert curve >= 40, f"the theory curve has {curve} points"
    assert not overlap, "the legend lies on the phase regions"


def test_gated_figure_says_the_gate_bias_is_not_pytorchs_default_and_renders_subscripts():
    with figures.compose(SPECS["gated_profiles"], PAYLOADS["gated_profiles"]) as fig:
        note = fig.get_supxlabel()
        panels = len(fig.axes)
    assert "bias 8 is not PyTorch's default" in note, note
    assert "$s_{T−ℓ}$" in note and "s_{T−ℓ}" not in note.replace("$s_{T−ℓ}$", ""), note
    assert panels == 2, f"{panels} panels: the gated cells need their own, magnified"


def test_mathtext_turns_subscripts_into_mathtext_and_escapes_dollars():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert style.mathtext("s_{T−ℓ} and h_T cost $1") == r"$s_{T−ℓ}$ and $h_{T}$ cost \$1"


def test_gated_figure_at_the_real_runs_range_stays_inside():
    # The recorded run's shape: 300 lags, the RNN down to about −140 nats, the LSTM between
    # −1 and 1.1 (its magnified panel's title once ran off the right edge at this range).
    lags = np.arange(301)
    payload = {**PAYLOADS["gated_profiles"], "lags": lags.tolist(),
               "rnn": (-0.46 * lags).tolist(), "lstm": (-1.0 + 2.1 * (lags / 300.0) ** 6).tolist(),
               "gru": (-1e-4 * lags).tolist()}
    for titles in (True, False):
        with figures.compose(SPECS["gated_profiles"], payload, ["G1"], titles=titles) as fig:
            problems = style_problems(fig)
        assert not problems, f"gated_profiles at 300 lags (titles={titles}): {problems}"
