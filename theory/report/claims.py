"""The claim registry: every claim the suite verifies, with a stable ID.

Claim IDs are cited in course material: once released, add claims, never rename them.
Each test that verifies a claim carries ``@pytest.mark.claim("ID")``; a marker with an ID
that is not listed here is an error at collection time.

The registry lists the claims in the one order the report, its tables and results.json
use: the bounds (U, L), vanishing (V), the linear regime (LIN, R), the counterexample (X),
the measurement (M), then mean field (MF), tied and untied products (TU), Lyapunov exponents (LY),
transient growth (K), saturation (S), bifurcations (B), gated cells (G, GRU), clipping (C)
and the diagnosis of torch models (D), then the motivating question Q1 … Q11. A new claim goes where it belongs in that order.

Each claim declares its evidence (:mod:`theory.report.phrases`) next to its statement: what
its recorded tightness means and how its numbers read as one phrase with units.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Tuple

from .phrases import (
    ROUNDING_LEVEL,
    Evidence,
    agreement_accuracy_gap,
    bit_exact,
    case_value,
    counts_only,
    custom,
    error_ratio,
    full_agreement_experiment,
    gradient_gap_during_training,
    lower_bound,
    margin,
    subject_gradient_drop,
    upper_bound,
    within_tolerance,
)

__all__ = ["Claim", "CLAIMS", "claim", "claim_order"]

PASCANU_2013 = (
    "Pascanu, Mikolov & Bengio (2013), On the difficulty of training recurrent neural "
    "networks, ICML"
)
BENGIO_1994 = (
    "Bengio, Simard & Frasconi (1994), Learning long-term dependencies with gradient "
    "descent is difficult, IEEE Trans. Neural Networks 5(2)"
)
HOCHREITER_1991 = "Hochreiter (1991), Untersuchungen zu dynamischen neuronalen Netzen, TU München"
HORN_JOHNSON = "Horn & Johnson (2013), Matrix Analysis, 2nd ed."
BENETTIN_1980 = (
    "Benettin, Galgani, Giorgilli & Strelcyn (1980), Lyapunov characteristic exponents for "
    "smooth dynamical systems and for Hamiltonian systems; a method for computing all of them, "
    "Meccanica 15, 9–30"
)
NEWMAN_1986 = (
    "Newman (1986), The distribution of Lyapunov exponents: exact results for random "
    "matrices, Commun. Math. Phys. 103, 121–126"
)
HOCHREITER_1997 = "Hochreiter & Schmidhuber (1997), Long short-term memory, Neural Computation 9(8)"
GERS_2000 = "Gers, Schmidhuber & Cummins (2000), Learning to forget, Neural Computation 12(10)"
SCHOENHOLZ_2017 = "Schoenholz et al. (2017), Deep information propagation, ICLR"
TREFETHEN_EMBREE = "Trefethen & Embree (2005), Spectra and Pseudospectra"
LE_2015 = (
    "Le, Jaitly & Hinton (2015), A simple way to initialize recurrent networks of "
    "rectified linear units, arXiv:1504.00941"
)


@dataclass(frozen=True, kw_only=True)
class Claim:
    """One citeable claim.

    Attributes
    ----------
    id : str
        Stable identifier, e.g. ``"V1"``.
    statement : str
        One sentence.
    evidence : Evidence
        What the claim's recorded tightness means and how its numbers read as one phrase
        (:mod:`theory.report.phrases`); by default the counts alone.
    hypotheses : str
        When it applies.
    references : tuple of str
    theory : tuple of str
        The ``theory`` functions it rests on.
    tests : tuple of str
        pytest node ids (without parameters) of the tests that verify it.
    area : str
        The area of the claims (one test module per area).
    notes : str
        Remarks for developers; not part of the claim's identity.
    """

    id: str
    statement: str
    evidence: Evidence = field(default_factory=counts_only, compare=False)
    hypotheses: str
    references: Tuple[str, ...] = ()
    theory: Tuple[str, ...] = ()
    tests: Tuple[str, ...] = ()
    area: str = "foundation"
    notes: str = field(default="", compare=False)


def _claims(*claims):
    registry = {}
    for c in claims:
        if c.id in registry:
            raise RuntimeError(f"duplicate claim ID {c.id}")
        registry[c.id] = c
    return registry


# --- evidence phrases read from a claim's own recorded case -----------------------------


def _growth(o):
    """X1: the smallest growth of the gradient, as a factor over the run's steps."""
    return (f"the gradient grew at least {math.exp(case_value(o, 'log_growth')):.3g}× over "
            f"{case_value(o, 'T'):.0f} steps")


def _rate_error(o):
    """MF1: |measured − predicted| in nats/step; the tolerance is what the tightness adds."""
    error = abs(case_value(o, "measured") - case_value(o, "predicted"))
    tolerance = error - float(o.worst_tightness)
    return (f"largest |measured − predicted rate| {error:.3f} nats/step "
            f"(tolerance {tolerance:.2g}) at σ_w = {case_value(o, 'sigma_w'):.3g}")


def _rate_sign(o):
    """MF2: the case whose measured rate came closest to the wrong sign."""
    return (f"sign predicted right in every case; closest: measured {case_value(o, 'measured'):+.3f} "
            f"where {case_value(o, 'predicted'):+.3f} nats/step predicted")


def _quadrature_error(o):
    """MF3: the tightness is log10(error / 1e-10)."""
    error = 10.0 ** (float(o.worst_tightness) - 10.0)
    return f"largest quadrature error {error:.1e} (tolerance 1e-10)"


def _z_score(o):
    """TU2: |z| of the sample mean or variance against the exact value."""
    z = abs(case_value(o, "z"))
    threshold = z - float(o.worst_tightness)
    return (f"largest |z| {z:.2f} of a sample {(o.worst_case or {}).get('statistic', 'moment')} "
            f"against the exact value (test threshold {threshold:.3g})")


def _tied_above_untied(o):
    """TU3: the smallest z-score of the tied rate above λ₁."""
    return (f"tied rate above λ₁ by at least {case_value(o, 'z'):.1f} standard errors "
            f"(n = {case_value(o, 'n'):.0f})")


def _sweep_error(o):
    """S1: the tightness is max |measured − mean-field rate| − 0.08."""
    return (f"largest |measured − mean-field rate| {float(o.worst_tightness) + 0.08:.3f} nats/step "
            f"(tolerance 0.08); the measured rate turned negative in every case")


def _wall(o):
    """B1: the spike height (grid test) or the height error (Hypothesis test), whichever is tightest."""
    if "spike_log10" in (o.worst_case or {}):
        return f"gradient spike of 10^{case_value(o, 'spike_log10'):.1f} at the predicted bias (≥ 10³ required)"
    return (f"wall height as predicted: closest case {-float(o.worst_tightness):.2g} inside its "
            f"tolerance (in log|∂L/∂b|)")


def _attractor(o):
    """B2: the farthest an orbit ended from a predicted stable fixed point."""
    distance = max(float(o.worst_tightness) + 1e-8, 0.0)
    return f"every orbit ended within {distance:.2g} of a predicted stable fixed point (1e-8 allowed)"


def _cell_path(o):
    """G2: the LSTM cell-path gradient and the RNN's at the last lag."""
    return (f"LSTM cell-path gradient {math.exp(case_value(o, 'cell_path')):.3g} where the RNN's "
            f"is {math.exp(case_value(o, 'rnn')):.2g}, in the case closest to the forget-gate bound")


