"""The claim registry: every claim the suite verifies, with a stable ID.

Claim IDs are cited in course material: once released, add claims, never rename them.
Each test that verifies a claim carries ``@pytest.mark.claim("ID")``; a marker with an ID
that is not listed here is an error at collection time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Tuple

__all__ = ["Claim", "CLAIMS", "claim"]

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
LE_2015 = (
    "Le, Jaitly & Hinton (2015), A simple way to initialize recurrent networks of "
    "rectified linear units, arXiv:1504.00941"
)


@dataclass(frozen=True)
class Claim:
    """One citeable claim.

    Attributes
    ----------
    id : str
        Stable identifier, e.g. ``"V1"``.
    statement : str
        One sentence.
    hypotheses : str
        When it applies.
    references : tuple of str
    theory : tuple of str
        The ``theory`` functions it rests on.
    tests : tuple of str
        pytest node ids (without parameters) of the tests that verify it.
    area : str
        The area of the claims (one test module per area).
    """

    id: str
    statement: str
    hypotheses: str
    references: Tuple[str, ...]
    theory: Tuple[str, ...]
    tests: Tuple[str, ...]
    area: str = "foundation"
    notes: str = field(default="", compare=False)


def _claims(*claims):
    registry = {}
    for c in claims:
        if c.id in registry:
            raise RuntimeError(f"duplicate claim ID {c.id}")
        registry[c.id] = c
    return registry


CLAIMS = _claims(
    # --- foundation (issue 2): bounds on ‖∂h_T/∂h_k‖₂ -------------------------------------
    Claim(
        "U1",
        "‖∂h_T/∂h_k‖₂ ≤ (γ‖W‖₂)^(T−k) at every lag, for every input, bias and initial state.",
        "vanilla RNN h_t = φ(W h_{t−1} + U x_t + b), |φ'| ≤ γ",
        (PASCANU_2013 + ", eqs. 6–7",),
        ("theory.log_upper_bound", "theory.spectral_norm"),
        (
            "tests/test_upper_bounds.py::test_a_priori_upper_bound",
            "tests/test_upper_bounds.py::test_record_lag_profile_example",
        ),
    ),
    Claim(
        "U2",
        "‖∂h_T/∂h_k‖₂ ≤ Π_{t=k+1..T} max_i|φ'(a_{t,i})|·‖W‖₂ along any one run.",
        "vanilla RNN; a_t the pre-activations of that run",
        (PASCANU_2013 + ", eqs. 5–7", BENGIO_1994 + ", §III"),
        ("theory.log_trajectory_upper_bound",),
        (
            "tests/test_upper_bounds.py::test_trajectory_upper_bound",
            "tests/test_upper_bounds.py::test_record_lag_profile_example",
        ),
    ),
    Claim(
        "L1",
        "‖∂h_T/∂h_k‖₂ ≥ Π_{t=k+1..T} min_i|φ'(a_{t,i})|·σ_min(W) along any one run.",
        "vanilla RNN; a_t the pre-activations of that run",
        (HORN_JOHNSON + ", Thm. 7.3.8",),
        ("theory.log_trajectory_lower_bound", "theory.min_singular_value"),
        (
            "tests/test_lower_bounds.py::test_trajectory_lower_bound",
            "tests/test_upper_bounds.py::test_record_lag_profile_example",
        ),
    ),
    Claim(
        "L2",
        "‖∂h_T/∂h_k‖₂ ≥ (inf_{|a|≤r}|φ'(a)|·σ_min(W))^(T−k), with r the reachable "
        "pre-activation radius Σ_j|W_ij| + |(Ux_t)_i| + |b_i|.",
        "tanh or sigmoid (|h| ≤ 1), |h_0| ≤ 1; identity (r irrelevant)",
        (HORN_JOHNSON + ", Thm. 7.3.8", BENGIO_1994 + ", §III"),
        ("theory.log_lower_bound", "theory.reachable_preactivation_radius"),
        ("tests/test_lower_bounds.py::test_a_priori_lower_bound",),
    ),
    Claim(
        "V1",
        "Gradients vanish whenever γ‖W‖₂ < 1: each step back multiplies ‖∂h_T/∂h_k‖₂ by at "
        "most γ‖W‖₂, and it is below ε from the predicted horizon on.",
        "vanilla RNN, γ‖W‖₂ < 1",
        (PASCANU_2013 + ", §3.1 (sufficient condition)", BENGIO_1994),
        ("theory.regime", "theory.log_upper_bound"),
        ("tests/test_vanishing.py::test_vanishing_when_gamma_norm_below_one",),
    ),
    Claim(
        "V2",
        "With the logistic sigmoid (γ = 1/4), ‖W‖₂ < 4 implies vanishing gradients.",
        "vanilla RNN, φ = sigmoid, ‖W‖₂ < 4",
        (HOCHREITER_1991, BENGIO_1994),
        ("theory.regime", "theory.activation"),
        ("tests/test_vanishing.py::test_sigmoid_vanishes_below_four",),
    ),
    Claim(
        "V3",
        "The regime classifier is consistent with the measurement: 'explosion impossible' "
        "never meets a growing gradient, and 'explosion certain' never meets a vanishing one.",
        "vanilla RNN with any of the four activations",
        (PASCANU_2013 + ", §3.1",),
        ("theory.regime",),
        ("tests/test_vanishing.py::test_regime_agrees_with_measurement",),
    ),
    Claim(
        "LIN1",
        "With the identity activation, ∂h_T/∂h_k = W^(T−k) exactly.",
        "linear RNN h_t = W h_{t−1} + U x_t + b",
        (PASCANU_2013 + ", §3.1 (linear case)",),
        ("theory.log_matrix_power_norm",),
        ("tests/test_linear_regime.py::test_linear_jacobian_is_matrix_power",),
        area="linear regime",
    ),
    Claim(
        "LIN2",
        "In the linear regime ρ(W)^ℓ ≤ ‖∂h_T/∂h_{T−ℓ}‖₂ ≤ ‖W‖₂^ℓ: gradients explode when "
        "ρ(W) > 1 and vanish when ‖W‖₂ < 1.",
        "linear RNN",
        (HORN_JOHNSON + ", Thm. 5.6.9",),
        ("theory.log_power_norm_bounds", "theory.spectral_radius"),
        ("tests/test_linear_regime.py::test_linear_sandwich",),
        area="linear regime",
    ),
    Claim(
        "LIN3",
        "Gelfand: the per-step growth rate log‖W^ℓ‖₂/ℓ converges to log ρ(W), within "
        "log κ(V)/ℓ for diagonalizable W = VΛV⁻¹; so ρ(W) < 1 means vanishing eventually.",
        "linear RNN, W diagonalizable",
        (HORN_JOHNSON + ", Cor. 5.6.14", "Trefethen & Embree (2005), Spectra and Pseudospectra, Ch. 15"),
        ("theory.log_eigenvector_condition", "theory.spectral_radius"),
        ("tests/test_linear_regime.py::test_gelfand_rate",),
        area="linear regime",
    ),
    Claim(
        "LIN4",
        "tanh with zero input, zero bias and h_0 = 0 is exactly the linear regime: "
        "∂h_T/∂h_k = W^(T−k).",
        "φ = tanh, x_t = 0, b = 0, h_0 = 0 (then a_t = 0 and tanh'(0) = 1)",
        (PASCANU_2013 + ", §3.1",),
        ("theory.activation",),
        ("tests/test_linear_regime.py::test_tanh_at_rest_is_linear",),
        area="linear regime",
    ),
    Claim(
        "R1",
        "ReLU IRNN: with W = I and inputs that keep every unit active, ∂h_T/∂h_k = I exactly.",
        "φ = relu, W = I, every pre-activation > 0",
        (LE_2015,),
        ("theory.activation",),
        ("tests/test_linear_regime.py::test_irnn_identity_jacobian",),
        area="linear regime",
    ),
    Claim(
        "X1",
        "The spectral-radius condition ρ(W) < 1 does NOT imply vanishing gradients for tanh: "
        "a nilpotent W (ρ = 0) at a fixed point has a growing gradient.",
        "φ = tanh, W = c[[1, 1], [−1, −1]], h* = (0, s) a fixed point, c·s² > 1",
        (PASCANU_2013 + ", §3.1 (only ‖W‖₂ gives a sufficient condition)",),
        ("theory.spectral_radius", "theory.regime"),
        ("tests/test_counterexamples.py::test_spectral_radius_condition_fails_for_tanh",),
    ),
    Claim(
        "M1",
        "The measurement is consistent: the step-by-step lag profile at k = 0 equals the "
        "gradient through the fused torch.nn.RNN with respect to h_0.",
        "φ = tanh or relu",
        ("PyTorch documentation, torch.nn.RNN",),
        ("theory.lag_profile", "theory.fused_rnn_log_norm_h0"),
        ("tests/test_measurement.py::test_profile_matches_fused_rnn",),
        area="measurement",
    ),
    # --- quantitative predictions (issue 3): insert Claim(...) entries below this line ---
    Claim(
        "MF1",
        "For a random tanh RNN (W_ij ~ N(0, σ_w²/n), bias N(0, σ_b²), inputs adding variance "
        "σ_u²) the per-step rate of log‖δ‖ of a back-propagated vector is ½ log χ₁, "
        "χ₁ = σ_w² E[φ'(√q* z)²]; at n = 256 measured within 0.1.",
        "n = 256, σ_w ∈ [0.5, 3], σ_b ≤ 0.5, σ_u ∈ [0.5, 1], after a 50-step burn-in; "
        "gradient independence (mean-field) approximation",
        (
            "Poole et al. (2016), Exponential expressivity in deep neural networks through "
            "transient chaos, NeurIPS, eqs. 3–4, 7",
            "Schoenholz et al. (2017), Deep information propagation, ICLR, eqs. 3, 5, 9",
            "Chen, Pennington & Schoenholz (2018), Dynamical isometry and a mean field theory "
            "of RNNs, ICML, §3",
        ),
        ("theory.mean_field.mean_field",),
        (
            "tests/test_mean_field.py::test_measured_rate_matches_mean_field",
            "tests/test_mean_field.py::test_record_mean_field_rates_against_sigma_w",
        ),
        area="mean field",
    ),
    Claim(
        "MF2",
        "Mean field predicts vanishing (χ₁ < 1) or exploding (χ₁ > 1) gradients correctly "
        "whenever |log χ₁| > 0.5.",
        "tanh RNN, n ∈ {64, 128, 256}, σ_b ≤ 1, σ_u ∈ [0.3, 1]",
        ("Schoenholz et al. (2017), Deep information propagation, ICLR, §3",),
        ("theory.mean_field.mean_field",),
        ("tests/test_mean_field.py::test_sign_of_rate_predicted_outside_margin",),
        area="mean field",
    ),
    Claim(
        "MF3",
        "q*, χ₁ are computed by Gauss–Hermite quadrature to 1e-10; the critical line "
        "σ_w*(σ_b) solves χ₁ = 1 (tanh: σ_w*² ≈ 1.76 at σ_b² = 0.05).",
        "φ = tanh or sigmoid, q ≤ 300",
        ("Schoenholz et al. (2017), Deep information propagation, ICLR, Fig. 1",),
        ("theory.mean_field.gaussian_expectation", "theory.mean_field.critical_sigma_w"),
        (
            "tests/test_mean_field.py::test_gauss_hermite_accurate_to_1e_10",
            "tests/test_mean_field.py::test_fixed_point_and_chi1_solve_their_equations",
            "tests/test_mean_field.py::test_critical_line_table",
        ),
        area="mean field",
    ),
    Claim(
        "TU1",
        "Tied product (a linear RNN reusing W): the per-step rate (1/ℓ)·log‖∂h_T/∂h_{T−ℓ}‖₂ "
        "converges to log ρ(W) (Gelfand), within log κ(V)/ℓ for diagonalizable W.",
        "linear RNN, W diagonalizable (Gaussian W almost surely)",
        ("Horn & Johnson (2013), Matrix Analysis, 2nd ed., Cor. 5.6.14",),
        ("theory.spectral_radius", "theory.log_eigenvector_condition"),
        ("tests/test_tied_untied.py::test_tied_rate_is_log_spectral_radius",),
        area="tied vs untied",
    ),
    Claim(
        "TU2",
        "Untied product of independent N(0, σ²/n) matrices: E log‖P_N v‖ = N·λ₁ and "
        "Var log‖P_N v‖ = N·ψ'(n/2)/4 exactly, λ₁ = log σ + ½[ψ(n/2) + log(2/n)].",
        "G_t i.i.d. Gaussian, v fixed; any finite n",
        (
            "Newman (1986), The distribution of Lyapunov exponents: exact results for random "
            "matrices, Commun. Math. Phys. 103",
        ),
        ("theory.lyapunov.lyapunov_exponent_gaussian", "theory.lyapunov.log_norm_moments_gaussian"),
        (
            "tests/test_tied_untied.py::test_untied_mean_log_norm_is_exact",
            "tests/test_tied_untied.py::test_untied_variance_is_exact",
        ),
        area="tied vs untied",
    ),
    Claim(
        "TU3",
        "At small n the tied rate E log ρ(W) exceeds the untied rate λ₁ (measured: by ≈ 0.09 "
        "at n = 2, 0.11 at n = 8, 0.05 at n = 64; the same mean at n = 1); both tend to log σ "
        "as n → ∞ (circular law), the tied rate slowly.",
        "W Gaussian with N(0, σ²/n) entries",
        (
            "Newman (1986), Commun. Math. Phys. 103",
            "Horn & Johnson (2013), Matrix Analysis, 2nd ed., Cor. 5.6.14",
        ),
        ("theory.lyapunov.lyapunov_exponent_gaussian", "theory.spectral_radius"),
        ("tests/test_tied_untied.py::test_tied_and_untied_rates_differ_at_small_n",),
        area="tied vs untied",
    ),
    Claim(
        "K1",
        "Kreiss matrix theorem: K(W) ≤ sup_k ‖W^k‖₂ ≤ e·n·K(W), K(W) = sup_{|z|>1} "
        "(|z| − 1)‖(zI − W)^{−1}‖₂.",
        "W real square with ρ(W) < 1",
        (
            "Trefethen & Embree (2005), Spectra and Pseudospectra, Thm. 18.1",
            "Spijker (1991), BIT 31 (the constant e·n)",
        ),
        ("theory.kreiss.kreiss_constant", "theory.kreiss.log_kreiss_power_bounds"),
        ("tests/test_transient_growth.py::test_kreiss_two_sided_inequality",),
        area="transient growth",
    ),
    Claim(
        "K2",
        "A normal W with ρ(W) < 1 has K(W) = 1 and no transient growth: ‖W^k‖₂ = ρ(W)^k.",
        "W normal (W Wᵀ = Wᵀ W), ρ(W) < 1",
        ("Trefethen & Embree (2005), Spectra and Pseudospectra, §16",),
        ("theory.kreiss.kreiss_constant",),
        ("tests/test_transient_growth.py::test_normal_matrix_has_no_transient_growth",),
        area="transient growth",
    ),
    Claim(
        "K3",
        "A linear RNN with non-normal W and ρ(W) < 1 has measured gradients that grow before "
        "they decay, with peak amplification between K(W) and e·n·K(W).",
        "linear RNN, W non-normal, ρ(W) < 1, K(W) > 1",
        ("Trefethen & Embree (2005), Spectra and Pseudospectra, Thm. 18.1",),
        ("theory.kreiss.log_kreiss_power_bounds",),
        ("tests/test_transient_growth.py::test_linear_rnn_transient_growth_within_kreiss_bounds",),
        area="transient growth",
    ),
    Claim(
        "S1",
        "‖W‖₂ > 1 is necessary but not sufficient for explosion with tanh: for W = 1.2·O "
        "(O orthogonal, ρ = 1.2) the measured rate falls as the bias or input scale grows, "
        "turns negative, and matches the mean-field rate within 0.08.",
        "tanh RNN, n = 256, W = 1.2·Haar orthogonal, bias N(0, σ_b²), inputs of variance σ_u²",
        (
            "Pascanu, Mikolov & Bengio (2013), ICML, §3.1",
            "Pennington, Schoenholz & Ganguli (2017), Resurrecting the sigmoid in deep "
            "learning through dynamical isometry, NeurIPS (orthogonal weights in mean field)",
        ),
        ("theory.mean_field.mean_field",),
        ("tests/test_saturation.py::test_rate_falls_with_bias_and_input_scale",),
        area="saturation",
    ),
    Claim(
        "S2",
        "If every |b_i| exceeds Σ_j|W_ij| + input bound by m_i, then log‖∂h_T/∂h_k‖₂ ≤ "
        "(T−k)·[max_i log φ'(m_i) + log‖W‖₂]: vanishing by saturation even with ρ(W) > 1; "
        "the trajectory bound U2 explains the measured decay.",
        "tanh or sigmoid RNN, |h_0| ≤ 1",
        (
            "Pascanu, Mikolov & Bengio (2013), ICML, §3.1",
            "Bengio, Simard & Frasconi (1994), IEEE Trans. Neural Networks 5(2), §III",
        ),
        ("theory.mean_field.saturation_log_rate_bound", "theory.log_trajectory_upper_bound"),
        ("tests/test_saturation.py::test_saturation_bound_proves_vanishing",),
        area="saturation",
    ),
    Claim(
        "B1",
        "Single unit x_t = w·σ(x_{t−1}) + b (w = 5, x_0 = 0.5, T = 50, loss (σ(x_50) − 0.7)²): "
        "the gradient w.r.t. b spikes by ≥ 10³ at b* = x_0 − w·σ(x_0), inside the "
        "saddle-node window, where the orbit switches attractor.",
        "φ = sigmoid, w > 4 (bistability); grid step 1e-4 in b",
        (
            "Pascanu, Mikolov & Bengio (2013), ICML, §2.2 and Fig. 6",
            "Doya (1993), Bifurcations of recurrent neural networks in gradient descent "
            "learning, IEEE Trans. Neural Networks",
        ),
        (
            "theory.bifurcation.basin_boundary_bias",
            "theory.bifurcation.saddle_node_biases",
            "theory.bifurcation.log_boundary_sensitivity",
        ),
        (
            "tests/test_bifurcation.py::test_gradient_wall_at_predicted_bias",
            "tests/test_bifurcation.py::test_wall_height_at_boundary",
        ),
        area="bifurcation",
    ),
    Claim(
        "B2",
        "The single-unit map has three fixed points exactly for b inside the saddle-node "
        "window and one outside; orbits converge to the predicted stable fixed points.",
        "φ = sigmoid or tanh, w > 1/γ",
        ("Strogatz (2015), Nonlinear Dynamics and Chaos, 2nd ed., §10.1",),
        ("theory.bifurcation.fixed_points", "theory.bifurcation.saddle_node_biases"),
        ("tests/test_bifurcation.py::test_fixed_points_and_attractors",),
        area="bifurcation",
    ),
    Claim(
        "G1",
        "LSTM with h_{t−1} held fixed: ∂c_t/∂c_{t−1} = diag(f_t) exactly (constant error "
        "carousel with forget gate), so the cell-path gradient is Π diag(f_t).",
        "torch.nn.LSTMCell / torch.nn.LSTM, any weights, inputs and states",
        (
            "Hochreiter & Schmidhuber (1997), Long short-term memory, Neural Computation 9(8)",
            "Gers, Schmidhuber & Cummins (2000), Learning to forget, Neural Computation 12(10)",
        ),
        ("theory.gated.lstm_gates", "theory.gated.lstm_cell_path_log_norm"),
        ("tests/test_gated_cells.py::test_cell_jacobian_is_diag_forget_gate",),
        area="gated cells",
    ),
    Claim(
        "G2",
        "A large forget-gate bias keeps the LSTM cell-path gradient near 1 over hundreds of "
        "steps (within the forget-gate bounds), where a vanilla RNN of the same size and "
        "weight scale has vanished.",
        "forget pre-activation within r of its bias b_f (|h| ≤ 1)",
        (
            "Gers, Schmidhuber & Cummins (2000), Neural Computation 12(10)",
            "Jozefowicz, Zaremba & Sutskever (2015), An empirical exploration of recurrent "
            "network architectures, ICML",
        ),
        ("theory.gated.lstm_forget_log_bounds", "theory.gated.gate_preactivation_radius"),
        (
            "tests/test_gated_cells.py::test_forget_bias_keeps_cell_path",
            "tests/test_gated_cells.py::test_gated_profiles_rnn_lstm_gru",
        ),
        area="gated cells",
    ),
    Claim(
        "G3",
        "The full LSTM state Jacobian ‖∂(h_T,c_T)/∂(h_k,c_k)‖₂ is bounded by the product of "
        "the 2×2 block-norm bounds of each step, gate paths included.",
        "torch.nn.LSTMCell, any weights; gate values of the run",
        (
            "Hochreiter & Schmidhuber (1997)",
            "Horn & Johnson (2013), Matrix Analysis, 2nd ed., §5.6",
        ),
        ("theory.gated.lstm_log_jacobian_bound",),
        ("tests/test_gated_cells.py::test_full_lstm_jacobian_bound",),
        area="gated cells",
    ),
    Claim(
        "GRU1",
        "GRU (PyTorch convention h = (1−z)⊙n + z⊙h_{t−1}): ‖∂h_t/∂h_{t−1} − I‖₂ ≤ δ with "
        "δ ∝ max_i σ(r_i − b_z,i) → 0 as the update bias grows, so the Jacobian tends to I "
        "and the lag profile stays within [log(2 − (1+δ)^ℓ), ℓ log(1+δ)].",
        "torch.nn.GRUCell, |h_0| ≤ 1, update pre-activation within r of its bias",
        (
            "Cho et al. (2014), EMNLP",
            "Chen, Pennington & Schoenholz (2018), ICML, §4",
        ),
        ("theory.gated.gru_jacobian_deviation_bound", "theory.gated.gru_log_norm_bounds"),
        ("tests/test_gated_cells.py::test_gru_jacobian_tends_to_identity",),
        area="gated cells",
    ),
    Claim(
        "C1",
        "Gradient clipping (Algorithm 1): torch.nn.utils.clip_grad_norm_ rescales an "
        "exploding gradient to norm θ (relative error ≤ 1e-6/‖g‖ + 1e-12) and keeps its "
        "direction (cosine 1 − 1e-12).",
        "total gradient norm ‖g‖ > θ of an RNN in the exploding regime",
        ("Pascanu, Mikolov & Bengio (2013), ICML, §3.2 and Algorithm 1",),
        ("theory.gated.clipped_gradient_norm",),
        ("tests/test_clipping.py::test_clipping_rescales_to_threshold_and_keeps_direction",),
        area="clipping",
    ),
    # --- motivating question (issue 4): insert Claim(...) entries below this line ---
    Claim(
        "Q1",
        "An RNN has one input matrix U, one recurrent (context) matrix W and one readout V "
        "(plus biases), shared by every time step: the fused torch.nn.RNN equals one "
        "torch.nn.RNNCell applied T times, and the parameter count does not depend on T.",
        "vanilla tanh RNN h_t = tanh(W h_{t−1} + U x_t + b) with readout V h_t + c",
        ("Elman (1990), Finding structure in time, Cognitive Science 14(2)",
         "Goodfellow, Bengio & Courville (2016), Deep Learning, §10.2"),
        ("theory.measurement.bptt.rnn_modules",),
        ("tests/test_bptt_decomposition.py::test_weights_are_shared_across_steps",),
        area="motivating question",
    ),
    Claim(
        "Q2",
        "U and W at step k serve two roles: ∂(Σ_t L_t)/∂θ_k = ∂L_k/∂θ_k (predict now) + "
        "Σ_{t>k} ∂L_t/∂θ_k (package for later), both generically non-zero; ∂L_t/∂θ_k = 0 "
        "exactly for t < k, and the readout V serves only its own step (∂L_t/∂V_k = 0 for t ≠ k).",
        "vanilla tanh RNN, losses at every step, untied per-step copies θ_k of the weights",
        ("Goodfellow, Bengio & Courville (2016), Deep Learning, §10.2.2",),
        ("theory.measurement.bptt.untied_gradients",),
        ("tests/test_bptt_decomposition.py::test_input_and_context_weights_serve_two_roles",),
        area="motivating question",
    ),
    Claim(
        "Q3",
        "Backpropagation 'per word', made precise: ∇(Σ_t L_t) = Σ_t ∇L_t, and the gradient on "
        "the shared W (and U, b, V) equals the sum of the gradients on per-step untied copies; "
        "both equalities hold to float64 rounding.",
        "vanilla tanh RNN with a linear readout and cross-entropy losses; torch.nn modules",
        ("Werbos (1990), Backpropagation through time, Proc. IEEE 78(10)",
         PASCANU_2013 + ", eqs. 3–5"),
        ("theory.measurement.bptt.shared_gradients", "theory.measurement.bptt.per_loss_gradients",
         "theory.measurement.bptt.untied_gradients"),
        ("tests/test_bptt_decomposition.py::test_gradient_is_sum_over_losses_and_steps",),
        area="motivating question",
    ),
    Claim(
        "Q4",
        "Short lags are not attenuated by the recurrence beyond a few factors: the lag-ℓ "
        "term of ∂L_T/∂W satisfies ‖G_{T−ℓ}‖_F ≥ ‖g_T‖‖h_{k−1}‖·Π_{t=k..T} min_i|φ'(a_{t,i})|·"
        "σ_min(W)^ℓ; only ℓ Jacobian factors separate it from the lag-0 term.",
        "vanilla tanh RNN, loss at step T; the bound is along one run",
        (HORN_JOHNSON + ", Thm. 7.3.8", PASCANU_2013 + ", eq. 5"),
        ("theory.bptt.log_lag_term_trajectory_lower_bound",),
        ("tests/test_per_lag_contributions.py::test_short_lags_are_not_attenuated",),
        area="motivating question",
    ),
    Claim(
        "Q5",
        "The lag-ℓ term of the gradient on the shared W obeys ‖G_{T−ℓ}‖_F ≤ "
        "γ‖g_T‖₂ max_k‖h_{k−1}‖₂·(γ‖W‖₂)^ℓ, and the share of the gradient mass from lags "
        "> L is at most C·Σ_{ℓ>L}(γ‖W‖₂)^ℓ / Σ_ℓ‖G_{T−ℓ}‖_F: long-range terms are swamped by "
        "short-range ones inside one shared gradient.",
        "vanilla RNN, |φ'| ≤ γ, loss at step T",
        (PASCANU_2013 + ", eqs. 3–7 and §3", BENGIO_1994),
        ("theory.bptt.log_lag_term_upper_bound", "theory.bptt.tail_share_bound",
         "theory.bptt.tail_share"),
        ("tests/test_per_lag_contributions.py::test_per_lag_terms_obey_the_bound",
         "tests/test_per_lag_contributions.py::test_long_lag_share_falls_as_predicted",
         "tests/test_per_lag_contributions.py::test_agreement_rnn_lag_shares_recorded"),
        area="motivating question",
    ),
    Claim(
        "Q6",
        "The verb's loss at step T depends on the input at step k through "
        "‖∂L_T/∂x_k‖₂ ≤ ‖∂L_T/∂h_T‖₂·γ‖U‖₂·(γ‖W‖₂)^{T−k}, on random and on trained weights.",
        "vanilla RNN, |φ'| ≤ γ; x_k enters only through a_k",
        (BENGIO_1994 + ", §III", PASCANU_2013 + ", eqs. 5–7"),
        ("theory.bptt.log_input_sensitivity_bound",
         "theory.bptt.log_input_sensitivity_trajectory_bound"),
        ("tests/test_input_sensitivity.py::test_input_sensitivity_bound",
         "tests/test_input_sensitivity.py::test_agreement_rnn_input_sensitivity_recorded",
         "tests/test_agreement.py::test_input_sensitivity_bound_on_trained_weights"),
        area="motivating question",
    ),
    Claim(
        "Q7",
        "On the synthetic agreement task (subject, D fillers, verb slot), a tanh torch.nn.RNN "
        "falls to chance as D grows, at distances where a torch.nn.LSTM of the same hidden "
        "size and training budget is still near-perfect (99 % Wilson intervals).",
        "the training recipe of theory.experiments.agreement (Adam, lr 1e-3, clipping, PyTorch default "
        "init, LSTM forget bias 1); measured, with the budget stated",
        (BENGIO_1994, "Hochreiter & Schmidhuber (1997), Long short-term memory, Neural "
         "Computation 9(8)", "Linzen, Dupoux & Goldberg (2016), Assessing the ability of "
         "LSTMs to learn syntax-sensitive dependencies, TACL 4"),
        ("theory.experiments.agreement.run_experiment", "theory.experiments.agreement.wilson_interval"),
        ("tests/test_agreement.py::test_fast_agreement_rnn_fails_where_lstm_holds",),
        area="motivating question",
        notes="fast version: hidden size 8, D ∈ {2, 30}, one seed; the full experiment is Q10",
    ),
    Claim(
        "Q8",
        "At initialisation the gradient reaching the subject token falls geometrically with D "
        "for the RNN — many decades more than for the LSTM.",
        "PyTorch default initialisation; the agreement task",
        (BENGIO_1994, PASCANU_2013),
        ("theory.experiments.agreement.subject_gradient_norm",),
        ("tests/test_agreement.py::test_fast_subject_gradient_vanishes_for_the_rnn",),
        area="motivating question",
        notes="fast version; the full experiment is Q10",
    ),
    Claim(
        "Q9",
        "The foundation bounds U1, U2, L1 and L2 still hold on the weights of the trained "
        "agreement RNNs, on real input sequences.",
        "trained torch.nn.RNN (tanh), b = bias_ih + bias_hh, h_0 = 0",
        (PASCANU_2013, HORN_JOHNSON + ", Thm. 7.3.8"),
        ("theory.log_upper_bound", "theory.log_trajectory_upper_bound",
         "theory.log_trajectory_lower_bound", "theory.log_lower_bound", "theory.lag_profile"),
        ("tests/test_agreement.py::test_foundation_bounds_hold_on_trained_weights",),
        area="motivating question",
    ),
    Claim(
        "Q10",
        "Full agreement experiment (hidden size 16, D from 2 to 60, 3 seeds, the same budget "
        "for both): both models learn at D = 2, the tanh RNN is not learned at D = 60, there is "
        "a D ≥ 20 where the LSTM has learned and the RNN has not (99 % Wilson intervals), and "
        "the RNN's gradient reaching the subject at initialisation falls by ≥ 10 decades.",
        "the training recipe of theory.experiments.agreement (SLOW_CONFIG); run with pytest -m slow",
        (BENGIO_1994, "Hochreiter & Schmidhuber (1997), Long short-term memory, Neural "
         "Computation 9(8)", "Linzen, Dupoux & Goldberg (2016), TACL 4"),
        ("theory.experiments.agreement.run_experiment", "theory.experiments.agreement.wilson_interval",
         "theory.experiments.agreement.subject_gradient_norm"),
        ("tests/test_agreement.py::test_full_agreement_experiment",),
        area="motivating question",
    ),
    Claim(
        "Q11",
        "During training, not only at initialisation, the gradient reaching the subject token "
        "at the experiment's longest distance stays vanishingly small for the tanh RNN: at every "
        "recorded step it is at least 3 decades below the LSTM's at the same step, so training "
        "never brings the signal that would teach the dependency.",
        "the training recipe of theory.experiments.agreement; the gradient is measured every "
        "FAST_RECORD_EVERY steps on held-out probe sequences",
        (BENGIO_1994, PASCANU_2013),
        ("theory.experiments.agreement.run_experiment", "theory.experiments.agreement.training_payload",
         "theory.experiments.agreement.subject_gradient_norm"),
        ("tests/test_agreement.py::test_fast_subject_gradient_stays_vanished_during_training",),
        area="motivating question",
        notes="fast version: hidden size 8, D = 30, one seed, every 25 of 300 steps; tightness "
              "is 3 − (smallest gap in decades); the full run (Q10) records the same for every D",
    ),
)


def claim(claim_id):
    """Return the :class:`Claim` with this ID, or raise ``ValueError`` listing the known IDs."""
    try:
        return CLAIMS[claim_id]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown claim ID {claim_id!r}; known IDs: {', '.join(sorted(CLAIMS))}"
        ) from None