def _eigenvalue_window(o):
    """LY2: the partial sum of exponents nearest an edge of its finite-T window."""
    t, case = float(o.worst_tightness), o.worst_case or {}
    if t == -math.inf:
        return "every partial sum of the exponents equals that of log|λ_i(W)| to within rounding"
    where = (f"k = {case.get('k')}, n = {case.get('n')}, T = {case.get('T')}; window "
             f"{case_value(o, 'window_per_step'):.2g} nats/step wide")
    if t > 0 or o.violations:
        return f"a partial sum of exponents outside its window by {t:.0%} of its width ({where})"
    return (f"every partial sum of exponents inside its finite-T window around Σ log|λ_i(W)|; "
            f"closest {-t:.0%} of the width from an edge ({where})")


def _profile_window(o):
    """LY3: the top exponent nearest an end of the window below the lag profile's slope."""
    t = float(o.worst_tightness)
    end = (o.worst_case or {}).get("nearer_end", "an end")
    if t > 0:
        return f"the top exponent {t:.2g} nats/step outside the window, beyond {end}"
    if -t <= ROUNDING_LEVEL:
        return (f"the top exponent inside [slope + log|⟨q, v₁⟩|/T, slope] in every case; at {end} to "
                f"within rounding ({-t:.2g} nats/step inside)")
    return (f"the top exponent inside [slope + log|⟨q, v₁⟩|/T, slope] in every case; closest case "
            f"{-t:.2g} nats/step inside, at {end}")


def _below_trajectory_rate(o):
    """LY4: the top exponent minus the trajectory rate, in nats/step."""
    t = float(o.worst_tightness)
    if t > 0 and o.violations:
        return f"a top exponent {t:.2g} nats/step above the trajectory rate: a violation"
    if abs(t) <= ROUNDING_LEVEL:
        case = o.worst_case or {}
        how = "exactly" if t == 0 else (f"to within rounding ({abs(t):.2g} nats/step "
                                        f"{'above' if t > 0 else 'below'})")
        return (f"every top exponent at most the trajectory rate, which is attained {how} "
                f"(n = {case.get('n')}, T = {case.get('T')})")
    if t > 0:
        return (f"no top exponent above the trajectory rate by more than {t:.2g} nats/step, inside "
                f"the test's tolerance for autograd's rounded φ'")
    return f"every top exponent below the trajectory rate; closest case {-t:.2g} nats/step below"


def _newman(o):
    """LY5: |z| of the measured top exponent against Newman's λ₁."""
    z = abs(case_value(o, "z"))
    return (f"the top exponent within {z:.2f} standard deviations of Newman's λ₁ (threshold 5); "
            f"there {abs(case_value(o, 'difference')):.2g} nats/step off (n = {case_value(o, 'n'):.0f}, "
            f"σ = {case_value(o, 'sigma'):.2f}, T = {case_value(o, 'T'):.0f})")


def _two_roles(o):
    """Q2: the smallest share of the gradient on U that comes from later losses."""
    return f"both roles active in every case: later losses give at least {-float(o.worst_tightness):.2%} of the gradient on U"


CLAIMS = _claims(
    Claim(
        id="U1",
        statement="‖∂h_T/∂h_k‖₂ ≤ (γ‖W‖₂)^(T−k) at every lag, for every input, bias and initial state.",
        evidence=upper_bound(),
        hypotheses="vanilla RNN h_t = φ(W h_{t−1} + U x_t + b), |φ'| ≤ γ",
        references=(PASCANU_2013 + ", eqs. 6–7",),
        theory=("theory.log_upper_bound", "theory.spectral_norm"),
        tests=(
            "tests/test_upper_bounds.py::test_a_priori_upper_bound",
            "tests/test_upper_bounds.py::test_record_lag_profile_example",
        ),
    ),
    Claim(
        id="U2",
        statement="‖∂h_T/∂h_k‖₂ ≤ Π_{t=k+1..T} max_i|φ'(a_{t,i})|·‖W‖₂ along any one run.",
        evidence=upper_bound("the trajectory bound"),
        hypotheses="vanilla RNN; a_t the pre-activations of that run",
        references=(PASCANU_2013 + ", eqs. 5–7", BENGIO_1994 + ", §III"),
        theory=("theory.log_trajectory_upper_bound",),
        tests=(
            "tests/test_upper_bounds.py::test_trajectory_upper_bound",
            "tests/test_upper_bounds.py::test_record_lag_profile_example",
        ),
    ),
    Claim(
        id="L1",
        statement="‖∂h_T/∂h_k‖₂ ≥ Π_{t=k+1..T} min_i|φ'(a_{t,i})|·σ_min(W) along any one run.",
        evidence=lower_bound("the trajectory bound"),
        hypotheses="vanilla RNN; a_t the pre-activations of that run",
        references=(HORN_JOHNSON + ", Thm. 7.3.8",),
        theory=("theory.log_trajectory_lower_bound", "theory.min_singular_value"),
        tests=(
            "tests/test_lower_bounds.py::test_trajectory_lower_bound",
            "tests/test_upper_bounds.py::test_record_lag_profile_example",
        ),
    ),
    Claim(
        id="L2",
        statement=(
            "‖∂h_T/∂h_k‖₂ ≥ (inf_{|a|≤r}|φ'(a)|·σ_min(W))^(T−k), with r the reachable "
            "pre-activation radius Σ_j|W_ij| + |(Ux_t)_i| + |b_i|."
        ),
        evidence=lower_bound(),
        hypotheses="tanh or sigmoid (|h| ≤ 1), |h_0| ≤ 1; identity (r irrelevant)",
        references=(HORN_JOHNSON + ", Thm. 7.3.8", BENGIO_1994 + ", §III"),
        theory=("theory.log_lower_bound", "theory.reachable_preactivation_radius"),
        tests=("tests/test_lower_bounds.py::test_a_priori_lower_bound",),
    ),
    Claim(
        id="V1",
        statement=(
            "Gradients vanish whenever γ‖W‖₂ < 1: each step back multiplies ‖∂h_T/∂h_k‖₂ by at "
            "most γ‖W‖₂, and it is below ε from the predicted horizon on."
        ),
        evidence=upper_bound("the per-step factor γ‖W‖₂"),
        hypotheses="vanilla RNN, γ‖W‖₂ < 1",
        references=(PASCANU_2013 + ", §2.1 (sufficient condition)", BENGIO_1994),
        theory=("theory.regime", "theory.log_upper_bound"),
        tests=("tests/test_vanishing.py::test_vanishing_when_gamma_norm_below_one",),
    ),
    Claim(
        id="V2",
        statement="With the logistic sigmoid (γ = 1/4), ‖W‖₂ < 4 implies vanishing gradients.",
        evidence=upper_bound("the bound (‖W‖₂/4)^ℓ"),
        hypotheses="vanilla RNN, φ = sigmoid, ‖W‖₂ < 4",
        references=(HOCHREITER_1991, BENGIO_1994),
        theory=("theory.regime", "theory.activation"),
        tests=("tests/test_vanishing.py::test_sigmoid_vanishes_below_four",),
    ),
    Claim(
        id="V3",
        statement=(
            "The regime classifier is consistent with the measurement: 'explosion impossible' "
            "never meets a growing gradient, and 'explosion certain' never meets a vanishing "
            "one."
        ),
        evidence=upper_bound("the regime's bound"),
        hypotheses="vanilla RNN with any of the four activations",
        references=(PASCANU_2013 + ", §2.1",),
        theory=("theory.regime",),
        tests=("tests/test_vanishing.py::test_regime_agrees_with_measurement",),
    ),
    Claim(
        id="LIN1",
        statement="With the identity activation, ∂h_T/∂h_k = W^(T−k) exactly.",
        evidence=error_ratio("∂h_T/∂h_k = W^(T−k)"),
        hypotheses="linear RNN h_t = W h_{t−1} + U x_t + b",
        references=(PASCANU_2013 + ", §2.1 (linear case)",),
        theory=("theory.log_matrix_power_norm",),
        tests=("tests/test_linear_regime.py::test_linear_jacobian_is_matrix_power",),
        area="linear regime",
    ),
    Claim(
        id="LIN2",
        statement=(
            "In the linear regime ρ(W)^ℓ ≤ ‖∂h_T/∂h_{T−ℓ}‖₂ ≤ ‖W‖₂^ℓ: gradients explode when "
            "ρ(W) > 1 and vanish when ‖W‖₂ < 1."
        ),
        evidence=upper_bound("the nearer side of the sandwich"),
        hypotheses="linear RNN",
        references=(HORN_JOHNSON + ", Thm. 5.6.9",),
        theory=("theory.log_power_norm_bounds", "theory.spectral_radius"),
        tests=("tests/test_linear_regime.py::test_linear_sandwich",),
        area="linear regime",
    ),
    Claim(
        id="LIN3",
        statement=(
            "Gelfand: the per-step growth rate log‖W^ℓ‖₂/ℓ converges to log ρ(W), within log "
            "κ(V)/ℓ for diagonalizable W = VΛV⁻¹; so ρ(W) < 1 means vanishing eventually."
        ),
        evidence=margin("the limit log ρ(W) + log κ(V)/ℓ", "nats/step"),
        hypotheses="linear RNN, W diagonalizable",
        references=(
            HORN_JOHNSON + ", Cor. 5.6.14",
            TREFETHEN_EMBREE + ", Ch. 16",
        ),
        theory=("theory.log_eigenvector_condition", "theory.spectral_radius"),
        tests=("tests/test_linear_regime.py::test_gelfand_rate",),
        area="linear regime",
    ),
    Claim(
        id="LIN4",
        statement=(
            "tanh with zero input, zero bias and h_0 = 0 is exactly the linear regime: ∂h_T/∂h_k "
            "= W^(T−k)."
        ),
        evidence=error_ratio("∂h_T/∂h_k = W^(T−k)"),
        hypotheses="φ = tanh, x_t = 0, b = 0, h_0 = 0 (then a_t = 0 and tanh'(0) = 1)",
        references=(PASCANU_2013 + ", §2.1",),
        theory=("theory.activation",),
        tests=("tests/test_linear_regime.py::test_tanh_at_rest_is_linear",),
        area="linear regime",
    ),
    Claim(
        id="R1",
        statement="ReLU IRNN: with W = I and inputs that keep every unit active, ∂h_T/∂h_k = I exactly.",
        evidence=bit_exact("∂h_T/∂h_k = I"),
        hypotheses="φ = relu, W = I, every pre-activation > 0",
        references=(LE_2015,),
        theory=("theory.activation",),
        tests=("tests/test_linear_regime.py::test_irnn_identity_jacobian",),
        area="linear regime",
    ),
    Claim(
        id="X1",
        statement=(
            "The spectral-radius condition ρ(W) < 1 does NOT imply vanishing gradients for tanh: "
            "a nilpotent W (ρ = 0) at a fixed point has a growing gradient."
        ),
        evidence=custom("minus the smallest log-growth of the gradient over the run", _growth),
        hypotheses="φ = tanh, W = c[[1, 1], [−1, −1]], h* = (0, s) a fixed point, c·s² > 1",
        references=(PASCANU_2013 + ", §2.1 (only ‖W‖₂ gives a sufficient condition)",),
        theory=("theory.spectral_radius", "theory.regime"),
        tests=("tests/test_counterexamples.py::test_spectral_radius_condition_fails_for_tanh",),
    ),
    Claim(
        id="M1",
        statement=(
            "The measurement is consistent: the step-by-step lag profile at k = 0 equals the "
            "gradient through the fused torch.nn.RNN with respect to h_0."
        ),
        evidence=within_tolerance("step-by-step and fused torch.nn.RNN agree to within rounding", "in log‖·‖"),
        hypotheses="φ = tanh or relu",
        references=("PyTorch documentation, torch.nn.RNN",),
        theory=("theory.lag_profile", "theory.fused_rnn_log_norm_h0"),
        tests=("tests/test_measurement.py::test_profile_matches_fused_rnn",),
        area="measurement",
    ),
    Claim(
        id="MF1",
        statement=(
            "For a random tanh RNN (W_ij ~ N(0, σ_w²/n), bias N(0, σ_b²), inputs adding variance "
            "σ_u²) the per-step rate of log‖δ‖ of a back-propagated vector is ½ log χ₁, χ₁ = "
            "σ_w² E[φ'(√q* z)²]; at n = 256 measured within 0.1."
        ),
        evidence=custom("|measured − predicted rate| minus the tolerance, in nats/step", _rate_error),
        hypotheses=(
            "n = 256, σ_w ∈ [0.5, 3], σ_b ≤ 0.5, σ_u ∈ [0.5, 1], after a 50-step burn-in; "
            "gradient independence (mean-field) approximation"
        ),
        references=(
            (
                "Poole et al. (2016), Exponential expressivity in deep neural networks through "
                "transient chaos, NeurIPS, eqs. 3–4, 7"
            ),
            SCHOENHOLZ_2017 + ", eqs. 3, 5, 9",
            (
                "Chen, Pennington & Schoenholz (2018), Dynamical isometry and a mean field "
                "theory of RNNs, ICML, §3"
            ),
        ),
        theory=("theory.mean_field.mean_field",),
        tests=(
            "tests/test_mean_field.py::test_measured_rate_matches_mean_field",
            "tests/test_mean_field.py::test_record_mean_field_rates_against_sigma_w",
        ),
        area="mean field",
    ),
    Claim(
        id="MF2",
        statement=(
            "Mean field predicts vanishing (χ₁ < 1) or exploding (χ₁ > 1) gradients correctly "
            "whenever |log χ₁| > 0.5."
        ),
        evidence=custom("the measured rate on the wrong side of 0, in nats/step", _rate_sign),
        hypotheses="tanh RNN, n ∈ {64, 128, 256}, σ_b ≤ 1, σ_u ∈ [0.3, 1]",
        references=(SCHOENHOLZ_2017 + ", §3",),
        theory=("theory.mean_field.mean_field",),
        tests=("tests/test_mean_field.py::test_sign_of_rate_predicted_outside_margin",),
        area="mean field",
    ),
    Claim(
        id="MF3",
        statement=(
            "q*, χ₁ are computed by Gauss–Hermite quadrature to 1e-10; the critical line "
            "σ_w*(σ_b) solves χ₁ = 1 (tanh: σ_w*² ≈ 1.76 at σ_b² = 0.05)."
        ),
        evidence=custom("log10(quadrature error / 1e-10)", _quadrature_error, counts="cases"),
        hypotheses="φ = tanh or sigmoid, q ≤ 300",
        references=(SCHOENHOLZ_2017 + ", Fig. 1",),
        theory=("theory.mean_field.gaussian_expectation", "theory.mean_field.critical_sigma_w"),
        tests=(
            "tests/test_mean_field.py::test_gauss_hermite_accurate_to_1e_10",
            "tests/test_mean_field.py::test_fixed_point_and_chi1_solve_their_equations",
            "tests/test_mean_field.py::test_critical_line_table",
        ),
        area="mean field",
    ),
    Claim(
        id="TU1",
        statement=(
            "Tied product (a linear RNN reusing W): the per-step rate (1/ℓ)·log‖∂h_T/∂h_{T−ℓ}‖₂ "
            "converges to log ρ(W) (Gelfand), within log κ(V)/ℓ for diagonalizable W."
        ),
        evidence=margin("the band [ℓ log ρ(W), ℓ log ρ(W) + log κ(V)]", "nats"),
        hypotheses="linear RNN, W diagonalizable (Gaussian W almost surely)",
        references=(HORN_JOHNSON + ", Cor. 5.6.14",),
        theory=("theory.spectral_radius", "theory.log_eigenvector_condition"),
        tests=("tests/test_tied_untied.py::test_tied_rate_is_log_spectral_radius",),
        area="tied vs untied",
    ),
    Claim(
        id="TU2",
        statement=(
            "Untied product of independent N(0, σ²/n) matrices: E log‖P_N v‖ = N·λ₁ and Var "
            "log‖P_N v‖ = N·ψ'(n/2)/4 exactly, λ₁ = log σ + ½[ψ(n/2) + log(2/n)]."
        ),
        evidence=custom("|z| of the sample moment against the exact one, minus 5", _z_score),
        hypotheses="G_t i.i.d. Gaussian, v fixed; any finite n",
        references=(
            (
                "Newman (1986), The distribution of Lyapunov exponents: exact results for random "
                "matrices, Commun. Math. Phys. 103"
            ),
        ),
        theory=(
            "theory.lyapunov.lyapunov_exponent_gaussian",
            "theory.lyapunov.log_norm_moments_gaussian",
        ),
        tests=(
            "tests/test_tied_untied.py::test_untied_mean_log_norm_is_exact",
            "tests/test_tied_untied.py::test_untied_variance_is_exact",
        ),
        area="tied vs untied",
    ),
    Claim(
        id="TU3",
        statement=(
            "At small n the tied rate E log ρ(W) exceeds the untied rate λ₁ (E log ρ(W) − λ₁ "
            "measured over 20,000 draws: 0.092 at n = 2, 0.107 at n = 8; over 5,000 draws: 0.063 "
            "at n = 64; the same mean at n = 1); both tend to log σ as n → ∞ (circular law), the "
            "tied rate slowly."
        ),
        evidence=custom("3 minus the z-score of the tied rate above λ₁", _tied_above_untied, counts="cases"),
        hypotheses="W Gaussian with N(0, σ²/n) entries",
        references=("Newman (1986), Commun. Math. Phys. 103", HORN_JOHNSON + ", Cor. 5.6.14"),
        theory=("theory.lyapunov.lyapunov_exponent_gaussian", "theory.spectral_radius"),
        tests=("tests/test_tied_untied.py::test_tied_and_untied_rates_differ_at_small_n",),
        area="tied vs untied",
    ),
    Claim(
        id="LY1",
        statement=(
            "The Lyapunov exponents measured by the QR method sum to the mean log-determinant "
            "of the step Jacobians, (1/T) Σ_t log|det(diag(φ'(a_t)) W)|."
        ),
        evidence=error_ratio("the exponents sum to the mean log|det J_t|"),
        hypotheses=(
            "vanilla RNN h_t = φ(W h_{t−1} + U x_t + b), any W, inputs, bias and h_0; all n "
            "exponents; no step with |φ'| ≤ 8u (where autograd's φ' may round to 0)"
        ),
        references=(
            BENETTIN_1980 + " (the QR method: Σ_i log|R_ii| = log|det J_t| since Q is orthogonal)",
            (
                "Engelken, Wolf & Abbott (2023), Lyapunov spectra of chaotic recurrent neural "
                "networks, Phys. Rev. Research 5, 043044, §II (Σλ_i as the phase-space "
                "contraction rate)"
            ),
        ),
        theory=("theory.lyapunov_spectrum", "theory.activation"),
        tests=("tests/test_lyapunov_spectrum.py::test_exponents_sum_to_mean_log_determinant",),
        area="Lyapunov exponents",
        notes=(
            "log|det W| by numpy.linalg.slogdet; the allowance is 8n²u·κ(J_t) per step plus "
            "autograd's φ' rounding; meta: tests/test_meta_diagnose.py::test_sum_identity_catches"
        ),
    ),
    Claim(
        id="LY2",
        statement=(
            "With zero input, bias and h_0 under tanh (J_t = W = VΛV⁻¹), the partial sums of the "
            "measured exponents lie within O(log κ(V))/T of those of log|λ_i(W)|."
        ),
        evidence=custom("the largest distance of a partial sum outside its window, as a share of "
                        "the window's width", _eigenvalue_window),
        hypotheses=(
            "W diagonalizable with real eigenvalues (tested with |λ| ∈ [0.3, 3], random signs, "
            "a non-normal V), zero input, bias and h_0, φ = tanh"
        ),
        references=(
            BENETTIN_1980,
            HORN_JOHNSON + ", Cor. 5.6.14 (Gelfand's formula)",
            (
                "Vogt et al. (2022), On Lyapunov exponents for RNNs: understanding information "
                "propagation using dynamical systems tools, Front. Appl. Math. Stat. 8, §2"
            ),
        ),
        theory=("theory.lyapunov_spectrum",),
        tests=(
            "tests/test_lyapunov_spectrum.py::test_zero_input_spectrum_tends_to_log_eigenvalue_moduli",
        ),
        area="Lyapunov exponents",
        notes=(
            "log|λ_i| by numpy.linalg.eig, the window from the singular values of ∧ᵏV; meta: "
            "test_tied_linearisation_catches (singular values for eigenvalue moduli; eigenvalues "
            "ordered by value)"
        ),
    ),
    Claim(
        id="LY3",
        statement=(
            "The top measured exponent lies between log‖∂h_T/∂h_0‖₂/T (the lag profile's slope "
            "over the run) and that slope plus log|⟨q, v₁⟩|/T, q the first start vector and v₁ "
            "the top right singular vector of ∂h_T/∂h_0."
        ),
        evidence=custom("the distance of the top exponent outside the window, in nats/step",
                        _profile_window),
        hypotheses=(
            "vanilla RNN, any W, inputs, bias and h_0; in the test T ≤ 60 and γ‖W‖₂ ≤ e^(0.5) (so "
            "that ∂h_T/∂h_0 is formed without renormalisation for v₁)"
        ),
        references=(
            BENETTIN_1980 + " (‖Mq‖ ≤ ‖M‖ and ‖Mq‖ ≥ σ₁|⟨q, v₁⟩|)",
            (
                "Oseledets (1968), A multiplicative ergodic theorem, Trans. Moscow Math. Soc. 19 "
                "(both ends tend to λ₁)"
            ),
        ),
        theory=("theory.lyapunov_spectrum", "theory.lag_profile", "theory.measured_jacobian"),
        tests=("tests/test_lyapunov_spectrum.py::test_top_exponent_agrees_with_lag_profile_slope",),
        area="Lyapunov exponents",
        notes="meta: test_profile_slope_catches_a_priori_rate",
    ),
    Claim(
        id="LY4",
        statement=(
            "The top Lyapunov exponent is at most the run's mean log(max_i|φ'(a_t,i)|·‖W‖₂), "
            "the per-step rate of the trajectory bound U2."
        ),
        evidence=custom("the top exponent minus the trajectory rate, in nats/step", _below_trajectory_rate),
        hypotheses="vanilla RNN, any W, inputs, bias and h_0",
        references=(PASCANU_2013 + ", eq. 5 and §3.1",),
        theory=("theory.lyapunov_spectrum", "theory.log_trajectory_upper_bound"),
        tests=("tests/test_lyapunov_spectrum.py::test_top_exponent_below_trajectory_rate",),
        area="Lyapunov exponents",
        notes="meta: test_top_exponent_bound_catches (ρ(W) for ‖W‖₂; min φ' for max φ')",
    ),
    Claim(
        id="LY5",
        statement=(
            "For untied W_t with i.i.d. N(0, σ²/n) entries, identity φ and zero input, the top "
            "exponent equals Newman's λ₁ = log σ + ½[ψ(n/2) + log(2/n)] within 5 standard "
            "deviations of its exact sampling law."
        ),
        evidence=custom("|z| of the top exponent against Newman's λ₁, minus 5", _newman),
        hypotheses=(
            "n ≤ 8, σ ∈ [0.5, 2], T = 1000; sampling variance ψ'(n/2)/(4T); false-alarm probability 5.7e-7 per example (normal "
            "approximation of a 1000-term sum); an error of 7 standard deviations (≤ 0.25 "
            "nats/step at n = 1, ≤ 0.06 at n = 8) is detected with probability ≥ 97.7 %"
        ),
        references=(
            NEWMAN_1986,
            (
                "Cohen & Newman (1984), The stability of large random matrices and their "
                "products, Ann. Probab. 12(2)"
            ),
        ),
        theory=(
            "theory.lyapunov_spectrum",
            "theory.lyapunov_exponent_gaussian",
            "theory.log_norm_moments_gaussian",
        ),
        tests=("tests/test_lyapunov_spectrum.py::test_untied_gaussian_products_match_newman",),
        area="Lyapunov exponents",
        notes="meta: test_newman_catches_mean_square_rate (log σ for λ₁)",
    ),
    Claim(
        id="K1",
        statement=(
            "Kreiss matrix theorem: K(W) ≤ sup_k ‖W^k‖₂ ≤ e·n·K(W), K(W) = sup_{|z|>1} (|z| − "
            "1)‖(zI − W)^{−1}‖₂."
        ),
        evidence=upper_bound("the nearer Kreiss bound"),
        hypotheses="W real square with ρ(W) < 1",
        references=(
            TREFETHEN_EMBREE + ", Thm. 18.1",
            "Spijker (1991), BIT 31 (the constant e·n)",
        ),
        theory=("theory.kreiss.kreiss_constant", "theory.kreiss.log_kreiss_power_bounds"),
        tests=("tests/test_transient_growth.py::test_kreiss_two_sided_inequality",),
        area="transient growth",
    ),
    Claim(
        id="K2",
        statement="A normal W with ρ(W) < 1 has K(W) = 1 and no transient growth: ‖W^k‖₂ = ρ(W)^k.",
        evidence=within_tolerance("‖W^k‖₂ = ρ(W)^k to within rounding", "in log‖·‖"),
        hypotheses="W normal (W Wᵀ = Wᵀ W), ρ(W) < 1",
        references=(TREFETHEN_EMBREE + ", §16",),
        theory=("theory.kreiss.kreiss_constant",),
        tests=("tests/test_transient_growth.py::test_normal_matrix_has_no_transient_growth",),
        area="transient growth",
    ),
    Claim(
        id="K3",
        statement=(
            "A linear RNN with non-normal W and ρ(W) < 1 has measured gradients that grow before "
            "they decay, with peak amplification between K(W) and e·n·K(W)."
        ),
        evidence=upper_bound("the nearer Kreiss bound"),
        hypotheses="linear RNN, W non-normal, ρ(W) < 1, K(W) > 1",
        references=(TREFETHEN_EMBREE + ", Thm. 18.1",),
        theory=("theory.kreiss.log_kreiss_power_bounds",),
        tests=(
            (
                "tests/test_transient_growth.py::test_linear_rnn_transient_growth_within_kreiss_bounds"
            ),
        ),
        area="transient growth",
    ),
    Claim(
        id="S1",
        statement=(
            "‖W‖₂ > 1 is necessary but not sufficient for explosion with tanh: for W = 1.2·O (O "
            "orthogonal, ρ = 1.2) the measured rate falls as the bias or input scale grows, "
            "turns negative, and matches the mean-field rate within 0.08."
        ),
        evidence=custom("the largest |measured − mean-field rate| minus 0.08, in nats/step", _sweep_error),
        hypotheses="tanh RNN, n = 256, W = 1.2·Haar orthogonal, bias N(0, σ_b²), inputs of variance σ_u²",
        references=(
            "Pascanu, Mikolov & Bengio (2013), ICML, §2.1",
            (
                "Pennington, Schoenholz & Ganguli (2017), Resurrecting the sigmoid in deep "
                "learning through dynamical isometry, NeurIPS (orthogonal weights in mean field)"
            ),
        ),
        theory=("theory.mean_field.mean_field",),
        tests=("tests/test_saturation.py::test_rate_falls_with_bias_and_input_scale",),
        area="saturation",
    ),
    Claim(
        id="S2",
        statement=(
            "If every |b_i| exceeds Σ_j|W_ij| + input bound by m_i, then log‖∂h_T/∂h_k‖₂ ≤ "
            "(T−k)·[max_i log φ'(m_i) + log‖W‖₂]: vanishing by saturation even with ρ(W) > 1; "
            "the trajectory bound U2 explains the measured decay."
        ),
        evidence=upper_bound("the saturation bound"),
        hypotheses="tanh or sigmoid RNN, |h_0| ≤ 1",
        references=(
            "Pascanu, Mikolov & Bengio (2013), ICML, §2.1",
            "Bengio, Simard & Frasconi (1994), IEEE Trans. Neural Networks 5(2), §III",
        ),
        theory=(
            "theory.mean_field.saturation_log_rate_bound",
            "theory.log_trajectory_upper_bound",
        ),
        tests=("tests/test_saturation.py::test_saturation_bound_proves_vanishing",),
        area="saturation",
    ),
    Claim(
        id="B1",
        statement=(
            "Single unit x_t = w·σ(x_{t−1}) + b (w = 5, x_0 = 0.5, T = 50, loss (σ(x_50) − "
            "0.7)²): the gradient w.r.t. b spikes by ≥ 10³ at b* = x_0 − w·σ(x_0), inside the "
            "saddle-node window, where the orbit switches attractor."
        ),
        evidence=custom("log(10³) minus the spike's log-height, or the height error minus its tolerance", _wall),
        hypotheses="φ = sigmoid, w > 4 (bistability); grid step 1e-4 in b",
        references=(
            "Pascanu, Mikolov & Bengio (2013), ICML, §2.3, eq. 8 and Fig. 6 (the wall); §2.2 and Fig. 3 (the bifurcation diagram)",
            (
                "Doya (1993), Bifurcations of recurrent neural networks in gradient descent "
                "learning, IEEE Trans. Neural Networks"
            ),
        ),
        theory=(
            "theory.bifurcation.basin_boundary_bias",
            "theory.bifurcation.saddle_node_biases",
            "theory.bifurcation.log_boundary_sensitivity",
        ),
        tests=(
            "tests/test_bifurcation.py::test_gradient_wall_at_predicted_bias",
            "tests/test_bifurcation.py::test_wall_height_at_boundary",
        ),
        area="bifurcation",
    ),
    Claim(
        id="B2",
        statement=(
            "The single-unit map has three fixed points exactly for b inside the saddle-node "
            "window and one outside; orbits converge to the predicted stable fixed points."
        ),
        evidence=custom("distance of the orbit's end from a predicted stable fixed point, minus 1e-8", _attractor),
        hypotheses="φ = sigmoid or tanh, w > 1/γ",
        references=("Strogatz (2015), Nonlinear Dynamics and Chaos, 2nd ed., §10.1",),
        theory=("theory.bifurcation.fixed_points", "theory.bifurcation.saddle_node_biases"),
        tests=("tests/test_bifurcation.py::test_fixed_points_and_attractors",),
        area="bifurcation",
    ),
    Claim(
        id="G1",
        statement=(
            "LSTM with h_{t−1} held fixed: ∂c_t/∂c_{t−1} = diag(f_t) exactly (constant error "
            "carousel with forget gate), so the cell-path gradient is Π diag(f_t)."
        ),
        evidence=within_tolerance("∂c_t/∂c_(t−1) = diag(f_t) to within rounding"),
        hypotheses="torch.nn.LSTMCell / torch.nn.LSTM, any weights, inputs and states",
        references=(
            HOCHREITER_1997,
            GERS_2000,
        ),
        theory=("theory.gated.lstm_gates", "theory.gated.lstm_cell_path_log_norm"),
        tests=("tests/test_gated_cells.py::test_cell_jacobian_is_diag_forget_gate",),
        area="gated cells",
    ),
    Claim(
        id="G2",
        statement=(
            "A large forget-gate bias keeps the LSTM cell-path gradient near 1 over hundreds of "
            "steps (within the forget-gate bounds), where a vanilla RNN of the same size and "
            "weight scale has vanished."
        ),
        evidence=custom("the forget-gate lower bound minus the measured cell path, in log‖·‖", _cell_path),
        hypotheses="forget pre-activation within r of its bias b_f (|h| ≤ 1)",
        references=(
            "Gers, Schmidhuber & Cummins (2000), Neural Computation 12(10)",
            (
                "Jozefowicz, Zaremba & Sutskever (2015), An empirical exploration of recurrent "
                "network architectures, ICML"
            ),
        ),
        theory=("theory.gated.lstm_forget_log_bounds", "theory.gated.gate_preactivation_radius"),
        tests=(
            "tests/test_gated_cells.py::test_forget_bias_keeps_cell_path",
            "tests/test_gated_cells.py::test_gated_profiles_rnn_lstm_gru",
        ),
        area="gated cells",
    ),
    Claim(
        id="G3",
        statement=(
            "The full LSTM state Jacobian ‖∂(h_T,c_T)/∂(h_k,c_k)‖₂ is bounded by the product of "
            "the 2×2 block-norm bounds of each step, gate paths included."
        ),
        evidence=upper_bound("the block-norm bound"),
        hypotheses="torch.nn.LSTMCell, any weights; gate values of the run",
        references=("Hochreiter & Schmidhuber (1997)", HORN_JOHNSON + ", §5.6"),
        theory=("theory.gated.lstm_log_jacobian_bound",),
        tests=("tests/test_gated_cells.py::test_full_lstm_jacobian_bound",),
        area="gated cells",
    ),
    Claim(
        id="GRU1",
        statement=(
            "GRU (PyTorch convention h = (1−z)⊙n + z⊙h_{t−1}): ‖∂h_t/∂h_{t−1} − I‖₂ ≤ δ with δ ∝ "
            "max_i σ(r_i − b_z,i) → 0 as the update bias grows, so the Jacobian tends to I and "
            "the lag profile stays within [log(2 − (1+δ)^ℓ), ℓ log(1+δ)]."
        ),
        evidence=within_tolerance("‖∂h_t/∂h_(t−1) − I‖₂ ≤ δ"),
        hypotheses="torch.nn.GRUCell, |h_0| ≤ 1, update pre-activation within r of its bias",
        references=("Cho et al. (2014), EMNLP", "Chen, Pennington & Schoenholz (2018), ICML, §4"),
        theory=("theory.gated.gru_jacobian_deviation_bound", "theory.gated.gru_log_norm_bounds"),
        tests=("tests/test_gated_cells.py::test_gru_jacobian_tends_to_identity",),
        area="gated cells",
    ),
    Claim(
        id="C1",
        statement=(
            "Gradient clipping (Algorithm 1): torch.nn.utils.clip_grad_norm_ rescales an "
            "exploding gradient to norm θ (relative error ≤ 1e-6/‖g‖ + 1e-12) and keeps its "
            "direction (cosine 1 − 1e-12)."
        ),
        evidence=within_tolerance("clipped to norm θ with its direction kept", "relative"),
        hypotheses="total gradient norm ‖g‖ > θ of an RNN in the exploding regime",
        references=("Pascanu, Mikolov & Bengio (2013), ICML, §3.2 and Algorithm 1",),
        theory=("theory.gated.clipped_gradient_norm",),
        tests=("tests/test_clipping.py::test_clipping_rescales_to_threshold_and_keeps_direction",),
        area="clipping",
    ),
    Claim(
        id="D1",
        statement=(
            "For every layer and direction of a torch.nn.RNN (tanh, relu), LSTM or GRU, the lag "
            "profile that theory.diagnose measures at lag T equals log‖∂s_T/∂s_0‖₂ of the fused "
            "module, differentiated with respect to its initial state (s = h, or (h, c) for the "
            "LSTM)."
        ),
        evidence=error_ratio("every layer's log‖∂s_T/∂s_0‖₂ equals the fused module's"),
        hypotheses=(
            "any cell type, 1–2 layers, bidirectional or not, batch_first either way, sizes ≤ 6, "
            "T ≤ 25, weights PyTorch's initialisation × 0.3–3"
        ),
        references=(
            (
                "Werbos (1990), Backpropagation through time: what it does and how to do it, "
                "Proc. IEEE 78(10)"
            ),
            "PyTorch documentation, torch.nn.RNN, torch.nn.LSTM, torch.nn.GRU (the cells)",
        ),
        theory=("theory.diagnose",),
        tests=("tests/test_diagnose.py::test_profile_matches_fused_module",),
        area="diagnosis",
        notes="meta: tests/test_meta_diagnose.py::test_fused_cross_check_catches_an_off_by_one_lag",
    ),
    Claim(
        id="D2",
        statement=(
            "For every layer and direction of a torch RNN, LSTM or GRU, the measured "
            "log‖∂s_T/∂s_{T−ℓ}‖₂ is below the theory's trajectory bound at every lag, and the top "
            "Lyapunov exponent below the bound's mean rate over the averaged steps."
        ),
        evidence=upper_bound("the layer's trajectory bound"),
        hypotheses=(
            "as D1; bounds: vanilla log_trajectory_upper_bound, LSTM lstm_log_jacobian_bound, GRU "
            "ℓ·log(1 + δ) with δ from gru_jacobian_deviation_bound"
        ),
        references=(
            PASCANU_2013 + ", eq. 5",
            HOCHREITER_1997,
            GERS_2000,
            "Cho et al. (2014), EMNLP",
            HORN_JOHNSON + ", §5.6",
        ),
        theory=(
            "theory.diagnose",
            "theory.log_trajectory_upper_bound",
            "theory.gated.lstm_log_jacobian_bound",
            "theory.gated.gru_jacobian_deviation_bound",
        ),
        tests=("tests/test_diagnose.py::test_profile_and_exponents_below_trajectory_bound",),
        area="diagnosis",
        notes=(
            "meta: test_layer_trajectory_bound_catches (ρ for ‖·‖ in the vanilla bound; 'gates "
            "never amplify' for LSTM and GRU)"
        ),
    ),
    Claim(
        id="D3",
        statement=(
            "For a one-layer vanilla torch.nn.RNN, log‖∂y_T/∂x_k‖₂ measured through the fused "
            "module is below the theory's input-sensitivity trajectory bound at every position k."
        ),
        evidence=upper_bound("the input-sensitivity trajectory bound"),
        hypotheses="one-layer torch.nn.RNN, tanh or relu, unidirectional; sizes and weights as D1",
        references=(PASCANU_2013 + ", eq. 5", BENGIO_1994 + ", §III"),
        theory=("theory.diagnose", "theory.log_input_sensitivity_trajectory_bound"),
        tests=("tests/test_diagnose.py::test_input_sensitivity_below_bound",),
        area="diagnosis",
        notes="meta: test_input_sensitivity_catches_radius_for_norm",
    ),
    Claim(
        id="D4",
        statement=(
            "Without inputs, theory.diagnose reports for every layer and gate block exactly "
            "theory.spectral_norm and theory.spectral_radius, and for vanilla layers theory.regime."
        ),
        evidence=bit_exact("every reported spectral norm, spectral radius and regime is the theory's"),
        hypotheses="any torch.nn.RNN, LSTM or GRU as in D1",
        references=(HORN_JOHNSON + ", §5.6",),
        theory=("theory.diagnose", "theory.spectral_norm", "theory.spectral_radius", "theory.regime"),
        tests=("tests/test_diagnose.py::test_weights_only_report_uses_the_theory",),
        area="diagnosis",
    ),
    Claim(
        id="Q1",
        statement=(
            "An RNN has one input matrix U, one recurrent (context) matrix W and one readout V "
            "(plus biases), shared by every time step: the fused torch.nn.RNN equals one "
            "torch.nn.RNNCell applied T times, and the parameter count does not depend on T."
        ),
        evidence=error_ratio("fused torch.nn.RNN = one shared cell applied T times"),
        hypotheses="vanilla tanh RNN h_t = tanh(W h_{t−1} + U x_t + b) with readout V h_t + c",
        references=(
            "Elman (1990), Finding structure in time, Cognitive Science 14(2)",
            "Goodfellow, Bengio & Courville (2016), Deep Learning, §10.2",
        ),
        theory=("theory.measurement.bptt.rnn_modules",),
        tests=("tests/test_bptt_decomposition.py::test_weights_are_shared_across_steps",),
        area="motivating question",
    ),
    Claim(
        id="Q2",
        statement=(
            "U and W at step k serve two roles: ∂(Σ_t L_t)/∂θ_k = ∂L_k/∂θ_k (predict now) + "
            "Σ_{t>k} ∂L_t/∂θ_k (package for later), both generically non-zero; ∂L_t/∂θ_k = 0 "
            "exactly for t < k, and the readout V serves only its own step (∂L_t/∂V_k = 0 for t "
            "≠ k)."
        ),
        evidence=custom("minus the smallest share of the gradient from later losses", _two_roles),
        hypotheses="vanilla tanh RNN, losses at every step, untied per-step copies θ_k of the weights",
        references=("Goodfellow, Bengio & Courville (2016), Deep Learning, §10.2.2",),
        theory=("theory.measurement.bptt.untied_gradients",),
        tests=(
            "tests/test_bptt_decomposition.py::test_input_and_context_weights_serve_two_roles",
        ),
        area="motivating question",
    ),
    Claim(
        id="Q3",
        statement=(
            "Backpropagation 'per word', made precise: ∇(Σ_t L_t) = Σ_t ∇L_t, and the gradient "
            "on the shared W (and U, b, V) equals the sum of the gradients on per-step untied "
            "copies; both equalities hold to float64 rounding."
        ),
        evidence=error_ratio("gradient = sum over losses = sum over untied copies"),
        hypotheses="vanilla tanh RNN with a linear readout and cross-entropy losses; torch.nn modules",
        references=(
            "Werbos (1990), Backpropagation through time, Proc. IEEE 78(10)",
            PASCANU_2013 + ", eqs. 3–5",
        ),
        theory=(
            "theory.measurement.bptt.shared_gradients",
            "theory.measurement.bptt.per_loss_gradients",
            "theory.measurement.bptt.untied_gradients",
        ),
        tests=("tests/test_bptt_decomposition.py::test_gradient_is_sum_over_losses_and_steps",),
        area="motivating question",
    ),
    Claim(
        id="Q4",
        statement=(
            "Short lags are not attenuated by the recurrence beyond a few factors: the lag-ℓ "
            "term of ∂L_T/∂W satisfies ‖G_{T−ℓ}‖_F ≥ ‖g_T‖‖h_{k−1}‖·Π_{t=k..T} "
            "min_i|φ'(a_{t,i})|·σ_min(W)^ℓ; only ℓ Jacobian factors separate it from the lag-0 "
            "term."
        ),
        evidence=lower_bound("the lag-term bound"),
        hypotheses="vanilla tanh RNN, loss at step T; the bound is along one run",
        references=(HORN_JOHNSON + ", Thm. 7.3.8", PASCANU_2013 + ", eq. 5"),
        theory=("theory.bptt.log_lag_term_trajectory_lower_bound",),
        tests=("tests/test_per_lag_contributions.py::test_short_lags_are_not_attenuated",),
        area="motivating question",
    ),
    Claim(
        id="Q5",
        statement=(
            "The lag-ℓ term of the gradient on the shared W obeys ‖G_{T−ℓ}‖_F ≤ γ‖g_T‖₂ "
            "max_k‖h_{k−1}‖₂·(γ‖W‖₂)^ℓ, and the share of the gradient mass from lags > L is at "
            "most C·Σ_{ℓ>L}(γ‖W‖₂)^ℓ / Σ_ℓ‖G_{T−ℓ}‖_F: long-range terms are swamped by "
            "short-range ones inside one shared gradient."
        ),
        evidence=upper_bound("the lag-term bound"),
        hypotheses="vanilla RNN, |φ'| ≤ γ, loss at step T",
        references=(PASCANU_2013 + ", eqs. 3–7 and §2.1", BENGIO_1994),
        theory=(
            "theory.bptt.log_lag_term_upper_bound",
            "theory.bptt.tail_share_bound",
            "theory.bptt.tail_share",
        ),
        tests=(
            "tests/test_per_lag_contributions.py::test_per_lag_terms_obey_the_bound",
            "tests/test_per_lag_contributions.py::test_long_lag_share_falls_as_predicted",
            "tests/test_per_lag_contributions.py::test_agreement_rnn_lag_shares_recorded",
        ),
        area="motivating question",
    ),
    Claim(
        id="Q6",
        statement=(
            "The verb's loss at step T depends on the input at step k through ‖∂L_T/∂x_k‖₂ ≤ "
            "‖∂L_T/∂h_T‖₂·γ‖U‖₂·(γ‖W‖₂)^{T−k}, on random and on trained weights."
        ),
        evidence=upper_bound("the input-sensitivity bound"),
        hypotheses="vanilla RNN, |φ'| ≤ γ; x_k enters only through a_k",
        references=(BENGIO_1994 + ", §III", PASCANU_2013 + ", eqs. 5–7"),
        theory=(
            "theory.bptt.log_input_sensitivity_bound",
            "theory.bptt.log_input_sensitivity_trajectory_bound",
        ),
        tests=(
            "tests/test_input_sensitivity.py::test_input_sensitivity_bound",
            "tests/test_input_sensitivity.py::test_agreement_rnn_input_sensitivity_recorded",
            "tests/test_agreement.py::test_input_sensitivity_bound_on_trained_weights",
        ),
        area="motivating question",
    ),
    Claim(
        id="Q7",
        statement=(
            "On the synthetic agreement task (subject, D fillers, verb slot), a tanh "
            "torch.nn.RNN falls to chance as D grows, seed by seed, at distances where a "
            "torch.nn.LSTM of the same hidden size and training budget has learned in every "
            "seed (each seed judged by its own 99 % Wilson interval)."
        ),
        evidence=agreement_accuracy_gap(),
        hypotheses=(
            "the training recipe of theory.experiments.agreement (Adam, lr 1e-3, clipping, "
            "PyTorch default init, LSTM forget bias 1); measured, with the budget stated. The "
            "separation belongs to this recipe: the full run's check at a 10× larger learning "
            "rate shows it can change"
        ),
        references=(
            BENGIO_1994,
            HOCHREITER_1997,
            (
                "Linzen, Dupoux & Goldberg (2016), Assessing the ability of LSTMs to learn "
                "syntax-sensitive dependencies, TACL 4"
            ),
        ),
        theory=(
            "theory.experiments.agreement.run_experiment",
            "theory.experiments.agreement.wilson_interval",
        ),
        tests=("tests/test_agreement.py::test_fast_agreement_rnn_fails_where_lstm_holds",),
        area="motivating question",
        notes="fast version: hidden size 8, D ∈ {2, 30}, one seed; the full experiment is Q10",
    ),
    Claim(
        id="Q8",
        statement=(
            "At initialisation the gradient reaching the subject token falls geometrically with "
            "D for the RNN in every seed — many decades more than for the LSTM; initialisation "
            "does not depend on the learning rate."
        ),
        evidence=subject_gradient_drop(),
        hypotheses="PyTorch default initialisation; the agreement task",
        references=(BENGIO_1994, PASCANU_2013),
        theory=("theory.experiments.agreement.subject_gradient_norm",),
        tests=("tests/test_agreement.py::test_fast_subject_gradient_vanishes_for_the_rnn",),
        area="motivating question",
        notes="fast version; the full experiment is Q10",
    ),
    Claim(
        id="Q9",
        statement=(
            "The foundation bounds U1, U2, L1 and L2 still hold on the weights of the trained "
            "agreement RNNs, on real input sequences."
        ),
        evidence=upper_bound("the nearest of the bounds U1, U2, L1, L2", counts="trained RNNs"),
        hypotheses="trained torch.nn.RNN (tanh), b = bias_ih + bias_hh, h_0 = 0",
        references=(PASCANU_2013, HORN_JOHNSON + ", Thm. 7.3.8"),
        theory=(
            "theory.log_upper_bound",
            "theory.log_trajectory_upper_bound",
            "theory.log_trajectory_lower_bound",
            "theory.log_lower_bound",
            "theory.lag_profile",
        ),
        tests=("tests/test_agreement.py::test_foundation_bounds_hold_on_trained_weights",),
        area="motivating question",
    ),
    Claim(
        id="Q10",
        statement=(
            "Full agreement experiment (hidden size 16, D from 2 to 60, 5 seeds, one budget, "
            "each seed judged by its own 99 % Wilson interval): both models learn at D = 2 in "
            "every seed; no RNN seed is above chance at D = 60; at some D ≥ 20 every LSTM seed "
            "has learned and no RNN seed has (at most one exception in the 10 runs); in every "
            "seed the RNN's gradient reaching the subject at initialisation falls ≥ 10 decades."
        ),
        evidence=full_agreement_experiment(),
        hypotheses=(
            "the training recipe of theory.experiments.agreement (SLOW_CONFIG, SLOW_SEEDS); run "
            "in the full run, pytest -m \"\""
        ),
        references=(
            BENGIO_1994,
            HOCHREITER_1997,
            "Linzen, Dupoux & Goldberg (2016), TACL 4",
        ),
        theory=(
            "theory.experiments.agreement.run_experiment",
            "theory.experiments.agreement.wilson_interval",
            "theory.experiments.agreement.subject_gradient_norm",
        ),
        tests=("tests/test_agreement.py::test_full_agreement_experiment",),
        area="motivating question",
    ),
    Claim(
        id="Q11",
        statement=(
            "During training with the experiment's recipe, the gradient reaching the subject at "
            "the longest distance stays vanishingly small for the tanh RNN: at every recorded "
            "step the largest RNN seed's is at least 3 decades below the smallest LSTM seed's."
        ),
        evidence=gradient_gap_during_training(),
        hypotheses=(
            "the training recipe of theory.experiments.agreement (learning rate 1e-3); the "
            "gradient is measured every FAST_RECORD_EVERY steps on held-out probe sequences. Said "
            "of this recipe, not of training in general: at a 10× larger learning rate the full "
            "run shows a seed that learns the task"
        ),
        references=(BENGIO_1994, PASCANU_2013),
        theory=(
            "theory.experiments.agreement.run_experiment",
            "theory.experiments.agreement.training_payload",
            "theory.experiments.agreement.subject_gradient_norm",
        ),
        tests=(
            (
                "tests/test_agreement.py::test_fast_subject_gradient_stays_vanished_during_training"
            ),
        ),
        area="motivating question",
        notes=(
            "fast version: hidden size 8, D = 30, one seed, every 25 of 300 steps; tightness is "
            "3 − (smallest gap in decades); the full run (Q10) records the same for every D"
        ),
    ),
)

_PREFIX = re.compile(r"^([A-Za-z]+)(\d*)")


def claim_order(claim_id):
    """Sort key that puts claim IDs in the registry's order.

    IDs in the registry sort by their position in it; others (from a results file written
    by another version) after them, by prefix and then numerically (``Q2`` before ``Q10``).
    """
    ids = list(CLAIMS)
    if claim_id in CLAIMS:
        return (0, ids.index(claim_id), "", 0)
    match = _PREFIX.match(str(claim_id))
    prefix, number = (match.group(1), int(match.group(2) or 0)) if match else (str(claim_id), 0)
    return (1, 0, prefix, number)


def claim(claim_id):
    """Return the :class:`Claim` with this ID, or raise ``ValueError`` listing the known IDs."""
    try:
        return CLAIMS[claim_id]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown claim ID {claim_id!r}; known IDs: {', '.join(sorted(CLAIMS))}"
        ) from None
